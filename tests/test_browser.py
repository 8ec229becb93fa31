"""The built site in a real browser (headless Chromium via Playwright) and the Nu HTML Checker.

Locally both skip with the reason when Chromium, or Java and npm, are absent;
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
from tests.projects import REPO, copy_project, disable_checks

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
ARTIFACTS = REPO / "test-artifacts"
UNTRANSLATED = "Additional factors influencing price include:"
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def build(project: Path) -> None:
    result = CliRunner().invoke(main, ["--project", str(project), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped pages with ru and ar translated (tagged) except one paragraph; the output dir."""
    project = copy_project(tmp_path_factory.mktemp("browser") / "site", with_locales=False)
    disable_checks(project, "language")  # stand-in translations are English
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
    handler = functools.partial(QuietHandler, directory=str(site))
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
