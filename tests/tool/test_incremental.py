"""Incremental builds: a rebuild redoes exactly what its changed inputs require.

Every change is checked against a build from nothing (``.l10n/`` and
``output/`` deleted, incremental off): a page the incremental build left
stale would differ from it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.corpus import markdown_text
from pipeline import build as build_module
from pipeline.build import STATE_DIR, BuildOutcome, build
from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import SAMPLE_PAGES, from_nothing, outputs
from tests.segmenting import blocks_for_segments, blocks_with_inline_parsing

LANGUAGES = ("de", "fr")
PAGES = {
    "alpha": "## Dosing\n\nTake 5 mg of drug X daily.\n\n- Monitor CD19 counts\n- Report fever\n",
    "beta": "## Recovery\n\nMost patients recover within 14 days.\n\n| Week | Step |\n|---|---|\n"
    "| 1 | Rest |\n",
    "gamma": "## Costs\n\nThe treatment costs {price}.\n",
}


def write_page(root: Path, slug: str, order: int, body: str) -> None:
    front = f"---\ntitle: Page {slug}\nslug: {slug}\norder: {order}\n"
    if slug == "gamma":
        front += "values:\n  price: {amount: 20000, currency: EUR}\n"
    (root / "source" / f"{slug}.md").write_text(f"{front}---\n\n{body}", "utf-8")


def set_setting(root: Path, text: str) -> None:
    with (root / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Three pages in two languages, every entry translated and reviewed."""
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    shutil.copytree(Path(build_module.__file__).parent / "templates", root / "templates")
    (root / "pyproject.toml").write_text(
        '[tool.l10n]\nlanguages = ["de", "fr"]\nglossary = ""\ntemplates_dir = "templates"\n'
        # The stand-in translations ("[de] Dosing") are English on purpose.
        '[tool.l10n.check]\ndisable = ["language"]\n',
        "utf-8",
    )
    for order, (slug, body) in enumerate(PAGES.items()):
        write_page(root, slug, order, body)
    config = load_config(root)
    build(config)
    for lang in LANGUAGES:
        for path in (config.locales_path / lang / "LC_MESSAGES").glob("*.po"):
            catalog = read_catalog(path, lang, path.stem)
            for entry in catalog.entries:
                entry.msgstr = f"[{lang}] {entry.msgid}"
                entry.fuzzy = False
            write_catalog(catalog, path)
    build(config)
    return root


def written(outcome: BuildOutcome, root: Path) -> set[str]:
    return {p.relative_to(root / "output").as_posix() for p in outcome.site.written}


def edit_source(root: Path) -> None:
    write_page(root, "beta", 1, PAGES["beta"].replace("14 days", "21 days"))


def edit_translation(root: Path) -> None:
    config = load_config(root)
    path = config.catalog_path("de", "alpha")
    catalog = read_catalog(path, "de", "alpha")
    entry = next(e for e in catalog.entries if e.msgid == "Report fever")
    entry.msgstr = "Fieber melden"
    write_catalog(catalog, path)


def edit_template(root: Path) -> None:
    path = root / "templates" / "page.html"
    path.write_text(path.read_text("utf-8").replace("</body>", "<!-- v2 --></body>"), "utf-8")


def raise_threshold(root: Path) -> None:
    set_setting(root, "\n[tool.l10n.publish]\nlanguages = { fr = 100.0 }\nmin_complete = 0.0\n")


def withdraw_french(root: Path) -> None:
    config = load_config(root)
    path = config.catalog_path("fr", "beta")
    catalog = read_catalog(path, "fr", "beta")
    catalog.entries[0].msgstr = ""
    write_catalog(catalog, path)


PAGE_FILES = {f"{lang}/{slug}.html" for lang in ("en", *LANGUAGES) for slug in PAGES}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # The page in every language, and the figures of its now untranslated words;
        # the other pages, the chooser and the sitemap do not show the text.
        (
            edit_source,
            {"en/beta.html", "de/beta.html", "fr/beta.html"}
            | {"status.html", "badges/de.svg", "badges/fr.svg"},
        ),
        (edit_translation, {"de/alpha.html"}),
        (edit_template, PAGE_FILES),
    ],
    ids=["source page", "po entry", "template"],
)
def test_a_change_rewrites_exactly_the_outputs_that_depend_on_it(
    project: Path, change: Callable[[Path], None], expected: set[str]
) -> None:
    before = outputs(project)
    change(project)
    outcome = build(load_config(project))
    after = outputs(project)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == expected
    assert written(outcome, project) == expected
    assert from_nothing(project) == after


def test_a_publish_threshold_withholds_a_language_and_nothing_stale_stays(project: Path) -> None:
    withdraw_french(project)
    build(load_config(project))
    assert (project / "output" / "fr" / "beta.html").is_file()  # 80% is still enough
    before = outputs(project)
    raise_threshold(project)
    outcome = build(load_config(project))
    after = outputs(project)
    assert not any(name.startswith("fr/") for name in after)
    assert "fr" in outcome.site.withheld
    # The chooser, sitemap, language lists of every page and French badge follow.
    changed = {name for name in after if before.get(name) != after[name]}
    assert {"index.html", "sitemap.xml", "status.html", "badges/fr.svg", "de/alpha.html"} <= changed
    assert from_nothing(project) == after


def test_a_rebuild_with_no_change_merges_renders_and_writes_nothing(project: Path) -> None:
    config = load_config(project)
    page = project / "output" / "de" / "alpha.html"
    # Same size and mtime, different bytes: only a build that renders again would notice.
    stat = page.stat()
    marked = page.read_bytes().replace(b"<html", b"<HTML", 1)
    page.write_bytes(marked)
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    outcome = build(config)
    assert outcome.update.merges == {}
    assert outcome.update.written == []
    assert outcome.site.written == []
    assert outcome.remembered == 0
    assert page.read_bytes() == marked
    page.touch()  # a file changed behind the build's back is made again
    build(config)
    assert b"<html" in page.read_bytes()


def test_another_pipeline_version_discards_every_record(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = outputs(project)
    monkeypatch.setattr(build_module, "pipeline_version", lambda: "another version")
    outcome = build(load_config(project))
    assert len(outcome.update.merges) == len(LANGUAGES) * (len(PAGES) + 1)  # every catalog
    assert outcome.site.written == []  # the same bytes again
    assert outputs(project) == before
    assert build(load_config(project)).update.merges == {}


def test_deleting_the_record_or_the_output_gives_the_same_bytes(project: Path) -> None:
    config = load_config(project)
    before = outputs(project)
    catalogs = {p: p.read_bytes() for p in config.locales_path.rglob("*.po*")}
    shutil.rmtree(project / STATE_DIR)
    assert build(config).site.written == []
    assert outputs(project) == before
    shutil.rmtree(project / "output")
    build(config)
    assert outputs(project) == before
    assert {p: p.read_bytes() for p in config.locales_path.rglob("*.po*")} == catalogs


def test_a_changed_catalog_is_synced_to_the_memory_once(project: Path) -> None:
    config = load_config(project)
    edit_translation(project)
    assert build(config).remembered >= 1
    assert build(config).remembered == 0


# ---------------------------------------------------------------------------
# Segmenting without inline parsing gives the renderer's blocks
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", [*SAMPLE_PAGES.values(), markdown_text(120_000)])
def test_segmenting_sees_the_blocks_the_renderer_sees(text: str) -> None:
    expected = blocks_with_inline_parsing(text)
    assert expected
    assert blocks_for_segments(text) == expected
