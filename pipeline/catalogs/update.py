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

from pipeline.catalogs.extract import build_templates
from pipeline.catalogs.headers import new_catalog, revision_stamp
from pipeline.catalogs.merge import Leverage, MergeResult, merge
from pipeline.catalogs.writing import write_if_changed
from pipeline.collector import paused_cycle_collection
from pipeline.config import Config
from pipeline.files import FileVersion, inside, remove_stray_temporaries
from pipeline.model import Catalog, Segment
from pipeline.po.catalog_file import CatalogFile
from pipeline.po.reader import read_catalog_file
from pipeline.po.syntax import CatalogSyntaxError


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line: message"
    merges: dict[str, MergeResult] = field(default_factory=dict)  # by project-relative path


def update_catalog(
    path: Path,
    template: Catalog,
    blank: Catalog,
    threshold: float = 80.0,
    leverage: Leverage | None = None,
    stamp: str | None = None,
    root: Path | None = None,
) -> tuple[MergeResult, bool]:
    """Merge the catalog at ``path`` from ``template``, and write it if its content changed.

    A missing file starts from ``blank``, whose header also replaces an empty
    one. Returns the merge and whether the file was written. A file that is
    not valid PO raises :class:`CatalogSyntaxError` naming its line, one that
    cannot be read or written :class:`OSError` (``FileChangedError`` if it was
    saved meanwhile); either way it is left as it is.

    The entries the merge keeps are the old catalog's own objects, unchanged:
    they need no comparing with the file, and are written with the lines they
    had in it. A file another editor laid out keeps that layout where the
    update changed nothing, so its diff shows only what changed; a file the
    pipeline wrote reads back as the same lines formatting would give.

    With ``root``, a link that leads out of it is neither read nor written.
    """
    if root is not None:
        inside(path, root)
    as_read = read_catalog_file(path, blank.lang, blank.domain, root)
    if as_read is None:
        result = merge(blank, template, threshold, leverage)
        no_file = FileVersion(path, None)  # nor may one appear before the write
        return result, write_if_changed(result.catalog, path, stamp=stamp, made_from=no_file)
    result = merge(as_read.catalog, template, threshold, leverage)
    if not result.catalog.header.msgstr.strip():
        result.catalog.header = blank.header
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
    run = _Run(config, stamp, leverage_for, recorded, _template_digests(config, segments))
    for domain, template in sorted(templates.items()):
        run.write_template(domain, template)
    for lang in languages if languages is not None else config.languages:
        for domain, template in sorted(templates.items()):
            run.update_language_file(lang, domain, template)
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
        if write_if_changed(template, path, stamp=self.stamp):
            self.report.written.append(path)
        self.record(path, domain)

    def update_language_file(self, lang: str, domain: str, template: Catalog) -> None:
        config = self.config
        path = config.catalog_path(lang, domain)
        if self.current(path, domain):
            return
        leverage = self.leverage_for(lang) if self.leverage_for is not None else None
        try:
            result, written = update_catalog(
                path,
                template,
                new_catalog(config, lang, domain),
                config.merge_threshold,
                leverage,
                self.stamp,
                config.root,
            )
        except CatalogSyntaxError as error:
            # Never overwrite a translator's file we could not read.
            self.report.errors.append(f"{config.relative(path)}:{error.line}: {error.reason}")
            return
        except OSError as error:
            self.report.errors.append(f"{config.relative(path)}: {error.strerror or error}")
            return
        self.report.merges[config.relative(path)] = result
        if written:
            self.report.written.append(path)
        self.record(path, domain)

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
    for path in sorted((config.locales_path / lang / "LC_MESSAGES").glob("*.po")):
        try:
            as_read = read_catalog_file(path, lang, path.stem, config.root)
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
