"""The entry checks a real project gates on: numbers that change form, tags, URLs, variables.

Each case is a string from a real reviewed catalog (Django, Wagtail, allauth, Sphinx) that
the checks used to get wrong, or a safety case they must still catch.
"""

from __future__ import annotations

import pytest

from pipeline.checks.framework import QAContext
from pipeline.checks.qa import check_entry
from pipeline.model import Entry, Finding, Severity
from pipeline.text.numbers import number_differences


def findings(msgid: str, msgstr: str, lang: str, **kwargs: object) -> list[Finding]:
    context = QAContext(lang=lang, domain="ui", file="x.po", **kwargs)  # type: ignore[arg-type]
    return check_entry(Entry(msgid=msgid, msgstr=msgstr, lineno=3), context)


def errors(msgid: str, msgstr: str, lang: str, check: str, **kwargs: object) -> list[str]:
    return [
        f.message
        for f in findings(msgid, msgstr, lang, **kwargs)
        if f.check == check and f.severity is Severity.ERROR
    ]


# -- numbers that change form where the locale says so -----------------------------------


@pytest.mark.parametrize(
    "source, translation, lang",
    [
        ("6 p.m.", "18 Uhr", "de"),
        ("6 p.m.", "18:00", "fr"),
        ("6 a.m.", "6:00", "fr"),
        ("Opening hours 9:30 a.m. to 5 p.m.", "Horario de 9:30 a 17:00", "es"),
        ("Past 7 days", "الأيام السبعة الماضية", "ar"),
        ("0 of %(cnt)s selected", "لا شيء محدد من %(cnt)s", "ar"),
        ("One-to-one relationship", "1:1-Beziehung", "de"),
        ("This page has one child page", "Cette page a 1 sous-page", "fr"),
        ("Moved down 1 place.", "Descendre d'une position.", "fr"),
        ("Move 1 page", "Переместить одну страницу", "ru"),
        ("4 column based index found.", "Найден четырёхстолбцовый индекс.", "ru"),
        ("Wagtail API v2", "واجهة برمجة تطبيقات Wagtail الإصدار الثاني", "ar"),
        ("Python 2.5.1 and 3.0", "Python 2.5.1 y 3.0", "es"),
        ("a dose of 2.5 mg", "eine Dosis von 2.5 mg", "de"),
        ("from 20,000 Euro", "à partir de 20\u202f000 euros", "fr"),
    ],
)
def test_numbers_that_change_form_are_understood(source: str, translation: str, lang: str) -> None:
    assert errors(source, translation, lang, "numbers") == []


@pytest.mark.parametrize(
    "source, translation, lang, expected",
    [
        # A misread separator is a dose error: French reads neither "." as its own.
        ("a dose of 2.5 mg", "une dose de 2.500 mg", "fr", "number 2.5 is 2.500 in the"),
        ("20 patients", "20.000 patients", "fr", "number 20 is 20.000 in the translation"),
        ("a dose of 2.5 mg", "eine Dosis von 2.500 mg", "de", "number 2.5 is 2.500 in the"),
        ("from 20,000 Euro", "à partir de 20,000 euros", "fr", "number 20,000 is 20,000 in the"),
        # A dose, a price, a percentage or a range never becomes a word.
        ("Take 2 mg daily", "Prenez deux mg par jour", "fr", "number 2 is missing"),
        ("It costs 5 €", "Es kostet fünf €", "de", "number 5 is missing"),
        ("in 7% of cases", "в семи процентах случаев", "ru", "number 7% is missing"),
        ("2–3 days", "zwei bis drei Tage", "de", "number 2 is missing"),
        # A wrong 24-hour time is still a wrong time.
        ("6 p.m.", "6:00", "fr", "time 6 p.m. is 6:00 in the translation"),
        ("Complete remission in 70–90% of patients.", "Полная ремиссия у 70–80 % пациентов.", "ru",
         "number 90% is 80 % in the translation"),
    ],
)  # fmt: skip
def test_a_changed_dose_price_percentage_or_range_is_still_an_error(
    source: str, translation: str, lang: str, expected: str
) -> None:
    assert any(m.startswith(expected) for m in errors(source, translation, lang, "numbers"))


