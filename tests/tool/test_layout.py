"""``l10n layout`` in Chromium: what overflows its box, words broken in table cells, and text
on a pseudo-locale page that no catalog gave.

Each layout has a deliberate fault, found, and is passed once the fault is gone. Locally
these skip with the reason when Chromium is absent; under CI (``CI=true``) they fail.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pipeline.config import PACKAGE_TEMPLATES, load_config
from pipeline.layout.check import check_layout, site_pages
from pipeline.text.glossary import project_glossary
from tests.browser import chromium, new_tab, served
from tests.projects import SAMPLE_GLOSSARY, SAMPLE_PAGES, l10n, make_project, tagged

pytestmark = pytest.mark.browser

# A table whose first two columns a phone squeezes to their narrowest: a browser would
# break "CAR-T" and "1–2" there, if the page let it.
SESSIONS = """How many sessions each therapy takes.

| Tx | n | Notes |
|---|---|---|
| CAR-T | 1–2 | One infusion after a short course of chemotherapy, then close monitoring in \
hospital for several weeks because of possible side effects |
| NK | 3 | Repeated infusions as an outpatient, usually well tolerated |
"""

# A designer's fixed width for the calls to action: enough for the English labels (374 px
# for the longer), not for "Prepare an individual treatment plan" a third longer.
FIXED_BUTTONS = ".cta { flex: none; inline-size: 24rem; white-space: nowrap; overflow: hidden; }\n"
NO_KEEPING_TOGETHER = ".nobr { white-space: normal; }\n"
HARD_CODED = '<p class="promo">Call us today</p>\n</footer>'


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def own_templates_project(root: Path) -> Path:
    """The sample pages and a table page, in German too, with a copy of the package's
    templates as the site's own (``templates/``)."""
    project = make_project(
        root,
        {**SAMPLE_PAGES, "sessions": SESSIONS},
        ["de"],
        settings='templates_dir = "templates"\n',
        glossary=SAMPLE_GLOSSARY,
        translations={"de": tagged("de", leave_out="")},
    )
    shutil.copytree(PACKAGE_TEMPLATES, project / "templates")
    return project


def add_to(path: Path, text: str, before: str | None = None) -> None:
    old = path.read_text("utf-8")
    path.write_text(old.replace(before, text + before) if before else old + text, "utf-8")


def layout(project: Path, *args: str, code: int = 0) -> str:
    """``l10n layout``'s output, run in a thread of its own: Playwright's synchronous API
    runs one browser session per thread, and this module's browser holds this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(l10n, project, "layout", *args, code=code).result(timeout=300).output


def test_the_pseudo_run_finds_labels_that_outgrow_a_fixed_width_and_passes_without_it(
    browser: Any, tmp_path: Path
) -> None:
    project = own_templates_project(tmp_path / "site")
    css = project / "templates" / "assets" / "site.css"
    shipped_css = css.read_text("utf-8")
    add_to(css, FIXED_BUTTONS)
    l10n(project, "build")

    # English and German fit the buttons...
    assert "no finding" in layout(project, "--width", "1280", "--gate")
    # ...text a third longer does not.
    found = json.loads(
        layout(project, "--pseudo", "--width", "1280", "--gate", "--format", "json", code=1)
    )
    assert found["site"] == "output-preview/pseudo" and found["widths"] == [1280]
    kinds = {(f["kind"], f["lang"], f["element"].split(" > ")[-1]) for f in found["findings"]}
    assert kinds == {("overflow", "en-XA", "a.cta:nth-of-type(2)")}
    assert len(found["findings"]) == 7  # on each page
    first = found["findings"][0]
    assert first["message"].startswith("content ") and first["message"].endswith(", cut off")
    assert first["text"].startswith("[Þŕéþåŕé åñ îñðîṽîðûåļ ţŕéåţɱéñţ þļåñ")
    crop = project / first["screenshot"]
    assert crop.parent == project / ".l10n" / "layout" / "pseudo"
    assert crop.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (crop.parent / "layout.json").is_file()

    css.write_text(shipped_css, "utf-8")
    passed = layout(project, "--pseudo", "--width", "1280", "--gate")
    assert passed.strip().endswith("at 1280px: no finding.")
    assert not crop.exists(), "the crops of the run before are removed"

    # The mirrored pages are laid out right to left.
    site = project / "output-preview" / "pseudo"
    with served(site) as url:
        tab = new_tab(browser, 360)
        tab.goto(f"{url}ar-XB/faq.html")
        assert tab.evaluate("getComputedStyle(document.querySelector('main')).direction") == "rtl"
        tab.context.close()


def test_a_short_word_broken_in_a_table_cell_is_found_and_the_page_keeps_it_whole(
    browser: Any, tmp_path: Path
) -> None:
    project = own_templates_project(tmp_path / "site")
    l10n(project, "build")
    output = project / "output"
    pages = [p for p in site_pages(output, ["en", "de"], source_language="en") if "/s" in p.path]
    assert [p.path for p in pages] == [
        "en/safety.html", "en/sessions.html", "de/safety.html", "de/sessions.html",
    ]  # fmt: skip

    assert check_layout(output, pages, tmp_path / "kept", launched=browser).findings == []

    add_to(output / "assets" / "site.css", NO_KEEPING_TOGETHER)
    report = check_layout(output, pages, tmp_path / "broken", launched=browser)
    broken = {(f.lang, f.page, f.width, f.message.split(":")[0]) for f in report.findings}
    for width in (360, 1280):
        assert ("en", "en/sessions.html", width, '"1–2" broken across lines') in broken
        assert ("en", "en/sessions.html", width, '"CAR-T" broken across lines') in broken
    assert {f.kind for f in report.findings} == {"broken-word"}
    assert all(re.search(r" > t[dh](:nth-of-type\(\d\))?$", f.element) for f in report.findings)


def test_text_no_catalog_gave_is_reported_on_every_pseudo_page(
    browser: Any, tmp_path: Path
) -> None:
    project = own_templates_project(tmp_path / "site")
    add_to(project / "templates" / "page.html", HARD_CODED, before="</footer>")
    l10n(project, "pseudo")
    site = project / "output-preview" / "pseudo"
    locales = ["en-XA", "ar-XB"]
    pages = site_pages(site, [], source_language="en", pseudo=locales)
    assert len(pages) == 2 * 7

    terms = project_glossary(load_config(project)).do_not_translate
    report = check_layout(
        site, pages, tmp_path / "report", widths=[360], terms=terms, launched=browser
    )
    untranslated = [f for f in report.findings if f.kind == "not-pseudo"]
    assert {(f.lang, f.page) for f in untranslated} == {(p.lang, p.path) for p in pages}
    assert {f.message for f in untranslated} == {'not pseudo-translated: "Call us today"'}
    elements = {f.element.rsplit(":", 1)[0] for f in untranslated}
    assert elements == {"body.preview > footer > p.promo"}
    # The date is the locale's, the language names are each language's own: neither is
    # a catalog's text, and neither is reported.
    assert len(untranslated) == len(pages)
