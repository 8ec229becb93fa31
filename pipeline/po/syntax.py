"""The pieces of PO syntax both readers share: the error an unreadable file
raises, the value of C string literals, and the list of flags on a ``#,`` line.

Strings are decoded two ways: :func:`decode_string` accepts everything GNU
gettext does (octal and hex escapes included) and reports errors;
:func:`simple_value` reads the common case fast and gives up on the rest.
"""

from __future__ import annotations

import re

from pipeline.model import PipelineError
from pipeline.text.excerpt import quoted


class CatalogSyntaxError(PipelineError, ValueError):
    """A PO file that cannot be read; ``str()`` is ``path:line: reason``."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "r": "\r",
}
_OCTAL_DIGITS = frozenset("01234567")
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def decode_string(text: str, path: str, lineno: int) -> str:
    """The value of one or more adjacent C string literals making up ``text``."""
    # Nearly every line is one literal without escapes; slice it out directly.
    if len(text) >= 2 and text[-1] == '"' and text[0] == '"':
        body = text[1:-1]
        if "\\" not in body and '"' not in body:
            return body
    return _StringDecoder(text, path, lineno).decode()


class _StringDecoder:
    """Decodes the literals of one line, escape by escape."""

    def __init__(self, text: str, path: str, lineno: int) -> None:
        self.text = text
        self.path = path
        self.lineno = lineno
        self.out: list[str] = []
        self.pending_bytes = bytearray()  # octal/hex escapes are bytes of the UTF-8 text

    def error(self, reason: str) -> CatalogSyntaxError:
        return CatalogSyntaxError(self.path, self.lineno, reason)

    def decode(self) -> str:
        text = self.text
        pos = 0
        end = len(text)
        while True:
            while pos < end and text[pos] in " \t":
                pos += 1
            if pos == end:
                break
            if text[pos] != '"':
                raise self.error(f"unexpected text {quoted(text[pos:])} after string")
            pos = self.literal(pos + 1)
        self.flush_bytes()
        return "".join(self.out)

    def flush_bytes(self) -> None:
        if self.pending_bytes:
            try:
                self.out.append(self.pending_bytes.decode("utf-8"))
            except UnicodeDecodeError:
                raise self.error("octal or hex escapes do not form valid UTF-8") from None
            self.pending_bytes.clear()

    def literal(self, pos: int) -> int:
        """Decode the literal whose text starts at ``pos``; returns where it ends."""
        text = self.text
        end = len(text)
        while True:
            if pos >= end:
                raise self.error("unterminated string")
            char = text[pos]
            if char == '"':
                return pos + 1
            if char == "\\":
                pos = self.escape(pos)
                continue
            self.flush_bytes()
            stop = pos + 1
            while stop < end and text[stop] not in '"\\':
                stop += 1
            self.out.append(text[pos:stop])
            pos = stop

    def escape(self, pos: int) -> int:
        """Decode the escape sequence at ``pos``; returns where the text after it starts."""
        text = self.text
        end = len(text)
        if pos + 1 >= end:
            raise self.error("unterminated string")
        code = text[pos + 1]
        if code in _SIMPLE_ESCAPES:
            self.flush_bytes()
            self.out.append(_SIMPLE_ESCAPES[code])
            return pos + 2
        if code in _OCTAL_DIGITS:
            return self.byte_escape(pos, pos + 1, min(end, pos + 4), _OCTAL_DIGITS, 8)
        if code == "x" and pos + 2 < end and text[pos + 2] in _HEX_DIGITS:
            return self.byte_escape(pos, pos + 2, end, _HEX_DIGITS, 16)
        raise self.error(f"invalid escape sequence {quoted(chr(92) + code)}")

    def byte_escape(
        self, pos: int, first_digit: int, limit: int, digits: frozenset[str], base: int
    ) -> int:
        """An octal or hex escape: one byte of the UTF-8 text, its digits before ``limit``."""
        text = self.text
        stop = first_digit
        while stop < limit and text[stop] in digits:
            stop += 1
        value = int(text[first_digit:stop], base)
        if value > 0xFF:
            raise self.error(f"invalid escape {quoted(text[pos:stop])}")
        self.pending_bytes.append(value)
        return stop


_LITERAL = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_STRICT_STRING = re.compile(rf"{_LITERAL}(?:\n{_LITERAL})*")
_ESCAPE_SEQUENCE = re.compile(r"\\(.)")


def _simple_escape(match: re.Match[str]) -> str:
    return _SIMPLE_ESCAPES[match.group(1)]  # KeyError: octal, hex or invalid


def simple_value(raw: str) -> str | None:
    """The value of the lines of strings ``raw``; None unless each line is exactly one
    literal whose escapes are simple ones (not octal, hex or invalid)."""
    if len(raw) < 2 or raw[-1] != '"':
        return None
    value = raw[1:-1]
    if "\n" in value:
        value = value.replace('"\n"', "")
        if "\n" in value:
            return None
    if '"' in value or "\\" in value:
        if _STRICT_STRING.fullmatch(raw) is None:
            return None
        if "\\" in value:
            try:
                return _ESCAPE_SEQUENCE.sub(_simple_escape, value)
            except KeyError:
                return None
    return value


def split_flags(text: str) -> list[str]:
    """The flags of a ``#,`` line, the text after ``#,``."""
    flags: list[str] = []
    for piece in text.split(","):
        piece = piece.strip()
        if not piece:
            continue
        if piece.startswith("range:"):
            flags.append(piece)
        else:
            flags.extend(piece.split())
    return flags
