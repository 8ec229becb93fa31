"""Sentence splitting: the sentences of one block of inline Markdown, in any language.

The boundaries are pysbd's (rule-based, with en/ru/de/es/fr/ar rules). Before
splitting, spans that must never be cut -- Markdown links and images, inline
code, emphasis, URLs, ``{placeholders}`` -- and the abbreviations pysbd misses
(``approx.``, ``ca.``, ``т. е.``, ``p. ej.``, ``z. B.`` ...) have their sentence
punctuation masked by a same-length private character, so the spans found map
back to the original text exactly. pysbd's Arabic rules end a sentence at every
Arabic comma and colon, so those are masked too.

pysbd costs milliseconds a block (hundreds of regular expressions, many built
anew for every abbreviation it meets), and a build aligns every changed block in
every language. Most boundaries in prose are plain: a word of letters that is no
abbreviation, ``.``, ``!`` or ``?``, spaces, a capital, nothing open before it.
:mod:`pipeline.text.sentence_ends` finds those with one expression compiled once,
against pysbd's own abbreviation lists; a stretch between two plain ends that holds
no other sentence mark is one sentence, and only the stretches that do are handed
to pysbd. ``bench/sentence_split.py`` measures both ways on the shipped catalogs
and on a multilingual corpus and counts the blocks where they disagree.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from functools import cache, lru_cache
from pathlib import Path

import pysbd

from pipeline.text import kept_splits
from pipeline.text.languages import base_language
from pipeline.text.patterns import BARE_URL, PLACEHOLDER, URL_START
from pipeline.text.sentence_ends import (
    LINE,
    LIST_ITEM,
    TERMINALS,
    has_inner_mark,
    plain_ends,
    plain_lines,
    rules_for,
)

# The languages pysbd has rules for; any other is split by its English rules, the most general.
SEGMENTER_LANGUAGES = frozenset(pysbd.languages.LANGUAGE_CODES)

# What a sentence mark inside a protected span becomes: no sentence ends there.
_MASK = "\ue000"
_MASK_TERMINALS = str.maketrans(dict.fromkeys(TERMINALS, _MASK))
# Marks pysbd's rules take for sentence ends where they are not: the Arabic
# comma, colon and semicolon (the English rules do not split there either).
_NOT_TERMINAL: dict[str, dict[int, str]] = {"ar": str.maketrans(dict.fromkeys("،:؛", _MASK))}

# Each span is bounded (no link text, URL or emphasis is longer), so that an
# unclosed "**" or "![" repeated over a long text is not scanned to its end from
# each of its starts.
_PROTECTED = re.compile(
    r"!?\[[^\[\]]{0,1000}\]\([^()]{0,2000}\)"  # [text](url), ![alt](src)
    r"|`[^`]+`"  # inline code
    r"|<https?://[^>\s]+>"  # autolinks
    rf"|{BARE_URL.pattern}"
    rf"|{PLACEHOLDER.pattern}"
    r"|(\*\*|__)(?=\S).{1,1000}?(?<=\S)\1"  # strong emphasis
    r"|(?<![\w*])(\*|_)(?=\S).{1,1000}?(?<=\S)\2(?![\w*])"  # emphasis, not snake_case
    r"|~~(?=\S).{1,1000}?(?<=\S)~~"  # strikethrough
)
_SPACES = re.compile(r"\s*")

# Every protected span starts with one of these: a text without them has none (and is
# not scanned by the slower expression above).
_MAY_PROTECT = re.compile(rf"[\[`<{{*_~]|{URL_START}", re.IGNORECASE)

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

def _pysbd_code(lang: str) -> str:
    code = base_language(lang)
    return code if code in SEGMENTER_LANGUAGES else "en"  # English: pysbd's most general rules


# pysbd passes patterns it makes for each abbreviation a text holds (several for each)
# to re's module functions. Over the languages of a site there are more of them than re
# keeps compiled (512), so each split compiled them again: most of the time pysbd took.
_RE_CACHE_FOR_PYSBD = 4096


@cache
def _segmenter(code: str) -> pysbd.Segmenter:
    if getattr(re, "_MAXCACHE", _RE_CACHE_FOR_PYSBD) < _RE_CACHE_FOR_PYSBD:
        setattr(re, "_MAXCACHE", _RE_CACHE_FOR_PYSBD)  # noqa: B010 (not in re's stubs)
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
        after = _SPACES.match(text, found.end()).end()  # type: ignore[union-attr]
        following = text[after : after + 1]
        if following.islower() or following.isdigit():
            yield found.span()


def _masked(text: str, lang: str) -> str:
    protected = _PROTECTED.finditer(text) if _MAY_PROTECT.search(text) else ()
    spans = sorted([m.span() for m in protected] + [*_abbreviation_spans(text, lang)])
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        if end <= done:
            continue
        start = max(start, done)
        pieces += (text[done:start], text[start:end].translate(_MASK_TERMINALS))
        done = end
    pieces.append(text[done:])
    masked = "".join(pieces)
    never_terminal = _NOT_TERMINAL.get(base_language(lang))
    return masked.translate(never_terminal) if never_terminal else masked


def split_sentences(text: str, lang: str) -> list[str]:
    """The sentences of one block of inline Markdown, each stripped, in order.

    Joining them with single spaces gives the block back (up to whitespace).
    """
    return list(_sentences(text, base_language(lang)))


def keeping_splits(folder: Path | None) -> AbstractContextManager[None]:
    """Within, splits are kept between runs in ``folder`` (see :mod:`pipeline.text.kept_splits`)."""
    return kept_splits.keeping(folder, f"pysbd {pysbd.__version__}")


def forget_splits_of_other_domains(folder: Path, domains: Iterable[str]) -> None:
    """Drop the splits kept in ``folder`` for any domain but ``domains`` (pages gone)."""
    kept_splits.forget_other_domains(folder, domains)


def _sentences(text: str, lang: str) -> tuple[str, ...]:
    kept = kept_splits.current()
    if kept is None:
        return _split(text, lang)
    found = kept.get(text, lang)
    if found is None:
        found = _split(text, lang)
        kept.put(text, lang, found)
    return found


def sentence_pieces(text: str, lang: str) -> list[str]:
    """:func:`split_sentences` with the whitespace kept: ``"".join(pieces) == text``.

    Each piece is a sentence and the whitespace after it (the first piece also
    keeps the whitespace before it).
    """
    cuts = [0]
    cursor = 0
    for index, sentence in enumerate(_sentences(text, base_language(lang))):
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
    # Cached: the update and the memory sync split the same blocks.
    core = text.strip()
    if not core:
        return ()
    code = _pysbd_code(lang)
    rules = rules_for(code)
    # Decided on the whole text: pysbd reads a block wrapped in line breaks as lines, and its
    # list-item rules then see the item markers at their starts.
    one_line = "\n" not in text and "\r" not in text
    if one_line and not has_inner_mark(core, rules):
        # Masking only takes marks away: with none inside, the text is one sentence.
        return tuple(_split_after_final_abbreviations(core, lang))
    masked = _masked(text, lang)
    if one_line:
        return _split_line(text, masked, 0, len(masked), lang)
    lines = plain_lines(masked, rules)
    if lines is not None:
        lined = (text[a:b] for a, b in lines)
        return tuple(s for line in lined for s in _split_after_final_abbreviations(line, lang))
    if LIST_ITEM.search(masked) is None:
        # pysbd cuts at every line break and reads each line alone, but for list items
        sentences: list[str] = []
        for line in LINE.finditer(masked):
            sentences += _split_line(text, masked, line.start(), line.end(), lang)
        return tuple(sentences)
    return _pysbd_split(text, masked, 0, len(masked), lang) or (text.strip(),)


def _split_line(text: str, masked: str, first: int, last: int, lang: str) -> tuple[str, ...]:
    """The sentences of ``text[first:last]``, one line: plain ends, pysbd between them."""
    code = _pysbd_code(lang)
    rules = rules_for(code)
    line = masked[first:last]
    sentences: list[str] = []
    start = 0
    for cut in [*plain_ends(line, rules), len(line)]:
        stretch = line[start:cut]
        if has_inner_mark(stretch, rules):
            found = _pysbd_split(text, masked, first + start, first + cut, lang)
            if found is None:  # pysbd rewrote the text; keep the block whole rather than guess
                return (text.strip(),)
            sentences += found
        elif piece := text[first + start : first + cut].strip():
            sentences += _split_after_final_abbreviations(piece, lang)
        start = cut
    return tuple(sentences)


def _pysbd_split(text: str, masked: str, start: int, end: int, lang: str) -> tuple[str, ...] | None:
    found = _pysbd_sentences(masked[start:end], _pysbd_code(lang))
    if found is None:
        return None
    pieces = (text[start + a : start + b] for a, b in found)
    return tuple(s for piece in pieces for s in _split_after_final_abbreviations(piece, lang))


def _pysbd_sentences(masked: str, code: str) -> list[tuple[int, int]] | None:
    """pysbd's sentences of ``masked`` as (start, end) offsets, stripped; None if it rewrote."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _pieces(masked, code):
        core = piece.strip()
        if not core:
            continue
        start = masked.find(core, cursor)
        if start < 0:
            return None
        cursor = start + len(core)
        spans.append((start, cursor))
    return spans


