"""The strict PO reader: a state machine fed one line at a time.

It accepts what GNU gettext accepts and rejects the rest with the line and
reason gettext would give. :class:`~pipeline.po.block_reader.BlockReader`
reads the common entries faster and hands everything else to it.
"""

from __future__ import annotations

import re

from pipeline.model import Entry
from pipeline.po.syntax import CatalogSyntaxError, decode_string, split_flags
from pipeline.text.excerpt import quoted

# What the string being read belongs to.
NO_FIELD = 0
MSGCTXT = 1
MSGID = 2
MSGID_PLURAL = 3
MSGSTR = 4
MSGSTR_N = 5
PREV_MSGCTXT = 6
PREV_MSGID = 7
PREV_MSGID_PLURAL = 8

_KEYWORDS = {
    "msgctxt": MSGCTXT,
    "msgid": MSGID,
    "msgid_plural": MSGID_PLURAL,
    "msgstr": MSGSTR,
}
_PREVIOUS_KEYWORDS = {
    "msgctxt": PREV_MSGCTXT,
    "msgid": PREV_MSGID,
    "msgid_plural": PREV_MSGID_PLURAL,
}
# A plural form's index has a digit or two (MAX_PLURAL_FORMS); a longer one is no keyword.
_PLURAL_KEYWORD = re.compile(r"msgstr\[(\d{1,3})\]\Z")


