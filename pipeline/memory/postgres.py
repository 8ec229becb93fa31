"""The translation memory in PostgreSQL, shared by a team: ``memory = "postgresql://…"``.

Same interface, same scoring and same ranking as :class:`~pipeline.memory.store.SqliteMemory`
(both use :func:`~pipeline.memory.store.score_candidates` and
:func:`~pipeline.memory.store.rank_matches`); only candidate retrieval differs: a
``pg_trgm`` GIN index on the normalised text proposes the texts most similar by
trigrams within the length bounds a ratio ≥ threshold allows, and rapidfuzz
gives the final score.

Schema: created on first use and upgraded by numbered migrations in code, each
in its own transaction, under an advisory lock so that several processes
starting at once migrate once. The version is in the ``schema_version`` table.

Writes: a batch is one transaction. Writers take a transaction-level advisory
lock, so batches from concurrent processes apply one after the other (as
SQLite's ``BEGIN IMMEDIATE`` does) and units keep their arrival order; units
are upserted on their content hash, a better origin replacing a worse one and
never the reverse. Readers never wait and never see part of a batch.

Credentials come from the URL or the standard ``PG*`` environment variables
(``PGPASSWORD``, ``PGPASSFILE``, ``PGHOST`` …). They never appear in messages:
every error and ``repr`` names the server as ``postgresql://user@host:port/db``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from pipeline.memory.store import (
    LEVELS,
    NORMALISED_SCORE,
    ORIGIN_RANK,
    SHORT_TEXT,
    CandidateRow,
    LookupContext,
    TranslationMemory,
    TranslationMemoryError,
    Unit,
    _now,
    _text_key,
    length_bounds,
    normalise,
    rank_matches,
    score_candidates,
)
from pipeline.model import HUMAN, Match, Origin, OriginKind

try:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
    from psycopg_pool import ConnectionPool
except ImportError:  # pragma: no cover - depends on the installed extras
    psycopg = None  # type: ignore[assignment]

# Candidate retrieval: texts at least this similar by pg_trgm's trigram similarity are
# candidates, the most similar first. A low cut-off makes pg_trgm recheck thousands of rows
# (it recomputes each text's trigrams), so lookups start strict and widen only when the strict
# pass found nothing close. Measured with bench/memory_lookup.py --backend postgresql.
STRICT_SIMILARITY = 0.5
LOOSE_SIMILARITY = 0.3
WIDEN_BELOW = 90.0  # best fuzzy score under which the loose pass runs
CANDIDATES = 40
ANALYZE_AFTER = 5_000  # new units in one batch

CONNECT_TIMEOUT = 10  # seconds
POOL_MAX = 4
# Advisory lock keys (any two distinct 64-bit numbers; these spell "l10n-tm" and a role).
MIGRATION_LOCK = 0x6C31306E2D746D01
WRITER_LOCK = 0x6C31306E2D746D02

# Index i upgrades a database from version i to i + 1. Each runs in one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        """CREATE TABLE texts (
               id bigserial PRIMARY KEY,
               lang text NOT NULL,
               key bytea NOT NULL,       -- sha256(text)[:16]: exact lookup without indexing long texts
               norm_key bytea NOT NULL,  -- sha256(normalised text)[:16]: case/whitespace variants
               text text NOT NULL,
               norm text NOT NULL,
               length integer NOT NULL,  -- length of norm, for length-ratio pruning
               UNIQUE (lang, key)
           )""",
        "CREATE INDEX texts_by_norm ON texts (lang, norm_key)",
        "CREATE INDEX texts_by_length ON texts (lang, length)",
        # fastupdate off: a pending list of fresh entries would be scanned by every lookup
        "CREATE INDEX texts_by_trigram ON texts USING gin (norm gin_trgm_ops) WITH (fastupdate = off)",
        """CREATE TABLE units (
               id bigserial PRIMARY KEY,
               hash text NOT NULL UNIQUE,
               text_id bigint NOT NULL REFERENCES texts (id),
               target text NOT NULL,
               target_lang text NOT NULL,
               msgctxt text,
               domain text NOT NULL DEFAULT '',
               prev text NOT NULL DEFAULT '',
               next text NOT NULL DEFAULT '',
               level text NOT NULL CHECK (level IN ('block', 'sentence')),
               origin text NOT NULL,
               origin_rank smallint NOT NULL,
               created text NOT NULL,
               updated text NOT NULL
           )""",
        "CREATE INDEX units_by_text ON units (text_id, target_lang, level)",
        "CREATE INDEX units_by_origin ON units (origin, level)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

# Each batch is staged with COPY, then merged by two INSERT … SELECT statements.
_STAGING = """
CREATE TEMPORARY TABLE IF NOT EXISTS incoming (
    seq integer NOT NULL,
    lang text NOT NULL,
    key bytea NOT NULL,
    norm_key bytea NOT NULL,
    text text NOT NULL,
    norm text NOT NULL,
    length integer NOT NULL,
    hash text NOT NULL,
    target text NOT NULL,
    target_lang text NOT NULL,
    msgctxt text,
    domain text NOT NULL,
    prev text NOT NULL,
    next text NOT NULL,
    level text NOT NULL,
    origin text NOT NULL,
    origin_rank smallint NOT NULL,
    created text NOT NULL,
    updated text NOT NULL,
    upgraded text NOT NULL  -- "updated" when this unit upgrades a stored one's origin
) ON COMMIT DELETE ROWS
"""
_STAGED_COLUMNS = (
    "seq, lang, key, norm_key, text, norm, length, hash, target, target_lang, msgctxt, domain, "
    "prev, next, level, origin, origin_rank, created, updated, upgraded"
)
_MERGE_TEXTS = """
INSERT INTO texts (lang, key, norm_key, text, norm, length)
SELECT lang, key, norm_key, text, norm, length
FROM (SELECT DISTINCT ON (lang, key) * FROM incoming ORDER BY lang, key, seq) AS first_seen
ORDER BY seq
ON CONFLICT (lang, key) DO NOTHING
"""
_MERGE_UNITS = """
INSERT INTO units (hash, text_id, target, target_lang, msgctxt, domain, prev, next, level,
                   origin, origin_rank, created, updated)
