"""How a lookup scores and ranks the candidates a backend found: the same for every backend.

Each backend only retrieves candidate texts; :func:`score_candidates` and
:func:`rank_matches` turn them into proposals, so SQLite and PostgreSQL propose
the same matches in the same order.

Texts are compared in *normalised* form (:func:`normalise`): Unicode NFC,
case-folded, runs of whitespace collapsed to one space, stripped.

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
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from rapidfuzz import fuzz, process

from pipeline.memory.units import LookupContext
from pipeline.model import Match, MatchKind, Origin, OriginKind

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


# A candidate row as both backends select it: text id, text, normalised text, target, origin,
# origin rank, msgctxt, domain, prev, next, created, updated.
CandidateRow = tuple[int, str, str, str, str, int, str | None, str, str, str, str, str]


def normalise(text: str) -> str:
    """The comparison form of a text: NFC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def text_key(text: str) -> bytes:
    """The key a text is stored and found under: exact lookup without indexing long texts."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:16]


def utc_timestamp() -> str:
    """Now, as a unit's ``created`` and ``updated`` record it (ISO-8601 UTC, in seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def length_bounds(length: int, threshold: float) -> tuple[int, int]:
    """Lengths a text may have and still reach ``threshold`` % ratio against one of ``length``."""
    t = min(max(threshold, 1.0), 100.0) / 100.0
    return math.ceil(length * t / (2 - t) - 1e-9), math.floor(length * (2 - t) / t + 1e-9)


@dataclass(frozen=True)
class Query:
    """One valid lookup as a backend searches for it: a non-empty normalised source and terms."""

    source: str
    norm: str
    source_lang: str
    target_lang: str
    context: LookupContext | None
    threshold: float
    limit: int
    level: str

    @property
    def fuzzy(self) -> bool:
        """Whether texts that differ by more than case and whitespace may reach the threshold."""
        return self.threshold < NORMALISED_SCORE


def score_candidates(query: Query, rows: Iterable[CandidateRow]) -> dict[int, float]:
    """Score of each candidate text that reaches the threshold, by text id."""
    scores: dict[int, float] = {}
    fuzzy: dict[int, str] = {}
    for text_id, text, candidate_norm, *_ in rows:
        if text == query.source:
            scores[text_id] = EXACT_SCORE
        elif candidate_norm == query.norm:
            if query.threshold <= NORMALISED_SCORE:
                scores[text_id] = NORMALISED_SCORE
        else:
            fuzzy[text_id] = candidate_norm
    if fuzzy:
        for _, score, text_id in process.extract(
            query.norm, fuzzy, scorer=fuzz.ratio, score_cutoff=query.threshold, limit=None
        ):
            scores[text_id] = min(float(score), FUZZY_CEILING)
    return scores


def rank_matches(
    query: Query, rows: Iterable[CandidateRow], scores: dict[int, float]
) -> list[Match]:
    """The scored rows as matches, best first, one per target text."""
    place = _place(query.context)
    ranked: list[tuple[float, int, str, Match]] = []
    for row in rows:
        score = scores.get(row[0])
        if score is not None:
            ranked.append(_ranked_match(query, row, score, place))
    # Best score, then the better origin, then the most recent (sorts are stable).
    ranked.sort(key=lambda item: item[2], reverse=True)
    ranked.sort(key=lambda item: (-item[0], item[1]))
    matches: list[Match] = []
    proposed: set[str] = set()
    for _, _, _, match in ranked:
        if match.target not in proposed:
            proposed.add(match.target)
            matches.append(match)
    return matches[: query.limit]


def _ranked_match(
    query: Query, row: CandidateRow, score: float, place: tuple[str | None, str, str, str] | None
) -> tuple[float, int, str, Match]:
    """A scored row as a match, with what ranks it: score, origin rank, last update."""
    _, text, _, target, origin, rank, msgctxt, domain, prev, next_, created, updated = row
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
        origin=Origin.recorded(origin),
        source_lang=query.source_lang,
        target_lang=query.target_lang,
        date=created,
    )
    return score, rank, updated, match


def _place(context: LookupContext | None) -> tuple[str | None, str, str, str] | None:
    """Where a lookup says its text sits; None when it says nothing (so never "in context")."""
    if context is None or context == LookupContext():
        return None
    return (context.msgctxt, context.domain, context.prev, context.next)
