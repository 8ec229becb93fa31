"""A language's catalogs read and screened (:func:`load_translations`), unchanged files from cache.

Each catalog's usable entries are kept by the digest of its bytes with the settings
that screening depends on (:mod:`pipeline.site.memo`), so a rebuild parses only the
files that changed, and QA-checks only the entries that changed in them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.checks.framework import QAContext
from pipeline.config import Config
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
    for path in sorted((config.locales_path / lang / "LC_MESSAGES").glob("*.po")):
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        known = cached.get(path.name)
        if known is not None and known[0] == digest:
            screened = known[1]
        else:
            try:
                screened = screener.screen(path, data, known[1] if known is not None else None)
            except CatalogSyntaxError as error:
                errors.append(str(error))
                continue
        kept[path.name] = (digest, screened)
        translations.digests[path.stem] = digest
        translations.absorb(path.stem, screened)
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
    return (
        include_machine,
        config.source_language,
        config.check.mt_policy,
        tuple(sorted(config.check.disable)),
        glossary_digest,
    )


class _Screener:
    """Parses and QA-checks one catalog file; reads the glossary only when a file needs it."""

    def __init__(self, config: Config, lang: str, include_machine: bool) -> None:
        self.config = config
        self.lang = lang
        self.include_machine = include_machine
        self.glossary: Glossary | None = None

    def screen(self, path: Path, data: bytes, earlier: Screened | None = None) -> Screened:
        """The file's entries screened; those unchanged since ``earlier`` are not checked again."""
        config = self.config
        file = config.relative(path)
        if self.glossary is None:
            self.glossary = _build_glossary(config)
        context = QAContext(
            lang=self.lang,
            domain=path.stem,
            file=file,
            source_language=config.source_language,
            identifier=None,  # language identification costs seconds; `l10n check` runs it
            glossary=self.glossary,
            mt_policy=config.check.mt_policy,
            disabled=frozenset(config.check.disable),
        )
        verdicts = earlier.verdicts if earlier is not None else None
        return screen(_parse(data, path, self.lang), file, context, self.include_machine, verdicts)


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
