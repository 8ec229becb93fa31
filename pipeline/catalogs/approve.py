"""``l10n review approve``: a reviewer's approval written into the catalogs, no hand-editing.

An approval makes an entry *reviewed* (:mod:`pipeline.catalogs.review`): the
``fuzzy`` flag goes, and a translator comment line ``reviewed by <who>,
<date>`` records it -- the form Poedit, Lokalize, Translate Toolkit and
Weblate keep. A location is a catalog (every translated entry in it) or a
catalog and line, as ``l10n check`` prints them (the entry at or above that
line, which may be a proposal: approving it accepts it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.headers import revision_stamp
from pipeline.catalogs.review import ReviewState, entry_state, set_entry_state
from pipeline.catalogs.writing import write_if_changed
from pipeline.config import Config
from pipeline.model import Entry, PipelineError
from pipeline.po.reader import read_catalog_file


class ApprovalError(PipelineError):
    """A location that names no catalog, or an entry with nothing to approve."""


@dataclass
class Approval:
    approved: list[tuple[str, int, ReviewState]] = field(default_factory=list)  # file, line, was
    written: list[Path] = field(default_factory=list)


def _parse_location(config: Config, location: str) -> tuple[Path, int | None]:
    name, sep, line = location.rpartition(":")
    if sep and line.isdigit():
        return (config.root / name).resolve(), int(line)
    return (config.root / location).resolve(), None


def _catalog_identity(config: Config, path: Path) -> tuple[str, str]:
    """(lang, domain) of a catalog path under the locales folder."""
    try:
        parts = path.relative_to(config.locales_path.resolve()).parts
    except ValueError:
        parts = ()
    if len(parts) != 3 or parts[1] != "LC_MESSAGES" or path.suffix != ".po":
        raise ApprovalError(
            f"{config.relative(path)}: not a catalog (locales/<lang>/LC_MESSAGES/<domain>.po)"
        )
    return parts[0], path.stem


def _entry_at(entries: list[Entry], line: int) -> Entry | None:
    placed = [e for e in entries if e.lineno and e.lineno <= line and not e.obsolete]
    return max(placed, key=lambda e: e.lineno) if placed else None


def approve(config: Config, locations: list[str], by: str = "") -> Approval:
    """Approve the entries at ``locations``; each catalog is written once, keeping its layout."""
    wanted: dict[Path, list[int | None]] = {}
    for location in locations:
        path, line = _parse_location(config, location)
        wanted.setdefault(path, []).append(line)
    note = f"by {by}, " if by else ""
    reviewed_by = f"{note}{dt.date.today().isoformat()}"
    result = Approval()
    planned = []  # every location is checked before any catalog is written
    for path, lines in wanted.items():
        lang, domain = _catalog_identity(config, path)
        as_read = read_catalog_file(path, lang, domain)
        if as_read is None:
            raise ApprovalError(f"{config.relative(path)}: no such catalog")
        entries = [e for e in as_read.catalog.entries if not e.is_header]
        planned.append((path, as_read, _chosen(config, path, entries, lines)))
    stamp = revision_stamp()
    for path, as_read, chosen in planned:
        for entry in chosen:
            before = entry_state(entry)
            if before is not ReviewState.REVIEWED:
                set_entry_state(entry, ReviewState.REVIEWED, reviewed_by)
                result.approved.append((config.relative(path), entry.lineno, before))
        if write_if_changed(as_read.catalog, path, stamp=stamp, as_read=as_read):
            result.written.append(path)
    return result


def _chosen(
    config: Config, path: Path, entries: list[Entry], lines: list[int | None]
) -> list[Entry]:
    if None in lines:  # the whole catalog: its translations, not its proposals
        return [e for e in entries if not e.obsolete and e.translated]
    chosen = []
    for line in lines:
        assert line is not None
        entry = _entry_at(entries, line)
        if entry is None or not entry.has_translation:
            raise ApprovalError(f"{config.relative(path)}:{line}: no translation to approve there")
        chosen.append(entry)
    return chosen
