"""The shipped clinic site in Chromium: ``l10n layout`` finds nothing at phone and desktop width
in any published language or pseudo-locale, no axe-core violation on any page of any
published language, and fallback marked as the public should see it.

Locally these skip with the reason when Chromium or npm are absent; under CI (``CI=true``) they
fail instead. axe-core is installed outside the repository, as the Nu HTML Checker is.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import load_config
from pipeline.layout.check import WIDTHS, check_layout, site_pages
from pipeline.text.glossary import project_glossary
from pipeline.text.languages import PSEUDO_LOCALES
from tests.browser import chromium, new_tab, served
from tests.html_checker import npm_installed
from tests.projects import copy_project, l10n

pytestmark = pytest.mark.browser

AXE_DIR = Path(os.environ.get("L10N_AXE_DIR", Path.home() / ".cache" / "l10n-pipeline" / "axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 375, 1280


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with its own catalogs, built, and built as a preview."""
    project = copy_project(tmp_path_factory.mktemp("shipped") / "site")
    l10n(project, "build")
    l10n(project, "build", "--include-machine")
    return project


@pytest.fixture(scope="module")
def shipped_url(shipped: Path) -> Iterator[str]:
    """The shipped project's folder: ``output/`` and ``output-preview/`` under it."""
    with served(shipped) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def published_pages(output: Path) -> list[str]:
    """Every page of the published site, relative to it; the chooser without its redirect."""
    languages = sorted(p.name for p in output.iterdir() if p.is_dir() and any(p.glob("*.html")))
    assert languages == ["ar", "de", "en", "es", "fr", "ru"]
    pages = sorted(p.relative_to(output).as_posix() for p in output.glob("*/*.html"))
    return [*pages, "index.html#choose", "status.html"]


def test_the_layout_check_finds_nothing_at_phone_and_desktop_width(
    browser: Any, shipped: Path, tmp_path: Path
) -> None:
    """Nothing reaches past the viewport or overflows its box, and no table cell breaks a
    short word ("CAR-" / "T"), on any page of any published language (``l10n layout``)."""
    output = shipped / "output"
    published = sorted(p.name for p in output.iterdir() if (p / "index.html").is_file())
    pages = site_pages(output, published, source_language="en")
    assert [p.path for p in pages if "/" not in p.path] == ["index.html#choose", "status.html"]
    assert len(pages) == len(published_pages(output))
    report = check_layout(output, pages, tmp_path / "report", widths=WIDTHS, launched=browser)
    assert report.findings == []


def test_the_pseudo_locales_of_the_shipped_site_pass_the_layout_check(
    browser: Any, shipped: Path, tmp_path: Path
) -> None:
    """The site a third longer (en-XA) and mirrored (ar-XB): nothing overflows or breaks, and
    every visible text came through the catalogs."""
    l10n(shipped, "pseudo")
    site = shipped / "output-preview" / "pseudo"
    pages = site_pages(site, [], source_language="en", pseudo=list(PSEUDO_LOCALES))
    assert len(pages) == 2 * 7
    terms = project_glossary(load_config(shipped)).do_not_translate
    report = check_layout(site, pages, tmp_path / "report", terms=terms, launched=browser)
    assert report.findings == []


def test_table_headers_break_car_t_when_the_page_does_not_keep_it_together(
    browser: Any, shipped: Path, tmp_path: Path
) -> None:
    """The finding the check exists for, reproduced by turning off what fixed it.

    Table cells keep "CAR-T" and "1–2" whole (``<span class="nobr">``). Without that rule,
    on Debian's fonts (DejaVu Sans) the English header "Where CAR-T is Most Used" breaks
    after "CAR-" at desktop width and the Spanish one at phone width; the French columns
    are wide enough there.
    """
    output = tmp_path / "output"
    shutil.copytree(shipped / "output", output)
    with (output / "assets" / "site.css").open("a", encoding="utf-8") as css:
        css.write(".nobr { white-space: normal; }\n")
    languages = sorted(p.name for p in output.iterdir() if (p / "effectiveness.html").is_file())
    pages = [p for p in site_pages(output, languages, source_language="en") if "effect" in p.path]
    report = check_layout(output, pages, tmp_path / "report", launched=browser)
    assert {f.kind for f in report.findings} == {"broken-word"}
    assert all(re.search(r" > t[hd](:nth-of-type\(\d\))?$", f.element) for f in report.findings)
    car_t = {(f.lang, f.width) for f in report.findings if f.message.startswith('"CAR-T" broken')}
    assert car_t, report.findings
    assert all(f.screenshot and (tmp_path / "report").is_dir() for f in report.findings)


def axe_script() -> Path:
    """axe-core's browser build, installed as the Nu HTML Checker is (outside the repository)."""
    return npm_installed("axe-core", AXE_DIR, AXE_JS)


AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => {
    const where = v.nodes.map((n) => n.target.join(" ")).join(", ");
    return `${v.id} (${v.impact}): ${v.help} at ${where}`;
  });
}"""


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_axe_finds_no_violation_on_any_page(
    browser: Any, shipped: Path, shipped_url: str, width: int
) -> None:
    tab = new_tab(browser, width)
    tab.context.add_init_script(path=str(axe_script()))
    pages = [f"output/{relative}" for relative in published_pages(shipped / "output")]
    # The preview's highlights too, where French falls back to English.
    pages += [f"output-preview/fr/{p.name}" for p in (shipped / "output-preview" / "fr").iterdir()]
    violations: dict[str, list[str]] = {}
    for relative in pages:
        tab.goto(f"{shipped_url}{relative}")
        found = tab.evaluate(AXE_RUN)
        if found:
            violations[relative] = found
    tab.context.close()
    assert len(pages) >= 6 * 7 + 2 + 7
    assert violations == {}


def test_fallback_is_marked_on_a_published_page_and_highlighted_only_in_the_preview(
    browser: Any, shipped_url: str
) -> None:
    tab = new_tab(browser, DESKTOP)
    fallback = "main .untranslated"
    background = f"getComputedStyle(document.querySelector('{fallback}')).backgroundColor"
    for site, highlighted in (("output", False), ("output-preview", True)):
        tab.goto(f"{shipped_url}{site}/fr/faq.html")
        assert tab.locator(fallback).first.get_attribute("lang") == "en"
        assert tab.locator("main p.notice.fallback").is_visible()
        transparent = tab.evaluate(background) == "rgba(0, 0, 0, 0)"
        assert transparent is not highlighted, site
    tab.context.close()


def test_a_wide_table_is_reached_and_scrolled_by_keyboard_on_a_phone(
    browser: Any, shipped_url: str
) -> None:
    tab = new_tab(browser, PHONE)
    tab.goto(f"{shipped_url}output/ru/effectiveness.html")
    title = tab.locator("main h1").inner_text()
    region = tab.get_by_role("region", name=title)
    assert region.count() == 1 and region.locator("table").count() == 1
    for _ in range(40):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.classList.contains('table-scroll')"):
            break
    else:
        pytest.fail("Tab never reaches the table's region")
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    tab.keyboard.press("ArrowRight")
    tab.wait_for_function("document.activeElement.scrollLeft > 0")
    tab.context.close()
