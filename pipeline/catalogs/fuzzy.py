"""The fuzzy matcher of an update: which old entry an edited msgid came from.

Candidates come from an inverted index of words (and character trigrams for
short strings), are ranked by the keys they share with the new text, and the
best are scored with rapidfuzz; only those above a threshold that falls with
length are proposed, or failing any, the one candidate a second-chance test
singles out.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import mul

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from pipeline.model import Entry

_WORD = re.compile(r"\w+", re.UNICODE)
_SHORT_KEYS = 40  # characters: below this, a string is indexed by trigrams too


def _grams(text: str) -> set[str]:
    """Index keys: words for prose, words and character trigrams for short UI strings.

    Words carry the same key in both, so a four-word string still finds the
    five-word string it was cut from. A string is short if it has at most four
    words or fewer than 40 characters: an edit of a short string is then short
    too, and the two share most of their keys.
    """
    lowered = text.lower()
    words = {f"w:{w}" for w in _WORD.findall(lowered)}
    if len(words) > 4 and len(text) >= _SHORT_KEYS:
        return words
    padded = f"  {lowered} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)} | words


def threshold_for(length: int, threshold: float) -> float:
    """The similarity a text of ``length`` characters needs to count as an edit of another.

    Two unrelated paragraphs of a few hundred characters share well under half
    of their characters, while one rewritten sentence out of five leaves three
    quarters: long texts can be trusted at a lower ratio than short UI strings,
    where 70% similar is often a different message ("Save file" / "Save files?").
    Down to 15 points lower from 100 characters to 400 and beyond.
    """
    return threshold - min(15.0, max(0.0, (length - 100) / 20))


_SHORT = 100  # characters: below this, word order and case are forgiven

# A short string edited twice ("Open the trash" -> "Open this trash can") falls
# below the threshold. It is still proposed when it keeps this much of the
# characters and of the words, and no other candidate does: unrelated strings
# that share characters ("Cursor color" / "Cursor Position") share few words.
_SECOND_CHANCE_CHARACTERS = 65.0
_SECOND_CHANCE_WORDS = 70.0
# Paragraphs: 60% of the characters, and one text's words nearly all in the other.
_SECOND_CHANCE_PARAGRAPH = 60.0
_SECOND_CHANCE_SUBSET = 95.0


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _shared_sentences(a: str, b: str) -> float:
    """The share of the shorter text's sentences found unchanged in the other."""
    first, second = set(_SENTENCE_END.split(a)), set(_SENTENCE_END.split(b))
    return len(first & second) / min(len(first), len(second))


# Postings longer than this are left out of candidate selection (see _closest):
# a key that many candidates share costs the most to count and says the least
# about which of them the new text was edited from.
_COMMON_KEY = 40


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _sorted_words(text: str) -> str:
    """What rapidfuzz's token_sort_ratio compares: the processed words, sorted."""
    return " ".join(sorted(default_process(text).split()))


