"""One corpus of tricky inline markup through every stage that reads markup.

Segmentation, the QA checks, machine protection, rendering, sentence splitting
and language identification each look at a segment's links, placeholders,
numbers, code spans, emphasis and autolinks. They import one definition of
each rule from ``pipeline.text``; this test shows that, on the same inputs,
they see the same things. Where two of them disagreed, a translation could
pass one stage and be published wrong by another.
"""

from __future__ import annotations

import html
import re

import pytest

from pipeline.checks.prose import plain_text
from pipeline.machine.protect import protect
from pipeline.model import Segment
from pipeline.segments.blocks import document_segments
from pipeline.site.render import show_allowed_tags
from pipeline.source.documents import Document
from pipeline.text.inline import inline_markup, markup_problems
from pipeline.text.markdown import page_parser
from pipeline.text.numbers import number_keys, numbers_in
from pipeline.text.sentences import split_sentences
from pipeline.text.tags import real_tags, shown_tag

CORPUS = [
    "See [the trial](https://www.nejm.org/doi/full/10.1056/NEJMoa1707447) for details.",
    "Read https://example.org/a_b_(c). Then call {phone}.",
    "Visit «https://example.org/path».",
    "Costs from {cost_from} to {cost_to}, about 20 000 € in 2024.",
    "Use `l10n build --lang de` and *not* `make`.",
    "**CAR-T** cells target CD19; response rates are 70–90% at 1.5 × 10⁶ cells/kg.",
    "Mail <mailto:info@clinic.example> or <https://clinic.example/contact>.",
    '~~Old price~~ New price: {cost_from} (see [terms](terms.html "Terms")).',
    "Dose 2.5 mg/kg, twice (10:30 and 22:30), ratio 1:1.",
    "A ![diagram](img/car-t.png) shows _how_ it works, with __two__ steps.",
    "Snake_case_words and file_names.txt are not emphasis; {a_b} is a placeholder.",
    "Bare www.example.com/page, then https://example.org/x?q=1&r=2.",
    "The 1<sup>st</sup> dose, <b>kept</b> as text, `<sup>code</sup>` and <SUP>2</SUP>.",
]
INLINE_TAGS = frozenset({"sup"})


def _rendered(text: str) -> str:
    tokens = page_parser().parseInline(text)
    show_allowed_tags(tokens[0].children or [], INLINE_TAGS)
    return str(page_parser().renderer.render(tokens, page_parser().options, {}))


def _rendered_hrefs(text: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a href="([^"]*)"', _rendered(text))]


def _protected(text: str) -> str:
    """Everything machine translation hands back untouched, joined."""
    return "\n".join(protect(text)[1])


@pytest.mark.parametrize("text", CORPUS)
def test_links_the_renderer_makes_are_the_links_qa_compares(text: str) -> None:
    markup = inline_markup(text)
    assert _rendered_hrefs(text) == [href for href, _ in markup.links]
    for href, _ in markup.links:
        assert href in _protected(text) or href.removeprefix("mailto:") in _protected(text)
        assert href not in plain_text(text)


@pytest.mark.parametrize("text", CORPUS)
def test_placeholders_are_one_set_for_segmenter_qa_machine_and_language_check(text: str) -> None:
    placeholders = set(inline_markup(text).placeholders)
    document = Document(
        file="source/p.md",
        text=f"---\ntitle: T\n---\n{text}\n",
        body=text + "\n",
        body_line=4,
        title="T",
        slug="p",
        order=1,
    )
    segments: list[Segment] = document_segments(document)
    flagged = any("python-brace-format" in s.flags for s in segments if s.msgid == text)
    assert flagged == bool(placeholders)
    protected = set(protect(text)[1])
    for placeholder in placeholders:
        assert any(placeholder in token for token in protected)
        assert placeholder not in plain_text(text)
    assert markup_problems(text, text) == []


@pytest.mark.parametrize("text", CORPUS)
def test_numbers_qa_compares_are_protected_and_anchor_alignment(text: str) -> None:
    protected = _protected(text)
    keys = number_keys(text)
    for number in numbers_in(text, "en"):
        digits = re.sub(r"\D", "", number.text)
        assert digits in keys
        assert number.text.rstrip("%").strip() in protected


@pytest.mark.parametrize("text", CORPUS)
def test_code_spans_and_autolinks_are_seen_alike(text: str) -> None:
    markup = inline_markup(text)
    rendered = _rendered(text)
    assert len(markup.code) == rendered.count("<code>")
    for code in markup.code:
        assert f"`{code}`" in _protected(text)
        assert code not in plain_text(text)
    for url in markup.autolinks:
        assert f"<{url}>" in _protected(text)
    for url in markup.bare_urls:
        assert url in _protected(text)
        assert url not in plain_text(text)
        assert sum(url in sentence for sentence in split_sentences(text, "en")) == 1


@pytest.mark.parametrize("text", CORPUS)
def test_emphasis_qa_counts_is_the_emphasis_the_renderer_makes(text: str) -> None:
    rendered = _rendered(text)
    emphasis = inline_markup(text).emphasis
    assert emphasis.count("em") == rendered.count("<em>")
    assert emphasis.count("strong") == rendered.count("<strong>")
    assert emphasis.count("s") == rendered.count("<s>")


def test_trailing_punctuation_and_quotes_stay_outside_a_url() -> None:
    assert inline_markup("Read https://example.org/a.").bare_urls == ("https://example.org/a",)
    assert inline_markup("«https://example.org/»,").bare_urls == ("https://example.org/",)
    assert inline_markup("https://”.").bare_urls == ()
    assert markup_problems("See https://example.org.", "Voir https://example.org") == []


@pytest.mark.parametrize("text", CORPUS)
def test_the_tags_a_page_shows_are_the_allowed_tags_qa_lets_a_translation_add(text: str) -> None:
    allowed = [shown_tag(tag.raw, INLINE_TAGS) for tag in real_tags(inline_markup(text).raw_html)]
    shown = re.findall(r"</?[a-z]+[^>]*>", _rendered(text))
    made_by_markdown = {"<a", "</a", "<em", "</em", "<strong", "</strong", "<s>", "</s>",
                        "<code", "</code", "<img"}  # fmt: skip
    assert [t for t in shown if not t.startswith(tuple(made_by_markdown))] == [
        tag for tag in allowed if tag is not None
    ]
    assert markup_problems(text, text, INLINE_TAGS) == []
    assert not markup_problems("The dose", "The <sup>1</sup> dose", INLINE_TAGS)
    assert markup_problems("The dose", "The <b>1</b> dose", INLINE_TAGS)
