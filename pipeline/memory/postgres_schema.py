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
from pipeline.memory.candidates import GRAM, LENGTH_BITS, LENGTH_MASK
from pipeline.memory.scoring import ORIGIN_RANK, normalise, text_key, utc_timestamp
from pipeline.memory.units import Unit

CHUNK = 200  # postings per row: a row stays under 2 kB, stored inline and never compressed

# Bit length of a positive integer n, in SQL; with it, candidates.length_class in SQL.
_BITS = "length(ltrim(({n})::bit(32)::text, '0'))"
_CLASS = "(8 * {bits} + (((({n}) << 3) >> ({bits} - 1)) & 7))"


def length_class_sql(n: str) -> str:
    """:func:`pipeline.memory.candidates.length_class` of the SQL expression ``n`` (≥ 1)."""
    return _CLASS.format(n=n, bits=_BITS.format(n=n))


# Index i upgrades a database from version i to i + 1. Each runs in one transaction.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
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
    (
        # Fuzzy candidates come from n-gram postings, as in SQLite (pipeline.memory.candidates),
        # kept in chunks: a lookup reads a few rows per n-gram, never the texts themselves.
        """CREATE TABLE grams (
           lang text NOT NULL,
           gram text NOT NULL,
           class smallint NOT NULL,    -- length class of the texts (candidates.length_class)
           first bigint NOT NULL,      -- the chunk's first posting: chunks of a key never share one
           postings bigint[] NOT NULL, -- candidates.posting(text id, length), ascending
           PRIMARY KEY (lang, gram, class, first)
       )""",
        """CREATE TABLE gram_counts (
           lang text NOT NULL,
           gram text NOT NULL,
           texts integer NOT NULL,     -- document frequency: rare n-grams are read first
           PRIMARY KEY (lang, gram)
       )""",
        # Databases made before version 2 had a pg_trgm index in place of the postings.
        "DROP INDEX IF EXISTS texts_by_trigram",
    ),
    # Version 3 lists texts under n-grams of candidates.GRAM characters (version 2 wrote
    # trigrams): every text is listed again, as a write lists it.
    (
        "DELETE FROM grams",
        "DELETE FROM gram_counts",
        f"""INSERT INTO grams (lang, gram, class, first, postings)
        SELECT lang, gram, class, min(posting), array_agg(posting ORDER BY posting)
        FROM (SELECT *, (row_number() OVER (PARTITION BY lang, gram, class ORDER BY posting) - 1)
                        / {CHUNK} AS chunk
              FROM (SELECT DISTINCT t.lang, substr(t.norm, i, {GRAM}) AS gram,
                           {length_class_sql("t.length")} AS class,
                           t.id << {LENGTH_BITS} | least(t.length, {LENGTH_MASK}) AS posting
                    FROM texts t, generate_series(1, char_length(t.norm) - {GRAM - 1}) AS i
                   ) AS postings
             ) AS numbered
        GROUP BY lang, gram, class, chunk""",
        """INSERT INTO gram_counts (lang, gram, texts)
        SELECT lang, gram, sum(cardinality(postings)) FROM grams GROUP BY lang, gram""",
        "ANALYZE texts, grams, gram_counts",
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
RETURNING id, lang, key
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

# A write's new n-gram postings are staged in chunks, then added; a key whose small chunks
# have become too many (one per write that touched it) gets them merged.
SMALL_CHUNK = CHUNK // 2
MOST_SMALL_CHUNKS = 8
GRAM_STAGING = """
CREATE TEMPORARY TABLE IF NOT EXISTS incoming_grams (
    lang text NOT NULL,
    gram text NOT NULL,
    class smallint NOT NULL,
    first bigint NOT NULL,
    postings bigint[] NOT NULL
) ON COMMIT DELETE ROWS
"""
MERGE_STAGING = """
CREATE TEMPORARY TABLE IF NOT EXISTS merged_grams (
    lang text NOT NULL,
    gram text NOT NULL,
    class smallint NOT NULL,
    postings bigint[] NOT NULL
) ON COMMIT DELETE ROWS
"""
ADD_GRAMS = "INSERT INTO grams SELECT * FROM incoming_grams"
MERGE_SMALL_CHUNKS = f"""
WITH crowded AS (
    SELECT DISTINCT i.lang, i.gram, i.class FROM incoming_grams i
    WHERE cardinality(i.postings) < {SMALL_CHUNK}
      AND (SELECT count(*) FROM grams g
           WHERE g.lang = i.lang AND g.gram = i.gram AND g.class = i.class
             AND cardinality(g.postings) < {SMALL_CHUNK}) > {MOST_SMALL_CHUNKS}
), gone AS (
    DELETE FROM grams g USING crowded c
    WHERE g.lang = c.lang AND g.gram = c.gram AND g.class = c.class
      AND cardinality(g.postings) < {SMALL_CHUNK}
    RETURNING g.lang, g.gram, g.class, g.postings
)
INSERT INTO merged_grams
SELECT lang, gram, class, array_agg(posting ORDER BY posting)
FROM gone, unnest(gone.postings) AS posting
GROUP BY lang, gram, class
"""
ADD_MERGED_GRAMS = f"""
INSERT INTO grams (lang, gram, class, first, postings)
SELECT lang, gram, class, postings[at], postings[at : at + {CHUNK - 1}]
FROM merged_grams, generate_series(1, cardinality(postings), {CHUNK}) AS at
"""
CLEAR_GRAM_STAGING = "TRUNCATE incoming_grams, merged_grams"
ADD_GRAM_COUNTS = """
INSERT INTO gram_counts (lang, gram, texts)
SELECT * FROM unnest(%(langs)s::text[], %(grams)s::text[], %(counts)s::integer[])
ON CONFLICT (lang, gram) DO UPDATE SET texts = gram_counts.texts + excluded.texts
"""

# A lookup: texts shorter than an n-gram, which none finds (they are few: the short queries
# that may match them score them all); the document frequency of the query's n-grams; then,
# in one statement, the units of the texts sharing the most of the rarest (and of the texts
# equal to the query once normalised), which the client scores; the units of any other
# candidates last.
SHORT_TEXTS = """
SELECT id, norm FROM texts WHERE lang = %(lang)s AND length BETWEEN %(shortest)s AND %(longest)s
"""
GRAM_COUNTS = """
SELECT gram, texts FROM gram_counts WHERE lang = %(lang)s AND gram = ANY(%(grams)s::text[])
"""
RANKED_ROWS = f"""
WITH shared AS (
    -- the texts listed under most of the chosen n-grams (as candidates.best_candidates ranks)
    SELECT posting FROM grams, unnest(postings) AS posting
    WHERE lang = %(lang)s AND gram = ANY(%(grams)s::text[]) AND class = ANY(%(classes)s::smallint[])
      AND (posting & {LENGTH_MASK} BETWEEN %(low)s AND %(high)s
           OR posting & {LENGTH_MASK} BETWEEN %(low2)s AND %(high2)s)
    GROUP BY posting
    ORDER BY count(*) DESC, abs((posting & {LENGTH_MASK}) - %(length)s), posting
    LIMIT %(ranked)s
),
candidates AS (
    SELECT posting >> {LENGTH_BITS} AS id FROM shared
    UNION
    SELECT id FROM texts WHERE %(exact)s AND lang = %(lang)s AND norm_key = %(norm_key)s
)
SELECT t.id, t.text, t.norm, u.target, u.origin, u.origin_rank, u.msgctxt, u.domain, u.prev,
       u.next, u.created, u.updated
FROM candidates c JOIN texts t ON t.id = c.id JOIN units u ON u.text_id = t.id
WHERE u.target_lang = %(target_lang)s AND u.level = %(level)s
ORDER BY t.id, u.id
"""
LOOKUP = """
WITH candidates AS (
    SELECT id FROM texts WHERE %(exact)s AND lang = %(lang)s AND norm_key = %(norm_key)s
    UNION
    SELECT unnest(%(candidates)s::bigint[])
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
