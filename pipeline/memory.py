"""The translation memory: every reviewed, machine and imported translation, looked up by source.

Translators should never translate the same sentence twice, and the project
should never pay a machine-translation engine twice for the same text, so the
memory keeps reviewed human translations (synced from the catalogs), machine
results as they arrive, and imported TMX.

Storage is an embedded SQLite database (WAL, one transaction per batch).
:class:`TranslationMemory` is the interface; :func:`open_memory` picks the
backend from a path or URL.

Scoring (:meth:`TranslationMemory.lookup`)
-----------------------------------------
Texts are compared in *normalised* form: Unicode NFC, case-folded, runs of
whitespace collapsed to one space, stripped.

* ``IN_CONTEXT`` (score 101, shown as 100% "in context"): the very same source
  text, and the unit was recorded with the same msgctxt, domain and the same
  previous and next segments as the lookup context.
* ``EXACT`` (score 100): the very same source text.
* ``FUZZY`` (score 99): the source differs only in case or whitespace.
* ``FUZZY`` (score ≤ 98.9): ``rapidfuzz.fuzz.ratio`` of the normalised texts
  (the normalised Indel similarity, ``2·LCS / (len(a) + len(b))``), kept when it
  is at least ``threshold``.

Among equal scores, a human origin ranks above TMX, carried-over source,
sentence reassembly and machine output; then the most recently updated unit.
Matches proposing the same target text are reported once.

Candidates for fuzzy scoring come from an index, never from a scan: each
distinct source text is indexed by its character trigrams (an FTS5 table with
the ``trigram`` tokenizer). A lookup takes the query's rarest trigrams (by
document frequency, up to a budget of postings), asks FTS5 for the texts that
share most of them (bm25, which weights rare trigrams highest), restricted to
texts whose length can still reach the threshold (a ratio ≥ t needs
``t/(2-t) ≤ len(b)/len(a) ≤ (2-t)/t``), and scores that bounded set.
"""

from __future__ import annotations

import abc
import hashlib
import math
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from rapidfuzz import fuzz, process

from .model import HUMAN, Catalog, Entry, Match, MatchKind, Origin, OriginKind

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
MAX_QUERY_GRAMS = 24
MIN_QUERY_GRAMS = 6
POSTINGS_BUDGET = 30_000
CANDIDATES = 100
SHORT_TEXT = 3  # texts shorter than a trigram are found by a length-range scan


class TranslationMemoryError(Exception):
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
        parts = (
            self.source_lang,
            self.target_lang,
            self.source,
            self.target,
            "\x00" if self.msgctxt is None else self.msgctxt,
            self.domain,
            self.prev,
            self.next,
            self.level,
        )
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class LookupContext:
    """Where the text being looked up sits; an exact match recorded in the same place is in context."""

    msgctxt: str | None = None
    domain: str = ""
    prev: str = ""
    next: str = ""


@dataclass
class _Candidate:
    text_id: int
    text: str
    score: float


