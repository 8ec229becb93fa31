"""``l10n build``: extract -> update -> (memory sync) -> render, in one call.

Builds are incremental. ``.l10n/build/`` (next to the memory, never committed)
records, for every stage, digests of the inputs each file was made from:

- extract: each source page's segments, by the digest of its text; the UI
  strings, by the digest of the template files;
- update: each template and catalog, by the digest of its template's
  segments and of its bytes after the last update (see
  :func:`~pipeline.catalogs.update.update_catalogs`);
- memory sync: the digest of each catalog's bytes when it was last put into
  the memory, so only changed catalogs are synced, and the digest of each of
  their entries, so only changed entries are (``l10n tm rebuild`` still
  rebuilds the memory from all of them);
- render: each catalog's screened entries by the digest of its bytes, and each
  output file's fingerprint (see :class:`~pipeline.site.memo.RenderMemo`), kept
  apart for each output directory: a preview build (``--include-machine``,
  written to ``preview_dir``) neither reuses nor disturbs what the last build of
  ``output/`` recorded. The stages before rendering do not depend on the preview
  and share one record.

A different pipeline (its code or the libraries that shape its output)
discards the whole record. Deleting ``.l10n/`` or ``output/`` only costs time:
the next build makes the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import babel
import jinja2
import markdown_it
import mdit_py_plugins

from pipeline import __version__
from pipeline.catalogs.extract import ui_segments
from pipeline.catalogs.update import UpdateReport, update_catalogs
from pipeline.config import Config, ConfigError
from pipeline.files import read_bounded, remove_stray_temporaries, write_bytes_atomic
from pipeline.memory.backends import open_memory
from pipeline.memory.base import TranslationMemory
from pipeline.memory.retire import Retirement, retire_catalogs
from pipeline.memory.sentences import leverage_for
from pipeline.memory.sync import remember_reviewed
from pipeline.memory.units import TranslationMemoryError
from pipeline.model import Catalog, Segment
from pipeline.po.reader import read_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.segments.blocks import document_segments
from pipeline.site.memo import RenderMemo, folder_digest
from pipeline.site.plan import screening_preparation
from pipeline.site.pseudo import pseudo_site_path, render_pseudo_site
from pipeline.site.write import BuildReport, render_site
from pipeline.source.documents import Document, SkippedFile, SourceTree, read_source_tree
from pipeline.source.redirects import record_redirects
from pipeline.text.limits import MAX_CATALOG_BYTES
from pipeline.text.sentences import forget_splits_of_other_domains, keeping_splits

STATE_DIR = Path(".l10n") / "build"


@dataclass
class BuildOutcome:
    update: UpdateReport
    site: BuildReport
    remembered: int = 0
    memory_error: str = ""
    output: Path | None = None  # where the pages went
    skipped: list[SkippedFile] = field(default_factory=list)  # files under source/ not built
    retired: list[Retirement] = field(default_factory=list)
    redirects_recorded: list[tuple[str, str]] = field(default_factory=list)
    record_error: str = ""  # .l10n/build/ could not be written

    @property
    def errors(self) -> list[str]:
        return (
            self.update.errors
            + ([self.memory_error] if self.memory_error else [])
            + [item.error for item in self.retired if item.error]
            + self.site.errors
            + ([self.record_error] if self.record_error else [])
        )


@cache
def pipeline_version() -> str:
    """A digest of this package's code and of the libraries that shape its output."""
    digest = hashlib.sha256(
        repr(
            (
                __version__,
                markdown_it.__version__,
                mdit_py_plugins.__version__,
                jinja2.__version__,
                babel.__version__,
            )
        ).encode()
    )
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass
class BuildState:
    """What the last build of a project made, from which inputs (``.l10n/build/``)."""

    directory: Path
    catalogs: dict[str, str] = field(default_factory=dict)  # see update_catalogs(recorded=)
    memory: str = ""  # the memory the sync records are for
    synced: dict[str, str] = field(default_factory=dict)  # catalog path -> digest when synced
    # output directory (project-relative) -> its files' records, see OutputFiles
    renders: dict[str, dict[str, str]] = field(default_factory=dict)
    # "lang/domain" -> digests of the catalog's entries when synced (see remember_reviewed)
    synced_entries: dict[str, frozenset[bytes]] = field(default_factory=dict)
    # source file -> (digest of its text, its segments); "" -> the UI strings
    sources: dict[str, tuple[str, list[Segment]]] = field(default_factory=dict)

    @classmethod
    def load(cls, config: Config) -> BuildState:
        """The recorded state; an empty one when missing, unreadable or made by another pipeline."""
        state = cls(config.root / STATE_DIR)
        remove_stray_temporaries(state.directory)
        try:
            recorded = json.loads((state.directory / "state.json").read_text("utf-8"))
            if recorded["version"] != pipeline_version():
                raise ValueError("made by another version of the pipeline")
            state.catalogs = dict(recorded["catalogs"])
            state.memory = str(recorded["memory"])
            state.synced = dict(recorded["synced"])
            state.renders = {str(k): dict(v) for k, v in recorded["renders"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            # Nothing recorded can be trusted: start over, dropping the caches too.
            shutil.rmtree(state.directory, ignore_errors=True)
            return state
        try:
            state.sources = dict(pickle.loads((state.directory / "sources.pickle").read_bytes()))
        except Exception:  # a cache is never worth a failed build: it is simply rebuilt
            state.sources = {}
        try:
            synced_entries = pickle.loads((state.directory / "synced.pickle").read_bytes())
            if synced_entries[0] != state.memory:
                raise ValueError("recorded for another memory")
            state.synced_entries = dict(synced_entries[1])
        except Exception:  # without it, the next sync puts every entry of a changed catalog in
            state.synced_entries = {}
        return state

    def save(self) -> None:
        recorded = {
            "version": pipeline_version(),
            "catalogs": self.catalogs,
            "memory": self.memory,
            "synced": self.synced,
            "renders": self.renders,
        }
        # Not fsynced: a record lost or emptied by a power cut is read as none (see load), and
        # the next build does everything again.
        write_bytes_atomic(
            self.directory / "sources.pickle", pickle.dumps(self.sources), durable=False
        )
        synced = pickle.dumps((self.memory, self.synced_entries))
        write_bytes_atomic(self.directory / "synced.pickle", synced, durable=False)
        text = json.dumps(recorded, indent=0, sort_keys=True, ensure_ascii=False) + "\n"
        write_bytes_atomic(self.directory / "state.json", text.encode("utf-8"), durable=False)

    def render_memo(self, config: Config, output: Path) -> RenderMemo:
        """What the last render into ``output`` recorded; each output directory has its own."""
        key = config.relative(output)
        name = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        return RenderMemo(self.directory / "render" / name, self.renders.setdefault(key, {}))


def read_sources(
    config: Config, state: BuildState | None = None
) -> tuple[SourceTree, list[Segment]]:
    """The source pages (and the files not built), and every segment: the pages' blocks,
    then the templates' UI strings.

    With a ``state``, a page whose text is unchanged, and the UI strings when no
    template changed, are not segmented again.
    """
    tree = read_source_tree(config)
    cached = state.sources if state is not None else {}
    kept: dict[str, tuple[str, list[Segment]]] = {}
    segments: list[Segment] = []
    for document in tree.documents:
        digest = hashlib.sha256(f"{document.file}\0{document.text}".encode()).hexdigest()
        known = cached.get(document.file)
        page = known[1] if known is not None and known[0] == digest else document_segments(document)
        kept[document.file] = (digest, page)
        segments += page
    ui_key = hashlib.sha256(
        repr((str(config.root), str(config.templates_path), config.ui_domain)).encode()
        + folder_digest(config.templates_path).encode()
    ).hexdigest()
    known = cached.get("")
    ui = known[1] if known is not None and known[0] == ui_key else ui_segments(config)
    kept[""] = (ui_key, ui)
    if state is not None:
        state.sources = kept
    return tree, segments + ui


def extract(config: Config) -> list[Segment]:
    """Every segment of the project: the pages' blocks, then the templates' UI strings."""
    return read_sources(config)[1]


@dataclass
class UpdateOutcome:
    documents: list[Document]
    segments: list[Segment]
    update: UpdateReport
    remembered: int = 0
    memory_error: str = ""
    skipped: list[SkippedFile] = field(default_factory=list)
    retired: list[Retirement] = field(default_factory=list)
    redirects_recorded: list[tuple[str, str]] = field(default_factory=list)


def update(
    config: Config,
    languages: Sequence[str] | None = None,
    state: BuildState | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> UpdateOutcome:
    """Extract, update the catalogs (with sentence leverage) and sync the memory: no pages.

    ``meanwhile`` is done while worker processes align the memory's sentences, if they do.
    """
    considered = list(languages if languages is not None else config.languages)
    remembered, memory_error = 0, ""
    memory: TranslationMemory | None = None
    location = config.memory_location
    fresh_memory = "://" not in location and not Path(location).exists()
    try:
        memory = open_memory(location)
    except TranslationMemoryError as error:
        # Without the memory, sentences of the previous version still carry over.
        memory_error = f"translation memory: {error}"
    try:
        tree, segments = read_sources(config, state)
        leverage = leverage_for(config.source_language, memory, config.memory_threshold)
        report = update_catalogs(
            config,
            segments,
            languages,
            leverage_for=leverage,
            recorded=state.catalogs if state is not None else None,
        )
        if memory is not None:
            if state is not None and (fresh_memory or state.memory != location):
                state.memory, state.synced, state.synced_entries = location, {}, {}
            domains = sorted({segment.domain for segment in segments})
            catalogs, digests = _catalogs_to_sync(config, report, considered, domains, state)
            try:
                record = state.synced_entries if state is not None else None
                remembered = remember_reviewed(config, memory, catalogs, record, meanwhile)
            except TranslationMemoryError as error:
                memory_error = f"translation memory: {error}"
            else:
                if state is not None:
                    state.synced.update(digests)
        retired = _retire(config, memory if not memory_error else None, report, state)
    finally:
        if memory is not None:
            memory.close()
    outcome = UpdateOutcome(
        tree.documents, segments, report, remembered, memory_error, tree.skipped, retired
    )
    outcome.redirects_recorded = record_redirects(
        config, [(r.domain, r.successor) for r in retired if r.successor and r.removed]
    )
    return outcome


def _retire(
    config: Config,
    memory: TranslationMemory | None,
    report: UpdateReport,
    state: BuildState | None,
) -> list[Retirement]:
    """The retired domains' units into the memory, then their files removed (not without it)."""
    if memory is None:
        return [
            Retirement(item.domain, item.successor, error="the translation memory is not "
                       f"available, so the catalogs of {item.domain} are kept")
            for item in report.retired
        ]  # fmt: skip
    retired = retire_catalogs(config, memory, report.retired)
    for path in (path for item in retired for path in item.removed):
        if state is not None:
            state.catalogs.pop(str(path), None)
            state.synced.pop(str(path), None)
    return retired


def build(
    config: Config,
    *,
    include_machine: bool = False,
    languages: Sequence[str] | None = None,
    incremental: bool = True,
    output: Path | None = None,
) -> BuildOutcome:
    """Extract, update, sync the memory and render; ``incremental`` skips what did not change.

    The pages go to ``output``, by default ``output/``, or ``preview_dir`` for a
    preview (``include_machine``), which may never write into ``output/``.
    """
    target = output if output is not None else config.site_path(include_machine)
    if include_machine and _overlaps(target, config.output_path):
        raise ConfigError(f"a preview may not be built into {config.output_dir}/: {target}")
    state = BuildState.load(config) if incremental else None
    memo = state.render_memo(config, target) if state is not None else None
    # Screening in worker processes starts by loading the language models: done while
    # the memory's sentences are aligned, when both happen (a build from nothing).
    screening = screening_preparation(
        config, config.languages, memo.directory if memo is not None else None
    )
    # The memory sync splits each reviewed block; when one is edited, the leverage splits
    # its old text again (and its translation): kept, only its new text is split.
    with keeping_splits(state.directory / "sentences" if state is not None else None):
        updated = update(config, languages, state, screening)
    if state is not None:
        forget_splits_of_other_domains(state.directory / "sentences", updated.update.templates)
    site = render_site(
        config,
        directory=target,
        include_machine=include_machine,
        languages=languages,
        documents=updated.documents,
        segments=updated.segments,
        memo=memo,
        templates=updated.update.templates,
    )
    outcome = BuildOutcome(
        updated.update,
        site,
        updated.remembered,
        updated.memory_error,
        target,
        updated.skipped,
        updated.retired,
        updated.redirects_recorded,
    )
    if state is not None:
        try:
            state.save()
        except OSError as error:
            # Everything is built; only the record is not kept (a read-only .l10n/, a full
            # disk), and the next build redoes the work. Said beside the memory's error.
            where = config.relative(Path(error.filename)) if error.filename else str(STATE_DIR)
            outcome.record_error = f"{where}: {error.strerror}; the build record is not kept"
    return outcome


def build_pseudo(
    config: Config, locales: Sequence[str], *, incremental: bool = True
) -> tuple[BuildReport, Path]:
    """``l10n pseudo``: the source language and the pseudo-``locales`` into their folder of
    the preview directory, and where that is. The translations are made from the source
    in memory: no catalog is read or written, and ``output/`` is not touched."""
    target = pseudo_site_path(config)
    if _overlaps(target, config.output_path):
        raise ConfigError(f"a preview may not be built into {config.output_dir}/: {target}")
    state = BuildState.load(config) if incremental else None
    tree, segments = read_sources(config, state)
    site = render_pseudo_site(
        config,
        locales=locales,
        directory=target,
        documents=tree.documents,
        segments=segments,
        memo=state.render_memo(config, target) if state is not None else None,
    )
    if state is not None:
        state.save()
    return site, target


def _overlaps(one: Path, other: Path) -> bool:
    one, other = one.resolve(), other.resolve()
    return one.is_relative_to(other) or other.is_relative_to(one)


def _catalogs_to_sync(
    config: Config,
    update: UpdateReport,
    languages: Sequence[str],
    domains: Sequence[str],
    state: BuildState | None,
) -> tuple[list[Catalog], dict[str, str]]:
    """The catalogs whose bytes changed since they last went into the memory, and their digests."""
    catalogs: list[Catalog] = []
    digests: dict[str, str] = {}
    for lang in languages:
        for domain in domains:
            path = config.catalog_path(lang, domain)
            try:
                digest = hashlib.sha256(
                    read_bounded(path, MAX_CATALOG_BYTES, config.root)
                ).hexdigest()
            except OSError:
                continue  # update_catalogs reported it
            if state is not None and state.synced.get(str(path)) == digest:
                continue
            merged = update.merges.get(config.relative(path))
            if merged is not None:
                catalogs.append(merged.catalog)
            else:  # not merged this time: unchanged since the last update
                try:
                    catalogs.append(read_catalog(path, lang, domain, root=config.root))
                except (CatalogSyntaxError, OSError):
                    continue  # update_catalogs reported it
            digests[str(path)] = digest
    return catalogs, digests
