"""Pseudo-translation: English made to look foreign, to find layouts that break and text
that never went through the catalogs, before any translator is paid.

As Chromium and Android do it: ``en-XA`` accents every letter, brackets the text and
pads it about 35% longer ("[Ţĥé çöšţ one two]"); ``ar-XB`` mirrors each word with a
right-to-left override, for a right-to-left page. What an engine must leave alone is
left alone here too, by the same rule (:func:`~pipeline.machine.protect.protect`):
placeholders, inline Markdown, links, numbers, codes and do-not-translate terms come
out exactly as they went in. :func:`not_pseudo` finds, in a page's visible text, what
is neither pseudo-translated nor protected.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from pipeline.machine.protect import protect, restore
from pipeline.text.languages import pseudo_locale
from pipeline.text.protected import TOKEN_CLOSE, TOKEN_OPEN, markup_spans, protection_pattern

EXPANSION = 1.35
"""How much longer an ``en-XA`` text is than its source, as a reader sees it."""

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "åƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"
_ACCENTS = str.maketrans(_PLAIN, _ACCENTED)
PADDING = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

RLM, RLO, PDF = "\u200f", "\u202e", "\u202c"
_TOKEN_OR_SPACE = re.compile(rf"({TOKEN_OPEN}\d+{TOKEN_CLOSE}|\s+)")
_LETTERS = re.compile(r"[^\W\d_](?:.*[^\W\d_])?")
_OVERRIDDEN = re.compile(f"{RLO}[^{PDF}]*{PDF}")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:['’.-][A-Za-z]+)*")


def pseudo_translate(text: str, locale: str, terms: Sequence[str] = ()) -> str:
    """``text`` in the pseudo-locale ``locale`` (``en-XA`` or ``ar-XB``), every protected
    token kept; ValueError for another locale."""
    pseudo = pseudo_locale(locale)
    if pseudo is None:
        raise ValueError(f"{locale!r} is not a pseudo-locale")
    if not text.strip():
        return text
    return mirrored(text, terms) if pseudo.direction == "rtl" else accented(text, terms)


def visible_length(text: str) -> int:
    """The characters of ``text`` that are not markup (a link's target, a tag, emphasis)."""
    return len(text) - sum(end - start for start, end in markup_spans(text))


def accented(text: str, terms: Sequence[str] = ()) -> str:
    """``en-XA``: letters accented, the text bracketed and padded to about 35% longer."""
    masked, tokens = protect(text, terms)
    body = restore(masked.translate(_ACCENTS), tokens)
    shown = visible_length(text)
    wanted = math.ceil(shown * EXPANSION) - shown - 2  # the brackets count
    padding: list[str] = []
    while wanted > 0:
        word = PADDING[len(padding) % len(PADDING)]
        padding.append(word)
        wanted -= len(word) + 1
    if body.endswith("\\") and not padding:
        padding.append("")  # "\]" would escape the closing bracket
    text = body + "".join(" " + word for word in padding)
    # Escaped where the opening bracket could start a link with the text's own "](…)".
    return ("\\[" + text + "\\]") if "](" in text else ("[" + text + "]")


def mirrored(text: str, terms: Sequence[str] = ()) -> str:
    """``ar-XB``: each word shown mirrored, as Android wraps it: right-to-left marks around a
    right-to-left override. Protected tokens and spaces are left as they are."""
    masked, tokens = protect(text, terms)
    pieces = _TOKEN_OR_SPACE.split(masked)
    for index in range(0, len(pieces), 2):  # the pieces between separators
        # From the first letter to the last: punctuation beside a token stays beside it, so
        # that no URL or number reads on into the marks.
        pieces[index] = _LETTERS.sub(rf"{RLM}{RLO}\g<0>{PDF}{RLM}", pieces[index])
    return restore("".join(pieces), tokens)


def not_pseudo(text: str, locale: str, terms: Sequence[str] = ()) -> str:
    """The words of ``text`` (a page's visible text) that are not pseudo-translated for
    ``locale`` and not protected tokens, joined by spaces; "" when there are none.

    ``en-XA`` leaves no ASCII letter outside a protected token but its padding words;
    ``ar-XB`` none outside its overrides.
    """
    pseudo = pseudo_locale(locale)
    if pseudo is None:
        raise ValueError(f"{locale!r} is not a pseudo-locale")
    rtl = pseudo.direction == "rtl"
    left = protection_pattern(terms).sub(" ", _OVERRIDDEN.sub(" ", text) if rtl else text)
    return " ".join(w for w in _LATIN_WORD.findall(left) if rtl or w not in PADDING)
