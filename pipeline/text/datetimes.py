"""Dates and clock times as a locale writes them: "2017-05-31" = "31.05.2017" = "31 mai 2017".

The numbers check (:mod:`pipeline.text.numbers`) compares a translation's dates
and times with its source's before its other numbers, through
:func:`moment_differences`: the same date or time written another way is the
same, and a changed one is one finding ("date 2017-05-31 is 31.05.2016 in the
translation"), not one per number in it.

A date is read with its language's CLDR patterns (Babel): month names from the
long and medium formats of the language and its regional variants ("31 de mayo
de 2017", "May 31, 2017", "31 мая 2017 г."), and numeric dates in any of the
separators locales use ("31.05.2017", "31/05/2017", "31. 5. 2017"), their day
and month in the order of the language's own short format: "05/06/2017" is the
6th of May in English and the 5th of June in French. A year has four digits (a
two-digit one is too like a version or a section number); the date must exist.
A time may turn 24-hour ("6 p.m." = "18:00" = "18 Uhr") and gain seconds
("20:00" = "20:00:00", CLDR's medium time format).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.dates import get_date_format, get_day_names, get_month_names

from pipeline.text.languages import regional_locales

# A few spaces at most, possessive: a date is short, and a long run of spaces must not make
# every position of it a start that reads to its end.
_SPACE = r"[\s\u00a0\u202f]{0,3}+"
_MARKS = "\u200e\u200f\u061c"  # direction marks CLDR writes in Arabic and Hebrew dates


@dataclass(frozen=True)
class Moment:
    """A date or a clock time found in a text: where, as written, and what it means."""

    start: int
    end: int
    text: str
    value: object  # a datetime.date, or seconds after midnight


# ---------------------------------------------------------------------------
# Times: "6 p.m." = "18:00" = "18 Uhr" = "18h" = "18:00:00"
# ---------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")
_TIME_12 = re.compile(
    r"(?<![\d:.,])(\d{1,2})(?::([0-5]\d)(?::([0-5]\d))?)?\s?([ap])\.?\s?m(?:\.|\b)", re.I
)
_TIME_24 = re.compile(
    r"(?<![\d:.,])(\d{1,2})(?:[:h]([0-5]\d)(?::([0-5]\d))?|\.([0-5]\d)(?=\s?Uhr\b)"
    r"|(?=\s?(?:Uhr|h)\b))(?:\s?(?:Uhr|h)\b)?(?![\d:])"
)


def times(text: str, lang: str = "") -> list[Moment]:
    """Each clock time in ``text``, its value in seconds after midnight."""
    found: list[Moment] = []
    taken: set[int] = set()
    if not _DIGIT.search(text):
        return found
    for match in _TIME_12.finditer(text):
        hour, minute, second = (int(match.group(i) or 0) for i in (1, 2, 3))
        if 1 <= hour <= 12:
            hour = hour % 12 + (12 if match.group(4).lower() == "p" else 0)
            found.append(_moment(match, (hour * 60 + minute) * 60 + second))
            taken.update(range(match.start(), match.end()))
    for match in _TIME_24.finditer(text):
        hour, second = int(match.group(1)), int(match.group(3) or 0)
        minute = int(match.group(2) or match.group(4) or 0)
        if hour <= 24 and match.start() not in taken:
            found.append(_moment(match, (hour % 24 * 60 + minute) * 60 + second))
    return sorted(found, key=lambda moment: moment.start)


def _moment(match: re.Match[str], value: object) -> Moment:
    return Moment(match.start(), match.end(), match.group(), value)


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(
    rf"(?<![\d.,/\-{_MARKS}])(\d{{1,4}})(?P<sep>[{_MARKS}]?(?:\.[ \u00a0]|[./\-])[{_MARKS}]?)"
    r"(\d{1,2})(?P=sep)(\d{1,4})(?!\d|[.,/\-]\d)\.?"
)
_YEAR = re.compile(r"\d{4}")
_FIELD = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.S)


@cache
def _day_first(lang: str) -> bool:
    """Whether ``lang``'s own short date format puts the day before the month."""
    locales = regional_locales(lang)
    pattern = get_date_format("short", locales[0]).pattern if locales else "M/d/y"
    day, month = pattern.find("d"), pattern.find("M")
    return 0 <= day < month or month < 0


def _numeric_dates(text: str, lang: str) -> list[Moment]:
    found = []
    for match in _NUMERIC_DATE.finditer(text):
        first, second, third = match.group(1), match.group(3), match.group(4)
        if len(first) == 4 and len(third) <= 2:
            year, month, day = first, second, third
        elif len(third) == 4 and len(first) <= 2:
            day, month = (first, second) if _day_first(lang) else (second, first)
            year = third
        else:
            continue
        value = _date(year, month, day)
        if value is not None:
            found.append(_moment(match, value))
    return found


def _date(year: str, month: str | int, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Names:
    months: dict[str, int]  # each month name and abbreviation (lower case, no final point)
    patterns: tuple[re.Pattern[str], ...]  # each format of the language with a month name


def _month_names(locales: Iterable[Locale]) -> dict[str, int]:
    names: dict[str, int] = {}
    for locale in locales:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, locale).items():
                    names.setdefault(str(name).lower().rstrip("."), int(number))
    return names


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


