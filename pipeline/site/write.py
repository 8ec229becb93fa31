"""Where a page is written: :func:`render_site` plans every language, then writes the published
ones' pages and redirects, the language chooser, ``sitemap.xml``, the server's redirect files,
the assets, the status page and badges, and removes the files a build no longer makes.

With a :class:`~pipeline.site.memo.RenderMemo`, a file whose inputs have the
fingerprint recorded when it was written, and which is still as it was left, is
not made again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from pipeline.catalogs.extract import build_templates, ui_segments
from pipeline.checks.links import link_findings, redirect_findings
from pipeline.config import Config
from pipeline.files import read_bounded, remove_stray_temporaries
from pipeline.model import Catalog, Segment, Severity
from pipeline.segments.blocks import document_segments
from pipeline.site.choose import Choice, Status, Translations, choose_segment
from pipeline.site.manifest import OutputFiles
from pipeline.site.memo import RenderedBlocks, RenderMemo, fingerprint, folder_digest
from pipeline.site.page import Navigation, render_chooser, render_page
from pipeline.site.plan import LanguagePlan, plan_languages
from pipeline.site.published import Language, Site
from pipeline.site.redirects import redirect_file, redirect_page, server_redirects
from pipeline.site.render import ParsedBody, parse_body
from pipeline.site.sitemap import sitemap
from pipeline.site.status import write_status
from pipeline.site.ui import environment
from pipeline.source.documents import Document, read_documents
from pipeline.source.links import SiteLinks
from pipeline.source.redirects import Redirects, read_redirects
from pipeline.text.limits import MAX_TEMPLATE_BYTES

Planner = Callable[[str, Mapping[str, Catalog]], tuple[LanguagePlan, list[str]]]
"""``planner(lang, templates)``: a language's plan and what could not be read of its catalogs."""


@dataclass
class BuildReport:
    published: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line: why": links to no page
    withheld: dict[str, str] = field(default_factory=dict)  # lang -> why
    # "fr: safety withheld: why" for each page a published language leaves out
    withheld_pages: list[str] = field(default_factory=list)
    complete: dict[str, float] = field(default_factory=dict)  # lang -> percent, as l10n check
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
    templates: dict[str, Catalog]  # by domain, as the update wrote them

    @classmethod
    def read(
        cls,
        config: Config,
        documents: Sequence[Document] | None,
        segments: Sequence[Segment] | None,
        templates: Mapping[str, Catalog] | None = None,
    ) -> _Sources:
        """What ``documents``, ``segments`` and ``templates`` (made from those segments)
        leave out, read, segmented and made again."""
        documents = list(documents) if documents is not None else read_documents(config)
        if segments is None:
            templates = None
            segments = [s for document in documents for s in document_segments(document)]
            segments += ui_segments(config)
        page_segments: dict[str, list[Segment]] = {}
        for segment in segments:
            page_segments.setdefault(segment.file, []).append(segment)
        ui = [s.msgid for s in segments if s.role == "ui"]
        if templates is None:
            templates = build_templates(segments, config)
        return cls(documents, page_segments, ui, dict(templates))


@dataclass(frozen=True)
class _Output:
    """What writing the files of every language shares."""

    config: Config
    env: jinja2.Environment
    site: Site
    sources: _Sources
    files: OutputFiles
    site_key: str  # fingerprints the templates, settings and published languages
    redirects: Redirects
    cache: Path | None  # where rendered blocks are kept between builds
    # Each page body's blocks, parsed for the first language that renders the page.
    bodies: dict[str, ParsedBody] = field(default_factory=dict)


