"""``l10n check``: read the catalogs and the source, run every check, return one report.

:func:`run_checks` reads every catalog of the requested languages and returns a
:class:`~pipeline.checks.report.CheckReport`: word statistics per catalog
(:mod:`~pipeline.checks.stats`), one completeness gate per language
(:mod:`~pipeline.checks.gates`) and findings from the entry checks
(:mod:`~pipeline.checks.qa`), catalog validity (:mod:`~pipeline.checks.headers`,
:mod:`~pipeline.checks.msgfmt`) and the source checks
(:mod:`~pipeline.checks.source_lint`). A malformed catalog is a ``syntax``
finding; the other catalogs are still checked.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.catalogs.review import ReviewState
from pipeline.checks.causes import one_per_cause
from pipeline.checks.framework import QAContext
from pipeline.checks.gates import completeness_gates
from pipeline.checks.headers import check_header, check_plurals
from pipeline.checks.langid import LanguageIdentifier, identifier
from pipeline.checks.msgfmt import msgfmt_missing, run_msgfmt
from pipeline.checks.plurals import as_in_template, plural_sources
from pipeline.checks.qa import check_entry
from pipeline.checks.report import CheckReport
from pipeline.checks.review import project_memory, required_state
from pipeline.checks.signers import signed_waivers
from pipeline.checks.source_lint import check_sources
from pipeline.checks.stats import catalog_stats, entries_left
from pipeline.checks.waivers import (
    WAIVER_CHECK,
    WaiverError,
    Waivers,
    load_waivers,
    waiver_findings,
)
from pipeline.checks.withheld import PageVerdict
from pipeline.config import Config
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import machine_sent
from pipeline.model import Catalog, Finding, Severity
from pipeline.po.reader import read_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.source.documents import SourceError, read_source_tree
from pipeline.text.glossary import Glossary, GlossaryError, project_glossary
from pipeline.text.languages import base_language
from pipeline.text.tags import project_inline_tags


@dataclass(frozen=True)
class _Loaded:
    """One catalog the check looked for: None if it is missing or could not be read."""

    lang: str
    domain: str
    path: Path
    catalog: Catalog | None


def run_checks(
    config: Config,
    langs: Sequence[str] | None = None,
    *,
    source: bool = True,
    qa: bool = True,
) -> CheckReport:
    """Check the catalogs of ``langs`` (all target languages by default) and the source."""
    languages = list(langs) if langs is not None else list(config.languages)
    findings: list[Finding] = []
    glossary = load_glossary(config, findings)
    waivers = project_waivers(config, findings)
    identifies = (qa and "language" not in config.check.disable) or source
    ident = project_identifier(config, glossary) if identifies else None
    templates = _read_templates(config, findings)
    live = _live_domains(config, templates)
    findings.extend(_retired(config, languages, templates, live))
    loaded = _read_catalogs(config, languages, live, findings)
    memory = project_memory(config) if qa else None

    msgfmt_findings: list[Finding] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        msgfmt_runs = _start_msgfmt(pool, config, loaded, findings) if qa else []
        if qa and ident is not None:
            ident.prepare(_translations(loaded))
        stats = [
            catalog_stats(item.lang, item.domain, item.catalog, templates.get(item.domain))
            for item in loaded
        ]
        for item in loaded:
            findings.extend(
                _catalog_checks(item, config, templates, ident, glossary, waivers, memory, qa=qa)
            )
        if source:
            assert ident is not None
            findings.extend(check_sources(config, ident))
        msgfmt_findings = [finding for run in msgfmt_runs for finding in run.result()]
    read = {config.relative(item.path): item.catalog for item in loaded if item.catalog is not None}
    findings += one_per_cause(msgfmt_findings, findings, read)
    if qa:
        catalogs = [item.catalog for item in loaded if item.catalog is not None]
        findings += waiver_findings(waivers, catalogs, languages)
    if memory is not None:
        memory.close()

    disabled = set(config.check.disable)
    findings = [f for f in findings if f.check not in disabled]
    findings.sort(key=lambda f: (f.file, f.line, f.lang or "", f.check, f.message))
    if ident is not None:
        keep_langid_answers(config, ident)
    gates = completeness_gates(config, languages, stats)
    left = [
        entry
        for item in loaded
        for entry in entries_left(
            item.lang,
            item.domain,
            item.catalog,
            templates.get(item.domain),
            (config.relative(item.path), config.relative(config.template_path(item.domain))),
        )
    ]
    return CheckReport(stats=stats, findings=findings, gates=gates, left=left)


def langid_cache_path(config: Config) -> Path:
    """Language answers kept beside the memory, so a repeated check loads no model."""
    location = config.memory_location
    base = config.root / ".l10n" if "://" in location else Path(location).parent
    return base / "langid-cache.json"


def keep_langid_answers(config: Config, ident: LanguageIdentifier) -> None:
    """Save the language answers for the next run, if the folder can be written.

    Only a cache: a read-only checkout or a full disk costs the next run the
    model loading, never this check or build its result.
    """
    with contextlib.suppress(OSError):
        ident.save_cache(langid_cache_path(config))


def load_glossary(config: Config, findings: list[Finding]) -> Glossary:
    """The project glossary; a broken one is a finding, and the checks go on without it."""
    try:
        return project_glossary(config)
    except GlossaryError as error:
        # GlossaryError messages start with "path:line: "
        where = re.match(r"(.*?):(\d+): (.*)", str(error), re.DOTALL)
        file = config.relative(config.glossary_path) if config.glossary_path else ""
        line, message = (int(where[2]), where[3]) if where else (0, str(error))
        findings.append(Finding("glossary", Severity.ERROR, message, file, line))
        return Glossary.empty()


def project_waivers(config: Config, findings: list[Finding]) -> Waivers:
    """The reviewers' waivers; a broken file is a finding, and nothing is waived. A waiver
    no reviewer signed is a finding too, and waives nothing (:mod:`pipeline.checks.signers`)."""
    path = config.root / config.check.waivers
    try:
        waivers = load_waivers(path, config.relative(path))
    except WaiverError as error:
        where = re.match(r"(.*?):(\d+): (.*)", str(error), re.DOTALL)
        file, line, message = (where[1], int(where[2]), where[3]) if where else ("", 0, str(error))
        findings.append(Finding(WAIVER_CHECK, Severity.ERROR, message, file, line))
        return Waivers.empty()
    if not waivers.by_entry:
        return waivers
    signed, problems = signed_waivers(waivers, path, config.review.reviewers)
    findings.extend(problems)
    return signed


def project_identifier(config: Config, glossary: Glossary) -> LanguageIdentifier:
    """The language identifier for the project's languages, with the answers of earlier runs."""
    ident = identifier(config.all_languages, glossary.do_not_translate, config.source_language)
    ident.load_cache(langid_cache_path(config))
    return ident


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def _read_templates(config: Config, findings: list[Finding]) -> dict[str, Catalog]:
    templates: dict[str, Catalog] = {}
    for domain, path in config.template_files().items():
        template = _read(path, config, None, domain, findings)
        if template is not None:
            templates[domain] = template
    return templates