def pysbd_sentences(text: str, lang: str) -> list[str]:
    """:func:`split_sentences` with the whole block through pysbd: what the plain ends agree
    with (``bench/sentence_split.py`` compares the two)."""
    masked = _masked(text, lang)
    found = _pysbd_sentences(masked, _pysbd_code(lang))
    if found is None:
        return [text.strip()]
    return [s for a, b in found for s in _split_after_final_abbreviations(text[a:b], lang)]


# pysbd looks for each sentence it found from the start of the text again: work grows with
# the square of the number of sentence marks. No prose has this many in one block; a text
# that does is split after each mark followed by a space, in one pass.
_MAX_SENTENCE_MARKS = 400
_AFTER_MARK = re.compile(r"(?<=[.!?…؟。])\s+")


def _pieces(masked: str, code: str) -> list[str]:
    """pysbd's sentences of ``masked`` (``code`` one of its languages), bounded in work."""
    if sum(masked.count(mark) for mark in TERMINALS) > _MAX_SENTENCE_MARKS:
        return _AFTER_MARK.split(masked)
    return _segmented(_segmenter(code), masked)


def _segmented(segmenter: pysbd.Segmenter, text: str) -> list[str]:
    """``segmenter.segment(text)`` (``clean=False``), each sentence found in the text by
    ``str.find``: pysbd finds each with a regular expression of its own, and the compiled
    patterns, one per sentence ever split, pushed pysbd's own out of ``re``'s cache."""
    if not text:
        return []
    sentences: list[str] = segmenter.processor(text).process()
    pieces: list[str] = []
    done = 0
    for sentence in sentences:
        if not sentence:
            return list(segmenter.segment(text))  # pysbd's pattern then matches spaces alone
        # The first occurrence, among those re.finditer gives (they do not overlap), that
        # ends after the previous piece; with the whitespace after it, as ``\s*`` takes it.
        start = text.find(sentence)
        while start >= 0:
            end = start + len(sentence)
            while end < len(text) and text[end].isspace():
                end += 1
            if end > done:
                pieces.append(text[start:end])
                done = end
                break
            start = text.find(sentence, end)
    return pieces


def _split_after_final_abbreviations(sentence: str, lang: str) -> list[str]:
    # pysbd never ends a sentence at "usw." or "и т. д."; they do end one before a capital.
    if "." not in sentence:  # every such abbreviation ends with one
        return [sentence] if sentence else []
    _never, maybe = _abbreviations(lang)
    pieces: list[str] = []
    start = 0
    for found in maybe.finditer(sentence):
        after = _SPACES.match(sentence, found.end()).end()  # type: ignore[union-attr]
        following = sentence[after : after + 1]
        if following.isupper() and after > found.end():
            pieces.append(sentence[start : found.end()])
            start = after
    pieces.append(sentence[start:])
    return [p for p in pieces if p]


def join_sentences(sentences: Iterable[str]) -> str:
    return " ".join(s for s in sentences if s)
