"""What CLDR's plural rules say about the numbers of a text.

Two things a translation may do with numbers because of its language's plural
rules, which the numbers check (:mod:`pipeline.text.numbers`) accepts:

- Illustrate the plural categories a source names. A tool's label "One/few/other"
  may read "Один/2-4/5+" in Russian: each number must be one the category holds,
  by the plural rules of the translation's language or of the source's ("few" holds
  2 to 4 in Russian, "other" holds 5 in English). Only a source made of category
  names alone ("zero", "one", "two", "few", "many", "other", or number words) is
  read so; parts are matched by position when both texts have as many.
- Say "two" by the dual. A language whose rules give 2 a category of its own
  (Arabic, Hebrew) writes "2 days" as one word, "يومين": a bare count of 2 may be
  left out when the translation holds a word with the language's dual ending.
  CLDR has no data on endings; :data:`DUAL_ENDINGS` holds them for the languages
  where they are known, and a language without an entry keeps its 2.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from babel import Locale

from pipeline.text.languages import base_language, locale_data
from pipeline.text.spellout import number_words

CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
_RULE_RANGE = 1000  # the numbers a rule is evaluated on
DUAL_ENDINGS: dict[str, tuple[str, ...]] = {
    # Nominative -ān and oblique -ayn, after a feminine noun's -t: يومان, يومين, ساعتين.
    "ar": ("ان", "ين"),
    # -ayim: יומיים, שבועיים, שעתיים.
    "he": ("יים",),
}
_SEPARATOR = "/"
_DIGITS = re.compile(r"\d+")


@cache
def _rule(lang: str) -> Callable[[int], str] | None:
    for code in (locale_data(lang).replace("-", "_").partition("@")[0], base_language(lang)):
        try:
            rule: Callable[[int], str] = Locale.parse(code).plural_form
            return rule
        except Exception:  # babel raises several types for unknown locales
            continue
    return None


@cache
def held_by(category: str, lang: str) -> frozenset[int]:
    """The whole numbers (0 to 1000) ``lang``'s plural rules put in ``category``."""
    rule = _rule(lang)
    if rule is None:
        return frozenset()
    return frozenset(n for n in range(_RULE_RANGE + 1) if rule(n) == category)


def has_dual(lang: str) -> bool:
    """Whether ``lang``'s plural rules give the number 2, and no other, a category."""
    return held_by("two", lang) == {2}


def dual_words(text: str, lang: str) -> int:
    """How many words of ``text`` end as ``lang``'s dual does (0 without a dual)."""
    endings = DUAL_ENDINGS.get(base_language(lang), ())
    if not endings or not has_dual(lang):
        return 0
    words = re.findall(r"[^\W\d_]+", text)
    return sum(1 for word in words if len(word) > 3 and word.endswith(endings))


def _category_names(source: str, source_lang: str) -> list[str] | None:
    """The words of a source made of plural category names alone, else None."""
    parts = [part.strip().lower() for part in source.strip().split(_SEPARATOR)]
    words = number_words(source_lang)
    if len(parts) < 2 or not all(part in CATEGORIES or part in words for part in parts):
        return None
    return parts if any(part in CATEGORIES for part in parts) else None


def without_category_examples(source: str, translation: str, source_lang: str, lang: str) -> str:
    """``translation`` with the numbers blanked out that illustrate the plural
    categories ``source`` names (see the module's docstring)."""
    names = _category_names(source, source_lang)
    if names is None or not _DIGITS.search(translation):
        return translation
    parts = translation.split(_SEPARATOR)
    named = {name for name in names if name in CATEGORIES}
    aligned = len(parts) == len(names)
    kept = []
    for index, part in enumerate(parts):
        categories = ({names[index]} & CATEGORIES) if aligned else named
        numbers = [int(n) for n in _DIGITS.findall(part)]
        if numbers and all(_holds(categories, n, (lang, source_lang)) for n in numbers):
            part = _DIGITS.sub(lambda digits: " " * len(digits.group()), part)
        kept.append(part)
    return _SEPARATOR.join(kept)


def _holds(categories: set[str], number: int, langs: tuple[str, ...]) -> bool:
    return any(number in held_by(category, lang) for category in categories for lang in langs)
