"""The translation memory: every reviewed, machine and imported translation, looked up by source.

Translators should never translate the same sentence twice, and the project
should never pay a machine-translation engine twice for the same text, so the
memory keeps reviewed human translations (synced from the catalogs), machine
results as they arrive, and imported TMX.

:class:`TranslationMemory` is the interface; :func:`open_memory` picks the
backend from a path or URL: an embedded SQLite database by default (WAL, one
transaction per batch), or a shared PostgreSQL one (:mod:`pipeline.memory.postgres`)
for a ``postgresql://`` URL. Both score with :func:`score_candidates` and rank
with :func:`rank_matches`, so they propose the same matches in the same order.

Scoring (:meth:`TranslationMemory.lookup`)
-----------------------------------------
Texts are compared in *normalised* form: Unicode NFC, case-folded, runs of
whitespace collapsed to one space, stripped.

* ``IN_CONTEXT`` (score 101, shown as 100% "in context"): the very same source
  text, and the unit was recorded with the same msgctxt, domain and the same
  previous and next segments as the lookup context (which must be given and
  not empty).
* ``EXACT`` (score 100): the very same source text.
* ``FUZZY`` (score 99): the source differs only in case or whitespace.
* ``FUZZY`` (score ≤ 98.9): ``rapidfuzz.fuzz.ratio`` of the normalised texts
  (the normalised Indel similarity, ``2·LCS / (len(a) + len(b))``), kept when it
  is at least ``threshold``.

Among equal scores, a human origin ranks above TMX, carried-over source,
sentence reassembly and machine output; then the most recently updated unit.
Matches proposing the same target text are reported once.

Candidates for fuzzy scoring come from an index, never from a scan: each
distinct source text is indexed under its character trigrams, keyed by
(language, trigram, length). A lookup takes the query's rarest trigrams (by
document frequency, within a budget of postings), reads their postings only
for texts whose length can still reach the threshold (a ratio ≥ t needs
``t/(2-t) ≤ len(b)/len(a) ≤ (2-t)/t``), keeps the texts sharing the most of
those trigrams, and scores that bounded set.

(FTS5's ``trigram`` tokenizer was measured first: its OR queries ranked by
bm25 were slower, and it cannot prune by length inside the index.)
"""

from __future__ import annotations

import abc
import hashlib
import itertools
import json
import math
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from rapidfuzz import fuzz, process

from pipeline.model import (
    HUMAN,
    Catalog,
    Entry,
    Match,
    MatchKind,
    Origin,
    OriginKind,
    PipelineError,
    entry_origin,
)

LEVELS = ("block", "sentence")

IN_CONTEXT_SCORE = 101.0
EXACT_SCORE = 100.0
NORMALISED_SCORE = 99.0  # differs only in case or whitespace
FUZZY_CEILING = 98.9  # a real textual difference never looks like a case-only one

# Lower ranks first among equal scores: people before tools.
ORIGIN_RANK: dict[OriginKind, int] = {
    OriginKind.HUMAN: 0,
    OriginKind.TMX: 1,
    OriginKind.SOURCE: 2,
    OriginKind.SENTENCES: 3,
    OriginKind.MEMORY: 4,
    OriginKind.MACHINE: 5,
}

# Fuzzy candidate retrieval: how many trigrams and postings a query may use,
# and how many candidate texts are scored. Measured with bench/memory_lookup.py.
MAX_QUERY_GRAMS = 8
MIN_QUERY_GRAMS = 6
POSTINGS_BUDGET = 3_000
CANDIDATES = 40
SHORT_TEXT = 3  # texts shorter than a trigram are found by a length-range scan
MMAP_BYTES = 1 << 30
LENGTH_BITS = 12  # postings pack (text id, length) into one integer
LENGTH_MASK = (1 << LENGTH_BITS) - 1
CACHE_KIB = 64 * 1024


class TranslationMemoryError(PipelineError):
    """The memory cannot be opened or used (bad location, newer schema, corrupt file)."""


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


