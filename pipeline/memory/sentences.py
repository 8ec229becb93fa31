"""Sentence-level leverage: an edit to one sentence costs one sentence of review.

Catalog entries are whole blocks, which is right for translators, but it means
that fixing one word in one of a paragraph's five sentences makes the whole
paragraph fuzzy (po4a, mdpo, Sphinx and ``msgmerge`` all do this). Here each
reviewed block is split into sentences on both sides and aligned, the aligned
sentences go into the memory (``level="sentence"``), and when a block's msgid
changes :class:`SentenceLeverage` rebuilds its translation: unchanged
sentences keep their reviewed translation word for word, changed ones get the
best memory match or stay in English, and a translator comment says which.

Alignment
---------
Both sides are split by :func:`pipeline.text.sentences.split_sentences`.
:func:`align` pairs sentences one to one only when both sides have the same
number of sentences, every pair's length ratio lies within
:data:`LENGTH_BAND` of the block's overall ratio (short sentences get
:data:`LENGTH_SLACK` characters of slack), and every pair carries the same
numbers and gene names (``CD19``, ``HER2``, ``IL-6``). Otherwise it returns
None: a wrong alignment is worse than none. Counts that differ are mostly a
translator who split or merged a sentence.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.memory.base import TranslationMemory
from pipeline.memory.units import Unit
from pipeline.model import (
    Catalog,
    Entry,
    Match,
    MatchKind,
    Origin,
    OriginKind,
    entry_origin,
    is_proposal_comment,
    suggestion_comments,
)
from pipeline.text import kept_splits
from pipeline.text.numbers import number_keys
from pipeline.text.patterns import BARE_URL, GENE_SYMBOL, HYPHENS
from pipeline.text.sentences import join_sentences, split_sentences

SENTENCES_ORIGIN = Origin(OriginKind.SENTENCES)

# A pair's length ratio may differ from the block's by this factor either way.
LENGTH_BAND = 1.8
# Characters of slack, so that "Yes." against "Ja, genau." is not refused.
LENGTH_SLACK = 12
# An edited sentence is "the same sentence, changed" from this similarity up.
CHANGED_SIMILARITY = 70.0

_ASCII_HYPHENS = str.maketrans(dict.fromkeys(HYPHENS, "-"))

# ---------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentencePair:
    source: str
    target: str


def anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Numbers (separators dropped: 1.5 = 1,5; 100,000 = 100 000) and gene names of a text."""
    numbers = number_keys(_without_protected_urls(text))
    genes = frozenset(
        g.translate(_ASCII_HYPHENS)
        for g in GENE_SYMBOL.findall(text)
        if any(c.isdigit() for c in g)
    )
    return numbers, genes


def _without_protected_urls(text: str) -> str:
    # Digits in link targets are not content (a translator may link a localised page).
    return BARE_URL.sub("]", re.sub(r"\]\([^)]*\)", "]", text))


def _plausible_length(source: str, target: str, ratio: float) -> bool:
    expected = len(source) * ratio
    if abs(len(target) - expected) <= LENGTH_SLACK:
        return True
    return expected / LENGTH_BAND <= len(target) <= expected * LENGTH_BAND


def align(
    source_block: str, target_block: str, source_lang: str, target_lang: str
) -> list[SentencePair] | None:
    """Pair the sentences of a block with those of its translation, or None when unsure."""
    sources = split_sentences(source_block, source_lang)
    targets = split_sentences(target_block, target_lang)
    if not sources or len(sources) != len(targets):
        return None
    ratio = len(target_block) / max(len(source_block), 1)
    pairs = [SentencePair(s, t) for s, t in zip(sources, targets, strict=True)]
    for pair in pairs:
        if not _plausible_length(pair.source, pair.target, ratio):
            return None
        if anchors(pair.source) != anchors(pair.target):
            return None
    return pairs


def sentence_units(
    catalog: Catalog, source_lang: str, entries: Iterable[Entry] | None = None
) -> Iterator[Unit]:
    """The aligned sentences of every reviewed entry of ``catalog`` (or of ``entries`` of it)
    as sentence-level units."""
    if catalog.lang is None:
        return
    for entry in catalog.active() if entries is None else entries:
        if entry.is_header or not entry.translated or entry.msgid_plural is not None:
            continue
        if entry_origin(entry).is_machine:  # unreviewed machine text is no sentence memory
            continue
        with kept_splits.for_domain(catalog.domain):  # kept for when the block is edited
            pairs = align(entry.msgid, entry.msgstr, source_lang, catalog.lang)
        for pair in pairs or ():
            yield Unit(
                pair.source,
                pair.target,
                source_lang,
                catalog.lang,
                SENTENCES_ORIGIN,
                msgctxt=entry.msgctxt,
                domain=catalog.domain,
                level="sentence",
            )


