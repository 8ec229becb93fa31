"""The project's catalogs: the templates and every language's catalogs brought up to date.

:func:`update_catalogs` writes the templates and merges each language's
catalogs from them, writing only the files whose content changed and, in an
incremental build, not even reading those that cannot have changed.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.compendium import Compendium, leaving
from pipeline.catalogs.extract import build_templates
from pipeline.catalogs.headers import new_catalog, revision_stamp
from pipeline.catalogs.merge import Leverage, MergeResult, merge
from pipeline.catalogs.retire import RetiredDomain, find_retired
from pipeline.catalogs.writing import write_if_changed
from pipeline.collector import paused_cycle_collection
from pipeline.config import Config
from pipeline.files import FileVersion, inside, remove_stray_temporaries
from pipeline.model import Catalog, Entry, Segment, drop_proposal_comments, migrate_ignore_flags
from pipeline.po.catalog_file import CatalogFile
from pipeline.po.reader import read_catalog_file
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.text.kept_splits import for_domain


@dataclass
class LanguageUpdate:
    """What an update did to one language's catalogs, for its summary line."""

    lang: str
    catalogs: int = 0  # merged
    written: int = 0
    unreadable: int = 0
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0
    settled: int = 0


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line: message"
    merges: dict[str, MergeResult] = field(default_factory=dict)  # by project-relative path
    # The domains no page makes any more: their files are still on disk, to be retired.
    retired: list[RetiredDomain] = field(default_factory=list)
    templates: dict[str, Catalog] = field(default_factory=dict)  # by domain, as written

    def by_language(self, config: Config, languages: Sequence[str]) -> list[LanguageUpdate]:
        """One summary per language of ``languages``, also for a language nothing changed in."""
        summaries = {lang: LanguageUpdate(lang) for lang in languages}
        for result in self.merges.values():
            summary = summaries.get(result.catalog.lang or "")
            if summary is not None:
                summary.catalogs += 1
                for name in ("kept", "fuzzy", "new", "obsolete", "settled"):
                    setattr(summary, name, getattr(summary, name) + getattr(result, name))
        for path in self.written:
            if path.suffix == ".po" and path.parent.parent.name in summaries:
                summaries[path.parent.parent.name].written += 1
        for line in self.errors:
            for lang, summary in summaries.items():
                if line.startswith(config.relative(config.locales_path / lang) + "/"):
                    summary.unreadable += 1
        return list(summaries.values())


def update_catalog(
    path: Path,
    template: Catalog,
    blank: Catalog,
    threshold: float = 80.0,
    leverage: Leverage | None = None,
    stamp: str | None = None,
    *,
    as_read: CatalogFile | None = None,
    read: bool = True,
    compendium: Compendium | None = None,
    root: Path | None = None,
) -> tuple[MergeResult, bool]:
    """Merge the catalog at ``path`` from ``template``, and write it if its content changed.

    A missing file starts from ``blank``, whose header also replaces an empty
    one. Returns the merge and whether the file was written. A file that is
    not valid PO raises :class:`CatalogSyntaxError` naming its line, one that
    cannot be read or written :class:`OSError` (``FileChangedError`` if it was
    saved meanwhile); either way it is left as it is. With ``read`` False,
    ``as_read`` is the file as the caller read it (None: there was none).
    A msgid the catalog lacks is looked up in ``compendium`` first.

    The entries the merge keeps are the old catalog's own objects, unchanged:
    they need no comparing with the file, and are written with the lines they
    had in it. A file another editor laid out keeps that layout where the
    update changed nothing, so its diff shows only what changed; a file the
    pipeline wrote reads back as the same lines formatting would give.

    A reviewed entry loses the comments the pipeline wrote with its proposal
    (see :func:`~pipeline.model.drop_proposal_comments`); only such an entry
    is written anew.

    With ``root``, a link that leads out of it is neither read nor written.
    """
    if root is not None:
        inside(path, root)
    if read:
        as_read = read_catalog_file(path, blank.lang, blank.domain, root)
    if as_read is None:
        with for_domain(blank.domain):  # the blocks the leverage splits are this catalog's
            result = merge(blank, template, threshold, leverage, compendium)
        no_file = FileVersion(path, None)  # nor may one appear before the write
        return result, write_if_changed(result.catalog, path, stamp=stamp, made_from=no_file)
    with for_domain(blank.domain):
        result = merge(as_read.catalog, template, threshold, leverage, compendium)
    for entry in result.catalog.entries:
        migrate_ignore_flags(entry)  # Poedit's save would drop the flag; the comment stays
    if not result.catalog.header.msgstr.strip():
        result.catalog.header = blank.header
    result.settled = sum(drop_proposal_comments(entry) for entry in result.catalog.active())
    return result, write_if_changed(result.catalog, path, stamp=stamp, as_read=as_read)


# The cycle collector stays paused for the whole stage, leverage included:
# paused step by step, it would walk every entry read and merged so far at the
# end of each step. The stage makes next to no reference cycles; what it keeps
# is walked once, after the pause.
@paused_cycle_collection()
def update_catalogs(
    config: Config,
    segments: Sequence[Segment],
    languages: Sequence[str] | None = None,
    leverage_for: Callable[[str], Leverage | None] | None = None,
    recorded: dict[str, str] | None = None,
) -> UpdateReport:
    """Write the templates, then merge every language's catalogs from them.

    ``leverage_for(lang)`` gives the hook that improves proposals for new text.

    ``recorded`` (kept by an incremental build) maps each file to the digest of
    its template's segments and of its bytes after the last update. A file
    whose template and bytes are both as recorded is what merging would make
    again (a merge of a merged catalog changes nothing), so it is neither read,
    merged nor written, and is absent from ``merges``.
    """
    stamp = revision_stamp()
    remove_stray_temporaries(config.locales_path)  # left by a run that was killed
    templates = build_templates(segments, config)
    considered = list(languages if languages is not None else config.languages)
    run = _Run(config, stamp, leverage_for, recorded, _template_digests(config, segments))
    run.report.templates = templates
    run.report.retired = find_retired(config, templates, considered)
    for domain, template in sorted(templates.items()):
        run.write_template(domain, template)
    for lang in considered:
        run.update_language(lang, templates)
    return run.report


