"""Writing a catalog only if its content changed, timestamps aside."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from pipeline.catalogs.headers import set_header_field
from pipeline.files import FileVersion, read_bytes_if_present, write_text_atomic
from pipeline.model import Catalog, Entry
from pipeline.po.catalog_file import CatalogFile, entry_said
from pipeline.po.reader import parse_catalog_bytes
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.po.writer import entries_said, format_catalog, format_entry, written_entries


def write_if_changed(
    catalog: Catalog,
    path: Path,
    *,
    stamp: str | None = None,
    as_read: CatalogFile | None = None,
    made_from: FileVersion | None = None,
) -> bool:
    """Write ``catalog`` unless the file already holds the same content.

    Only the timestamp header fields differ between otherwise equal runs, so
    they are compared out; a run that changes nothing leaves the file's bytes
    and mtime alone.

    ``as_read`` is the file as read. What its entries said then is compared
    with ``catalog``, whatever happened to the entries since, and an entry that
    still says the same is written with the lines it had (see
    :func:`~pipeline.catalogs.update.update_catalog`).

    If someone saved the file since the version it was made from (``as_read``'s,
    or else ``made_from``), it is not written and
    :class:`~pipeline.files.FileChangedError` is raised.
    """
    if as_read is not None:
        if _unchanged_since_read(as_read, catalog):
            return False
    else:
        existing = read_bytes_if_present(path)
        if existing is not None and _same_content(existing, catalog):
            return False
    if stamp:
        field_name = "PO-Revision-Date" if catalog.lang else "POT-Creation-Date"
        set_header_field(catalog.header, field_name, stamp)
    if as_read is not None:
        return write_text_atomic(path, format_catalog(catalog, as_read.lines), as_read.version)
    return write_text_atomic(path, format_catalog(catalog), made_from)


_VOLATILE = re.compile(r"^(POT-Creation-Date|PO-Revision-Date):.*$", re.MULTILINE)
_STAMPS = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): ([^"\\]*)\\n"$', re.MULTILINE)


def _same_content(existing: bytes, catalog: Catalog) -> bool:
    """Whether the file's bytes say what ``catalog`` says, timestamps aside.

    The catalog is formatted with the file's own timestamps and compared byte
    for byte, which settles the usual case without parsing; a file another
    editor laid out differently is parsed and compared entry by entry, so it is
    not rewritten for its layout alone.
    """
    header = replace(catalog.header)
    for name, value in _STAMPS.findall(existing[: existing.find(b"\n\n")]):
        set_header_field(header, name.decode("ascii"), value.decode("utf-8", "replace"))
    if format_catalog(replace(catalog, header=header)).encode("utf-8") == existing:
        return True
    try:
        parsed = parse_catalog_bytes(existing, catalog.path, catalog.lang, catalog.domain)
    except CatalogSyntaxError:
        return False
    return _same_entries(parsed, catalog)


def _same_entries(parsed: Catalog, catalog: Catalog) -> bool:
    """Whether ``catalog`` writes the entries ``parsed`` has, header timestamps aside.

    Compared as we would write both, entry by entry, so that another editor's
    line wrapping is no difference.
    """
    ours = written_entries(replace(catalog, header=_without_stamps(catalog.header)))
    theirs = written_entries(replace(parsed, header=_without_stamps(parsed.header)))
    return len(ours) == len(theirs) and all(
        format_entry(mine) == format_entry(their)
        for mine, their in zip(ours, theirs, strict=True)
    )


def _unchanged_since_read(as_read: CatalogFile, catalog: Catalog) -> bool:
    """Whether ``catalog`` writes what the file held when read, timestamps aside.

    Compared with copies taken when the file was read, so an entry changed in
    place since is a difference; entries that say different things but are
    written alike (flags in another order) are not.
    """
    now = entries_said(catalog)
    if len(now) != len(as_read.said):
        return False
    ours, theirs = _without_stamps(catalog.header), _without_stamps(as_read.header)
    if format_entry(ours) != format_entry(theirs):
        return False
    return all(
        mine == their or format_entry(entry_said(mine)) == format_entry(entry_said(their))
        for mine, their in zip(now, as_read.said, strict=True)
    )


def _without_stamps(header: Entry) -> Entry:
    return replace(header, msgstr=_VOLATILE.sub("", header.msgstr))
