"""A language's catalogs read and screened (:func:`load_translations`), unchanged files from cache.

Each catalog's usable entries are kept by the digest of its bytes with the settings
that screening depends on (:mod:`pipeline.site.memo`), so a rebuild parses only the
files that changed, and QA-checks only the entries that changed in them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.checks.langid import Answers, LanguageIdentifier
from pipeline.checks.plurals import plural_sources
from pipeline.checks.review import project_memory, required_state
from pipeline.checks.run import keep_langid_answers, project_identifier, project_waivers, qa_context
from pipeline.checks.waivers import Waivers
from pipeline.config import Config
from pipeline.files import read_bounded
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import awaits_machine_knowledge, machine_sent
from pipeline.model import Catalog
from pipeline.po.reader import parse_catalog, read_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.site.choose import Screened, Translations, screen
from pipeline.site.memo import ScreenedFiles, load_screened, save_screened
from pipeline.text.glossary import Glossary, GlossaryError, project_glossary
from pipeline.text.languages import base_language
from pipeline.text.limits import MAX_CATALOG_BYTES


def load_translations(
    config: Config,
    lang: str,
    include_machine: bool = False,
    cache: Path | None = None,
    answers: list[Answers] | None = None,
) -> tuple[Translations, list[str]]:
    """Every catalog of ``lang``, QA-checked; unreadable ones are reported and fall back.

    With a ``cache`` folder, each file's screened entries are kept there by the
    digest of its bytes, and an unchanged file is neither parsed nor checked again.
    The language identifier's answers are kept for the next run; with ``answers``,
    they are put there instead, for :func:`keep_answers` (several processes screening
    at once would each write the file over the others').
    """
    translations = Translations(lang, include_machine, config.source_language)
    errors: list[str] = []
    settings = _screening_settings(config, include_machine)
    cache_file = cache / f"translations-{lang}.pickle" if cache is not None else None
    cached = load_screened(cache_file, settings)
    screener = _Screener(config, lang, include_machine)
    kept: ScreenedFiles = {}
    changed = False
    for domain, path in config.catalog_files(lang).items():
        try:
            data = read_bounded(path, MAX_CATALOG_BYTES, config.root)
        except OSError as error:
            errors.append(f"{config.relative(path)}: {error.strerror or error}")
            continue
        digest = hashlib.sha256(data).hexdigest()
        # The template says which entries are plural messages: a file is screened again
        # when its own template changed, but its unchanged entries keep their verdicts.
        key = f"{digest} {_template_digest(config, domain)}"
        known = cached.get(domain)
        if known is not None and known[0] == key:
            screened = known[1]
        else:
            try:
                screened = screener.screen(
                    path, domain, data, known[1] if known is not None else None
                )
            except CatalogSyntaxError as error:
                # In the form the update reports it, so the build says it once.
                errors.append(f"{config.relative(path)}:{error.line}: {error.reason}")
                continue
            changed = True
        kept[domain] = (key, screened)
        translations.digests[domain] = digest
        translations.absorb(domain, screened)
    if cache_file is not None and (changed or kept.keys() != cached.keys()):
        save_screened(cache_file, settings, kept)
    screener.finish(answers)
    return translations, errors


def keep_answers(config: Config, answers: list[Answers]) -> None:
    """The identifier answers other processes gave (see :func:`load_translations`), kept."""
    kept = project_identifier(config, _build_glossary(config))
    for found in answers:
        kept.absorb(found)
    keep_langid_answers(config, kept)


def load_language_models(config: Config) -> None:
    """The language identifier's models loaded in this process, when the project checks
    the language of translations (see :meth:`LanguageIdentifier.load_models`)."""
    if "language" not in config.check.disable:
        project_identifier(config, _build_glossary(config)).load_models()


def _digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _screening_settings(config: Config, include_machine: bool) -> tuple[object, ...]:
    """Everything but a catalog's bytes that its screening depends on."""
    return (
        include_machine,
        config.source_language,
        config.languages,
        config.check,
        _digest(config.glossary_path),
        _digest(config.root / config.check.waivers),
        # What the memory says the machine sent is not part of the key: it is recorded when
        # the machine's text is written into a catalog, so the catalog's bytes change with it.
        repr(config.review),
    )


class _Screener:
    """Parses and QA-checks one catalog file with the checks ``l10n check`` runs, language
    identification included; reads the glossary, the waivers and the language models only
    when a file needs them (the identifier's answers are kept beside the memory)."""

    def __init__(self, config: Config, lang: str, include_machine: bool) -> None:
        self.config = config
        self.lang = lang
        self.include_machine = include_machine
        self.glossary: Glossary | None = None
        self.waivers = Waivers.empty()
        self.identifier: LanguageIdentifier | None = None
        self.memory: TranslationMemory | None = None
        self.memory_opened = False

    def screen(
        self, path: Path, domain: str, data: bytes, earlier: Screened | None = None
    ) -> Screened:
        """The file's entries screened; those unchanged since ``earlier`` are not checked again."""
        config = self.config
        file = config.relative(path)
        if self.glossary is None:
            self.glossary = _build_glossary(config)
            self.waivers = project_waivers(config, [])  # a broken file: `l10n check` says so
            if "language" not in config.check.disable:
                self.identifier = project_identifier(config, self.glossary)
        catalog = _parse(data, path, self.lang, domain)
        # Only plural messages are compared with the template: without any, it is not read.
        has_plurals = any(entry.msgid_plural is not None for entry in catalog.active())
        plurals = plural_sources(_template(config, domain) if has_plurals else None)
        if self.identifier is not None:
            # The texts the checks will read (a proposal is not checked unless shown).
            self.identifier.prepare(
                (text, base_language(self.lang))
                for entry in catalog.active()
                if not entry.is_header
                and entry.has_translation
                and (self.include_machine or not entry.fuzzy)
                for text in entry.translations
                if text
            )
        context = qa_context(
            config,
            self.lang,
            domain,
            file,
            self.identifier,
            self.glossary,
            self.waivers,
            required=required_state(config.review.publish_level(domain)),
            sent_by_machine=self.machine_sent(catalog),
        )
        if earlier is None:
            return screen(catalog, file, context, self.include_machine, plurals)
        words = {key: count for key, _, count in earlier.states}
        return screen(
            catalog, file, context, self.include_machine, plurals, earlier.verdicts, words
        )

    def machine_sent(self, catalog: Catalog) -> dict[str, frozenset[str]]:
        """What the memory says the machine sent, asked only when an entry needs to know."""
        if not any(awaits_machine_knowledge(entry) for entry in catalog.active()):
            return {}
        if not self.memory_opened:
            self.memory, self.memory_opened = project_memory(self.config), True
        return machine_sent(self.memory, catalog.active(), self.config.source_language, self.lang)

    def finish(self, answers: list[Answers] | None = None) -> None:
        """Keep the language answers for the next build and ``l10n check`` (or put them in
        ``answers``); close the memory."""
        if self.identifier is not None and answers is not None:
            answers.append(self.identifier.answers())
        elif self.identifier is not None:
            keep_langid_answers(self.config, self.identifier)
        if self.memory is not None:
            self.memory.close()


def _template(config: Config, domain: str) -> Catalog | None:
    """The domain's template, which says what the plural messages are; None if unreadable."""
    try:
        return read_catalog(config.template_path(domain), None, domain, root=config.root)
    except (CatalogSyntaxError, OSError):
        return None


def _template_digest(config: Config, domain: str) -> str:
    """The bytes of the domain's template, on which the screening of plural entries depends.

    Each language asks: a template unchanged on disk since it was read is not read again.
    """
    path = config.template_path(domain)
    try:
        found = path.stat()
    except OSError:
        return ""
    version = (str(path), found.st_ino, found.st_size, found.st_mtime_ns)
    if version not in _TEMPLATE_DIGESTS:
        try:
            data = read_bounded(path, MAX_CATALOG_BYTES, config.root)
        except OSError:
            return ""
        if len(_TEMPLATE_DIGESTS) > 100_000:  # a long-lived process (l10n serve)
            _TEMPLATE_DIGESTS.clear()
        _TEMPLATE_DIGESTS[version] = hashlib.sha256(data).hexdigest()
    return _TEMPLATE_DIGESTS[version]


# (path, inode, size, mtime) -> SHA-256 of the template's bytes
_TEMPLATE_DIGESTS: dict[tuple[str, int, int, int], str] = {}


def _build_glossary(config: Config) -> Glossary:
    """The project's glossary; a broken one counts as empty here and `l10n check` reports it."""
    try:
        return project_glossary(config)
    except GlossaryError:
        return Glossary.empty()


def _parse(data: bytes, path: Path, lang: str, domain: str) -> Catalog:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return read_catalog(path, lang, domain)  # which names the file, line and charset
    return parse_catalog(text, str(path), lang, domain)
