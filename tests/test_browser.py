"""The built site in a real browser (headless Chromium via Playwright), axe-core and the Nu HTML
Checker.

Locally these skip with the reason when Chromium, or Java and npm, are absent;
under CI (``CI=true``) they fail instead. Nothing here downloads a browser.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.hostile_translations import translate_catalogs
from tests.projects import REPO, copy_project

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
VNU_DIR = Path(os.environ.get("L10N_VNU_DIR", Path.home() / ".cache" / "l10n-pipeline" / "vnu"))
VNU_JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_DIR = Path(os.environ.get("L10N_AXE_DIR", Path.home() / ".cache" / "l10n-pipeline" / "axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 375, 1280
ARTIFACTS = REPO / "test-artifacts"
UNTRANSLATED = "Additional factors influencing price include:"
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def build(project: Path, *args: str) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(project), "build", *args], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped pages with ru and ar translated (tagged) except one paragraph; the output dir."""
    project = copy_project(tmp_path_factory.mktemp("browser") / "site", with_locales=False)
    build(project)
    for lang, tag in (("ru", "[ru]"), ("ar", "[ar] عربي")):
        translate_catalogs(
            project,
            lang,
            lambda domain, entry, tag=tag: (
                None if entry.msgid == UNTRANSLATED else f"{tag} {entry.msgid}"
            ),
        )
    build(project)
    return project / "output"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    yield from serve_folder(site)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with its own catalogs, built, and built as a preview."""
    project = copy_project(tmp_path_factory.mktemp("shipped") / "site")
    build(project)
    build(project, "--include-machine")
    return project


@pytest.fixture(scope="module")
def shipped_url(shipped: Path) -> Iterator[str]:
    """The shipped project's folder: ``output/`` and ``output-preview/`` under it."""
    yield from serve_folder(shipped)


def serve_folder(folder: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is not installed (Debian package chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
    yield context.new_page()
    context.close()


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


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable("java is not installed (needed by the Nu HTML Checker)")
    if not VNU_JAR.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed (needed to install vnu-jar)")
        VNU_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(VNU_DIR), "vnu-jar"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return [str(java), "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def test_every_page_is_valid_html(site: Path) -> None:
    command = vnu_command()
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) >= 3 * 7 + 2
    done = subprocess.run([*command, *pages], capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages]
    assert errors == [], "\n".join(errors)


def published_pages(output: Path) -> list[str]:
    """Every page of the published site, relative to it; the chooser without its redirect."""
    languages = sorted(p.name for p in output.iterdir() if p.is_dir() and any(p.glob("*.html")))
    assert languages == ["ar", "de", "en", "es", "fr", "ru"]
    pages = sorted(p.relative_to(output).as_posix() for p in output.glob("*/*.html"))
    return [*pages, "index.html#choose", "status.html"]


# Every element, and every run of text, that reaches past either edge of the viewport, unless a
# scrolling (or clipping) box of its own holds it.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const held = (element) => {
    for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
      if (getComputedStyle(box).overflowX !== "visible") { return true; }
    }
    return false;
  };
  const outside = (rect) => rect.width > 0 && (rect.right > width + 0.5 || rect.left < -0.5);
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    if (outside(element.getBoundingClientRect()) && !held(element)) {
      found.push(`<${element.tagName.toLowerCase()} class="${element.className}">`);
    }
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some(outside) && !held(node)) {
      found.push(`text "${node.textContent.trim().slice(0, 40)}"`);
    }
  }
  const scroll = document.documentElement.scrollWidth - width;
  return scroll > 0 ? [`the page scrolls ${scroll}px sideways`, ...found] : found;
}"""


def new_tab(browser: Any, width: int) -> Any:
    return browser.new_context(viewport={"width": width, "height": 800}, locale="en-US").new_page()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_nothing_overflows_the_viewport_at_phone_and_desktop_width(
    browser: Any, shipped: Path, shipped_url: str, width: int
) -> None:
    tab = new_tab(browser, width)
    overflowing: dict[str, list[str]] = {}
    for relative in published_pages(shipped / "output"):
        tab.goto(f"{shipped_url}output/{relative}")
        found = tab.evaluate(OVERFLOWING)
        if found:
            overflowing[relative] = found
    tab.context.close()
    assert overflowing == {}


def axe_script() -> Path:
    """axe-core's browser build, installed as the Nu HTML Checker is (outside the repository)."""
    if not AXE_JS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable("npm is not installed (needed to install axe-core)")
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR), "axe-core"],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return AXE_JS


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
