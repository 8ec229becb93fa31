"""A PO file as read: its catalog, the lines its entries had, and its version.

An entry read from a file and left unchanged can be written with the lines it
had there: an update then rewrites only the entries it changes, whichever
editor laid out the others. The lines are kept by a copy of what the entry
said when read, and are written only for an entry that says exactly that: an
entry changed in any way after reading, in place or replaced, is written anew.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.files import FileVersion
from pipeline.model import Catalog, Entry

# Every field that decides the lines an entry is written as (its line number does
# not), copied into tuples: hashable, and the cycle collector can leave them alone.
EntryText = tuple[
    str | None,  # msgctxt
    str,  # msgid
    str | None,  # msgid_plural
    str,  # msgstr
    tuple[tuple[int, str], ...],  # msgstr_plural
    tuple[str, ...],  # translator_comments
    tuple[str, ...],  # auto_comments
    tuple[str, ...],  # references
    tuple[str, ...],  # flags
    str | None,  # previous_msgctxt
    str | None,  # previous_msgid
    str | None,  # previous_msgid_plural
    bool,  # obsolete
]


def entry_text(entry: Entry) -> EntryText:
    """A copy of what ``entry`` says, which later changes to the entry leave as it is."""
    return (
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        tuple(entry.msgstr_plural.items()),  # reordered counts as changed: formatted anew
        tuple(entry.translator_comments),
        tuple(entry.auto_comments),
        tuple(entry.references),
        tuple(entry.flags),
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
        entry.obsolete,
    )


def entry_said(text: EntryText) -> Entry:
    """An entry saying what ``text`` says (the inverse of :func:`entry_text`)."""
    (msgctxt, msgid, msgid_plural, msgstr, plural, translator, auto, references, flags,
     previous_msgctxt, previous_msgid, previous_msgid_plural, obsolete) = text  # fmt: skip
    return Entry(
        msgid=msgid,
        msgstr=msgstr,
        msgctxt=msgctxt,
        msgid_plural=msgid_plural,
        msgstr_plural=dict(plural),
        translator_comments=list(translator),
        auto_comments=list(auto),
        references=list(references),
        flags=list(flags),
        previous_msgctxt=previous_msgctxt,
        previous_msgid=previous_msgid,
        previous_msgid_plural=previous_msgid_plural,
        obsolete=obsolete,
    )


class KeptLines:
    """The lines entries had in a file, each valid for what its entry said then."""

    def __init__(self, blocks: Iterable[tuple[Entry, str]]) -> None:
        """Keep the lines of each entry of ``blocks`` (without the last newline) for
        what the entry says now."""
        self._kept: dict[EntryText, str] = {entry_text(entry): lines for entry, lines in blocks}
        self._moved: dict[EntryText, str] | None = None

    def __len__(self) -> int:
        return len(self._kept)

    def lines_for(self, entry: Entry) -> str | None:
        """The lines kept for an entry saying exactly what ``entry`` says; None if none."""
        return self._kept.get(entry_text(entry))

    def lines_moved(self, entry: Entry) -> str | None:
        """The lines kept for an entry saying what ``entry`` says but for its references
        (its text moved in the source); None if none."""
        if self._moved is None:
            self._moved = {_elsewhere(text): lines for text, lines in self._kept.items()}
        return self._moved.get(_elsewhere(entry_text(entry)))


_REFERENCES = 7  # where the references are in an EntryText


def _elsewhere(text: EntryText) -> EntryText:
    """``text`` with no references: what an entry says wherever its text is."""
    return (*text[:_REFERENCES], (), *text[_REFERENCES + 1 :])  # type: ignore[return-value]


@dataclass
class CatalogFile:
    """A PO file as read: the catalog parsed from it, and its entries' lines.

    ``lines`` holds the lines of each entry that is a block of its own in the
    file (the header aside: it is always formatted anew), as
    :func:`~pipeline.po.writer.format_catalog` takes them. ``header`` and
    ``said`` are copies of the header and of what every written entry said when
    read, in order: whatever later happens to ``catalog``'s entries, they tell
    whether the file still holds what a catalog says. ``version`` is the file's
    version when read, if read from disk.
    """

    catalog: Catalog
    lines: KeptLines
    header: Entry
    said: tuple[EntryText, ...]
    version: FileVersion | None = None