def normalise(text: str) -> str:
    """The comparison form of a text: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def length_bounds(length: int, threshold: float) -> tuple[int, int]:
    """Lengths a text may have and still reach ``threshold`` % ratio against one of ``length``."""
    t = min(max(threshold, 1.0), 100.0) / 100.0
    return math.ceil(length * t / (2 - t) - 1e-9), math.floor(length * (2 - t) / t + 1e-9)


class TranslationMemory(abc.ABC):
    """A store of translation units with exact, in-context and fuzzy lookup."""

    @abc.abstractmethod
    def add(self, units: Iterable[Unit]) -> int:
        """Store ``units`` in one transaction; return how many were new.

        Re-adding a unit is a no-op, except that a better origin (a human
        confirming a machine translation) replaces the stored one.
        """

    @abc.abstractmethod
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
    def units(self, source_lang: str | None = None, target_lang: str | None = None) -> Iterator[Unit]:
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
        origin_for: Callable[[Entry], Origin] | None = None,
    ) -> int:
        """Add every reviewed (translated, not fuzzy) entry of ``catalog``; return how many were new."""
        return self.add(catalog_units(catalog, source_lang, origin_for))

    def rebuild(self, catalogs: Iterable[Catalog], source_lang: str) -> int:
        """Replace the human block units by those of ``catalogs``; machine, TMX and sentence units stay."""
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


def catalog_units(
    catalog: Catalog,
    source_lang: str,
    origin_for: Callable[[Entry], Origin] | None = None,
) -> Iterator[Unit]:
    """The reviewed entries of ``catalog`` as block units, neighbours (in file order) as context.

    A plural entry gives two units: msgid → first form, msgid_plural → last form.
    """
    if catalog.lang is None:
        raise ValueError(f"{catalog.path or 'catalog'}: a template has no translations to remember")
    active = [entry for entry in catalog.active() if not entry.is_header]
    for index, entry in enumerate(active):
        if not entry.translated:
            continue
        origin = origin_for(entry) if origin_for is not None else HUMAN
        context = {
            "msgctxt": entry.msgctxt,
            "domain": catalog.domain,
            "prev": active[index - 1].msgid if index > 0 else "",
            "next": active[index + 1].msgid if index + 1 < len(active) else "",
        }
        forms = entry.translations
        pairs = [(entry.msgid, forms[0])]
        if entry.msgid_plural is not None and len(forms) > 1:
            pairs.append((entry.msgid_plural, forms[-1]))
        for source, target in pairs:
            yield Unit(source, target, source_lang, catalog.lang, origin, **context)  # type: ignore[arg-type]


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
CREATE VIRTUAL TABLE text_grams USING fts5 (
    norm, content='', detail='none', tokenize='trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE text_gram_counts USING fts5vocab (text_grams, row);
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
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (sqlite3.Error, OSError) as error:
            raise TranslationMemoryError(f"{self.path}: cannot open the memory: {error}") from None

    def _migrate(self) -> None:
        with self._transaction():
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise TranslationMemoryError(
                    f"{self.path}: schema version {version} is newer than this program's "
                    f"({SCHEMA_VERSION}); upgrade l10n-pipeline"
                )
            for script in _MIGRATIONS[version:]:
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
        now = _now()
        new = 0
        text_ids: dict[tuple[str, str], int] = {}
        for unit in units:
            if unit.level not in LEVELS:
                raise ValueError(f"unit level must be one of {LEVELS}, not {unit.level!r}")
            text_id = text_ids.get((unit.source_lang, unit.source))
            if text_id is None:
                text_id = self._text_id(unit.source_lang, unit.source)
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
        return new

    def _text_id(self, lang: str, text: str) -> int:
        key = _text_key(text)
        row = self._db.execute(
            "SELECT id FROM texts WHERE lang = ? AND key = ?", (lang, key)
        ).fetchone()
        if row is not None:
            return int(row[0])
        norm = normalise(text)
        text_id = self._db.execute(
            """INSERT INTO texts (lang, key, norm_key, text, norm, length)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING id""",
            (lang, key, _text_key(norm), text, norm, len(norm)),
        ).fetchone()[0]
        self._db.execute("INSERT INTO text_grams (rowid, norm) VALUES (?, ?)", (text_id, norm))
        return int(text_id)

    # -- reading -------------------------------------------------------------

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
        norm = normalise(source)
        if not norm:
            return []
        candidates = self._normalised_candidates(source, norm, source_lang, target_lang, level)
        if threshold < NORMALISED_SCORE:
            candidates.update(
                self._fuzzy_candidates(norm, source_lang, target_lang, level, threshold, candidates)
            )
        return self._matches(
            candidates, source_lang, target_lang, level, context or LookupContext(), limit
        )

    def _normalised_candidates(
        self, source: str, norm: str, source_lang: str, target_lang: str, level: str
    ) -> dict[int, _Candidate]:
        found: dict[int, _Candidate] = {}
        rows = self._db.execute(
            """SELECT t.id, t.text FROM texts t
               WHERE t.lang = ? AND t.norm_key = ?
                 AND EXISTS (SELECT 1 FROM units u
                             WHERE u.text_id = t.id AND u.target_lang = ? AND u.level = ?)""",
            (source_lang, _text_key(norm), target_lang, level),
        )
        for text_id, text in rows:
            score = EXACT_SCORE if text == source else NORMALISED_SCORE
            found[text_id] = _Candidate(text_id, text, score)
        return found

    def _fuzzy_candidates(
        self,
        norm: str,
        source_lang: str,
        target_lang: str,
        level: str,
        threshold: float,
        known: dict[int, _Candidate],
    ) -> dict[int, _Candidate]:
        shortest, longest = length_bounds(len(norm), threshold)
        pair = (target_lang, level)
        exists = """EXISTS (SELECT 1 FROM units u
                            WHERE u.text_id = t.id AND u.target_lang = ? AND u.level = ?)"""
        if shortest < SHORT_TEXT:
            # Texts shorter than a trigram are not in the trigram index; they are few, scan them.
            rows = self._db.execute(
                f"""SELECT t.id, t.text, t.norm FROM texts t
                    WHERE t.lang = ? AND t.length BETWEEN ? AND ? AND {exists}""",
                (source_lang, shortest, min(longest, SHORT_TEXT - 1), *pair),
            ).fetchall()
        else:
            rows = []
        if len(norm) >= SHORT_TEXT:
            grams = self._rarest_grams(norm)
            if grams:
                query = " OR ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
                rows += self._db.execute(
                    f"""SELECT t.id, t.text, t.norm FROM
                          (SELECT rowid, rank FROM text_grams WHERE text_grams MATCH ?
                           ORDER BY rank LIMIT ?) AS g
                        JOIN texts t ON t.id = g.rowid
                        WHERE t.lang = ? AND t.length BETWEEN ? AND ? AND {exists}
                        ORDER BY g.rank""",
                    (query, CANDIDATES * 4, source_lang, shortest, longest, *pair),
                ).fetchall()
        fresh = [(text_id, text, cand) for text_id, text, cand in rows if text_id not in known]
        if not fresh:
            return {}
        scored = process.extract(
            norm,
            [cand for _, _, cand in fresh],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
            limit=CANDIDATES,
        )
        found: dict[int, _Candidate] = {}
        for _, score, index in scored:
            text_id, text, _ = fresh[index]
            found[text_id] = _Candidate(text_id, text, min(float(score), FUZZY_CEILING))
        return found

    def _rarest_grams(self, norm: str) -> list[str]:
        grams = {norm[i : i + 3] for i in range(len(norm) - 2)}
        placeholders = ",".join("?" * len(grams))
        counts = dict(
            self._db.execute(
                f"SELECT term, doc FROM text_gram_counts WHERE term IN ({placeholders})",
                tuple(grams),
            ).fetchall()
        )
        known = sorted((count, gram) for gram, count in counts.items())
        chosen: list[str] = []
        postings = 0
        for count, gram in known:
            if len(chosen) >= MAX_QUERY_GRAMS:
                break
            if len(chosen) >= MIN_QUERY_GRAMS and postings + count > POSTINGS_BUDGET:
                break
            chosen.append(gram)
            postings += count
        return chosen

    def _matches(
        self,
        candidates: dict[int, _Candidate],
        source_lang: str,
        target_lang: str,
        level: str,
        context: LookupContext,
        limit: int,
    ) -> list[Match]:
        if not candidates:
            return []
        placeholders = ",".join("?" * len(candidates))
        rows = self._db.execute(
            f"""SELECT text_id, target, origin, origin_rank, msgctxt, domain, prev, next,
                       created, updated
                FROM units
                WHERE text_id IN ({placeholders}) AND target_lang = ? AND level = ?""",
            (*candidates, target_lang, level),
        ).fetchall()
        ranked: list[tuple[float, int, str, Match]] = []
        for text_id, target, origin, rank, msgctxt, domain, prev, next_, created, updated in rows:
            candidate = candidates[text_id]
            score, kind = candidate.score, MatchKind.FUZZY
            if score == EXACT_SCORE:
                kind = MatchKind.EXACT
                if (msgctxt, domain, prev, next_) == (
                    context.msgctxt,
                    context.domain,
                    context.prev,
                    context.next,
                ):
                    score, kind = IN_CONTEXT_SCORE, MatchKind.IN_CONTEXT
            match = Match(
                source=candidate.text,
                target=target,
                score=score,
                kind=kind,
                origin=Origin.parse(origin),
                source_lang=source_lang,
                target_lang=target_lang,
                date=created,
            )
            ranked.append((score, rank, updated, match))
        # Best score, then the better origin, then the most recent.
        ranked.sort(key=lambda item: item[2], reverse=True)
        ranked.sort(key=lambda item: (-item[0], item[1]))
        matches: list[Match] = []
        seen_targets: set[str] = set()
        for _, _, _, match in ranked:
            if match.target in seen_targets:
                continue
            seen_targets.add(match.target)
            matches.append(match)
            if len(matches) == limit:
                break
        return matches

    def units(self, source_lang: str | None = None, target_lang: str | None = None) -> Iterator[Unit]:
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
            source, slang, target, tlang, origin, msgctxt, domain, prev, next_, level, created, updated = row
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
    """The memory at ``location``: a file path or ``sqlite:///path`` URL.

    ``postgresql://`` URLs are reserved for the PostgreSQL backend.
    """
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
        raise TranslationMemoryError(f"{location}: the PostgreSQL memory backend is not available yet")
    raise TranslationMemoryError(f"{location}: unknown memory URL scheme {scheme!r}")
