"""A built site in a real browser (headless Chromium via Playwright) and the Nu HTML Checker.

Locally both skip with the reason when Chromium, or Java and npm, are absent;
under CI (``CI=true``) they fail instead. Nothing here downloads a browser.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pipeline.model import Entry
from tests.browser import chromium, new_tab, served
from tests.html_checker import html_errors
from tests.projects import (
    REPO,
    SAMPLE_GLOSSARY,
    SAMPLE_PAGES,
    UNTRANSLATED,
    l10n,
    make_project,
    tagged,
)

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"


def arabic(domain: str, entry: Entry) -> str | None:
    return None if entry.msgid == UNTRANSLATED else f"[ar] عربي {entry.msgid}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample pages with ru and ar translated (tagged) except one paragraph, de not at all;
    the output dir."""
    project = make_project(
        tmp_path_factory.mktemp("browser") / "site",
        SAMPLE_PAGES,
        ["ru", "ar", "de"],
        glossary=SAMPLE_GLOSSARY,
        translations={"ru": tagged("ru"), "ar": arabic},
    )
    l10n(project, "build")
    return project / "output"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    page = new_tab(browser, 1100, 900)
    yield page
    page.context.close()


def test_every_published_language_renders(tab: Any, base_url: str, site: Path) -> None:
    languages = sorted(p.name for p in site.iterdir() if p.is_dir() and (p / "cost.html").exists())
    assert languages == ["ar", "en", "ru"]
    for lang in languages:
        for path in sorted((site / lang).glob("*.html")):
            response = tab.goto(f"{base_url}{lang}/{path.name}")
            assert response.status == 200
            assert tab.evaluate("document.documentElement.lang") == lang
            assert tab.locator("main h1").inner_text().strip()
            css_loaded = tab.evaluate(
                "document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0"
            )
            assert css_loaded, path


def test_switcher_moves_between_the_same_page(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}en/effectiveness.html")
    tab.locator("nav.languages a[hreflang='ru']").click()
    tab.wait_for_url("**/ru/effectiveness.html")
    assert tab.evaluate("document.documentElement.lang") == "ru"
    tab.locator("nav.languages a[hreflang='ar']").click()
    tab.wait_for_url("**/ar/effectiveness.html")
    assert tab.locator("nav.languages a[aria-current='page']").inner_text() == "العربية"


def test_arabic_is_right_to_left_and_fallback_is_marked(tab: Any, base_url: str) -> None:
    tab.goto(f"{base_url}ar/cost.html")
    assert tab.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert tab.evaluate("getComputedStyle(document.querySelector('main p')).direction") == "rtl"
    # Right-to-left layout: the site name sits at the right edge, the first table cell too.
    header = tab.locator(".site-name").bounding_box()
    assert header["x"] > 1100 / 2
    fallback = tab.locator("main [lang='en']")
    assert fallback.count() == 1 and fallback.inner_text() == UNTRANSLATED
    assert tab.locator("p.notice.fallback").is_visible()
    tab.goto(f"{base_url}ar/effectiveness.html")
    first, second = tab.locator("table tbody tr:first-child td").all()[:2]
    assert first.bounding_box()["x"] > second.bounding_box()["x"]
    overflow = tab.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, "the page scrolls sideways"


def test_screenshots_of_english_russian_and_arabic(tab: Any, base_url: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for lang in ("en", "ru", "ar"):
        tab.goto(f"{base_url}{lang}/effectiveness.html")
        target = ARTIFACTS / f"effectiveness-{lang}.png"
        tab.screenshot(path=str(target), full_page=True)
        assert target.stat().st_size > 10_000
    tab.goto(f"{base_url}index.html")  # the chooser's script follows the browser's language
    tab.wait_for_url("**/en/index.html")


def test_every_page_is_valid_html(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 3 * len(SAMPLE_PAGES) + 2
    errors = html_errors(pages)
    assert errors == [], "\n".join(errors)
