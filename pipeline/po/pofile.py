"""Read and write PO/POT files exactly as GNU gettext does.

The writer reproduces GNU ``msgcat`` (gettext 0.21, default options, page width
79) byte for byte, so that a translator's file passed through the pipeline
changes only where its content changed. Neither Babel nor polib does: Babel
guesses format flags, rewrites the header and writes invalid PO for long
previous msgids; polib wraps differently and is slow.

Where gettext breaks a long string is decided by libunistring's
``u8_width_linebreaks`` (UAX #14 line breaking plus column widths). We call
that same function from the libunistring the gettext tools link against, so
the result is the one ``msgcat`` would give on this machine. Without
libunistring a simplified breaker (after spaces, between wide characters) is
used; it agrees with gettext on plain prose but not on every punctuation
sequence.

What ``msgcat`` normalises, :func:`format_catalog` normalises too: flags are
written in gettext's order (``fuzzy`` first, format flags in gettext's
language order, ``range:``, ``no-wrap``); ``fuzzy`` is left out when there is
no translation; ``possible-X-format`` becomes ``X-format``; ``wrap`` is not
written; obsolete entries go last and those without a translation are
dropped; ``./`` is stripped from references. Unlike ``msgcat``, flags gettext
does not know are kept (after the known ones) rather than silently lost.

An entry read from a file and left unchanged can be written with the lines it
had there (:class:`CatalogFile`): an update then rewrites only the entries it
changes, whichever editor laid out the others.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import pairwise
from operator import attrgetter
from pathlib import Path

from pipeline.files import FileVersion, read_bytes_if_present, write_text_atomic
from pipeline.model import Catalog, Entry, PipelineError

__all__ = [
    "CatalogFile",
    "CatalogSyntaxError",
    "format_catalog",
    "format_entry",
    "parse_catalog",
    "parse_catalog_bytes",
    "parse_catalog_file",
    "paused_cycle_collection",
    "read_catalog",
    "write_catalog",
    "written_entries",
]

PAGE_WIDTH = 79


class CatalogSyntaxError(PipelineError, ValueError):
    """A PO file that cannot be read; ``str()`` is ``path:line: reason``."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

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

# What the string being read belongs to.
_NO_FIELD = 0
_MSGCTXT = 1
_MSGID = 2
_MSGID_PLURAL = 3
_MSGSTR = 4
_MSGSTR_N = 5
_PREV_MSGCTXT = 6
_PREV_MSGID = 7
_PREV_MSGID_PLURAL = 8

_KEYWORDS = {
    "msgctxt": _MSGCTXT,
    "msgid": _MSGID,
    "msgid_plural": _MSGID_PLURAL,
    "msgstr": _MSGSTR,
}
_PREVIOUS_KEYWORDS = {
    "msgctxt": _PREV_MSGCTXT,
    "msgid": _PREV_MSGID,
    "msgid_plural": _PREV_MSGID_PLURAL,
}
_PLURAL_KEYWORD = re.compile(r"msgstr\[(\d+)\]\Z")


def _decode_string(text: str, path: str, lineno: int) -> str:
    """The value of one or more adjacent C string literals making up ``text``."""
    # Nearly every line is one literal without escapes; slice it out directly.
    if len(text) >= 2 and text[-1] == '"' and text[0] == '"':
        body = text[1:-1]
        if "\\" not in body and '"' not in body:
            return body
    return _decode_string_slowly(text, path, lineno)


