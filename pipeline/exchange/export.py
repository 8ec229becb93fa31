"""A language's catalogs out as one XLIFF file, for a CAT tool or an agency."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.review import ReviewState, entry_state
from pipeline.catalogs.update import read_catalogs
from pipeline.config import Config
from pipeline.exchange import xliff12, xliff21
from pipeline.exchange.codes import Piece, aligned_codes, markup_codes
from pipeline.exchange.document import ExportFile, ExportForm, ExportUnit, XliffError
from pipeline.files import write_bytes_atomic
from pipeline.model import Entry, machine_origin
from pipeline.text.languages import plural_count

VERSIONS = ("1.2", "2.1")


@dataclass
class ExportSummary:
    path: Path
    files: int = 0
    states: Counter[ReviewState] = field(default_factory=Counter)
    plurals: int = 0  # plural entries: a group of one unit per form

    @property
    def units(self) -> int:
        return sum(self.states.values())

    def lines(self) -> list[str]:
        """What the export did, for the command's output."""
        states = ", ".join(f"{count} {state.label}" for state, count in sorted(self.states.items()))
        plurals = f"; {self.plurals} plural entries, one unit per form" if self.plurals else ""
        return [f"{self.path}: {self.files} files, {self.units} entries ({states}){plurals}"]


def unit_id(entry: Entry) -> str:
    """A unit id that names the entry in any catalog of the domain: its key, hashed."""
    key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
    return "u" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def form_id(entry_id: str, index: int) -> str:
    """The id of a plural form's trans-unit in XLIFF 1.2: ``u…[1]``, as Translate Toolkit's
    ``po2xliff`` numbers forms (2.x ids are NMTOKENs: its writer says ``u…-1``)."""
    return f"{entry_id}[{index}]"


def export_unit(entry: Entry, nplurals: int = 2) -> ExportUnit:
    """``entry`` as a unit; a plural entry as ``nplurals`` forms (the catalog's
    ``Plural-Forms``), form 0 with the msgid as source, the others with msgid_plural."""
    source = tuple(markup_codes(entry.msgid))
    state = entry_state(entry)
    forms: tuple[ExportForm, ...] = ()
    if entry.msgid_plural is not None:
        plural = tuple(markup_codes(entry.msgid_plural))
        forms = tuple(
            _form(unit_id(entry), index, source if index == 0 else plural,
                  entry.msgstr_plural.get(index, ""))
            for index in range(nplurals)
        )  # fmt: skip
    target = (
        tuple(aligned_codes(source, entry.msgstr)) if entry.has_translation and not forms else None
    )
    return ExportUnit(
        id=unit_id(entry),
        msgctxt=entry.msgctxt,
        source=source,
        target=target,
        state=state,
        origin=_origin(entry) if state < ReviewState.REVIEWED else "",
        developer_notes=tuple(entry.auto_comments),
        translator_notes=tuple(entry.translator_comments),
        locations=tuple(entry.references),
        forms=forms,
    )


def _form(entry_id: str, index: int, source: tuple[Piece, ...], text: str) -> ExportForm:
    target = tuple(aligned_codes(source, text)) if text else None
    return ExportForm(form_id(entry_id, index), source, target)


def _origin(entry: Entry) -> str:
    if machine_origin(entry):
        return "machine"
    if any(line.strip().startswith("suggestion:") for line in entry.translator_comments):
        return "memory"
    return ""


def _file_id(domain: str) -> str:
    """The domain as an XML NMTOKEN (XLIFF 2 file ids)."""
    return re.sub(r"[^\w.\-:]", "_", domain) or "_"


def export_xliff(
    config: Config,
    lang: str,
    path: Path,
    *,
    domains: Sequence[str] = (),
    version: str = "1.2",
) -> ExportSummary:
    """Write the catalogs of ``lang`` (of ``domains``, or all) to ``path`` as XLIFF ``version``.

    Untranslated entries go out with no target, proposals as needing review,
    translations as translated, reviewed ones as signed off; obsolete entries
    and the header stay in the catalogs. A plural entry is a group of one unit
    per form the catalog's ``Plural-Forms`` gives (each writer says how).
    """
    if version not in VERSIONS:
        raise XliffError(f"XLIFF version {version} is not one of {', '.join(VERSIONS)}")
    readable, unreadable = read_catalogs(config, lang)
    if unreadable:
        raise XliffError(f"cannot export an unreadable catalog: {unreadable[0]}")
    known = {as_read.catalog.domain for as_read in readable}
    unknown = sorted(set(domains) - known)
    if unknown:
        raise XliffError(f"no {lang} catalog for domain(s) {', '.join(unknown)}")
    summary = ExportSummary(path)
    files = []
    for as_read in readable:
        catalog = as_read.catalog
        if domains and catalog.domain not in domains:
            continue
        nplurals = plural_count(catalog.metadata.get("Plural-Forms", ""), lang)
        units = tuple(export_unit(e, nplurals) for e in catalog.active() if not e.is_header)
        summary.plurals += sum(1 for unit in units if unit.forms)
        summary.states.update(unit.state for unit in units)
        relative = config.relative(config.catalog_path(lang, catalog.domain))
        files.append(ExportFile(_file_id(catalog.domain), relative, units))
    writer = xliff12.write if version == "1.2" else xliff21.write
    try:
        data = writer(files, config.source_language, lang)
    except ValueError as error:  # a control character XML cannot carry
        raise XliffError(f"{path}: cannot write XLIFF: {error}") from None
    write_bytes_atomic(path, data)
    summary.files = len(files)
    return summary
