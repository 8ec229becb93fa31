"""``l10n build``: extract -> update -> (memory sync) -> render, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .catalog import UpdateReport, ui_segments, update_catalogs
from .config import Config
from .pages import BuildReport, render_site
from .segment import read_segments


@dataclass
class BuildOutcome:
    update: UpdateReport
    site: BuildReport

    @property
    def errors(self) -> list[str]:
        return self.update.errors


def extract(config: Config) -> list:  # type: ignore[type-arg]
    """Every segment of the project: the pages' blocks, then the templates' UI strings."""
    return [*read_segments(config), *ui_segments(config)]


def build(
    config: Config,
    *,
    include_machine: bool = False,
    languages: Sequence[str] | None = None,
) -> BuildOutcome:
    update = update_catalogs(config, extract(config), languages)
    site = render_site(config, include_machine=include_machine, languages=languages)
    return BuildOutcome(update, site)