# ---------------------------------------------------------------------------
# Leverage on update
# ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Rebuilt:
    """How one new block was put together from sentences."""

    target: str
    carried: tuple[int, ...]  # 0-based indexes of new sentences kept word for word
    old_index: tuple[int | None, ...]  # for each new sentence, the old one it came from (or None)
    comments: tuple[str, ...]


def short_diff(old: str, new: str, context: int = 1, limit: int = 60) -> tuple[str, str]:
    """The changed stretch of two sentences, with ``context`` words around it: «…a, b…»."""
    old_words, new_words = old.split(), new.split()
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    changes = [op for op in matcher.get_opcodes() if op[0] != "equal"]
    if not changes:
        return _ellipsis(old, limit), _ellipsis(new, limit)
    a_start = max(changes[0][1] - context, 0)
    a_end = min(changes[-1][2] + context, len(old_words))
    b_start = max(changes[0][3] - context, 0)
    b_end = min(changes[-1][4] + context, len(new_words))

    def excerpt(words: list[str], start: int, end: int) -> str:
        text = " ".join(words[start:end])
        text = _ellipsis(text, limit)
        return ("…" if start > 0 else "") + text + ("…" if end < len(words) else "")

    return excerpt(old_words, a_start, a_end), excerpt(new_words, b_start, b_end)


