"""Numbers a locale writes its own way, which the numbers check reads as the same.

Dates in another locale's pattern, times with seconds, percentages in words, the plural
categories a label names, the dual. Most cases are strings from human-reviewed catalogs
the check was wrong on (pretix, Weblate, django-oscar: ``bench/checks_heldout.py``); each
comes with what must stay an error.
"""

from __future__ import annotations

import pytest

from pipeline.checks.framework import QAContext
from pipeline.checks.qa import check_entry
from pipeline.model import Entry, Severity
from pipeline.text.datetimes import dates
from pipeline.text.numbers import number_differences


def errors(msgid: str, msgstr: str, lang: str) -> list[str]:
    context = QAContext(lang=lang, domain="ui", file="x.po")
    found = check_entry(Entry(msgid=msgid, msgstr=msgstr, lineno=3), context)
    return [f.message for f in found if f.check == "numbers" and f.severity is Severity.ERROR]


@pytest.mark.parametrize(
    "source, translation, lang",
    [
        # The same date in the translation's pattern, or another locale's with its own order.
        ("2017-05-31", "31.05.2017", "de"),
        ("2017-05-31 20:00", "31.05.2017 20:00", "fr"),
        ("2017-05-31", "31/05/2017", "fr"),
        ("2017-05-31", "31. 5. 2017", "cs"),
        ("2017-06-05", "05.06.2017", "de"),
        ("06/05/2017", "05/06/2017", "fr"),
        ("05/31/2017", "31.05.2017", "de"),
        ("May 31, 2017", "31.05.2017", "de"),
        ("2017-05-31", "31 мая 2017 г.", "ru"),
        ("2017-05-31 14:00 – 2017-06-01 14:00, Building A",
         "31 de mayo de 2017, de 14:00 a 1 de junio de 2017, 14:00, Edificio A", "es"),
        ("2017-05-31 10:00 – 12:00, Room 1", "31 مايو 2017 10:00 – 12:00، القاعة 1", "ar"),
        # A time with its seconds (CLDR's medium time format).
        ("2017-05-31 20:00", "2017-05-31 20:00:00", "ru"),
        # A percentage in words, as CLDR's long unit format writes it.
        ("a tax rule with a rate of 0 percent", "une règle fiscale avec un taux de 0 %", "fr"),
        ("a tax rule with a rate of 0 percent", "un regimen fiscal con un tipo del 0%", "es"),
        ("in 5 per cent of cases", "in 5 % der Fälle", "de"),
        ("a rate of 0 percent", "بمعدل 0 في المائة", "ar"),
        # The plural categories a label names, shown by numbers the category holds.
        ("One/two/few/other", "Один/два/2-4/5+", "ru"),
        ("Other/one/two/few", "5+/один/два/2-4", "ru"),
        ("Zero/one/other", "Ноль/один/5+", "ru"),
        # "0.123" is no group of three; "{0}" is a format field, not a number.
        ("e.g: 1234:0.123,4567:0.456", "Z. B.: 1234:0.123,4567:0.456", "de"),
        ("e.g: 1234:0.123,4567:0.456", "Par exemple : 1234:0.123,4567:0.456", "fr"),
        ("Unsupported state: {}", "Estado no admitido: {0}", "es"),
        # A hyphen is no minus sign: "alpha-2" is a count that may be a word.
        ("ISO 3166-1 alpha-2", "ISO 3166-1 двухбуквенный код страны", "ru"),
        # The dual says two; Arabic 3 to 10 without ة go with feminine nouns.
        ("notifications up to 2 days before they occur", "إخطارات قبل وقوعها بيومين", "ar"),
        ("Next 7 days", "الايام السبع القادمة", "ar"),
        ("a dose of 2.5 mg", "eine Dosis von 2,5 mg", "de"),
    ],
)  # fmt: skip
def test_a_number_the_locale_writes_another_way_is_the_same(
    source: str, translation: str, lang: str
) -> None:
    assert errors(source, translation, lang) == []


@pytest.mark.parametrize(
    "source, translation, lang, expected",
    [
        # A changed year, day or time is one finding, whatever the pattern.
        ("2017-05-31", "31.05.2016", "de", "date 2017-05-31 is 31.05.2016 in the translation"),
        ("2017-05-31 20:00", "31.05.2016 20:00", "fr",
         "date 2017-05-31 is 31.05.2016 in the translation"),
        ("2017-05-31", "30 mai 2017", "fr", "date 2017-05-31 is 30 mai 2017 in the translation"),
        ("2017-05-31 14:00", "31.05.2017 15:00", "de", "time 14:00 is 15:00 in the translation"),
        # Day and month read in the translation's order: German reads the 6th of May.
        ("2017-06-05", "06.05.2017", "de", "date 2017-06-05 is 06.05.2017 in the translation"),
        # Copied as it is, a US date is another date in French.
        ("06/05/2017", "06/05/2017", "fr", "date 06/05/2017 is 06/05/2017 in the translation"),
        # A percentage in words changed, or a number beside it.
        ("in 5 percent of cases", "dans 50 % des cas", "fr",
         "number 5 percent is 50 % in the translation"),
        # A number no named category holds, or a label that names no category.
        ("One/few", "Один/5+", "ru", "number 5 is not in the source"),
        ("One/few/other", "Один/7/5+", "ru", "number 7 is not in the source"),
        ("Read/Write", "Lire/2", "fr", "number 2 is not in the source"),
        # No dual without a word in the dual, and never for a dose.
        ("Take 2 tablets", "تناول أقراص", "ar", "number 2 is missing"),
        ("Take 2 mg", "تناول ملغين", "ar", "number 2 is missing"),
        ("Take 2 tablets", "Prenez des comprimés", "fr", "number 2 is missing"),
        # Separators read as the language reads them, format fields or not.
        ("a dose of 2.5 mg", "une dose de 2.500 mg", "fr",
         "number 2.5 is 2.500 in the translation"),
        ("between $50 and $30,000", "entre $50 y $30,000", "es",
         "number 30,000 is 30,000 in the translation"),
        ("Take {count} tablets, at most 4", "Prenez {count} comprimés, au plus 5", "fr",
         "number 4 is 5 in the translation"),
        ("Position #{posid} created", "Position #{posid}1 créée", "fr",
         "number 1 is not in the source"),
    ],
)  # fmt: skip
def test_a_changed_date_time_dose_or_percentage_is_still_an_error(
    source: str, translation: str, lang: str, expected: str
) -> None:
    assert errors(source, translation, lang) == [expected]


def test_the_day_and_month_of_a_numeric_date_follow_the_language_s_own_order() -> None:
    assert [str(d.value) for d in dates("05/06/2017", "en")] == ["2017-05-06"]
    assert [str(d.value) for d in dates("05/06/2017", "fr")] == ["2017-06-05"]
    # Not a date: a version, an address, a two-digit year, a day that does not exist.
    assert dates("version 1.2.3, 10.0.0.1, 31.05.17, 31.02.2017", "de") == []


def test_a_plural_form_keeps_its_other_rules() -> None:
    # The singular form may drop its 1; a changed date in it is still a changed date.
    assert number_differences(
        "Delete 1 event on 2017-05-31", "Удалить мероприятие 31.05.2016", "en", "ru",
        singular=True,
    ) == ["date 2017-05-31 is 31.05.2016 in the translation"]  # fmt: skip
