"""Numbers as a locale writes them: "20.000" in German, "20 000" in French, "2,5 %".

The QA check compares a translation's numbers with its source's through
:func:`number_differences`, sentence alignment anchors sentence pairs on
:func:`number_keys`, and machine translation protects :data:`NUMBER_RUN`, so
the three agree on what a number is.

Each number is read the way its language reads it (CLDR's decimal and group
symbols). A number a reader of the language could take two ways ("20.000" in
French: twenty, or twenty thousand) stands for neither: it matches no source
number, so a dose cannot change by a misread separator. Some numbers may change
form where the locale says so: a time on the 12-hour clock becomes a 24-hour one
("6 p.m." = "18:00" = "18 Uhr"), and a bare count may be written as a word
(:mod:`pipeline.text.spellout`). A dose, a percentage, a range or a price never may.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from pipeline.text.inline import prose
from pipeline.text.spellout import spelled_numbers

SPACES = " \u00a0\u202f\u2009"
"""The spaces that group digits or stand before a percent sign in some language."""
NUMBER_RUN = rf"\d+(?:[.,'’٫٬{SPACES}]\d+)*"
"""Digits with the decimal and group separators any locale writes between them."""
_NUMBER = re.compile(NUMBER_RUN)
_PERCENT_AFTER = re.compile(rf"[{SPACES}]?[%٪‰]")
_RANGE_DASH = re.compile(rf"[{SPACES}]?[-–—‒−][{SPACES}]?")
# What makes a number a quantity rather than a count: a unit or a currency beside it.
_UNIT_AFTER = re.compile(
    rf"[{SPACES}]?(?:[€$£¥₽₹°]|(?:mg|µg|μg|mcg|ng|g|kg|ml|mL|dl|dL|l|L|mmol|µmol|mol|IU|IE|ME"
    r"|U|EUR|USD|GBP|CHF|RUB|mm|cm|km|m|s|ms|min|h|Gy|cGy|Bq|kcal|cal)(?![^\W\d_]))"
)
_CURRENCY_BEFORE = re.compile(rf"(?:[€$£¥₽₹]|EUR|USD|GBP|CHF)[{SPACES}]?$")
_SIGN_BEFORE = re.compile(r"[+±−-]$")
_PRINTF_AFTER = re.compile(r"\([A-Za-z_]\w*\)[#0 +-]*\d*(?:\.\d+)?[sdifrxXeEgGc]")


@dataclass(frozen=True)
class Number:
    text: str
    values: frozenset[Decimal]  # every reading: more than one when a reader could take it two ways
    percent: bool
    bare: bool = False  # a plain count (a small integer, no unit, sign or range): may be a word

    def __str__(self) -> str:
        return self.text

    def describe(self) -> str:
        # "90" of the range "70–90%" is reported as "90%".
        has_sign = any(sign in self.text for sign in "%٪‰")
        return f"{self.text}%" if self.percent and not has_sign else self.text


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

    def close() -> None:
        numbers.append(frozenset(Decimal(f"{i}.{f}" if f else i) for i, f in current))

    for separator, digits in zip(parts[1::2], parts[2::2], strict=True):
        whole = all(f is None for _, f in current)
        grouping = len(digits) == 3 and whole
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
        current = [(digits, None)]
    close()
    return numbers


# ---------------------------------------------------------------------------
# Times: "6 p.m." = "18:00" = "18 Uhr" = "18h"
# ---------------------------------------------------------------------------

_TIME_12 = re.compile(r"(?<![\d:.,])(\d{1,2})(?::([0-5]\d))?\s?([ap])\.?\s?m(?:\.|\b)", re.I)
_TIME_24 = re.compile(
    r"(?<![\d:.,])(\d{1,2})(?:[:h]([0-5]\d)|\.([0-5]\d)(?=\s?Uhr\b)|(?=\s?(?:Uhr|h)\b))"
    r"(?:\s?(?:Uhr|h)\b)?(?![\d:])"
)


def _times(text: str) -> list[tuple[int, int, int]]:
    """(start, end, minutes after midnight) of each clock time in ``text``."""
    found: list[tuple[int, int, int]] = []
    taken: set[int] = set()
    for match in _TIME_12.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if 1 <= hour <= 12:
            hour = hour % 12 + (12 if match.group(3).lower() == "p" else 0)
            found.append((match.start(), match.end(), hour * 60 + minute))
            taken.update(range(match.start(), match.end()))
    for match in _TIME_24.finditer(text):
        hour, minute = int(match.group(1)), int(match.group(2) or match.group(3) or 0)
        if hour <= 24 and match.start() not in taken:
            found.append((match.start(), match.end(), hour % 24 * 60 + minute))
    return sorted(found)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _without_matching_times(source: str, translation: str) -> tuple[str, str]:
    """Both texts with the times they share blanked out: "6 p.m." and "18:00" are one time."""
    source_times, target_times = _times(source), _times(translation)
    paired_source: list[tuple[int, int]] = []
    paired_target: list[tuple[int, int]] = []
    unused = list(target_times)
    for start, end, minutes in source_times:
        partner = next((t for t in unused if t[2] == minutes), None)
        if partner is not None:
            unused.remove(partner)
            paired_source.append((start, end))
            paired_target.append((partner[0], partner[1]))
    return _blank(source, paired_source), _blank(translation, paired_target)


# ---------------------------------------------------------------------------
# Reading numbers
# ---------------------------------------------------------------------------


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
    return _numbers(prose(text), lang)


def _numbers(text: str, lang: str) -> tuple[Number, ...]:
    found: list[tuple[int, int, Number]] = []
    digits = _ascii_digits(text)
    for match in _NUMBER.finditer(digits):
        end = match.end()
        if text[end : end + 1] == "%" and _PRINTF_AFTER.match(text, end + 1):
            pass  # "1%(id)s": the 1 stands alone, the percent sign starts a variable
        elif percent := _PERCENT_AFTER.match(text, end):
            end = percent.end()
        before = text[max(0, match.start() - 1) : match.start()]
        is_percent = end != match.end() or before in ("%", "٪")
        written = text[match.start() : end]  # one string, however many numbers it holds
        for values in _readings(match.group(), lang):
            bare = not is_percent and _is_bare(digits, match.start(), match.end(), values)
            found.append((match.start(), end, Number(written, values, is_percent, bare)))
    numbers = [number for _, _, number in found]
    for index in range(len(found) - 1):
        (_, end, left), (start, _, right) = found[index], found[index + 1]
        if _RANGE_DASH.fullmatch(text[end:start]):
            shared = left.percent or right.percent
            numbers[index] = Number(left.text, left.values, shared)
            numbers[index + 1] = Number(right.text, right.values, shared)
    return tuple(numbers)


def number_keys(text: str) -> frozenset[str]:
    """The digits of each number in ``text``, separators dropped: 1.5 = 1,5; 100,000 = 100 000."""
    return frozenset(re.sub(r"\D", "", run) for run in _NUMBER.findall(_ascii_digits(text)))


# ---------------------------------------------------------------------------
# Comparing a translation's numbers with its source's
# ---------------------------------------------------------------------------


def _same(source: Number, target: Number) -> bool:
    # Every reading of the translation must be a reading of the source.
    return source.percent == target.percent and target.values <= source.values


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


def number_differences(
    source: str, translation: str, source_lang: str, lang: str, *, singular: bool = False
) -> list[str]:
    """Why ``translation``'s numbers are not ``source``'s, one message per problem.

    ``singular``: the translation is the form of a plural message shown for one,
    which may say "one" by its grammar alone ("Delete 1 page" -> "Удалить страницу").
    """
    source_text, target_text = _without_matching_times(prose(source), prose(translation))
    missing, added = _unmatched(
        list(_numbers(source_text, source_lang)), list(_numbers(target_text, lang))
    )
    if missing:
        missing = _spelled_out(missing, spelled_numbers(target_text, lang))
    if added:
        added = _spelled_out(added, spelled_numbers(source_text, source_lang))
    if singular:
        missing = [n for n in missing if not (n.bare and n.values == {Decimal(1)})]
    if len(missing) == len(added):
        return [f"number {s.describe()} is {t.describe()} in the translation"
                for s, t in zip(missing, added, strict=True)]  # fmt: skip
    return [f"number {n.describe()} is missing" for n in missing] + [
        f"number {n.describe()} is not in the source" for n in added
    ]
