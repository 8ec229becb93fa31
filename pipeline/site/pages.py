"""Stage 6: catalogs -> pages.

Where to look:

- a translation is chosen in :meth:`Translations.choose` (reviewed, machine in a
  preview build, or English); the security rules are :func:`unsafe_translation`;
- a page is rendered by :func:`render_page` and written by :func:`render_site`,
  which also writes the language chooser, ``sitemap.xml``, the status page and
  badges (:mod:`pipeline.site.status`) and removes the pages a build no longer makes.

Translations are untrusted input. A segment is used only when it is reviewed
(or machine text in a preview build), its markup is the source's and the QA
checks find no error in it -- every check but ``language``, whose detector
takes seconds to load and which ``l10n check`` runs; the glossary's
do-not-translate terms are enforced. Otherwise the English text is shown,
marked ``lang="en"``, and the build says why.
"""

from __future__ import annotations

import enum
import gettext
import hashlib
import json
import pickle
import re
import xml.etree.ElementTree as etree
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.messages.plurals import get_plural
from babel.numbers import format_currency, format_decimal
from markdown_it.token import Token
from markupsafe import Markup, escape

from pipeline.catalogs.catalog import ui_segments
from pipeline.checks import qa
from pipeline.config import Config
from pipeline.files import write_bytes_atomic
from pipeline.model import Catalog, Finding, Segment, Severity
from pipeline.po.pofile import CatalogSyntaxError, parse_catalog, read_catalog
from pipeline.segments.blocks import document_segments, markdown, markup_problems, walk_blocks
from pipeline.source.documents import Document, Value, read_documents
from pipeline.text.glossary import Glossary, GlossaryError, project_glossary


class Status(enum.StrEnum):
    REVIEWED = "reviewed"
    MACHINE = "machine"  # fuzzy text shown in a preview build
    FALLBACK = "fallback"  # English shown instead


@dataclass(frozen=True)
class Choice:
    text: str
    status: Status
    reason: str = ""  # why a translation was rejected, for the build report


# How a segment stands in its catalog, for the status page.
TRANSLATED, FUZZY, UNTRANSLATED, REJECTED = "translated", "fuzzy", "untranslated", "rejected"


@dataclass
class _Candidate:
    text: str
    fuzzy: bool
    where: str  # "locales/ru/LC_MESSAGES/cost.po:42"
    problem: str | None = None  # why the text is never used ("" when fine); None: not screened yet
    plurals: tuple[str, ...] = ()  # a plural entry's forms, by gettext index; then text is form 0
    plural_source: str | None = None  # a plural entry's msgid_plural


@dataclass
class _Screened:
    """One catalog's usable entries and QA findings: all rendering needs of the file."""

    candidates: dict[tuple[str | None, str], _Candidate]
    findings: list[Finding]


def _screen(
    catalog: Catalog, file: str, qa_context: qa.QAContext | None, include_machine: bool
) -> _Screened:
    """The translated entries of ``catalog``; with ``qa_context``, each one shown is checked now."""
    candidates: dict[tuple[str | None, str], _Candidate] = {}
    findings: list[Finding] = []
    for entry in catalog.active():
        if not entry.has_translation or entry.is_header:
            continue
        forms = _plural_forms(entry.msgstr_plural) if entry.msgid_plural is not None else ()
        text = forms[0] if forms else entry.msgstr
        candidate = _Candidate(
            text,
            entry.fuzzy,
            f"{file}:{entry.lineno}",
            plurals=forms,
            plural_source=entry.msgid_plural,
        )
        if qa_context is not None and (include_machine or not entry.fuzzy):
            found = qa.check_entry(entry, qa_context)
            findings += found
            errors = [f for f in found if f.severity is Severity.ERROR]
            candidate.problem = (
                f"QA {errors[0].check}: {errors[0].message}"
                if errors
                else _unsafe_forms(entry.msgid, entry.msgid_plural, candidate)
            )
        candidates[entry.key] = candidate
    return _Screened(candidates, findings)


def _plural_forms(msgstr_plural: Mapping[int, str]) -> tuple[str, ...]:
    # Forms by index; a gap (msgstr[1] missing) stays empty, and an empty form is never shown.
    return tuple(msgstr_plural.get(i, "") for i in range(max(msgstr_plural, default=-1) + 1))


