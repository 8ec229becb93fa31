"""Where pysbd would end a sentence, decided without running it.

pysbd costs milliseconds a block. Most boundaries in prose are plain: a word of letters
that is no abbreviation, ``.``, ``!`` or ``?``, spaces, a capital, nothing open before
it. :func:`plain_ends` finds those with one expression compiled once, against pysbd's
own abbreviation lists and its odd rules; :func:`has_inner_mark` says whether a stretch
between them still holds a place pysbd may cut at, so that only such stretches go to
pysbd (:mod:`pipeline.text.sentences`). Every rule here is checked against pysbd itself
by ``bench/sentence_split.py`` and ``tests/tool/test_edit_cost.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from pysbd.exclamation_words import ExclamationWords
from pysbd.languages import Language

# Sentence marks: masked inside protected spans so that no sentence can end there.
TERMINALS = frozenset(".!?;:…؟。")

# Before a plain sentence end: a word of letters, perhaps hyphenated (CAR-T) or closed by a
# bracket ("(GMP)."), or a placeholder ({name}, %(name)s); one mark, spaces, and a capital
# (any letter where a script has none).
_PLAIN_END = re.compile(
    r"(?:^|(?<=\s))([^\W\d_]+(?:-[^\W\d_]+)*|%\(\w+\)[sd]|\{\w+\})\)?([.!?]) +(?=[^\W\d_])"
)
# Quotes and brackets: pysbd does not split between a pair, so no plain end follows an open one.
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("‹", "›"), ("（", "）"), ("「", "」"))
_QUOTES = frozenset('"“”„')
# Where pysbd may cut at a quote: one opening the text, or one touching a sentence mark.
_QUOTE_CUT = re.compile(r'\A\s*["“”„]|[.!?…]["“”„]|["“”„][.!?…]')
# Japanese: a full stop between two letters, no space needed.
_FULL_STOP_END = re.compile(r"(?<=[^\W\d_])[。！？](?=[^\W\d_])")
# What may follow the last word of a stretch that pysbd keeps whole: closing marks, then one
# sentence mark at most (after several, or before a closing mark, pysbd may cut).
_CLOSERS = "\"'»”)]*_"
_TAIL_MARKS = frozenset(".!?…。！？؟")
_PAIRED = re.compile("[()\\[\\]{}«»‹›（）「」\"“”„'‘’`]")
_OPENING_SINGLE = re.compile(r"(?:^|(?<=\s))['‘’`]")
_ROMAN = frozenset("ivxlcdm")
_EXCLAMATION_WORDS = frozenset(ExclamationWords.EXCLAMATION_WORDS)
_START_QUIRK = frozenset({"de", "ar", "fa"})
_CASELESS = frozenset({"ar"})


@dataclass(frozen=True)
class Rules:
    """What of a language's pysbd rules decides whether a plain end is one."""

    # pysbd matches each abbreviation as a pattern (its dots match any character),
    # case-insensitively: a word it matches keeps its period.
    abbreviation: re.Pattern[str]
    # Each abbreviation alone, for pysbd's German and Arabic rules, which also keep the
    # period after any word ending as the text starts, when it starts with an abbreviation.
    # (Compiled on first use, see _start_patterns: a text starts with few of the letters.)
    starts: dict[str, tuple[str, ...]]  # by the first letter, lower-cased
    marks: frozenset[str]  # where pysbd may end a sentence
    caseless: bool  # sentences start without a capital (Arabic)
    full_stops: bool  # sentences end at a full stop with no space after it (Japanese)
    inner_mark: re.Pattern[str]  # one of the marks, or a line break


@cache
def rules_for(code: str) -> Rules:
    language = Language.get_language_code(code)
    stripped = sorted({a.strip() for a in language.Abbreviation.ABBREVIATIONS}, key=len)
    starts: dict[str, tuple[str, ...]] = {}
    if code in _START_QUIRK:
        for a in stripped:
            first = a[:1].lower()
            starts[first] = (*starts.get(first, ()), a)
    marks = frozenset(language.Punctuations) | {"…"}
    return Rules(
        re.compile("|".join(stripped) or "(?!)", re.IGNORECASE),
        starts,
        marks,
        code in _CASELESS,
        code == "ja",
        # pysbd never ends a sentence at a period between two ASCII letters or digits
        # (its WithMultiplePeriodsAndEmailRule): example.com, {order.code}.
        re.compile(
            "[" + re.escape("".join(sorted(marks - {"."}))) + "\n\r]"
            "|(?<![A-Za-z0-9_])\\.|\\.(?![A-Za-z0-9_])"
        ),
    )


