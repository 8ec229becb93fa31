"""The site in the pseudo-locales (``en-XA``, ``ar-XB``): a preview for layout checks.

Their translations are made in memory from the templates, each time, by
:func:`~pipeline.machine.pseudo.pseudo_translate`: a pseudo-translation is a function
of the source, so a file of it could only go stale, and a catalog under ``locales/``
would be counted, checked and synced into the memory as a language. The pages go
into their own folder of the preview directory (:data:`PSEUDO_FOLDER`), with its own
manifest, never into ``output/``; every page is ``noindex`` and there is no sitemap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.checks.stats import completeness, states_stats
from pipeline.config import Config
from pipeline.machine.pseudo import pseudo_translate
from pipeline.model import Catalog, Entry, Segment
from pipeline.site.choose import Translations, screen
from pipeline.site.memo import RenderMemo
from pipeline.site.plan import LanguagePlan
from pipeline.site.published import Language
from pipeline.site.write import BuildReport, render_site
from pipeline.source.documents import Document
from pipeline.text.glossary import project_glossary
from pipeline.text.languages import PSEUDO_LOCALES, plural_forms

PSEUDO_FOLDER = "pseudo"
"""The pseudo-locales' site, inside the preview directory."""


def pseudo_site_path(config: Config) -> Path:
    return config.preview_path / PSEUDO_FOLDER


def pseudo_catalog(template: Catalog, lang: str, terms: Sequence[str]) -> Catalog:
    """``template`` with every message pseudo-translated into ``lang``, as translated."""
    nplurals = plural_forms(lang).nplurals
    entries = []
    for source in template.active():
        if source.is_header:
            continue
        entry = Entry(msgid=source.msgid, msgctxt=source.msgctxt, lineno=source.lineno)
        if source.msgid_plural is not None:
            entry.msgid_plural = source.msgid_plural
            entry.msgstr_plural = {
                n: pseudo_translate(source.msgid if n == 0 else source.msgid_plural, lang, terms)
                for n in range(nplurals)
            }
        else:
            entry.msgstr = pseudo_translate(source.msgid, lang, terms)
        entries.append(entry)
    return Catalog(entries, path=f"{lang}:{template.domain}", lang=lang, domain=template.domain)


def pseudo_plan(
    lang: str, templates: Mapping[str, Catalog], terms: Sequence[str], source_language: str
) -> tuple[LanguagePlan, list[str]]:
    """``lang`` translated in full, and published.

    The text is the tool's, made from the source with every protected token kept, not
    a translator's: it is not screened as translations are (``ar-XB`` is made of the
    bidi overrides screening refuses in a translation).
    """
    translations = Translations(lang, source_language=source_language)
    stats = []
    for domain, template in sorted(templates.items()):
        catalog = pseudo_catalog(template, lang, terms)
        screened = screen(catalog, catalog.path, None, include_machine=False)
        for candidate in screened.candidates.values():
            candidate.problem = ""
        translations.absorb(domain, screened)
        stats.append(states_stats(lang, domain, screened.states, template))
    language = Language.of(lang)
    plan = LanguagePlan(language, translations, completeness(lang, stats), 0, 0.0, True)
    return plan, []


def render_pseudo_site(
    config: Config,
    *,
    locales: Sequence[str] = tuple(PSEUDO_LOCALES),
    directory: Path | None = None,
    documents: Sequence[Document] | None = None,
    segments: Sequence[Segment] | None = None,
    memo: RenderMemo | None = None,
) -> BuildReport:
    """The source language and ``locales`` into ``directory`` (by default
    :func:`pseudo_site_path`), as a preview."""
    terms = project_glossary(config).do_not_translate
    return render_site(
        replace(config, languages=tuple(locales)),
        directory=directory if directory is not None else pseudo_site_path(config),
        include_machine=True,
        documents=documents,
        segments=segments,
        memo=memo,
        planner=lambda lang, templates: pseudo_plan(lang, templates, terms, config.source_language),
    )
