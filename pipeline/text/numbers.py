"""Numbers as a locale writes them: "20.000" in German, "20 000" in French, "2,5 %".

The QA check compares a translation's numbers with its source's through
:func:`numbers_in`, sentence alignment anchors sentence pairs on
:func:`number_keys`, and machine translation protects :data:`NUMBER_RUN`, so
the three agree on what a number is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol

from pipeline.text.inline import prose

SPACES = " \u00a0\u202f\u2009"
"""The spaces that group digits or stand before a percent sign in some language."""
NUMBER_RUN = rf"\d+(?:[.,'’٫٬{SPACES}]\d+)*"
"""Digits with the decimal and group separators any locale writes between them."""
_NUMBER = re.compile(NUMBER_RUN)
_PERCENT_AFTER = re.compile(rf"[{SPACES}]?[%٪]")
_RANGE_DASH = re.compile(rf"[{SPACES}]?[-–—‒−][{SPACES}]?")


@dataclass(frozen=True)
class Number:
    text: str
    values: frozenset[Decimal]  # more than one when the separators are ambiguous
    percent: bool

    def __str__(self) -> str:
        return self.text


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
    """The numbers in one run of digits and separators, each as its possible values."""
    decimal, group = _separators(lang)
    token = token.replace("٫", decimal).replace("٬", group)
    parts = re.split(r"(\D)", token)
    numbers: list[frozenset[Decimal]] = []
    # Each candidate reading of the current number: (integer digits, fraction digits or None).
    current: list[tuple[str, str | None]] = [(parts[0], None)]

    def close() -> None:
        numbers.append(frozenset(Decimal(f"{i}.{f}" if f else i) for i, f in current))

    for separator, digits in zip(parts[1::2], parts[2::2], strict=True):
        grouping = len(digits) == 3 and all(f is None for _, f in current)
        if separator in SPACES or separator in "'’":
            if grouping:
                current = [(i + digits, None) for i, _ in current]
                continue
        elif separator == decimal:
            if all(f is None for _, f in current):
                current = [(i, digits) for i, _ in current]
                continue
        elif separator == group:
            if grouping:
                current = [(i + digits, None) for i, _ in current]
                continue
        elif all(f is None for _, f in current):
            # The separator this language does not use: "20.000" in French reads
            # as twenty thousand to some and as twenty to others; accept both.
            as_decimal = [(i, digits) for i, _ in current]
            current = as_decimal + ([(i + digits, None) for i, _ in current] if grouping else [])
            continue
        close()
        current = [(digits, None)]
    close()
    return numbers


@lru_cache(maxsize=65536)
def numbers_in(text: str, lang: str) -> tuple[Number, ...]:
    """Numbers of a text as written in ``lang``; ranges share their percent sign."""
    text = prose(text)
    found: list[tuple[int, int, Number]] = []
    for match in _NUMBER.finditer(_ascii_digits(text)):
        end = match.end()
        percent = _PERCENT_AFTER.match(text, end)
        if percent:
            end = percent.end()
        before = text[max(0, match.start() - 1) : match.start()]
        is_percent = bool(percent) or before in ("%", "٪")
        written = text[match.start() : end]  # one string, however many numbers it holds
        for values in _readings(match.group(), lang):
            found.append((match.start(), end, Number(written, values, is_percent)))
    numbers = [number for _, _, number in found]
    for index in range(len(found) - 1):
        (_, end, left), (start, _, right) = found[index], found[index + 1]
        if (left.percent or right.percent) and _RANGE_DASH.fullmatch(text[end:start]):
            numbers[index] = Number(left.text, left.values, True)
            numbers[index + 1] = Number(right.text, right.values, True)
    return tuple(numbers)


def number_keys(text: str) -> frozenset[str]:
    """The digits of each number in ``text``, separators dropped: 1.5 = 1,5; 100,000 = 100 000."""
    return frozenset(re.sub(r"\D", "", run) for run in _NUMBER.findall(_ascii_digits(text)))
