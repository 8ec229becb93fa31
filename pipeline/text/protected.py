"""What in a segment is not words to translate: its markup and protected tokens.

One definition for every stage that hands text to something that may damage it.
Machine translation (:mod:`pipeline.machine.protect`) masks all of it, content
included (numbers, gene codes, do-not-translate terms), because an engine
rewrites whatever it sees. Exchange formats (:mod:`pipeline.exchange.codes`)
turn only the markup into inline codes: a translator in a CAT tool writes
numbers and terms the locale's way, and the QA checks compare those.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from pipeline.text.numbers import NUMBER_RUN
from pipeline.text.patterns import (
    BARE_URL,
    EMAIL,
    HTML_ENTITY,
    HTML_TAG,
    HYPHENS,
    PLACEHOLDER,
    PRINTF_VARIABLE,
)

TOKEN_OPEN = "⟦"
TOKEN_CLOSE = "⟧"

_HYPHEN = rf"[{HYPHENS}]"
# A number with the separators of times, ratios and dates too (10:30, 1:1, 12/2017), and
# superscripts (10⁹/L): an engine must hand every digit back as it was. Its percent sign is
# not the start of a printf variable ("1–2 %(name)s").
_NUMBER = rf"{NUMBER_RUN}(?:[:/]{NUMBER_RUN})*[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*(?:\s?%(?![(\w]))?"

INLINE_CODE = r"(?P<ticks>`+).+?(?P=ticks)"
LINK_OPEN = r"!?\[(?=[^\[\]]*\]\()"  # opening bracket of an inline link or image
LINK_CLOSE = r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)"  # "](target "title")"
EMPHASIS = r"\*+|~~|(?<!\w)_+(?=\S)|(?<=\S)_+(?!\w)"

MARKUP = (
    rf"[{TOKEN_OPEN}{TOKEN_CLOSE}]",  # so any bracket in an answer is one of ours
    INLINE_CODE,
    r"\\[\\`*_{}\[\]()#+\-.!|<>~]",  # Markdown backslash escape
    LINK_OPEN,
    LINK_CLOSE,
    r"<(?:https?|mailto):[^>\s]+>",  # autolink
    HTML_TAG.pattern,
    HTML_ENTITY.pattern,
    BARE_URL.pattern,
    EMAIL.pattern,
    PLACEHOLDER.pattern,
    PRINTF_VARIABLE.pattern,
)
"""Markup and tokens a renderer reads: they must come back character for character."""

CONTENT = (
    # gene, protein and trial codes: CD19, IL-6, HER2, COVID-19, NEJMoa1707447, TNF-α
    rf"(?<!\w)[A-Za-z]+(?:{_HYPHEN}?\d+[A-Za-z0-9]*)+(?!\w)",
    rf"(?<!\w)[A-Z]{{2,}}{_HYPHEN}[α-ω](?!\w)",
    # numbers, percentages, ranges and dates: 20000, 1.5, 70–90%, 1–2, 2017-12-28
    rf"(?<![\w.])[±−]?{_NUMBER}(?:\s?[–—‐‑×-]\s?−?{_NUMBER})*",
)
"""Words an engine must not touch but a translator may write the locale's way."""


def terms_pattern(terms: Sequence[str]) -> str | None:
    """Do-not-translate terms, longest first; an all-lowercase term (a drug name) also
    matches capitalised at the start of a sentence, a term with capitals matches as written."""
    alternatives = []
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        escaped = re.escape(term)
        alternatives.append(f"(?i:{escaped})" if term == term.lower() else escaped)
    if not alternatives:
        return None
    return rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"


def protection_pattern(terms: Sequence[str] = (), *, content: bool = True) -> re.Pattern[str]:
    """Markup first, then the terms, then (with ``content``) codes and numbers, then emphasis.

    The order decides overlaps: a link target wins over the number inside it.
    """
    return _pattern(tuple(terms), content)


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...], content: bool) -> re.Pattern[str]:
    term_part = terms_pattern(terms)
    parts = [
        *MARKUP,
        *([term_part] if term_part else []),
        *(CONTENT if content else ()),
        EMPHASIS,
    ]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def markup_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of every markup token of ``text``, in order, none empty."""
    pattern = protection_pattern(content=False)
    return [m.span() for m in pattern.finditer(text) if m.start() != m.end()]
