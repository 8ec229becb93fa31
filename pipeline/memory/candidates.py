"""Which stored texts a fuzzy lookup scores: the same choice on every backend.

Every distinct source text is indexed under its character n-grams (:data:`GRAM`
characters). A lookup takes the query's rarest n-grams (by document frequency,
within a budget of postings; one from each stretch of the query, none
overlapping, so that one edit cannot hide several), and reads their postings,
first only for texts close in length (:data:`WINDOW`), then, if that found
too little, for the rest of the lengths the threshold allows. Of the texts
sharing the most of those n-grams (among as many, the closest in length, then
the oldest), :data:`RANKED` are scored on their normalised text, and the best
:data:`CANDIDATES` of those go on to the full ranking.

A posting packs a text id and its length into one integer (:func:`posting`),
so that a backend can prune by length and break ties without reading the text.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import repeat
from operator import and_, sub

from rapidfuzz import fuzz, process

from pipeline.memory.scoring import Query, length_bounds

# The n-gram length, how many n-grams and postings a query may use, how many texts are
# scored, and how many of those are ranked in full. Tuned with bench/memory_lookup.py at
# 2,000,000 units: 4-grams list a query's texts about four times more selectively than
# trigrams in a memory of that size, for the same recall.
GRAM = 4
SHORT_TEXT = GRAM  # texts shorter than an n-gram have none to be found by: backends scan them
MAX_QUERY_GRAMS = 8
MIN_QUERY_GRAMS = 5
POSTINGS_BUDGET = 3_000
RANKED = 300
CANDIDATES = 40
# Texts at least this close in length (the score their lengths alone allow) are read first.
WINDOW = 90.0

Ranges = list[tuple[int, int]]

LENGTH_BITS = 12
LENGTH_MASK = (1 << LENGTH_BITS) - 1  # longer texts are recorded as this long


def posting(text_id: int, length: int) -> int:
    """A text's id and length in one integer; the length is capped at :data:`LENGTH_MASK`."""
    return text_id << LENGTH_BITS | min(length, LENGTH_MASK)


def grams(norm: str) -> set[str]:
    """The character n-grams a normalised text is indexed under (none if it is shorter)."""
    return {norm[at : at + GRAM] for at in range(len(norm) - GRAM + 1)}


def gram_positions(norm: str) -> dict[str, int]:
    """Each n-gram of a normalised text, at the first place it occurs."""
    positions: dict[str, int] = {}
    for at in range(len(norm) - GRAM + 1):
        positions.setdefault(norm[at : at + GRAM], at)
    return positions