def test_a_changed_number_is_one_finding() -> None:
    assert errors("e.g. +1 for the US", "z. B. +49 für Deutschland", "de", "numbers") == [
        "number 1 is 49 in the translation"
    ]


def test_the_singular_form_of_a_plural_message_may_say_one_by_its_grammar() -> None:
    entry = Entry(
        msgid="Delete 1 user",
        msgid_plural="Delete %(counter)s users",
        msgstr_plural={0: "Удалить пользователя", 1: "Удалить %(counter)s пользователей",
                       2: "Удалить %(counter)s пользователей"},
    )  # fmt: skip
    found = check_entry(entry, QAContext(lang="ru", domain="ui", file="x.po"))
    assert [f.message for f in found if f.check == "numbers"] == []
    assert number_differences("Delete 1 user", "Удалить пользователя", "en", "ru") == [
        "number 1 is missing"
    ]


def test_a_stray_digit_before_a_variable_is_caught() -> None:
    assert errors("user %(id)s (deleted)", "пользователь 1%(id)s (удален)", "ru", "numbers") == [
        "number 1 is not in the source"
    ]


# -- inline HTML -------------------------------------------------------------------------


def test_an_allowed_inline_tag_passes_and_others_are_one_finding_each() -> None:
    assert errors("{}th", "{}<sup>e</sup>", "fr", "markup", inline_tags=frozenset({"sup"})) == []
    assert errors("{}th", "{}<sup>e</sup>", "fr", "markup") == ["raw HTML “<sup>” is not allowed"]
    assert errors("x", "<script>alert(1)</script> y", "de", "markup") == [
        "raw HTML “<script>” is not allowed"
    ]
    # An allowed tag with an attribute is not the bare tag the project allows.
    added = errors(
        "{}th", '{}<sup onclick="x()">e</sup>', "fr", "markup", inline_tags=frozenset({"sup"})
    )
    assert added and "not allowed" in added[0]


def test_a_changed_href_is_reported_as_a_changed_link() -> None:
    source = 'View <a href="https://docs.djangoproject.com/en/%(version)s/releases/">notes</a>'
    translation = 'Afficher les <a href="https://docs.example.fr/%(version)s/releases/">notes</a>'
    assert errors(source, translation, "fr", "markup") == [
        "link https://docs.djangoproject.com/en/%(version)s/releases/ is "
        "https://docs.example.fr/%(version)s/releases/ in the translation"
    ]


DOCS = "https://docs.djangoproject.com/en/%(version)s/releases/"


@pytest.mark.parametrize(
    "source, translation",
    [
        (
            f'View <a href="{DOCS}" rel="noopener">notes</a>',
            'Afficher les <a href="{}" rel="noopener">notes</a>',
        ),
        (f"See [the notes]({DOCS}).", "Voir [les notes]({})."),
        (f"See {DOCS} and <{DOCS}>.", "Voir {} et <{}>."),
    ],
)
def test_a_link_to_the_same_page_in_the_translations_language_is_a_warning(
    source: str, translation: str
) -> None:
    localized = DOCS.replace("/en/", "/fr/")
    found = findings(source, translation.format(localized, localized), "fr")
    assert [f.severity for f in found if f.check == "markup"] != []
    assert all(f.severity is Severity.WARNING for f in found if f.check == "markup"), found
    assert any("is localized: https://docs.djangoproject.com/fr/" in f.message for f in found)
    # Anything else is a changed link: another host, a third language, another page, a query.
    for moved in (
        localized.replace("docs.djangoproject.com", "docs.djangoproject.com.evil.example"),
        DOCS.replace("/en/", "/de/"),
        localized.replace("releases/", "security/"),
        localized + "?next=https://evil.example/",
        localized.replace("https://", "http://"),
    ):
        assert errors(source, translation.format(moved, moved), "fr", "markup"), moved
    # A region is allowed on either side; the language itself must be the catalog's.
    region = DOCS.replace("/en/", "/fr-ca/")
    assert errors(source, translation.format(region, region), "fr_CA", "markup") == []


