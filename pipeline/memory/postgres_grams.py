"""The PostgreSQL memory's n-gram postings: what a write adds to them.

Each distinct source text is listed under each of its n-grams, keyed by
(language, n-gram, length class), in rows of up to :data:`CHUNK` postings
(:func:`pipeline.memory.candidates.posting`). A write collects the postings of
the texts it adds and copies them in as new rows, full ones as they fill: rows
already stored are never rewritten, so a large import costs what it adds. Each
write leaves at most one small row per key it touched; a key whose small rows
have become too many (from many small writes) gets them merged into full ones,
in the same transaction.
"""

from __future__ import annotations

from array import array
from collections import Counter
from typing import Any

from pipeline.memory.candidates import grams as text_grams
from pipeline.memory.candidates import length_class, posting
from pipeline.memory.postgres_schema import (
    ADD_GRAM_COUNTS,
    ADD_GRAMS,
    ADD_MERGED_GRAMS,
    CHUNK,
    CLEAR_GRAM_STAGING,
    GRAM_STAGING,
    MERGE_SMALL_CHUNKS,
    MERGE_STAGING,
    SMALL_CHUNK,
)

FLUSH_POSTINGS = 4_000_000  # full chunks' worth of postings held before they are copied in
MERGE_UP_TO = 50_000  # keys a write may leave a small row under and still merge crowded keys


class GramWriter:
    """The postings of the texts one write adds, copied in through ``cursor``.

    Full chunks are copied in as they fill; what is left of each key waits for the
    end of the write, so that a write of any size leaves at most one small row per key.
    """

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        # (language, length class) -> n-gram -> postings not yet copied in
        self._pending: dict[tuple[str, int], dict[str, array[int]]] = {}
        self._filled: list[tuple[tuple[str, int], str]] = []  # keys holding a full chunk
        self._since_flush = 0
        self._counts: Counter[tuple[str, str]] = Counter()
        self._staged = False

    def add(self, text_id: int, lang: str, norm: str) -> None:
        """List a new text under its n-grams (none if it is shorter than one)."""
        grams = text_grams(norm)
        if not grams:
            return
        length = len(norm)
        packed = posting(text_id, length)
        where = (lang, length_class(length))
        by_gram = self._pending.setdefault(where, {})
        for gram in grams:
            postings = by_gram.get(gram)
            if postings is None:
                postings = by_gram[gram] = array("q")
            postings.append(packed)
            if len(postings) == CHUNK:
                self._filled.append((where, gram))
        self._since_flush += len(grams)
        if self._since_flush >= FLUSH_POSTINGS:
            self._flush([(where, gram, False) for where, gram in self._filled])
            self._cursor.execute(CLEAR_GRAM_STAGING)

    def finish(self) -> None:
        """Copy in what is left, merge crowded keys' small rows, count each n-gram's texts."""
        keys = [(where, gram, True) for where, by_gram in self._pending.items() for gram in by_gram]
        small = self._flush(keys)
        self._pending.clear()
        if small <= MERGE_UP_TO:
            # Key by key through the index, never a scan of every posting row.
            self._cursor.execute("SET LOCAL enable_seqscan = off")
            self._cursor.execute(MERGE_SMALL_CHUNKS)
            self._cursor.execute(ADD_MERGED_GRAMS)
        self._cursor.execute(CLEAR_GRAM_STAGING)
        if self._counts:
            langs, grams = zip(*self._counts, strict=True)
            self._cursor.execute(
                ADD_GRAM_COUNTS,
                {"langs": list(langs), "grams": list(grams), "counts": list(self._counts.values())},
            )
            self._counts.clear()

    def _flush(self, keys: list[tuple[tuple[str, int], str, bool]]) -> int:
        """Copy in the full chunks of ``keys`` (all their postings where the flag says so);
        how many small rows were copied in."""
        cursor = self._cursor
        if not self._staged:
            cursor.execute(GRAM_STAGING)
            cursor.execute(MERGE_STAGING)
            self._staged = True
        small = 0
        with cursor.copy("COPY incoming_grams FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["text", "text", "int2", "int8", "int8[]"])
            for (lang, klass), gram, whole in keys:
                by_gram = self._pending[(lang, klass)]
                ordered = sorted(by_gram[gram])
                done = len(ordered) if whole else len(ordered) - len(ordered) % CHUNK
                for at in range(0, done, CHUNK):
                    copy.write_row((lang, gram, klass, ordered[at], ordered[at : at + CHUNK]))
                small += 0 < done % CHUNK < SMALL_CHUNK
                self._counts[(lang, gram)] += done
                by_gram[gram] = array("q", ordered[done:])
        self._filled.clear()
        self._since_flush = 0
        cursor.execute(ADD_GRAMS)
        return small