def _ellipsis(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def match_sentences(old: list[str], new: list[str]) -> list[tuple[int | None, bool]]:
    """For each new sentence: (index of the old sentence it comes from, whether unchanged).

    Identity first (each old sentence used once, nearest position first), then
    similarity at or above :data:`CHANGED_SIMILARITY` for the rest.
    """
    result: list[tuple[int | None, bool]] = [(None, False)] * len(new)
    free = set(range(len(old)))
    for index, sentence in enumerate(new):
        same = [i for i in free if old[i] == sentence]
        if same:
            chosen = min(same, key=lambda i: abs(i - index))
            free.discard(chosen)
            result[index] = (chosen, True)
    proposals = sorted(
        (
            (-score, abs(i - n), n, i)
            for n, sentence in enumerate(new)
            if result[n][0] is None
            for i in free
            if (score := fuzz.ratio(old[i], sentence, score_cutoff=CHANGED_SIMILARITY))
        )
    )
    for _score, _distance, n, i in proposals:
        if result[n][0] is None and i in free:
            free.discard(i)
            result[n] = (i, False)
    return result


@dataclass
class SentenceLeverage:
    """The :data:`pipeline.catalogs.merge.Leverage` hook for one target language.

    Called for every entry whose msgid is new to a catalog, with the old entry
    it was matched to (or None). Entries it cannot improve are left as
    ``merge`` made them.
    """

    source_lang: str
    target_lang: str
    memory: TranslationMemory | None = None
    threshold: float = 75.0
    today: str = field(default_factory=lambda: dt.date.today().isoformat())
    # What this hook did, by entry key: for reports and for checking carry-overs.
    rebuilt: dict[tuple[str | None, str], Rebuilt] = field(default_factory=dict)
    assembled: dict[tuple[str | None, str], int] = field(default_factory=dict)  # sentences

    def __call__(self, entry: Entry, previous: Entry | None) -> None:
        if entry.msgid_plural is not None:
            return
        if previous is None:
            self._assemble(entry)
            return
        if previous.fuzzy or not previous.msgstr or previous.msgid_plural is not None:
            return
        result = self.rebuild(previous.msgid, previous.msgstr, entry.msgid, entry.msgctxt)
        if result is None or not result.carried:
            return  # nothing carried: the old translation, as msgmerge leaves it, helps more
        entry.msgstr = result.target
        entry.translator_comments = _without_ours(entry.translator_comments) + list(result.comments)
        entry.fuzzy = True
        self.rebuilt[entry.key] = result

    def rebuild(
        self, old_source: str, old_target: str, new_source: str, msgctxt: str | None = None
    ) -> Rebuilt | None:
        """The new block's translation from the aligned sentences of the reviewed old one."""
        pairs = align(old_source, old_target, self.source_lang, self.target_lang)
        if pairs is None:
            return None
        old = [p.source for p in pairs]
        new = split_sentences(new_source, self.source_lang)
        mapping = match_sentences(old, new)
        targets: list[str] = []
        carried: list[int] = []
        notes: list[str] = []
        suggestions: list[str] = []
        for number, (sentence, (old_index, unchanged)) in enumerate(
            zip(new, mapping, strict=True), 1
        ):
            if old_index is not None and unchanged:
                targets.append(pairs[old_index].target)
                carried.append(number - 1)
                continue
            if old_index is not None:
                before, after = short_diff(old[old_index], sentence)
                notes.append(f"sentence {number} changed: «{before}» → «{after}»")
            else:
                notes.append(f"sentence {number} added: «{_ellipsis(sentence, 60)}»")
            match = self._best_match(sentence, msgctxt)
            if match is None:
                targets.append(sentence)
                notes.append(f"sentence {number} left in the source language")
            else:
                targets.append(match.target)
                suggestions += _suggestion_lines(match, number)
        used = {i for i, _ in mapping if i is not None}
        notes += [
            f"sentence removed: «{_ellipsis(old[i], 60)}»" for i in range(len(old)) if i not in used
        ]
        order = [i for i, unchanged in mapping if unchanged and i is not None]
        if order != sorted(order):
            notes.append("sentences reordered: check the joins")
        share = sum(len(new[i]) for i in carried) / max(sum(len(s) for s in new), 1)
        summary = Match(
            new_source,
            join_sentences(targets),
            round(100 * share, 1),
            MatchKind.SENTENCES,
            Origin(OriginKind.SENTENCES, "reviewed"),
            self.source_lang,
            self.target_lang,
            self.today,
        )
        if carried:
            listed = ", ".join(str(i + 1) for i in carried)
            notes.append(
                f"sentences {listed} of {len(new)} carried over from the reviewed translation"
            )
        comments = (*notes, summary.comment(), *suggestions)
        return Rebuilt(
            summary.target,
            tuple(carried),
            tuple(i for i, _ in mapping),
            comments,
        )

    def _best_match(self, sentence: str, msgctxt: str | None) -> Match | None:
        if self.memory is None:
            return None
        for level in ("sentence", "block"):
            found = self.memory.lookup(
                sentence,
                self.source_lang,
                self.target_lang,
                threshold=self.threshold,
                limit=1,
                level=level,
            )
            if found:
                return found[0]
        return None

    def _assemble(self, entry: Entry) -> None:
        # A brand-new block: only when every sentence is already in memory, word for word.
        if self.memory is None or entry.has_translation:
            return
        sentences = split_sentences(entry.msgid, self.source_lang)
        matches: list[Match] = []
        for sentence in sentences:
            found = self.memory.lookup(
                sentence,
                self.source_lang,
                self.target_lang,
                threshold=100.0,
                limit=1,
                level="sentence",
            )
            if not found or found[0].kind not in (MatchKind.EXACT, MatchKind.IN_CONTEXT):
                return
            matches.append(found[0])
        if not matches:
            return
        summary = Match(
            entry.msgid,
            join_sentences(m.target for m in matches),
            100.0,
            MatchKind.SENTENCES,
            Origin(OriginKind.SENTENCES, "memory"),
            self.source_lang,
            self.target_lang,
            self.today,
        )
        lines = [
            f"sentences 1-{len(matches)} assembled from sentence translations in memory",
            summary.comment(),
        ]
        for number, match in enumerate(matches, 1):
            lines += _suggestion_lines(match, number)
        entry.msgstr = summary.target
        entry.translator_comments = _without_ours(entry.translator_comments) + lines
        entry.fuzzy = True
        self.assembled[entry.key] = len(matches)


def _suggestion_lines(match: Match, number: int) -> list[str]:
    return [f"{line} (sentence {number})" for line in suggestion_comments(match)]


def _without_ours(comments: list[str]) -> list[str]:
    """The comments without the proposal lines an earlier update wrote: replaced, never piled up."""
    return [c for c in comments if not is_proposal_comment(c)]


def leverage_for(
    source_lang: str,
    memory: TranslationMemory | None,
    threshold: float = 75.0,
) -> Callable[[str], SentenceLeverage]:
    """``update_catalogs(..., leverage_for=leverage_for(...))``: one hook per language."""

    def make(lang: str) -> SentenceLeverage:
        return SentenceLeverage(source_lang, lang, memory, threshold)

    return make
