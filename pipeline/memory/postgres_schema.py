"""The PostgreSQL memory's SQL: its schema migrations, how a batch is merged, and the lookup.

Schema: created on first use and upgraded by numbered migrations, each in its
own transaction (see :class:`pipeline.memory.postgres.PostgresMemory`). The
version is in the ``schema_version`` table.

Writes: each batch is staged with ``COPY`` into a temporary table
(:func:`staging_rows` gives its rows), then merged by two ``INSERT … SELECT``
statements: texts first, then units upserted on their content hash, a better
origin replacing a worse one and never the reverse.
"""

from __future__ import annotations

from typing import Any

from pipeline.memory.base import stored_values
from pipeline.memory.scoring import ORIGIN_RANK, normalise, text_key, utc_timestamp
from pipeline.memory.units import Unit

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
        "CREATE INDEX texts_by_trigram ON texts USING gin (norm gin_trgm_ops)"
        " WITH (fastupdate = off)",
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
STAGING = """
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
STAGED_COLUMNS = (
    "seq, lang, key, norm_key, text, norm, length, hash, target, target_lang, msgctxt, domain, "
    "prev, next, level, origin, origin_rank, created, updated, upgraded"
)
MERGE_TEXTS = """
INSERT INTO texts (lang, key, norm_key, text, norm, length)
SELECT lang, key, norm_key, text, norm, length
FROM (SELECT DISTINCT ON (lang, key) * FROM incoming ORDER BY lang, key, seq) AS first_seen
ORDER BY seq
ON CONFLICT (lang, key) DO NOTHING
"""
MERGE_UNITS = """
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

LOOKUP = """
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


def staging_rows(units: list[Unit]) -> list[tuple[Any, ...]]:
    """The batch as rows of the staging table, one per content hash, as SQLite would store it.

    A unit repeated in the batch counts once; a later copy with a better origin
    upgrades the first (and never the reverse), exactly as separate batches would.
    """
    now = utc_timestamp()
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
            text_key(unit.source),
            text_key(norm),
            unit.source,
            norm,
            len(norm),
            digest,
            *stored_values(unit, now),
            unit.updated or now,  # "upgraded"
        ]
    return [tuple(row) for row in by_hash.values()]
