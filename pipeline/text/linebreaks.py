"""Where a line may not break inside a word: beside a part of it too short to stand alone.

A browser may break a line after a hyphen or a dash. That is fine inside
"long-term", and wrong inside "CAR-T", "IL-6", "1–2" or "B-Zell", where a line
would end with "CAR-" or start with "2". The renderer keeps such parts of a table
cell's words together (:func:`unbreakable_spans`), and ``l10n layout`` reports a word
of a table cell broken so that a line holds at most :data:`SHORTEST` of its letters
and digits.
"""

from __future__ import annotations

import re

SHORTEST = 3
"""A part of a word with at most this many letters and digits is never left alone on a line."""

LONGEST = 24
"""Parts kept together are at most this long, so that nothing kept whole outgrows a phone."""

BREAKS_AFTER = "-\u2010\u2013\u2014"
"""Hyphen-minus, hyphen, en dash, em dash: a line may break after each (U+2011 never)."""

# A word: what lies between the spaces a line may break at (no-break spaces are inside).
_WORD = re.compile(r"[^ \t\n\r\f\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+")
_PARTS = re.compile(rf"[^{BREAKS_AFTER}]*(?:[{BREAKS_AFTER}]+|$)")
_ALNUM = re.compile(r"[^\W_]")


def weight(part: str) -> int:
    """The letters and digits of ``part``."""
    return len(_ALNUM.findall(part))


def unbreakable_spans(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each run of a word's parts that a line must not split.

    A word is cut, from its start, into the fewest parts joined by a hyphen or a dash
    that each hold more than :data:`SHORTEST` letters and digits ("CAR-T-" and
    "Zielantigene"; "1–2" whole): a line may break between runs, not inside one.
    """
    spans: list[tuple[int, int]] = []
    for word in _WORD.finditer(text):
        if not any(mark in word.group() for mark in BREAKS_AFTER):
            continue
        runs: list[list[re.Match[str]]] = [[]]
        for part in _PARTS.finditer(text, word.start(), word.end()):
            if part.group():
                if sum(weight(p.group()) for p in runs[-1]) > SHORTEST:
                    runs.append([])
                runs[-1].append(part)
        if len(runs) > 1 and sum(weight(p.group()) for p in runs[-1]) <= SHORTEST:
            last = runs.pop()
            runs[-1] += last  # too short to end the word alone
        for run in runs:
            start, end = run[0].start(), run[-1].end()
            if len(run) > 1 and end - start <= LONGEST:
                spans.append((start, end))
    return spans