# What pysbd's list rules may read as an item marker ("2.", "b)", "iv."): a text with one
# across its lines is left to pysbd whole, which reads list items across line breaks.
LIST_ITEM = re.compile(r"(?:^|(?<=[\s(\-⁃]))(?:\d{1,2}|[ivxlcdm]+|[a-z])[.)]", re.IGNORECASE)
LINE = re.compile(r"[^\r\n]+")


def plain_lines(masked: str, rules: Rules) -> list[tuple[int, int]] | None:
    """The spans of the lines of ``masked``, stripped, when no line holds a sentence mark
    before its tail or a quote pysbd may cut at: pysbd cuts at every line break and nowhere
    else then. None when some line is left for pysbd to decide."""
    spans: list[tuple[int, int]] = []
    for line in LINE.finditer(masked):
        content = line.group()
        core = content.strip()
        if not core:
            continue
        if has_inner_mark(core, rules):
            return None
        start = line.start() + len(content) - len(content.lstrip())
        spans.append((start, start + len(core)))
    return spans


def has_inner_mark(stretch: str, rules: Rules) -> bool:
    """A sentence mark before the stretch's plain tail, or a quote: pysbd may cut there."""
    inner = stretch.rstrip()
    if inner[-1:] in _TAIL_MARKS:
        inner = inner[:-1]
    if inner[-1:] == ")" and not rules.full_stops:  # pysbd's Japanese rules hide none
        inner = _without_closing_group(inner)
    inner = inner.rstrip(_CLOSERS)
    return rules.inner_mark.search(inner) is not None or _QUOTE_CUT.search(stretch) is not None


# The marks pysbd hides between brackets (its BetweenPunctuation): no sentence ends there.
_HIDDEN_BETWEEN = frozenset(".。．！!?？")


def _without_closing_group(inner: str) -> str:
    """``inner`` without the bracketed group that closes it, when pysbd hides every sentence
    mark in it: "Solid tumours (breast, lung, etc.)" ends no sentence inside the brackets."""
    opening = inner.rfind("(")
    group = inner[opening + 1 : -1]
    if opening < 0 or "(" in group or ")" in group or "\\" in group:
        return inner
    if any(c in TERMINALS and c not in _HIDDEN_BETWEEN for c in group):
        return inner
    return inner[:opening]


def plain_ends(masked: str, rules: Rules) -> Iterator[int]:
    """Where a sentence surely ends, as pysbd would end it: the offsets after the spaces."""
    starts = _start_patterns(rules.starts.get(masked[:1].lower(), ()))
    kept_after = [m.group() for p in starts if (m := p.match(masked))]
    last = 0
    if rules.full_stops:
        for found in _FULL_STOP_END.finditer(masked):
            if _closed(masked[last : found.end()]):
                last = found.end()
                yield last
        return
    for found in _PLAIN_END.finditer(masked):
        word, mark = found.group(1), found.group(2)
        if len(word) < 2:
            continue  # an initial, or a list item: pysbd's rules for single letters decide
        following = masked[found.end()]
        if following.islower() or not (rules.caseless or following.isupper()):
            continue  # pysbd weighs what follows: left to it
        if mark == "!" and word + mark in _EXCLAMATION_WORDS:
            continue
        if mark == "." and (
            rules.abbreviation.fullmatch(word)
            or not set(word.lower()) - _ROMAN  # a list item, to pysbd
            or any(word.endswith(k) for k in kept_after)
        ):
            continue
        if _closed(masked[last : found.end()]) and not _smart_quote_open(masked, last, found.end()):
            last = found.end()
            yield last


def _smart_quote_open(masked: str, start: int, end: int) -> bool:
    """A “ in ``masked[start:end]`` after its last ” that a later ” closes: pysbd keeps what
    is between “ and the next ”, wherever the quotes face (Arabic writes ”{“)."""
    opening = masked.rfind("“", start, end)
    return opening > masked.rfind("”", start, end) and masked.find("”", end) >= 0


@cache
def _start_patterns(abbreviations: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(a, re.IGNORECASE) for a in abbreviations)


def _closed(stretch: str) -> bool:
    """No quote or bracket left open in ``stretch`` (pysbd keeps what is between a pair)."""
    if _PAIRED.search(stretch) is None:
        return True
    if any(
        stretch.count(a) != stretch.count(b) or stretch.rfind(a) > stretch.rfind(b)
        for a, b in _PAIRS
    ):
        return False
    if sum(stretch.count(q) for q in _QUOTES) % 2:
        return False
    return _OPENING_SINGLE.search(stretch) is None
