"""Keeping the memory in step with the catalogs: what a build records after each update."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import machine_sent, origin_knowing
from pipeline.memory.sentences import sentence_units
from pipeline.memory.units import LookupContext, Unit, placed_entries, placed_units, unit_digest
from pipeline.model import Catalog, Entry, Origin
from pipeline.text.kept_splits import CarryingSplits, absorb_splits
from pipeline.workers import in_processes

# Per catalog ("lang/domain"): the digests of its entries as they were last put in the memory.
SyncRecord = MutableMapping[str, frozenset[bytes]]


def remember_reviewed(
    config: Config,
    memory: TranslationMemory,
    catalogs: Sequence[Catalog],
    record: SyncRecord | None = None,
    meanwhile: Callable[[], object] | None = None,
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
    transaction per catalog was most of what syncing a new site cost. Aligning many
    entries (a first build's sync) is spread over the cores; ``meanwhile`` is then called
    here while they work (:func:`~pipeline.workers.in_processes`).
    """
    source = config.source_language
    by_domain = sorted((c for c in catalogs if c.lang), key=lambda c: c.domain)
    synced = [_Synced.of(catalog, record) for catalog in by_domain]
    aligned = _aligned_sentences(synced, source, meanwhile)
    added = 0
    pending: list[Unit] = []
    recorded: dict[str, frozenset[bytes]] = {}  # for the catalogs in ``pending``
    for item, sentences in zip(synced, aligned, strict=True):
        lang = item.catalog.lang
        assert lang is not None  # for mypy: templates were left out above
        origins = _origins(memory, [entry for entry, _ in item.changed], source, lang)
        pending += placed_units(item.changed, source, lang, origins)
        pending += sentences
        recorded[item.key] = item.digests
        if len(pending) >= SYNC_BATCH:
            added += _commit(memory, pending, recorded, record)
    return added + _commit(memory, pending, recorded, record)


@dataclass
class _Synced:
    """What of one catalog goes into the memory."""

    catalog: Catalog
    key: str  # "lang/domain"
    changed: list[tuple[Entry, LookupContext]]  # entries whose block unit is stored again
    to_align: list[Entry]  # entries whose text or translation changed: aligned again
    digests: frozenset[bytes]  # of every entry as synced now, for the record

    @classmethod
    def of(cls, catalog: Catalog, record: SyncRecord | None) -> _Synced:
        key = f"{catalog.lang}/{catalog.domain}"
        placed = list(placed_entries(catalog))
        # A block unit holds its neighbours, a sentence unit does not: an entry next to an
        # edited one gets its block unit again but is not split and aligned again.
        blocks = [unit_digest(entry, context) for entry, context in placed]
        texts = [unit_digest(entry, None) for entry, _ in placed]
        known = record.get(key, frozenset()) if record is not None else frozenset()
        changed = [p for p, d in zip(placed, blocks, strict=True) if d not in known]
        to_align = [p[0] for p, d in zip(placed, texts, strict=True) if d not in known]
        return cls(catalog, key, changed, to_align, frozenset(blocks + texts))


# Entries to align from which the work is spread over the cores (a first build's sync).
ALIGN_IN_PROCESSES = 1_000


def _aligned_sentences(
    synced: list[_Synced], source: str, meanwhile: Callable[[], object] | None = None
) -> list[list[Unit]]:
    """The sentence units of each catalog's entries to align, in the order of ``synced``.

    A domain's catalogs are aligned together, so that the source blocks every language
    aligns against are split into sentences once (the split is cached).
    """
    domains: dict[str, list[int]] = {}
    for number, item in enumerate(synced):
        domains.setdefault(item.catalog.domain, []).append(number)
    jobs = [
        [_alignment_job(synced[number]) for number in numbers]
        for _, numbers in sorted(domains.items())
    ]
    work = sum(len(item.to_align) for item in synced)
    # The splits made in worker processes come back to be kept (see pipeline.text.kept_splits).
    align = CarryingSplits(functools.partial(_align_domain, source))
    done = absorb_splits(
        in_processes(align, jobs, worth_it=work >= ALIGN_IN_PROCESSES, meanwhile=meanwhile)
    )
    aligned: list[list[Unit]] = [[] for _ in synced]
    for (_, numbers), units in zip(sorted(domains.items()), done, strict=True):
        for number, found in zip(numbers, units, strict=True):
            aligned[number] = found
    return aligned


def _alignment_job(item: _Synced) -> Catalog:
    # Only what aligning reads goes to a worker process: the entries to align.
    catalog = item.catalog
    return Catalog(item.to_align, lang=catalog.lang, domain=catalog.domain)


def _align_domain(source: str, catalogs: list[Catalog]) -> list[list[Unit]]:
    return [list(sentence_units(catalog, source, catalog.entries)) for catalog in catalogs]


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
