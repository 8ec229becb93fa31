"""The translation memory's interface, and what every backend does the same way.

Translators should never translate the same sentence twice, and the project
should never pay a machine-translation engine twice for the same text, so the
memory keeps reviewed human translations (synced from the catalogs), machine
results as they arrive, and imported TMX.

:class:`TranslationMemory` validates writes and lookups once, lists units and
counts them; a backend (:mod:`pipeline.memory.sqlite`,
:mod:`pipeline.memory.postgres`) writes batches, finds candidates for a lookup
and runs queries. Every backend keeps the same two tables: ``texts`` (each
distinct source text once, with its normalised form) and ``units`` (one row per
translation, pointing at its source text).
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, ClassVar, Self

from pipeline.memory.scoring import ORIGIN_RANK, Query, normalise
from pipeline.memory.units import (
    LEVELS,
    LookupContext,
    Unit,
    catalog_units,
    check_levels,
    valid_levels,
)
from pipeline.model import Catalog, Entry, Match, Origin, OriginKind, entry_origin

_UNIT_COLUMNS = """
    t.text, t.lang, u.target, u.target_lang, u.origin, u.msgctxt, u.domain, u.prev, u.next,
    u.level, u.created, u.updated
"""

# A unit's columns in the units table after its hash and text id, in table order.
StoredValues = tuple[str, str, str | None, str, str, str, str, str, int, str, str]


def stored_values(unit: Unit, now: str) -> StoredValues:
    """What the units table holds of ``unit`` from ``target`` to ``updated``.

    A unit without dates is stored as created and updated ``now``.
    """
    return (
        unit.target,
        unit.target_lang,
        unit.msgctxt,
        unit.domain,
        unit.prev,
        unit.next,
        unit.level,
        str(unit.origin),
        ORIGIN_RANK[unit.origin.kind],
        unit.created or now,
        unit.updated or unit.created or now,
    )


@dataclass(frozen=True, order=True)
class UnitCount:
    """The number of units of one language pair, level and origin kind (``l10n tm stats``)."""

    source_lang: str
    target_lang: str
    level: str
    origin: OriginKind
    units: int


class TranslationMemory(abc.ABC):
    """A store of translation units with exact, in-context and fuzzy lookup."""

    # How the backend's SQL marks a positional parameter.
    placeholder: ClassVar[str]

    # -- writing -------------------------------------------------------------

    def add(self, units: Iterable[Unit]) -> int:
        """Store ``units`` in one transaction; return how many were new.

        Re-adding a unit is a no-op, except that a better origin (a human
        confirming a machine translation) replaces the stored one. ``units`` is
        read as it is written, a batch at a time (a TMX import of millions of
        units never holds them all); a unit of unknown level, or an error while
        ``units`` is read, rolls the whole transaction back.
        """
        return self._write(valid_levels(units), replace_human_blocks=False)

    def sync_catalog(
        self,
        catalog: Catalog,
        source_lang: str,
        origin_for: Callable[[Entry], Origin] = entry_origin,
    ) -> int:
        """Add every translated, not fuzzy entry of ``catalog``; return how many were new.

        Unreviewed machine output is added as machine output (see :func:`catalog_units`).
        """
        return self.add(catalog_units(catalog, source_lang, origin_for))

    def rebuild(self, catalogs: Iterable[Catalog], source_lang: str) -> int:
        """Replace the human block units by those of ``catalogs``; return how many were added.

        Machine, TMX and sentence units stay. Entries whose comments say they are
        unreviewed machine output come back as machine units (see :func:`catalog_units`),
        so a rebuild also demotes such text that an older sync stored as human.
        """
        units = [unit for catalog in catalogs for unit in catalog_units(catalog, source_lang)]
        check_levels(units)
        return self._write(units, replace_human_blocks=True)

    @abc.abstractmethod
    def _write(self, units: Iterable[Unit], replace_human_blocks: bool) -> int:
        """Store ``units`` (of valid levels) in one transaction; return how many were new.

        With ``replace_human_blocks``, all human block units are dropped first, in
        the same transaction.
        """

    # -- looking up ----------------------------------------------------------

    def lookup(
        self,
        source: str,
        source_lang: str,
        target_lang: str,
        context: LookupContext | None = None,
        threshold: float = 75.0,
        limit: int = 5,
        level: str = "block",
    ) -> list[Match]:
        """Proposals for ``source``, best first (see :mod:`pipeline.memory.scoring`)."""
        if level not in LEVELS:
            raise ValueError(f"lookup level must be one of {LEVELS}, not {level!r}")
        if limit < 0:
            raise ValueError(f"lookup limit must be 0 or more, not {limit}")
        norm = normalise(source)
        if not norm or limit == 0:
            return []
        return self._lookup(
            Query(source, norm, source_lang, target_lang, context, threshold, limit, level)
        )

    @abc.abstractmethod
    def _lookup(self, query: Query) -> list[Match]:
        """:meth:`lookup` for a valid query: the backend's search."""

    def lookup_many(
        self,
        sources: Sequence[str],
        source_lang: str,
        target_lang: str,
        contexts: Sequence[LookupContext | None] | None = None,
        threshold: float = 75.0,
        limit: int = 5,
        level: str = "block",
    ) -> list[list[Match]]:
        """:meth:`lookup` for many sources at once; one result list per source, in order."""
        if contexts is not None and len(contexts) != len(sources):
            raise ValueError("lookup_many: one context per source, or none")
        return [
            self.lookup(
                source,
                source_lang,
                target_lang,
                contexts[index] if contexts is not None else None,
                threshold,
                limit,
                level,
            )
            for index, source in enumerate(sources)
        ]

    # -- listing and counting ------------------------------------------------

    def units(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> Iterator[Unit]:
        """Every stored unit (optionally of one language pair), oldest first."""
        conditions: list[str] = []
        params: list[str] = []
        if source_lang is not None:
            conditions.append(f"t.lang = {self.placeholder}")
            params.append(source_lang)
        if target_lang is not None:
            conditions.append(f"u.target_lang = {self.placeholder}")
            params.append(target_lang)
        query = f"SELECT {_UNIT_COLUMNS} FROM units u JOIN texts t ON t.id = u.text_id"
        if conditions:
            query += " WHERE " + " AND ".join(conditions)
        for row in self._stream(query + " ORDER BY u.id", params):
            (
                source, slang, target, tlang, origin, msgctxt, domain, prev, next_,
                level, created, updated,
            ) = row  # fmt: skip
            yield Unit(
                source, target, slang, tlang, Origin.recorded(origin), msgctxt, domain, prev, next_,
                level, created, updated,
            )  # fmt: skip

    def stats(self) -> dict[str, int]:
        """Counts: ``units``, ``texts``, ``block``, ``sentence`` and one per origin kind."""
        counts = {
            "units": self._fetch("SELECT count(*) FROM units")[0][0],
            "texts": self._fetch("SELECT count(*) FROM texts")[0][0],
        }
        for level in LEVELS:
            counts[level] = 0
        for kind in OriginKind:
            counts[kind.value] = 0
        for level, number in self._fetch("SELECT level, count(*) FROM units GROUP BY level"):
            counts[level] = number
        for rank, number in self._fetch(
            "SELECT origin_rank, count(*) FROM units GROUP BY origin_rank"
        ):
            kind = next(k for k, r in ORIGIN_RANK.items() if r == rank)
            counts[kind.value] = number
        return counts

    def breakdown(self) -> list[UnitCount]:
        """How many units per language pair, level and origin kind, in that order."""
        kinds = {rank: kind for kind, rank in ORIGIN_RANK.items()}
        rows = self._fetch(
            "SELECT t.lang, u.target_lang, u.level, u.origin_rank, count(*)"
            " FROM units u JOIN texts t ON t.id = u.text_id"
            " GROUP BY t.lang, u.target_lang, u.level, u.origin_rank"
        )
        return sorted(
            UnitCount(source, target, level, kinds[rank], number)
            for source, target, level, rank, number in rows
        )

    @abc.abstractmethod
    def _stream(self, query: str, params: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of a read query, as they come, all from one consistent view."""

    @abc.abstractmethod
    def _fetch(self, query: str) -> list[tuple[Any, ...]]:
        """All rows of a read query without parameters."""

    # -- closing -------------------------------------------------------------

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
