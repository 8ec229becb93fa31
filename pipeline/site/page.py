"""A whole page in one language: the body in ``page.html`` with navigation and alternates;
and the language chooser, ``output/index.html``."""

from __future__ import annotations

from dataclasses import dataclass

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from pipeline.config import Config
from pipeline.site.choose import Choice, Status, Translations, choose_segment
from pipeline.site.memo import PageBlocks
from pipeline.site.published import Site
from pipeline.site.render import TITLE_ID, ParsedBody, render_body
from pipeline.site.ui import ui_callables
from pipeline.source.documents import Document
from pipeline.text.languages import locale_data
from pipeline.text.tags import project_inline_tags


@dataclass(frozen=True)
class RenderedPage:
    lang: str
    html: str
    choices: tuple[Choice, ...]  # title, description, blocks and UI strings, in page order

    @property
    def has_fallback(self) -> bool:
        return any(c.status is Status.FALLBACK for c in self.choices)

    @property
    def has_machine(self) -> bool:
        return any(c.status is Status.MACHINE for c in self.choices)


def up(depth: int) -> str:
    """The relative way up from a page ``depth`` folders deep to its language's folder."""
    return "../" * depth


class Navigation:
    """The list of pages every page of one language shows, rendered once for the language.

    Rendering that list for each page would make a build grow with the square
    of the number of pages; a page only swaps in its own item, marked current.
    The links are relative, so the items are rendered once for each folder
    depth a page sits at, on first use: a rebuild with nothing to write needs
    only the labels, for the fingerprint. A page the language leaves out
    (withheld) is listed by its English title and leads to the English page.
    """

    def __init__(
        self, env: jinja2.Environment, site: Site, translations: Translations | None
    ) -> None:
        self.lang = translations.lang if translations is not None else site.source.code
        self.labels = tuple(
            choose_segment(translations, d, d.title)
            if site.published(self.lang, d.path)
            else Choice(d.title, Status.FALLBACK, "page withheld")
            for d in site.documents
        )
        self._template = env.get_template("nav_item.html")
        self._site = site
        self._positions = {d.path: number for number, d in enumerate(site.documents)}
        self._items: dict[int, list[str]] = {}  # by the depth of the page they are for

    def _item(self, number: int, current: bool, depth: int) -> str:
        path = self._site.documents[number].path
        published = self._site.published(self.lang, path)
        source = self._site.source.code
        return self._template.render(
            href=f"{up(depth)}{path}.html" if published else f"{up(depth + 1)}{source}/{path}.html",
            label=self.labels[number],
            current=current,
            source_language=source,
        )

    def for_page(self, document: Document) -> Markup:
        """The rendered items (each autoescaped by its template), ``document``'s marked current."""
        depth = document.depth
        items = self._items.get(depth)
        if items is None:
            items = self._items[depth] = [
                self._item(number, False, depth) for number in range(len(self.labels))
            ]
        number = self._positions[document.path]
        before, after = "".join(items[:number]), "".join(items[number + 1 :])
        return Markup(before + self._item(number, True, depth) + after)


def render_page(
    env: jinja2.Environment,
    config: Config,
    site: Site,
    document: Document,
    translations: Translations | None,
    navigation: Navigation,
    parsed: ParsedBody | None = None,
    blocks: PageBlocks | None = None,
) -> RenderedPage:
    """One page in one language (the source language when ``translations`` is None),
    with ``navigation``, the language's page list; ``parsed``: the body's
    :func:`~pipeline.site.render.parse_body`, if made before; ``blocks``: the page's
    blocks as rendered before in this language (see :func:`~pipeline.site.render.render_body`),
    whose context covers the site's settings and the page's place in it."""
    lang = translations.lang if translations is not None else site.source.code
    language = next(item for item in site.languages if item.code == lang)
    languages = site.languages_of(document.path)
    body = render_body(
        document,
        translations,
        lang,
        lambda href: site.link(document, lang, href),
        project_inline_tags(config),
        parsed,
        blocks,
    )
    title = choose_segment(translations, document, document.title)
    description = choose_segment(translations, document, document.description)
    content_choices = [title, description, *(c for _, c in body.choices)]
    machine = any(c.status is Status.MACHINE for c in content_choices)
    ui_seen: list[Choice] = []
    context = {
        "lang": lang,
        "dir": language.direction,
        "page": document,
        "title": title,
        "title_id": TITLE_ID,
        "description": description,
        "body": body.html,
        "has_fallback": any(c.status is Status.FALLBACK for c in content_choices),
        "machine": machine,
        "preview": site.preview,
        "updated": (
            format_date(document.updated, "long", locale=locale_data(lang))
            if document.updated
            else ""
        ),
        "updated_iso": document.updated.isoformat() if document.updated else "",
        "languages": languages,
        "nav": navigation.for_page(document),
        "home": up(document.depth),  # the language's folder, relative to the page
        "root": up(document.depth + 1),  # the site's root, relative to the page
        "canonical": site.url(lang, document.path),
        "alternates": [(item.code, site.url(item.code, document.path)) for item in languages],
        "x_default": site.url(site.source.code, document.path),
        "source_language": site.source.code,
    }
    template = env.get_template("page.html")
    html = template.render(**context, **ui_callables(translations, config.ui_domain, ui_seen))
    return RenderedPage(lang, html, (*content_choices, *ui_seen))


def render_chooser(env: jinja2.Environment, config: Config, site: Site) -> str:
    """``output/index.html``: every published language, named in itself; no JavaScript needed.

    It leads to the first page, so a language that withholds that page is not offered.
    """
    first = site.documents[0].path if site.documents else "index"
    languages = site.languages_of(first)
    return env.get_template("index.html").render(
        languages=languages,
        first=first,
        codes=[language.code for language in languages],
        source_language=site.source.code,
        alternates=[(item.code, site.url(item.code, first)) for item in languages],
        x_default=f"{site.base_url}index.html",
        preview=site.preview,
        **ui_callables(None, config.ui_domain),
    )
