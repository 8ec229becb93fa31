"""Quoting input in a message: :func:`excerpt`, the one way every stage does it.

A message that repeats what a file says -- a catalog's unknown keyword, a
translation's link, a source sentence -- repeats input nobody vetted. It is
shown bounded and escaped: at most :data:`EXCERPT_CHARS` characters, with every
invisible character (:data:`pipeline.text.invisible.HIDDEN`) written as an escape
(``\\x1b``, ``\\u202e``, ``\\x00``). A file then cannot fill a CI log, print the
secrets of a file it links to, recolour a terminal or hide a warning.
"""

from __future__ import annotations

from pipeline.text.invisible import HIDDEN

EXCERPT_CHARS = 80
"""The most characters of input a message quotes."""

_ELLIPSIS = "…"


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escaped(text: str) -> str:
    """``text`` with every invisible character written as an escape; nothing cut."""
    return HIDDEN.sub(lambda match: _escape(match.group()), text)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` escaped (see :func:`escaped`) and cut to at most ``limit`` characters.

    A cut falls between words where one is near, without trailing punctuation,
    and is marked with an ellipsis. Only the start of ``text`` is looked at, so a
    quote from a megabyte line costs what a quote from a short one does.
    """
    shown = escaped(text[: limit + 1])
    if len(shown) <= limit and len(text) <= limit:
        return shown
    cut = shown[: max(1, limit - 1)]
    following = shown[len(cut) : len(cut) + 1]
    if following and not following.isspace() and " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    cut = _without_broken_escape(cut)
    return cut.rstrip(" ,;:.-–—") + _ELLIPSIS


def _without_broken_escape(cut: str) -> str:
    """``cut`` without an escape sequence the cut went through (``\\u20`` of ``\\u202e``)."""
    backslash = cut.rfind("\\", max(0, len(cut) - 10))
    if backslash < 0:
        return cut
    tail = cut[backslash + 1 :]
    wanted = {"x": 3, "u": 5, "U": 9}.get(tail[:1])
    return cut[:backslash] if wanted is not None and len(tail) < wanted else cut


def quoted(text: str, limit: int = EXCERPT_CHARS) -> str:
    """:func:`excerpt` of ``text`` in quotation marks, for a message."""
    return f"“{excerpt(text, limit)}”"