def _live_domains(config: Config, templates: dict[str, Catalog]) -> set[str]:
    """The domains the source makes: its pages', and the UI's when it has strings.

    A project whose catalogs no page makes (no source folder, no page in it, or a source
    that cannot be read, which a source finding reports) is checked on what is on disk:
    its templates, or else its catalogs.
    """
    if config.source_path.is_dir():
        try:
            pages = {document.domain for document in read_source_tree(config).documents}
        except SourceError:
            pages = set()
        if pages:
            return pages | _ui_domain(config, templates)
    on_disk = {domain for lang in config.languages for domain in config.catalog_files(lang)}
    return set(templates) or on_disk


def _ui_domain(config: Config, templates: dict[str, Catalog]) -> set[str]:
    """The UI domain when it has strings: a template, or a language's catalog before one."""
    ui = config.ui_domain
    on_disk = ui in templates or any(ui in config.catalog_files(lang) for lang in config.languages)
    return {ui} if on_disk else set()


def _retired(
    config: Config, languages: Sequence[str], templates: dict[str, Catalog], live: set[str]
) -> list[Finding]:
    """One finding per domain whose catalogs are on disk but that no page makes any more."""
    on_disk: dict[str, list[Path]] = {}
    for lang in languages:
        for domain, path in config.catalog_files(lang).items():
            on_disk.setdefault(domain, []).append(path)
    for domain in templates:
        on_disk.setdefault(domain, []).insert(0, config.template_path(domain))
    return [
        Finding(
            "retired-catalog",
            Severity.WARNING,
            f"no page makes the domain {domain!r} any more, so its {len(paths)} catalog file(s) "
            "are not counted; l10n build puts their units in the memory and removes them",
            config.relative(paths[0]),
            0,
            None,
            domain,
        )
        for domain, paths in sorted(on_disk.items())
        if domain not in live
    ]


def _read_catalogs(
    config: Config, languages: Sequence[str], live: set[str], findings: list[Finding]
) -> list[_Loaded]:
    """Per language, the catalog of every live domain."""
    loaded: list[_Loaded] = []
    for lang in languages:
        for domain in sorted(live):
            path = config.catalog_path(lang, domain)
            catalog = _read(path, config, lang, domain, findings)
            loaded.append(_Loaded(lang, domain, path, catalog))
    return loaded


def _read(
    path: Path, config: Config, lang: str | None, domain: str, findings: list[Finding]
) -> Catalog | None:
    if not path.is_file():
        return None
    try:
        return read_catalog(path, lang, domain, root=config.root)
    except CatalogSyntaxError as error:
        reason = getattr(error, "reason", str(error))
        findings.append(
            Finding(
                "syntax", Severity.ERROR, reason, config.relative(path), error.line, lang, domain
            )
        )
    except OSError as error:
        findings.append(
            Finding("syntax", Severity.ERROR, f"cannot read: {error.strerror}",
                    config.relative(path), 0, lang, domain)
        )  # fmt: skip
    return None


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------


