"""Which stored texts a fuzzy lookup scores: the same choice on every backend.

Every distinct source text is indexed under its character trigrams. A lookup
takes the query's rarest trigrams (by document frequency, within a budget of
postings, not overlapping, so that one edit cannot hide them all), reads their
postings only for texts whose length can still reach the threshold, and keeps
the texts sharing the most of those trigrams -- among as many, the closest in
length, then the oldest. Only that bounded set is scored.

A posting packs a text id and its length into one integer (:func:`posting`),
so that a backend can prune by length and break ties without reading the text.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

# How many trigrams and postings a query may use, and how many candidate texts are
# scored. Tuned with bench/memory_lookup.py.
MAX_QUERY_GRAMS = 8
MIN_QUERY_GRAMS = 6
POSTINGS_BUDGET = 3_000
CANDIDATES = 40
SPREAD = True

LENGTH_BITS = 12
LENGTH_MASK = (1 << LENGTH_BITS) - 1  # longer texts are recorded as this long


def posting(text_id: int, length: int) -> int:
    """A text's id and length in one integer; the length is capped at :data:`LENGTH_MASK`."""
    return text_id << LENGTH_BITS | min(length, LENGTH_MASK)


def gram_positions(norm: str) -> dict[str, int]:
    """Each trigram of a normalised text, at the first place it occurs."""
    positions: dict[str, int] = {}
    for at in range(len(norm) - 2):
        positions.setdefault(norm[at : at + 3], at)
    return positions


def rarest_grams(positions: dict[str, int], counts: Sequence[tuple[int, str]]) -> list[str]:
    """The trigrams a lookup reads, from ``counts``: (texts holding it, trigram), rarest first.

    At most one from each of :data:`MAX_QUERY_GRAMS` stretches of the query, so that
    texts sharing one stretch of it (a clause, a phrase) share only some of them, and
    none overlapping another, so that one edit cannot hide several. Trigrams no stored
    text holds are not in ``counts``: they find nothing.
    """
    chosen: list[str] = []
    taken: set[int] = set()
    stretches: set[int] = set()
    span = max(positions.values()) + 1
    postings = 0
    for count, gram in counts:
        if len(chosen) >= MAX_QUERY_GRAMS or (
            len(chosen) >= MIN_QUERY_GRAMS and postings + count > POSTINGS_BUDGET
        ):
            break
        at = positions[gram]
        stretch = at * MAX_QUERY_GRAMS // span if SPREAD else 0
        if taken.isdisjoint(range(at, at + 3)) and (not SPREAD or stretch not in stretches):
            chosen.append(gram)
            taken.update(range(at, at + 3))
            stretches.add(stretch)
            postings += count
    # A short query has few disjoint trigrams: let overlapping ones make up the minimum.
    spare = (gram for _, gram in counts if gram not in chosen)
    chosen += itertools.islice(spare, max(0, MIN_QUERY_GRAMS - len(chosen)))
    return chosen


def best_candidates(
    shared: Mapping[int, int] | Mapping[str, int], length: int, room: int
) -> list[int]:
    """Ids of the ``room`` texts sharing the most trigrams with the query.

    ``shared`` maps the postings (as integers, or their decimal strings) of texts
    whose length may match to how many of the query's trigrams list them. Among
    texts sharing as many trigrams, the closest in length to the query's ``length``
    comes first, then the oldest (lowest id).
    """
    if room <= 0 or not shared:
        return []
    # The fewest trigrams a text must share to be kept: found from how many texts share
    # how many, rather than by sorting them all.
    histogram = Counter(shared.values())
    above = 0
    for least in sorted(histogram, reverse=True):
        if above + histogram[least] >= room:
            break
        above += histogram[least]
    else:
        least = 0
    kept = [int(packed) for packed, count in shared.items() if count > least]
    tied = [int(packed) for packed, count in shared.items() if count == least]
    if len(tied) > room - len(kept):
        distances = [abs((packed & LENGTH_MASK) - length) for packed in tied]
        closest = heapq.nsmallest(room - len(kept), zip(distances, tied, strict=True))
        tied = [packed for _, packed in closest]
    return [packed >> LENGTH_BITS for packed in kept + tied]


def in_length(postings: Iterable[int], bounds: tuple[int, int]) -> list[int]:
    """The postings of texts whose length is within ``bounds`` (as a posting records it)."""
    shortest, longest = min(bounds[0], LENGTH_MASK), bounds[1]
    return [packed for packed in postings if shortest <= packed & LENGTH_MASK <= longest]


def best_short(norm: str, short: Mapping[int, str], threshold: float) -> list[int]:
    """Ids of the best fuzzy matches of ``norm`` among ``short``: texts shorter than a
    trigram, which no trigram finds (they are few, and scored right away)."""
    found = process.extract(
        norm, short, scorer=fuzz.ratio, score_cutoff=threshold, limit=CANDIDATES
    )
    return [text_id for _, _, text_id in found]


def length_class(length: int) -> int:
    """The length class PostgreSQL keys postings by: eight classes per doubling of length.

    Monotonic in ``length``, so the classes of a range of lengths are a range too.
    """
    if length < 1:
        return 0
    bits = length.bit_length()
    return 8 * bits + ((length << 3 >> (bits - 1)) & 7)
