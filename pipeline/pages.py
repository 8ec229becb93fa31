"""Stage 6: catalogs -> pages.

This is where a translation is chosen (:meth:`Translations.choose`) and where
a page is written (:func:`render_site`). Translations are untrusted input: a
segment is used only when it is reviewed (or machine text in a preview build)
and its markup matches the source's; otherwise the English text is shown,
marked ``lang="en"``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from markupsafe import Markup, escape

from .config import Config
from .files import write_bytes_atomic, write_text_atomic
from .model import Catalog
from .pofile import CatalogSyntaxError, read_catalog
from .segment import inline_markup, markdown, msgid_of, walk_blocks
from .source import Document, Value, read_documents


class Status(enum.StrEnum):
    REVIEWED = "reviewed"
    MACHINE = "machine"  # fuzzy text shown in a preview build
    FALLBACK = "fallback"  # English shown instead


@dataclass(frozen=True)
class Choice:
    text: str
    status: Status
    reason: str = ""  # why a translation was rejected, for the build report


@dataclass
class Translations:
    """The usable translations of one language, by domain, msgctxt and msgid."""

    lang: str
    include_machine: bool = False
    table: dict[tuple[str, str | None, str], tuple[str, bool]] = field(default_factory=dict)
    # "file:line: why" for the build report; a dict keeps each once, in order
    rejected: dict[str, None] = field(default_factory=dict)

    def add(self, catalog: Catalog) -> None:
        for entry in catalog.active():
            if entry.has_translation and entry.msgid_plural is None:
                self.table[(catalog.domain, entry.msgctxt, entry.msgid)] = (
                    entry.msgstr,
                    entry.fuzzy,
                )

    def choose(
        self, domain: str, msgid: str, msgctxt: str | None = None, where: str = ""
    ) -> Choice:
        found = self.table.get((domain, msgctxt, msgid))
        if found is None:
            return Choice(msgid, Status.FALLBACK)
        text, fuzzy = found
        if fuzzy and not self.include_machine:
            return Choice(msgid, Status.FALLBACK, "not reviewed")
        problem = unsafe_markup(msgid, text)
        if problem:
            self.rejected[f"{where}: [{self.lang}] {problem}; English shown instead"] = None
            return Choice(msgid, Status.FALLBACK, problem)
        return Choice(text, Status.MACHINE if fuzzy else Status.REVIEWED)

    def gettext(self, domain: str, msgid: str, msgctxt: str | None = None) -> Choice:
        return self.choose(domain, msgid, msgctxt, f"{domain} UI string {msgid!r}")


def unsafe_markup(source: str, translation: str) -> str:
    """Why a translation may not be rendered, or "" if its markup is the source's.

    Link targets and titles, images and raw HTML must be exactly the source's:
    a translator cannot add a link, change where one points, or smuggle markup.
    """
    theirs, ours = inline_markup(translation), inline_markup(source)
    if theirs.raw_html:
        return f"raw HTML {theirs.raw_html[0]!r}"
    if sorted(theirs.links) != sorted(ours.links):
        added = sorted(set(theirs.links) - set(ours.links))
        return f"link targets differ from the source ({added[0][0] if added else 'one is missing'})"
    if sorted(theirs.images) != sorted(ours.images):
        return "images differ from the source"
    if theirs.placeholders != ours.placeholders:
        return "placeholders differ from the source"
    return ""


def load_translations(
    config: Config, lang: str, include_machine: bool = False
) -> tuple[Translations, list[str]]:
    """Every catalog of ``lang``; unreadable ones are reported and fall back to English."""
    translations = Translations(lang, include_machine)
    errors: list[str] = []
    directory = config.locales_path / lang / "LC_MESSAGES"
    for path in sorted(directory.glob("*.po")):
        try:
            translations.add(read_catalog(path, lang, path.stem))
        except CatalogSyntaxError as error:
            errors.append(str(error))
    return translations, errors


# ---------------------------------------------------------------------------
# Rendering one page
# ---------------------------------------------------------------------------


def format_value(value: Value, lang: str) -> str:
    """A source value in the locale's typography: "20.000 €", "20 000 €"."""
    if value.currency:
        pattern = Locale.parse(lang).currency_formats["standard"].pattern
        # Whole amounts are shown without cents.
        if value.amount == int(value.amount):
            pattern = re.sub(r"\.0+", "", pattern.split(";")[0])
        return format_currency(
            value.amount, value.currency, format=pattern, locale=lang, currency_digits=False
        )
    return format_decimal(value.amount, locale=lang)


_PLACEHOLDER_TEXT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class RenderedPage:
    html: Markup
    statuses: tuple[Status, ...]

    @property
    def has_fallback(self) -> bool:
        return Status.FALLBACK in self.statuses

    @property
    def has_machine(self) -> bool:
        return Status.MACHINE in self.statuses


def render_body(document: Document, translations: Translations | None, lang: str) -> RenderedPage:
    """The page body as HTML, each block in its chosen language."""
    md = markdown()
    tokens = md.parse(document.body)
    statuses: list[Status] = []
    for block in walk_blocks(tokens, document.layout):
        inline = tokens[block.inline]
        msgid = msgid_of(inline)
        where = f"{document.file}:{document.body_line + block.line}"
        if translations is None:
            choice = Choice(msgid, Status.REVIEWED)
        else:
            msgctxt = document.contexts.get(msgid)
            choice = translations.choose(document.domain, msgid, msgctxt, where)
        statuses.append(choice.status)
        if choice.text != inline.content:
            inline.children = md.parseInline(choice.text)[0].children
        carrier = tokens[block.carrier]
        if choice.status is Status.FALLBACK and translations is not None:
            carrier.attrSet("lang", "en")
            carrier.attrJoin("class", "untranslated")
        elif choice.status is Status.MACHINE:
            carrier.attrJoin("class", "machine")
        _substitute_values(inline.children or [], document, lang)
    html = md.renderer.render(tokens, md.options, {})
    return RenderedPage(Markup(html), tuple(statuses))