SELECT i.hash, t.id, i.target, i.target_lang, i.msgctxt, i.domain, i.prev, i.next, i.level,
       i.origin, i.origin_rank, i.created, i.updated
FROM incoming i JOIN texts t ON t.lang = i.lang AND t.key = i.key
ORDER BY i.seq
ON CONFLICT (hash) DO UPDATE
    SET origin = excluded.origin,
        origin_rank = excluded.origin_rank,
        updated = (SELECT upgraded FROM incoming WHERE incoming.hash = excluded.hash)
    WHERE units.origin_rank > excluded.origin_rank
RETURNING xmax = 0
"""

_LOOKUP = """
WITH close_texts AS MATERIALIZED (
    -- on its own, so that the trigram index serves it: the planner underrates its selectivity
    SELECT id, lang, length, similarity(norm, %(norm)s) AS similarity
    FROM texts WHERE %(fuzzy)s AND norm %% %(norm)s
),
candidates AS (
    SELECT id FROM texts WHERE lang = %(lang)s AND norm_key = %(norm_key)s
    UNION
    (SELECT id FROM close_texts
     WHERE lang = %(lang)s AND length BETWEEN %(shortest)s AND %(longest)s
     ORDER BY similarity DESC, id
     LIMIT %(candidates)s)
    UNION
    -- texts without letters or digits have no pg_trgm trigrams; short ones are few: score them
    SELECT id FROM texts
    WHERE %(fuzzy)s AND lang = %(lang)s AND length BETWEEN %(shortest)s AND %(short_longest)s
)
SELECT t.id, t.text, t.norm, u.target, u.origin, u.origin_rank, u.msgctxt, u.domain, u.prev,
       u.next, u.created, u.updated
