"""An XLIFF file into the catalogs: all or nothing, never a step back in review.

Each unit is found in the language's catalogs by the id our export gave it,
else by its source text (files other tools made from our catalogs, such as
Translate Toolkit's ``po2xliff``). Its translation comes back with the
source's codes (:func:`~pipeline.exchange.codes.target_text`); one that lost,
repeated, invented or misnested a code is refused, with the file and line.

A plural entry comes back whole or not at all: every form the catalog's
``Plural-Forms`` counts must have a translation, each checked against its own
source's codes (the msgid for form 0, msgid_plural for the others), and the
entry takes the state of its least confirmed form. A group that leaves a form
out, or brings more forms than the catalog has, is refused with its line.

What may change: a translation may replace a proposal or another
translation; a higher state may replace a lower one for the same text; a
reviewed entry is never overwritten by an unreviewed text, and a proposal
never replaces a translation (both are reported as kept). If any unit is
refused, or two units disagree about one entry, nothing is written; else every
changed catalog is written, keeping the lines of the entries that did not
change, and if one of them cannot be written the ones already written are put
back.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.headers import revision_stamp
from pipeline.catalogs.review import ReviewState, entry_state, set_entry_state
from pipeline.catalogs.update import read_catalogs
from pipeline.catalogs.writing import write_if_changed
from pipeline.config import Config
from pipeline.exchange.codes import CodeMismatch, lenient_text
from pipeline.exchange.document import XliffDocument, XliffError, XliffUnit
from pipeline.exchange.export import unit_id
from pipeline.exchange.read import read_xliff
from pipeline.files import FileChangedError, write_bytes_atomic
from pipeline.model import Entry, machine_comment
from pipeline.po.catalog_file import CatalogFile
from pipeline.text.languages import normalise_lang, plural_count


@dataclass(frozen=True)
class Change:
    unit_line: int  # line of the unit in the XLIFF file
    catalog: str  # project-relative path
    line: int  # line of the entry in the catalog as read
    msgid: str
    before: ReviewState
    after: ReviewState
    text_changed: bool


@dataclass
class ImportReport:
    path: Path
    lang: str = ""
    changes: list[Change] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # "file:line: why the catalog's text stays"
    refused: list[str] = field(default_factory=list)  # "file:line: why"
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> units
    written: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.refused else 0

    def lines(self, dry_run: bool = False) -> list[str]:
        """What the import changed, kept and skipped, for the command's output."""
        lines = [
            f"{c.catalog}:{c.line}: {'text and state' if c.text_changed else 'state'} "
            f"{c.before.label} → {c.after.label} (unit at line {c.unit_line})"
            for c in self.changes
        ]
        lines += [f"kept: {line}" for line in self.kept]
        lines += [f"{count} units skipped: {why}" for why, count in sorted(self.skipped.items())]
        verb = "would change" if dry_run else "changed"
        lines.append(
            f"{self.lang}: {len(self.changes)} entries {verb}, {len(self.kept)} kept, "
            f"{len(self.written)} catalogs written."
        )
        return lines


@dataclass
class _Target:
    """Where one unit's translation goes, and what it says: the text, or each plural form's."""

    as_read: CatalogFile
    entry: Entry
    unit: XliffUnit
    texts: tuple[str, ...]

    @property
    def same_text(self) -> bool:
        if self.entry.msgid_plural is not None:
            return dict(enumerate(self.texts)) == self.entry.msgstr_plural
        return self.texts == (self.entry.msgstr,)


def import_xliff(
    config: Config, path: Path, lang: str | None = None, *, dry_run: bool = False
) -> ImportReport:
    """Import the XLIFF file at ``path`` into the catalogs of its target language."""
    document = read_xliff(path)
    report = ImportReport(Path(path))
    report.lang = _language(config, document, lang)
    readable, unreadable = read_catalogs(config, report.lang)
    if unreadable:
        raise XliffError(f"cannot import into an unreadable catalog: {unreadable[0]}")
    index = _Index(readable)
    planned: dict[tuple[str, str | None, str], _Target] = {}
    for unit in document.units:
        for target in _targets(unit, index, report):
            key = (target.as_read.catalog.domain, *target.entry.key)
            earlier = planned.setdefault(key, target)
            if earlier is not target and (earlier.texts, earlier.unit.state) != (
                target.texts,
                target.unit.state,
            ):
                report.refused.append(
                    f"{path}:{unit.line}: unit {unit.id} and the unit at line "
                    f"{earlier.unit.line} give different translations of one entry"
                )
    if report.refused:
        return report
    changed = [target for target in planned.values() if _apply(target, report, config, dry_run)]
    if not dry_run:
        _write([t.as_read for t in changed], config, report)
    return report


