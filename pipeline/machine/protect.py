"""Protection: mask what an engine must not touch, and check that it all came back.

Numbers, doses, gene and drug names, URLs and Markdown syntax become ``⟦n⟧`` tokens
before a text is sent; :func:`restore` puts them back and refuses an answer that lost,
repeated or invented one. The shared text rules (URLs, e-mail addresses, placeholders,
HTML, number runs, hyphens) and what is protected come from :mod:`pipeline.text.protected`,
so what is protected here is what the checks compare and what exchange formats keep.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.text.protected import TOKEN_CLOSE, TOKEN_OPEN, protection_pattern

# Engines may pad a token with spaces or localise its digits (Arabic-Indic digits
# are \d too, and int() reads them), so the read-back is lenient; the written form is not.
_TOKEN_READ = re.compile(rf"{TOKEN_OPEN}\s*(\d+)\s*{TOKEN_CLOSE}")


class ProtectionError(ValueError):
    """An engine's answer lost, repeated or invented a protected token."""


def protect(text: str, terms: Sequence[str] = ()) -> tuple[str, list[str]]:
    """Replace everything an engine must leave alone with ``⟦n⟧`` tokens.

    Returns the masked text and the protected strings, token ``n`` being ``tokens[n]``.
    Neighbouring protected spans become one token, so ``**CD19**`` costs one.
    """
    pattern = protection_pattern(terms)
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