def rarest_grams(positions: dict[str, int], counts: Sequence[tuple[int, str]]) -> list[str]:
    """The n-grams a lookup reads, from ``counts``: (texts holding it, n-gram), rarest first.

    At most one from each of :data:`MAX_QUERY_GRAMS` stretches of the query, so that
    texts sharing one stretch of it (a clause, a phrase) share only some of them, and
    none overlapping another, so that one edit cannot hide several. N-grams no stored
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
        stretch = at * MAX_QUERY_GRAMS // span
        if taken.isdisjoint(range(at, at + GRAM)) and stretch not in stretches:
            chosen.append(gram)
            taken.update(range(at, at + GRAM))
            stretches.add(stretch)
            postings += count
    # A short query has few disjoint n-grams: let overlapping ones make up the minimum.
    spare = (gram for _, gram in counts if gram not in chosen)
    chosen += itertools.islice(spare, max(0, MIN_QUERY_GRAMS - len(chosen)))
    return chosen


def best_candidates(
    shared: Mapping[int, int] | Mapping[str, int], length: int, room: int
) -> list[int]:
    """Ids of the ``room`` texts sharing the most n-grams with the query.

    ``shared`` maps the postings (as integers, or their decimal strings) of texts
    whose length may match to how many of the query's n-grams list them. Among
    texts sharing as many n-grams, the closest in length to the query's ``length``
    comes first, then the oldest (lowest id).
    """
    if room <= 0 or not shared:
        return []
    # The fewest n-grams a text must share to be kept: found from how many texts share
    # how many, rather than by sorting them all.
    histogram = Counter(shared.values())
    above = 0
    for least in sorted(histogram, reverse=True):
        if above + histogram[least] >= room:
            break
        above += histogram[least]
    else:
        least = 0
    kept = list(map(int, [packed for packed, count in shared.items() if count > least]))
    tied = list(map(int, [packed for packed, count in shared.items() if count == least]))
    room -= len(kept)
    if len(tied) > room:
        # The room closest in length (then the oldest): the cut-off distance first, from
        # the distances alone, so that only ints are compared.
        distances = list(map(abs, map(sub, map(and_, tied, repeat(LENGTH_MASK)), repeat(length))))
        cutoff = sorted(distances)[room - 1]
        closer = [packed for packed, away in zip(tied, distances, strict=True) if away < cutoff]
        at_cutoff = [packed for packed, away in zip(tied, distances, strict=True) if away == cutoff]
        tied = closer + sorted(at_cutoff)[: room - len(closer)]
    return [packed >> LENGTH_BITS for packed in kept + tied]


def in_length(postings: Iterable[int], bounds: tuple[int, int]) -> list[int]:
    """The postings of texts whose length is within ``bounds`` (as a posting records it)."""
    shortest, longest = min(bounds[0], LENGTH_MASK), bounds[1]
    return [packed for packed in postings if shortest <= packed & LENGTH_MASK <= longest]


def in_ranges(postings: Iterable[int], ranges: Ranges) -> list[int]:
    """The postings of texts whose length is within one of ``ranges``."""
    if len(ranges) == 1:
        return in_length(postings, ranges[0])
    return [packed for packed in postings if any(in_length((packed,), r) for r in ranges)]


def length_windows(length: int, threshold: float) -> list[tuple[float, Ranges]]:
    """The lengths a lookup reads in turn, each with the score a match must reach for the
    next to be needless: no text of the next lengths can score that much."""
    windows: list[tuple[float, Ranges]] = []
    read: tuple[int, int] | None = None
    for floor in [*([WINDOW] if threshold < WINDOW else []), threshold]:
        low, high = length_bounds(length, floor)
        ranges = [(low, high)] if read is None else [(low, read[0] - 1), (read[1] + 1, high)]
        windows.append((floor, [(a, b) for a, b in ranges if a <= b]))
        read = (low, high)
    return windows


def fuzzy_candidates(query: Query, ranked_in: Callable[[Ranges], Mapping[int, str]]) -> list[int]:
    """Ids of the texts most likely to be the best fuzzy matches of ``query``.

    ``ranked_in`` gives, for some length ranges, the normalised text of the
    :data:`RANKED` texts within them sharing the most of the chosen n-grams (by
    :func:`best_candidates`), of those that have a unit for the query (its target
    language and level).
    """
    scores: dict[int, float] = {}
    for floor, ranges in length_windows(len(query.norm), query.threshold):
        norms = ranked_in(ranges) if ranges else {}
        if norms:
            found = process.extract(
                query.norm, norms, scorer=fuzz.ratio, score_cutoff=query.threshold,
                limit=CANDIDATES,
            )  # fmt: skip
            scores.update((text_id, score) for _, score, text_id in found)
        best = sorted(scores.values(), reverse=True)
        if len(best) >= query.limit and best[query.limit - 1] >= floor:
            break
    return sorted(scores, key=scores.__getitem__, reverse=True)[:CANDIDATES]


def best_short(norm: str, short: Mapping[int, str], threshold: float) -> list[int]:
    """Ids of the best fuzzy matches of ``norm`` among ``short``: texts shorter than an
    n-gram, which no n-gram finds (they are few, and scored right away)."""
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
