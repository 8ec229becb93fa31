"""The fast PO reader: a whole file, most entries read whole by one regex.

Entries are separated by blank lines, and nearly all of them are one regular
block: comments, then ``msgctxt``, ``msgid`` and ``msgstr`` each at the start
of its line, strings one to a line, no octal or hex escapes. Such a block is
read at once; any other goes line by line through the strict
:class:`~pipeline.po.line_reader.LineReader`, which also reports every error,
so both give the same entries and the same errors.
"""

from __future__ import annotations

import re
from itertools import pairwise
from operator import attrgetter

from pipeline.model import Entry
from pipeline.po.line_reader import MSGSTR, MSGSTR_N, LineReader
from pipeline.po.syntax import simple_value, split_flags
from pipeline.text.excerpt import quoted

# Matched loosely for speed; simple_value checks the strings.
_SIMPLE_BLOCK = re.compile(
    r"((?:#[^\n]*\n)*)"
    r'(?:msgctxt (".*(?:\n".*)*)\n)?msgid (".*(?:\n".*)*)\nmsgstr (".*(?:\n".*)*)\n?'
)

# An entry's comments: translator, automatic, references, flags.
_Comments = tuple[list[str], list[str], list[str], list[str]]


def _simple_comments(comments: str) -> _Comments | None:
    """The comments of a simple block, the lines before its keywords; None if some
    line belongs to a previous or obsolete message."""
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
                flags += split_flags(line[2:])
            elif kind == "~" or kind == "|":
                return None
            else:
                text = line[1:]
                translator.append(text[1:] if text[:1] == " " else text)
    return translator, auto, references, flags


class BlockReader(LineReader):
    """Reads a whole file; with ``blocks`` set to a list, also records each block's text."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.last_simple: Entry | None = None  # see reopen_simple_entry
        self.blocks: list[tuple[int, str]] | None = None  # see own_blocks

    def read(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        if "\r" in text:
            text = text.replace("\r\n", "\n")
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

    def own_blocks(self) -> list[tuple[Entry, str]]:
        """Each entry that is a block of its own, with that block's text; not the header,
        which is formatted anew whenever a file is written.

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
            pairs = zip(entries, blocks, strict=True)
            return [(entry, text) for entry, (_, text) in pairs if entry is not self.header]
        following = {start: after for (start, _), (after, _) in pairwise(blocks)}
        text_at = dict(blocks)
        # Some entry is here: a file without entries has no blocks, so returned above.
        next_starts: list[int | None] = [entry.lineno for entry in entries[1:]]
        own: list[tuple[Entry, str]] = []
        for entry, next_start in zip(entries, [*next_starts, None], strict=True):
            text = text_at.get(entry.lineno)
            if text is not None and following.get(entry.lineno) == next_start:
                own.append((entry, text))
        return [(entry, text) for entry, text in own if entry is not self.header]

    def simple_block(self, block: str, lineno: int) -> bool:
        """Read ``block`` as one whole entry if it has the common shape; False if not.

        Nothing is changed when False is returned, so the block can be read again
        line by line, which then reports any error with its exact line.
        """
        match = _SIMPLE_BLOCK.fullmatch(block)
        if match is None:
            return False
        comments, raw_msgctxt, raw_msgid, raw_msgstr = match.groups()
        msgid = simple_value(raw_msgid)
        msgstr = simple_value(raw_msgstr)
        msgctxt = None if raw_msgctxt is None else simple_value(raw_msgctxt)
        if msgid is None or msgstr is None or (raw_msgctxt is not None and msgctxt is None):
            return False
        parsed = _simple_comments(comments)
        if parsed is None:
            return False
        if self.entry is not None:
            if self.stage not in (MSGSTR, MSGSTR_N):
                return False  # a block of comments or a msgid before this one
            self.finish()
        translator, auto, references, flags = parsed
        entry = Entry(
            msgid, msgstr, msgctxt, None, {}, translator, auto, references, flags,
            None, None, None, False, lineno,
        )  # fmt: skip
        self.add_simple_entry(entry)
        return True

    def add_simple_entry(self, entry: Entry) -> None:
        lineno = entry.lineno
        first = self.seen.setdefault(entry.key, lineno)
        if first != lineno:
            self.lineno = lineno
            raise self.error(
                f"duplicate message definition (first defined at line {first}): "
                f"{quoted(entry.msgid, 60)}"
            )
        if self.header is None and entry.is_header:
            self.header = entry
        else:
            self.entries.append(entry)
        self.last_simple = entry

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
        self.stage = self.field = MSGSTR
        self.parts = [entry.msgstr]
        self.has_plural = False
        self.obsolete_lines = False
