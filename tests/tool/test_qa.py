"""Per-entry translation checks and catalog validity, on realistic strings in several scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.checks.framework import QAContext
from pipeline.checks.headers import check_header, check_plurals
from pipeline.checks.langid import LanguageIdentifier, identifier
from pipeline.checks.msgfmt import run_msgfmt
from pipeline.checks.qa import CHECK_NAMES, check_entry
from pipeline.model import Entry, Severity
from pipeline.text.glossary import Glossary
from pipeline.text.numbers import numbers_in

LANGS = ("en", "ru", "de", "es", "ar", "fr", "uk", "zh")


def context(lang: str, **kwargs: object) -> QAContext:
    return QAContext(lang=lang, domain="cost", file="locales/x.po", **kwargs)  # type: ignore[arg-type]


def messages(
    check: str, msgid: str, msgstr: str, lang: str, *, flags: tuple[str, ...] = (), **kwargs: object
) -> list[str]:
    entry = Entry(msgid=msgid, msgstr=msgstr, flags=list(flags), lineno=7)
    findings = check_entry(entry, context(lang, **kwargs))
    assert all(f.line == 7 and f.lang == lang and f.file == "locales/x.po" for f in findings)
    return [f.message for f in findings if f.check == check]


# -- markup ---------------------------------------------------------------


def test_markup_same_links_emphasis_and_placeholders_pass() -> None:
    source = "See **[the cost page](cost.md)** — from {cost_from}, `CAR-T`."
    assert (
        messages(
            "markup",
            source,
            "Siehe **[die Kostenseite](cost.md)** — ab {cost_from}, `CAR-T`.",
            "de",
        )
        == []
    )
    assert (
        messages(
            "markup",
            source,
            "Смотрите **[страницу стоимости](cost.md)** — от {cost_from}, `CAR-T`.",
            "ru",
        )
        == []
    )
    assert (
        messages(
            "markup", source, "انظر **[صفحة التكلفة](cost.md)** — من {cost_from}، `CAR-T`.", "ar"
        )
        == []
    )


def test_markup_changed_link_target_placeholder_and_bold_fail() -> None:
    found = messages(
        "markup",
        "See **[the cost page](cost.md)** from {cost_from}.",
        "Siehe [die Kostenseite](kosten.md) ab {kosten}.",
        "de",
    )
    assert "link target cost.md is missing" in found
    assert "link target kosten.md is not in the source" in found
    assert "placeholder {cost_from} is missing" in found
    assert "placeholder {kosten} is not in the source" in found
    assert any(m.startswith("bold used 0 time(s)") for m in found)


@pytest.mark.parametrize(
    "msgstr, expected",
    [
        ("Стоимость зависит от протокола. <script>alert(1)</script>", "raw HTML"),
        ("Стоимость зависит от протокола <img src=x onerror=alert(1)", "raw HTML"),
        ("Стоимость зависит от [протокола](javascript:alert(1)).", "unsafe link"),
        ("Стоимость зависит от [протокола](data:text/html;base64,PHNjcmlwdD4=).", "unsafe link"),
        (
            "Стоимость зависит от протокола, см. https://evil.example/buy",
            "URL https://evil.example/buy",
        ),
        ("Стоимость зависит от протокола <https://evil.example>.", "autolink"),
    ],
)
def test_markup_added_html_url_or_script_link_is_an_error(msgstr: str, expected: str) -> None:
    entry = Entry(msgid="The cost depends on the protocol.", msgstr=msgstr, lineno=3)
    findings = [f for f in check_entry(entry, context("ru")) if f.check == "markup"]
    assert any(expected in f.message for f in findings), findings
    assert all(f.severity is Severity.ERROR for f in findings)


# -- numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    "lang, msgstr",
    [
        ("es", "Remisión completa en el 70-90 % de los pacientes."),
        ("fr", "Rémission complète chez 70–90\u202f% des patients."),
        ("fr", "Rémission complète chez 70\u00a0%–90\u00a0% des patients."),
        ("de", "Vollständige Remission bei 70–90 % der Patienten."),
        ("ar", "هدأة كاملة لدى ٧٠–٩٠٪ من المرضى."),
        ("zh", "70–90%的患者完全缓解。"),
    ],
)
def test_numbers_same_range_written_the_local_way(lang: str, msgstr: str) -> None:
    assert messages("numbers", "Complete remission in 70–90% of patients.", msgstr, lang) == []


def test_numbers_changed_range_is_an_error() -> None:
    found = messages(
        "numbers",
        "Complete remission in 70–90% of patients.",
        "Полная ремиссия у 70–80 % пациентов.",
        "ru",
    )
    assert found == ["number 90% is missing", "number 80 % is not in the source"]


@pytest.mark.parametrize(
    "lang, msgstr, ok",
    [
        ("de", "ab 20.000 Euro", True),
        ("ru", "от 20 000 евро", True),
        ("fr", "à partir de 20\u202f000 euros", True),
        ("es", "desde 20.000 euros", True),
        ("ar", "ابتداءً من ٢٠٠٠٠ يورو", True),
        ("ar", "ابتداءً من ٢٠٠٠ يورو", False),
        ("de", "ab 2.000 Euro", False),
        ("ru", "от 200 000 евро", False),
    ],
)
def test_numbers_same_value_with_group_separators(lang: str, msgstr: str, ok: bool) -> None:
    assert (messages("numbers", "from 20000 Euro", msgstr, lang) == []) is ok


def test_numbers_decimal_comma_is_the_same_dose_but_a_lost_point_is_not() -> None:
    assert messages("numbers", "a dose of 1.5 mg/kg", "eine Dosis von 1,5 mg/kg", "de") == []
    assert messages("numbers", "a dose of 1.5 mg/kg", "eine Dosis von 15 mg/kg", "de") != []
    assert [n.percent for n in numbers_in("70–90%", "en")] == [True, True]


# -- terms ----------------------------------------------------------------


@pytest.fixture(scope="module")
def glossary(tmp_path_factory: pytest.TempPathFactory) -> Glossary:
    path = tmp_path_factory.mktemp("glossary") / "glossary.csv"
    path.write_text(
        "term,dnt,ru,de,es,ar,fr,note\n"
        "CAR-T,yes,,,,,,\n"
        "stem cell therapy,,терапия стволовыми клетками,Stammzelltherapie,"
        "terapia con células madre,"
        "العلاج بالخلايا الجذعية,thérapie par cellules souches,\n",
        encoding="utf-8",
    )
    return Glossary.load(path)


def test_terms_do_not_translate_missing_is_an_error(glossary: Glossary) -> None:
    entry = Entry(msgid="CAR-T therapy is safe.", msgstr="Терапия КАР-Т безопасна.", lineno=1)
    findings = [
        f for f in check_entry(entry, context("ru", glossary=glossary)) if f.check == "terms"
    ]
    assert [(f.severity, f.message) for f in findings] == [
        (Severity.ERROR, "do-not-translate term “CAR-T” is missing")
    ]
    entry.msgstr = "Терапия CAR-T безопасна."
    assert not [
        f for f in check_entry(entry, context("ru", glossary=glossary)) if f.check == "terms"
    ]


def test_terms_glossary_translation_not_used_is_a_warning(glossary: Glossary) -> None:
    source = "Stem cell therapy restores immunity."
    entry = Entry(msgid=source, msgstr="Die Stammzellbehandlung stellt die Immunität wieder her.")
    findings = [
        f for f in check_entry(entry, context("de", glossary=glossary)) if f.check == "terms"
    ]
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "Stammzelltherapie" in findings[0].message
    assert (
        messages("terms", source, "العلاج بالخلايا الجذعية يعيد المناعة.", "ar", glossary=glossary)
        == []
    )


# -- language ---------------------------------------------------------------


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return identifier(LANGS)


def test_language_english_left_in_german_entry(ident: LanguageIdentifier) -> None:
    source = "Stem cell therapy is particularly effective in these cases."
    found = messages("language", source, source, "de", identifier=ident)
    assert found and found[0].startswith("translation is English (")
    assert found[0].endswith("expected German")
    german = "Die Stammzelltherapie ist in diesen Fällen besonders wirksam."
    assert messages("language", source, german, "de", identifier=ident) == []


def test_language_russian_pasted_into_ukrainian(ident: LanguageIdentifier) -> None:
    source = "Hospitalization is usually required for the infusion and close monitoring."
    russian = "Госпитализация обычно требуется для инфузии и тщательного наблюдения за пациентом."
    ukrainian = (
        "Госпіталізація зазвичай потрібна для інфузії та ретельного спостереження за пацієнтом."
    )
    assert messages("language", source, russian, "uk", identifier=ident)[0].startswith(
        "translation is Russian"
    )
    assert messages("language", source, ukrainian, "uk", identifier=ident) == []
    assert (
        messages(
            "language",
            source,
            "هذا العلاج آمن عموماً عند إجرائه في مراكز متخصصة.",
            "ar",
            identifier=ident,
        )
        == []
    )


def test_language_short_strings_are_not_judged(ident: LanguageIdentifier) -> None:
    assert messages("language", "Cost", "Kosten", "ru", identifier=ident) == []


# -- unchanged ------------------------------------------------------------------


def test_unchanged_prose_warns_but_names_numbers_and_urls_do_not() -> None:
    source = "Multiple trial protocols, usually 1–2 infusions"
    assert messages("unchanged", source, source, "fr") == ["translation is identical to the source"]
    for allowed in (
        "CD19",
        "CD33 / CD123",
        "20000",
        "https://www.nejm.org/doi/full/10.1056/NEJMoa1707447",
        "Novartis",
        "{cost_from}",
    ):
        assert messages("unchanged", allowed, allowed, "de") == [], allowed


# -- whitespace, double-space, punctuation, length ----------------------------


def test_whitespace() -> None:
    assert messages("whitespace", "Cost overview", "Обзор стоимости ", "ru") == [
        "trailing whitespace differs from the source"
    ]
    assert messages("whitespace", "Cost overview", "Обзор стоимости", "ru") == []


def test_double_space() -> None:
    assert messages("double-space", "Cost overview", "Vue d’ensemble  des coûts", "fr") == [
        "two spaces in a row"
    ]
    assert messages("double-space", "Cost overview", "Vue d’ensemble des coûts", "fr") == []


@pytest.mark.parametrize(
    "lang, msgstr",
    [
        ("ar", "هل العلاج بالخلايا CAR-T آمن؟"),
        ("es", "¿Es segura la terapia CAR-T?"),
        ("fr", "La thérapie CAR-T est-elle sûre\u202f?"),
        ("fr", "La thérapie CAR-T est-elle sûre ?"),
        ("zh", "CAR-T疗法安全吗？"),
        ("ru", "Безопасна ли CAR-T-терапия?"),
    ],
)
def test_punctuation_locale_equivalents_pass(lang: str, msgstr: str) -> None:
    assert messages("punctuation", "Is CAR-T therapy safe?", msgstr, lang) == []


def test_punctuation_mismatch_warns() -> None:
    assert messages("punctuation", "Is CAR-T therapy safe?", "CAR-T疗法是安全的。", "zh") == [
        "translation ends with a full stop, the source with a question mark"
    ]
    assert messages("punctuation", "Cells regenerate.", "Клетки регенерируют", "ru") == [
        "translation does not end with a full stop like the source"
    ]
    assert (
        messages(
            "punctuation",
            "**Immune Microenvironment Reset.**",
            "**إعادة ضبط البيئة المناعية.**",
            "ar",
        )
        == []
    )


def test_punctuation_abbreviation_is_not_a_full_stop() -> None:
    source = "Solid Tumors (breast, lung, pancreatic, etc.)"
    assert (
        messages("punctuation", source, "الأورام الصلبة (الثدي، الرئة، البنكرياس، وغيرها)", "ar")
        == []
    )
    assert (
        messages(
            "punctuation", source, "Solide Tumoren (Brust, Lunge, Bauchspeicheldrüse usw.)", "de"
        )
        == []
    )


def test_length() -> None:
    source = "Stem cell therapy is particularly effective in these cases."
    assert messages("length", source, "Wirksam.", "de") != []
    assert (
        messages(
            "length", source, "Die Stammzelltherapie ist in diesen Fällen besonders wirksam.", "de"
        )
        == []
    )
    assert messages("length", source, "干细胞疗法在这些情况下特别有效。", "zh") == []


# -- provenance, required-fragment ---------------------------------------------


def provenance(comments: list[str], flags: list[str], mt_policy: bool = True) -> list[str]:
    entry = Entry(
        msgid="Cells regenerate the immune system.",
        msgstr="Клетки восстанавливают иммунную систему.",
        translator_comments=comments,
        flags=flags,
    )
    return [
        f.message
        for f in check_entry(entry, context("ru", mt_policy=mt_policy))
        if f.check == "provenance"
    ]


def test_provenance_machine_translation_without_review_is_an_error() -> None:
    assert provenance(["suggestion: machine 100% from mt:libre, 2026-11-27"], []) != []
    assert provenance(["machine translation (libre, 2026-11-27)"], []) != []


def test_provenance_passes_when_fuzzy_reviewed_human_or_policy_off() -> None:
    machine = "suggestion: machine 100% from mt:libre, 2026-11-27"
    assert provenance([machine], ["fuzzy"]) == []
    assert provenance([machine, "reviewed"], []) == []
    assert provenance([machine, "reviewed by the l10n-pipeline project team, 2026-11-28"], []) == []
    assert provenance(["suggestion: exact 100% from human"], []) == []
    assert provenance([machine], [], mt_policy=False) == []


def test_required_fragment() -> None:
    fragment = "комбинированные протоколы"
    entry = Entry(
        msgid="Combined protocols usually cost more.",
        msgstr="Комбинированные схемы обычно дороже.",
        translator_comments=[f"keep: {fragment}"],
    )
    found = [f for f in check_entry(entry, context("ru")) if f.check == "required-fragment"]
    assert [f.severity for f in found] == [Severity.WARNING]
    entry.msgstr = "Как правило, комбинированные протоколы обычно дороже."
    assert not [f for f in check_entry(entry, context("ru")) if f.check == "required-fragment"]


# -- silencing ----------------------------------------------------------------------


def test_ignore_flag_and_disable_silence_one_check() -> None:
    source, msgstr = "Response in 70–90% of cases", "Ответ в 70–90 % случаев."
    assert messages("punctuation", source, msgstr, "ru") != []
    assert messages("punctuation", source, msgstr, "ru", flags=("ignore-punctuation",)) == []
    assert messages("ignore-refused", source, msgstr, "ru", flags=("ignore-punctuation",)) == []
    assert messages("punctuation", source, msgstr, "ru", disabled=frozenset({"punctuation"})) == []
    assert len(CHECK_NAMES) == len(set(CHECK_NAMES))


def test_the_project_may_disable_a_safety_check_but_a_translator_may_not() -> None:
    source, msgstr = "HER2-positive breast cancer.", "HER3-положительный рак молочной железы."
    assert messages("numbers", source, msgstr, "ru", disabled=frozenset({"numbers"})) == []
    found = check_entry(
        Entry(msgid=source, msgstr=msgstr, flags=["ignore-numbers"], lineno=7), context("ru")
    )
    assert [(f.severity, f.message) for f in found if f.check == "numbers"] == [
        (Severity.ERROR, "number 2 is missing"),
        (Severity.ERROR, "number 3 is not in the source"),
    ]
    refused = [f for f in found if f.check == "ignore-refused"]
    assert [(f.severity, f.message) for f in refused] == [
        (Severity.WARNING, "ignore-numbers cannot silence a safety check")
    ]


@pytest.mark.parametrize(
    "check, msgstr, comments",
    [
        ("markup", "Смотрите [страницу](https://evil.example/).", []),
        ("provenance", "Смотрите страницу.", ["machine translation (libre)"]),
    ],
)
def test_markup_and_provenance_cannot_be_silenced_per_entry(
    check: str, msgstr: str, comments: list[str]
) -> None:
    entry = Entry(
        msgid="See the page.",
        msgstr=msgstr,
        translator_comments=comments,
        flags=[f"ignore-{check}"],
        lineno=4,
    )
    found = check_entry(entry, context("ru"))
    assert any(f.check == check and f.severity is Severity.ERROR for f in found), found
    assert any(f.check == "ignore-refused" for f in found)


def test_ignore_terms_silences_a_glossary_warning_not_a_do_not_translate_term(
    glossary: Glossary,
) -> None:
    source = "CAR-T and stem cell therapy."
    wrong_term = "CAR-T и лечение стволовыми клетками."
    assert messages("terms", source, wrong_term, "ru", glossary=glossary) != []
    flags = ("ignore-terms",)
    assert messages("terms", source, wrong_term, "ru", flags=flags, glossary=glossary) == []
    assert (
        messages("ignore-refused", source, wrong_term, "ru", flags=flags, glossary=glossary) == []
    )
    dropped = "CAR-Т и терапия стволовыми клетками."  # Cyrillic Т: not the term
    assert messages("terms", source, dropped, "ru", flags=flags, glossary=glossary) == [
        "do-not-translate term “CAR-T” is missing"
    ]
    assert messages("ignore-refused", source, dropped, "ru", flags=flags, glossary=glossary) == [
        "ignore-terms cannot silence a safety check"
    ]


def test_link_title_change_is_a_markup_error_as_the_renderer_says() -> None:
    from pipeline.site.choose import unsafe_translation

    source = 'See [the page](cost.md "Cost").'
    msgstr = 'Siehe [die Seite](cost.md "x\\" onmouseover=\\"alert(1)").'
    assert unsafe_translation(source, msgstr)
    assert messages("markup", source, msgstr, "de") != []


def test_plural_forms_are_checked_each() -> None:
    entry = Entry(
        msgid="{count} infusion",
        msgid_plural="{count} infusions",
        msgstr_plural={0: "{count} инфузия", 1: "{count} инфузии", 2: "{n} инфузий"},
    )
    found = [f.message for f in check_entry(entry, context("ru")) if f.check == "markup"]
    assert found == ["placeholder {count} is missing", "placeholder {n} is not in the source"]


# -- catalog validity ------------------------------------------------------------------


def test_header_and_plurals() -> None:
    findings, nplurals = check_header(
        {"Content-Type": "text/plain; charset=UTF-8", "Language": "ru",
         "Plural-Forms": "nplurals=3; plural=(n%10==1 ? 0 : 1);"},
        "ru", "x.po", 1, "cost",
    )  # fmt: skip
    assert findings == [] and nplurals == 3
    findings, nplurals = check_header(
        {"Content-Type": "text/plain", "Language": "de"}, "ru", "x.po", 1, "cost"
    )
    assert nplurals is None
    assert {f.message for f in findings} == {
        "header: Content-Type has no charset",
        "header: Language is de, but the catalog is for ru",
        "header: Plural-Forms is missing or has no nplurals/plural",
    }
    entry = Entry(msgid="a", msgid_plural="b", msgstr_plural={0: "x", 1: "y"}, lineno=12)
    [finding] = check_plurals([entry], 3, "ru", "x.po", "cost")
    assert finding.line == 12 and "nplurals=3" in finding.message


def test_msgfmt_findings_have_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ui.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n'
        '"Plural-Forms: nplurals=3; plural=n%10==1 ? 0 : 1;\\n"\n\n'
        '#, python-brace-format\nmsgid "from {cost_from}"\nmsgstr "от {cost}"\n',
        encoding="utf-8",
    )
    findings = run_msgfmt(path, "locales/ru/LC_MESSAGES/ui.po", "ru", "ui")
    assert findings, "msgfmt --check should complain about the brace format"
    assert all(f.file == "locales/ru/LC_MESSAGES/ui.po" and f.line > 0 for f in findings)
    assert any(f.severity is Severity.ERROR and f.line == 9 for f in findings)
