"""Small numbers written as words, from CLDR's spell-out rules: "seven", "sieben", "السبعة".

A translation may write "7" as a word ("Past 7 days" -> "الأيام السبعة الماضية") or a
source word as digits ("One-to-one" -> "1:1"). :func:`number_words` finds such words
for the numbers check (:mod:`pipeline.text.numbers`), which accepts them only for a
bare count: never for a dose, a percentage, a range or a price.

The words are every cardinal and ordinal form CLDR's rule-based number format gives
(``unicode-rbnf`` carries the data: genders and cases included, "одну", "einem",
"veintiún"), plus the words that say "none" for zero, which CLDR has no rule for.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import TYPE_CHECKING

from pipeline.text.languages import base_language

if TYPE_CHECKING:
    from unicode_rbnf import RbnfEngine

SPELLED_MAX = 20
"""Counts up to this (and the tens up to 100) are looked for as words."""
_TENS = range(30, 101, 10)
_MIN_STEM = 4  # a number word this long may start a compound: "четырёхстолбцовый", "vierspaltig"

# "0 of 5 selected" -> "none of 5 selected": CLDR spells zero ("null", "zéro") but not "none".
_ZERO_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("none", "no", "nothing"),
    "de": ("kein", "keine", "keinen", "keinem", "keiner", "keines", "nichts"),
    "fr": ("aucun", "aucune", "rien"),
    "es": ("ningún", "ninguno", "ninguna", "nada"),
    "it": ("nessun", "nessuno", "nessuna", "niente"),
    "pt": ("nenhum", "nenhuma", "nada"),
    "ru": ("ни одного", "ни одной", "ничего", "нет"),
    "uk": ("жодного", "жодної", "нічого", "немає"),
    "ar": ("لا شيء", "لا", "أي"),
}
# Arabic writes the article and some conjunctions and prepositions as part of the word.
_ARABIC_PREFIX = "(?:وال|بال|فال|لل|ال|و|ب|ل|ف)?"
# Arabic 3 to 10 take the ending ة or not by the counted noun's gender ("سبعة أيام",
# "سبع ساعات"); CLDR's feminine and masculine rules both give the form with ة.
_ARABIC_GENDER_PAIRS = range(3, 11)
_TA_MARBUTA = "ة"


@cache
def _engine(lang: str) -> RbnfEngine | None:
    # Imported here, for start-up time only (no cycle): unicode-rbnf parses its rules as it
    # is imported, a seventh of a build's imports, and only this module uses it.
    from unicode_rbnf import RbnfEngine

    for code in (lang, base_language(lang)):
        try:
            return RbnfEngine.for_language(code)
        except Exception:  # unicode-rbnf raises several kinds for a language it lacks
            continue
    return None


@cache
def number_words(lang: str) -> dict[str, int]:
    """Each word (lower case) ``lang`` may write a small number as, with its value."""
    from unicode_rbnf import FormatPurpose  # imported by _engine: see there

    words: dict[str, int] = {}
    engine = _engine(lang)
    if engine is not None:
        for value in (*range(SPELLED_MAX + 1), *_TENS):
            for purpose in (FormatPurpose.CARDINAL, FormatPurpose.ORDINAL):
                try:
                    forms = engine.format_number(value, purpose=purpose).text_by_ruleset
                except Exception:  # a ruleset CLDR has only for some numbers
                    continue
                for form in forms.values():
                    words.setdefault(_folded(form.replace("\u00ad", "")), value)
                    if _other_gender(lang, form, value, purpose is FormatPurpose.CARDINAL):
                        words.setdefault(_folded(form[:-1]), value)
    for word in _ZERO_WORDS.get(base_language(lang), ()):
        words.setdefault(word, 0)
    return words


def _other_gender(lang: str, form: str, value: int, cardinal: bool) -> bool:
    """Whether ``form`` less its last letter is the number's other Arabic form."""
    return (
        base_language(lang) == "ar"
        and cardinal
        and value in _ARABIC_GENDER_PAIRS
        and form.endswith(_TA_MARBUTA)
    )


def _folded(text: str) -> str:
    # Russian writes "четырёх" and "четырех" alike.
    return text.lower().replace("ё", "е")


@cache
def _pattern(lang: str) -> re.Pattern[str] | None:
    words = sorted(number_words(lang), key=len, reverse=True)
    if not words:
        return None
    prefix = _ARABIC_PREFIX if base_language(lang) == "ar" else ""
    alternatives = "|".join(re.escape(word) for word in words)
    return re.compile(rf"(?<!\w){prefix}(?P<word>{alternatives})(?P<rest>\w*)")


def spelled_numbers(text: str, lang: str) -> Counter[int]:
    """How often each small number is written as a word in ``text``.

    A word counts whole, or as the start of a compound when it is long enough and
    the number is not one ("vierspaltig" has a 4, "einfach" no 1).
    """
    found: Counter[int] = Counter()
    pattern = _pattern(lang)
    if pattern is None:
        return found
    words = number_words(lang)
    for match in pattern.finditer(_folded(text)):
        word, rest = match.group("word"), match.group("rest")
        value = words[word]
        if not rest or (value >= 2 and len(word) >= _MIN_STEM):
            found[value] += 1
    return found
