"""Protection: mask what an engine must not touch, and check that it all came back.

Numbers, doses, gene and drug names, URLs and Markdown syntax become ``⟦n⟧`` tokens
before a text is sent; :func:`restore` puts them back and refuses an answer that lost,
repeated or invented one. The shared text rules (URLs, e-mail addresses, placeholders,
HTML, number runs, hyphens) come from :mod:`pipeline.text.patterns` and
:mod:`pipeline.text.numbers`, so what is protected here is what the checks compare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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
# Engines may pad a token with spaces or localise its digits (Arabic-Indic digits
# are \d too, and int() reads them), so the read-back is lenient; the written form is not.
_TOKEN_READ = re.compile(rf"{TOKEN_OPEN}\s*(\d+)\s*{TOKEN_CLOSE}")

_HYPHEN = rf"[{HYPHENS}]"
# A number with the separators of times, ratios and dates too (10:30, 1:1, 12/2017), and
# superscripts (10⁹/L): an engine must hand every digit back as it was.
_NUMBER = rf"{NUMBER_RUN}(?:[:/]{NUMBER_RUN})*[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*(?:\s?%)?"
_PROTECTED_SYNTAX = [
    rf"[{TOKEN_OPEN}{TOKEN_CLOSE}]",  # so any bracket in an answer is one of ours
    r"(?P<ticks>`+).+?(?P=ticks)",  # inline code
    r"\\[\\`*_{}\[\]()#+\-.!|<>~]",  # Markdown backslash escape
    r"!?\[(?=[^\[\]]*\]\()",  # opening bracket of an inline link or image
    r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)",  # "](target "title")"
    r"<(?:https?|mailto):[^>\s]+>",  # autolink
    HTML_TAG.pattern,
    HTML_ENTITY.pattern,
    BARE_URL.pattern,
    EMAIL.pattern,
    PLACEHOLDER.pattern,
    PRINTF_VARIABLE.pattern,
]
_PROTECTED_CONTENT = [
    # gene, protein and trial codes: CD19, IL-6, HER2, COVID-19, NEJMoa1707447, TNF-α
    rf"(?<!\w)[A-Za-z]+(?:{_HYPHEN}?\d+[A-Za-z0-9]*)+(?!\w)",
    rf"(?<!\w)[A-Z]{{2,}}{_HYPHEN}[α-ω](?!\w)",
    # numbers, percentages, ranges and dates: 20000, 1.5, 70–90%, 1–2, 2017-12-28
    rf"(?<![\w.])[±−]?{_NUMBER}(?:\s?[–—‐‑×-]\s?−?{_NUMBER})*",
    r"\*+|~~|(?<!\w)_+(?=\S)|(?<=\S)_+(?!\w)",  # emphasis markers
]


class ProtectionError(ValueError):
    """An engine's answer lost, repeated or invented a protected token."""


def _terms_pattern(terms: Sequence[str]) -> str | None:
    """Do-not-translate terms, longest first; an all-lowercase term (a drug name) also
    matches capitalised at the start of a sentence, a term with capitals matches as written."""
    alternatives = []
    for term in sorted({t.strip() for t in terms if t.strip()}, key=len, reverse=True):
        escaped = re.escape(term)
        alternatives.append(f"(?i:{escaped})" if term == term.lower() else escaped)
    if not alternatives:
        return None
    return rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)"


def _protection_pattern(terms: Sequence[str]) -> re.Pattern[str]:
    terms_pattern = _terms_pattern(terms)
    parts = [*_PROTECTED_SYNTAX, *([terms_pattern] if terms_pattern else []), *_PROTECTED_CONTENT]
    return re.compile("|".join(f"(?:{p})" for p in parts))


def protect(text: str, terms: Sequence[str] = ()) -> tuple[str, list[str]]:
    """Replace everything an engine must leave alone with ``⟦n⟧`` tokens.

    Returns the masked text and the protected strings, token ``n`` being ``tokens[n]``.
    Neighbouring protected spans become one token, so ``**CD19**`` costs one.
    """
    pattern = _protection_pattern(terms)
    spans: list[list[int]] = []
    for match in pattern.finditer(text):
        if match.start() == match.end():
            continue
        if spans and spans[-1][1] == match.start():
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    pieces: list[str] = []
    tokens: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(f"{TOKEN_OPEN}{len(tokens)}{TOKEN_CLOSE}")
        tokens.append(text[start:end])
        position = end
    pieces.append(text[position:])
    return "".join(pieces), tokens


def restore(masked: str, tokens: list[str]) -> str:
    """Put the protected strings back; raise :class:`ProtectionError` unless every token
    comes back exactly once and nothing else looks like a token."""
    found = [int(m.group(1)) for m in _TOKEN_READ.finditer(masked)]
    problems = []
    missing = sorted(set(range(len(tokens))) - set(found))
    if missing:
        problems.append("lost " + ", ".join(repr(tokens[i]) for i in missing))
    duplicated = sorted({i for i in found if found.count(i) > 1 and i < len(tokens)})
    if duplicated:
        problems.append("repeated " + ", ".join(repr(tokens[i]) for i in duplicated))
    invented = sorted({i for i in found if i >= len(tokens)})
    if invented:
        problems.append("invented token(s) " + ", ".join(str(i) for i in invented))
    if not problems:
        stray = _TOKEN_READ.sub("", masked)
        if TOKEN_OPEN in stray or TOKEN_CLOSE in stray:
            problems.append("mangled a protected token")
    if problems:
        raise ProtectionError("the translation " + "; ".join(problems))
    return _TOKEN_READ.sub(lambda m: tokens[int(m.group(1))], masked)


def has_words(masked: str) -> bool:
    """Whether anything is left to translate once the tokens are out."""
    return any(ch.isalpha() for ch in _TOKEN_READ.sub("", masked))
