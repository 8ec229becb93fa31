"""Numbers as a locale writes them: "20.000" in German, "20 000" in French, "2,5 %".

The QA check compares a translation's numbers with its source's through
:func:`number_differences`, sentence alignment anchors sentence pairs on
:func:`number_keys`, and machine translation protects :data:`NUMBER_RUN`, so
the three agree on what a number is.

Each number is read the way its language reads it (CLDR's decimal and group
symbols). A number a reader of the language could take two ways ("20.000" in
French: twenty, or twenty thousand) stands for neither: it matches no source
number, so a dose cannot change by a misread separator. Some numbers may change
form where the locale says so: a date or a time is compared whole, in the
language's own patterns (:mod:`pipeline.text.datetimes`: "2017-05-31" =
"31.05.2017", "6 p.m." = "18 Uhr"); a percentage may be said in words ("0 percent"
= "0 %", CLDR's long unit format); a bare count may be written as a word
(:mod:`pipeline.text.spellout`) or, in a language with a dual, said by one, and a
label naming plural categories may show them by numbers
(:mod:`pipeline.text.plural_rules`). A dose, a percentage, a range or a price never
becomes a word, and a ``str.format`` field's "{0}" is no number.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from babel.units import format_unit

from pipeline.text.datetimes import moment_differences
from pipeline.text.inline import prose
from pipeline.text.languages import regional_locales
from pipeline.text.patterns import BRACE_VARIABLE
from pipeline.text.plural_rules import dual_words, without_category_examples
from pipeline.text.spellout import spelled_numbers

SPACES = " \u00a0\u202f\u2009"
"""The spaces that group digits or stand before a percent sign in some language."""
NUMBER_RUN = rf"\d+(?:[.,'’٫٬{SPACES}]\d+)*"
"""Digits with the decimal and group separators any locale writes between them."""
_NUMBER = re.compile(NUMBER_RUN)
_ANY_DIGIT = re.compile(r"\d")  # any script's, as _ascii_digits reads them
_PERCENT_AFTER = re.compile(rf"[{SPACES}]?[%٪‰]")
_RANGE_DASH = re.compile(rf"[{SPACES}]?[-–—‒−][{SPACES}]?")
# What makes a number a quantity rather than a count: a unit or a currency beside it.
_UNIT_AFTER = re.compile(
    rf"[{SPACES}]?(?:[€$£¥₽₹°]|(?:mg|µg|μg|mcg|ng|g|kg|ml|mL|dl|dL|l|L|mmol|µmol|mol|IU|IE|ME"
    r"|U|EUR|USD|GBP|CHF|RUB|mm|cm|km|m|s|ms|min|h|Gy|cGy|Bq|kcal|cal)(?![^\W\d_]))"
)
_CURRENCY_BEFORE = re.compile(rf"(?:[€$£¥₽₹]|EUR|USD|GBP|CHF)[{SPACES}]?$")
# A sign, not the hyphen of "alpha-2" or "COVID-19".
_SIGN_BEFORE = re.compile(r"(?<![^\W\d_])[+±−-]$")
_PRINTF_AFTER = re.compile(r"\([A-Za-z_]\w*\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


@dataclass(frozen=True)
class Number:
    text: str
    values: frozenset[Decimal]  # every reading: more than one when a reader could take it two ways
    percent: bool
    bare: bool = False  # a plain count (a small integer, no unit, sign or range): may be a word
    worded: bool = False  # a percentage said by a word ("5 percent"), which has variants

    def __str__(self) -> str:
        return self.text

    def describe(self) -> str:
        # "90" of the range "70–90%" is reported as "90%".
        has_sign = any(sign in self.text for sign in "%٪‰")
        return f"{self.text}%" if self.percent and not (has_sign or self.worded) else self.text


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return re.sub(r"\d", lambda match: str(unicodedata.decimal(match.group())), text)


@cache
def _separators(lang: str) -> tuple[str, str]:
    try:
        decimal, group = get_decimal_symbol(lang), get_group_symbol(lang)
    except Exception:  # babel raises several types for unknown locales
        decimal, group = ".", ","
    return decimal, group


def _readings(token: str, lang: str) -> list[frozenset[Decimal]]:
    """The numbers in one run of digits and separators, each as the values a reader may take."""
    decimal, group = _separators(lang)
    token = token.replace("٫", decimal).replace("٬", group)
    parts = re.split(r"(\D)", token)
    numbers: list[frozenset[Decimal]] = []
    # Each reading of the current number: (integer digits, fraction digits or None).
    current: list[tuple[str, str | None]] = [(parts[0], None)]
    lead = parts[0]  # the current number's first digits: "0.123" is never grouped

    def close() -> None:
        numbers.append(frozenset(Decimal(f"{i}.{f}" if f else i) for i, f in current))

    for separator, digits in zip(parts[1::2], parts[2::2], strict=True):
        whole = all(f is None for _, f in current)
        grouping = len(digits) == 3 and whole and not lead.startswith("0")
        if separator in SPACES or separator in "'’" or separator == group:
            if grouping:
                current = [(i + digits, None) for i, _ in current]
                continue
            if separator == group and whole and separator in ".,":
                # "2.5" in German: no group of three, so the point can only be a decimal one.
                current = [(i, digits) for i, _ in current]
                continue
        elif (separator == decimal or separator in ".,") and whole:
            # The separator this language does not use ("20.000" in French) reads
            # as a decimal point to some and as grouping to others: both readings.
            as_group: list[tuple[str, str | None]] = (
                [(i + digits, None) for i, _ in current] if grouping else []
            )
            as_decimal: list[tuple[str, str | None]] = [(i, digits) for i, _ in current]
            current = as_decimal if separator == decimal else as_decimal + as_group
            continue
        close()
        current, lead = [(digits, None)], digits
    close()
    return numbers


# ---------------------------------------------------------------------------
# Reading numbers
# ---------------------------------------------------------------------------


@cache
def _percent_words(lang: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """What makes a number a percentage in words, after it and before it, as CLDR's long
    unit format writes it in ``lang`` and its regional variants: "0 percent" = "0 %"
    (English), "per cent" (British), "5 процентов", "yüzde 5"."""
    after: set[str] = set()
    before: set[str] = set()
    for locale in regional_locales(lang):
        try:
            forms = [format_unit(v, "percent", "long", locale=locale) for v in _PLURAL_SAMPLES]
            numbers = [format_decimal(v, locale=locale) for v in _PLURAL_SAMPLES]
        except Exception:  # a locale without the unit's data
            continue
        for form, number in zip(forms, numbers, strict=True):
            head, _, tail = form.partition(number)
            before.add(head.strip(SPACES).lower())
            after.add(tail.strip(SPACES).lower())
    words_after, words_before = _alternatives(after), _alternatives(before)
    if not words_after and not words_before:
        return None
    return (
        re.compile(rf"[{SPACES}]?(?:{words_after or '(?!)'})(?!\w)", re.I),
        re.compile(rf"(?<!\w)(?:{words_before or '(?!)'})[{SPACES}]?$", re.I),
    )


_PLURAL_SAMPLES = (0, 1, 2, 3, 5, 11, 21, 100, 101, 1.5)  # one of each CLDR plural category


def _alternatives(words: set[str]) -> str:
    # Signs ("%", "٪") are read by _PERCENT_AFTER; these are the words.
    wanted = (w for w in words if any(c.isalpha() for c in w))
    return "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))


def _percent_word(text: str, start: int, end: int, lang: str) -> int | None:
    """Where a percent word after the number ending at ``end`` ends; ``end`` for one before
    ``start``; None without one."""
    patterns = _percent_words(lang)
    if patterns is None:
        return None
    after, before = patterns
    if found := after.match(text, end):
        return found.end()
    return end if before.search(text[max(0, start - 30) : start]) else None


def _is_bare(text: str, start: int, end: int, values: frozenset[Decimal]) -> bool:
    """A count that may be written as a word: a small integer with no unit, currency or sign."""
    if len(values) != 1 or not all(v == int(v) and 0 <= v <= 100 for v in values):
        return False
    if any(separator in text[start:end] for separator in ".,"):
        return False
    after, before = text[end : end + 6], text[max(0, start - 5) : start]
    if _UNIT_AFTER.match(after) or _PERCENT_AFTER.match(after):
        return False
    return not (_CURRENCY_BEFORE.search(before) or _SIGN_BEFORE.search(before))


@lru_cache(maxsize=65536)
def numbers_in(text: str, lang: str) -> tuple[Number, ...]:
    """Numbers of a text as written in ``lang``; ranges share their percent sign."""
    if not _ANY_DIGIT.search(text):
        return ()  # every number is read from digits: most prose holds none
    return _numbers(prose(text), lang)


def _numbers(text: str, lang: str) -> tuple[Number, ...]:
    found: list[tuple[int, int, Number]] = []
    digits = _ascii_digits(text)
    for match in _NUMBER.finditer(digits):
        end, is_word = match.end(), False
        if text[end : end + 1] == "%" and _PRINTF_AFTER.match(text, end + 1):
            pass  # "1%(id)s": the 1 stands alone, the percent sign starts a variable
        elif percent := _PERCENT_AFTER.match(text, end):
            end = percent.end()
        elif (word := _percent_word(text, match.start(), end, lang)) is not None:
            end, is_word = word, True
        before = text[max(0, match.start() - 1) : match.start()]
        is_percent = end != match.end() or before in ("%", "٪") or is_word
        written = text[match.start() : end]  # one string, however many numbers it holds
        for values in _readings(match.group(), lang):
            bare = not is_percent and _is_bare(digits, match.start(), match.end(), values)
            number = Number(written, values, is_percent, bare, is_word)
            found.append((match.start(), end, number))
    numbers = [number for _, _, number in found]
    for index in range(len(found) - 1):
        (_, end, left), (start, _, right) = found[index], found[index + 1]
        if _RANGE_DASH.fullmatch(text[end:start]):
            shared, worded = left.percent or right.percent, left.worded or right.worded
            numbers[index] = Number(left.text, left.values, shared, worded=worded)
            numbers[index + 1] = Number(right.text, right.values, shared, worded=worded)
    return tuple(numbers)


def number_keys(text: str) -> frozenset[str]:
    """The digits of each number in ``text``, separators dropped: 1.5 = 1,5; 100,000 = 100 000."""
    return frozenset(re.sub(r"\D", "", run) for run in _NUMBER.findall(_ascii_digits(text)))


# ---------------------------------------------------------------------------
# Comparing a translation's numbers with its source's
# ---------------------------------------------------------------------------


def _same(source: Number, target: Number) -> bool:
    # Every reading of the translation must be a reading of the source. A percentage said
    # by a word may be said by one CLDR does not have ("في المائة", "0-Prozent-Satz"),
    # so it matches a plain number as well as a percentage.
    percent = source.percent == target.percent or source.worded or target.worded
    return percent and target.values <= source.values


def _unmatched(source: list[Number], target: list[Number]) -> tuple[list[Number], list[Number]]:
    left = list(target)
    missing: list[Number] = []
    for number in source:
        index = next((i for i, candidate in enumerate(left) if _same(number, candidate)), None)
        if index is None:
            missing.append(number)
        else:
            del left[index]
    return missing, left


def _spelled_out(numbers: list[Number], words: Counter[int]) -> list[Number]:
    """``numbers`` less the bare counts the other text writes as words."""
    kept: list[Number] = []
    for number in numbers:
        (value,) = number.values if number.bare else (None,)
        if value is not None and words[int(value)] > 0:
            words[int(value)] -= 1
        else:
            kept.append(number)
    return kept


def _in_the_dual(numbers: list[Number], dual_words: int) -> list[Number]:
    """``numbers`` less the bare 2s the translation may say by a noun in the dual."""
    kept: list[Number] = []
    for number in numbers:
        if dual_words > 0 and number.bare and number.values == {Decimal(2)}:
            dual_words -= 1
        else:
            kept.append(number)
    return kept


def _readable(text: str) -> str:
    """The prose of ``text``, its ``str.format`` fields blanked: "{0}" holds no number."""
    return BRACE_VARIABLE.sub(lambda field: " " * len(field.group()), prose(text))


def number_differences(
    source: str, translation: str, source_lang: str, lang: str, *, singular: bool = False
) -> list[str]:
    """Why ``translation``'s numbers are not ``source``'s, one message per problem.

    ``singular``: the translation is the form of a plural message shown for one,
    which may say "one" by its grammar alone ("Delete 1 page" -> "Удалить страницу").
    """
    if not _ANY_DIGIT.search(source) and not _ANY_DIGIT.search(translation):
        return []  # no number, date or time in either: words are compared only with digits
    source_text = _readable(source)
    target_text = without_category_examples(source_text, _readable(translation), source_lang, lang)
    source_text, target_text, problems = moment_differences(
        source_text, target_text, source_lang, lang
    )
    missing, added = _unmatched(
        list(_numbers(source_text, source_lang)), list(_numbers(target_text, lang))
    )
    if missing:
        missing = _spelled_out(missing, spelled_numbers(target_text, lang))
        missing = _in_the_dual(missing, dual_words(target_text, lang))
    if added:
        added = _spelled_out(added, spelled_numbers(source_text, source_lang))
    if singular:
        missing = [n for n in missing if not (n.bare and n.values == {Decimal(1)})]
    if len(missing) == len(added):
        return problems + [f"number {s.describe()} is {t.describe()} in the translation"
                           for s, t in zip(missing, added, strict=True)]  # fmt: skip
    return (
        problems
        + [f"number {n.describe()} is missing" for n in missing]
        + [f"number {n.describe()} is not in the source" for n in added]
    )
