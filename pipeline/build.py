"""``l10n build``: extract -> update -> (memory sync) -> render, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .catalog import UpdateReport, ui_segments, update_catalogs
from .config import Config
from .memory import TranslationMemory, TranslationMemoryError, open_memory
from .model import Segment
from .pages import BuildReport, render_site
from .prefill import remember_reviewed
from .segment import read_segments
from .sentences import leverage_for


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
    remembered, memory_error = 0, ""
    memory: TranslationMemory | None = None
    try:
        memory = open_memory(config.memory_location)
    except TranslationMemoryError as error:
        # Without the memory, sentences of the previous version still carry over.
        memory_error = f"translation memory: {error}"
    try:
        leverage = leverage_for(config.source_language, memory, config.memory_threshold)
        update = update_catalogs(config, extract(config), languages, leverage_for=leverage)
        if memory is not None:
            catalogs = [merge.catalog for merge in update.merges.values()]
            try:
                remembered = remember_reviewed(config, memory, catalogs)
            except TranslationMemoryError as error:
                memory_error = f"translation memory: {error}"
    finally:
        if memory is not None:
            memory.close()
    site = render_site(config, include_machine=include_machine, languages=languages)
    return BuildOutcome(update, site, remembered, memory_error)