def _language(config: Config, document: XliffDocument, lang: str | None) -> str:
    path = document.path
    if document.source_lang:
        source = normalise_lang(document.source_lang, config.all_languages)
        if source != config.source_language:
            raise XliffError(
                f"{path}: the source language is {document.source_lang}, "
                f"not the project's {config.source_language}"
            )
    said = normalise_lang(document.target_lang, config.languages) if document.target_lang else None
    if lang and said and said != lang:
        raise XliffError(f"{path}: the file is for {document.target_lang}, not {lang}")
    chosen = lang or said
    if not chosen:
        raise XliffError(f"{path}: the file names no target language; give --lang")
    if chosen not in config.languages:
        raise XliffError(f"{path}: {chosen} is not one of the project's languages")
    return chosen


class _Index:
    """The language's entries by domain and unit id, and by source text: singular and
    plural entries apart, as a plural group only ever stands for a plural entry."""

    def __init__(self, readable: list[CatalogFile]) -> None:
        self.by_id: dict[tuple[str, str], tuple[CatalogFile, Entry]] = {}
        self.by_msgid: dict[tuple[bool, str], list[tuple[CatalogFile, Entry]]] = {}
        self.domains = {as_read.catalog.domain for as_read in readable}
        for as_read in readable:
            for entry in as_read.catalog.active():
                if entry.is_header:
                    continue
                self.by_id[(as_read.catalog.domain, unit_id(entry))] = (as_read, entry)
                key = (entry.msgid_plural is not None, entry.msgid)
                self.by_msgid.setdefault(key, []).append((as_read, entry))

    def find(self, unit: XliffUnit) -> list[tuple[CatalogFile, Entry]]:
        domain = Path(unit.original.replace("\\", "/")).stem if unit.original else ""
        domain = domain if domain in self.domains else ""
        plural = bool(unit.forms)
        found = self.by_id.get((domain, unit.id)) if domain else None
        if found is not None and (found[1].msgid_plural is not None) == plural:
            return [found]
        candidates = [
            (as_read, entry)
            for as_read, entry in self.by_msgid.get((plural, unit.source_text), [])
            if not domain or as_read.catalog.domain == domain
        ]
        if (plural_source := unit.plural_source_text) is not None:
            candidates = [(a, e) for a, e in candidates if e.msgid_plural == plural_source]
        if unit.msgctxt is not None:
            return [(a, e) for a, e in candidates if e.msgctxt == unit.msgctxt]
        exact = [(a, e) for a, e in candidates if e.msgctxt is None]
        return exact or candidates


def _skip_reason(unit: XliffUnit) -> str | None:
    if unit.header:
        return "the gettext header"
    if not unit.translate:
        return "not for translation (translate=no)"
    if unit.forms:  # a plural entry with some forms translated is whole or refused
        return None if any(form.target is not None for form in unit.forms) else "no translation"
    if unit.incomplete:
        return "incomplete (a segment has no target)"
    if unit.target is None or unit.state is ReviewState.UNTRANSLATED:
        return "no translation"
    return None


def _targets(unit: XliffUnit, index: _Index, report: ImportReport) -> list[_Target]:
    reason = _skip_reason(unit)
    if reason is not None:
        report.skipped[reason] += 1
        return []
    found = index.find(unit)
    if not found:
        report.skipped["not in the catalogs (source changed since the export?)"] += 1
        return []
    if unit.forms:
        return _plural_targets(unit, found, report)
    try:
        text = unit.target_text()
    except CodeMismatch as error:
        unchanged = lenient_text(unit.source, unit.target or ())
        if all(e.msgstr == unchanged and unit.state <= entry_state(e) for _, e in found):
            return []
        report.refused.append(f"{report.path}:{unit.where}: {error}")
        return []
    return [_Target(as_read, entry, unit, (text,)) for as_read, entry in found]


