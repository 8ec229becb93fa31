"""What the translation memory stores and how a lookup says where its text sits.

A :class:`Unit` is one translation with its context; a :class:`LookupContext`
is the place of the text being looked up. :func:`catalog_units` turns a
catalog's translated entries into units, recorded with the same neighbours
(:func:`placed_entries`) that a later lookup of the entry uses, so that an
unchanged entry finds its own translation "in context".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipeline.model import Catalog, Entry, Origin, PipelineError, entry_origin

LEVELS = ("block", "sentence")


class TranslationMemoryError(PipelineError):
    """The memory cannot be opened or used (bad location, newer schema, corrupt file)."""


def newer_schema_error(where: str, version: int, supported: int) -> TranslationMemoryError:
    """The error for a memory written by a newer program than this one."""
    return TranslationMemoryError(
        f"{where}: schema version {version} is newer than this program's "
        f"({supported}); upgrade l10n-pipeline"
    )


@dataclass(frozen=True)
class Unit:
    """One translation: a source text, its target, and where and how it was recorded."""

    source: str
    target: str
    source_lang: str
    target_lang: str
    origin: Origin
    msgctxt: str | None = None
    domain: str = ""
    prev: str = ""  # source text of the previous segment
    next: str = ""  # source text of the next segment
    level: str = "block"  # "block" or "sentence"
    created: str = ""  # ISO-8601 UTC; set when first stored
    updated: str = ""

    @property
    def content_hash(self) -> str:
        """Identity of a unit: the same translation in the same context is stored once."""
        parts = [
            self.source_lang,
            self.target_lang,
            self.source,
            self.target,
            self.msgctxt,  # None (no msgctxt) and "" (empty msgctxt) differ, as in gettext
            self.domain,
            self.prev,
            self.next,
            self.level,
        ]
        return hashlib.sha256(json.dumps(parts).encode("utf-8")).hexdigest()


def check_levels(units: Iterable[Unit]) -> None:
    """Refuse a batch holding a unit of unknown level (before anything of it is written)."""
    for _ in valid_levels(units):
        pass


def valid_levels(units: Iterable[Unit]) -> Iterator[Unit]:
    """``units`` as they come; a unit of unknown level raises :class:`ValueError`."""
    for unit in units:
        if unit.level not in LEVELS:
            raise ValueError(f"unit level must be one of {LEVELS}, not {unit.level!r}")
        yield unit


@dataclass(frozen=True)
class LookupContext:
    """Where a looked-up text sits; an exact match recorded in the same place is in context."""

    msgctxt: str | None = None
    domain: str = ""
    prev: str = ""
    next: str = ""


def placed_entries(catalog: Catalog) -> Iterator[tuple[Entry, LookupContext]]:
    """Each active entry of ``catalog`` (header aside) with the place it sits in.

    The neighbours are the previous and next active entries in file order; a
    unit is recorded with the same context a later lookup of its entry uses.
    """
    active = [entry for entry in catalog.active() if not entry.is_header]
    for index, entry in enumerate(active):
        context = LookupContext(
            msgctxt=entry.msgctxt,
            domain=catalog.domain,
            prev=active[index - 1].msgid if index > 0 else "",
            next=active[index + 1].msgid if index + 1 < len(active) else "",
        )
        yield entry, context


def catalog_units(
    catalog: Catalog,
    source_lang: str,
    origin_for: Callable[[Entry], Origin] = entry_origin,
) -> Iterator[Unit]:
    """The translated, not fuzzy entries of ``catalog`` as block units, neighbours as context.

    Each unit's origin is ``origin_for(entry)``: by default what the entry's
    translator comments say (:func:`pipeline.model.entry_origin`), so machine
    output that nobody reviewed is remembered as machine output, not as human.
    A plural entry gives two units: msgid → first form, msgid_plural → last form
    (one when both are the same text).
    """
    if catalog.lang is None:
        raise ValueError(f"{catalog.path or 'catalog'}: a template has no translations to remember")
    return placed_units(placed_entries(catalog), source_lang, catalog.lang, origin_for)


def placed_units(
    placed: Iterable[tuple[Entry, LookupContext]],
    source_lang: str,
    target_lang: str,
    origin_for: Callable[[Entry], Origin] = entry_origin,
) -> Iterator[Unit]:
    """:func:`catalog_units` for some of a catalog's :func:`placed_entries`."""
    for entry, context in placed:
        if not entry.translated:
            continue
        origin = origin_for(entry)
        forms = entry.translations
        pairs = [(entry.msgid, forms[0])]
        if entry.msgid_plural is not None and entry.msgid_plural != entry.msgid and len(forms) > 1:
            pairs.append((entry.msgid_plural, forms[-1]))
        for source, target in pairs:
            yield Unit(
                source,
                target,
                source_lang,
                target_lang,
                origin,
                msgctxt=context.msgctxt,
                domain=context.domain,
                prev=context.prev,
                next=context.next,
            )


def unit_digest(entry: Entry, context: LookupContext | None) -> bytes:
    """A digest of everything an entry's units are made from: its block units with the
    ``context`` they are placed in, its sentence units (which hold no neighbours) with None.

    An entry whose digest is unchanged since the last sync gives the same units
    again: the build's sync skips it.
    """
    made_from = (
        context,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        sorted(entry.msgstr_plural.items()),
        entry.flags,
        entry.translator_comments,
    )
    return hashlib.blake2b(repr(made_from).encode("utf-8"), digest_size=12).digest()
