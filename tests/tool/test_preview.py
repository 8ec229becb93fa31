"""The preview build (``--include-machine``): its own directory, never ``output/``.

A language that only machine text would publish (Italian here, every entry a
fuzzy proposal) appears in the preview, every page of which says ``noindex``;
the published site built before, during and after it is byte for byte the site
built without it, and nothing in it names the preview's pages.
"""

from __future__ import annotations

import shutil
import urllib.request
from pathlib import Path

from lxml import html

from pipeline.config import load_config
from pipeline.serve import start_preview
from tests.projects import (
    SAMPLE_GLOSSARY,
    SAMPLE_PAGES,
    l10n,
    make_project,
    tagged,
    translate_catalogs,
)

MACHINE = "[it]"


def preview_project(target: Path) -> Path:
    """The sample site in German, reviewed, and Italian, every entry a fuzzy (machine) proposal."""
    project = make_project(
        target,
        SAMPLE_PAGES,
        ["de", "it"],
        glossary=SAMPLE_GLOSSARY,
        translations={"de": tagged("de", leave_out="")},
    )
    translate_catalogs(
        project, "it", lambda domain, entry: f"{MACHINE} {entry.msgid}", fuzzy=lambda d, e: True
    )
    return project


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def stamps(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in folder.rglob("*")}


def review_italian(project: Path) -> None:
    translate_catalogs(project, "it", lambda domain, entry: f"{MACHINE} {entry.msgid}")


def test_a_preview_build_leaves_output_as_a_build_without_it(tmp_path: Path) -> None:
    project = preview_project(tmp_path / "site")
    twin = tmp_path / "twin"
    shutil.copytree(project, twin)

    assert "it: not published" in l10n(project, "build").output
    before, touched = files(project / "output"), stamps(project / "output")
    preview_run = l10n(project, "build", "--include-machine").output
    assert "output-preview/index.html" in preview_run and "it: not published" not in preview_run
    assert stamps(project / "output") == touched, "the preview build touched output/"
    assert "0 files written" in l10n(project, "build").output
    assert files(project / "output") == before

    l10n(twin, "build")
    assert files(project / "output") == files(twin / "output")

    # Once Italian is reviewed, both publish it the same way: nothing of the preview is reused.
    for root in (project, twin):
        review_italian(root)
        l10n(root, "build")
    assert (project / "output" / "it" / "faq.html").is_file()
    assert files(project / "output") == files(twin / "output")


def test_the_preview_has_the_machine_pages_noindex_and_the_site_never_names_them(
    tmp_path: Path,
) -> None:
    project = preview_project(tmp_path / "site")
    l10n(project, "build")
    l10n(project, "build", "--include-machine")
    preview, output = project / "output-preview", project / "output"

    italian = sorted(p.name for p in (preview / "it").glob("*.html"))
    assert italian == sorted(p.name for p in (output / "en").glob("*.html"))
    faq = html.parse(str(preview / "it" / "faq.html")).getroot()
    assert MACHINE in faq.xpath("string(//main//h2)")
    assert faq.xpath("//main/p[contains(@class, 'notice machine')]")
    assert faq.xpath("//body/@class") == ["preview"]
    for path in sorted(preview.rglob("*.html")):
        robots = html.parse(str(path)).getroot().xpath("//meta[@name='robots']/@content")
        assert robots == ["noindex"], path
    assert not (preview / "sitemap.xml").exists()

    assert not (output / "it").exists()
    sitemap = (output / "sitemap.xml").read_text("utf-8")
    assert "/it/" not in sitemap and 'hreflang="it"' not in sitemap
    for path in sorted(output.rglob("*.html")):
        text = path.read_text("utf-8")
        assert "/it/" not in text and 'hreflang="it"' not in text, path
        assert "output-preview" not in text and 'class="preview"' not in text, path
        if path.name != "status.html":  # the editors' page is noindex by design
            assert 'name="robots"' not in text, path
    assert '"it"' not in (output / "index.html").read_text("utf-8")  # the root redirect


def test_a_preview_may_not_be_built_into_output(tmp_path: Path) -> None:
    project = make_project(tmp_path / "site", SAMPLE_PAGES, ["de"])
    into_output = ("--include-machine", "--output", str(project / "output"))
    refused = l10n(project, "build", *into_output, code=2)
    assert "a preview may not be built into output/" in " ".join(refused.output.split())
    assert not (project / "output").exists()

    elsewhere = tmp_path / "elsewhere"
    assert "Pages: " in l10n(project, "build", "--output", str(elsewhere)).output
    assert (elsewhere / "en" / "faq.html").is_file() and not (project / "output").exists()

    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8") + 'output_dir = "output"\npreview_dir = "output/preview"\n',
        "utf-8",
    )
    refused = l10n(project, "build", code=2)
    assert "preview_dir and output_dir must not contain each other" in " ".join(
        refused.output.split()
    )


def test_serve_include_machine_serves_the_preview(tmp_path: Path) -> None:
    project = preview_project(tmp_path / "site")
    preview = start_preview(
        load_config(project), "127.0.0.1", 0, include_machine=True, on_build=lambda line: None
    )
    try:
        with urllib.request.urlopen(preview.url + "it/faq.html", timeout=5) as response:
            assert MACHINE in response.read().decode()
    finally:
        preview.stop()
    assert (project / "output-preview" / "it" / "faq.html").is_file()
    assert not (project / "output").exists()
