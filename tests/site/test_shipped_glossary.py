"""The shipped glossary.csv: the terms the clinic's pages need, in every language, and
matched in the shipped pages as every pattern alone would match them."""

from __future__ import annotations

import pytest

from pipeline.text.glossary import Glossary, Term
from tests.glossary_matching import terms_found_alike
from tests.projects import REPO

LANGUAGES = ("ru", "de", "es", "ar", "fr")


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(REPO / "glossary.csv", languages=LANGUAGES)


def term(glossary: Glossary, source: str) -> Term:
    found = glossary.get(source)
    assert found is not None, source
    return found


# ---------------------------------------------------------------------------
# The terms
# ---------------------------------------------------------------------------


def test_shipped_glossary_has_forty_terms_in_all_five_languages(glossary: Glossary) -> None:
    complete = [
        t
        for t in glossary.terms
        if not t.do_not_translate and all(t.translations.get(lang) for lang in LANGUAGES)
    ]
    assert len(complete) >= 40


@pytest.mark.parametrize(
    "source",
    [
        "CAR-T cell therapy", "NK cell therapy", "stem cell therapy", "cellular immunotherapy",
        "chemotherapy", "radiation", "cytokine release syndrome", "CRS",
        "immune effector cell-associated neurotoxicity syndrome", "neurotoxicity", "T cell",
        "natural killer cell", "hematopoietic stem cell", "lymphocyte", "cytotoxic T cell",
        "cytokine", "interleukin", "interferon-gamma", "overall response rate", "ORR",
        "complete remission", "CR", "relapse", "remission", "GMP", "Good Manufacturing Practice",
        "apheresis", "leukapheresis", "lymphodepletion", "infusion", "tumor microenvironment",
        "immune checkpoint", "antigen", "immunosuppression", "apoptosis", "perforin", "granzyme",
        "refractory", "acute lymphoblastic leukemia", "diffuse large B-cell lymphoma",
        "follicular lymphoma", "mantle cell lymphoma", "multiple myeloma",
        "chronic lymphocytic leukemia", "acute myeloid leukemia", "solid tumor", "transduction",
        "viral vector", "cleanroom",
    ],
)  # fmt: skip
def test_required_terms_are_translated_into_every_language(glossary: Glossary, source: str) -> None:
    found = term(glossary, source)
    assert not found.do_not_translate
    assert all(found.approved(lang) for lang in LANGUAGES), found


def test_dnt_list_holds_the_codes_that_stay_latin_everywhere(glossary: Glossary) -> None:
    required = {
        "CAR-T", "CAR", "CD19", "BCMA", "CD33", "CD123", "HER2", "EGFR", "GD2",
        "PD-1", "PD-L1", "CTLA-4", "HEPA", "ICANS", "NK", "FDA", "EMA",
    }  # fmt: skip
    assert required <= set(glossary.do_not_translate)
    lengths = [len(t) for t in glossary.do_not_translate]
    assert lengths == sorted(lengths, reverse=True)


@pytest.mark.parametrize(
    ("source", "lang", "local"),
    [("CRS", "ru", "СВЦ"), ("CRS", "fr", "SRC"), ("ORR", "ru", "ЧОО"), ("ALL", "es", "LLA"),
     ("IL-6", "ru", "ИЛ-6"), ("tocilizumab", "ru", "тоцилизумаб"), ("EEG", "ru", "ЭЭГ")],
)  # fmt: skip
def test_abbreviations_with_local_forms_are_not_do_not_translate(
    glossary: Glossary, source: str, lang: str, local: str
) -> None:
    assert source not in glossary.do_not_translate
    assert local in term(glossary, source).forms(lang)


def test_regulator_wording_is_the_approved_form(glossary: Glossary) -> None:
    crs = term(glossary, "cytokine release syndrome")
    assert crs.approved("ru") == "синдром высвобождения цитокинов"
    assert crs.approved("de") == "Zytokin-Freisetzungssyndrom"
    assert crs.approved("fr") == "syndrome de relargage des cytokines"
    assert "syndrome de relargage cytokinique" in crs.forms("fr")
    assert crs.approved("ar") == "متلازمة إطلاق السيتوكين"
    assert term(glossary, "infusion").approved("fr") == "perfusion"


# ---------------------------------------------------------------------------
# The shipped pages
# ---------------------------------------------------------------------------


def test_terms_in_the_shipped_pages_are_what_every_pattern_alone_finds(
    glossary: Glossary,
) -> None:
    """The substring test that skips most patterns never loses a match: every
    source paragraph, also upper-cased and title-cased, and the terms themselves
    in plural, upper and odd case."""
    texts = [p for page in sorted((REPO / "source").glob("*.md")) for p in
             page.read_text("utf-8").split("\n\n")]  # fmt: skip
    assert terms_found_alike(glossary, texts) > 500