def _plural_targets(
    unit: XliffUnit, found: list[tuple[CatalogFile, Entry]], report: ImportReport
) -> list[_Target]:
    targets = []
    for as_read, entry in found:
        nplurals = plural_count(as_read.catalog.metadata.get("Plural-Forms", ""), report.lang)
        texts = _plural_texts(unit, nplurals, entry, report)
        if texts is not None:
            targets.append(_Target(as_read, entry, unit, texts))
    return targets


def _plural_texts(
    unit: XliffUnit, nplurals: int, entry: Entry, report: ImportReport
) -> tuple[str, ...] | None:
    """Each form's translation, its codes checked against its own source; None when the
    unit is refused (reported) or only says what the entry already has."""
    forms = unit.forms
    current = tuple(entry.msgstr_plural.get(index, "") for index in range(nplurals))
    as_written = tuple(lenient_text(f.source, f.target or ()) for f in forms)
    unchanged = as_written == current and unit.state <= entry_state(entry)
    missing = [str(i) for i in range(nplurals) if i >= len(forms) or forms[i].target is None]
    problem = ""
    if len(forms) > nplurals:
        problem = f"{len(forms)} plural forms, but the catalog's Plural-Forms has {nplurals}"
    elif missing:
        problem = (
            f"plural form {', '.join(missing)} of {nplurals} has no translation; "
            "a plural entry comes back with all its forms or none"
        )
    if problem:
        if not unchanged:
            _refuse(report, unit.line, problem)
        return None
    texts = []
    for index, form in enumerate(forms):
        try:
            texts.append(form.target_text())
        except CodeMismatch as error:
            if not unchanged:
                _refuse(report, form.where, f"plural form {index}: {error}")
            return None
    return tuple(texts)


def _refuse(report: ImportReport, line: int, why: str) -> None:
    refusal = f"{report.path}:{line}: {why}"
    if refusal not in report.refused:  # a unit matched in several catalogs is refused once
        report.refused.append(refusal)


def _apply(target: _Target, report: ImportReport, config: Config, dry_run: bool) -> bool:
    """Change the entry if the unit may; whether it changed."""
    entry, unit = target.entry, target.unit
    before = entry_state(entry)
    same_text = target.same_text
    catalog = config.relative(Path(target.as_read.catalog.path))
    if same_text and unit.state <= before:
        return False
    if not same_text and unit.state < before:
        why = "reviewed" if before is ReviewState.REVIEWED else before.label
        report.kept.append(
            f"{report.path}:{unit.where}: kept the {why} translation of {catalog}:{entry.lineno}; "
            f"the file's is {unit.state.label}"
        )
        return False
    report.changes.append(
        Change(unit.line, catalog, entry.lineno, entry.msgid, before, unit.state, not same_text)
    )
    if dry_run:
        return False
    if entry.msgid_plural is not None:
        entry.msgstr_plural = dict(enumerate(target.texts))
    else:
        entry.msgstr = target.texts[0]
    if not same_text and unit.machine and unit.state is ReviewState.PROPOSED:
        entry.translator_comments.append(machine_comment(f"XLIFF {report.path.name}"))
    today = dt.date.today().isoformat()
    set_entry_state(entry, unit.state, reviewed_by=f"in {report.path.name}, {today}")
    return True


def _write(changed: list[CatalogFile], config: Config, report: ImportReport) -> None:
    """Write every changed catalog, or none: a failure puts back what was written."""
    unique = {as_read.catalog.path: as_read for as_read in changed}
    for path, as_read in unique.items():
        if as_read.version is not None and not as_read.version.is_current():
            raise XliffError(f"{config.relative(Path(path))}: {_SAVED}; nothing was written")
    originals = {path: Path(path).read_bytes() for path in unique}
    stamp = revision_stamp()
    done: list[Path] = []
    current = ""
    try:
        for path, as_read in unique.items():
            current = path
            if write_if_changed(as_read.catalog, Path(path), stamp=stamp, as_read=as_read):
                done.append(Path(path))
    except OSError as error:
        for written in done:
            write_bytes_atomic(written, originals[str(written)])
        why = _SAVED if isinstance(error, FileChangedError) else error.strerror or str(error)
        raise XliffError(f"{config.relative(Path(current))}: {why}; nothing was written") from None
    report.written = done


_SAVED = "saved by someone else while the import ran"
