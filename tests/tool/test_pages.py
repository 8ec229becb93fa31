"""A built site: switcher, hreflang, sitemap, fallback, thresholds, machine text, QA,
determinism."""

from __future__ import annotations

import re
import shutil
import time
import urllib.request
from pathlib import Path

import pytest
from lxml import etree, html

from pipeline.config import PACKAGE_TEMPLATES, load_config
from pipeline.model import Entry
from pipeline.serve import VERSION_PATH, start_preview
from pipeline.site.choose import Choice, Status
from tests.projects import (
    SAMPLE_GLOSSARY,
    SAMPLE_PAGES,
    UNTRANSLATED,
    l10n,
    make_project,
    set_publish_minimum,
    tagged,
    translate_catalogs,
)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PAGES = len(SAMPLE_PAGES)


def build(project: Path, *args: str) -> str:
    return l10n(project, "build", *args).output


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site in Russian, German and Arabic, built once with empty catalogs."""
    project = make_project(
        tmp_path_factory.mktemp("base") / "site",
        SAMPLE_PAGES,
        ["ru", "de", "ar"],
        settings='base_url = "https://clinic.example/"\n',
        glossary=SAMPLE_GLOSSARY,
    )
    build(project)
    return project


@pytest.fixture
def project(base: Path, tmp_path: Path) -> Path:
    """ru and ar translated (tagged), de empty; output/ not built yet."""
    target = tmp_path / "site"
    shutil.copytree(base, target, ignore=shutil.ignore_patterns("output", ".l10n"))
    translate_catalogs(target, "ru", tagged("ru"))
    translate_catalogs(target, "ar", tagged("ar"))
    return target


def page(project: Path, lang: str, slug: str) -> html.HtmlElement:
    return html.parse(str(project / "output" / lang / f"{slug}.html")).getroot()


def test_switcher_hreflang_canonical_and_sitemap_agree(project: Path) -> None:
    output = build(project)
    assert "de: not published: 0.0% translated, below the publish threshold of 80%" in output
    root = page(project, "ru", "cost")
    assert (root.get("lang"), root.get("dir")) == ("ru", "ltr")
    switcher = root.xpath("//nav[@class='languages']//a")
    assert [(a.get("hreflang"), a.text_content()) for a in switcher] == [
        ("en", "English"),
        ("ru", "Русский"),
        ("ar", "العربية"),
    ]
    assert [a.get("href") for a in switcher] == [
        "../en/cost.html",
        "../ru/cost.html",
        "../ar/cost.html",
    ]
    assert root.xpath("//nav[@class='languages']//a[@aria-current='page']/@hreflang") == ["ru"]
    # The page list is rendered once per language; each page marks only itself.
    for slug in ("cost", "index"):
        pages = page(project, "ru", slug).xpath("//nav[@class='pages']//a")
        assert len(pages) == PAGES and all(a.text_content().startswith("[ru] ") for a in pages)
        assert [a.get("href") for a in pages if a.get("aria-current")] == [f"{slug}.html"]
    base_url = "https://clinic.example/"
    assert root.xpath("//link[@rel='canonical']/@href") == [f"{base_url}ru/cost.html"]
    alternates = {
        link.get("hreflang"): link.get("href") for link in root.xpath("//link[@rel='alternate']")
    }
    assert alternates == {
        "en": f"{base_url}en/cost.html",
        "ru": f"{base_url}ru/cost.html",
        "ar": f"{base_url}ar/cost.html",
        "x-default": f"{base_url}en/cost.html",
    }
    sitemap = etree.parse(str(project / "output" / "sitemap.xml")).getroot()
    urls = sitemap.findall(f"{SITEMAP}url")
    assert len(urls) == PAGES * 3
    locs = [u.findtext(f"{SITEMAP}loc") for u in urls]
    assert f"{base_url}ar/cost.html" in locs and not any("/de/" in loc for loc in locs)
    for url in urls:
        links = {link.get("hreflang"): link.get("href") for link in url.findall(f"{XHTML}link")}
        assert set(links) == {"en", "ru", "ar", "x-default"}
        assert url.findtext(f"{SITEMAP}loc") in links.values()
    chooser = html.parse(str(project / "output" / "index.html")).getroot()
    assert chooser.xpath("//ul[@class='language-list']//a/@href") == [
        "en/index.html",
        "ru/index.html",
        "ar/index.html",
    ]
    arabic = page(project, "ar", "cost")
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")


def test_fallback_is_marked_and_values_follow_the_locale(project: Path) -> None:
    build(project)
    root = page(project, "ru", "cost")
    fallback = root.xpath("//main//*[@lang='en']")
    assert [e.text_content() for e in fallback] == [UNTRANSLATED]
    notice = root.xpath("//p[contains(@class,'notice fallback')]")
    assert notice and "[ru] Parts of this page are not yet translated" in notice[0].text_content()
    price = next(p.text_content() for p in root.xpath("//main/p") if "€" in p.text_content())
    assert "20\xa0000\xa0€" in price and price.startswith("[ru] ")
    english = page(project, "en", "cost")
    assert not english.xpath("//main//*[@lang]")
    assert not english.xpath("//p[contains(@class,'notice')]")
    assert any("€20,000" in p.text_content() for p in english.xpath("//main/p"))


def test_withheld_language_loses_its_pages_but_nothing_else(project: Path) -> None:
    build(project)
    assert (project / "output" / "ar" / "cost.html").is_file()
    foreign = project / "output" / "ar" / "keep-me.txt"
    foreign.write_text("not the build's")
    set_publish_minimum(project, 80, ar=101)
    output = build(project)
    assert re.search(
        r"ar: not published: [\d.]+% translated, below the publish threshold of 101%", output
    )
    assert sorted(p.name for p in (project / "output" / "ar").iterdir()) == ["keep-me.txt"]
    assert page(project, "ru", "cost").xpath("//nav[@class='languages']//a/@hreflang") == [
        "en",
        "ru",
    ]
    assert "/ar/" not in (project / "output" / "sitemap.xml").read_text()
    status = html.parse(str(project / "output" / "status.html")).getroot()
    verdict = status.xpath("//section[@id='ar']//p[contains(@class,'verdict')]")[0]
    assert verdict.text_content().startswith("Not published:")
    assert "#e05d44" in (project / "output" / "badges" / "ar.svg").read_text()  # red: withheld


def test_machine_text_only_in_a_preview_build_and_then_marked_noindex(project: Path) -> None:
    translate_catalogs(project, "ar", tagged("ar"), fuzzy=lambda domain, entry: domain == "faq")
    build(project)
    faq = page(project, "ar", "faq")
    content = "string(//main/*[not(contains(@class, 'notice'))])"
    assert "[ar]" not in faq.xpath(content)
    assert not faq.xpath("//meta[@name='robots']")
    build(project, "--include-machine")
    assert page(project, "ar", "faq").xpath(content) == faq.xpath(content)  # output/ untouched
    faq = html.parse(str(project / "output-preview" / "ar" / "faq.html")).getroot()
    assert "[ar]" in faq.xpath(content) and faq.xpath("//main//*[contains(@class,'machine')]")
    assert faq.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert faq.xpath("//main/p[contains(@class,'notice machine')]")


def test_a_qa_error_falls_back_to_english_and_is_reported(project: Path) -> None:
    def changed_number(domain: str, entry: Entry) -> str | None:
        if entry.msgid.startswith("Another key safety component"):
            return "[ru] " + entry.msgid.replace("IL-6, IL-2", "IL-8, IL-2")
        return tagged("ru")(domain, entry)

    translate_catalogs(project, "ru", changed_number)
    output = build(project)
    assert "[ru] QA numbers:" in output and "English shown instead" in output
    root = page(project, "ru", "safety")
    marked = [e.text_content() for e in root.xpath("//main//*[@lang='en']")]
    assert any(text.startswith("Another key safety component") for text in marked)


def test_builds_are_deterministic_and_a_rebuild_writes_nothing(
    project: Path, tmp_path: Path
) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)
    build(project)
    build(twin)

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }

    assert files(project / "output") == files(twin / "output")
    before = {p: p.stat().st_mtime_ns for p in (project / "output").rglob("*") if p.is_file()}
    assert "0 files written" in build(project)
    assert {
        p: p.stat().st_mtime_ns for p in (project / "output").rglob("*") if p.is_file()
    } == before


def test_stylesheet_uses_logical_properties_only() -> None:
    css = (PACKAGE_TEMPLATES / "assets" / "site.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments may say "right-to-left"
    for physical in ("left", "right"):
        assert f"-{physical}" not in css and f": {physical}" not in css, physical


def test_preview_serves_rebuilds_and_reloads(project: Path) -> None:
    config = load_config(project)
    preview = start_preview(config, "127.0.0.1", 0, on_build=lambda line: None)
    try:
        assert preview.url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(preview.url + "en/faq.html", timeout=5) as response:
            served = response.read().decode()
        assert VERSION_PATH in served and "Is CAR-T therapy safe?" in served
        assert VERSION_PATH not in (project / "output" / "en" / "faq.html").read_text()
        first = preview.version
        faq = project / "source" / "faq.md"
        faq.write_text(faq.read_text().replace("Is CAR-T therapy safe?", "Is CAR-T safe for me?"))
        deadline = time.monotonic() + 30
        while preview.version == first and time.monotonic() < deadline:
            time.sleep(0.2)
        assert preview.version > first, "no rebuild within 30 s"
        with urllib.request.urlopen(preview.url + VERSION_PATH, timeout=5) as response:
            assert int(response.read()) == preview.version
        with urllib.request.urlopen(preview.url + "en/faq.html", timeout=5) as response:
            assert "Is CAR-T safe for me?" in response.read().decode()
    finally:
        preview.stop()


def test_numbers_and_codes_read_left_to_right_in_arabic_without_invisible_marks() -> None:
    from markdown_it.token import Token

    from pipeline.site.render import isolate_ltr_runs

    text = Token("text", "", 0)
    text.content = "معدل الاستجابة 70–90% مع CD33 / CD123 و IL-6 في العلاج"
    rendered = "".join(
        f"[{t.content}]" if t.type == "html_inline" else t.content
        for t in isolate_ltr_runs([text])
    )
    assert rendered == (
        'معدل الاستجابة [<bdi dir="ltr">]70–90%[</bdi>] مع [<bdi dir="ltr">]CD33 / CD123[</bdi>]'
        ' و [<bdi dir="ltr">]IL-6[</bdi>] في العلاج'
    )


def test_do_not_translate_terms_are_enforced_and_a_glossary_change_rescreens(
    project: Path,
) -> None:
    def changed_term(domain: str, entry: Entry) -> str | None:
        if entry.msgid == "BCMA":
            return "BCMB"
        return tagged("ru")(domain, entry)

    translate_catalogs(project, "ru", changed_term)
    output = " ".join(build(project).split())  # the report wraps long lines
    assert "[ru] QA terms: do-not-translate term “BCMA” is missing" in output
    cells = page(project, "ru", "effectiveness").xpath("//main//td")
    assert "BCMB" not in [cell.text_content() for cell in cells]
    assert "BCMA" in [cell.text_content() for cell in cells if cell.get("lang") == "en"]

    glossary = project / "glossary.csv"
    glossary.write_text(
        "".join(
            line
            for line in glossary.read_text("utf-8").splitlines(keepends=True)
            if not line.startswith("BCMA,")
        ),
        "utf-8",
    )
    assert "QA terms" not in build(project)
    cells = page(project, "ru", "effectiveness").xpath("//main//td")
    assert "BCMB" in [cell.text_content() for cell in cells]


def test_a_translator_cannot_add_a_script_link_the_renderer_would_show_as_text() -> None:
    from pipeline.site.choose import unsafe_translation

    assert unsafe_translation("See the page.", "Siehe [die Seite](javascript:alert(1)).")
    assert unsafe_translation("See the page.", "Siehe die Seite.") == ""


def test_ui_strings_honour_msgctxt_and_plural_forms() -> None:
    from pipeline.po.reader import parse_catalog
    from pipeline.site.choose import Translations
    from pipeline.site.ui import ui_callables

    catalog = parse_catalog(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: ru\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "Back"\nmsgstr "Назад"\n\n'
        'msgctxt "navigation"\nmsgid "Back"\nmsgstr "К началу"\n\n'
        'msgid "%(num)s infusion"\nmsgid_plural "%(num)s infusions"\n'
        'msgstr[0] "%(num)s инфузия"\nmsgstr[1] "%(num)s инфузии"\nmsgstr[2] "%(num)s инфузий"\n',
        "locales/ru/LC_MESSAGES/ui.po",
        "ru",
        "ui",
    )
    translations = Translations("ru")
    translations.add(catalog, "locales/ru/LC_MESSAGES/ui.po")
    seen: list[Choice] = []
    ui = ui_callables(translations, "ui", seen)
    assert ui["gettext"]("Back") == "Назад"
    assert ui["pgettext"]("navigation", "Back") == "К началу"
    plural = ui["ngettext"]
    assert [plural("%(num)s infusion", "%(num)s infusions", n) for n in (1, 3, 5, 21)] == [
        "1 инфузия",
        "3 инфузии",
        "5 инфузий",
        "21 инфузия",
    ]
    assert all(choice.status is Status.REVIEWED for choice in seen)
    english = ui_callables(None, "ui")["ngettext"]
    assert english("%(num)s infusion", "%(num)s infusions", 2) == "2 infusions"


def test_the_status_page_counts_words_as_l10n_check_does(project: Path) -> None:
    from pipeline.build import extract
    from pipeline.catalogs.extract import build_templates
    from pipeline.checks.run import run_checks
    from pipeline.site.plan import plan_language

    config = load_config(project)
    templates = build_templates(extract(config), config)
    plan, _ = plan_language(config, "ru", templates, include_machine=False)
    report = run_checks(config, ["ru"], source=False, qa=False)
    assert plan.percent == report.gates[0].percent_complete < 100
    # Each entry of a template counts once, however often its text appears on a page.
    assert plan.completeness.total_words == sum(s.total_words for s in report.stats)
    assert plan.completeness.untranslated_words == sum(s.untranslated_words for s in report.stats)
