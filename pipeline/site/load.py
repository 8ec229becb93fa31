"""A language's catalogs read and screened (:func:`load_translations`), unchanged files from cache.

Each catalog's usable entries are kept by the digest of its bytes with the settings
that screening depends on (:mod:`pipeline.site.memo`), so a rebuild parses and
QA-checks only the files that changed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.checks.framework import QAContext
from pipeline.checks.review import project_memory, required_state
from pipeline.config import Config
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import awaits_machine_knowledge, machine_sent
from pipeline.model import Catalog
from pipeline.po.reader import parse_catalog, read_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.site.choose import Screened, Translations, screen
from pipeline.site.memo import ScreenedFiles, load_screened, save_screened
from pipeline.text.glossary import Glossary, GlossaryError, project_glossary


def load_translations(
    config: Config, lang: str, include_machine: bool = False, cache: Path | None = None
) -> tuple[Translations, list[str]]:
    """Every catalog of ``lang``, QA-checked; unreadable ones are reported and fall back.

    With a ``cache`` folder, each file's screened entries are kept there by the
    digest of its bytes, and an unchanged file is neither parsed nor checked again.
    """
    translations = Translations(lang, include_machine, config.source_language)
    errors: list[str] = []
    settings = _screening_settings(config, include_machine)
    cache_file = cache / f"translations-{lang}.pickle" if cache is not None else None
    cached = load_screened(cache_file, settings)
    screener = _Screener(config, lang, include_machine)
    kept: ScreenedFiles = {}
    for domain, path in config.catalog_files(lang).items():
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = cached.get(domain)
        if known is not None and known[0] == digest:
            screened = known[1]
        else:
            try:
                screened = screener.screen(path, domain, data)
            except CatalogSyntaxError as error:
                # In the form the update reports it, so the build says it once.
                errors.append(f"{config.relative(path)}:{error.line}: {error.reason}")
                continue
        kept[domain] = (digest, screened)
        translations.digests[domain] = digest
        translations.absorb(domain, screened)
    screener.close()
    if cache_file is not None and kept != cached:
        save_screened(cache_file, settings, kept)
    return translations, errors


def _screening_settings(config: Config, include_machine: bool) -> tuple[object, ...]:
    """Everything but a catalog's bytes that its screening depends on."""
    glossary_path = config.glossary_path
    glossary_digest = (
        hashlib.sha256(glossary_path.read_bytes()).hexdigest()
        if glossary_path is not None and glossary_path.is_file()
        else ""
    )
    # What the memory says the machine sent is not part of the key: it is recorded when the
    # machine's text is written into a catalog, so the catalog's bytes change with it.
    return (
        include_machine,
        config.source_language,
        config.check.mt_policy,
        tuple(sorted(config.check.disable)),
        glossary_digest,
        repr(config.review),
    )


class _Screener:
    """Parses and QA-checks one catalog file; reads the glossary only when a file needs it."""

    def __init__(self, config: Config, lang: str, include_machine: bool) -> None:
        self.config = config
        self.lang = lang
        self.include_machine = include_machine
        self.glossary: Glossary | None = None
        self.memory: TranslationMemory | None = None
        self.memory_opened = False

    def screen(self, path: Path, domain: str, data: bytes) -> Screened:
        config = self.config
        file = config.relative(path)
        if self.glossary is None:
            self.glossary = _build_glossary(config)
        catalog = _parse(data, path, self.lang, domain)
        context = QAContext(
            lang=self.lang,
            domain=domain,
            file=file,
            source_language=config.source_language,
            identifier=None,  # language identification costs seconds; `l10n check` runs it
            glossary=self.glossary,
            mt_policy=config.check.mt_policy,
            disabled=frozenset(config.check.disable),
            required=required_state(config.review.publish_level(domain)),
            group=config.review.group_of(domain) or "",
            machine_sent=self.machine_sent(catalog),
        )
        return screen(catalog, file, context, self.include_machine)

    def machine_sent(self, catalog: Catalog) -> dict[str, frozenset[str]]:
        """What the memory says the machine sent, asked only when an entry needs to know."""
        if not any(awaits_machine_knowledge(entry) for entry in catalog.active()):
            return {}
        if not self.memory_opened:
            self.memory, self.memory_opened = project_memory(self.config), True
        return machine_sent(self.memory, catalog.active(), self.config.source_language, self.lang)

    def close(self) -> None:
        if self.memory is not None:
            self.memory.close()


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
