"""Write PO/POT files exactly as GNU gettext does.

The writer reproduces GNU ``msgcat`` (gettext 0.21, default options, page width
79) byte for byte, so that a translator's file passed through the pipeline
changes only where its content changed. Neither Babel nor polib does: Babel
guesses format flags, rewrites the header and writes invalid PO for long
previous msgids; polib wraps differently and is slow. Where a long string is
broken is :mod:`pipeline.po.linebreak`'s job.

What ``msgcat`` normalises, :func:`format_catalog` normalises too: flags are
written in gettext's order (``fuzzy`` first, format flags in gettext's
language order, ``range:``, ``no-wrap``); ``fuzzy`` is left out when there is
no translation; ``possible-X-format`` becomes ``X-format``; ``wrap`` is not
written; obsolete entries go last and those without a translation are
dropped; ``./`` is stripped from references. Unlike ``msgcat``, flags gettext
does not know are kept (after the known ones) rather than silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pipeline.files import write_text_atomic
from pipeline.model import Catalog, Entry
from pipeline.po.catalog_file import EntryText, KeptLines, entry_text
from pipeline.po.linebreak import line_pieces, surely_fits

PAGE_WIDTH = 79

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
        if surely_fits(escaped, width - first_column):
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
    for piece in line_pieces(escaped_portions, width, 0, portions[-1].endswith("\n"))[0]:
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
    pieces, end_column = line_pieces([escaped], width, 0, ends_with_newline)
    if len(pieces) == 1 and first_column <= width:
        # One piece from column 0: no opportunity, or it fits in ``width``.
        wrapped = False
        if first_column + end_column > width >= end_column:
            wrapped = len(line_pieces([escaped], width, first_column, ends_with_newline)[0]) > 1
        if not wrapped:
            out.append(f'{prefix}{name} "{escaped}"\n')
            return
    out.append(f'{prefix}{name} ""\n')
    for piece in pieces:
        out.append(f'{prefix}"{piece}"\n')


# gettext 0.21's format languages, in the order msgcat writes their flags.
_FORMAT_LANGUAGES = (
    *("c", "objc", "python", "python-brace", "java", "java-printf", "csharp", "javascript"),
    *("scheme", "lisp", "elisp", "librep", "ruby", "sh", "awk", "lua", "object-pascal"),
    *("smalltalk", "qt", "qt-plural", "kde", "kde-kuit", "boost", "tcl", "perl", "perl-brace"),
    *("php", "gcc-internal", "gfc-internal", "ycp"),
)
_FORMAT_RANK = {language: rank for rank, language in enumerate(_FORMAT_LANGUAGES)}


def _known_format(flag: str) -> tuple[str, str] | None:
    """For a format flag of a language gettext knows, that language and the flag
    as msgcat writes it; None for any other flag."""
    if not flag.endswith("-format"):
        return None
    language = flag[:-7]
    negated = language.startswith("no-")
    language = language.removeprefix("no-").removeprefix("possible-")
    if language not in _FORMAT_RANK:
        return None
    return language, f"no-{language}-format" if negated else f"{language}-format"


def _ordered_flags(flags: Iterable[str], translated: bool) -> list[str]:
    fuzzy = False
    formats: dict[str, str] = {}
    value_range = ""
    no_wrap = False
    others: list[str] = []
    for flag in flags:
        if flag == "fuzzy":
            fuzzy = True
        elif flag in ("no-wrap", "wrap"):
            no_wrap = flag == "no-wrap"
        elif flag.startswith("range:"):
            value_range = "range: " + flag[6:].strip()
        elif (known := _known_format(flag)) is not None:
            formats[known[0]] = known[1]
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


def _write_comments(out: list[str], entry: Entry) -> bool:
    """Write the comment lines of ``entry``; returns whether its strings are wrapped."""
    for comment in entry.translator_comments:
        for text in comment.split("\n"):
            out.append(f"# {text}\n" if text else "#\n")
    for comment in entry.auto_comments:
        for text in comment.split("\n"):
            out.append(f"#. {text}\n" if text else "#.\n")
    if entry.references:
        _write_references(out, entry.references)
    if not entry.flags:
        return True
    flags = _ordered_flags(entry.flags, bool(_first_translation(entry)))
    if flags:
        out.append("#, " + ", ".join(flags) + "\n")
    return "no-wrap" not in flags


def _write_entry(out: list[str], entry: Entry) -> None:
    wrap = _write_comments(out, entry)
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
    header: list[Entry] = [catalog.header] if _header_present(catalog.header) else []
    return header + _written_entries(catalog)


def _written_entries(catalog: Catalog) -> list[Entry]:
    entries = [entry for entry in catalog.entries if not entry.obsolete]
    # msgcat drops obsolete entries that carry no translation.
    entries += [entry for entry in catalog.entries if entry.obsolete and _first_translation(entry)]
    return entries


def entries_said(catalog: Catalog) -> tuple[EntryText, ...]:
    """What each entry :func:`format_catalog` writes says, the header aside, in order."""
    return tuple(entry_text(entry) for entry in _written_entries(catalog))


def format_entry(entry: Entry) -> str:
    """The lines :func:`format_catalog` writes for ``entry``."""
    out: list[str] = []
    _write_entry(out, entry)
    return "".join(out)


def format_catalog(catalog: Catalog, kept_lines: KeptLines | None = None) -> str:
    """The PO text GNU ``msgcat`` (gettext 0.21, width 79) writes for ``catalog``.

    An entry that says what an entry of ``kept_lines`` said when read (see
    :class:`~pipeline.po.catalog_file.CatalogFile`) is written with the lines
    that entry had, instead of formatted.
    """
    out: list[str] = []
    for number, entry in enumerate(written_entries(catalog)):
        if number:
            out.append("\n")
        lines = None if kept_lines is None else kept_lines.lines_for(entry)
        if lines is None and kept_lines is not None:
            lines = _with_references(kept_lines.lines_moved(entry), entry.references)
        if lines is None:
            _write_entry(out, entry)
        else:
            out.append(lines)
            out.append("\n")
    return "".join(out)


def _with_references(lines: str | None, references: list[str]) -> str | None:
    """An entry's kept ``lines`` with its reference lines (one run of ``#:`` lines) written
    anew for ``references``; None when there is no such run to replace.

    Only the references of an entry change when text above it in the source was added or
    removed: the rest of its lines, its strings among them, are kept as they were.
    """
    if lines is None or not references:
        return None
    split = lines.split("\n")
    at = [number for number, line in enumerate(split) if line.startswith("#:")]
    if not at or at[-1] - at[0] != len(at) - 1:
        return None
    written: list[str] = []
    _write_references(written, references)
    new = "".join(written).rstrip("\n").split("\n")
    return "\n".join([*split[: at[0]], *new, *split[at[-1] + 1 :]])


def write_catalog(catalog: Catalog, path: Path) -> bool:
    """Write ``catalog`` to ``path`` atomically; False if the file was already identical."""
    return write_text_atomic(Path(path), format_catalog(catalog))
