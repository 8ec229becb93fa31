"""Reading PO/POT files: from text, from bytes, or from disk, optionally keeping
each entry's lines (:class:`~pipeline.po.catalog_file.CatalogFile`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path

from pipeline.collector import paused_cycle_collection
from pipeline.files import FileVersion, read_bounded
from pipeline.model import Catalog, Entry
from pipeline.po.block_reader import BlockReader
from pipeline.po.catalog_file import CatalogFile, KeptLines
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.po.writer import entries_said
from pipeline.text.limits import (
    MAX_CATALOG_BYTES,
    MAX_HEADER_FIELD_CHARS,
    MAX_SEGMENT_CHARS,
    too_long,
)


def parse_catalog(
    text: str, path: str = "<string>", lang: str | None = None, domain: str = ""
) -> Catalog:
    """Parse PO text; raises :class:`CatalogSyntaxError` naming ``path`` and line."""
    with paused_cycle_collection():
        return _read(BlockReader(path), text, lang, domain)


def _read(reader: BlockReader, text: str, lang: str | None, domain: str) -> Catalog:
    reader.read(text)
    catalog = Catalog(entries=reader.entries, path=reader.path, lang=lang, domain=domain)
    if reader.header is not None:
        catalog.header = reader.header
    _check_limits(catalog)
    return catalog


def _check_limits(catalog: Catalog) -> None:
    """Refuse a catalog with a string or header field beyond the limits (see text.limits)."""
    for entry in (catalog.header, *catalog.entries):
        for name, text, limit in _strings(entry, entry is catalog.header):
            if len(text) > limit:
                raise CatalogSyntaxError(
                    catalog.path, entry.lineno or 1, too_long(name, len(text), limit)
                )


def _strings(entry: Entry, header: bool) -> Iterator[tuple[str, str, int]]:
    """(name, text, limit) of each string of ``entry``."""
    yield "msgid", entry.msgid, MAX_SEGMENT_CHARS
    if header:
        for line in entry.msgstr.split("\n"):
            yield "a header field", line, MAX_HEADER_FIELD_CHARS
    else:
        yield "msgstr", entry.msgstr, MAX_SEGMENT_CHARS
    for name, text in (("msgctxt", entry.msgctxt), ("msgid_plural", entry.msgid_plural)):
        if text is not None:
            yield name, text, MAX_SEGMENT_CHARS
    for index, text in entry.msgstr_plural.items():
        yield f"msgstr[{index}]", text, MAX_SEGMENT_CHARS
    for line in (*entry.translator_comments, *entry.auto_comments):
        yield "a comment", line, MAX_SEGMENT_CHARS


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


def parse_catalog_file(
    data: bytes, path: str = "<bytes>", lang: str | None = None, domain: str = ""
) -> CatalogFile:
    """Parse the bytes of a PO file like :func:`parse_catalog_bytes`, keeping its entries' lines."""
    text = _decode_file(data, path)
    reader = BlockReader(path)
    reader.blocks = []
    with paused_cycle_collection():  # keeping the lines copies every entry's fields
        catalog = _read(reader, text, lang, domain)
        return CatalogFile(
            catalog,
            KeptLines(reader.own_blocks()),
            header=copy.deepcopy(catalog.header),
            said=entries_said(catalog),
        )


def read_catalog_file(
    path: Path, lang: str | None = None, domain: str = "", root: Path | None = None
) -> CatalogFile | None:
    """Read a PO file like :func:`parse_catalog_file`, with its version taken before
    reading (see :class:`~pipeline.files.FileVersion`); None if there is no file.

    With ``root``, a file that a link leads to from outside ``root`` is refused
    (:class:`~pipeline.files.UnsafeFileError`); a file larger than
    :data:`~pipeline.text.limits.MAX_CATALOG_BYTES` always is.
    """
    path = Path(path)
    version = FileVersion.of(path)
    try:
        data = read_bounded(path, MAX_CATALOG_BYTES, root)
    except (FileNotFoundError, NotADirectoryError):
        return None
    as_read = parse_catalog_file(data, str(path), lang, domain)
    as_read.version = version
    return as_read


def read_catalog(
    path: Path, lang: str | None = None, domain: str = "", root: Path | None = None
) -> Catalog:
    """Read a UTF-8 PO/POT file (see :func:`parse_catalog` and :func:`read_catalog_file`)."""
    path = Path(path)
    return parse_catalog_bytes(read_bounded(path, MAX_CATALOG_BYTES, root), str(path), lang, domain)
