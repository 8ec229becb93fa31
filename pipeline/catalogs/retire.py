"""Retired catalogs: the files of a domain no page makes any more.

A page renamed, moved, merged into another or deleted leaves its template and
its catalogs behind. :func:`find_retired` finds them and the live page that
took most of their text (its successor, where the old URL now leads). The
update carries their translations across first (see
:mod:`~pipeline.catalogs.compendium`); the build then puts their units in the
memory, and only then :func:`remove_retired` deletes the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Config
from pipeline.model import Catalog
from pipeline.po.reader import read_catalog
from pipeline.po.syntax import CatalogSyntaxError

# A retired page leads to the live page holding at least this share of its entries.
SUCCESSOR_SHARE = 0.5


@dataclass
class RetiredDomain:
    """A domain whose files are on disk while no page makes it."""

    domain: str
    template: Path | None  # its .pot, if still there
    catalogs: dict[str, Path] = field(default_factory=dict)  # lang -> .po, languages considered
    successor: str | None = None  # the live domain that took most of its text


def find_retired(
    config: Config, templates: Mapping[str, Catalog], languages: Sequence[str]
) -> list[RetiredDomain]:
    """Every domain with files on disk (a template, or a catalog of ``languages``) that
    ``templates`` lack, with its successor among the pages' templates."""
    found: dict[str, RetiredDomain] = {}
    for domain, path in config.template_files().items():
        if domain not in templates:
            found[domain] = RetiredDomain(domain, path)
    for lang in languages:
        for domain, path in config.catalog_files(lang).items():
            if domain not in templates:
                found.setdefault(domain, RetiredDomain(domain, None)).catalogs[lang] = path
    pages = {d: t for d, t in templates.items() if d != config.ui_domain}
    retired = [found[domain] for domain in sorted(found)]
    for item in retired:
        item.successor = _successor(_old_keys(item), pages)
    return retired


def _old_keys(item: RetiredDomain) -> set[tuple[str | None, str]]:
    """The messages the retired domain had: its template's, or else its catalogs'."""
    for path in [*([item.template] if item.template else []), *item.catalogs.values()]:
        try:
            return {e.key for e in read_catalog(path).active() if not e.is_header}
        except (CatalogSyntaxError, OSError):
            continue
    return set()


def _successor(old: set[tuple[str | None, str]], pages: Mapping[str, Catalog]) -> str | None:
    """The page whose template holds the most of ``old``, if at least :data:`SUCCESSOR_SHARE`."""
    if not old:
        return None
    shared = {
        domain: len(old & {entry.key for entry in template.active()})
        for domain, template in pages.items()
    }
    best = max(sorted(shared), key=lambda domain: shared[domain], default=None)
    if best is None or shared[best] < SUCCESSOR_SHARE * len(old):
        return None
    return best


def remove_retired(config: Config, item: RetiredDomain, langs: Sequence[str]) -> list[Path]:
    """Delete the catalogs of ``langs``, then the template once no language has a catalog.

    Folders left empty are removed too. Returns the files removed.
    """
    removed: list[Path] = []
    for lang in langs:
        path = item.catalogs.get(lang)
        if path is not None and path.is_file():
            path.unlink()
            removed.append(path)
            _remove_empty_folders(path.parent, config.catalog_folder(lang))
    others = [lang for lang in config.languages if config.catalog_path(lang, item.domain).exists()]
    if item.template is not None and item.template.is_file() and not others:
        item.template.unlink()
        removed.append(item.template)
        _remove_empty_folders(item.template.parent, config.templates_folder)
    return removed


def _remove_empty_folders(folder: Path, top: Path) -> None:
    while folder != top and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