def _unsafe_forms(singular: str, plural: str | None, candidate: _Candidate) -> str:
    """:func:`unsafe_translation` of a candidate: of each plural form against its source."""
    if not candidate.plurals:
        return unsafe_translation(singular, candidate.text)
    for index, form in enumerate(candidate.plurals):
        problem = unsafe_translation(singular if index == 0 or plural is None else plural, form)
        if problem:
            return problem
    return ""


@cache
def plural_index(lang: str) -> Callable[[int], int]:
    """Which msgstr[i] of a plural entry to show for ``n``: Babel's gettext plural rule for ``lang``.

    The catalogs' Plural-Forms header comes from the same rule (:mod:`pipeline.catalogs.catalog`).
    """
    return gettext.c2py(get_plural(lang).plural_expr)


@dataclass
class Translations:
    """The translations of one language, by domain, msgctxt and msgid."""

    lang: str
    include_machine: bool = False
    source_language: str = "en"  # what a fallback segment is marked as
    table: dict[tuple[str, str | None, str], _Candidate] = field(default_factory=dict)
    # "file:line: [lang] why; English shown instead" for the build report, each once, in order
    rejected: dict[str, None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # every QA finding, for the status page
    digests: dict[str, str] = field(default_factory=dict)  # domain -> SHA-256 of its .po bytes

    def add(self, catalog: Catalog, file: str, qa_context: qa.QAContext | None = None) -> None:
        self._absorb(catalog.domain, _screen(catalog, file, qa_context, self.include_machine))

    def _absorb(self, domain: str, screened: _Screened) -> None:
        for (msgctxt, msgid), candidate in screened.candidates.items():
            self.table[(domain, msgctxt, msgid)] = candidate
        self.findings += screened.findings

    def state(self, domain: str, msgid: str, msgctxt: str | None = None) -> str:
        """translated / fuzzy / untranslated / rejected, as the status page counts it."""
        candidate = self.table.get((domain, msgctxt, msgid))
        if candidate is None:
            return UNTRANSLATED
        if candidate.fuzzy:
            return FUZZY
        return (
            REJECTED
            if self.choose(domain, msgid, msgctxt).status is Status.FALLBACK
            else TRANSLATED
        )

    def choose(self, domain: str, msgid: str, msgctxt: str | None = None) -> Choice:
        """The text to show for one source segment: its translation, or English with a reason."""
        candidate = self.table.get((domain, msgctxt, msgid))
        if candidate is not None and candidate.plurals:  # a plural entry: its form for one
            return self.choose_plural(domain, msgid, candidate.plural_source or msgid, 1, msgctxt)
        return self._decide(candidate, msgid, None, msgid, lambda c: c.text)

    def choose_plural(
        self, domain: str, singular: str, plural: str, n: int, msgctxt: str | None = None
    ) -> Choice:
        """The form of a plural UI string to show for the number ``n``, or English with a reason."""
        english = singular if n == 1 else plural
        candidate = self.table.get((domain, msgctxt, singular))
        if candidate is not None and not candidate.plurals:
            candidate = None  # a singular entry is not a translation of a plural message
        index = plural_index(self.lang)(n)

        def form(chosen: _Candidate) -> str:
            return chosen.plurals[index] if index < len(chosen.plurals) else ""

        return self._decide(candidate, singular, plural, english, form)

    def _decide(
        self,
        candidate: _Candidate | None,
        singular: str,
        plural: str | None,
        english: str,
        text_of: Callable[[_Candidate], str],
    ) -> Choice:
        if candidate is None:
            return Choice(english, Status.FALLBACK, "not translated")
        if candidate.fuzzy and not self.include_machine:
            return Choice(english, Status.FALLBACK, "not reviewed")
        if candidate.problem is None:
            candidate.problem = _unsafe_forms(singular, plural, candidate)
        problem = candidate.problem
        if problem:
            self.rejected[f"{candidate.where}: [{self.lang}] {problem}; English shown instead"] = (
                None
            )
            return Choice(english, Status.FALLBACK, problem)
        text = text_of(candidate)
        if not text:
            return Choice(english, Status.FALLBACK, "plural form not translated")
        return Choice(text, Status.MACHINE if candidate.fuzzy else Status.REVIEWED)


_TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
_MAX_GROWTH, _MAX_EXTRA_CHARS = 4, 200  # a translation longer than this is not a translation


def unsafe_translation(source: str, translation: str) -> str:
    """Why a translation may not be rendered, or "" when it is safe.

    Its markup must pass :func:`pipeline.segments.blocks.markup_problems` -- the rules
    the QA ``markup`` check applies, so a translator cannot add a link, change
    where one points (so no ``javascript:``/``data:`` URL and no new domain) or
    smuggle markup -- and it may not reorder text with bidi overrides, carry
    template syntax or be far longer than any translation of its source.
    """
    problems = markup_problems(source, translation)
    if problems:
        return problems[0]
    hidden = sorted(_invisible_controls(translation) - _invisible_controls(source))
    if hidden:
        return f"invisible control character U+{ord(hidden[0]):04X}"
    syntax = [s for s in _TEMPLATE_SYNTAX if s in translation and s not in source]
    if syntax:
        return f"template syntax {syntax[0]!r}"
    if len(translation) > _MAX_GROWTH * len(source) + _MAX_EXTRA_CHARS:
        return f"{len(translation)} characters for a {len(source)}-character source"
    return ""


# Characters that reorder or hide text (bidi embeddings, overrides, isolates; C0/C1 controls
# but tab and newline): a translation may carry them only where the source does.
# U+200E/U+200F (LRM/RLM) stay allowed: right-to-left typography needs them.
_INVISIBLE = re.compile(r"[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _invisible_controls(text: str) -> set[str]:
    return set(_INVISIBLE.findall(text))


def load_translations(
    config: Config, lang: str, include_machine: bool = False, cache: Path | None = None
) -> tuple[Translations, list[str]]:
    """Every catalog of ``lang``, QA-checked; unreadable ones are reported and fall back.

    With a ``cache`` folder, each file's screened entries are kept there by the
    digest of its bytes, and an unchanged file is neither parsed nor checked again.
    """
    translations = Translations(lang, include_machine, config.source_language)
    errors: list[str] = []
    glossary_path = config.glossary_path
    glossary_digest = (
        hashlib.sha256(glossary_path.read_bytes()).hexdigest()
        if glossary_path is not None and glossary_path.is_file()
        else ""
    )
    settings = (
        include_machine,
        config.source_language,
        config.check.mt_policy,
        tuple(sorted(config.check.disable)),
        glossary_digest,
    )
    glossary: Glossary | None = None  # read only when some catalog is screened again
    cache_file = cache / f"translations-{lang}.pickle" if cache is not None else None
    cached = _load_screened(cache_file, settings)
    kept: dict[str, tuple[str, _Screened]] = {}
    directory = config.locales_path / lang / "LC_MESSAGES"
    for path in sorted(directory.glob("*.po")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = cached.get(path.name)
        if known is not None and known[0] == digest:
            screened = known[1]
        else:
            file = config.relative(path)
            if glossary is None:
                glossary = _build_glossary(config)
            context = qa.QAContext(
                lang=lang,
                domain=path.stem,
                file=file,
                source_language=config.source_language,
                identifier=None,  # language identification costs seconds; `l10n check` runs it
                glossary=glossary,
                mt_policy=config.check.mt_policy,
                disabled=frozenset(config.check.disable),
            )
            try:
                screened = _screen(_parse(data, path, lang), file, context, include_machine)
            except CatalogSyntaxError as error:
                errors.append(str(error))
                continue
        kept[path.name] = (digest, screened)
        translations.digests[path.stem] = digest
        translations._absorb(path.stem, screened)
    if cache_file is not None and kept != cached:
        payload = pickle.dumps((settings, kept), protocol=pickle.HIGHEST_PROTOCOL)
        write_bytes_atomic(cache_file, payload)
    return translations, errors


def _build_glossary(config: Config) -> Glossary:
    """The project's glossary; a broken one counts as empty here and `l10n check` reports it."""
    try:
        return project_glossary(config)
    except GlossaryError:
        return Glossary.empty()


def _parse(data: bytes, path: Path, lang: str) -> Catalog:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return read_catalog(path, lang, path.stem)  # which names the file, line and charset
    return parse_catalog(text, str(path), lang, path.stem)


def _load_screened(
    cache_file: Path | None, settings: tuple[object, ...]
) -> dict[str, tuple[str, _Screened]]:
    """The screened catalogs kept for these settings; nothing when missing, stale or unreadable."""
    if cache_file is None:
        return {}
    try:
        kept_settings, kept = pickle.loads(cache_file.read_bytes())
    except Exception:  # a cache is never worth a failed build: it is simply rebuilt
        return {}
    return kept if kept_settings == settings and isinstance(kept, dict) else {}


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
class RenderedBody:
    html: Markup
    choices: tuple[tuple[str, Choice], ...]  # (msgid, choice) per block


def render_body(document: Document, translations: Translations | None, lang: str) -> RenderedBody:
    """The page body as HTML, each block in its chosen language."""
    md = markdown()
    tokens = md.parse(document.body)
    choices: list[tuple[str, Choice]] = []
    for block in walk_blocks(tokens, document.layout):
        inline = tokens[block.inline]
        choice = _choose(translations, document, block.msgid)
        choices.append((block.msgid, choice))
        if choice.text != inline.content:
            inline.children = md.parseInline(choice.text)[0].children
        carrier = tokens[block.carrier]
        if choice.status is Status.FALLBACK:
            carrier.attrSet("lang", translations.source_language if translations else lang)
            carrier.attrJoin("class", "untranslated")
        elif choice.status is Status.MACHINE:
            carrier.attrJoin("class", "machine")
        _substitute_values(inline.children or [], document, lang)
        if _right_to_left(lang):
            inline.children = _isolate_ltr_runs(inline.children or [])
    html = md.renderer.render(tokens, md.options, {})
    return RenderedBody(Markup(html), tuple(choices))


def _choose(translations: Translations | None, document: Document, msgid: str) -> Choice:
    if translations is None or not msgid:
        return Choice(msgid, Status.REVIEWED)
    return translations.choose(document.domain, msgid, document.contexts.get(msgid))


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


@cache
def _right_to_left(lang: str) -> bool:
    return bool(Locale.parse(lang).text_direction == "rtl")


# A left-to-right run whose order the bidi algorithm gets wrong inside right-to-left
# text: numbers, ranges, percentages and codes such as "70–90%", "CD33 / CD123", "IL-6".
_LTR_RUN = re.compile(
    r"[0-9A-Za-z\u0370-\u03ff][0-9A-Za-z\u0370-\u03ff.,%\u2010\u2011-]*"
    r"(?:\s?[\u2013\-/]\s?[0-9A-Za-z\u0370-\u03ff][0-9A-Za-z\u0370-\u03ff.,%\u2010\u2011-]*)*%?"
)
_WEAK = re.compile(r"[0-9%\u2013/-]")


def _isolate_ltr_runs(children: list[Token]) -> list[Token]:
    """Wrap such runs in ``<bdi dir="ltr">`` so "70–90%" never reads "90%–70".

    Translators need no invisible marks (U+200E) for it; the renderer adds the
    markup, never the translation, so no translated text becomes HTML.
    """
    isolated: list[Token] = []
    for child in children:
        if child.type != "text" or not _WEAK.search(child.content):
            isolated.append(child)
            continue
        position = 0
        for run in _LTR_RUN.finditer(child.content):
            if not _WEAK.search(run.group()):
                continue
            isolated.append(_text_token(child.content[position : run.start()]))
            isolated.append(_html_token('<bdi dir="ltr">'))
            isolated.append(_text_token(run.group()))
            isolated.append(_html_token("</bdi>"))
            position = run.end()
        isolated.append(_text_token(child.content[position:]))
    return [token for token in isolated if token.type != "text" or token.content]


def _text_token(text: str) -> Token:
    token = Token("text", "", 0)
    token.content = text
    return token


def _html_token(html: str) -> Token:
    token = Token("html_inline", "", 0)
    token.content = html
    return token


def environment(config: Config) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(config.templates_path)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def ui_callables(
    translations: Translations | None, domain: str, seen: list[Choice] | None = None
) -> dict[str, Callable[..., Any]]:
    """``_``/``gettext``/``pgettext``/``ngettext`` for the templates; every choice made is
    appended to ``seen``."""

    def show(choice: Choice, english: str, variables: dict[str, Any]) -> Markup:
        text = _interpolate(choice.text, variables)
        if text is None:  # a translation broke the %(name)s variables
            choice = Choice(english, Status.FALLBACK, "variables differ from the source")
            text = _interpolate(english, variables) or escape(english)
        if seen is not None:
            seen.append(choice)
        if choice.status is Status.FALLBACK:
            assert translations is not None  # the source language never falls back
            return Markup('<span lang="%s">%s</span>') % (translations.source_language, text)
        return Markup(text)

    def pgettext(context: str | None, message: str, **variables: Any) -> Markup:
        choice = (
            Choice(message, Status.REVIEWED)
            if translations is None
            else translations.choose(domain, message, context)
        )
        return show(choice, message, variables)

    def gettext(message: str, **variables: Any) -> Markup:
        return pgettext(None, message, **variables)

    def ngettext(singular: str, plural: str, n: int, **variables: Any) -> Markup:
        english = singular if n == 1 else plural
        choice = (
            Choice(english, Status.REVIEWED)
            if translations is None
            else translations.choose_plural(domain, singular, plural, n)
        )
        return show(choice, english, {"num": n, **variables})

    return {"_": gettext, "gettext": gettext, "pgettext": pgettext, "ngettext": ngettext}


def _interpolate(text: str, variables: dict[str, Any]) -> Markup | None:
    if not variables:
        return escape(text)
    try:
        return Markup(escape(text) % {k: escape(v) for k, v in variables.items()})
    except (KeyError, ValueError, TypeError):
        return None


# ---------------------------------------------------------------------------
# One language of the site
# ---------------------------------------------------------------------------


@dataclass
class Language:
    """A language as the site shows it: its code, its name in itself, its direction."""

    code: str
    name: str
    direction: str

    @classmethod
    def of(cls, code: str) -> Language:
        locale = Locale.parse(code)
        name = locale.get_display_name(code) or code
        return cls(code, name[:1].upper() + name[1:], locale.text_direction)


@dataclass
class LanguagePlan:
    """What the build knows about one target language before writing anything."""

    language: Language
    translations: Translations
    words: Counter[str]  # source words by state: translated / fuzzy / untranslated / rejected
    usable_words: int
    total_words: int
    minimum: float
    published: bool = False

    @property
    def percent(self) -> float:
        return 100.0 * self.usable_words / self.total_words if self.total_words else 100.0

    @property
    def why_withheld(self) -> str:
        return f"{self.percent:.0f}% translated, below the publish threshold of {self.minimum:.0f}%"


def plan_language(
    config: Config,
    lang: str,
    documents: Sequence[Document],
    ui_msgids: Sequence[str],
    include_machine: bool,
    *,
    page_segments: Mapping[str, Sequence[Segment]] | None = None,
    cache: Path | None = None,
) -> tuple[LanguagePlan, list[str]]:
    """Load, QA-check and measure one language; it is published when usable words reach the minimum.

    ``page_segments`` (by document file) saves segmenting the pages again;
    ``cache`` is :func:`load_translations`'s.
    """
    translations, errors = load_translations(config, lang, include_machine, cache)
    words: Counter[str] = Counter()
    usable = total = 0
    segments = _all_segments(documents, ui_msgids, config.ui_domain, page_segments or {})
    for domain, msgid, msgctxt in segments:
        count = qa.word_count(msgid)
        total += count
        words[translations.state(domain, msgid, msgctxt)] += count
        if translations.choose(domain, msgid, msgctxt).status is not Status.FALLBACK:
            usable += count
    plan = LanguagePlan(
        Language.of(lang), translations, words, usable, total, config.publish.minimum(lang)
    )
    plan.published = plan.percent >= plan.minimum
    return plan, errors


def _all_segments(
    documents: Sequence[Document],
    ui_msgids: Sequence[str],
    ui_domain: str,
    page_segments: Mapping[str, Sequence[Segment]],
) -> Iterable[tuple[str, str, str | None]]:
    for document in documents:
        segments = page_segments.get(document.file)
        for segment in segments if segments is not None else document_segments(document):
            if segment.msgid:
                yield segment.domain, segment.msgid, segment.msgctxt
    for msgid in ui_msgids:
        yield ui_domain, msgid, None


# ---------------------------------------------------------------------------
# Output files: written atomically, remembered, and removed when a build stops making them
# ---------------------------------------------------------------------------

MANIFEST = ".l10n-build.json"


class OutputFiles:
    """The files of ``output/`` that builds wrote; nothing else there is ever touched.

    ``fingerprints`` (kept by an incremental build) maps a file to the
    fingerprint of its inputs and the size and mtime it was left with: a file
    still as it was left, whose inputs have the same fingerprint, is not made again.
    """

    def __init__(self, root: Path, fingerprints: dict[str, str] | None = None) -> None:
        self.root = root
        self.made: set[str] = set()
        self.written: list[Path] = []
        self.fingerprints = fingerprints
        try:
            self.previous = set(json.loads((root / MANIFEST).read_text("utf-8"))["files"])
        except (OSError, ValueError, KeyError, TypeError):
            self.previous = set()

    def write(self, relative: str, content: str | bytes, fingerprint: str = "") -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = self.root / relative
        self.made.add(relative)
        if write_bytes_atomic(path, data):
            self.written.append(path)
        if self.fingerprints is not None and fingerprint:
            self.fingerprints[relative] = self._record(path, fingerprint)

    def current(self, relative: str, fingerprint: str) -> bool:
        """Whether ``relative`` was made from inputs with this fingerprint and left untouched.

        A current file counts as made by this build.
        """
        if self.fingerprints is None or relative not in self.fingerprints:
            return False
        if self.fingerprints[relative] != self._record(self.root / relative, fingerprint):
            return False
        self.made.add(relative)
        return True

    @staticmethod
    def _record(path: Path, fingerprint: str) -> str:
        try:
            stat = path.stat()
        except OSError:
            return ""
        return f"{fingerprint} {stat.st_size} {stat.st_mtime_ns}"

    def finish(self, keep: Callable[[str], bool]) -> list[Path]:
        """Remove earlier builds' files this build did not make (unless ``keep``); save the list."""
        removed: list[Path] = []
        for relative in sorted(self.previous - self.made):
            if keep(relative):
                self.made.add(relative)
                continue
            path = self.root / relative
            if path.is_file():
                path.unlink()
                removed.append(path)
            _remove_empty_parents(path.parent, self.root)
        manifest = json.dumps({"files": sorted(self.made)}, indent=1) + "\n"
        write_bytes_atomic(self.root / MANIFEST, manifest.encode("utf-8"))
        if self.fingerprints is not None:
            for relative in set(self.fingerprints) - self.made:
                del self.fingerprints[relative]
        return removed


def _remove_empty_parents(directory: Path, root: Path) -> None:
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent


# ---------------------------------------------------------------------------
# The site
# ---------------------------------------------------------------------------


@dataclass
class BuildReport:
    published: list[str] = field(default_factory=list)
    withheld: dict[str, str] = field(default_factory=dict)  # lang -> why
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # stale pages of a withheld language
    pages: int = 0
    notes: list[str] = field(default_factory=list)  # rejected translations, unreadable catalogs


@dataclass(frozen=True)
class Site:
    """What every page needs to know about the whole site."""

    base_url: str
    source: Language
    languages: tuple[Language, ...]  # published, source first
    documents: tuple[Document, ...]

    def url(self, lang: str, slug: str) -> str:
        return f"{self.base_url}{lang}/{slug}.html"


@dataclass
class RenderMemo:
    """What an incremental build keeps between renders, under ``.l10n/``."""

    directory: Path  # each language's screened catalogs (see load_translations)
    # output file -> "fingerprint size mtime_ns", see OutputFiles
    outputs: dict[str, str] = field(default_factory=dict)


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

    ``languages`` limits the target languages this build considers; pages of the
    others are left as they are. ``documents`` and ``segments`` (pages' and
    UI's, as extracted) save reading the sources again. With a ``memo``, a page
    whose inputs have the fingerprint recorded when it was written, and which is
    still as it was left, is not rendered again.
    """
    report = BuildReport()
    documents = list(documents) if documents is not None else read_documents(config)
    if segments is None:
        segments = [s for document in documents for s in document_segments(document)]
        segments += ui_segments(config)
    page_segments: dict[str, list[Segment]] = {}
    for segment in segments:
        page_segments.setdefault(segment.file, []).append(segment)
    ui_all = [s.msgid for s in segments if s.role == "ui"]
    ui_msgids = list(dict.fromkeys(s.msgid for s in segments if s.role == "ui" and not s.msgctxt))
    considered = list(languages if languages is not None else config.languages)
    cache = memo.directory if memo is not None else None
    plans: list[LanguagePlan] = []
    for lang in considered:
        plan, errors = plan_language(
            config,
            lang,
            documents,
            ui_msgids,
            include_machine,
            page_segments=page_segments,
            cache=cache,
        )
        report.notes += errors
        plans.append(plan)
        if not plan.published:
            report.withheld[lang] = plan.why_withheld
    published = [p for p in plans if p.published]
    site = Site(
        base_url=config.base_url.rstrip("/") + "/",
        source=Language.of(config.source_language),
        languages=(Language.of(config.source_language), *(p.language for p in published)),
        documents=tuple(documents),
    )
    report.published = [language.code for language in site.languages]
    env = environment(config)
    files = OutputFiles(config.output_path, memo.outputs if memo is not None else None)
    site_key = fingerprint(
        config.base_url,
        config.source_language,
        config.ui_domain,
        config.check.mt_policy,
        sorted(config.check.disable),
        include_machine,
        [language.code for language in site.languages],
        [(d.file, d.slug, d.title, d.order, d.updated) for d in documents],
        folder_digest(config.templates_path),
    )
    for translations in [None, *(p.translations for p in published)]:
        lang = translations.lang if translations is not None else site.source.code
        navigation = Navigation(env, site, translations)
        ui = [_choose_ui(translations, config.ui_domain, msgid) for msgid in ui_all]
        language_key = fingerprint(
            site_key, lang, navigation.labels, ui, _digest_of(translations, config.ui_domain)
        )
        for document in documents:
            relative = f"{lang}/{document.slug}.html"
            key = fingerprint(
                language_key,
                document.file,
                document.text,
                [
                    _choose(translations, document, s.msgid)
                    for s in page_segments.get(document.file, ())
                ],
                _digest_of(translations, document.domain),
            )
            if not files.current(relative, key):
                page = render_page(env, config, site, document, translations, navigation)
                files.write(relative, page.html, key)
            report.pages += 1
        if translations is not None:
            report.notes += list(translations.rejected)
    if not files.current("index.html", site_key):
        files.write("index.html", render_chooser(env, config, site), site_key)
    if not files.current("sitemap.xml", site_key):
        files.write("sitemap.xml", sitemap(site), site_key)
    _write_assets(config, files)

    from pipeline.site.status import write_status  # the status page reads this module's plans

    write_status(config, env, plans, files, site_key)
    others = set(config.languages) - set(considered)
    report.removed = files.finish(keep=lambda relative: relative.split("/")[0] in others)
    report.written = files.written
    return report


def fingerprint(*inputs: object) -> str:
    """A digest of everything an output depends on; each input must have a stable ``repr``."""
    return hashlib.sha256(repr(inputs).encode("utf-8")).hexdigest()


def folder_digest(folder: Path) -> str:
    """The names and bytes of every file under ``folder`` (the page templates and assets)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return fingerprint(
        [
            (p.relative_to(folder).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
            for p in files
        ]
    )


def _digest_of(translations: Translations | None, domain: str) -> str | None:
    return translations.digests.get(domain) if translations is not None else None


def _choose_ui(translations: Translations | None, domain: str, msgid: str) -> Choice:
    return (
        translations.choose(domain, msgid)
        if translations is not None
        else Choice(msgid, Status.REVIEWED)
    )


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


class Navigation:
    """The list of pages every page of one language shows, rendered once for the language.

    Rendering that list for each page would make a build grow with the square
    of the number of pages; a page only swaps in its own item, marked current.
    The items are rendered on first use: a rebuild with nothing to write needs
    only the labels, for the fingerprint.
    """

    def __init__(
        self, env: jinja2.Environment, site: Site, translations: Translations | None
    ) -> None:
        self.labels = tuple(_choose(translations, d, d.title) for d in site.documents)
        self._template = env.get_template("nav_item.html")
        self._site = site
        self._positions = {d.slug: number for number, d in enumerate(site.documents)}
        self._items: list[str] = []

    def _item(self, number: int, current: bool) -> str:
        return self._template.render(
            slug=self._site.documents[number].slug,
            label=self.labels[number],
            current=current,
            source_language=self._site.source.code,
        )

    def for_page(self, slug: str) -> Markup:
        """The rendered items (each autoescaped by its template), ``slug``'s marked current."""
        if not self._items:
            self._items = [self._item(number, False) for number in range(len(self.labels))]
        number = self._positions[slug]
        before, after = "".join(self._items[:number]), "".join(self._items[number + 1 :])
        return Markup(before + self._item(number, True) + after)


def render_page(
    env: jinja2.Environment,
    config: Config,
    site: Site,
    document: Document,
    translations: Translations | None,
    navigation: Navigation,
) -> RenderedPage:
    """One page in one language (the source language when ``translations`` is None),
    with ``navigation``, the language's page list."""
    lang = translations.lang if translations is not None else site.source.code
    language = next(item for item in site.languages if item.code == lang)
    body = render_body(document, translations, lang)
    title = _choose(translations, document, document.title)
    description = _choose(translations, document, document.description)
    content_choices = [title, description, *(c for _, c in body.choices)]
    machine = any(c.status is Status.MACHINE for c in content_choices)
    ui_seen: list[Choice] = []
    context = {
        "lang": lang,
        "dir": language.direction,
        "page": document,
        "title": title,
        "description": description,
        "body": body.html,
        "has_fallback": any(c.status is Status.FALLBACK for c in content_choices),
        "machine": machine,
        "updated": format_date(document.updated, "long", locale=lang) if document.updated else "",
        "updated_iso": document.updated.isoformat() if document.updated else "",
        "languages": site.languages,
        "nav": navigation.for_page(document.slug),
        "canonical": site.url(lang, document.slug),
        "alternates": [(item.code, site.url(item.code, document.slug)) for item in site.languages],
        "x_default": site.url(site.source.code, document.slug),
        "source_language": site.source.code,
    }
    template = env.get_template("page.html")
    html = template.render(**context, **ui_callables(translations, config.ui_domain, ui_seen))
    return RenderedPage(lang, html, (*content_choices, *ui_seen))


def render_chooser(env: jinja2.Environment, config: Config, site: Site) -> str:
    """``output/index.html``: every published language, named in itself; no JavaScript needed."""
    first = site.documents[0].slug if site.documents else "index"
    return env.get_template("index.html").render(
        languages=site.languages,
        first=first,
        codes=[language.code for language in site.languages],
        source_language=site.source.code,
        alternates=[(item.code, site.url(item.code, first)) for item in site.languages],
        x_default=f"{site.base_url}index.html",
        **ui_callables(None, config.ui_domain),
    )


SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def sitemap(site: Site) -> bytes:
    """``sitemap.xml``: every page of every published language, with its hreflang alternates."""
    etree.register_namespace("", SITEMAP_NS)
    etree.register_namespace("xhtml", XHTML_NS)
    urlset = etree.Element(f"{{{SITEMAP_NS}}}urlset")
    for document in site.documents:
        for language in site.languages:
            url = etree.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
            etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = site.url(
                language.code, document.slug
            )
            if document.updated:
                etree.SubElement(
                    url, f"{{{SITEMAP_NS}}}lastmod"
                ).text = document.updated.isoformat()
            targets = [(item.code, site.url(item.code, document.slug)) for item in site.languages]
            targets.append(("x-default", site.url(site.source.code, document.slug)))
            for hreflang, href in targets:
                etree.SubElement(
                    url,
                    f"{{{XHTML_NS}}}link",
                    rel="alternate",
                    hreflang=hreflang,
                    href=href,
                )
    etree.indent(urlset)
    data: bytes = etree.tostring(urlset, xml_declaration=True, encoding="UTF-8")
    return data + b"\n"


def _write_assets(config: Config, files: OutputFiles) -> None:
    assets = config.templates_path / "assets"
    for source in sorted(assets.rglob("*")) if assets.is_dir() else []:
        if source.is_file():
            files.write(f"assets/{source.relative_to(assets).as_posix()}", source.read_bytes())