def _decode_string_slowly(text: str, path: str, lineno: int) -> str:
    out: list[str] = []
    pending_bytes = bytearray()  # octal/hex escapes are bytes of the UTF-8 text

    def flush_bytes() -> None:
        if pending_bytes:
            try:
                out.append(pending_bytes.decode("utf-8"))
            except UnicodeDecodeError:
                raise CatalogSyntaxError(
                    path, lineno, "octal or hex escapes do not form valid UTF-8"
                ) from None
            pending_bytes.clear()

    pos = 0
    end = len(text)
    while True:
        while pos < end and text[pos] in " \t":
            pos += 1
        if pos == end:
            break
        if text[pos] != '"':
            raise CatalogSyntaxError(path, lineno, f"unexpected text {text[pos:]!r} after string")
        pos += 1
        while True:
            if pos >= end:
                raise CatalogSyntaxError(path, lineno, "unterminated string")
            char = text[pos]
            if char == '"':
                pos += 1
                break
            if char != "\\":
                flush_bytes()
                stop = pos + 1
                while stop < end and text[stop] not in '"\\':
                    stop += 1
                out.append(text[pos:stop])
                pos = stop
                continue
            if pos + 1 >= end:
                raise CatalogSyntaxError(path, lineno, "unterminated string")
            code = text[pos + 1]
            if code in _SIMPLE_ESCAPES:
                flush_bytes()
                out.append(_SIMPLE_ESCAPES[code])
                pos += 2
            elif code in _OCTAL_DIGITS:
                stop = pos + 1
                while stop < end and stop < pos + 4 and text[stop] in _OCTAL_DIGITS:
                    stop += 1
                value = int(text[pos + 1 : stop], 8)
                if value > 0xFF:
                    raise CatalogSyntaxError(path, lineno, f"invalid escape {text[pos:stop]!r}")
                pending_bytes.append(value)
                pos = stop
            elif code == "x" and pos + 2 < end and text[pos + 2] in _HEX_DIGITS:
                stop = pos + 2
                while stop < end and text[stop] in _HEX_DIGITS:
                    stop += 1
                value = int(text[pos + 2 : stop], 16)
                if value > 0xFF:
                    raise CatalogSyntaxError(path, lineno, f"invalid escape {text[pos:stop]!r}")
                pending_bytes.append(value)
                pos = stop
            else:
                raise CatalogSyntaxError(path, lineno, f"invalid escape sequence '\\{code}'")
    flush_bytes()
    return "".join(out)


# The usual entry: comments, msgctxt, msgid, msgstr, each keyword at the start
# of its line followed by one space, and strings one to a line. Matched loosely
# for speed; _simple_value checks the strings.
_SIMPLE_BLOCK = re.compile(
    r'((?:#[^\n]*\n)*)(?:msgctxt (".*(?:\n".*)*)\n)?msgid (".*(?:\n".*)*)\nmsgstr (".*(?:\n".*)*)\n?'
)
_LITERAL = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_STRICT_STRING = re.compile(rf"{_LITERAL}(?:\n{_LITERAL})*")
_ESCAPE_SEQUENCE = re.compile(r"\\(.)")


def _simple_escape(match: re.Match[str]) -> str:
    return _SIMPLE_ESCAPES[match.group(1)]  # KeyError: octal, hex or invalid


def _simple_value(raw: str) -> str | None:
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


def _split_flags(text: str) -> list[str]:
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


