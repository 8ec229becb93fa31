"""The prose a language check reads, and the scripts its letters are in.

Text is reduced to prose before detection: Markdown syntax, link targets, URLs,
inline code, placeholders, numbers, acronyms and do-not-translate terms say
nothing about the language and skew short strings (``CAR-T`` and ``IL-2`` look
like no language at all). :mod:`pipeline.checks.langid` detects the language of
what is left; :func:`foreign_script` finds a fragment in another script without
any detector.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from babel import Locale
from babel.core import get_global

from pipeline.text.languages import base_language
from pipeline.text.markdown import inline_parser, without_inline_syntax
from pipeline.text.patterns import BARE_URL, EMAIL, PLACEHOLDER, PRINTF_VARIABLE

# Numbers and acronyms such as 20000, 70–90%, CAR-T, IL-2, PD-L1, CD19, HER2.
_NEUTRAL = re.compile(r"\b[A-Z0-9][A-Z0-9-]*[A-Z0-9]?s?\b|\d+")
# File names, paths and identifiers: flatpages/default.html, allow_empty, .po, :widths:
_CODE_LIKE = re.compile(r"(?<!\S)\S*[/\\_]\S*|(?<!\S)\S*\w\.\w+\S*|(?<!\w)\.\w+|:\w+:")
# Longer than any word of any language (German compounds included): not prose. Dropped
# first (cut, in a script written without spaces), so that no pattern below ever scans
# further than this from where it starts.
MAX_WORD = 64
LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=65536)
def plain_text(markdown: str, ignore_terms: tuple[str, ...] = ()) -> str:
    """The prose of one line of inline Markdown, with language-neutral material removed."""
    text = markdown if without_inline_syntax(markdown) else _inline_text(markdown)
    text = " ".join(_bounded_words(text.split()))
    text = EMAIL.sub(" ", BARE_URL.sub(" ", text))
    text = PRINTF_VARIABLE.sub(" ", PLACEHOLDER.sub(" ", text))
    text = _CODE_LIKE.sub(" ", text)
    for term in ignore_terms:
        text = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", " ", text)
    text = _NEUTRAL.sub(" ", text)
    return " ".join(text.split())


def _inline_text(markdown: str) -> str:
    parts: list[str] = []
    for block in inline_parser().parseInline(markdown):
        for token in block.children or ():
            if token.type == "text":
                parts.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts)


# Scripts written without spaces between words: there a "word" is a phrase or a sentence.
_UNSPACED = frozenset({"THAI", "LAO", "KHMER", "MYANMAR", "TIBETAN", "CJK", "HIRAGANA", "KATAKANA"})


def _bounded_words(words: Iterable[str]) -> Iterator[str]:
    """The words of at most :data:`MAX_WORD` characters; a longer run in a script written
    without spaces (a Thai or Japanese sentence), cut into pieces of that length."""
    for word in words:
        if len(word) <= MAX_WORD:
            yield word
            continue
        letters = LETTER.findall(word[:MAX_WORD])
        if sum(script_of(c) in _UNSPACED for c in letters) * 2 > len(letters) > 0:
            yield from (word[i : i + MAX_WORD] for i in range(0, len(word), MAX_WORD))


def letter_count(text: str) -> int:
    return len(LETTER.findall(text))


def script_of(char: str) -> str:
    return unicodedata.name(char, "").split(" ")[0]


@lru_cache(maxsize=64)
def language_script(code: str) -> str:
    """The script a language is written in ("LATIN", "CYRILLIC", "ARABIC"): its own name's."""
    try:
        letters = [c for c in Locale.parse(code).get_display_name(code) or "" if c.isalpha()]
    except Exception:  # a locale Babel lacks
        return ""
    return Counter(map(script_of, letters)).most_common(1)[0][0] if letters else ""


# The first word of the Unicode names of a script's letters, by ISO 15924 code; a script
# whose code is missing here is known by its own name ("Thai" -> "THAI").
_SCRIPT_NAMES: dict[str, tuple[str, ...]] = {
    "Latn": ("LATIN",), "Cyrl": ("CYRILLIC",), "Grek": ("GREEK",), "Arab": ("ARABIC",),
    "Hebr": ("HEBREW",), "Deva": ("DEVANAGARI",), "Hans": ("CJK",), "Hant": ("CJK",),
    "Jpan": ("CJK", "HIRAGANA", "KATAKANA"), "Kore": ("HANGUL", "CJK"), "Beng": ("BENGALI",),
    "Armn": ("ARMENIAN",), "Geor": ("GEORGIAN",), "Ethi": ("ETHIOPIC",), "Taml": ("TAMIL",),
}  # fmt: skip
# Letters of another script that make a fragment: a name or two in their own script
# ("Москва", "北京") are fewer. Scripts that write a word in a character or two count sooner.
MIN_SCRIPT_LETTERS = 12
_DENSE_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "THAI", "YI"})
MIN_DENSE_LETTERS = 4


@lru_cache(maxsize=64)
def language_scripts(lang: str) -> frozenset[str]:
    """The scripts ``lang`` is written in, as the first word of their letters' Unicode names."""
    likely = str(get_global("likely_subtags").get(base_language(lang), ""))
    parts = likely.split("_")
    code = parts[1] if len(parts) > 1 else "Latn"
    return frozenset(_SCRIPT_NAMES.get(code, (code.upper(),)))


def foreign_script(text: str, expected: str, ignore_terms: tuple[str, ...] = ()) -> str:
    """The name of a script, not ``expected``'s, in which ``text`` holds a fragment; "" if none."""
    counts: dict[str, int] = {}
    for letter in LETTER.findall(plain_text(text, ignore_terms)):
        script = unicodedata.name(letter, "").partition(" ")[0]
        counts[script] = counts.get(script, 0) + 1
    own = language_scripts(expected)
    for script, count in sorted(counts.items(), key=lambda item: -item[1]):
        needed = MIN_DENSE_LETTERS if script in _DENSE_SCRIPTS else MIN_SCRIPT_LETTERS
        if script and script not in own and count >= needed:
            return script.title()
    return ""
