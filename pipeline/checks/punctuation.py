"""How a text ends: the punctuation kind the ``punctuation`` and ``truncated`` checks compare."""

from __future__ import annotations

import re

from pipeline.text.numbers import SPACES

# Ending punctuation by meaning; each language's own marks count as the same.
_ENDING_KIND = {
    ".": "full stop", "。": "full stop", "।": "full stop", "۔": "full stop", "．": "full stop",
    "?": "question mark", "？": "question mark", "؟": "question mark",
    "!": "exclamation mark", "！": "exclamation mark",
    ":": "colon", "：": "colon",
    ";": "semicolon", "；": "semicolon", "؛": "semicolon",
    ",": "comma", "，": "comma", "、": "comma", "،": "comma",
    "…": "ellipsis",
}  # fmt: skip
# Closing marks that may follow the sentence's own punctuation.
CLOSING_MARKS = "*_`)]}»«\"'”“’›‹」』）"


# A full stop that ends an abbreviation, not a sentence: "(breast, lung, etc.)".
_ABBREVIATION_END = re.compile(
    r"(?<!\w)(?:etc|e\.g|i\.e|vs|approx|cf|al|usw|bzw|z\.\s?B|ecc|т\.\s?д|т\.\s?п|др)\.$",
    re.IGNORECASE,
)


def ending_punctuation(text: str) -> str | None:
    """The kind of punctuation ``text`` ends with, "abbreviation" or None."""
    text = text.rstrip().rstrip(CLOSING_MARKS + SPACES).rstrip()
    if text.endswith("..."):
        return "ellipsis"
    if _ABBREVIATION_END.search(text):
        return "abbreviation"
    return _ENDING_KIND.get(text[-1:]) if text else None