@dataclass(frozen=True)
class LookupContext:
    """Where the text being looked up sits; an exact match recorded in the same place is in context."""

    msgctxt: str | None = None
    domain: str = ""
    prev: str = ""
    next: str = ""


def normalise(text: str) -> str:
    """The comparison form of a text: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def trigrams(norm: str) -> set[str]:
    """The character trigrams of a normalised text (none if it is shorter than three)."""
    return {norm[i : i + 3] for i in range(len(norm) - 2)}


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def length_bounds(length: int, threshold: float) -> tuple[int, int]:
    """Lengths a text may have and still reach ``threshold`` % ratio against one of ``length``."""
    t = min(max(threshold, 1.0), 100.0) / 100.0
    return math.ceil(length * t / (2 - t) - 1e-9), math.floor(length * (2 - t) / t + 1e-9)


def score_candidates(
    source: str, norm: str, texts: dict[int, tuple[str, str]], threshold: float
) -> dict[int, float]:
    """Score of each candidate text that reaches ``threshold`` (see the module docstring)."""
    scores: dict[int, float] = {}
    fuzzy: dict[int, str] = {}
    for text_id, (text, candidate_norm) in texts.items():
        if text == source:
            scores[text_id] = EXACT_SCORE
        elif candidate_norm == norm:
            if threshold <= NORMALISED_SCORE:
                scores[text_id] = NORMALISED_SCORE
        else:
            fuzzy[text_id] = candidate_norm
    if fuzzy:
        for _, score, text_id in process.extract(
            norm, fuzzy, scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        ):
            scores[text_id] = min(float(score), FUZZY_CEILING)
    return scores


# A candidate row as both backends select it: text id, text, normalised text, target, origin,
# origin rank, msgctxt, domain, prev, next, created, updated.
CandidateRow = tuple[int, str, str, str, str, int, str | None, str, str, str, str, str]


def rank_matches(
    rows: Iterable[CandidateRow],
    scores: dict[int, float],
    source_lang: str,
    target_lang: str,
    context: LookupContext | None,
    limit: int,
) -> list[Match]:
    """The scored rows as matches, best first, one per target text (see the module docstring)."""
    # No context, or an empty one, says nothing about where the text sits: never "in context".
    place = None
    if context is not None and context != LookupContext():
        place = (context.msgctxt, context.domain, context.prev, context.next)
    ranked: list[tuple[float, int, str, Match]] = []
    for (
        text_id,
        text,
        _,
        target,
        origin,
        rank,
        msgctxt,
        domain,
        prev,
        next_,
        created,
        updated,
    ) in rows:
        score = scores.get(text_id)
        if score is None:
            continue
        kind = MatchKind.FUZZY
        if score == EXACT_SCORE:
            kind = MatchKind.EXACT
            if (msgctxt, domain, prev, next_) == place:
                score, kind = IN_CONTEXT_SCORE, MatchKind.IN_CONTEXT
        match = Match(
            source=text,
            target=target,
            score=score,
            kind=kind,
            origin=Origin.parse(origin),
            source_lang=source_lang,
            target_lang=target_lang,
            date=created,
        )
        ranked.append((score, rank, updated, match))
    # Best score, then the better origin, then the most recent (sorts are stable).
    ranked.sort(key=lambda item: item[2], reverse=True)
    ranked.sort(key=lambda item: (-item[0], item[1]))
    matches: list[Match] = []
    proposed: set[str] = set()
    for _, _, _, match in ranked:
        if match.target not in proposed:
            proposed.add(match.target)
            matches.append(match)
    return matches[:limit]


class TranslationMemory(abc.ABC):
    """A store of translation units with exact, in-context and fuzzy lookup."""

    @abc.abstractmethod
    def add(self, units: Iterable[Unit]) -> int:
        """Store ``units`` in one transaction; return how many were new.

        Re-adding a unit is a no-op, except that a better origin (a human
        confirming a machine translation) replaces the stored one.
        """

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
        """Proposals for ``source``, best first (see the module docstring for scoring)."""
        if level not in LEVELS:
            raise ValueError(f"lookup level must be one of {LEVELS}, not {level!r}")
        norm = normalise(source)
        if not norm:
            return []
        return self._lookup(
            source, norm, source_lang, target_lang, context, threshold, limit, level
        )

    @abc.abstractmethod
    def _lookup(
        self,
        source: str,
        norm: str,
        source_lang: str,
        target_lang: str,
        context: LookupContext | None,
        threshold: float,
        limit: int,
        level: str,
    ) -> list[Match]:
        """:meth:`lookup` for a valid level and a non-empty normalised source: the backend's search."""

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

    @abc.abstractmethod
    def units(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> Iterator[Unit]:
        """Every stored unit (optionally of one language pair), oldest first."""

    @abc.abstractmethod
    def _replace_human_blocks(self, units: list[Unit]) -> int:
        """Drop all human block units and add ``units`` instead, in one transaction."""

    @abc.abstractmethod
    def stats(self) -> dict[str, int]:
        """Counts: ``units``, ``texts``, ``block``, ``sentence`` and one per origin kind."""

    @abc.abstractmethod
    def close(self) -> None: ...

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
        return self._replace_human_blocks(units)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def neighbour_contexts(catalog: Catalog) -> dict[int, LookupContext]:
    """Where each active entry of ``catalog`` sits, keyed by ``id(entry)``.

    The neighbours are the previous and next active entries in file order; a
    unit is recorded with the same context a later lookup of its entry uses.
    """
    active = [entry for entry in catalog.active() if not entry.is_header]
    return {
        id(entry): LookupContext(
            msgctxt=entry.msgctxt,
            domain=catalog.domain,
            prev=active[index - 1].msgid if index > 0 else "",
            next=active[index + 1].msgid if index + 1 < len(active) else "",
        )
        for index, entry in enumerate(active)
    }


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
    contexts = neighbour_contexts(catalog)
    for entry in catalog.active():
        if entry.is_header or not entry.translated:
            continue
        origin = origin_for(entry)
        context = contexts[id(entry)]
        forms = entry.translations
        pairs = [(entry.msgid, forms[0])]
        if entry.msgid_plural is not None and entry.msgid_plural != entry.msgid and len(forms) > 1:
            pairs.append((entry.msgid_plural, forms[-1]))
        for source, target in pairs:
            yield Unit(
                source,
                target,
                source_lang,
                catalog.lang,
                origin,
                msgctxt=context.msgctxt,
                domain=context.domain,
                prev=context.prev,
                next=context.next,
            )


# ---------------------------------------------------------------------------
# SQLite
# ---------------------------------------------------------------------------

_SCHEMA_V1 = """
CREATE TABLE texts (
    id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL,
    key BLOB NOT NULL,        -- sha256(text)[:16]: exact lookup without indexing long texts
    norm_key BLOB NOT NULL,   -- sha256(normalised text)[:16]: case/whitespace variants
    text TEXT NOT NULL,
    norm TEXT NOT NULL,
    length INTEGER NOT NULL,  -- length of norm, for length-ratio pruning
    UNIQUE (lang, key)
);
CREATE INDEX texts_by_norm ON texts (lang, norm_key);
CREATE INDEX texts_by_length ON texts (lang, length);
-- The fuzzy index: each text under each of its trigrams, by length so that a
-- lookup reads only the postings of texts long enough and short enough to match.
CREATE TABLE grams (
    lang TEXT NOT NULL,
    gram TEXT NOT NULL,
    length INTEGER NOT NULL,
    text_id INTEGER NOT NULL,
    PRIMARY KEY (lang, gram, length, text_id)
) WITHOUT ROWID;
CREATE TABLE gram_counts (
    lang TEXT NOT NULL,
    gram TEXT NOT NULL,
    texts INTEGER NOT NULL,   -- document frequency: rare trigrams are read first
    PRIMARY KEY (lang, gram)
) WITHOUT ROWID;
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    text_id INTEGER NOT NULL REFERENCES texts (id),
    target TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    msgctxt TEXT,
    domain TEXT NOT NULL DEFAULT '',
    prev TEXT NOT NULL DEFAULT '',
    next TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL CHECK (level IN ('block', 'sentence')),
    origin TEXT NOT NULL,
    origin_rank INTEGER NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX units_by_text ON units (text_id, target_lang, level);
CREATE INDEX units_by_origin ON units (origin, level);
"""

# Index i upgrades a database from user_version i to i + 1.
_MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1,)
SCHEMA_VERSION = len(_MIGRATIONS)