class _CatalogReader:
    """One pass over the lines of a PO file, building entries as they complete."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.header: Entry | None = None
        self.seen: dict[tuple[str | None, str], int] = {}
        self.entry: Entry | None = None
        self.stage = _NO_FIELD  # the last keyword of the entry being read
        self.field = _NO_FIELD  # where continuation strings go
        self.parts: list[str] = []
        self.plural_index = 0
        self.has_plural = False
        self.obsolete_lines = False
        self.lineno = 0
        self.last_simple: Entry | None = None  # see reopen_simple_entry
        self.blocks: list[tuple[int, str]] | None = None  # see own_blocks

    def error(self, reason: str) -> CatalogSyntaxError:
        return CatalogSyntaxError(self.path, self.lineno, reason)

    def current(self) -> Entry:
        """The entry being read, started on this line if none is."""
        entry = self.entry
        if entry is None or self.stage in (_MSGSTR, _MSGSTR_N):
            self.finish()
            entry = self.entry = Entry(msgid="", lineno=self.lineno)
            self.obsolete_lines = False
        return entry

    def store(self) -> None:
        """Put the string read so far into its field."""
        field = self.field
        if field == _NO_FIELD:
            return
        value = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
        entry = self.entry
        assert entry is not None
        if field == _MSGID:
            entry.msgid = value
        elif field == _MSGSTR:
            entry.msgstr = value
        elif field == _MSGSTR_N:
            entry.msgstr_plural[self.plural_index] = value
        elif field == _MSGCTXT:
            entry.msgctxt = value
        elif field == _MSGID_PLURAL:
            entry.msgid_plural = value
        elif field == _PREV_MSGID:
            entry.previous_msgid = value
        elif field == _PREV_MSGCTXT:
            entry.previous_msgctxt = value
        else:
            entry.previous_msgid_plural = value
        self.field = _NO_FIELD

    def finish(self) -> None:
        """Close the entry being read, if any, and add it to the catalog."""
        self.store()
        entry = self.entry
        if entry is None:
            return
        self.entry = None
        stage = self.stage
        self.stage = _NO_FIELD
        self.has_plural = False
        if stage not in (_MSGSTR, _MSGSTR_N):
            self.lineno = entry.lineno
            if stage == _NO_FIELD:
                raise self.error("comments without msgid and msgstr")
            raise self.error("missing msgstr")
        key = entry.key
        first = self.seen.get(key)
        if first is not None:
            self.lineno = entry.lineno
            raise self.error(
                f"duplicate message definition (first defined at line {first}): "
                f"{entry.msgid[:60]!r}"
            )
        self.seen[key] = entry.lineno
        if self.header is None and not entry.obsolete and entry.is_header:
            self.header = entry
        else:
            self.entries.append(entry)

    def keyword_line(self, line: str, obsolete: bool) -> None:
        quote = line.find('"')
        if quote < 0:
            keyword = line.split(None, 1)[0]
            if keyword in _KEYWORDS or _PLURAL_KEYWORD.match(keyword):
                raise self.error(f"{keyword} without a string")
            raise self.error(f"unknown keyword {keyword!r}")
        keyword = line[:quote].rstrip()
        value = _decode_string(line[quote:].rstrip(), self.path, self.lineno)
        kind = _KEYWORDS.get(keyword)
        if kind is None:
            match = _PLURAL_KEYWORD.match(keyword)
            if match is None:
                raise self.error(f"unknown keyword {keyword!r}")
            kind = _MSGSTR_N
            index = int(match.group(1))
        if kind in (_MSGCTXT, _MSGID):
            entry = self.current()
            stage = self.stage
            if stage != _NO_FIELD and not (kind == _MSGID and stage == _MSGCTXT):
                raise self.error(f"missing msgstr before {keyword}")
        else:
            stage = self.stage
            if self.entry is None or stage in (_NO_FIELD, _MSGCTXT):
                raise self.error(f"{keyword} without msgid")
            entry = self.entry
            if kind == _MSGID_PLURAL:
                if stage != _MSGID:
                    raise self.error("msgid_plural must follow msgid")
                self.has_plural = True
            elif kind == _MSGSTR:
                if stage != _MSGID:
                    if self.has_plural:
                        raise self.error("msgstr without [n] after msgid_plural")
                    raise self.error("msgstr after msgstr")
            else:
                if not self.has_plural:
                    raise self.error(f"{keyword} without msgid_plural")
                expected = self.plural_index + 1 if stage == _MSGSTR_N else 0
                if index != expected:
                    raise self.error(f"{keyword}: plural form has wrong index, expected {expected}")
        self.store()
        if obsolete:
            if stage != _NO_FIELD and not self.obsolete_lines:
                raise self.error("inconsistent use of #~ within one entry")
            entry.obsolete = True
            self.obsolete_lines = True
        elif self.obsolete_lines:
            raise self.error("inconsistent use of #~ within one entry")
        if kind == _MSGSTR_N:
            self.plural_index = index
        self.stage = kind
        self.field = kind
        self.parts = [value]

    def previous_line(self, line: str) -> None:
        """The text after ``#|`` or ``#~|``."""
        line = line.strip()
        if line.startswith('"'):
            if self.field not in (_PREV_MSGCTXT, _PREV_MSGID, _PREV_MSGID_PLURAL):
                raise self.error("#| string without #| msgid before it")
            self.parts.append(_decode_string(line, self.path, self.lineno))
            return
        quote = line.find('"')
        keyword = line[:quote].rstrip() if quote >= 0 else line
        kind = _PREVIOUS_KEYWORDS.get(keyword)
        if kind is None or quote < 0:
            raise self.error(f"unknown previous-message keyword {keyword!r}")
        self.current()
        self.store()
        self.field = kind
        self.parts = [_decode_string(line[quote:], self.path, self.lineno)]

    def continuation(self, line: str) -> None:
        if self.field == _NO_FIELD or self.field >= _PREV_MSGCTXT:
            raise self.error("string without a keyword before it")
        self.parts.append(_decode_string(line.rstrip(), self.path, self.lineno))

    def comment_line(self, line: str) -> None:
        """A ``#`` line that is not part of an obsolete entry's strings."""
        kind = line[1:2]
        if kind == "~":
            rest = line[2:].lstrip(" \t")
            if rest.startswith("|"):
                self.previous_line(rest[1:])
            elif rest.startswith('"'):
                if not self.obsolete_lines:
                    raise self.error("#~ string without #~ keyword before it")
                self.continuation(rest)
            elif rest:
                self.keyword_line(rest, obsolete=True)
            return
        if kind == "|":
            self.previous_line(line[2:])
            return
        entry = self.current()
        self.store()
        if kind == ".":
            text = line[2:]
            entry.auto_comments.append(text[1:] if text.startswith(" ") else text)
        elif kind == ":":
            entry.references.extend(line[2:].split())
        elif kind == ",":
            entry.flags.extend(_split_flags(line[2:]))
        else:
            text = line[1:]
            entry.translator_comments.append(text[1:] if text.startswith(" ") else text)

    def read(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        # Entries are separated by blank lines; most are one regular block that
        # one regex reads whole. Anything else goes line by line.
        lineno = 1
        blocks = self.blocks
        simple_block = self.simple_block
        for block in text.split("\n\n"):
            if simple_block(block, lineno):
                if blocks is not None:
                    blocks.append((lineno, block))  # starts with its entry's first line
            else:
                self.reopen_simple_entry()
                self.read_lines(block.split("\n"), lineno)
                if blocks is not None:
                    text_start = block.lstrip("\n")  # after more than one blank line
                    if text_start and not text_start.isspace():
                        blocks.append((lineno + len(block) - len(text_start), text_start))
            lineno += block.count("\n") + 2
        self.lineno = text.count("\n") + 1
        self.finish()

    def own_blocks(self) -> dict[int, str]:
        """The text of each entry that is a block of its own, by ``id()`` of the entry.

        A block of its own starts where the entry starts and ends where the next
        entry starts, blank lines aside: no other entry, nor a string continued
        after a blank line, shares it. The text has no final newline. Needs
        ``self.blocks`` recorded by read().
        """
        assert self.blocks is not None
        blocks = self.blocks
        if blocks and blocks[-1][1].endswith("\n"):  # the file's last newline
            blocks[-1] = (blocks[-1][0], blocks[-1][1][:-1])
        entries = self.entries
        if self.header is not None:
            entries = sorted([self.header, *entries], key=attrgetter("lineno"))
        if [entry.lineno for entry in entries] == [start for start, _ in blocks]:
            # One entry a block, as gettext and every editor write them.
            return {id(entry): text for entry, (_, text) in zip(entries, blocks, strict=True)}
        following = {start: after for (start, _), (after, _) in pairwise(blocks)}
        text_at = dict(blocks)
        # Some entry is here: a file without entries has no blocks, so returned above.
        next_starts: list[int | None] = [entry.lineno for entry in entries[1:]]
        own: dict[int, str] = {}
        for entry, next_start in zip(entries, [*next_starts, None], strict=True):
            text = text_at.get(entry.lineno)
            if text is not None and following.get(entry.lineno) == next_start:
                own[id(entry)] = text
        return own

    def simple_block(self, block: str, lineno: int) -> bool:
        """Read ``block`` as one whole entry if it has the common shape; False if not.

        Nothing is changed when False is returned, so the block can be read again
        line by line, which then reports any error with its exact line.
        """
        match = _SIMPLE_BLOCK.fullmatch(block)
        if match is None:
            return False
        comments, raw_msgctxt, raw_msgid, raw_msgstr = match.groups()
        msgid = _simple_value(raw_msgid)
        msgstr = _simple_value(raw_msgstr)
        msgctxt = None if raw_msgctxt is None else _simple_value(raw_msgctxt)
        if msgid is None or msgstr is None or (raw_msgctxt is not None and msgctxt is None):
            return False
        translator: list[str] = []
        auto: list[str] = []
        references: list[str] = []
        flags: list[str] = []
        if comments.startswith("#: ") and comments.find("\n") == len(comments) - 1:
            references = comments[3:].split()  # the usual lone reference line
        elif comments:
            for line in comments[:-1].split("\n"):
                kind = line[1:2]
                if kind == ".":
                    text = line[2:]
                    auto.append(text[1:] if text[:1] == " " else text)
                elif kind == ":":
                    references += line[2:].split()
                elif kind == ",":
                    flags += _split_flags(line[2:])
                elif kind == "~" or kind == "|":
                    return False
                else:
                    text = line[1:]
                    translator.append(text[1:] if text[:1] == " " else text)
        if self.entry is not None:
            if self.stage not in (_MSGSTR, _MSGSTR_N):
                return False  # a block of comments or a msgid before this one
            self.finish()
        entry = Entry(
            msgid, msgstr, msgctxt, None, {}, translator, auto, references, flags,
            None, None, None, False, lineno,
        )  # fmt: skip
        first = self.seen.setdefault((msgctxt, msgid), lineno)
        if first != lineno:
            self.lineno = lineno
            raise self.error(
                f"duplicate message definition (first defined at line {first}): {msgid[:60]!r}"
            )
        if self.header is None and msgctxt is None and not msgid:
            self.header = entry
        else:
            self.entries.append(entry)
        self.last_simple = entry
        return True

    def reopen_simple_entry(self) -> None:
        """Make the entry of the last simple block the one being read again.

        The lines that follow may still belong to it (a continuation string
        after a blank line), and errors must be those of reading line by line.
        """
        entry = self.last_simple
        if entry is None:
            return
        self.last_simple = None
        if entry is self.header:
            self.header = None
        else:
            self.entries.pop()
        del self.seen[entry.key]
        self.entry = entry
        self.stage = self.field = _MSGSTR
        self.parts = [entry.msgstr]
        self.has_plural = False
        self.obsolete_lines = False

    def read_lines(self, lines: list[str], lineno: int) -> None:
        """Read ``lines``, the first of which is line ``lineno`` of the file."""
        for line in lines:
            self.lineno = lineno
            lineno += 1
            first = line[:1]
            if first == '"':
                if self.obsolete_lines:
                    raise self.error("string without #~ inside an obsolete entry")
                self.continuation(line)
            elif first == "m":
                self.keyword_line(line, obsolete=False)
            elif first == "#":
                self.comment_line(line)
            elif not line or line.isspace():
                continue
            elif first in " \t":
                stripped = line.lstrip()
                if stripped.startswith('"'):
                    self.continuation(stripped)
                elif stripped.startswith("#"):
                    self.comment_line(stripped)
                else:
                    self.keyword_line(stripped, obsolete=False)
            else:
                self.keyword_line(line, obsolete=False)


@contextlib.contextmanager
def paused_cycle_collection() -> Iterator[None]:
    """Run a block that builds many objects without Python's cycle collector.

    Entries and Markdown tokens hold no reference cycles, yet every few hundred
    new objects the collector walks the young ones, and now and then every
    object in the process. With a large catalog already in memory that was a
    third of the time spent reading another one, and a sixth of segmenting a
    4 MB page. Memory use is unchanged.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_catalog(
    text: str, path: str = "<string>", lang: str | None = None, domain: str = ""
) -> Catalog:
    """Parse PO text; raises :class:`CatalogSyntaxError` naming ``path`` and line."""
    return _read(_CatalogReader(path), text, lang, domain)


def _read(reader: _CatalogReader, text: str, lang: str | None, domain: str) -> Catalog:
    with paused_cycle_collection():
        reader.read(text)
    catalog = Catalog(entries=reader.entries, path=reader.path, lang=lang, domain=domain)
    if reader.header is not None:
        catalog.header = reader.header
    return catalog


_CHARSET = re.compile(rb"charset=([^\s\\\"]+)")


def _decode_file(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        declared = _CHARSET.search(data[:4096])
        charset = declared.group(1).decode("ascii", "replace") if declared else ""
        if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "charset"):
            line = data.count(b"\n", 0, declared.start() if declared else 0) + 1
            raise CatalogSyntaxError(
                path,
                line,
                f"charset {charset} is not supported; convert the file with "
                f"'msgconv --to-code=UTF-8'",
            ) from None
        line = data.count(b"\n", 0, error.start) + 1
        raise CatalogSyntaxError(path, line, "invalid UTF-8") from None


def parse_catalog_bytes(
    data: bytes, path: str = "<bytes>", lang: str | None = None, domain: str = ""
) -> Catalog:
    """Parse the bytes of a UTF-8 PO/POT file (see :func:`parse_catalog`)."""
    return parse_catalog(_decode_file(data, path), path, lang, domain)


@dataclass
class CatalogFile:
    """A PO file as read: the catalog parsed from it, and its entries' lines.

    ``lines`` maps ``id()`` of each entry that is a block of its own to that
    block's lines, without the last newline, as :func:`format_catalog` takes
    them to write an unchanged entry as it was (the header's are there too,
    but never used). It is true only while ``catalog`` holds its entries
    unchanged. ``version`` is the file's version when read, if read from disk.
    """

    catalog: Catalog
    lines: dict[int, str]
    version: FileVersion | None = None


def parse_catalog_file(
    data: bytes, path: str = "<bytes>", lang: str | None = None, domain: str = ""
) -> CatalogFile:
    """Parse the bytes of a PO file like :func:`parse_catalog_bytes`, keeping its entries' lines."""
    reader = _CatalogReader(path)
    reader.blocks = []
    catalog = _read(reader, _decode_file(data, path), lang, domain)
    return CatalogFile(catalog, reader.own_blocks())


def read_catalog_file(path: Path, lang: str | None = None, domain: str = "") -> CatalogFile | None:
    """Read a PO file like :func:`parse_catalog_file`, with its version taken before
    reading (see :class:`~pipeline.files.FileVersion`); None if there is no file."""
    path = Path(path)
    version = FileVersion.of(path)
    data = read_bytes_if_present(path)
    if data is None:
        return None
    as_read = parse_catalog_file(data, str(path), lang, domain)
    as_read.version = version
    return as_read


def read_catalog(path: Path, lang: str | None = None, domain: str = "") -> Catalog:
    """Read a UTF-8 PO/POT file (see :func:`parse_catalog`)."""
    path = Path(path)
    return parse_catalog_bytes(path.read_bytes(), str(path), lang, domain)


# ---------------------------------------------------------------------------
# Line breaking, as gettext's write-po.c wrap() does it
# ---------------------------------------------------------------------------

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
    names = [ctypes.util.find_library("unistring"), "libunistring.so.5", "libunistring.so.2"]
    names += ["libunistring.dylib", "libunistring-5.dll", "libunistring-2.dll"]
    for name in names:
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


def _simple_breaks(
    data: bytes, width: int, start_column: int, overrides: bytes | None
) -> tuple[bytes, int]:
    """A stand-in for libunistring: breaks after spaces and around wide characters."""
    text = data.decode("utf-8")
    result = bytearray(len(data))
    offsets: list[int] = []
    position = 0
    for char in text:
        offsets.append(position)
        position += len(char.encode("utf-8"))
    last_break = -1
    last_column = start_column
    piece_width = 0
    previous = ""
    previous_wide = False
    line_start = 0
    for index, char in enumerate(text):
        offset = offsets[index]
        if char == "\n":  # a mandatory break: the next line starts at column 0
            if last_break >= 0 and last_column + piece_width > width:
                result[offsets[last_break]] = _BREAK_POSSIBLE
            last_break, last_column, piece_width, previous, previous_wide = -1, 0, 0, "", False
            line_start = index + 1
            continue
        char_width = _column_width(char)
        wide = char_width == 2
        possible = index > line_start and (
            (previous == " " and char != " ") or (char != " " and (wide or previous_wide))
        )
        if overrides is not None and overrides[offset] != _BREAK_UNDEFINED:
            possible = overrides[offset] == _BREAK_POSSIBLE
        if possible:
            if last_break >= 0 and last_column + piece_width > width:
                result[offsets[last_break]] = _BREAK_POSSIBLE
                last_column = 0
            last_break = index
            last_column += piece_width
            piece_width = 0
        piece_width += char_width
        previous = char
        previous_wide = wide
    if last_break >= 0 and last_column + piece_width > width:
        result[offsets[last_break]] = _BREAK_POSSIBLE
        last_column = 0
    return bytes(result), last_column + piece_width


_line_breaker: _LineBreaker = _load_libunistring() or _simple_breaks
EXACT_LINE_BREAKING = _line_breaker is not _simple_breaks


def _fits(escaped: str, room: int) -> bool:
    """True when ``escaped`` surely fits in ``room`` columns, without asking the breaker."""
    length = len(escaped)
    # No character is wider than two columns, none before U+1100 wider than one.
    return length <= room and (escaped.isascii() or max(escaped) < "\u1100" or 2 * length <= room)


def _pieces(
    portions: list[str], width: int, start_column: int, ends_with_newline: bool
) -> tuple[list[str], int]:
    """Split escaped portions into the pieces gettext puts on separate lines.

    Every portion but the last ends with an escaped newline; the last does when
    ``ends_with_newline``. All portions go to the line breaker in one call,
    joined by raw newlines: a mandatory break restarts it at column 0, as a
    separate call would. Also returns the column where the last portion ends.
    """
    data = "\n".join(portions).encode("utf-8")
    size = len(data)
    overrides: bytearray | None = None
    position = data.find(b"\\")
    if position >= 0 or ends_with_newline:
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
    result, end_column = _line_breaker(
        data, width, start_column, None if overrides is None else bytes(overrides)
    )
    if len(portions) == 1 and result.find(_BREAK_POSSIBLE) < 0:
        return portions, end_column
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
    return pieces, end_column


_NEEDS_ESCAPE = re.compile('[\\\\"\a\b\f\n\r\t\v]')


_RARE_ESCAPE = re.compile("[\a\b\f\r\t\v]")
_RARE_ESCAPES = str.maketrans(
    {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\r": "\\r", "\t": "\\t", "\v": "\\v"}
)


def _escape(text: str) -> str:
    if not _NEEDS_ESCAPE.search(text):
        return text
    # str.replace is several times faster than str.translate on long text.
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return text.translate(_RARE_ESCAPES) if _RARE_ESCAPE.search(text) else text


def _write_string(out: list[str], prefix: str, name: str, value: str, wrap: bool) -> None:
    """Write ``name "value"`` the way gettext's wrap() does, lines appended to ``out``."""
    width = (PAGE_WIDTH if wrap else 1 << 30) - 2 - len(prefix)
    first_column = len(name) + 1
    newline = value.find("\n")
    if newline < 0 or newline == len(value) - 1:
        escaped = _escape(value)
        if _fits(escaped, width - first_column):
            out.append(f'{prefix}{name} "{escaped}"\n')
            return
        _write_first_portion(out, prefix, name, escaped, width, first_column, newline >= 0)
        return
    out.append(f'{prefix}{name} ""\n')
    lines = value.split("\n")
    portions = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        portions.append(lines[-1])
    escaped_portions = [_escape(portion) for portion in portions]
    for piece in _pieces(escaped_portions, width, 0, portions[-1].endswith("\n"))[0]:
        out.append(f'{prefix}"{piece}"\n')


def _write_first_portion(
    out: list[str],
    prefix: str,
    name: str,
    escaped: str,
    width: int,
    first_column: int,
    ends_with_newline: bool,
) -> None:
    """A one-portion string that may not fit after ``name``: on that line, or wrapped below.

    gettext breaks the string starting after ``name``; if that gives more than
    one line it writes ``name ""`` and breaks again from column 0. The string
    gives several lines from either column exactly when it has a break
    opportunity and ends past the width, so breaking from column 0 first
    decides most strings with one call instead of two.
    """
    pieces, end_column = _pieces([escaped], width, 0, ends_with_newline)
    if len(pieces) == 1 and first_column <= width:
        # One piece from column 0: no opportunity, or it fits in ``width``.
        wrapped = False
        if first_column + end_column > width >= end_column:
            wrapped = len(_pieces([escaped], width, first_column, ends_with_newline)[0]) > 1
        if not wrapped:
            out.append(f'{prefix}{name} "{escaped}"\n')
            return
    out.append(f'{prefix}{name} ""\n')
    for piece in pieces:
        out.append(f'{prefix}"{piece}"\n')


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

# gettext 0.21's format languages, in the order msgcat writes their flags.
_FORMAT_LANGUAGES = (
    *("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript"),
    *("scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal"),
    *("smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace"),
    *("php", "gcc-internal", "gfc-internal", "ycp"),
)
_FORMAT_RANK = {language: rank for rank, language in enumerate(_FORMAT_LANGUAGES)}


def _ordered_flags(flags: Iterable[str], translated: bool) -> list[str]:
    fuzzy = False
    formats: dict[str, str] = {}
    value_range = ""
    no_wrap = False
    others: list[str] = []
    for flag in flags:
        if flag == "fuzzy":
            fuzzy = True
        elif flag == "no-wrap":
            no_wrap = True
        elif flag == "wrap":
            no_wrap = False
        elif flag.startswith("range:"):
            value_range = "range: " + flag[6:].strip()
        elif flag.endswith("-format"):
            language = flag[:-7]
            negated = language.startswith("no-")
            language = language.removeprefix("no-").removeprefix("possible-")
            if language in _FORMAT_RANK:
                formats[language] = f"no-{language}-format" if negated else f"{language}-format"
            elif flag not in others:
                others.append(flag)
        elif flag not in others:
            others.append(flag)
    ordered = ["fuzzy"] if fuzzy and translated else []
    ordered += [formats[language] for language in sorted(formats, key=_FORMAT_RANK.__getitem__)]
    if value_range:
        ordered.append(value_range)
    if no_wrap:
        ordered.append("no-wrap")
    return ordered + others


def _first_translation(entry: Entry) -> str:
    if entry.msgid_plural is None:
        return entry.msgstr
    if not entry.msgstr_plural:
        return ""
    return entry.msgstr_plural[min(entry.msgstr_plural)]


def _write_references(out: list[str], references: list[str]) -> None:
    joined = " ".join(references)
    if len(joined) <= PAGE_WIDTH - 3 and joined.isascii() and "./" not in joined:
        out.append(f"#: {joined}\n")  # what the loop below gives when all fit on one line
        return
    line = "#:"
    column = 2
    for reference in references:
        while reference.startswith("./"):
            reference = reference[2:]
        length = (len(reference) if reference.isascii() else len(reference.encode())) + 1
        if column > 2 and column + length > PAGE_WIDTH:
            out.append(line + "\n")
            line = "#:"
            column = 2
        line += " " + reference
        column += length
    out.append(line + "\n")


def _write_entry(out: list[str], entry: Entry) -> None:
    for comment in entry.translator_comments:
        for text in comment.split("\n"):
            out.append(f"# {text}\n" if text else "#\n")
    for comment in entry.auto_comments:
        for text in comment.split("\n"):
            out.append(f"#. {text}\n" if text else "#.\n")
    if entry.references:
        _write_references(out, entry.references)
    wrap = True
    if entry.flags:
        flags = _ordered_flags(entry.flags, bool(_first_translation(entry)))
        if flags:
            out.append("#, " + ", ".join(flags) + "\n")
        wrap = "no-wrap" not in flags
    prefix = "#~ " if entry.obsolete else ""
    previous = "#~| " if entry.obsolete else "#| "
    if entry.previous_msgctxt is not None:
        _write_string(out, previous, "msgctxt", entry.previous_msgctxt, wrap)
    if entry.previous_msgid is not None:
        _write_string(out, previous, "msgid", entry.previous_msgid, wrap)
    if entry.previous_msgid_plural is not None:
        _write_string(out, previous, "msgid_plural", entry.previous_msgid_plural, wrap)
    if entry.msgctxt is not None:
        _write_string(out, prefix, "msgctxt", entry.msgctxt, wrap)
    _write_string(out, prefix, "msgid", entry.msgid, wrap)
    if entry.msgid_plural is None:
        _write_string(out, prefix, "msgstr", entry.msgstr, wrap)
        return
    _write_string(out, prefix, "msgid_plural", entry.msgid_plural, wrap)
    forms = entry.msgstr_plural or {0: "", 1: ""}
    for index in sorted(forms):
        _write_string(out, prefix, f"msgstr[{index}]", forms[index], wrap)


def _header_present(header: Entry) -> bool:
    return bool(
        header.msgstr
        or header.translator_comments
        or header.auto_comments
        or header.references
        or header.flags
        or header.previous_msgid is not None
        or header.previous_msgctxt is not None
    )


def written_entries(catalog: Catalog) -> list[Entry]:
    """The entries :func:`format_catalog` writes, in its order, each one blank line apart."""
    entries: list[Entry] = [catalog.header] if _header_present(catalog.header) else []
    entries += [entry for entry in catalog.entries if not entry.obsolete]
    # msgcat drops obsolete entries that carry no translation.
    entries += [entry for entry in catalog.entries if entry.obsolete and _first_translation(entry)]
    return entries


def format_entry(entry: Entry) -> str:
    """The lines :func:`format_catalog` writes for ``entry``."""
    out: list[str] = []
    _write_entry(out, entry)
    return "".join(out)


def format_catalog(catalog: Catalog, kept_lines: Mapping[int, str] | None = None) -> str:
    """The PO text GNU ``msgcat`` (gettext 0.21, width 79) writes for ``catalog``.

    ``kept_lines`` gives, by ``id()``, the lines to write for entries left as
    they were read (see :class:`CatalogFile`) instead of formatting them. The
    header is always formatted: its timestamps change whenever a file is written.
    """
    out: list[str] = []
    kept = kept_lines or {}
    header = catalog.header
    for number, entry in enumerate(written_entries(catalog)):
        if number:
            out.append("\n")
        lines = kept.get(id(entry)) if entry is not header else None
        if lines is None:
            _write_entry(out, entry)
        else:
            out.append(lines)
            out.append("\n")
    return "".join(out)


def write_catalog(catalog: Catalog, path: Path) -> bool:
    """Write ``catalog`` to ``path`` atomically; False if the file was already identical."""
    return write_text_atomic(Path(path), format_catalog(catalog))
