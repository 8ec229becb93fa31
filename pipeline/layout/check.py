"""``l10n layout``: a built site's pages measured in Chromium at phone and desktop width.

Every page of the languages asked for is loaded at each width, and
``probes.js`` reports what a reader would see broken: the page scrolling
sideways or a box reaching past the viewport (``viewport``), content wider or
taller than its box that does not scroll (``overflow``), and a word of a table
cell broken across lines where it must not be (``broken-word``: "CAR-" / "T").
On the pseudo-locales' pages it also reports visible text that is not
pseudo-translated, so did not come from the catalogs (``not-pseudo``). Each
finding gets a screenshot crop in the report folder.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pipeline.files import write_bytes_atomic
from pipeline.layout.browser import browser_errors, chromium, new_tab, served
from pipeline.machine.pseudo import not_pseudo
from pipeline.model import PipelineError
from pipeline.text.linebreaks import BREAKS_AFTER, SHORTEST

PHONE, DESKTOP = 360, 1280
WIDTHS = (PHONE, DESKTOP)
MAX_CROPS = 10  # screenshots per page and width; the findings past them have none
REPORT_FILE = "layout.json"
_PROBES = (Path(__file__).with_name("probes.js")).read_text("utf-8")
_CROP = """([path, margin]) => {
  const element = document.querySelector(path);
  if (!element) { return null; }
  element.scrollIntoView({block: "center", inline: "center"});
  const rect = element.getBoundingClientRect();
  const wide = Math.max(rect.width, element.scrollWidth);
  const tall = Math.max(rect.height, element.scrollHeight);
  const left = getComputedStyle(element).direction === "rtl" ? rect.right - wide : rect.left;
  const x = Math.max(0, left - margin), y = Math.max(0, rect.top - margin);
  const right = Math.min(innerWidth, left + wide + margin);
  const bottom = Math.min(innerHeight, rect.top + tall + margin);
  return right - x >= 1 && bottom - y >= 1 ? {x, y, width: right - x, height: bottom - y} : null;
}"""


class LayoutError(PipelineError):
    """Nothing to check: no built pages where they were looked for."""


@dataclass(frozen=True)
class Page:
    path: str  # relative to the site: "fr/effectiveness.html", "index.html#choose"
    lang: str  # the language folder it is in; the source language for the site's own pages
    pseudo: bool = False  # a pseudo-locale's page, whose text must all be pseudo-translated


@dataclass(frozen=True)
class LayoutFinding:
    kind: str  # viewport, overflow, broken-word, not-pseudo
    lang: str
    page: str
    width: int
    element: str  # a CSS path that selects it
    message: str
    text: str  # the start of the element's text
    screenshot: str = ""  # the crop, relative to the project ("" past MAX_CROPS)


@dataclass
class LayoutReport:
    site: str  # the folder checked, relative to the project
    widths: tuple[int, ...]
    pages: int
    report_dir: str
    findings: list[LayoutFinding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": 1,
            "site": self.site,
            "widths": list(self.widths),
            "pages": self.pages,
            "report_dir": self.report_dir,
            "findings": [asdict(finding) for finding in self.findings],
        }


def site_pages(
    folder: Path, languages: Sequence[str], *, source_language: str, pseudo: Sequence[str] = ()
) -> list[Page]:
    """The pages of ``languages`` (folders of ``folder``) and of ``pseudo``, redirects left
    out; with the source language, the site's own pages (the chooser, the status page)."""
    pages: list[Page] = []
    for lang, is_pseudo in [*((code, False) for code in languages), *((p, True) for p in pseudo)]:
        for path in sorted((folder / lang).rglob("*.html")):
            if not _redirect(path):
                pages.append(Page(path.relative_to(folder).as_posix(), lang, is_pseudo))
    if source_language in languages:
        # The chooser without the script that sends a visitor on to a language.
        for name, shown in (("index.html", "index.html#choose"), ("status.html", "status.html")):
            if (folder / name).is_file():
                pages.append(Page(shown, source_language))
    return pages


