"""Sentence-level leverage: an edit to one sentence costs one sentence of review.

Catalog entries are whole blocks, which is right for translators, but it means
that fixing one word in one of a paragraph's five sentences makes the whole
paragraph fuzzy (po4a, mdpo, Sphinx and ``msgmerge`` all do this). Here each
reviewed block is split into sentences on both sides and aligned, the aligned
sentences go into the memory (``level="sentence"``), and when a block's msgid
changes :class:`SentenceLeverage` rebuilds its translation: unchanged
sentences keep their reviewed translation word for word, changed ones get the
best memory match or stay in English, and a translator comment says which.

Segmentation
------------
pysbd (rule-based, with en/ru/de/es/fr/ar rules; PyICU is not in the venv: it
needs the ICU C++ library and a compiler, and its break iterator knows fewer
abbreviations). Before segmenting, spans that must never be cut -- Markdown
links and images, inline code, emphasis, URLs, ``{placeholders}`` -- and the
abbreviations pysbd misses (``approx.``, ``ca.``, ``т. е.``, ``p. ej.``,
``z. B.`` ...) have their sentence punctuation masked by a same-length private
character, so the spans pysbd returns map back to the original text exactly.

Figures on the shipped catalogs (reviewed entries; the English side has 213
sentences in 150 blocks, 109 of them a single sentence):

========  ======  ================  ====================  ==============
language  blocks  target sentences  sentence counts agree  aligned (kept)
========  ======  ================  ====================  ==============
ru        150     213               150 (100%)             150
de        150     214               149 (99.3%)            149
es        150     213               150 (100%)             150
fr        141     201               141 (100%)             141
ar        150     211               148 (98.7%)            148
========  ======  ================  ====================  ==============

pysbd's Arabic rules end a sentence at every Arabic comma and colon (only 76
of 150 ar blocks agreed), so those are masked too. The remaining mismatches
are real: a translator who split or merged a sentence.

Alignment
---------
:func:`align` pairs sentences one to one only when both sides have the same
number of sentences, every pair's length ratio lies within
:data:`LENGTH_BAND` of the block's overall ratio (short sentences get
:data:`LENGTH_SLACK` characters of slack), and every pair carries the same
numbers and gene names (``CD19``, ``HER2``, ``IL-6``). Otherwise it returns
None: a wrong alignment is worse than none.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

import pysbd
from rapidfuzz import fuzz

from pipeline.memory.store import TranslationMemory, Unit
from pipeline.model import Catalog, Entry, Match, MatchKind, Origin, OriginKind, entry_origin

SENTENCES_ORIGIN = Origin(OriginKind.SENTENCES)

# A pair's length ratio may differ from the block's by this factor either way.
LENGTH_BAND = 1.8
# Characters of slack, so that "Yes." against "Ja, genau." is not refused.
LENGTH_SLACK = 12
# An edited sentence is "the same sentence, changed" from this similarity up.
CHANGED_SIMILARITY = 70.0

# The languages pysbd has rules for; any other is split by its English rules, the most general.
SEGMENTER_LANGUAGES = frozenset(pysbd.languages.LANGUAGE_CODES)

# Masked inside protected spans so that no sentence can end there.
_TERMINALS = frozenset(".!?;:…؟。")
_MASK = "\ue000"
# Marks pysbd's rules take for sentence ends where they are not: the Arabic
# comma, colon and semicolon (the English rules do not split there either).
_NOT_TERMINAL: dict[str, frozenset[str]] = {"ar": frozenset("،:؛")}

_PROTECTED = re.compile(
    r"!?\[[^\]]*\]\([^)]*\)"  # [text](url), ![alt](src)
    r"|`[^`]+`"  # inline code
    r"|<https?://[^>\s]+>"  # autolinks
    r"|https?://[^\s<>()]*[^\s<>().,;:!?»\"']"  # bare URLs, without trailing punctuation
    r"|\{[A-Za-z_][A-Za-z0-9_]*\}"  # placeholders
    r"|(\*\*|__)(?=\S).+?(?<=\S)\1"  # strong emphasis
    r"|(?<![\w*])(\*|_)(?=\S).+?(?<=\S)\2(?![\w*])"  # emphasis, not snake_case
    r"|~~(?=\S).+?(?<=\S)~~"  # strikethrough
)

# Abbreviations pysbd splits after, by language. "Never final" ones never end a
# sentence; "maybe final" ones (etc., usw.) do, so they are protected only when
# a lower-case letter or a digit follows.
_NEVER_FINAL: dict[str, tuple[str, ...]] = {
    "en": ("e.g.", "i.e.", "approx.", "ca.", "cf.", "vs.", "incl.", "Dr.", "Prof.", "Fig.", "No."),
    "de": ("z. B.", "z.B.", "d. h.", "d.h.", "u. a.", "ca.", "bzw.", "ggf.", "vgl.", "inkl.",
           "evtl.", "Dr.", "Prof.", "Nr.", "Abb."),
    "ru": ("т. е.", "т.е.", "т. к.", "т.к.", "т. н.", "напр.", "см.", "ок.", "прим.", "д-р.",
           "проф.", "рис."),
    "es": ("p. ej.", "p.ej.", "aprox.", "Dr.", "Dra.", "Sr.", "Sra.", "núm.", "pág.", "vs."),
    "fr": ("p. ex.", "p.ex.", "env.", "cf.", "Dr.", "M.", "Mme.", "n°."),
    "ar": ("د.",),
}  # fmt: skip
_MAYBE_FINAL: dict[str, tuple[str, ...]] = {
    "en": ("etc.", "et al."),
    "de": ("usw.", "etc.", "u. Ä."),
    "ru": ("и т. д.", "и т. п.", "т. д.", "т. п.", "и др.", "др.", "млн.", "тыс."),
    "es": ("etc.",),
    "fr": ("etc.",),
    "ar": (),
}

_NUMBER = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")
_GENE = re.compile(r"(?<!\w)[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?!\w)")
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-"})  # translators type non-breaking ones


def base_language(lang: str) -> str:
    return lang.replace("-", "_").split("_")[0].lower()


@cache
def _segmenter(lang: str) -> pysbd.Segmenter:
    code = base_language(lang)
    if code not in SEGMENTER_LANGUAGES:
        code = "en"  # pysbd's English rules are its most general ones
    return pysbd.Segmenter(language=code, clean=False)


@cache
def _abbreviations(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(never-final, maybe-final) abbreviation patterns of a language."""
    code = base_language(lang)

    def pattern(words: Iterable[str]) -> re.Pattern[str]:
        ordered = sorted(words, key=len, reverse=True)
        alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s?") for w in ordered)
        return re.compile(rf"(?<!\w)(?:{alternatives or '(?!)'})")

    return pattern(_NEVER_FINAL.get(code, ())), pattern(_MAYBE_FINAL.get(code, ()))


