"""The translation memory in one SQLite file: the default, for one translator or one CI job.

An embedded database (WAL, one ``BEGIN IMMEDIATE`` transaction per batch), so
several processes may write at once: writers queue up instead of failing.

Candidates for fuzzy scoring come from an index, never from a scan: each
distinct source text is indexed under its character n-grams, keyed by
(language, n-gram, length). A lookup takes the query's rarest n-grams (by
document frequency, within a budget of postings), reads their postings only
for texts whose length can still reach the threshold (a ratio ≥ t needs
``t/(2-t) ≤ len(b)/len(a) ≤ (2-t)/t``), keeps the texts sharing the most of
those n-grams, and scores that bounded set (:mod:`pipeline.memory.candidates`).

FTS5's ``trigram`` tokenizer does not serve here: its OR queries ranked by bm25
are slower, and it cannot prune by length inside the index.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.memory.base import TranslationMemory, stored_values
from pipeline.memory.candidates import (
    LENGTH_BITS,
    LENGTH_MASK,
    RANKED,
    SHORT_TEXT,
    Ranges,
    best_candidates,
    best_short,
    fuzzy_candidates,
    gram_positions,
    rarest_grams,
)
from pipeline.memory.candidates import grams as text_grams
from pipeline.memory.scoring import (
    ORIGIN_RANK,
    CandidateRow,
    Query,
    length_bounds,
    normalise,
    rank_matches,
    score_candidates,
    text_key,
    utc_timestamp,
)
from pipeline.memory.units import TranslationMemoryError, Unit, newer_schema_error
from pipeline.model import HUMAN, Match

MMAP_BYTES = 1 << 30
CACHE_KIB = 64 * 1024
INSERT_BATCH = 2_000  # units whose n-gram postings are written together
STAGE_AFTER_BATCHES = 25  # a write larger than this many batches stages its postings
GRAM_COLUMNS = "lang TEXT, gram TEXT, length INTEGER, text_id INTEGER"
BULK_CACHE_KIB = 512 * 1024  # the page cache of a large write
COUNTS_HELD = 1_000_000  # n-gram counts a large write adds up before writing them (~150 MB)

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
-- The fuzzy index: each text under each of its n-grams, by length so that a
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
    texts INTEGER NOT NULL,   -- document frequency: rare n-grams are read first
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

# Version 2 indexes texts under 4-grams (candidates.GRAM), not trigrams: the postings are
# written again from the texts (SqliteMemory._reindex).
_SCHEMA_V2 = """
DELETE FROM grams;
DELETE FROM gram_counts
"""

# Index i upgrades a database from user_version i to i + 1.
_MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _SCHEMA_V2)
SCHEMA_VERSION = len(_MIGRATIONS)
REINDEXED_IN = 2  # the version whose migration lists every text again


class _Postings:
    """The n-gram postings of the texts one write adds, and how many texts list each n-gram.

    A small write inserts them batch by batch, in key order. A large one (see
    :meth:`stage`) would land them all over the index, a page read and written for
    each: they are staged unindexed and put in once, in index order, at the end; the
    n-gram counts are added up in memory meanwhile, and written when they are many.
    """

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._table = "grams"
        self._rows: list[tuple[str, str, int, int]] = []
        self._counts: dict[str, Counter[str]] = {}
        self._held = 0

    def add(self, lang: str, norm: str, text_id: int) -> None:
        listed = text_grams(norm)
        length = len(norm)
        self._rows.extend([(lang, gram, length, text_id) for gram in listed])
        counts = self._counts.get(lang)
        if counts is None:
            counts = self._counts[lang] = Counter()
        counts.update(listed)

    def stage(self) -> None:
        self._db.execute(f"CREATE TEMP TABLE staged_grams ({GRAM_COLUMNS})")
        self._table = "temp.staged_grams"
        # The texts' and units' indexes are keyed by hashes: a large write touches their
        # pages at random, and a larger cache keeps them from being read again and again.
        self._db.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
        self._db.execute("PRAGMA threads = 2")  # the final sort, where SQLite can split it

    def write(self) -> None:
        """Write the batch's postings, and the counts if they are many (or not staged)."""
        if self._table == "grams":
            self._rows.sort()  # appending in key order keeps the index pages dense
        self._db.executemany(f"INSERT INTO {self._table} VALUES (?, ?, ?, ?)", self._rows)
        self._rows.clear()
        if self._table == "grams" or sum(map(len, self._counts.values())) > COUNTS_HELD:
            self._write_counts()

    def finish(self) -> None:
        self._write_counts()
        if self._table != "grams":
            # SQLite's sort holds a cache's worth in memory per thread: sorted with the usual one.
            self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._db.execute(f"INSERT INTO grams SELECT * FROM {self._table} ORDER BY 1, 2, 3, 4")
            self._db.execute(f"DROP TABLE {self._table}")

    def settle(self) -> None:
        """The connection's usual settings again, whether the write went through or not
        (its staging table goes with the transaction)."""
        if self._table != "grams":
            self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            self._db.execute("PRAGMA threads = 0")

    def _write_counts(self) -> None:
        self._db.executemany(
            """INSERT INTO gram_counts VALUES (?, ?, ?)
               ON CONFLICT DO UPDATE SET texts = texts + excluded.texts""",
            [
                (lang, gram, n)
                for lang, counts in self._counts.items()
                for gram, n in counts.items()
            ],
        )
        self._counts.clear()