FROM candidates c JOIN texts t ON t.id = c.id JOIN units u ON u.text_id = t.id
WHERE u.target_lang = %(target_lang)s AND u.level = %(level)s
ORDER BY t.id, u.id
"""

_UNIT_COLUMNS = """
    t.text, t.lang, u.target, u.target_lang, u.origin, u.msgctxt, u.domain, u.prev, u.next,
    u.level, u.created, u.updated
"""


def is_postgres_url(location: str) -> bool:
    return location.partition("://")[0] in {"postgres", "postgresql"}


def redact(location: str) -> str:
    """``location`` with any password removed (for messages); other locations unchanged."""
    if not is_postgres_url(location):
        return location
    try:
        params = conninfo_to_dict(location) if psycopg is not None else {}
    except psycopg.ProgrammingError:
        params = {}
    if not params:
        # Unparsable: drop whatever could be a password rather than show it.
        without_userinfo = re.sub(r"(://[^/@:]*):[^@]*@", r"\1@", location)
        return re.sub(r"(?i)([?&]password=)[^&]*", r"\1…", without_userinfo)
    return server_name(params)


def server_name(params: dict[str, Any]) -> str:
    """``postgresql://user@host:port/db`` from connection parameters and ``PG*`` variables."""

    def value(name: str, variable: str) -> str:
        return str(params.get(name) or os.environ.get(variable, ""))

    user = value("user", "PGUSER")
    host = value("host", "PGHOST") or value("hostaddr", "PGHOSTADDR") or "localhost"
    port = value("port", "PGPORT") or "5432"
    dbname = value("dbname", "PGDATABASE") or user
    return f"postgresql://{user + '@' if user else ''}{host}:{port}/{dbname}"