def _abbreviation_spans(text: str, lang: str) -> Iterator[tuple[int, int]]:
    never, maybe = _abbreviations(lang)
    yield from (m.span() for m in never.finditer(text))
    for found in maybe.finditer(text):
        following = text[found.end() :].lstrip()[:1]
        if following.islower() or following.isdigit():
            yield found.span()


def _masked(text: str, lang: str) -> str:
    chars = list(text)
    spans = [m.span() for m in _PROTECTED.finditer(text)]
    spans += _abbreviation_spans(text, lang)
    for start, end in spans:
        for index in range(start, end):
            if chars[index] in _TERMINALS:
                chars[index] = _MASK
    never_terminal = _NOT_TERMINAL.get(base_language(lang), frozenset())
    return "".join(_MASK if c in never_terminal else c for c in chars)


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of one block of inline Markdown, each stripped, in order.

    Joining them with single spaces gives the block back (up to whitespace).
    """
    return list(_split(text, base_language(lang)))


def sentence_pieces(text: str, lang: str) -> list[str]:
    """:func:`split_sentences` with the whitespace kept: ``"".join(pieces) == text``.

    Each piece is a sentence and the whitespace after it (the first piece also
    keeps the whitespace before it).
    """
    cuts = [0]
    cursor = 0
    for index, sentence in enumerate(_split(text, base_language(lang))):
        start = text.find(sentence, cursor)
        if start < 0:  # cannot happen: every sentence is a slice of text, in order
            break
        if index and start > cuts[-1]:
            cuts.append(start)
        cursor = start + len(sentence)
    cuts.append(len(text))
    return [text[start:end] for start, end in itertools.pairwise(cuts) if end > start]


@lru_cache(maxsize=8192)
def _split(text: str, lang: str) -> tuple[str, ...]:
    # Cached: a build aligns every reviewed block in every language, and pysbd
    # takes milliseconds a block.
    if not text.strip():
        return ()
    masked = _masked(text, lang)
    if not any(c in _TERMINALS for c in masked.rstrip().rstrip("".join(_TERMINALS) + "\"'»”)*_")):
        return (text.strip(),)  # no sentence end before the last: one sentence
    sentences: list[str] = []
    cursor = 0
    for piece in _segmenter(lang).segment(masked):
        core = piece.strip()
        if not core:
            continue
        start = masked.find(core, cursor)
        if start < 0:  # pysbd rewrote the text; keep the block whole rather than guess
            return (text.strip(),)
        cursor = start + len(core)
        sentences += _split_after_final_abbreviations(text[start:cursor], lang)
    return tuple(sentences)


def _split_after_final_abbreviations(sentence: str, lang: str) -> list[str]:
    # pysbd never ends a sentence at "usw." or "и т. д."; they do end one before a capital.
    _never, maybe = _abbreviations(lang)
    pieces: list[str] = []
    start = 0
    for found in maybe.finditer(sentence):
        rest = sentence[found.end() :]
        following = rest.lstrip()[:1]
        if following.isupper() and rest[:1].isspace():
            pieces.append(sentence[start : found.end()])
            start = found.end() + len(rest) - len(rest.lstrip())
    pieces.append(sentence[start:])
    return [p for p in pieces if p]


def join_sentences(sentences: Iterable[str]) -> str:
    return " ".join(s for s in sentences if s)


# ---------------------------------------------------------------------------
# Alignment
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SentencePair:
    source: str
    target: str


def anchors(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Numbers (separators dropped: 1.5 = 1,5; 100,000 = 100 000) and gene names of a text."""
    numbers = frozenset(
        re.sub(r"\D", "", n) for n in _NUMBER.findall(_without_protected_urls(text))
    )
    genes = frozenset(
        g for g in _GENE.findall(text.translate(_HYPHENS)) if any(c.isdigit() for c in g)
    )
    return numbers, genes


