"""Words that are not what they look like: letters of two scripts, or a joiner, in one word.

"САR-T" typed with a Cyrillic С and А reads as "CAR-T" and is not it: a
do-not-translate term, a drug or a gene name spelled so passes every comparison
that folds look-alike letters together, and fails every search a reader makes.
Latin, Cyrillic and Greek share their look-alikes; a word (a run of letters)
that mixes them, or holds a zero-width joiner or non-joiner between their
letters (scripts that need those are Arabic, Persian and the Indic ones), is
reported. Hyphenated words are separate words: "T-клетки" is fine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.text.patterns import PRINTF_VARIABLE

_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})
_JOINERS = "\u200c\u200d"
_WORD = re.compile(rf"[^\W\d_]+(?:[{_JOINERS}]+[^\W\d_]+)*")
# "μg", "µm", "μl": the micro sign before a Latin unit is one symbol, not a spoof.
_UNIT = re.compile(r"[μµ][A-Za-z]{1,2}")


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    return unicodedata.name(char, "").partition(" ")[0]


def spoofed_words(text: str) -> list[str]:
    """The words of ``text`` that mix Latin, Cyrillic and Greek letters or hide a joiner."""
    found: list[str] = []
    # A format variable's letter is no letter of the word it touches: "%(link)sВойдите".
    text = PRINTF_VARIABLE.sub(lambda variable: " " * len(variable.group()), text)
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii() or _UNIT.fullmatch(word):
            continue
        scripts = {_script(char) for char in word if char.isalpha()} & _LOOKALIKE_SCRIPTS
        if len(scripts) > 1 or (scripts and any(j in word for j in _JOINERS)):
            found.append(word)
    for joiner in _JOINER.finditer(text):  # beside a letter of these scripts, not inside a word
        start, end = joiner.span()
        beside = text[start - 1 : start] + text[end : end + 1]
        if any(c.isalpha() and _script(c) in _LOOKALIKE_SCRIPTS for c in beside):
            word = text[max(0, start - 8) : end + 8]
            if not any(word in seen or seen in word for seen in found):
                found.append(word)
    return found


_JOINER = re.compile(f"[{_JOINERS}]")
