"""The translation memory in PostgreSQL, shared by a team: ``memory = "postgresql://…"``.

Same interface, same candidates, same scoring and same ranking as
:class:`~pipeline.memory.sqlite.SqliteMemory` (both use :mod:`pipeline.memory.candidates`
and :mod:`pipeline.memory.scoring`): n-gram postings, kept in chunks
(:mod:`pipeline.memory.postgres_grams`), propose the texts sharing the most of the
query's rarest n-grams within the length bounds a ratio ≥ threshold allows, and
rapidfuzz gives the final score. A lookup is two statements on one connection. The
SQL is in :mod:`pipeline.memory.postgres_schema`.

Schema: created on first use and upgraded by numbered migrations in code, each
in its own transaction, under an advisory lock so that several processes
starting at once migrate once.

Writes: a batch is one transaction. Writers take a transaction-level advisory
lock, so batches from concurrent processes apply one after the other (as
SQLite's ``BEGIN IMMEDIATE`` does) and units keep their arrival order.
Readers never wait and never see part of a batch.

Credentials come from the URL or the standard ``PG*`` environment variables
(``PGPASSWORD``, ``PGPASSFILE``, ``PGHOST`` …). They never appear in messages:
every error and ``repr`` names the server as ``postgresql://user@host:port/db``.

psycopg and psycopg-pool are an optional extra (``l10n-pipeline[postgresql]``):
without them this module still imports, and opening a PostgreSQL memory says
what to install.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from operator import itemgetter
from typing import Any

from pipeline.memory.base import TranslationMemory
from pipeline.memory.candidates import (
    LENGTH_MASK,
    RANKED,
    SHORT_TEXT,
    Ranges,
    best_short,
    fuzzy_candidates,
    gram_positions,
    length_class,
    rarest_grams,
)
from pipeline.memory.postgres_grams import GramWriter
from pipeline.memory.postgres_schema import (
    GRAM_COUNTS,
    LOOKUP,
    MERGE_TEXTS,
    MERGE_UNITS,
    MIGRATIONS,
    RANKED_ROWS,
    SCHEMA_VERSION,
    SHORT_TEXTS,
    STAGED_COLUMNS,
    STAGING,
    staging_rows,
)
from pipeline.memory.scoring import (
    CandidateRow,
    Query,
    length_bounds,
    rank_matches,
    score_candidates,
    text_key,
)
from pipeline.memory.units import TranslationMemoryError, Unit, newer_schema_error
from pipeline.model import HUMAN, Match

try:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
    from psycopg_pool import ConnectionPool
except ImportError:  # pragma: no cover - depends on the installed extras
    psycopg = None  # type: ignore[assignment]

ANALYZE_AFTER = 5_000  # new units in one write
COUNTS_KEPT = 500_000  # n-gram counts a process keeps (about 60 MB)
WRITE_BATCH = 50_000  # units staged and merged at a time (a write is one transaction still)

CONNECT_TIMEOUT = 10  # seconds
POOL_MAX = 4
# Advisory lock keys (any two distinct 64-bit numbers; these spell "l10n-tm" and a role).
MIGRATION_LOCK = 0x6C31306E2D746D01
WRITER_LOCK = 0x6C31306E2D746D02


def is_postgres_url(location: str) -> bool:
    """Whether ``location`` names a PostgreSQL memory (``postgresql://`` or ``postgres://``)."""
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

    placeholder = "%s"

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
        self._counts: dict[tuple[str, str], int] = {}
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
        with self._driver_errors(), psycopg.connect(self._conninfo, autocommit=True) as connection:
            self._migrate(connection)

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
                    raise newer_schema_error(self.name, version, SCHEMA_VERSION)
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
        # Every query here is meant to use an index: a scan of a table of millions of rows
        # would cost a lookup seconds, whatever the planner's estimates say.
        connection.execute("SET enable_seqscan = off")
        # Planned once per connection: a plan for each lookup's values would cost more than
        # the lookup itself, and the same indexes serve every value.
        connection.execute("SET plan_cache_mode = force_generic_plan")

    @contextmanager
    def _driver_errors(self) -> Iterator[None]:
        """Driver errors as memory errors that name the server (and never show the password)."""
        try:
            yield
        except psycopg.Error as error:
            raise TranslationMemoryError(f"{self.name}: {_reason(error, self._secret)}") from None

    # -- writing -------------------------------------------------------------

    def _write(self, units: Iterable[Unit], replace_human_blocks: bool) -> int:
        self._counts.clear()
        with self._driver_errors():
            new = self._merge(units, replace_human_blocks)
            if new >= ANALYZE_AFTER:
                # The planner needs fresh statistics for the new rows at once; autovacuum
                # would refresh them a minute or more after a large import.
                with self._pool.connection() as connection:
                    connection.execute("ANALYZE texts, units, grams, gram_counts")
        return new

    def _merge(self, units: Iterable[Unit], replace_human_blocks: bool) -> int:
        """Copy the units in and merge them, batch by batch, in one transaction; how many
        units were new."""
        with self._pool.connection() as connection, connection.transaction():
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK,))
            # Merging joins the unindexed staging table: let the planner scan it.
            connection.execute("SET LOCAL enable_seqscan = on")
            if replace_human_blocks:
                connection.execute(
                    "DELETE FROM units WHERE origin = %s AND level = 'block'", (str(HUMAN),)
                )
            new = 0
            with connection.cursor() as cursor:
                grams = GramWriter(cursor)
                staged_table = False
                for batch in _batches(units, WRITE_BATCH):
                    staged = staging_rows(batch)
                    if not staged_table:
                        cursor.execute(STAGING)
                        staged_table = True
                    new += self._merge_batch(cursor, staged, grams)
                grams.finish()
            return new

    @staticmethod
    def _merge_batch(cursor: Any, staged: list[tuple[Any, ...]], grams: GramWriter) -> int:
        cursor.execute("TRUNCATE incoming")
        with cursor.copy(f"COPY incoming ({STAGED_COLUMNS}) FROM STDIN") as copy:
            for row in staged:
                copy.write_row(row)
        cursor.execute(MERGE_TEXTS)
        added = cursor.fetchall()
        if added:
            norms = {(row[1], row[2]): row[5] for row in staged}
            for text_id, lang, key in added:
                grams.add(text_id, lang, norms[(lang, key)])
        cursor.execute(MERGE_UNITS)
        return sum(1 for (inserted,) in cursor.fetchall() if inserted)

    # -- reading -------------------------------------------------------------

    def _lookup(self, query: Query) -> list[Match]:
        with self._driver_errors(), self._pool.connection() as connection:
            fetched: dict[int, list[CandidateRow]] = {}
            chosen = self._fuzzy_candidates(connection, query, fetched) if query.fuzzy else []
            rows = [row for text_id in sorted(set(chosen) & fetched.keys())
                    for row in fetched[text_id]]  # fmt: skip
            if fetched:  # the texts equal to the query once normalised came with them
                rows += [row for found in fetched.values() for row in found
                         if row[2] == query.norm and row[0] not in chosen]  # fmt: skip
            missing = [text_id for text_id in chosen if text_id not in fetched]
            if missing or not fetched:
                rows += connection.execute(
                    LOOKUP,
                    {"lang": query.source_lang, "norm_key": text_key(query.norm),
                     "exact": not fetched, "candidates": missing,
                     "target_lang": query.target_lang, "level": query.level},
                    prepare=True,
                ).fetchall()  # fmt: skip
        rows.sort(key=itemgetter(0))  # by text, as SQLite lists them (the sort is stable)
        return rank_matches(query, rows, score_candidates(query, rows))

    def _fuzzy_candidates(
        self,
        connection: psycopg.Connection[Any],
        query: Query,
        fetched: dict[int, list[CandidateRow]],
    ) -> list[int]:
        """Ids of the texts most likely to be the best fuzzy matches (as SQLite finds them);
        the units of those read on the way go to ``fetched``, by text."""
        lang, length = query.source_lang, len(query.norm)
        shortest, longest = length_bounds(length, query.threshold)
        found: list[int] = []
        if shortest < SHORT_TEXT:
            short = connection.execute(
                SHORT_TEXTS,
                {"lang": lang, "shortest": shortest, "longest": min(longest, SHORT_TEXT - 1)},
                prepare=True,
            ).fetchall()
            found += best_short(query.norm, dict(short), query.threshold)
        positions = gram_positions(query.norm)
        if not positions:
            return found
        grams = rarest_grams(positions, self._gram_counts(connection, lang, positions))
        if not grams:
            return found

        def ranked_in(ranges: Ranges) -> dict[int, str]:
            spans = [(length_class(low), length_class(high)) for low, high in ranges]
            (low, high), (low2, high2) = ranges[0], ranges[1] if len(ranges) > 1 else (1, 0)
            rows = connection.execute(
                RANKED_ROWS,
                {"lang": lang, "grams": grams,
                 "classes": sorted({c for a, b in spans for c in range(a, b + 1)}),
                 "low": min(low, LENGTH_MASK), "high": high, "low2": min(low2, LENGTH_MASK),
                 "high2": high2, "length": length, "ranked": RANKED,
                 "exact": not fetched, "norm_key": text_key(query.norm),
                 "target_lang": query.target_lang, "level": query.level},
                prepare=True,
            ).fetchall()  # fmt: skip
            by_text: dict[int, list[CandidateRow]] = {}
            for row in rows:
                by_text.setdefault(row[0], []).append(row)
            for text_id, units in by_text.items():
                fetched.setdefault(text_id, units)
            return {text_id: units[0][2] for text_id, units in by_text.items()}

        return found + fuzzy_candidates(query, ranked_in)

    def _gram_counts(
        self, connection: psycopg.Connection[Any], lang: str, positions: dict[str, int]
    ) -> list[tuple[int, str]]:
        """(texts holding it, n-gram) for the n-grams of ``positions`` some text holds,
        rarest first, ties in code point order (as SQLite orders them).

        Counts come from the server once per process and n-gram: they only rank n-grams
        by rarity, so those another process has raised since serve as well. This process's
        own writes clear them.
        """
        known = {gram: self._counts.get((lang, gram)) for gram in positions}
        missing = [gram for gram, count in known.items() if count is None]
        if missing:
            if len(self._counts) > COUNTS_KEPT:
                self._counts.clear()
            found = dict(
                connection.execute(
                    GRAM_COUNTS, {"lang": lang, "grams": missing}, prepare=True
                ).fetchall()
            )
            for gram in missing:
                known[gram] = self._counts[(lang, gram)] = found.get(gram, 0)
        return sorted((count, gram) for gram, count in known.items() if count)

    def _stream(self, query: str, params: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        # A server-side cursor streams the rows; its transaction gives one consistent view.
        with (
            self._driver_errors(),
            self._pool.connection() as connection,
            connection.transaction(),
            connection.cursor(name="units") as cursor,
        ):
            cursor.itersize = 2000
            cursor.execute(query.encode("utf-8"), params)
            yield from cursor

    def _fetch(self, query: str) -> list[tuple[Any, ...]]:
        with self._driver_errors(), self._pool.connection() as connection:
            return connection.execute(query.encode("utf-8")).fetchall()

    def schema_version(self) -> int:
        return int(self._fetch("SELECT max(version) FROM schema_version")[0][0])

    def database_bytes(self) -> int:
        """Size of the memory's tables and indexes on disk."""
        return int(
            self._fetch(
                "SELECT sum(pg_total_relation_size(c)) FROM unnest(ARRAY['texts', 'units',"
                " 'grams', 'gram_counts', 'schema_version']::regclass[]) AS c"
            )[0][0]
        )

    def close(self) -> None:
        self._pool.close()


def _batches(units: Iterable[Unit], size: int) -> Iterator[list[Unit]]:
    iterator = iter(units)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


__all__ = [
    "SCHEMA_VERSION",
    "PostgresMemory",
    "is_postgres_url",
    "redact",
    "server_name",
]
