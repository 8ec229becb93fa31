"""The glossary loader and its term matching, on a glossary of the tests' own
(tests/tool/fixtures/glossary.csv) and on small broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.text.glossary import Glossary, GlossaryError, Term
from tests.glossary_matching import terms_found_alike
from tests.projects import SAMPLE_PAGES

GLOSSARY = Path(__file__).resolve().parent / "fixtures" / "glossary.csv"
LANGUAGES = ("ru", "de", "es", "ar", "fr")
HEADER = "term,dnt,ru,de,es,ar,fr,note\n"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(GLOSSARY, languages=LANGUAGES)


def term(glossary: Glossary, source: str) -> Term:
    found = glossary.get(source)
    assert found is not None, source
    return found


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "glossary.csv"
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------
# Terms in an English source text
# ---------------------------------------------------------------------------


def sources(terms: list[Term]) -> list[str]:
    return [t.source for t in terms]


def test_terms_in_finds_terms_in_order_and_longest_match_wins(glossary: Glossary) -> None:
    text = (
        "Reduced cytotoxic T-cell activity and increased expression of immune "
        "checkpoint proteins (PD-1, PD-L1, CTLA-4)."
    )
    found = sources(glossary.terms_in(text))
    assert found == ["cytotoxic T cell", "immune checkpoint", "PD-1", "PD-L1", "CTLA-4"]
    assert "T cell" not in found


def test_terms_in_prefers_the_longer_of_partly_overlapping_terms(glossary: Glossary) -> None:
    # "CAR-T" and "T cells" overlap; the glossary's "CAR-T cell" covers both. The
    # do-not-translate terms inside it stay reported: they must be kept as written.
    assert sources(glossary.terms_in("CAR-T cells persist in the body")) == [
        "CAR-T cell", "CAR-T", "CAR",
    ]  # fmt: skip
    assert not glossary.missing_in(
        term(glossary, "CAR-T cell"), "ru", "количество CAR-T-клеток в крови"
    )


def test_terms_in_accepts_plurals_and_title_case(glossary: Glossary) -> None:
    text = (
        "| Acute Lymphoblastic Leukemia (ALL) | CD19 | 1 infusion | Solid Tumors"
        " | cellular therapies |"
    )
    found = sources(glossary.terms_in(text))
    assert found == [
        "acute lymphoblastic leukemia", "ALL", "CD19", "infusion", "solid tumor",
        "cellular therapy",
    ]  # fmt: skip


def test_terms_in_is_exact_for_abbreviations(glossary: Glossary) -> None:
    found = sources(glossary.terms_in("All patients with ALL are monitored; all of them."))
    assert found == ["ALL"]
    assert "CR" not in sources(glossary.terms_in("Cytokine Release Syndrome (CRS)"))


def test_terms_in_respects_word_boundaries(glossary: Glossary) -> None:
    found = sources(glossary.terms_in("initial blood collection (leukapheresis) and reinfusion"))
    assert found == ["leukapheresis"]  # neither "apheresis" nor "infusion"
    assert sources(glossary.terms_in("relapsed or refractory leukemias")) == [
        "refractory", "leukemia",
    ]  # fmt: skip


def test_terms_in_treats_hyphen_kinds_and_spaces_alike(glossary: Glossary) -> None:
    found = sources(glossary.terms_in("a CD19\u2011directed CAR T\u2011cell therapy"))
    assert found == ["CD19", "CAR-T cell therapy", "CAR-T", "CAR"]  # kept as written


# The texts of the tests above, and paragraphs dense with terms.
ENGLISH_TEXTS = [
    "Reduced cytotoxic T-cell activity and increased expression of immune "
    "checkpoint proteins (PD-1, PD-L1, CTLA-4).",
    "CAR-T cells persist in the body",
    "| Acute Lymphoblastic Leukemia (ALL) | CD19 | 1 infusion | Solid Tumors"
    " | cellular therapies |",
    "All patients with ALL are monitored; all of them.",
    "Cytokine Release Syndrome (CRS)",
    "initial blood collection (leukapheresis) and reinfusion",
    "relapsed or refractory leukemias",
    "a CD19\u2011directed CAR T\u2011cell therapy",
    "**Cytokine release syndrome (CRS)** and immune effector cell-associated neurotoxicity "
    "syndrome (ICANS) are treated with IL-6 inhibitors; apoptosis of tumor cells follows.",
    "Complete remission (CR) in multiple myeloma, diffuse large B-cell lymphoma and solid "
    "tumors; relapse after remission; hematopoietic stem cell transplantation; GMP apheresis.",
    "Interferon-gamma and other cytokines; lymphocytes; antigen-specific CAR-T cell therapies.",
]


def test_terms_in_finds_what_every_pattern_alone_finds(glossary: Glossary) -> None:
    """The substring test that skips most patterns never loses a match: every
    paragraph of the sample pages and the texts above, also upper-cased and
    title-cased, and the terms themselves in plural, upper and odd case."""
    texts = [p for page in SAMPLE_PAGES.values() for p in page.split("\n\n")] + ENGLISH_TEXTS
    assert terms_found_alike(glossary, texts) > 300


def test_empty_glossary_finds_nothing() -> None:
    empty = Glossary.empty()
    assert empty.terms_in("cytokine release syndrome") == []
    assert empty.do_not_translate == ()


# ---------------------------------------------------------------------------
# Missing terms in a translation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "lang", "translation"),
    [
        ("cytokine release syndrome", "ru",
         "Синдром высвобождения цитокинов (СВЦ) — один из самых частых побочных эффектов."),
        ("cytokine release syndrome", "ru",
         "из-за риска развития синдрома высвобождения цитокинов пациенты находятся в стационаре"),
        ("cytokine release syndrome", "de",
         "Die Behandlung des Zytokin-Freisetzungssyndroms erfolgt mit IL-6-Inhibitoren."),
        ("cytokine release syndrome", "de", "Symptome eines Zytokinfreisetzungssyndroms"),
        ("cytokine release syndrome", "es",
         "El síndrome de liberación de citocinas (SLC) es uno de los efectos secundarios "
         "más frecuentes."),
        ("cytokine release syndrome", "fr",
         "Le syndrome de relargage cytokinique (SRC) est l'un des effets indésirables "
         "les plus fréquents."),
        ("cytokine release syndrome", "ar",
         "تُعد متلازمة إطلاق السيتوكين من أكثر الآثار الجانبية شيوعًا."),
        ("cytokine release syndrome", "ar", "بسبب خطر الإصابة بمتلازمة إطلاق السيتوكينات"),
        ("immune effector cell-associated neurotoxicity syndrome", "ru",
         "признаки синдрома нейротоксичности, ассоциированного с иммунными эффекторными "
         "клетками (ICANS)"),
        ("T cell", "ru", "генетическая модификация Т-клеток в лаборатории"),
        ("T cell", "ru", "модифицированные T-клетки"),  # Latin T typed for Cyrillic Т
        ("T cell", "de", "Die T-Zellen werden aus dem Blut des Patienten gewonnen."),
        ("T cell", "ar", "يتم جمع الخلايا التائية من المريض وتعديلها وراثيًا"),
        ("T cell", "ar", "وللخلايا التائية المعدلة دور أساسي"),
        ("immune checkpoint", "ru", "повышенная экспрессия белков контрольных точек иммунитета"),
        ("immune checkpoint", "de", "verstärkte Expression von Immuncheckpoint-Proteinen"),
        ("hematopoietic stem cell", "ru",
         "перепрограммирование гемопоэтических стволовых клеток (ГСК)"),
        ("interferon-gamma", "ru", "выброс интерферона-гамма"),
        ("acute lymphoblastic leukemia", "fr", "la leucémie aigüe lymphoblastique (LAL)"),
        ("diffuse large B-cell lymphoma", "es", "linfoma B difuso de células grandes (LBDCG)"),
        ("complete remission", "es", "tasas de remisiones completas"),
        ("multiple myeloma", "de", "bei Patienten mit multiplem Myelom"),
        ("solid tumor", "ar", "علاج الأورام الصلبة بخلايا CAR-T"),
        ("relapse", "fr", "le risque de rechutes"),
    ],
)  # fmt: skip
def test_inflected_forms_are_accepted(
    glossary: Glossary, source: str, lang: str, translation: str
) -> None:
    assert not glossary.missing_in(term(glossary, source), lang, translation)


@pytest.mark.parametrize(
    ("source", "lang", "translation"),
    [
        ("cytokine release syndrome", "ru", "при развитии синдрома лизиса опухоли"),
        ("cytokine release syndrome", "ru", "синдром высвобождения гистамина"),
        ("cytokine release syndrome", "de", "Risiko eines Tumorlysesyndroms"),
        ("cytokine release syndrome", "fr", "un syndrome de lyse tumorale"),
        ("cytokine release syndrome", "ar", "متلازمة انحلال الورم"),
        ("T cell", "ru", "В-клетки крови"),
        ("T cell", "ar", "الخلايا البائية"),
        ("lymphoma", "ru", "количество лимфоцитов"),
        ("interferon-gamma", "ru", "выброс интерферона альфа"),
        ("infusion", "fr", "après l'infusion"),  # a false friend, not the approved term
        ("GMP", "fr", "laboratoires certifiés"),
        ("remission", "es", "recaída"),
    ],
)  # fmt: skip
def test_other_terms_are_reported_missing(
    glossary: Glossary, source: str, lang: str, translation: str
) -> None:
    assert glossary.missing_in(term(glossary, source), lang, translation)


def test_words_of_a_term_must_stand_together_in_order(glossary: Glossary) -> None:
    crs = term(glossary, "cytokine release syndrome")
    assert glossary.missing_in(crs, "ru", "синдром. Высвобождения цитокинов не было")
    assert glossary.missing_in(crs, "ru", "высвобождения цитокинов синдром")


def test_abbreviation_forms_are_exact(glossary: Glossary) -> None:
    il6 = term(glossary, "IL-6")
    assert not glossary.missing_in(il6, "ru", "ингибиторы ИЛ-6 (например, тоцилизумаб)")
    assert not glossary.missing_in(il6, "ru", "ингибиторы IL\u20116")
    assert glossary.missing_in(il6, "ru", "ингибиторы ИЛ-1")
    assert glossary.missing_in(il6, "de", "IL-60")
    assert not glossary.missing_in(term(glossary, "GMP"), "fr", "laboratoires certifiés BPF")


def test_do_not_translate_terms_must_appear_unchanged(glossary: Glossary) -> None:
    cd19 = term(glossary, "CD19")
    assert cd19.do_not_translate
    assert not glossary.missing_in(cd19, "ar", "مستهدف CD19 في 70–90% من الحالات")
    assert glossary.missing_in(cd19, "ar", "مستهدف CD20")
    assert glossary.missing_in(cd19, "ru", "мишень СD19")  # Cyrillic С: not the gene name
    car_t = term(glossary, "CAR-T")
    assert not glossary.missing_in(car_t, "de", "Die CAR-T-Zelltherapie ist personalisiert.")
    assert glossary.missing_in(car_t, "ru", "терапия КАР-Т")


def test_a_term_without_a_form_for_the_language_is_not_missing(tmp_path: Path) -> None:
    glossary = Glossary.load(write(tmp_path, HEADER + "apoptosis,,апоптоз,,,,,\n"))
    apoptosis = term(glossary, "apoptosis")
    assert apoptosis.approved("de") is None
    assert not glossary.missing_in(apoptosis, "de", "Zelltod")
    assert glossary.missing_in(apoptosis, "ru", "гибель клеток")


# ---------------------------------------------------------------------------
# Loading errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "glossary.csv:1: empty file"),
        ("term,ru\nCAR-T,\n", "glossary.csv:1: missing column 'dnt'"),
        ("term,dnt,ru,xx-nowhere\n", "glossary.csv:1: unknown language column 'xx-nowhere'"),
        ("term,dnt,ru,it\n", "glossary.csv:1: column 'it' is not one of the project's languages"),
        ("term,dnt,ru,ru\n", "glossary.csv:1: duplicate column(s) 'ru'"),
        (HEADER + "relapse,,рецидив,,,,,\n\nRelapse,,рецидив,,,,,\n",
         "glossary.csv:4: duplicate term 'Relapse' (first on line 2)"),
        (HEADER + "CD19,yes,,,,,,\nCD19,yes,,,,,,\n", "glossary.csv:3: duplicate term 'CD19'"),
        (HEADER + "CD19,yes,CD19,,,,,\n", "glossary.csv:2: 'CD19' is do-not-translate but has"),
        (HEADER + "apoptosis,,,,,,,\n", "glossary.csv:2: 'apoptosis' has no translation"),
        (HEADER + "CD19,maybe,,,,,,\n", "glossary.csv:2: dnt must be 'yes' or empty"),
        (HEADER + ",,апоптоз,,,,,\n", "glossary.csv:2: empty term"),
        (HEADER + "apoptosis,,апоптоз | ,,,,,\n", "glossary.csv:2: empty variant in column 'ru'"),
        (HEADER + "apoptosis,,апоптоз,,,,,,extra\n", "glossary.csv:2: 9 fields"),
        (HEADER + 'apoptosis,,"апоп\nтоз",,,,,\n', "glossary.csv:2: a cell spans several lines"),
        (HEADER + 'apoptosis,,"апоптоз,,,,,\n', "glossary.csv:2:"),
    ],
)  # fmt: skip
def test_loading_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(GlossaryError) as raised:
        Glossary.load(path, languages=LANGUAGES)
    assert str(raised.value).startswith(str(tmp_path / message))


def test_unreadable_files_give_a_glossary_error(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError, match="cannot read the glossary"):
        Glossary.load(tmp_path / "missing.csv")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        HEADER.encode() + "apoptosis,,,,,,apoptose,\nr\xe9mission,,,,,,x,\n".encode("latin-1")
    )
    with pytest.raises(GlossaryError, match=r"latin1\.csv:3: not UTF-8"):
        Glossary.load(latin1)


def test_loader_reads_a_byte_order_mark_blank_rows_and_no_note_column(tmp_path: Path) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text(
        "\ufeffterm,dnt,ru,ar\n\nremission,,ремиссия,الهدأة\nCD19,yes,,\n", encoding="utf-8"
    )
    glossary = Glossary.load(path)
    remission = term(glossary, "remission")
    assert remission.translations == {"ru": ("ремиссия",), "ar": ("الهدأة",)}
    assert (remission.line, remission.note) == (3, "")
    assert glossary.do_not_translate == ("CD19",)


def test_a_german_term_at_the_end_of_a_compound_is_found() -> None:
    glossary = Glossary.load(GLOSSARY)
    antigen = glossary.get("antigen")
    assert antigen is not None
    assert not glossary.missing_in(antigen, "de", "ihre Spezifität für Tumorantigene")
    assert glossary.missing_in(antigen, "de", "ihre Spezifität für Tumormarker")