def _reason(error: Exception, secret: str | None) -> str:
    """The gist of a driver error, without the connection boilerplate (or any password)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[0] if lines else type(error).__name__
    text = re.sub(r"^connection failed:\s*", "", text)
    text = re.sub(r'^connection to server (at|on) ".*?"(, port \d+)? failed:\s*', "", text)
    text = re.sub(r"^FATAL:\s*", "", text)
    if secret:
        text = text.replace(secret, "…")
    return text[:1].lower() + text[1:] if text else "unknown error"


class PostgresMemory(TranslationMemory):
    """The memory in a PostgreSQL database; safe for many processes reading and writing at once."""

    def __init__(self, url: str, pool_size: int = POOL_MAX) -> None:
        if psycopg is None:
            raise TranslationMemoryError(
                f"{redact(url)}: the PostgreSQL backend needs psycopg and psycopg-pool: "
                "pip install 'l10n-pipeline[postgresql]'"
            )
        try:
            params = conninfo_to_dict(url)
        except psycopg.ProgrammingError as error:
            raise TranslationMemoryError(
                f"{redact(url)}: not a valid PostgreSQL URL: {_reason(error, None)}"
            ) from None
        self._secret = str(params.get("password") or os.environ.get("PGPASSWORD") or "") or None
        self.name = server_name(params)
        params.setdefault("connect_timeout", CONNECT_TIMEOUT)
        params["application_name"] = "l10n-pipeline"
        self._conninfo = make_conninfo("", **params)
        self._connect_checked()
        self._pool = ConnectionPool(
            self._conninfo,
            kwargs={"autocommit": True, "prepare_threshold": None},
            min_size=1,
            max_size=pool_size,
            configure=self._configure,
            open=False,
            name="l10n-memory",
        )
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except Exception as error:
            self._pool.close()
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None

    def __repr__(self) -> str:
        return f"PostgresMemory({self.name!r})"

    # -- connecting and migrating ----------------------------------------------

    def _connect_checked(self) -> None:
        """Connect once directly (for a precise error) and bring the schema up to date."""
        try:
            with psycopg.connect(self._conninfo, autocommit=True) as connection:
                self._migrate(connection)
        except psycopg.Error as error:
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None

    def _migrate(self, connection: psycopg.Connection[Any]) -> None:
        while True:
            with connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)"
                )
                row = connection.execute("SELECT max(version) FROM schema_version").fetchone()
                version = int(row[0]) if row is not None and row[0] is not None else 0
                if version > SCHEMA_VERSION:
                    raise TranslationMemoryError(
                        f"{self.name}: schema version {version} is newer than this program's "
                        f"({SCHEMA_VERSION}); upgrade l10n-pipeline"
                    )
                if version == SCHEMA_VERSION:
                    return
                for statement in MIGRATIONS[version]:
                    connection.execute(statement.encode("utf-8"))
                connection.execute("DELETE FROM schema_version")
                connection.execute(
                    "INSERT INTO schema_version (version) VALUES (%s)", (version + 1,)
                )

    @staticmethod
    def _configure(connection: psycopg.Connection[Any]) -> None:
        _set_similarity(connection, STRICT_SIMILARITY)
        # The planner prices pg_trgm's per-row similarity as nearly free and would rather scan
        # the whole table than the trigram index; every query here is meant to use an index.
        connection.execute("SET enable_seqscan = off")

    # -- writing -------------------------------------------------------------

    def add(self, units: Iterable[Unit]) -> int:
        return self._write(list(units), replace_human_blocks=False)

    def _replace_human_blocks(self, units: list[Unit]) -> int:
        return self._write(units, replace_human_blocks=True)

    def _write(self, units: list[Unit], replace_human_blocks: bool) -> int:
        for unit in units:
            if unit.level not in LEVELS:
                raise ValueError(f"unit level must be one of {LEVELS}, not {unit.level!r}")
        staged = _stage(units)
        try:
            with self._pool.connection() as connection, connection.transaction():
                connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
                # Merging joins the unindexed staging table: let the planner scan it.
                connection.execute("SET LOCAL enable_seqscan = on")
                if replace_human_blocks:
                    connection.execute(
                        "DELETE FROM units WHERE origin = %s AND level = 'block'", (str(HUMAN),)
                    )
                if not staged:
                    return 0
                connection.execute(_STAGING)
                with connection.cursor() as cursor:
                    with cursor.copy(f"COPY incoming ({_STAGED_COLUMNS}) FROM STDIN") as copy:
                        for row in staged:
                            copy.write_row(row)
                    cursor.execute(_MERGE_TEXTS)
                    cursor.execute(_MERGE_UNITS)
                    new = sum(1 for (inserted,) in cursor.fetchall() if inserted)
            if new >= ANALYZE_AFTER:
                # The planner picks the trigram index only with fresh statistics; autovacuum
                # would refresh them a minute or more after a large import.
                with self._pool.connection() as connection:
                    connection.execute("ANALYZE texts, units")
            return new
        except psycopg.Error as error:
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None

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
        shortest, longest = length_bounds(len(norm), threshold)
        params = {
            "lang": source_lang,
            "norm_key": _text_key(norm),
            "fuzzy": threshold < NORMALISED_SCORE,
            "norm": norm,
            "shortest": shortest,
            "longest": longest,
            "short_longest": min(longest, SHORT_TEXT - 1),
            "candidates": CANDIDATES,
            "target_lang": target_lang,
            "level": level,
        }
        try:
            with self._pool.connection() as connection:
                rows: list[CandidateRow] = connection.execute(_LOOKUP, params).fetchall()
                scores = score_candidates(source, norm, _texts(rows), threshold)
                if params["fuzzy"] and max(scores.values(), default=0.0) < WIDEN_BELOW:
                    _set_similarity(connection, LOOSE_SIMILARITY)
                    try:
                        rows = connection.execute(_LOOKUP, params).fetchall()
                    finally:
                        _set_similarity(connection, STRICT_SIMILARITY)
                    scores = score_candidates(source, norm, _texts(rows), threshold)
        except psycopg.Error as error:
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None
        return rank_matches(rows, scores, source_lang, target_lang, context, limit)

    def units(
        self, source_lang: str | None = None, target_lang: str | None = None
    ) -> Iterator[Unit]:
        query = f"SELECT {_UNIT_COLUMNS} FROM units u JOIN texts t ON t.id = u.text_id WHERE true"
        params: list[str] = []
        if source_lang is not None:
            query += " AND t.lang = %s"
            params.append(source_lang)
        if target_lang is not None:
            query += " AND u.target_lang = %s"
            params.append(target_lang)
        query += " ORDER BY u.id"
        try:
            # A server-side cursor streams the units; its transaction gives one consistent view.
            with (
                self._pool.connection() as connection,
                connection.transaction(),
                connection.cursor(name="units") as cursor,
            ):
                cursor.itersize = 2000
                cursor.execute(query.encode("utf-8"), params)
                for row in cursor:
                    (
                        source, slang, target, tlang, origin, msgctxt, domain, prev, next_,
                        level, created, updated,
                    ) = row  # fmt: skip
                    yield Unit(
                        source, target, slang, tlang, Origin.parse(origin), msgctxt, domain,
                        prev, next_, level, created, updated,
                    )  # fmt: skip
        except psycopg.Error as error:
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None

    def stats(self) -> dict[str, int]:
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

    def schema_version(self) -> int:
        return int(self._fetch("SELECT max(version) FROM schema_version")[0][0])

    def database_bytes(self) -> int:
        """Size of the memory's tables and indexes on disk."""
        return int(
            self._fetch(
                "SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['texts', 'units',"
                " 'schema_version']::regclass[]) AS c"
            )[0][0]
        )

    def _fetch(self, query: str, params: dict[str, Any] | None = None) -> list[Any]:
        try:
            with self._pool.connection() as connection:
                return connection.execute(query.encode("utf-8"), params).fetchall()
        except psycopg.Error as error:
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None

    def close(self) -> None:
        self._pool.close()


