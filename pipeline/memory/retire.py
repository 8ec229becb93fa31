"""Retiring the catalogs of a page that is gone: their units into the memory, then the files out.

The files are removed only once the memory holds every reviewed unit of
them; a catalog that cannot be read, or a memory that cannot be written,
leaves all of the domain's files where they are, and the run says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.catalogs.retire import RetiredDomain, remove_retired
from pipeline.config import Config
from pipeline.memory.base import TranslationMemory
from pipeline.memory.sync import remember_reviewed
from pipeline.memory.units import TranslationMemoryError
from pipeline.model import Catalog
from pipeline.po.reader import read_catalog
from pipeline.po.syntax import CatalogSyntaxError


@dataclass
class Retirement:
    """What became of one retired domain."""

    domain: str
    successor: str | None  # the live page that took most of its text
    units: int = 0  # reviewed entries of its catalogs, now in the memory
    removed: list[Path] = field(default_factory=list)
    error: str = ""  # why its files were kept ("" when retired)

    def summary(self, relative: Callable[[Path], str]) -> str:
        files = ", ".join(relative(path) for path in self.removed)
        return (
            f"retired {self.domain}: {self.units} reviewed entries are in the translation memory; "
            f"removed {files}"
        )


def retire_catalogs(
    config: Config, memory: TranslationMemory, retired: Sequence[RetiredDomain]
) -> list[Retirement]:
    """Put each retired domain's reviewed units in ``memory``, then remove its files."""
    done: list[Retirement] = []
    for item in retired:
        retirement = Retirement(item.domain, item.successor)
        done.append(retirement)
        try:
            catalogs = [
                read_catalog(path, lang, item.domain) for lang, path in item.catalogs.items()
            ]
        except CatalogSyntaxError as error:
            where = config.relative(Path(error.path))
            retirement.error = f"{where}:{error.line}: {error.reason}; not retired"
            continue
        try:
            remember_reviewed(config, memory, catalogs)
        except TranslationMemoryError as error:
            retirement.error = f"translation memory: {error}; {item.domain} not retired"
            continue
        retirement.units = sum(_reviewed(catalog) for catalog in catalogs)
        retirement.removed = remove_retired(config, item, list(item.catalogs))
    return done


def _reviewed(catalog: Catalog) -> int:
    return sum(1 for entry in catalog.active() if entry.translated and not entry.is_header)