def _start_msgfmt(
    pool: ThreadPoolExecutor, config: Config, loaded: Sequence[_Loaded], findings: list[Finding]
) -> list[Future[list[Finding]]]:
    """``msgfmt --check`` on every catalog read, in the background."""
    if not shutil.which("msgfmt"):
        findings.append(msgfmt_missing())
        return []
    return [
        pool.submit(run_msgfmt, item.path, config.relative(item.path), item.lang, item.domain)
        for item in loaded
        if item.catalog is not None
    ]


def _translations(loaded: Sequence[_Loaded]) -> Iterator[tuple[str, str]]:
    """(translation, its language) for the language check, to identify them in one batch."""
    for item in loaded:
        if item.catalog is None:
            continue
        lang = base_language(item.catalog.lang or "")
        for entry in item.catalog.active():
            if not entry.is_header and entry.has_translation:
                yield from ((text, lang) for text in entry.translations if text)


def _catalog_checks(
    item: _Loaded,
    config: Config,
    templates: dict[str, Catalog],
    ident: LanguageIdentifier | None,
    glossary: Glossary,
    waivers: Waivers,
    memory: TranslationMemory | None,
    *,
    qa: bool,
) -> list[Finding]:
    """A missing catalog, messages of the template not merged yet, and with ``qa`` the QA."""
    file = config.relative(item.path)
    template = templates.get(item.domain)
    if item.catalog is None:
        if template is None or item.path.exists():  # one that exists is a syntax finding
            return []
        return [
            Finding(
                "missing-catalog", Severity.WARNING,
                f"no catalog for {item.domain}; run l10n update", file, 0, item.lang, item.domain,
            )
        ]  # fmt: skip
    findings = _outdated(item.catalog, template, file, item.lang, item.domain)
    if qa:
        findings.extend(
            _catalog_findings(
                item.catalog, config, ident, glossary, waivers, memory, file, template
            )
        )
    return findings


def _catalog_findings(
    catalog: Catalog,
    config: Config,
    ident: LanguageIdentifier | None,
    glossary: Glossary,
    waivers: Waivers,
    memory: TranslationMemory | None,
    file: str,
    template: Catalog | None = None,
) -> list[Finding]:
    lang, domain = catalog.lang or "", catalog.domain
    header_line = catalog.header.lineno or 1
    findings, nplurals = check_header(catalog.metadata, lang, file, header_line, domain)
    if nplurals is not None:
        findings.extend(check_plurals(catalog.entries, nplurals, lang, file, domain))
    context = qa_context(
        config,
        lang,
        domain,
        file,
        ident,
        glossary,
        waivers,
        required=required_state(config.review.check_level(domain)),
        sent_by_machine=machine_sent(memory, catalog.active(), config.source_language, lang),
    )
    context = replace(context, plural_forms=catalog.metadata.get("Plural-Forms", ""))
    plurals = plural_sources(template) if template is not None else None
    page = PageVerdict.of(config, context)
    for entry in catalog.active():
        if entry.is_header:
            continue
        found: list[Finding] = []
        if plurals is not None:  # compared with the template's English, never the catalog's
            entry, problem = as_in_template(entry, plurals)
            if problem:
                found.append(Finding("plurals", Severity.ERROR, problem, file, entry.lineno,
                                     lang, domain, entry.msgid))  # fmt: skip
        found.extend(check_entry(entry, context))
        if page is not None:
            page.add(entry, found)
        findings.extend(found)
    withheld = page.finding(catalog, template) if page is not None else None
    return [*findings, withheld] if withheld is not None else findings


def qa_context(
    config: Config,
    lang: str,
    domain: str,
    file: str,
    ident: LanguageIdentifier | None,
    glossary: Glossary,
    waivers: Waivers,
    *,
    required: ReviewState,
    sent_by_machine: Mapping[str, frozenset[str]],
) -> QAContext:
    """The entry checks' settings for one catalog: the same for ``l10n check`` and the build.

    ``required`` is the review state the catalog's pages need (check and publish may ask
    for different ones); ``sent_by_machine`` what the memory says the machine sent.
    """
    return QAContext(
        lang=lang,
        domain=domain,
        file=file,
        source_language=config.source_language,
        identifier=ident,
        glossary=glossary,
        language_confidence=config.check.language_confidence,
        mt_policy=config.check.mt_policy,
        disabled=frozenset(config.check.disable),
        inline_tags=project_inline_tags(config),
        waivers=waivers,
        required=required,
        group=config.review.group_of(domain) or "",
        machine_sent=sent_by_machine,
    )


def _outdated(
    catalog: Catalog, template: Catalog | None, file: str, lang: str, domain: str
) -> list[Finding]:
    if template is None:
        return []
    missing = template.index().keys() - catalog.index().keys()
    if not missing:
        return []
    return [
        Finding(
            "outdated", Severity.WARNING,
            f"{len(missing)} message(s) of the template are not in the catalog; run l10n update",
            file, 1, lang, domain,
        )
    ]  # fmt: skip
