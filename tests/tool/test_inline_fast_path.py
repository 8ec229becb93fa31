"""Text without inline syntax is not parsed: what the parser would say of it, said at once."""

from __future__ import annotations

import random

import pytest

from pipeline.checks.prose import _inline_text, plain_text
from pipeline.text import inline
from pipeline.text.markdown import inline_parser, without_inline_syntax

# Characters of every kind the text rule of the parser stops at, or that a rule may start at
# in other dialects, and whitespace of several kinds.
ALPHABET = " \t\u00a0\u2028\u3000\f\v#|-+={}%$\"'():;.,?/@^]>!0123456789abcAZéЖ中\u200b\ufeff"
SYNTAX = ("\\*", "`x`", "*a*", "_a_", "~~s~~", "[a](b)", "<b>", "&amp;", "a\nb", "a\r\nb", "\x00")


def _texts() -> list[str]:
    rng = random.Random(7)
    made = ["", " ", "  lead and trail  ", "{cost} – 70–90% (CAR-T)!", "Price: $5 > 3 ]"]
    made += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 16))) for _ in range(5000)]
    return made


def _children(text: str) -> list[tuple[str, str]]:
    blocks = inline_parser().parseInline(text)
    return [(token.type, token.content) for block in blocks for token in block.children or ()]


def test_text_without_syntax_is_one_text_token_as_the_parser_says() -> None:
    for text in _texts():
        assert without_inline_syntax(text)
        assert _children(text) == ([("text", text)] if text else [])


@pytest.mark.parametrize("text", SYNTAX)
def test_text_with_syntax_is_parsed(text: str) -> None:
    assert not without_inline_syntax(text)


def test_markup_prose_and_plain_text_of_such_text_are_the_parsed_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [*_texts()[:500], "See https://example.org/a-b {name} and %(count)s, 20 CD19."]
    texts = [t for t in texts if without_inline_syntax(t)]
    fast = [(inline.inline_markup(t), inline.prose(t), plain_text(t)) for t in texts]
    inline.inline_markup.cache_clear()
    inline.prose.cache_clear()
    plain_text.cache_clear()
    monkeypatch.setattr(inline, "without_inline_syntax", lambda text: False)
    monkeypatch.setattr("pipeline.checks.prose.without_inline_syntax", lambda text: False)
    try:
        parsed = [(inline.inline_markup(t), inline.prose(t), plain_text(t)) for t in texts]
    finally:
        inline.inline_markup.cache_clear()
        inline.prose.cache_clear()
        plain_text.cache_clear()
    assert fast == parsed
    assert _inline_text("a *b* c") == "a b c"