def _check_writable(path: Path) -> None:
    """Refuse a memory this process may not write, before SQLite opens it.

    SQLite would open it and create its ``-wal`` and ``-shm`` files with the
    database's permission bits, only for the first write to fail; a read-only
    ``-shm`` left behind keeps the memory unwritable after its file is made
    writable again.
    """
    for target, what in ((path, "the file"), (path.parent, "its folder")):
        if target.exists() and not os.access(target, os.W_OK):
            raise TranslationMemoryError(
                f"{path}: cannot open the memory: {what} is read-only ({os.strerror(errno.EACCES)})"
            )


class SqliteMemory(TranslationMemory):
    """The memory in one SQLite file; safe for several processes writing at once."""

    placeholder = "?"

    def __init__(self, path: str | Path, timeout: float = 60.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise TranslationMemoryError(f"{self.path}: cannot open the memory: {error}") from None
        _check_writable(self.path)
        try:
            # Autocommit mode: every write batch opens its own BEGIN IMMEDIATE.
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except (sqlite3.Error, OSError) as error:
            raise TranslationMemoryError(f"{self.path}: cannot open the memory: {error}") from None
        try:
            self._db.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._enable_wal(timeout)
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

    def _enable_wal(self, timeout: float) -> None:
        # Changing the journal mode needs a lock that SQLite does not wait for through the
        # busy handler: two processes opening a new memory at once would fail at once.
        deadline = time.monotonic() + timeout
        while True:
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _migrate(self) -> None:
        with self._transaction():
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise newer_schema_error(str(self.path), version, SCHEMA_VERSION)
            for script in _MIGRATIONS[version:]:
                # executescript() would commit the open transaction; the scripts hold no ";"
                # except between statements.
                for statement in script.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            if 0 < version < REINDEXED_IN:
                self._reindex()
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _reindex(self) -> None:
        """List every stored text under its n-grams again, in index order."""
        self._db.execute(f"CREATE TEMP TABLE staged_grams ({GRAM_COLUMNS})")
        texts = self._db.execute("SELECT lang, norm, length, id FROM texts")
        while batch := texts.fetchmany(INSERT_BATCH):
            self._db.executemany(
                "INSERT INTO temp.staged_grams VALUES (?, ?, ?, ?)",
                [(lang, gram, n, i) for lang, norm, n, i in batch for gram in text_grams(norm)],
            )
        self._db.execute("INSERT INTO grams SELECT * FROM temp.staged_grams ORDER BY 1, 2, 3, 4")
        self._db.execute(
            "INSERT INTO gram_counts SELECT lang, gram, count(*) FROM temp.staged_grams"
            " GROUP BY lang, gram"
        )
        self._db.execute("DROP TABLE temp.staged_grams")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``: writers queue up (busy timeout) instead of failing.

        A full disk or a file-size limit is a one-line :class:`TranslationMemoryError`
        naming the memory, and nothing of the transaction is kept.
        """
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                # SQLite may have rolled back already (a full disk does): a failing ROLLBACK
                # must not hide why.
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's errors as one line naming the memory."""
        try:
            yield
        except sqlite3.Error as error:
            raise TranslationMemoryError(f"{self.path}: {error}") from None

    # -- writing -------------------------------------------------------------

    def _write(self, units: Iterable[Unit], replace_human_blocks: bool) -> int:
        with self._transaction():
            if replace_human_blocks:
                self._db.execute(
                    "DELETE FROM units WHERE origin = ? AND level = 'block'", (str(HUMAN),)
                )
            return self._insert(units)

    def _insert(self, units: Iterable[Unit]) -> int:
        now = utc_timestamp()
        # In batches: the n-gram postings of a large import would otherwise all be in
        # memory at once, several times the size of its text.
        iterator = iter(units)
        new = 0
        postings = _Postings(self._db)
        try:
            for number in itertools.count():
                batch = list(itertools.islice(iterator, INSERT_BATCH))
                if not batch:
                    break
                if number == STAGE_AFTER_BATCHES:
                    postings.stage()
                new += self._insert_batch(batch, now, postings)
            postings.finish()
        finally:
            postings.settle()
        return new

    def _insert_batch(self, units: list[Unit], now: str, postings: _Postings) -> int:
        new = 0
        text_ids: dict[tuple[str, str], int] = {}
        for unit in units:
            text_id = text_ids.get((unit.source_lang, unit.source))
            if text_id is None:
                text_id = self._text_id(unit.source_lang, unit.source, postings)
                text_ids[(unit.source_lang, unit.source)] = text_id
            new += self._insert_unit(unit, text_id, now)
        postings.write()
        return new

    def _insert_unit(self, unit: Unit, text_id: int, now: str) -> bool:
        """Store one unit, or upgrade the stored one's origin; whether it was new."""
        rank = ORIGIN_RANK[unit.origin.kind]
        digest = unit.content_hash
        inserted = self._db.execute(
            """INSERT OR IGNORE INTO units (hash, text_id, target, target_lang, msgctxt, domain,
                                            prev, next, level, origin, origin_rank, created,
                                            updated)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (digest, text_id, *stored_values(unit, now)),
        ).rowcount
        if not inserted:
            self._db.execute(
                """UPDATE units SET origin = ?, origin_rank = ?, updated = ?
                   WHERE hash = ? AND origin_rank > ?""",
                (str(unit.origin), rank, unit.updated or now, digest, rank),
            )
        return bool(inserted)

    def _text_id(self, lang: str, text: str, postings: _Postings) -> int:
        """The id of ``text``, stored now if new (and listed in ``postings``)."""
        key = text_key(text)
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
                (lang, key, text_key(norm), text, norm, len(norm)),
            ).fetchone()[0]
        )
        postings.add(lang, norm, text_id)
        return text_id

    # -- reading -------------------------------------------------------------

    def _lookup(self, query: Query) -> list[Match]:
        with self._errors():
            return self._lookup_rows(query)

    def _lookup_rows(self, query: Query) -> list[Match]:
        text_ids = [
            text_id
            for (text_id,) in self._db.execute(
                "SELECT id FROM texts WHERE lang = ? AND norm_key = ?",
                (query.source_lang, text_key(query.norm)),
            )
        ]
        if query.fuzzy:
            text_ids += self._fuzzy_candidates(query)
        if not text_ids:
            return []
        rows: list[CandidateRow] = self._db.execute(
            f"""SELECT t.id, t.text, t.norm, u.target, u.origin, u.origin_rank, u.msgctxt,
                       u.domain, u.prev, u.next, u.created, u.updated
                FROM texts t JOIN units u ON u.text_id = t.id
                WHERE t.id IN ({",".join("?" * len(text_ids))})
                  AND u.target_lang = ? AND u.level = ?
                ORDER BY t.id, u.id""",
            (*text_ids, query.target_lang, query.level),
        ).fetchall()
        return rank_matches(query, rows, score_candidates(query, rows))

    def _fuzzy_candidates(self, query: Query) -> list[int]:
        """Ids of the texts most likely to be the best fuzzy matches of the query."""
        norm, lang = query.norm, query.source_lang
        shortest, longest = length_bounds(len(norm), query.threshold)
        found: list[int] = []
        if shortest < SHORT_TEXT:
            found += self._short_candidates(norm, lang, query.threshold, shortest, longest)
        grams = self._rarest_grams(norm, lang)
        if not grams:
            return found
        marks = ",".join("?" * len(grams))

        def shared_in(ranges: Ranges) -> Counter[str]:
            # One string of postings, counted in C: far cheaper than a row per posting.
            within = " UNION ALL ".join(
                f"""SELECT text_id << {LENGTH_BITS} | min(length, {LENGTH_MASK}) AS p FROM grams
                    WHERE lang = ? AND gram IN ({marks}) AND length BETWEEN ? AND ?"""
                for _ in ranges
            )
            (joined,) = self._db.execute(
                f"SELECT group_concat(p) FROM ({within})",
                [value for low, high in ranges for value in (lang, *grams, low, high)],
            ).fetchone()
            return Counter(joined.split(",") if joined else ())

        def norms_of(text_ids: list[int]) -> dict[int, str]:
            return dict(
                self._db.execute(
                    f"""SELECT id, norm FROM texts t WHERE id IN ({",".join("?" * len(text_ids))})
                          AND EXISTS (SELECT 1 FROM units u WHERE u.text_id = t.id
                                      AND u.target_lang = ? AND u.level = ?)""",
                    (*text_ids, query.target_lang, query.level),
                ).fetchall()
            )

        def ranked_in(ranges: Ranges) -> dict[int, str]:
            return norms_of(best_candidates(shared_in(ranges), len(norm), RANKED))

        return found + fuzzy_candidates(query, ranked_in)

    def _short_candidates(
        self, norm: str, lang: str, threshold: float, shortest: int, longest: int
    ) -> list[int]:
        short = dict(
            self._db.execute(
                "SELECT id, norm FROM texts WHERE lang = ? AND length BETWEEN ? AND ?",
                (lang, shortest, min(longest, SHORT_TEXT - 1)),
            ).fetchall()
        )
        return best_short(norm, short, threshold)

    def _rarest_grams(self, norm: str, lang: str) -> list[str]:
        positions = gram_positions(norm)
        if not positions:
            return []
        counts = self._db.execute(
            f"""SELECT texts, gram FROM gram_counts
                WHERE lang = ? AND gram IN ({",".join("?" * len(positions))})
                ORDER BY texts, gram""",
            (lang, *positions),
        ).fetchall()
        return rarest_grams(positions, counts)

    def _stream(self, query: str, params: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        with self._errors():
            yield from self._db.execute(query, params)

    def _fetch(self, query: str) -> list[tuple[Any, ...]]:
        with self._errors():
            return self._db.execute(query).fetchall()

    def close(self) -> None:
        self._db.close()
