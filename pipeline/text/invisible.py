"""Characters a reader does not see: controls, format characters, separators, private use.

One definition for the two places that must not be fooled by them: a message that
quotes input (:func:`pipeline.text.excerpt.excerpt` shows each as an escape, so a
translation cannot recolour a terminal or hide a warning) and the screening of a
translation (:func:`hidden_in`, so zero-width spaces, Unicode tag characters and
bidi overrides are never published).
"""

from __future__ import annotations

import re

# Unicode's Cc, Cf, Zl, Zp, Cs and Co categories (generated from unicodedata, which
# tests/test_limits.py checks), the whole tag block U+E0000-E007F and the Hangul fillers,
# letters that draw nothing.
_HIDDEN_CLASS = (
    "\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164"
    "\ud800-\uf8ff\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f"
    "\U000f0000-\U000ffffd\U00100000-\U0010fffd"
)
HIDDEN = re.compile(f"[{_HIDDEN_CLASS}]")
"""One character a reader does not see as itself."""

TYPOGRAPHIC = frozenset(
    "\n\t"  # line breaks and tabs: the whitespace checks' concern
    "\u00ad"  # soft hyphen: where a long word may break
    "\u061c\u200e\u200f"  # Arabic letter mark, LRM, RLM: right-to-left typography needs them
    "\u202a\u202b\u202c"  # embeddings: they set a run's direction, and Arabic catalogs use them
    "\u200c\u200d"  # zero-width non-joiner and joiner: Persian, Indic scripts, emoji
)
"""Invisible characters a translation may carry: writing systems need them."""


def hidden_in(text: str) -> set[str]:
    """The invisible characters of ``text`` that no writing system needs (see :data:`TYPOGRAPHIC`).

    Zero-width spaces, Unicode tag characters, bidi embeddings, overrides and
    isolates, C0 and C1 controls (the escape that starts a terminal sequence too).
    """
    return {char for char in HIDDEN.findall(text) if char not in TYPOGRAPHIC}


def hidden_problem(source: str, translation: str) -> str:
    """Why ``translation`` may not be published for its invisible characters; "" if it may.

    A character the source itself carries is allowed in its translation.
    """
    added = sorted(hidden_in(translation) - hidden_in(source))
    if not added:
        return ""
    return f"invisible character U+{ord(added[0]):04X} ({_name(added[0])})"


def _name(char: str) -> str:
    code = ord(char)
    if 0xE0000 <= code <= 0xE007F:
        return "a Unicode tag character"
    if char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        return "a bidi control"
    if code < 0x20 or 0x7F <= code <= 0x9F:
        return "a control character"
    return "a zero-width or format character"