def test_tag_attributes_are_compared() -> None:
    source = 'Why not <a class="c" href="#new" data-action="w-tabs#select">create one</a>?'
    translation = 'Warum nicht <a class="c" href="#new" data-tab-trigger>neu erstellen</a>?'
    assert errors(source, translation, "de", "markup") == [
        "HTML tag <a> has other attributes than the source: "
        "added data-tab-trigger; lost data-action"
    ]


def test_a_lost_closing_tag_is_an_error_a_lost_emphasis_a_warning() -> None:
    source = 'Check out the <a href="%(link)s">Guide</a> now, <em>including</em> typos.'
    lost_close = 'Sehen Sie sich den <a href="%(link)s">Leitfaden an, inklusive Tippfehler.'
    assert errors(source, lost_close, "de", "markup") == ["HTML tag “</a>” is missing"]
    kept_link = 'Sehen Sie sich den <a href="%(link)s">Leitfaden</a> an, inklusive Tippfehler.'
    found = findings(source, kept_link, "de")
    assert [(f.severity, f.message) for f in found if f.check == "markup"] == [
        (Severity.WARNING, "HTML tag “<em>” is missing")
    ]


def test_text_in_angle_brackets_is_no_tag() -> None:
    assert errors("<<original entry>>", "<<entrée originale>>", "fr", "markup") == []


# -- URLs --------------------------------------------------------------------------------


def test_a_url_broken_by_a_space_or_removed_is_caught() -> None:
    source = "A full URL starting with a scheme such as “https://”."
    assert errors(source, "Una URL completa que empiece con un esquema como \"https: //\".", "es",
                  "markup") == ["URL “https: //” is broken by a space"]  # fmt: skip
    assert errors("Read https://example.org/guide first.", "Lisez d'abord le guide.", "fr",
                  "markup") == ["URL https://example.org/guide is missing"]  # fmt: skip


def test_trailing_quotes_and_punctuation_stay_outside_a_url() -> None:
    source = "Report it at https://github.com/sphinx-doc/sphinx/issues/13665 if needed."
    translation = "Signalez-le à l'adresse «https://github.com/sphinx-doc/sphinx/issues/13665»."
    assert errors(source, translation, "fr", "markup") == []


# -- placeholders and variables ------------------------------------------------------------


def test_placeholders_are_compared_as_sets() -> None:
    source = "The {name} “{obj}” was added successfully. You may add another {name} below."
    assert errors(source, "{name} „{obj}“ wurde erfolgreich hinzugefügt.", "de", "markup") == []
    assert errors(source, "„{obj}“ wurde hinzugefügt.", "de", "markup") == [
        "placeholder {name} is missing"
    ]


def test_printf_and_brace_variables_are_checked() -> None:
    assert errors("%s of %s", "%s", "de", "markup") == ["variable %s is missing"]
    assert errors("Import finished: {} new, {} updated", "Import: {} neu", "de", "markup") == [
        "variable {} is missing"
    ]
    assert errors("%(count)s items", "%(number)s Elemente", "de", "markup") == [
        "placeholder %(count)s is missing",
        "placeholder %(number)s is not in the source",
    ]
    # "% d" is a percent sign before a word, not a variable.
    assert errors("in 50% of cases", "dans 50 % des cas", "fr", "markup") == []


def test_a_translation_may_number_the_automatic_brace_fields() -> None:
    # Weblate's Russian and Spanish catalogs: "{}" written "{0}", the same to str.format.
    assert errors("Unsupported state: {}", "Неподдерживаемое состояние: {0}", "ru", "markup") == []
    assert errors("{} of {}", "{1} из {0}", "ru", "markup") == []
    assert errors("{:.2f} mg", "{0:.2f} mg", "de", "markup") == []
    # Numbered, they must still be the source's fields, each of them.
    assert errors("{} of {}", "{0} из {0}", "ru", "markup") == [
        "placeholder {0} is not in the source",
        "variable {} is missing",
    ]
    assert errors("{} of {}", "{0} из {2}", "ru", "markup") != []