_UNIT_COLUMNS = """
    t.text, t.lang, u.target, u.target_lang, u.origin, u.msgctxt, u.domain, u.prev, u.next,
    u.level, u.created, u.updated
"""


class SqliteMemory(TranslationMemory):
    """The memory in one SQLite file; safe for several processes writing at once."""

    def __init__(self, path: str | Path, timeout: float = 60.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit mode: every write batch opens its own BEGIN IMMEDIATE.
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (sqlite3.Error, OSError) as error:
            raise TranslationMemoryError(f"{self.path}: cannot open the memory: {error}") from None
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            # Lookups read index pages all over the file: map it rather than copy page by page.
            self._db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
            self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.Error as error:
            self._db.close()
            raise TranslationMemoryError(f"{self.path}: cannot open the memory: {error}") from None
        except BaseException:
            self._db.close()
            raise

    def _migrate(self) -> None:
        with self._transaction():
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise TranslationMemoryError(
                    f"{self.path}: schema version {version} is newer than this program's "
                    f"({SCHEMA_VERSION}); upgrade l10n-pipeline"
                )
            for script in _MIGRATIONS[version:]:
                # executescript() would commit the open transaction; the scripts hold no ";"
                # except between statements.
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # -- writing -------------------------------------------------------------

    def add(self, units: Iterable[Unit]) -> int:
        batch = list(units)
        with self._transaction():
            return self._insert(batch)

    def _replace_human_blocks(self, units: list[Unit]) -> int:
        with self._transaction():
            self._db.execute(
                "DELETE FROM units WHERE origin = ? AND level = 'block'", (str(HUMAN),)
            )
            return self._insert(units)

    def _insert(self, units: list[Unit]) -> int:
        for unit in units:
            if unit.level not in LEVELS:
                raise ValueError(f"unit level must be one of {LEVELS}, not {unit.level!r}")
        now = _now()
        new = 0
        text_ids: dict[tuple[str, str], int] = {}
        grams: list[tuple[str, str, int, int]] = []
        for unit in units:
            text_id = text_ids.get((unit.source_lang, unit.source))
            if text_id is None:
                text_id = self._text_id(unit.source_lang, unit.source, grams)
                text_ids[(unit.source_lang, unit.source)] = text_id
            rank = ORIGIN_RANK[unit.origin.kind]
            digest = unit.content_hash
            inserted = self._db.execute(
                """INSERT OR IGNORE INTO units (hash, text_id, target, target_lang, msgctxt, domain,
                                                prev, next, level, origin, origin_rank, created,
                                                updated)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    digest,
                    text_id,
                    unit.target,
                    unit.target_lang,
                    unit.msgctxt,
                    unit.domain,
                    unit.prev,
                    unit.next,
                    unit.level,
                    str(unit.origin),
                    rank,
                    unit.created or now,
                    unit.updated or unit.created or now,
                ),
            ).rowcount
            if inserted:
                new += 1
            else:
                self._db.execute(
                    """UPDATE units SET origin = ?, origin_rank = ?, updated = ?
                       WHERE hash = ? AND origin_rank > ?""",
                    (str(unit.origin), rank, unit.updated or now, digest, rank),
                )
        grams.sort()  # appending in key order keeps the index pages dense
        self._db.executemany("INSERT INTO grams VALUES (?, ?, ?, ?)", grams)
        self._db.executemany(
            """INSERT INTO gram_counts VALUES (?, ?, ?)
               ON CONFLICT DO UPDATE SET texts = texts + excluded.texts""",
            [(lang, gram, count) for (lang, gram), count in Counter(g[:2] for g in grams).items()],
        )
        return new

    def _text_id(self, lang: str, text: str, grams: list[tuple[str, str, int, int]]) -> int:
        """The id of ``text``, stored now if new (its trigram postings go to ``grams``)."""
        key = _text_key(text)
        row = self._db.execute(
            "SELECT id FROM texts WHERE lang = ? AND key = ?", (lang, key)
        ).fetchone()
        if row is not None:
            return int(row[0])
        norm = normalise(text)
        text_id = int(
            self._db.execute(
                """INSERT INTO texts (lang, key, norm_key, text, norm, length)
                   VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
                (lang, key, _text_key(norm), text, norm, len(norm)),
            ).fetchone()[0]
        )
        grams.extend((lang, gram, len(norm), text_id) for gram in trigrams(norm))
        return text_id

    # -- reading -------------------------------------------------------------

    def _lookup(
        self,
        source: str,
        norm: str,
        source_lang: str,
        target_lang: str,
        context: LookupContext | None,
        threshold: float,
        limit: int,
        level: str,
    ) -> list[Match]:
        text_ids = [
            text_id
            for (text_id,) in self._db.execute(
                "SELECT id FROM texts WHERE lang = ? AND norm_key = ?",
                (source_lang, _text_key(norm)),
            )
        ]
        if threshold < NORMALISED_SCORE:
            text_ids += self._fuzzy_candidates(norm, source_lang, threshold)
        if not text_ids:
            return []
        rows = self._db.execute(
            f"""SELECT t.id, t.text, t.norm, u.target, u.origin, u.origin_rank, u.msgctxt,
                       u.domain, u.prev, u.next, u.created, u.updated
                FROM texts t JOIN units u ON u.text_id = t.id
                WHERE t.id IN ({",".join("?" * len(text_ids))})
                  AND u.target_lang = ? AND u.level = ?""",
            (*text_ids, target_lang, level),
        ).fetchall()
        scores = score_candidates(
            source, norm, {row[0]: (row[1], row[2]) for row in rows}, threshold
        )
        return rank_matches(rows, scores, source_lang, target_lang, context, limit)

    def _fuzzy_candidates(self, norm: str, lang: str, threshold: float) -> list[int]:
        """Ids of the texts most likely to be the best fuzzy matches of ``norm``."""
        shortest, longest = length_bounds(len(norm), threshold)
        found: list[int] = []
        if shortest < SHORT_TEXT:
            # Texts shorter than a trigram are not in the trigram index; they are few: score them.
            short = dict(
                self._db.execute(
                    "SELECT id, norm FROM texts WHERE lang = ? AND length BETWEEN ? AND ?",
                    (lang, shortest, min(longest, SHORT_TEXT - 1)),
                ).fetchall()
            )
            found += [
                text_id
                for _, _, text_id in process.extract(
                    norm, short, scorer=fuzz.ratio, score_cutoff=threshold, limit=CANDIDATES
                )
            ]
        grams = self._rarest_grams(norm, lang)
        if not grams:
            return found
        # One string of postings, counted in C: far cheaper than a row per posting or a GROUP BY
        # (measured). Each posting carries its text's length for the tie-break below.
        (joined,) = self._db.execute(
            f"""SELECT group_concat(text_id << {LENGTH_BITS} | min(length, {LENGTH_MASK}))
                FROM grams
                WHERE lang = ? AND gram IN ({",".join("?" * len(grams))})
                  AND length BETWEEN ? AND ?""",
            (lang, *grams, shortest, longest),
        ).fetchone()
        shared = Counter(joined.split(",") if joined else ())
        for count in range(max(shared.values(), default=0), 0, -1):
            tied = [posting for posting, shares in shared.items() if shares == count]
            room = CANDIDATES - len(found)
            if len(tied) > room:
                # Among texts sharing as many trigrams, the closest in length is likelier.
                tied.sort(key=lambda posting: abs((int(posting) & LENGTH_MASK) - len(norm)))
            found += [int(posting) >> LENGTH_BITS for posting in tied[:room]]
            if len(found) >= CANDIDATES:
                break
        return found

    def _rarest_grams(self, norm: str, lang: str) -> list[str]:
        """The query's rarest trigrams, not overlapping, so that one edit cannot hide them all."""
        positions: dict[str, int] = {}
        for at in range(len(norm) - 2):
            positions.setdefault(norm[at : at + 3], at)
        if not positions:
            return []
        counts = self._db.execute(
            f"""SELECT texts, gram FROM gram_counts
                WHERE lang = ? AND gram IN ({",".join("?" * len(positions))})
                ORDER BY texts""",
            (lang, *positions),
        ).fetchall()
        chosen: list[str] = []
        taken: set[int] = set()
        postings = 0
        for count, gram in counts:
            if len(chosen) >= MAX_QUERY_GRAMS or (
                len(chosen) >= MIN_QUERY_GRAMS and postings + count > POSTINGS_BUDGET
            ):
                break
            at = positions[gram]
            if taken.isdisjoint(range(at, at + 3)):
                chosen.append(gram)
                taken.update(range(at, at + 3))
                postings += count
        # A short query has few disjoint trigrams: let overlapping ones make up the minimum.
        spare = (gram for _, gram in counts if gram not in chosen)
        chosen += itertools.islice(spare, max(0, MIN_QUERY_GRAMS - len(chosen)))
        return chosen

    def units(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> Iterator[Unit]:
        query = f"SELECT {_UNIT_COLUMNS} FROM units u JOIN texts t ON t.id = u.text_id WHERE 1"
        params: list[str] = []
        if source_lang is not None:
            query += " AND t.lang = ?"
            params.append(source_lang)
        if target_lang is not None:
            query += " AND u.target_lang = ?"
            params.append(target_lang)
        cursor = self._db.execute(query + " ORDER BY u.id", params)
        for row in cursor:
            (
                source,
                slang,
                target,
                tlang,
                origin,
                msgctxt,
                domain,
                prev,
                next_,
                level,
                created,
                updated,
            ) = row
            yield Unit(
                source, target, slang, tlang, Origin.parse(origin), msgctxt, domain, prev, next_,
                level, created, updated,
            )  # fmt: skip

    def stats(self) -> dict[str, int]:
        counts = {
            "units": self._db.execute("SELECT count(*) FROM units").fetchone()[0],
            "texts": self._db.execute("SELECT count(*) FROM texts").fetchone()[0],
        }
        for level in LEVELS:
            counts[level] = 0
        for kind in OriginKind:
            counts[kind.value] = 0
        for level, number in self._db.execute("SELECT level, count(*) FROM units GROUP BY level"):
            counts[level] = number
        for rank, number in self._db.execute(
            "SELECT origin_rank, count(*) FROM units GROUP BY origin_rank"
        ):
            kind = next(k for k, r in ORIGIN_RANK.items() if r == rank)
            counts[kind.value] = number
        return counts

    def close(self) -> None:
        self._db.close()


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``: writers queue up (busy timeout) instead of failing."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self._db.execute("COMMIT")
        else:
            self._db.execute("ROLLBACK")


def open_memory(location: str) -> TranslationMemory:
    """The memory at ``location``: a file path, ``sqlite:///path`` or ``postgresql://`` URL."""
    scheme, sep, rest = location.partition("://")
    if not sep:
        return SqliteMemory(location)
    if scheme == "sqlite":
        # As in SQLAlchemy: sqlite:///relative/path, sqlite:////absolute/path.
        path = rest[1:] if rest.startswith("/") else rest
        if not path:
            raise TranslationMemoryError(f"{location}: no database path in the URL")
        return SqliteMemory(path)
    if scheme in {"postgres", "postgresql"}:
        from pipeline.memory.postgres import (
            PostgresMemory,  # imports this module; needs the optional extra
        )

        return PostgresMemory(location)
    raise TranslationMemoryError(f"{location}: unknown memory URL scheme {scheme!r}")