def _redirect(path: Path) -> bool:
    with path.open("rb") as handle:
        return b'http-equiv="refresh"' in handle.read(4096)


def check_layout(
    folder: Path,
    pages: Sequence[Page],
    report_dir: Path,
    *,
    widths: Sequence[int] = WIDTHS,
    terms: Sequence[str] = (),
    browser: Path | None = None,
    launched: Any = None,
    relative: Callable[[Path], str] = str,
) -> LayoutReport:
    """Load each of ``pages`` of the site in ``folder`` at each of ``widths`` and measure it;
    the crops and ``layout.json`` go to ``report_dir``. ``terms``: the do-not-translate
    terms a pseudo page keeps as they are. The browser is ``launched`` (a Playwright
    ``Browser``), else ``browser`` launched for this run (see
    :func:`~pipeline.layout.browser.chromium`). ``relative`` names a path in the report."""
    if not pages:
        raise LayoutError(f"{relative(folder)}: no built pages to check")
    report = LayoutReport(relative(folder), tuple(widths), len(pages), relative(report_dir))
    _clear(report_dir)
    crops = _Crops(report_dir, relative)
    running = nullcontext(launched) if launched is not None else chromium(browser)
    with served(folder) as url, running as chromium_browser:
        for width in widths:
            tab = new_tab(chromium_browser, width, local=url)
            try:
                for page in pages:
                    with browser_errors(f"{relative(folder)}/{page.path} at {width}px"):
                        tab.goto(url + page.path)
                        found = list(_measure(tab, page, width, terms))
                        report.findings += [crops.take(tab, finding) for finding in found]
            finally:
                tab.context.close()
    text = json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n"
    write_bytes_atomic(report_dir / REPORT_FILE, text.encode("utf-8"))
    return report


def _measure(tab: Any, page: Page, width: int, terms: Sequence[str]) -> Iterator[LayoutFinding]:
    options = {"shortest": SHORTEST, "breaksAfter": BREAKS_AFTER + "/", "texts": page.pseudo}
    measured = tab.evaluate(_PROBES, options)
    where = page.path.partition("#")[0]
    for item in measured["findings"]:
        yield LayoutFinding(
            item["kind"], page.lang, where, width, item["element"], item["message"], item["text"]
        )
    for item in measured["texts"]:
        left = not_pseudo(item["text"], page.lang, terms)
        if left:
            message = f'not pseudo-translated: "{left[:80]}"'
            text = " ".join(item["text"].split())[:100]
            element = item["element"]
            yield LayoutFinding("not-pseudo", page.lang, where, width, element, message, text)


class _Crops:
    """Screenshot crops of findings, numbered in the order found, at most MAX_CROPS a page."""

    def __init__(self, folder: Path, relative: Callable[[Path], str]) -> None:
        self.folder = folder
        self.relative = relative
        self.count = 0
        self.per_page: dict[tuple[str, int], int] = {}

    def take(self, tab: Any, finding: LayoutFinding) -> LayoutFinding:
        key = (finding.page, finding.width)
        if self.per_page.get(key, 0) >= MAX_CROPS:
            return finding
        clip = tab.evaluate(_CROP, [finding.element, 8])
        if clip is None:
            return finding
        self.per_page[key] = self.per_page.get(key, 0) + 1
        self.count += 1
        stem = finding.page.removesuffix(".html").replace("/", "-")
        path = self.folder / f"{self.count:03d}-{stem}-{finding.width}.png"
        self.folder.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(path), clip=clip)
        return LayoutFinding(**{**asdict(finding), "screenshot": self.relative(path)})


def _clear(report_dir: Path) -> None:
    """Remove the crops the previous run left in ``report_dir``; nothing else there."""
    try:
        previous = json.loads((report_dir / REPORT_FILE).read_text("utf-8"))
        names = [Path(f["screenshot"]).name for f in previous["findings"] if f["screenshot"]]
    except (OSError, ValueError, KeyError, TypeError):
        return
    for name in names:
        crop = report_dir / name
        if crop.suffix == ".png" and crop.is_file():
            crop.unlink()
