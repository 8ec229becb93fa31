"""Where gettext breaks a long string, as its write-po.c ``wrap()`` decides it.

That is decided by libunistring's ``u8_width_linebreaks`` (UAX #14 line
breaking plus column widths). We call that same function from the
libunistring the gettext tools link against, so the result is the one
``msgcat`` would give on this machine. Without libunistring a simplified
breaker (after spaces, between wide characters) is used; it agrees with
gettext on plain prose but not on every punctuation sequence
(:data:`EXACT_LINE_BREAKING` says which one is in use).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import unicodedata
from collections.abc import Callable

# libunistring's override values (unilbrk.h).
_BREAK_UNDEFINED = 0
_BREAK_PROHIBITED = 1
_BREAK_POSSIBLE = 2

# A line breaker takes UTF-8 text, the width, the start column and per-byte
# overrides (None: no override), and returns a byte per input byte, equal to
# _BREAK_POSSIBLE where a line starts, and the column where the text ends.
_LineBreaker = Callable[[bytes, int, int, "bytes | None"], tuple[bytes, int]]


class _Libunistring:
    """libunistring's ``u8_width_linebreaks``, the function gettext's wrap() relies on."""

    def __init__(self, library: ctypes.CDLL) -> None:
        # gettext 0.21 on current libunistring calls the _v2 variant; it differs
        # from the first only for a raw CR, which never reaches it here.
        function = getattr(library, "u8_width_linebreaks_v2", None) or library.u8_width_linebreaks
        function.restype = ctypes.c_int
        function.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_char_p,
            ctypes.c_void_p,
        ]
        self.function = function
        # Reused between calls: building a ctypes array type per call is slow.
        self.buffer = ctypes.create_string_buffer(4096)

    def __call__(
        self, data: bytes, width: int, start_column: int, overrides: bytes | None
    ) -> tuple[bytes, int]:
        size = len(data)
        if size > len(self.buffer):
            self.buffer = ctypes.create_string_buffer(size * 2)
        end = self.function(data, size, width, start_column, 0, overrides, b"UTF-8", self.buffer)
        return ctypes.string_at(self.buffer, size), end  # .raw would copy the whole buffer


def _load_libunistring() -> _LineBreaker | None:
    # The usual names first: find_library runs ldconfig (a process) to look the name up.
    names = ["libunistring.so.5", "libunistring.so.2", "libunistring.dylib"]
    names += ["libunistring-5.dll", "libunistring-2.dll"]
    for name in [*names, None]:
        name = name or ctypes.util.find_library("unistring")
        if not name:
            continue
        try:
            return _Libunistring(ctypes.CDLL(name))
        except (OSError, AttributeError):
            continue
    return None


def _column_width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class _GreedyLines:
    """The lines :func:`_simple_breaks` fills: a break is taken at the last
    opportunity before the text runs past the width."""

    def __init__(self, size: int, width: int, start_column: int) -> None:
        self.result = bytearray(size)
        self.width = width
        self.last_break = -1  # byte offset of the last opportunity on this line
        self.last_column = start_column  # where the text before that opportunity ends
        self.piece_width = 0  # columns since that opportunity

    def close_piece(self) -> None:
        """Break at the last opportunity if the text after it runs past the width."""
        if self.last_break >= 0 and self.last_column + self.piece_width > self.width:
            self.result[self.last_break] = _BREAK_POSSIBLE
            self.last_column = 0

    def opportunity(self, offset: int) -> None:
        self.close_piece()
        self.last_break = offset
        self.last_column += self.piece_width
        self.piece_width = 0

    def mandatory_break(self) -> None:
        """A newline: the next line starts at column 0."""
        self.close_piece()
        self.last_break, self.last_column, self.piece_width = -1, 0, 0


def _simple_breaks(
    data: bytes, width: int, start_column: int, overrides: bytes | None
) -> tuple[bytes, int]:
    """A stand-in for libunistring: breaks after spaces and around wide characters."""
    lines = _GreedyLines(len(data), width, start_column)
    offset = 0
    previous = ""
    previous_wide = False
    line_start = True
    for char in data.decode("utf-8"):
        char_offset = offset
        offset += len(char.encode("utf-8"))
        if char == "\n":
            lines.mandatory_break()
            previous, previous_wide, line_start = "", False, True
            continue
        char_width = _column_width(char)
        wide = char_width == 2
        possible = not line_start and (
            (previous == " " and char != " ") or (char != " " and (wide or previous_wide))
        )
        if overrides is not None and overrides[char_offset] != _BREAK_UNDEFINED:
            possible = overrides[char_offset] == _BREAK_POSSIBLE
        if possible:
            lines.opportunity(char_offset)
        lines.piece_width += char_width
        previous, previous_wide, line_start = char, wide, False
    lines.close_piece()
    return bytes(lines.result), lines.last_column + lines.piece_width


_line_breaker: _LineBreaker = _load_libunistring() or _simple_breaks
EXACT_LINE_BREAKING = _line_breaker is not _simple_breaks


def surely_fits(escaped: str, room: int) -> bool:
    """True when ``escaped`` surely fits in ``room`` columns, without asking the breaker."""
    length = len(escaped)
    # No character is wider than two columns, none before U+1100 wider than one.
    return length <= room and (escaped.isascii() or max(escaped) < "\u1100" or 2 * length <= room)


def line_pieces(
    portions: list[str], width: int, start_column: int, ends_with_newline: bool
) -> tuple[list[str], int]:
    """Split escaped portions into the pieces gettext puts on separate lines.

    Every portion but the last ends with an escaped newline; the last does when
    ``ends_with_newline``. All portions go to the line breaker in one call,
    joined by raw newlines: a mandatory break restarts it at column 0, as a
    separate call would. Also returns the column where the last portion ends.
    """
    data = "\n".join(portions).encode("utf-8")
    result, end_column = _line_breaker(
        data, width, start_column, _overrides(data, ends_with_newline)
    )
    if len(portions) == 1 and result.find(_BREAK_POSSIBLE) < 0:
        return portions, end_column
    return _split_at_breaks(data, result), end_column


def _overrides(data: bytes, ends_with_newline: bool) -> bytes | None:
    """Where the breaker must not break ``data``; None if it may anywhere."""
    size = len(data)
    position = data.find(b"\\")
    if position < 0 and not ends_with_newline:
        return None
    overrides = bytearray(size)
    while position >= 0:
        overrides[position + 1] = _BREAK_PROHIBITED  # never inside an escape sequence
        position = data.find(b"\\", position + 2)
    # Nor just before a portion's final \n.
    separator = data.find(b"\n")
    while separator >= 0:
        overrides[separator - 2] = _BREAK_PROHIBITED
        separator = data.find(b"\n", separator + 1)
    if ends_with_newline:
        overrides[size - 2] = _BREAK_PROHIBITED
    return bytes(overrides)


def _split_at_breaks(data: bytes, result: bytes) -> list[str]:
    """``data`` cut where ``result`` starts a line, and at each raw newline."""
    size = len(data)
    pieces: list[str] = []
    portion_start = 0
    while portion_start <= size:
        portion_end = data.find(b"\n", portion_start)
        if portion_end < 0:
            portion_end = size
        start = portion_start
        position = result.find(_BREAK_POSSIBLE, portion_start, portion_end)
        while position >= 0:
            pieces.append(data[start:position].decode("utf-8"))
            start = position
            position = result.find(_BREAK_POSSIBLE, position + 1, portion_end)
        pieces.append(data[start:portion_end].decode("utf-8"))
        portion_start = portion_end + 1
    return pieces