def render_site(
    config: Config,
    *,
    directory: Path | None = None,
    include_machine: bool = False,
    languages: Sequence[str] | None = None,
    documents: Sequence[Document] | None = None,
    segments: Sequence[Segment] | None = None,
    memo: RenderMemo | None = None,
    planner: Planner | None = None,
    templates: Mapping[str, Catalog] | None = None,
) -> BuildReport:
    """Write every published language's pages, the chooser, sitemap, status page and badges.

    The files go to ``directory`` (by default ``output/``). ``include_machine``
    makes a preview: fuzzy text shown and marked, every page ``noindex``, no
    sitemap. ``languages`` limits the target languages whose pages this build
    writes; pages of the others are left as they are. The files of the whole site
    (the chooser, the sitemap, the status page and the badges) are always made
    from every language: one that is published and has its pages is listed
    whether this build wrote them or not. ``documents`` and ``segments`` (pages' and
    UI's, as extracted) save reading the sources again, and ``templates`` (the update's,
    made from ``segments``) making them again. With a ``memo``, a page
    whose inputs have the fingerprint recorded when it was written, and which is
    still as it was left, is not rendered again. ``planner`` plans each language instead of
    its catalogs on disk (the pseudo-locales' translations are made in memory).
    """
    report = BuildReport()
    folder = directory if directory is not None else config.output_path
    remove_stray_temporaries(folder)  # left by a build that was killed
    sources = _Sources.read(config, documents, segments, templates)
    considered = list(languages if languages is not None else config.languages)
    cache = memo.directory if memo is not None else None
    files = OutputFiles(folder, memo.outputs if memo is not None else None)
    if planner is None:
        plans = plan_languages(config, config.languages, sources.templates, include_machine, cache)
    else:
        plans = [planner(lang, sources.templates) for lang in config.languages]
    for plan, errors in plans:
        if plan.language.code in considered:
            report.notes += errors
            report.complete[plan.language.code] = plan.percent
            if not plan.published:
                report.withheld[plan.language.code] = plan.why_withheld
            else:
                report.withheld_pages += plan.page_lines()
    published = [p for p, _ in plans if p.published and p.language.code in considered]
    listed = [
        p
        for p, _ in plans
        if p.published and (p.language.code in considered or files.made_before(p.language.code))
    ]
    redirects = read_redirects(config, sources.documents)
    links = SiteLinks(sources.documents, redirects, config.source_dir)
    _report_links(sources, links, redirects, report)
    site = _published_site(config, sources, listed, include_machine, links)
    report.published = [site.source.code, *(p.language.code for p in published)]
    output = _Output(
        config,
        environment(config, cache / "templates" if cache is not None else None),
        site,
        sources,
        files,
        _site_key(config, site, include_machine, redirects),
        redirects,
        cache,
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


def _report_links(
    sources: _Sources, links: SiteLinks, redirects: Redirects, report: BuildReport
) -> None:
    """Links to no page are errors; links through a redirect and redirects not made, notes."""
    pages = [(d, sources.page_segments.get(d.file, [])) for d in sources.documents]
    for finding in [*redirect_findings(redirects), *link_findings(pages, links)]:
        line = f"{finding.file}:{finding.line}: {finding.check}: {finding.message}"
        (report.errors if finding.severity is Severity.ERROR else report.notes).append(line)


def _published_site(
    config: Config,
    sources: _Sources,
    published: Sequence[LanguagePlan],
    preview: bool,
    links: SiteLinks,
) -> Site:
    source = Language.of(config.source_language)
    pages = {document.domain: document.path for document in sources.documents}
    return Site(
        base_url=config.base_url.rstrip("/") + "/",
        source=source,
        languages=(source, *(p.language for p in published)),
        documents=tuple(sources.documents),
        preview=preview,
        links=links,
        withheld=frozenset(
            (plan.language.code, pages[domain])
            for plan in published
            for domain in plan.withheld_pages
            if domain in pages
        ),
    )


def _site_key(config: Config, site: Site, include_machine: bool, redirects: Redirects) -> str:
    """The fingerprint of what every output file depends on."""
    return fingerprint(
        sorted(redirects.by_old.values(), key=lambda r: r.old),
        config.base_url,
        config.source_language,
        config.ui_domain,
        config.check.mt_policy,
        sorted(config.check.disable),
        sorted(config.check.inline_tags),
        include_machine,
        [language.code for language in site.languages],
        sorted(site.withheld),
        [(d.file, d.path, d.title, d.order, d.updated) for d in site.documents],
        folder_digest(config.templates_path),
    )


def _write_language(output: _Output, translations: Translations | None) -> int:
    """Every page of one language (the source when ``translations`` is None) but those it
    withholds; how many."""
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
    documents = [d for d in site.documents if site.published(lang, d.path)]
    cache = output.cache
    blocks = RenderedBlocks(cache / f"blocks-{lang}.pickle" if cache is not None else None)
    for document in documents:
        relative = f"{lang}/{document.path}.html"
        key = _page_key(language_key, document, translations, output.sources)
        if not files.current(relative, key):
            parsed = output.bodies.get(document.file)
            if parsed is None:
                parsed = output.bodies[document.file] = parse_body(document)
            # What every block's HTML depends on beside its text: links lead by the site's
            # pages, languages and redirects (all in the site key) from this page's place.
            context = fingerprint(output.site_key, lang, document.file, document.path,
                                  document.values)  # fmt: skip
            page = render_page(
                output.env, config, site, document, translations, navigation, parsed,
                blocks.page(document.file, context),
            )  # fmt: skip
            files.write(relative, page.html, key)
    blocks.save({document.file for document in documents})
    _write_redirects(output, translations, lang, language_key)
    return len(documents)


def _write_redirects(
    output: _Output, translations: Translations | None, lang: str, language_key: str
) -> None:
    """The page at each old address of the language, leading to where the page is now."""
    pages = {document.path: document for document in output.site.documents}
    for redirect in output.redirects.by_old.values():
        if not output.site.published(lang, redirect.new):
            continue  # the page the old address leads to is not in this language
        document = pages[redirect.new]
        title = choose_segment(translations, document, document.title)
        relative = redirect_file(lang, redirect)
        key = fingerprint(language_key, redirect, title)
        if not output.files.current(relative, key):
            output.files.write(relative, redirect_page(output.site, lang, redirect, title), key)


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
    # A preview is never indexed: its pages say noindex and it has no sitemap.
    if not output.site.preview and not files.current("sitemap.xml", key):
        files.write("sitemap.xml", sitemap(output.site), key)
    if output.redirects.by_old:
        netlify, nginx = server_redirects(output.site, list(output.redirects.by_old.values()))
        files.write("_redirects", netlify)
        files.write("_redirects.map", nginx)
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
