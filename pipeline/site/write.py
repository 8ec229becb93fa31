"""Where a page is written: :func:`render_site` plans every language, then writes the published
ones' pages, the language chooser, ``sitemap.xml``, the assets, the status page and badges, and
removes the files a build no longer makes.

With a :class:`~pipeline.site.memo.RenderMemo`, a file whose inputs have the
fingerprint recorded when it was written, and which is still as it was left, is
not made again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from pipeline.catalogs.extract import ui_segments
from pipeline.config import Config
from pipeline.files import read_bounded, remove_stray_temporaries
from pipeline.model import Segment
from pipeline.segments.blocks import document_segments
from pipeline.site.choose import Choice, Status, Translations, choose_segment
from pipeline.site.manifest import OutputFiles
from pipeline.site.memo import RenderMemo, fingerprint, folder_digest
from pipeline.site.page import Navigation, render_chooser, render_page
from pipeline.site.plan import LanguagePlan, plan_language
from pipeline.site.published import Language, Site
from pipeline.site.sitemap import sitemap
from pipeline.site.status import write_status
from pipeline.site.ui import environment
from pipeline.source.documents import Document, read_documents
from pipeline.text.limits import MAX_TEMPLATE_BYTES


@dataclass
class BuildReport:
    published: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)  # lang -> why
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # stale pages of a withheld language
    pages: int = 0
    notes: list[str] = field(default_factory=list)  # rejected translations, unreadable catalogs


@dataclass(frozen=True)
class _Sources:
    """The pages and the segments of pages and templates, as extracted."""

    documents: list[Document]
    page_segments: dict[str, list[Segment]]  # by document file
    ui_all: list[str]  # every UI msgid, with or without msgctxt, in template order
    ui_msgids: list[str]  # the UI msgids without msgctxt, each once

    @classmethod
    def read(
        cls,
        config: Config,
        documents: Sequence[Document] | None,
        segments: Sequence[Segment] | None,
    ) -> _Sources:
        """What ``documents`` and ``segments`` leave out, read and segmented again."""
        documents = list(documents) if documents is not None else read_documents(config)
        if segments is None:
            segments = [s for document in documents for s in document_segments(document)]
            segments += ui_segments(config)
        page_segments: dict[str, list[Segment]] = {}
        for segment in segments:
            page_segments.setdefault(segment.file, []).append(segment)
        ui = [s for s in segments if s.role == "ui"]
        ui_msgids = list(dict.fromkeys(s.msgid for s in ui if not s.msgctxt))
        return cls(documents, page_segments, [s.msgid for s in ui], ui_msgids)


@dataclass(frozen=True)
class _Output:
    """What writing the files of every language shares."""

    config: Config
    env: jinja2.Environment
    site: Site
    sources: _Sources
    files: OutputFiles
    site_key: str  # fingerprints the templates, settings and published languages


def render_site(
    config: Config,
    *,
    include_machine: bool = False,
    languages: Sequence[str] | None = None,
    documents: Sequence[Document] | None = None,
    segments: Sequence[Segment] | None = None,
    memo: RenderMemo | None = None,
) -> BuildReport:
    """Write every published language's pages, the chooser, sitemap, status page and badges.

    ``languages`` limits the target languages whose pages this build writes; pages
    of the others are left as they are. The files of the whole site (the chooser,
    the sitemap, the status page and the badges) are always made from every
    language: one that is published and has its pages is listed whether this
    build wrote them or not. ``documents`` and ``segments`` (pages' and
    UI's, as extracted) save reading the sources again. With a ``memo``, a page
    whose inputs have the fingerprint recorded when it was written, and which is
    still as it was left, is not rendered again.
    """
    report = BuildReport()
    remove_stray_temporaries(config.output_path)  # left by a build that was killed
    sources = _Sources.read(config, documents, segments)
    considered = list(languages if languages is not None else config.languages)
    cache = memo.directory if memo is not None else None
    files = OutputFiles(config.output_path, memo.outputs if memo is not None else None)
    plans = _plan_languages(config, config.languages, sources, include_machine, cache)
    for plan, errors in plans:
        if plan.language.code in considered:
            report.notes += errors
            if not plan.published:
                report.withheld[plan.language.code] = plan.why_withheld
    published = [p for p, _ in plans if p.published and p.language.code in considered]
    listed = [
        p
        for p, _ in plans
        if p.published and (p.language.code in considered or files.made_before(p.language.code))
    ]
    site = _published_site(config, sources.documents, listed)
    report.published = [site.source.code, *(p.language.code for p in published)]
    output = _Output(
        config,
        environment(config),
        site,
        sources,
        files,
        _site_key(config, site, include_machine),
    )
    for translations in [None, *(p.translations for p in published)]:
        report.pages += _write_language(output, translations)
        if translations is not None:
            report.notes += list(translations.rejected)
    _write_site_files(output, [plan for plan, _ in plans])
    others = set(config.languages) - set(considered)
    report.removed = output.files.finish(keep=lambda relative: relative.split("/")[0] in others)
    report.written = output.files.written
    return report


def _plan_languages(
    config: Config,
    languages: Sequence[str],
    sources: _Sources,
    include_machine: bool,
    cache: Path | None,
) -> list[tuple[LanguagePlan, list[str]]]:
    """Each language's plan, with what could not be read of its catalogs."""
    plans: list[tuple[LanguagePlan, list[str]]] = []
    for lang in languages:
        plan, errors = plan_language(
            config,
            lang,
            sources.documents,
            sources.ui_msgids,
            include_machine,
            page_segments=sources.page_segments,
            cache=cache,
        )
        plans.append((plan, errors))
    return plans


def _published_site(
    config: Config, documents: Sequence[Document], published: Sequence[LanguagePlan]
) -> Site:
    source = Language.of(config.source_language)
    return Site(
        base_url=config.base_url.rstrip("/") + "/",
        source=source,
        languages=(source, *(p.language for p in published)),
        documents=tuple(documents),
    )


def _site_key(config: Config, site: Site, include_machine: bool) -> str:
    """The fingerprint of what every output file depends on."""
    return fingerprint(
        config.base_url,
        config.source_language,
        config.ui_domain,
        config.check.mt_policy,
        sorted(config.check.disable),
        include_machine,
        [language.code for language in site.languages],
        [(d.file, d.slug, d.title, d.order, d.updated) for d in site.documents],
        folder_digest(config.templates_path),
    )


def _write_language(output: _Output, translations: Translations | None) -> int:
    """Every page of one language (the source when ``translations`` is None); how many."""
    config, site, files = output.config, output.site, output.files
    lang = translations.lang if translations is not None else site.source.code
    navigation = Navigation(output.env, site, translations)
    ui = [_choose_ui(translations, config.ui_domain, msgid) for msgid in output.sources.ui_all]
    language_key = fingerprint(
        output.site_key,
        lang,
        navigation.labels,
        ui,
        _digest_of(translations, config.ui_domain),
    )
    for document in site.documents:
        relative = f"{lang}/{document.slug}.html"
        key = _page_key(language_key, document, translations, output.sources)
        if not files.current(relative, key):
            page = render_page(output.env, config, site, document, translations, navigation)
            files.write(relative, page.html, key)
    return len(site.documents)


def _page_key(
    language_key: str, document: Document, translations: Translations | None, sources: _Sources
) -> str:
    """The fingerprint of one page: its language's, its source and the choice of each segment."""
    return fingerprint(
        language_key,
        document.file,
        document.text,
        [
            choose_segment(translations, document, s.msgid)
            for s in sources.page_segments.get(document.file, ())
        ],
        _digest_of(translations, document.domain),
    )


def _write_site_files(output: _Output, plans: list[LanguagePlan]) -> None:
    """The chooser, ``sitemap.xml``, the assets, the status page and the badges."""
    files, key = output.files, output.site_key
    if not files.current("index.html", key):
        files.write("index.html", render_chooser(output.env, output.config, output.site), key)
    if not files.current("sitemap.xml", key):
        files.write("sitemap.xml", sitemap(output.site), key)
    _write_assets(output.config, files)
    write_status(output.config, output.env, plans, files, key)


def _write_assets(config: Config, files: OutputFiles) -> None:
    assets = config.templates_path / "assets"
    for source in sorted(assets.rglob("*")) if assets.is_dir() else []:
        if source.is_file():
            data = read_bounded(source, MAX_TEMPLATE_BYTES, assets)
            files.write(f"assets/{source.relative_to(assets).as_posix()}", data)


def _digest_of(translations: Translations | None, domain: str) -> str | None:
    return translations.digests.get(domain) if translations is not None else None


def _choose_ui(translations: Translations | None, domain: str, msgid: str) -> Choice:
    return (
        translations.choose(domain, msgid)
        if translations is not None
        else Choice(msgid, Status.REVIEWED)
    )