@cache
def _names(lang: str) -> _Names:
    locales = regional_locales(lang)
    months = _month_names(locales)
    month_names = _alternatives(months)
    days = _alternatives(
        str(name).lower().rstrip(".")
        for locale in locales
        for width in ("wide", "abbreviated")
        for name in get_day_names(width, "format", locale).values()
    )
    bodies = {
        body
        for locale in locales
        for width in ("medium", "long", "full")
        if (body := _compiled(get_date_format(width, locale).pattern, month_names, days))
    }
    patterns = (re.compile(rf"(?<!\w){body}(?!\w)", re.I) for body in sorted(bodies))
    return _Names(months, tuple(patterns))


def _compiled(pattern: str, months: str, days: str) -> str | None:
    """A CLDR date pattern with a month name as a regular expression; None for any other.

    Spaces may vary and literal punctuation or words ("de", "г.") may be left out.
    """
    parts: list[str] = []
    for token in _FIELD.finditer(pattern):
        text, letter = token.group(), token.group(1)
        if letter:
            field = _field(letter, len(text), months, days)
            if field is None:
                return None
            parts.append(field)
        elif text.startswith("'"):
            literal = text[1:-1].replace("''", "'").strip()
            parts.append(f"(?:{re.escape(literal)}{_SPACE})?" if literal else _SPACE)
        elif text.isspace():
            parts.append("" if parts and parts[-1].endswith(_SPACE) else _SPACE)
        elif text in _MARKS:
            parts.append(f"[{_MARKS}]?")
        else:
            parts.append(f"{re.escape(text)}?")
    body = "".join(parts)
    return body if "(?P<month>" in body and "(?P<day>" in body and "(?P<year>" in body else None


def _field(letter: str, width: int, months: str, days: str) -> str | None:
    if letter == "d" and width <= 2:
        return r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|º)?"
    if letter in "ML" and width >= 3 and months:
        return rf"(?P<month>{months})\.?"
    if letter in "yu" and width != 2:
        return r"(?P<year>\d{4})"
    if letter in "Ec" and days:
        return rf"(?:(?:{days})\.?)?"
    return None  # eras, quarters, weeks, numeric months: not a pattern read here


def _named_dates(text: str, lang: str) -> list[Moment]:
    names = _names(lang)
    found: list[Moment] = []
    taken: set[int] = set()
    for pattern in names.patterns:
        for match in pattern.finditer(text):
            month = names.months.get(match["month"].lower().rstrip("."))
            value = _date(match["year"], month, match["day"]) if month else None
            if value is not None and not taken & set(range(match.start(), match.end())):
                found.append(_moment(match, value))
                taken.update(range(match.start(), match.end()))
    return found


def dates(text: str, lang: str) -> list[Moment]:
    """Each date in ``text`` as ``lang`` writes dates."""
    if not _YEAR.search(text):
        return []
    found = _numeric_dates(text, lang)
    taken = {i for moment in found for i in range(moment.start, moment.end)}
    found += [m for m in _named_dates(text, lang) if not taken & set(range(m.start, m.end))]
    return sorted(found, key=lambda moment: moment.start)


# ---------------------------------------------------------------------------
# Comparing
# ---------------------------------------------------------------------------


def _blank(text: str, moments: Iterable[Moment]) -> str:
    for moment in moments:
        text = text[: moment.start] + " " * (moment.end - moment.start) + text[moment.end :]
    return text


def _paired(
    source: list[Moment], target: list[Moment]
) -> tuple[list[tuple[Moment, Moment]], list[tuple[Moment, Moment]]]:
    """The moments written in both (same value), then the ones changed (paired in order)."""
    same: list[tuple[Moment, Moment]] = []
    unused = list(target)
    left: list[Moment] = []
    for moment in source:
        partner = next((t for t in unused if t.value == moment.value), None)
        if partner is None:
            left.append(moment)
        else:
            unused.remove(partner)
            same.append((moment, partner))
    return same, list(zip(left, unused, strict=False))


Reader = Callable[[str, str], list[Moment]]
_READERS: tuple[tuple[str, Reader], ...] = (("date", dates), ("time", times))


def moment_differences(
    source: str, translation: str, source_lang: str, lang: str
) -> tuple[str, str, list[str]]:
    """Both texts with the dates and times they share blanked out, and one message per one
    changed ("date 2017-05-31 is 31.05.2016 in the translation"), also blanked.

    A date or time only one text has stays as it is: its numbers are compared one by one
    (a "3 h" the source writes "3 hours" is a number, not a time).
    """
    problems: list[str] = []
    for kind, reader in _READERS:
        same, changed = _paired(reader(source, source_lang), reader(translation, lang))
        problems += [f"{kind} {s.text.strip()} is {t.text.strip()} in the translation"
                     for s, t in changed]  # fmt: skip
        source = _blank(source, (s for s, _ in same + changed))
        translation = _blank(translation, (t for _, t in same + changed))
    return source, translation, problems
