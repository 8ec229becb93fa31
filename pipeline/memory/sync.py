"""Keeping the memory in step with the catalogs: what a build records after each update."""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence

from pipeline.config import Config
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import machine_sent, origin_knowing
from pipeline.memory.sentences import sentence_units
from pipeline.memory.units import Unit, placed_entries, placed_units, unit_digest
from pipeline.model import Catalog, Entry, Origin

# Per catalog ("lang/domain"): the digests of its entries as they were last put in the memory.
SyncRecord = MutableMapping[str, frozenset[bytes]]


def remember_reviewed(
    config: Config,
    memory: TranslationMemory,
    catalogs: Sequence[Catalog],
    record: SyncRecord | None = None,
) -> int:
    """Put every reviewed entry of ``catalogs`` into the memory; return how many units were new.

    Run on every build, so the memory never lags behind the catalogs; the
    catalogs stay the source of truth (``l10n tm rebuild`` recreates it).
    The sentences aligned inside each reviewed block are stored too (level
    ``sentence``), for :mod:`pipeline.memory.sentences` to reuse when a block changes.

    With a ``record`` of the last sync, only entries whose text, translation,
    flags, comments or neighbours changed since then are put in again (an edit
    costs what it changed, not what the catalog holds); the record is brought
    up to date for the catalogs of each transaction as it is committed. The
    units of many catalogs go in one transaction (:data:`SYNC_BATCH`): one
    transaction per catalog was most of what syncing a new site cost.
    """
    # One domain's catalogs one after the other: the source blocks every language
    # aligns against are then split into sentences once and found in the cache by
    # the other languages.
    by_domain = sorted((c for c in catalogs if c.lang), key=lambda c: c.domain)
    source = config.source_language
    added = 0
    pending: list[Unit] = []
    recorded: dict[str, frozenset[bytes]] = {}  # for the catalogs in ``pending``
    for catalog in by_domain:
        assert catalog.lang is not None  # for mypy: templates were left out above
        key = f"{catalog.lang}/{catalog.domain}"
        placed = list(placed_entries(catalog))
        # A block unit holds its neighbours, a sentence unit does not: an entry next to an
        # edited one gets its block unit again but is not split and aligned again.
        blocks = [unit_digest(entry, context) for entry, context in placed]
        texts = [unit_digest(entry, None) for entry, _ in placed]
        known = record.get(key, frozenset()) if record is not None else frozenset()
        changed = [p for p, d in zip(placed, blocks, strict=True) if d not in known]
        origins = _origins(memory, [entry for entry, _ in changed], source, catalog.lang)
        pending += placed_units(changed, source, catalog.lang, origins)
        pending += sentence_units(
            catalog, source, (p[0] for p, d in zip(placed, texts, strict=True) if d not in known)
        )
        recorded[key] = frozenset(blocks + texts)
        if len(pending) >= SYNC_BATCH:
            added += _commit(memory, pending, recorded, record)
    return added + _commit(memory, pending, recorded, record)


# Units put in the memory in one transaction, at least (a catalog's are never split).
SYNC_BATCH = 20_000


def _commit(
    memory: TranslationMemory,
    pending: list[Unit],
    recorded: dict[str, frozenset[bytes]],
    record: SyncRecord | None,
) -> int:
    """Add the pending units in one transaction, then record their catalogs as synced."""
    added = memory.add(pending) if pending else 0
    if record is not None:
        record.update(recorded)
    pending.clear()
    recorded.clear()
    return added


def _origins(
    memory: TranslationMemory, entries: Iterable[Entry], source: str, lang: str
) -> Callable[[Entry], Origin]:
    """Who each entry is from; a machine proposal a translator edited is the translator's."""
    return origin_knowing(machine_sent(memory, entries, source, lang))
