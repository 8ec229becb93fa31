"""Keeping the memory in step with the catalogs: what a build records after each update."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.config import Config
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import machine_sent, origin_knowing
from pipeline.memory.sentences import sentence_units
from pipeline.model import Catalog, Entry, Origin


def remember_reviewed(
    config: Config, memory: TranslationMemory, catalogs: Sequence[Catalog]
) -> int:
    """Put every reviewed entry of ``catalogs`` into the memory; return how many were new.

    Run on every build, so the memory never lags behind the catalogs; the
    catalogs stay the source of truth (``l10n tm rebuild`` recreates it).
    The sentences aligned inside each reviewed block are stored too (level
    ``sentence``), for :mod:`pipeline.memory.sentences` to reuse when a block changes.
    """
    # One domain's catalogs one after the other: the source blocks every language
    # aligns against are then split into sentences once and found in the cache by
    # the other languages. Language by language, a site whose source outgrows the
    # cache split every source block again for each language.
    by_domain = sorted((c for c in catalogs if c.lang), key=lambda c: c.domain)
    source = config.source_language
    return sum(
        memory.sync_catalog(c, source, _origins(memory, c, source))
        + memory.add(sentence_units(c, source))
        for c in by_domain
    )


def _origins(memory: TranslationMemory, catalog: Catalog, source: str) -> Callable[[Entry], Origin]:
    """Who each entry is from; a machine proposal a translator edited is the translator's."""
    return origin_knowing(machine_sent(memory, catalog.active(), source, catalog.lang or ""))
