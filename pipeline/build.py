"""``l10n build``: extract -> update -> (memory sync) -> render, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .catalog import UpdateReport, ui_segments, update_catalogs
from .config import Config
from .memory import TranslationMemoryError, open_memory
from .model import Segment
from .pages import BuildReport, render_site
from .prefill import remember_reviewed
from .segment import read_segments


@dataclass
class BuildOutcome:
    update: UpdateReport
    site: BuildReport
    remembered: int = 0
    memory_error: str = ""

    @property
    def errors(self) -> list[str]:
        return self.update.errors + ([self.memory_error] if self.memory_error else [])


def extract(config: Config) -> list[Segment]:
    """Every segment of the project: the pages' blocks, then the templates' UI strings."""
    return [*read_segments(config), *ui_segments(config)]


def build(
    config: Config,
    *,
    include_machine: bool = False,
    languages: Sequence[str] | None = None,
) -> BuildOutcome:
    update = update_catalogs(config, extract(config), languages)
    remembered, memory_error = 0, ""
    try:
        with open_memory(config.memory_location) as memory:
            remembered = remember_reviewed(
                config, memory, [merge.catalog for merge in update.merges.values()]
            )
    except TranslationMemoryError as error:
        memory_error = f"translation memory: {error}"
    site = render_site(config, include_machine=include_machine, languages=languages)
    return BuildOutcome(update, site, remembered, memory_error)
