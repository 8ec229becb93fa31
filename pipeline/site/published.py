"""The site as every page sees it: the published languages and the pages, with their URLs."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from pipeline.source.documents import Document
from pipeline.source.links import SiteLinks, relative_href
from pipeline.text.languages import pseudo_locale


@dataclass
class Language:
    """A language as the site shows it: its code, its name in itself, its direction."""

    code: str
    name: str
    direction: str

    @classmethod
    def of(cls, code: str) -> Language:
        pseudo = pseudo_locale(code)
        if pseudo is not None:
            return cls(pseudo.code, pseudo.name, pseudo.direction)
        locale = Locale.parse(code)
        name = locale.get_display_name(code) or code
        return cls(code, name[:1].upper() + name[1:], locale.text_direction)


@dataclass(frozen=True)
class Site:
    """What every page needs to know about the whole site."""

    base_url: str
    source: Language
    languages: tuple[Language, ...]  # published, source first
    documents: tuple[Document, ...]
    # A preview build: fuzzy text shown and highlighted, every page noindex, no sitemap.
    preview: bool = False
    links: SiteLinks | None = None  # to point links between pages at the language's page
    # (language, page path) of the pages a published language leaves out: an entry of theirs
    # is not shown, and their review group withholds the whole page.
    withheld: frozenset[tuple[str, str]] = frozenset()

    def url(self, lang: str, path: str) -> str:
        """The absolute URL of the page at ``path`` (``guide/nested``) in ``lang``."""
        return f"{self.base_url}{lang}/{path}.html"

    def published(self, lang: str, path: str) -> bool:
        """Whether the page at ``path`` is published in ``lang``."""
        listed = any(language.code == lang for language in self.languages)
        return listed and (lang, path) not in self.withheld

    def languages_of(self, path: str) -> tuple[Language, ...]:
        """The languages the page at ``path`` is published in, the source first: what its
        language switcher, hreflang alternates and sitemap entry name."""
        return tuple(item for item in self.languages if (item.code, path) not in self.withheld)

    def link(self, document: Document, lang: str, href: str) -> str:
        """Where a link on ``document`` in ``lang`` points: a page of the site in ``lang`` when
        that page is published in it, else in the source language; any other link as it is."""
        target = self.links.resolve(document, href) if self.links is not None else None
        if target is None or isinstance(target, str):
            return href  # not a page of the site, or a dangling link the build reports
        published = self.published(lang, target.page)
        return relative_href(document.path, lang, target, lang if published else self.source.code)