@dataclass
class FuzzyMatcher:
    """Finds the old entry an edited msgid came from.

    Only old entries that lost their exact match are candidates: an entry that
    still exists unchanged is not the previous version of another one. That
    keeps the index small (the edited and removed entries) and keeps brand-new
    strings from borrowing the translation of an unrelated live string, the
    mistake that makes teams switch msgmerge's fuzzy matching off.
    """

    candidates: Sequence[Entry]
    threshold: float = 80.0
    limit: int = 24  # candidates scored per query, best by shared index keys
    # By msgctxt, then by index key: a candidate in another context is never one.
    _postings: dict[str | None, dict[str, list[int]]] = field(default_factory=dict, init=False)
    _weights: list[float] = field(default_factory=list, init=False)
    _sorted: list[str] = field(default_factory=list, init=False)
    # By msgctxt and sorted words: the one short candidate with those words, or
    # None if several have them.
    _same_words: dict[tuple[str | None, str], int | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for number, entry in enumerate(self.candidates):
            keys = _grams(entry.msgid)
            # Shared keys are discounted by the candidate's own key count: a
            # long candidate shares many keys with anything, which alone says little.
            self._weights.append(1 / math.sqrt(len(keys) or 1))
            postings = self._postings.setdefault(entry.msgctxt, {})
            for key in keys:
                found = postings.get(key)
                if found is None:
                    postings[key] = [number]
                else:
                    found.append(number)
            words = _sorted_words(entry.msgid) if len(entry.msgid) < _SHORT else ""
            self._sorted.append(words)
            if words:
                same = (entry.msgctxt, words)
                self._same_words[same] = None if same in self._same_words else number

    def proposals(self, queries: Sequence[tuple[int, Entry]]) -> list[tuple[float, int, int]]:
        """(score, query number, candidate number) for every pair worth proposing.

        ``queries`` pairs each entry with its number, which the result repeats.
        A short string that is one candidate recased, repunctuated or with its
        words reordered is proposed that candidate alone, unscored: it scores
        100 with it, and no other candidate can. This holds only if no other
        query has the same words, since that query would score 100 too.
        """
        keys = [
            (entry.msgctxt, _sorted_words(entry.msgid)) if len(entry.msgid) < _SHORT else None
            for _, entry in queries
        ]
        queries_per_key = Counter(keys)
        found: list[tuple[float, int, int]] = []
        for (number, entry), key in zip(queries, keys, strict=True):
            if key is not None and queries_per_key[key] == 1:
                candidate = self._same_words.get(key)
                if candidate is not None:
                    found.append((100.0, number, candidate))
                    continue
            found += [(score, number, c) for score, c in self.scored(entry.msgid, entry.msgctxt)]
        return found

    def scored(self, msgid: str, msgctxt: str | None) -> list[tuple[float, int]]:
        """(score, candidate number) pairs worth proposing, best first.

        Those at or above the threshold; failing any, the one candidate that
        passes the second-chance test, if only one does: for a short string,
        similar words; for a paragraph, a sentence added, removed or rewritten
        (60% of the characters, and one text holding nearly all the other's
        words, or half of its sentences unchanged).
        """
        postings = self._postings.get(msgctxt)
        if postings is None:
            return []
        results, near = self._score(msgid, self._closest(msgid, postings))
        if results:
            results.sort(reverse=True)
            return [(score, number) for score, _, number in results]
        if not near:
            return []
        return self._second_chance(msgid, near)

    def spelling(self, msgid: str, candidate: int) -> float:
        """How close ``msgid`` is spelled to a candidate's, word order and case counted."""
        return fuzz.ratio(msgid, self.candidates[candidate].msgid)

    def _closest(self, msgid: str, postings: dict[str, list[int]]) -> list[int]:
        """The candidates worth scoring: those sharing the most index keys, weighted."""
        found = sorted((postings[k] for k in _grams(msgid) if k in postings), key=len)
        # A key most candidates share (" th", "w:the") says little and costs the
        # most to count: only the rarer keys are counted, at least a third of them.
        keep = max(bisect_right(found, _COMMON_KEY, key=len), (len(found) + 2) // 3)
        shared = Counter(chain.from_iterable(found[:keep]))  # counted in C
        if not shared:
            return []
        # Sharing under a third of the keys the best candidate shares: not an edit of this.
        cut = max(shared.values()) // 3
        close = [number for number, count in shared.items() if count >= cut]
        # Ranked by weighted shared keys, computed and sorted without a Python call each.
        weighted = map(mul, map(shared.__getitem__, close), map(self._weights.__getitem__, close))
        best = sorted(zip(weighted, close, strict=True), reverse=True)[: self.limit]
        return [number for _, number in best]

    def _score(
        self, msgid: str, closest: list[int]
    ) -> tuple[list[tuple[float, float, int]], list[tuple[float, int]]]:
        """(score, spelling score, number) of the candidates at or above the threshold,
        and (score, number) of those below it but above the second-chance floor."""
        length = len(msgid)
        needed = threshold_for(length, self.threshold)
        short = length < _SHORT
        floor = min(needed, _SECOND_CHANCE_CHARACTERS if short else _SECOND_CHANCE_PARAGRAPH)
        sorted_words = _sorted_words(msgid) if short else ""
        results: list[tuple[float, float, int]] = []
        near: list[tuple[float, int]] = []
        for number in closest:
            text = self.candidates[number].msgid
            other = len(text)
            # fuzz.ratio cannot exceed 200*min/(sum); skip what cannot reach the floor.
            if 200.0 * min(length, other) / (length + other) < floor:
                continue
            spelling = fuzz.ratio(msgid, text, score_cutoff=floor)
            score = spelling
            if short and score < 100:
                # A UI string recased or with its words reordered is still the same message.
                score = max(
                    score, fuzz.ratio(sorted_words, self._sorted[number], score_cutoff=floor)
                )
            if score >= needed:
                results.append((score, spelling, number))  # a tie goes to the closer spelling
            elif score:
                near.append((score, number))
        return results, near

    def _second_chance(self, msgid: str, near: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """The one candidate below the threshold that still looks like an edit, if only one."""
        if len(msgid) < _SHORT:
            words = _words(msgid)
            passing = [
                (score, number)
                for score, number in near
                if fuzz.ratio(words, _words(self.candidates[number].msgid)) >= _SECOND_CHANCE_WORDS
            ]
        else:
            # A paragraph with a sentence added, removed or rewritten: one text holds the
            # other's words, or most of its sentences are still there word for word.
            passing = [
                (score, number)
                for score, number in near
                if fuzz.token_set_ratio(msgid, self.candidates[number].msgid)
                >= _SECOND_CHANCE_SUBSET
                or _shared_sentences(msgid, self.candidates[number].msgid) >= 0.5
            ]
        return passing if len(passing) == 1 else []
