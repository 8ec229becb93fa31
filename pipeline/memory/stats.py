"""``l10n tm stats``: what the memory holds, per language pair, level and origin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.memory.base import TranslationMemory, UnitCount
from pipeline.memory.scoring import ORIGIN_RANK
from pipeline.model import OriginKind

STATS_JSON_VERSION = 1


@dataclass(frozen=True)
class MemoryStats:
    counts: list[UnitCount]
    texts: int  # distinct source texts

    @classmethod
    def of(cls, memory: TranslationMemory) -> MemoryStats:
        return cls(memory.breakdown(), memory.stats()["texts"])

    @property
    def units(self) -> int:
        return sum(count.units for count in self.counts)

    def origins(self) -> list[OriginKind]:
        """The origin kinds that have units, best first."""
        present = {count.origin for count in self.counts}
        return sorted(present, key=ORIGIN_RANK.__getitem__)

    def table(self) -> tuple[list[str], list[list[str]]]:
        """A header and one row per language pair and level: units by origin, and in all."""
        origins = self.origins()
        header = ["languages", "level", *(kind.value for kind in origins), "all"]
        cells: dict[tuple[str, str, str], dict[OriginKind, int]] = {}
        for count in self.counts:
            key = (count.source_lang, count.target_lang, count.level)
            cells.setdefault(key, {})[count.origin] = count.units
        rows = [
            [f"{source} → {target}", level, *(str(by.get(kind, 0)) for kind in origins),
             str(sum(by.values()))]
            for (source, target, level), by in sorted(cells.items())
        ]  # fmt: skip
        return header, rows

    def to_json(self) -> dict[str, Any]:
        """A stable schema (``version`` 1): totals and one record per pair, level and origin."""
        return {
            "version": STATS_JSON_VERSION,
            "units": self.units,
            "texts": self.texts,
            "counts": [
                {
                    "source_lang": count.source_lang,
                    "target_lang": count.target_lang,
                    "level": count.level,
                    "origin": count.origin.value,
                    "units": count.units,
                }
                for count in self.counts
            ],
        }


def empty_memory_note(created_now: bool) -> str:
    """Why a memory holds no unit, and what fills it."""
    why = (
        "the memory was created just now (it is not kept in the repository)"
        if created_now
        else "the memory holds no unit yet"
    )
    return (
        f"{why}: `l10n build` adds every reviewed catalog entry (`l10n tm rebuild` does it at"
        " once), `l10n prefill` the machine translations, `l10n tm import FILE` a TMX file"
    )