def _set_similarity(connection: psycopg.Connection[Any], cut_off: float) -> None:
    # pg_trgm's % operator keeps the texts at least this similar.
    connection.execute(
        "SELECT set_config('pg_trgm.similarity_threshold', %s, false)", (str(cut_off),)
    )


def _texts(rows: list[CandidateRow]) -> dict[int, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in rows}


def _stage(units: list[Unit]) -> list[tuple[Any, ...]]:
    """The batch as staging rows, one per content hash, as SQLite would store it.

    A unit repeated in the batch counts once; a later copy with a better origin
    upgrades the first (and never the reverse), exactly as separate batches would.
    """
    now = _now()
    by_hash: dict[str, list[Any]] = {}
    for unit in units:
        digest = unit.content_hash
        rank = ORIGIN_RANK[unit.origin.kind]
        known = by_hash.get(digest)
        if known is not None:
            if rank < known[16]:
                known[15], known[16] = str(unit.origin), rank
                known[18] = known[19] = unit.updated or now
            continue
        norm = normalise(unit.source)
        by_hash[digest] = [
            len(by_hash),
            unit.source_lang,
            _text_key(unit.source),
            _text_key(norm),
            unit.source,
            norm,
            len(norm),
            digest,
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
            unit.updated or now,
        ]
    return [tuple(row) for row in by_hash.values()]


def migrate(source: TranslationMemory, target: TranslationMemory) -> int:
    """Copy every unit of ``source`` into ``target`` in one transaction; return how many were new.

    Units keep their origin, context, level and dates, and their order, so that
    a TMX export of either memory is the same file. Either side may be either backend.
    """
    return target.add(source.units())


__all__ = [
    "SCHEMA_VERSION",
    "PostgresMemory",
    "is_postgres_url",
    "migrate",
    "redact",
    "server_name",
]
