"""Pseudo-localization: ``en-XA`` (accented, bracketed, about 35% longer) and ``ar-XB``
(mirrored, right to left), every protected token kept; ``l10n pseudo`` builds the site in
them into the preview directory only, from the source, with no catalog written.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import html

from pipeline.config import load_config
from pipeline.machine.protect import protect
from pipeline.machine.pseudo import (
    EXPANSION,
    PDF,
    RLM,
    RLO,
    accented,
    mirrored,
    not_pseudo,
    pseudo_translate,
    visible_length,
)
from pipeline.segments.blocks import document_segments
from pipeline.source.documents import read_documents
from pipeline.text.inline import markup_problems
from pipeline.text.languages import PSEUDO_LOCALES, LanguageCodeError, parse_language_code
from pipeline.text.linebreaks import unbreakable_spans
from tests.projects import SAMPLE_GLOSSARY, SAMPLE_PAGES, l10n, make_project, tagged
from tests.tool.test_preview import files
from tests.tool.test_text_agreement import CORPUS

TERMS = ("CAR-T", "CD19", "Kymriah", "cytokine release syndrome", "tisagenlecleucel")

# Pieces a segment is made of, the awkward ones included: markup, tokens of every kind,
# the do-not-translate terms, text that ends in a backslash or closes a link it never opened.
PIECES = [
    *CORPUS,
    *TERMS,
    "Cytokine release syndrome",
    "plain words here",
    "state-of-the-art",
    "IL-6",
    "70–90%",
    "1–2",
    "20 000 €",
    "10:30",
    "**bold**",
    "_emphasis_",
    "`code --flag`",
    "{placeholder}",
    "%(name)s",
    "%d",
    "[a link](https://example.org/a?b=1)",
    "<b>tag</b>",
    "&amp;",
    "me@example.org",
    "](y)",
    "trailing\\",
    "[1]",
    "«quoted»",
    "don't",
]
TEXTS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map(" ".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def inside(pseudo: str, locale: str) -> str:
    """An en-XA text without its brackets (escaped where they could have made a link)."""
    return re.sub(r"^\\?\[|\\?\]$", "", pseudo) if locale == "en-XA" else pseudo


def sample_msgids(tmp_path: Path) -> list[str]:
    project = make_project(tmp_path / "sample", SAMPLE_PAGES)
    documents = read_documents(load_config(project))
    return [s.msgid for document in documents for s in document_segments(document)]


@pytest.mark.parametrize("locale", list(PSEUDO_LOCALES))
@SETTINGS
@given(text=TEXTS)
@example(text="1–2 %(name)s")  # a number's percent sign is not the printf variable's
@example(text="A ![diagram](img/car-t.png) shows it ](y)")  # a link made with the bracket
def test_pseudo_translation_keeps_every_protected_token(locale: str, text: str) -> None:
    pseudo = pseudo_translate(text, locale, TERMS)
    # The same placeholders, markup, links, numbers, codes and terms, in the same order...
    assert protect(inside(pseudo, locale), TERMS)[1] == protect(text, TERMS)[1]
    # ...which the QA's markup check and the renderer's read alike...
    assert markup_problems(text, pseudo) == []
    # ...and every other word is pseudo-translated.
    assert not_pseudo(pseudo, locale, TERMS) == ""


def test_the_sample_pages_pseudo_translate_with_their_tokens_kept(tmp_path: Path) -> None:
    msgids = sample_msgids(tmp_path)
    assert len(msgids) > 30
    for msgid in [*CORPUS, *msgids]:
        for locale in PSEUDO_LOCALES:
            pseudo = pseudo_translate(msgid, locale, TERMS)
            kept = protect(inside(pseudo, locale), TERMS)[1]
            assert kept == protect(msgid, TERMS)[1], (locale, msgid)
            assert markup_problems(msgid, pseudo) == [], (locale, msgid)


def test_en_xa_is_accented_bracketed_and_about_a_third_longer(tmp_path: Path) -> None:
    assert accented("The cost of CAR-T", TERMS) == "[Ţĥé çöšţ öƒ CAR-T one]"
    assert accented("Yes") == "[Ýéš]"
    for text in [*CORPUS, *sample_msgids(tmp_path)]:
        pseudo = accented(text, TERMS)
        assert re.fullmatch(r"\\?\[.*\\?\]", pseudo), pseudo
        shown, longer = visible_length(text), visible_length(inside(pseudo, "en-XA")) + 2
        # At least 35% longer as a reader sees it, and at most a padding word more.
        assert EXPANSION * shown <= longer <= EXPANSION * shown + len(" three"), pseudo
        if shown >= 60:
            assert 1.3 < longer / shown < 1.45
        left = protect(pseudo, TERMS)[0]
        assert not re.search(r"[A-Za-z]", left.removesuffix("]").split(" one")[0]), pseudo


def test_en_xa_escapes_its_brackets_where_they_would_make_a_link() -> None:
    assert accented("](y) and") == "\\[](y) åñð\\]"
    assert markup_problems("](y) and", accented("](y) and")) == []


def test_ar_xb_mirrors_every_word_and_leaves_tokens_as_they_are() -> None:
    word = lambda text: f"{RLM}{RLO}{text}{PDF}{RLM}"  # noqa: E731
    assert mirrored("Costs from {cost_from}, see CD19.", TERMS) == (
        f"{word('Costs')} {word('from')} {{cost_from}}, {word('see')} CD19."
    )
    # Punctuation beside a URL stays beside it: the URL does not read on into the marks.
    text = "Read https://example.org/a_b_(c). Then"
    assert mirrored(text).startswith(f"{word('Read')} https://example.org/a_b_({word('c')})")


def test_not_pseudo_names_the_words_no_catalog_gave() -> None:
    assert not_pseudo("[Çöñţåçţ öûŕ ðöçţöŕ one two] Call us today", "en-XA") == "Call us today"
    assert not_pseudo("[Ţĥé [1] ļîñķ one] then Kymriah, 70–90% and CAR-T", "en-XA", TERMS) == (
        "then and"
    )
    mirrored_text = mirrored("Contact our doctor", TERMS)
    assert not_pseudo(f"{mirrored_text} CAR-T Last updated", "ar-XB", TERMS) == "Last updated"
    with pytest.raises(ValueError, match="not a pseudo-locale"):
        not_pseudo("text", "fr")


def test_a_table_cell_keeps_short_parts_of_a_word_together() -> None:
    def kept(text: str) -> list[str]:
        return [text[start:end] for start, end in unbreakable_spans(text)]

    assert kept("Where CAR-T is most used") == ["CAR-T"]
    assert kept("usually 1–2 infusions, 70–90\u202f%") == ["1–2", "70–90\u202f%"]
    assert kept("Wichtigste CAR-T-Zielantigene, B-Zell-Lymphom") == ["CAR-T-", "B-Zell-"]
    assert kept("long-term follow-up, États-Unis") == ["follow-up,"]


def test_pseudo_locales_are_not_languages_of_a_project(tmp_path: Path) -> None:
    for code in ("en_XA", "ar_XB"):
        with pytest.raises(LanguageCodeError, match="pseudo-locale"):
            parse_language_code(code)
    project = make_project(tmp_path / "site", SAMPLE_PAGES, ["de"])
    refused = l10n(project, "init", "en_XA", code=2)
    assert "is a pseudo-locale, not a language" in refused.output
    refused = l10n(project, "pseudo", "--lang", "fr", code=2)
    assert "not a pseudo-locale: fr (en-XA, ar-XB)" in refused.output


def test_pseudo_builds_into_the_preview_only_and_output_stays_byte_for_byte(
    tmp_path: Path,
) -> None:
    project = make_project(
        tmp_path / "site",
        SAMPLE_PAGES,
        ["de"],
        glossary=SAMPLE_GLOSSARY,
        translations={"de": tagged("de", leave_out="")},
    )
    l10n(project, "build")
    output, locales = files(project / "output"), files(project / "locales")
    check = l10n(project, "check", "--format", "json", code=1).output

    built = l10n(project, "pseudo").output
    assert "Pages: output-preview/pseudo/index.html" in built
    assert files(project / "output") == output
    assert files(project / "locales") == locales  # no pseudo catalog, no catalog touched
    assert l10n(project, "check", "--format", "json", code=1).output == check
    for path in (project / "output").rglob("*"):
        if path.is_file():
            assert b"XA" not in path.read_bytes() and b"XB" not in path.read_bytes(), path

    site = project / "output-preview" / "pseudo"
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == [
        "ar-XB", "assets", "badges", "en", "en-XA",
    ]  # fmt: skip
    assert not (site / "sitemap.xml").exists()
    for lang, direction in (("en-XA", "ltr"), ("ar-XB", "rtl")):
        for path in sorted((site / lang).glob("*.html")):
            page = html.parse(str(path)).getroot()
            assert page.get("lang") == lang and page.get("dir") == direction, path
            assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
    faq = html.parse(str(site / "en-XA" / "effectiveness.html")).getroot()
    assert faq.xpath("string(//h1)").startswith("[CAR-T Ţĥéŕåþý")
    assert "CD19" in faq.xpath("string(//table)") and "70–90%" in faq.xpath("string(//table)")
    arabic = html.parse(str(site / "ar-XB" / "faq.html")).getroot()
    assert f"{RLO}safe{PDF}{RLM}?" in arabic.xpath("string(//main//h2)")

    # A second run changes nothing; a preview build leaves the pseudo site alone.
    assert "0 files written" in l10n(project, "pseudo").output
    pseudo_files = files(site)
    l10n(project, "build", "--include-machine")
    assert files(site) == pseudo_files
    assert files(project / "output") == output


def test_layout_without_a_browser_says_so_in_one_line_and_quickly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(tmp_path / "site", SAMPLE_PAGES, ["de"])
    refused = l10n(project, "layout", code=2)
    assert refused.output.strip() == "error: output: no built pages to check (l10n build first)"
    l10n(project, "build")
    monkeypatch.setenv("L10N_CHROMIUM", str(tmp_path / "no-such-chromium"))
    refused = l10n(project, "layout", code=2)
    assert "no such browser" in refused.output and len(refused.output.splitlines()) == 1
    # A "browser" that exits at once: Playwright's launch fails, it does not wait.
    monkeypatch.setenv("L10N_CHROMIUM", "/bin/false")
    started = time.monotonic()
    refused = l10n(project, "layout", "--pseudo", code=2)
    assert time.monotonic() - started < 60
    assert refused.output.startswith("error: Chromium did not start (")
    assert len(refused.output.splitlines()) == 1