def _template_digests(config: Config, segments: Sequence[Segment]) -> dict[str, str]:
    """By domain: a digest of everything its template and a new catalog's header are made of."""
    by_domain: dict[str, list[Segment]] = defaultdict(list)
    for segment in segments:
        by_domain[segment.domain].append(segment)
    return {
        domain: hashlib.sha256(
            repr((config.project_name, config.team, domain_segments)).encode("utf-8")
        ).hexdigest()
        for domain, domain_segments in by_domain.items()
    }


@dataclass
class _Run:
    """One run of :func:`update_catalogs`: what its files are written with, and its report."""

    config: Config
    stamp: str
    leverage_for: Callable[[str], Leverage | None] | None
    recorded: dict[str, str] | None
    template_digests: dict[str, str]  # by domain
    report: UpdateReport = field(default_factory=UpdateReport)

    def write_template(self, domain: str, template: Catalog) -> None:
        path = self.config.template_path(domain)
        if self.current(path, domain):
            return
        try:
            as_read = read_catalog_file(path, None, domain)
        except (CatalogSyntaxError, OSError):
            as_read = None  # formatted anew, as a missing template is
        if as_read is not None:
            # An entry the template had is written with its lines, unformatted; the template
            # is ours, so it is written whatever happened to the file since it was read.
            as_read.version = None
            written = write_if_changed(template, path, stamp=self.stamp, as_read=as_read)
        else:
            written = write_if_changed(template, path, stamp=self.stamp)
        if written:
            self.report.written.append(path)
        self.record(path, domain)

    def update_language(self, lang: str, templates: dict[str, Catalog]) -> None:
        """Merge every catalog of ``lang`` that may have changed.

        All are read first: text leaving one catalog may arrive in another
        (a page split, merged, renamed or moved), and the :class:`Compendium`
        gives it its translation as it was.
        """
        pending: list[tuple[str, Path, CatalogFile | None]] = []
        moving: list[Entry] = []
        for domain, template in sorted(templates.items()):
            path = self.config.catalog_path(lang, domain)
            if self.current(path, domain):
                continue
            try:
                as_read = read_catalog_file(path, lang, domain, self.config.root)
            except (CatalogSyntaxError, OSError) as error:
                self.failed(path, error)  # never overwrite a translator's file we could not read
                continue
            pending.append((domain, path, as_read))
            if as_read is not None:
                moving += leaving(as_read.catalog, template)
        retired = [r.catalogs[lang] for r in self.report.retired if lang in r.catalogs]
        compendium = Compendium(lang, moving, retired)
        leverage = self.leverage_for(lang) if self.leverage_for is not None else None
        for domain, path, as_read in pending:
            try:
                result, written = update_catalog(
                    path,
                    templates[domain],
                    new_catalog(self.config, lang, domain),
                    self.config.merge_threshold,
                    leverage,
                    self.stamp,
                    as_read=as_read,
                    read=False,
                    compendium=compendium,
                    root=self.config.root,
                )
            except OSError as error:
                self.failed(path, error)
                continue
            self.report.merges[self.config.relative(path)] = result
            if written:
                self.report.written.append(path)
            self.record(path, domain)

    def failed(self, path: Path, error: CatalogSyntaxError | OSError) -> None:
        where = self.config.relative(path)
        if isinstance(error, CatalogSyntaxError):
            self.report.errors.append(f"{where}:{error.line}: {error.reason}")
        else:
            self.report.errors.append(f"{where}: {error.strerror or error}")

    def current(self, path: Path, domain: str) -> bool:
        """Whether the file is as recorded after the last update, from the same template."""
        if self.recorded is None:
            return False
        try:
            data = path.read_bytes()
        except OSError:
            return False
        digest = f"{self.template_digests[domain]} {hashlib.sha256(data).hexdigest()}"
        return self.recorded.get(str(path)) == digest

    def record(self, path: Path, domain: str) -> None:
        if self.recorded is not None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            self.recorded[str(path)] = f"{self.template_digests[domain]} {digest}"


def read_catalogs(config: Config, lang: str) -> tuple[list[CatalogFile], list[str]]:
    """Every readable catalog file of ``lang``, and one "file:line: why" per unreadable one."""
    catalogs: list[CatalogFile] = []
    unreadable: list[str] = []
    for domain, path in config.catalog_files(lang).items():
        try:
            as_read = read_catalog_file(path, lang, domain, config.root)
        except CatalogSyntaxError as error:
            unreadable.append(f"{config.relative(path)}:{error.line}: {error.reason}")
            continue
        except OSError as error:
            unreadable.append(f"{config.relative(path)}: {error.strerror or error}")
            continue
        if as_read is not None:  # None: removed since the listing
            catalogs.append(as_read)
    return catalogs, unreadable


def init_language(config: Config, lang: str, segments: Sequence[Segment]) -> list[Path]:
    """Create the catalogs ``lang`` lacks, from the templates; existing ones are left alone."""
    created = []
    for domain, template in sorted(build_templates(segments, config).items()):
        path = inside(config.catalog_path(lang, domain), config.root)
        if not path.exists():
            write_if_changed(merge(new_catalog(config, lang, domain), template).catalog, path)
            created.append(path)
    return created
