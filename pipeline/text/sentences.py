"""Sentence splitting: the sentences of one block of inline Markdown, in any language.

pysbd (rule-based, with en/ru/de/es/fr/ar rules) does the splitting. Before it
runs, spans that must never be cut -- Markdown links and images, inline code,
emphasis, URLs, ``{placeholders}`` -- and the abbreviations pysbd misses
(``approx.``, ``ca.``, ``т. е.``, ``p. ej.``, ``z. B.`` ...) have their sentence
punctuation masked by a same-length private character, so the spans pysbd
returns map back to the original text exactly. pysbd's Arabic rules end a
sentence at every Arabic comma and colon, so those are masked too.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache

import pysbd

from pipeline.text.languages import base_language
from pipeline.text.patterns import BARE_URL, PLACEHOLDER

# The languages pysbd has rules for; any other is split by its English rules, the most general.
SEGMENTER_LANGUAGES = frozenset(pysbd.languages.LANGUAGE_CODES)

# Masked inside protected spans so that no sentence can end there.
_TERMINALS = frozenset(".!?;:…؟。")
_MASK = "\ue000"
# Marks pysbd's rules take for sentence ends where they are not: the Arabic
# comma, colon and semicolon (the English rules do not split there either).
_NOT_TERMINAL: dict[str, frozenset[str]] = {"ar": frozenset("،:؛")}

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
        after = _SPACES.match(text, found.end()).end()  # type: ignore[union-attr]
        following = text[after : after + 1]
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
    for piece in _pieces(masked, lang):
        core = piece.strip()
        if not core:
            continue
        start = masked.find(core, cursor)
        if start < 0:  # pysbd rewrote the text; keep the block whole rather than guess
            return (text.strip(),)
        cursor = start + len(core)
        sentences += _split_after_final_abbreviations(text[start:cursor], lang)
    return tuple(sentences)


# pysbd looks for each sentence it found from the start of the text again: work grows with
# the square of the number of sentence marks. No prose has this many in one block; a text
# that does is split after each mark followed by a space, in one pass.
_MAX_SENTENCE_MARKS = 400
_AFTER_MARK = re.compile(r"(?<=[.!?…؟。])\s+")


def _pieces(masked: str, lang: str) -> list[str]:
    if sum(masked.count(mark) for mark in _TERMINALS) > _MAX_SENTENCE_MARKS:
        return _AFTER_MARK.split(masked)
    pieces: list[str] = _segmenter(lang).segment(masked)
    return pieces


def _split_after_final_abbreviations(sentence: str, lang: str) -> list[str]:
    # pysbd never ends a sentence at "usw." or "и т. д."; they do end one before a capital.
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