def test_a_plural_form_for_many_numbers_needs_the_count_one_for_a_single_number_does_not() -> None:
    entry = Entry(
        msgid="Moved down 1 place.",
        msgid_plural="Moved down %(counter)s places.",
        msgstr_plural={0: "Перемещён на 1 позицию вниз.", 1: "Перемещён на %(counter)s позиции.",
                       2: "Перемещён на %(counter)s позиций."},
    )  # fmt: skip
    found = check_entry(entry, QAContext(lang="ru", domain="ui", file="x.po"))
    # Russian shows form 0 for 1, 21, 31…: "21" would read "1".
    assert [f.message for f in found if f.check == "markup"] == [
        "placeholder %(counter)s is missing"
    ]
    entry.msgstr_plural = {0: "Descendre d'une position.", 1: "Descendre de %(counter)s positions."}
    found = check_entry(entry, QAContext(lang="fr", domain="ui", file="x.po"))
    assert [f.message for f in found if f.check in ("markup", "numbers")] == []


def test_tex_quotes_are_not_code_spans() -> None:
    source = "The config value `{name}' has type `{current.__name__}'; expected {permitted}."
    translation = (
        "Значение настройки `{name}' имеет тип `{current.__name__}'; ожидается {permitted}."
    )
    assert [f.message for f in findings(source, translation, "ru") if f.check == "markup"] == []
    french = "Le type du paramètre « {name} » doit être {permitted} et non « {current.__name__} »."
    assert errors(source, french, "fr", "markup") == []


def test_a_function_name_is_code() -> None:
    source = "%(ct_name)s objects don’t have a get_absolute_url() method"
    translation = "%(ct_name)s Objekte haben keine get_absolute_url ()-Methode"
    assert errors(source, translation, "de", "markup") == ["code get_absolute_url() is missing"]


# -- screening shared with the build ------------------------------------------------------


@pytest.mark.parametrize(
    "translation, check, expected",
    [
        ("Стоимость \u202eзависит от протокола.", "invisible", "U+202E (a bidi control)"),
        ("Стоимость\x00 зависит от протокола.", "invisible", "U+0000 (a control character)"),
        ("Стоимость зависит от протокола. " * 40, "markup", "characters for a 33-character"),
        ("Стоимость {{ config }} зависит.", "markup", "template syntax '{{'"),
    ],
)
def test_check_fails_what_the_build_refuses(translation: str, check: str, expected: str) -> None:
    found = errors("The cost depends on the protocol.", translation, "ru", check)
    assert any(expected in message for message in found), found


def test_an_arabic_embedding_mark_is_typography_not_an_attack() -> None:
    assert errors("Warning:", "تحذير\u202a:", "ar", "markup") == []
    assert errors("Warning:", "تحذير\u202a:", "ar", "invisible") == []


# -- language -------------------------------------------------------------------------------


def test_the_english_source_left_in_a_language_of_another_script_is_an_error() -> None:
    assert errors("Delete 1 image", "Delete 1 image", "ar", "language") == [
        "translation is the English source, not Arabic"
    ]
    assert errors("Wagtail", "Wagtail", "ar", "language") == []
    assert errors("Common Weakness Enumeration; CWE %s", "Common Weakness Enumeration; CWE %s",
                  "ru", "language") == []  # fmt: skip


# -- look-alike letters ------------------------------------------------------------------


@pytest.mark.parametrize(
    "source, translation",
    [
        (
            "Already have an account? Then please %(link)ssign in%(end_link)s.",
            "Уже есть аккаунт? Тогда %(link)sВойдите%(end_link)s.",
        ),
        ("Used %(usage_count)s time", "Использовано %(usage_count)sраз"),
        (
            "%(num_pages)d pages and %(num_others)d others",
            "%(num_pages)d страниц и %(num_others)dдругих",
        ),
    ],
)
def test_a_format_variable_touching_a_word_is_no_look_alike_letter(
    source: str, translation: str
) -> None:
    assert errors(source, translation, "ru", "lookalike") == []


def test_a_latin_letter_in_a_cyrillic_word_is_still_caught() -> None:
    # Wagtail's Russian catalog: "Cтраницы" begins with a Latin C.
    assert errors("Page/Snippet ID", "ID Cтраницы/сниппета", "ru", "lookalike") == [
        "“Cтраницы” mixes Latin, Cyrillic or Greek look-alike letters or holds a zero-width joiner"
    ]
    assert errors("%(count)s pages", "%(count)sСАR-T-терапия", "ru", "lookalike")