class LineReader:
    """One pass over the lines of a PO file, building entries as they complete.

    Feed it with :meth:`read_lines`, then call :meth:`finish`; the entries
    are then in ``entries`` and the header, if any, in ``header``.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.entries: list[Entry] = []
        self.header: Entry | None = None
        self.seen: dict[tuple[str | None, str], int] = {}
        self.entry: Entry | None = None
        self.stage = NO_FIELD  # the last keyword of the entry being read
        self.field = NO_FIELD  # where continuation strings go
        self.parts: list[str] = []
        self.plural_index = 0
        self.has_plural = False
        self.obsolete_lines = False
        self.lineno = 0

    def error(self, reason: str) -> CatalogSyntaxError:
        return CatalogSyntaxError(self.path, self.lineno, reason)

    def current(self) -> Entry:
        """The entry being read, started on this line if none is."""
        entry = self.entry
        if entry is None or self.stage in (MSGSTR, MSGSTR_N):
            self.finish()
            entry = self.entry = Entry(msgid="", lineno=self.lineno)
            self.obsolete_lines = False
        return entry

    def store(self) -> None:
        """Put the string read so far into its field."""
        field = self.field
        if field == NO_FIELD:
            return
        value = self.parts[0] if len(self.parts) == 1 else "".join(self.parts)
        entry = self.entry
        assert entry is not None
        if field == MSGID:
            entry.msgid = value
        elif field == MSGSTR:
            entry.msgstr = value
        elif field == MSGSTR_N:
            entry.msgstr_plural[self.plural_index] = value
        elif field == MSGCTXT:
            entry.msgctxt = value
        elif field == MSGID_PLURAL:
            entry.msgid_plural = value
        elif field == PREV_MSGID:
            entry.previous_msgid = value
        elif field == PREV_MSGCTXT:
            entry.previous_msgctxt = value
        else:
            entry.previous_msgid_plural = value
        self.field = NO_FIELD

    def finish(self) -> None:
        """Close the entry being read, if any, and add it to the catalog."""
        self.store()
        entry = self.entry
        if entry is None:
            return
        self.entry = None
        stage = self.stage
        self.stage = NO_FIELD
        self.has_plural = False
        if stage not in (MSGSTR, MSGSTR_N):
            self.lineno = entry.lineno
            if stage == NO_FIELD:
                raise self.error("comments without msgid and msgstr")
            raise self.error("missing msgstr")
        key = entry.key
        first = self.seen.get(key)
        if first is not None:
            self.lineno = entry.lineno
            raise self.error(
                f"duplicate message definition (first defined at line {first}): "
                f"{quoted(entry.msgid, 60)}"
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
            raise self.error(f"unknown keyword {quoted(keyword)}")
        keyword = line[:quote].rstrip()
        value = decode_string(line[quote:].rstrip(), self.path, self.lineno)
        kind, index = self.keyword_kind(keyword)
        entry = self.entry_for(kind, keyword, index)
        stage = self.stage
        self.store()
        self.check_obsolete(entry, obsolete, stage)
        if kind == MSGSTR_N:
            self.plural_index = index
        self.stage = kind
        self.field = kind
        self.parts = [value]

    def keyword_kind(self, keyword: str) -> tuple[int, int]:
        """The field ``keyword`` starts, and the plural form's index for ``msgstr[n]``."""
        kind = _KEYWORDS.get(keyword)
        if kind is not None:
            return kind, 0
        match = _PLURAL_KEYWORD.match(keyword)
        if match is None:
            raise self.error(f"unknown keyword {quoted(keyword)}")
        return MSGSTR_N, int(match.group(1))

    def entry_for(self, kind: int, keyword: str, index: int) -> Entry:
        """The entry a ``keyword`` line belongs to, once checked that it may come here."""
        if kind in (MSGCTXT, MSGID):
            entry = self.current()
            stage = self.stage
            if stage != NO_FIELD and not (kind == MSGID and stage == MSGCTXT):
                raise self.error(f"missing msgstr before {keyword}")
            return entry
        if self.entry is None or self.stage in (NO_FIELD, MSGCTXT):
            raise self.error(f"{keyword} without msgid")
        self.check_after_msgid(kind, keyword, index)
        return self.entry

    def check_after_msgid(self, kind: int, keyword: str, index: int) -> None:
        """Check that ``msgid_plural``, ``msgstr`` or ``msgstr[index]`` may follow here."""
        stage = self.stage
        if kind == MSGID_PLURAL:
            if stage != MSGID:
                raise self.error("msgid_plural must follow msgid")
            self.has_plural = True
        elif kind == MSGSTR:
            if stage != MSGID:
                if self.has_plural:
                    raise self.error("msgstr without [n] after msgid_plural")
                raise self.error("msgstr after msgstr")
        else:
            if not self.has_plural:
                raise self.error(f"{keyword} without msgid_plural")
            expected = self.plural_index + 1 if stage == MSGSTR_N else 0
            if index != expected:
                raise self.error(f"{keyword}: plural form has wrong index, expected {expected}")

    def check_obsolete(self, entry: Entry, obsolete: bool, stage: int) -> None:
        """Mark ``entry`` obsolete on a ``#~`` keyword line; all its lines must agree."""
        if obsolete:
            if stage != NO_FIELD and not self.obsolete_lines:
                raise self.error("inconsistent use of #~ within one entry")
            entry.obsolete = True
            self.obsolete_lines = True
        elif self.obsolete_lines:
            raise self.error("inconsistent use of #~ within one entry")

    def previous_line(self, line: str) -> None:
        """The text after ``#|`` or ``#~|``."""
        line = line.strip()
        if line.startswith('"'):
            if self.field not in (PREV_MSGCTXT, PREV_MSGID, PREV_MSGID_PLURAL):
                raise self.error("#| string without #| msgid before it")
            self.parts.append(decode_string(line, self.path, self.lineno))
            return
        quote = line.find('"')
        keyword = line[:quote].rstrip() if quote >= 0 else line
        kind = _PREVIOUS_KEYWORDS.get(keyword)
        if kind is None or quote < 0:
            raise self.error(f"unknown previous-message keyword {quoted(keyword)}")
        self.current()
        self.store()
        self.field = kind
        self.parts = [decode_string(line[quote:], self.path, self.lineno)]

    def continuation(self, line: str) -> None:
        if self.field == NO_FIELD or self.field >= PREV_MSGCTXT:
            raise self.error("string without a keyword before it")
        self.parts.append(decode_string(line.rstrip(), self.path, self.lineno))

    def comment_line(self, line: str) -> None:
        """A ``#`` line that is not part of an obsolete entry's strings."""
        kind = line[1:2]
        if kind == "~":
            self.obsolete_line(line[2:].lstrip(" \t"))
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
            entry.flags.extend(split_flags(line[2:]))
        else:
            text = line[1:]
            entry.translator_comments.append(text[1:] if text.startswith(" ") else text)

    def obsolete_line(self, rest: str) -> None:
        """The text after ``#~`` and its blanks."""
        if rest.startswith("|"):
            self.previous_line(rest[1:])
        elif rest.startswith("#"):
            # "#~ #, python-format": gettext reads the comment as if "#~ " were not there.
            self.comment_line(rest)
        elif rest.startswith('"'):
            if not self.obsolete_lines:
                raise self.error("#~ string without #~ keyword before it")
            self.continuation(rest)
        elif rest:
            self.keyword_line(rest, obsolete=True)

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
                self.indented_line(line.lstrip())
            else:
                self.keyword_line(line, obsolete=False)

    def indented_line(self, stripped: str) -> None:
        """A line that starts with blanks, without them."""
        if stripped.startswith('"'):
            self.continuation(stripped)
        elif stripped.startswith("#"):
            self.comment_line(stripped)
        else:
            self.keyword_line(stripped, obsolete=False)