def _substitute_values(children: list[Any], document: Document, lang: str) -> None:
    for child in children:
        if child.type == "text" and "{" in child.content:
            child.content = _PLACEHOLDER_TEXT.sub(
                lambda m: (
                    format_value(document.values[m.group(1)], lang)
                    if m.group(1) in document.values
                    else m.group(0)
                ),
                child.content,
            )


# ---------------------------------------------------------------------------
# The site
# ---------------------------------------------------------------------------


@dataclass
class BuildReport:
    published: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)  # lang -> why
    written: list[Path] = field(default_factory=list)
    pages: int = 0
    notes: list[str] = field(default_factory=list)  # rejected translations, unreadable catalogs


def completeness(translations: Translations, documents: Sequence[Document]) -> float:
    """Percent of the source words whose translation is reviewed and usable."""
    total = done = 0
    for document in documents:
        body = render_body(document, translations, translations.lang)
        words = [len(m.split()) for m in _document_msgids(document)]
        total += sum(words)
        done += sum(
            w for w, s in zip(words, body.statuses, strict=True) if s is not Status.FALLBACK
        )
    return 100.0 * done / total if total else 100.0


def _document_msgids(document: Document) -> list[str]:
    tokens = markdown().parse(document.body)
    return [msgid_of(tokens[b.inline]) for b in walk_blocks(tokens, document.layout)]


def environment(config: Config) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_path)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    return env


def _ui_callables(translations: Translations | None, domain: str) -> dict[str, Callable[..., Any]]:
    def gettext(message: str, **variables: Any) -> Markup:
        choice = (
            Choice(message, Status.REVIEWED)
            if translations is None
            else translations.gettext(domain, message)
        )
        text = escape(choice.text)
        if variables:
            text = Markup(text % {k: escape(v) for k, v in variables.items()})
        if choice.status is Status.FALLBACK and translations is not None:
            return Markup('<span lang="en">%s</span>') % text
        return Markup(text)

    def pgettext(context: str, message: str, **variables: Any) -> Markup:
        return gettext(message, **variables)

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> Markup:
        return gettext(singular if n == 1 else plural, num=n, **variables)

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext, "ngettext": ngettext}


def render_site(
    config: Config,
    *,
    include_machine: bool = False,
    languages: Sequence[str] | None = None,
) -> BuildReport:
    """Write ``output/<lang>/<slug>.html`` for every published language."""
    report = BuildReport()
    documents = read_documents(config)
    env = environment(config)
    loaded: dict[str, Translations | None] = {config.source_language: None}
    for lang in languages if languages is not None else config.languages:
        translations, errors = load_translations(config, lang, include_machine)
        report.notes += errors
        percent = completeness(translations, documents)
        minimum = config.publish.minimum(lang)
        if percent < minimum:
            report.withheld[lang] = (
                f"{percent:.0f}% translated, below the publish threshold of {minimum:.0f}%"
            )
            continue
        loaded[lang] = translations
    report.published = list(loaded)
    out = config.output_path
    for lang, chosen in loaded.items():
        locale = Locale.parse(lang)
        for document in documents:
            body = render_body(document, chosen, lang)
            title = _segment_choice(chosen, document, document.title)
            description = _segment_choice(chosen, document, document.description)
            context = {
                "lang": lang,
                "dir": locale.text_direction,
                "page": document,
                "title": title,
                "description": description,
                "body": body.html,
                "has_fallback": body.has_fallback or title.status is Status.FALLBACK,
                "machine": body.has_machine,
                "updated": format_date(document.updated, "long", locale=lang)
                if document.updated
                else "",
                "updated_iso": document.updated.isoformat() if document.updated else "",
                "languages": [(code, Locale.parse(code).get_display_name(code)) for code in loaded],
                "nav": [(d.slug, _segment_choice(chosen, d, d.title)) for d in documents],
                "base_url": config.base_url.rstrip("/") + "/",
                "source_language": config.source_language,
            }
            template = env.get_template("page.html")
            html = template.render(**context, **_ui_callables(chosen, config.ui_domain))
            path = out / lang / f"{document.slug}.html"
            if write_text_atomic(path, html):
                report.written.append(path)
            report.pages += 1
        if chosen is not None:
            report.notes += list(chosen.rejected)
    index = env.get_template("index.html").render(
        languages=[
            (code, Locale.parse(code).get_display_name(code), Locale.parse(code).text_direction)
            for code in loaded
        ],
        first=documents[0].slug if documents else "index",
        source_language=config.source_language,
        base_url=config.base_url.rstrip("/") + "/",
        **_ui_callables(None, config.ui_domain),
    )
    if write_text_atomic(out / "index.html", index):
        report.written.append(out / "index.html")
    report.written += _copy_assets(config)
    return report


def _segment_choice(translations: Translations | None, document: Document, msgid: str) -> Choice:
    if translations is None or not msgid:
        return Choice(msgid, Status.REVIEWED)
    return translations.choose(document.domain, msgid, document.contexts.get(msgid), document.file)


def _copy_assets(config: Config) -> list[Path]:
    written: list[Path] = []
    assets = config.templates_path / "assets"
    for source in sorted(assets.rglob("*")) if assets.is_dir() else []:
        if source.is_file():
            target = config.output_path / "assets" / source.relative_to(assets)
            if write_bytes_atomic(target, source.read_bytes()):
                written.append(target)
    return written