def _without_protected_urls(text: str) -> str:
    # Digits in link targets are not content (a translator may link a localised page).
    return re.sub(r"\]\([^)]*\)|https?://\S+", "]", text)


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


def sentence_units(catalog: Catalog, source_lang: str) -> Iterator[Unit]:
    """The aligned sentences of every reviewed entry of ``catalog`` as sentence-level units."""
    if catalog.lang is None:
        return
    for entry in catalog.active():
        if entry.is_header or not entry.translated or entry.msgid_plural is not None:
            continue
        if entry_origin(entry).is_machine:  # unreviewed machine text is no sentence memory
            continue
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

# Comment lines this module writes; replaced, never piled up, on the next update.
_OUR_COMMENT = re.compile(
    r"^(sentence \d+ (changed|added|left)|sentence removed:|sentences reordered"
    r"|sentences [\d, -]+ (of \d+ carried over|assembled)|suggestion:|machine translation \()"
)


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
    """The :data:`pipeline.catalogs.catalog.Leverage` hook for one target language.

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
    from pipeline.machine.prefill import (
        suggestion_comments,  # prefill imports this module for remember_reviewed
    )

    return [f"{line} (sentence {number})" for line in suggestion_comments(match)]


def _without_ours(comments: list[str]) -> list[str]:
    return [c for c in comments if not _OUR_COMMENT.match(c)]


def leverage_for(
    source_lang: str,
    memory: TranslationMemory | None,
    threshold: float = 75.0,
) -> Callable[[str], SentenceLeverage]:
    """``update_catalogs(..., leverage_for=leverage_for(...))``: one hook per language."""

    def make(lang: str) -> SentenceLeverage:
        return SentenceLeverage(source_lang, lang, memory, threshold)

    return make
