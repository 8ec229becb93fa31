"""End to end: build a small site from nothing, translate it, edit it, break it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import html

from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import (
    SAMPLE_GLOSSARY,
    SAMPLE_PAGES,
    l10n,
    make_project,
    msgfmt_check,
    set_publish_minimum,
)

SETTINGS = """\
base_url = "https://clinic.example/"

[tool.l10n.publish]
min_complete = 80
languages = { fr = 75 }
"""


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".l10n" not in p.parts
    }


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample site in Russian, German and French; no catalogs yet."""
    return make_project(
        tmp_path / "site",
        SAMPLE_PAGES,
        ["ru", "de", "fr"],
        settings=SETTINGS,
        glossary=SAMPLE_GLOSSARY,
    )


def run(project: Path, *args: str) -> str:
    return l10n(project, *args).output


def test_build_from_scratch_then_rebuild_changes_nothing(project: Path) -> None:
    output = run(project, "build")
    assert "output/index.html" in output
    config = load_config(project)
    domains = sorted(p.stem for p in (project / "locales" / "templates").glob("*.pot"))
    assert domains == sorted([*SAMPLE_PAGES, "ui"])
    for lang in config.languages:
        for domain in domains:
            path = config.catalog_path(lang, domain)
            assert msgfmt_check(path) == "", path
    for path in (project / "locales" / "templates").glob("*.pot"):
        assert msgfmt_check(path) == ""
    page = html.parse(str(project / "output" / "en" / "effectiveness.html")).getroot()
    assert page.get("lang") == "en" and page.get("dir") == "ltr"
    assert len(page.xpath("//table//tbody/tr")) == 3
    assert {a.text for a in page.xpath("//aside//a")} == {
        "Contact our doctor",
        "Prepare an individual treatment plan",
    }
    assert page.xpath("//link[@hreflang='x-default']")
    before = snapshot(project)
    run(project, "build")
    assert snapshot(project) == before


def test_translated_text_is_published_and_the_rest_falls_back_marked(project: Path) -> None:
    run(project, "build")
    config = load_config(project)
    path = config.catalog_path("de", "cost")
    catalog = read_catalog(path, "de", "cost")
    for entry in catalog.entries:
        entry.msgstr = "[de] " + entry.msgid
    fuzzy = next(e for e in catalog.entries if e.msgid.startswith("Additional factors"))
    fuzzy.fuzzy = True
    write_catalog(catalog, path)
    set_publish_minimum(project, 5)
    run(project, "build")
    page = html.parse(str(project / "output" / "de" / "cost.html")).getroot()
    assert page.get("lang") == "de"
    paragraphs = page.xpath("//main/p[not(contains(@class, 'notice'))]")
    assert all(p.text_content().startswith("[de] ") for p in paragraphs if p.get("lang") != "en")
    fallback = page.xpath("//main//*[@lang='en'][not(ancestor::p[contains(@class, 'notice')])]")
    assert [e.text_content() for e in fallback] == ["Additional factors influencing price include:"]
    cost = next(p.text_content() for p in paragraphs if "20.000" in p.text_content())
    assert "20.000\xa0€" in cost and "{cost_from}" not in cost
    notice = page.xpath("//p[contains(@class,'fallback')]")
    assert notice and "not yet translated" in notice[0].text_content()
    # Russian is below the threshold: no pages, not in the switcher.
    assert not (project / "output" / "ru").exists() or not any(
        (project / "output" / "ru").iterdir()
    )
    langs = page.xpath("//nav[@class='languages']//a/@hreflang")
    assert langs == ["en", "de"]


def test_a_hostile_translation_never_reaches_the_page(project: Path) -> None:
    run(project, "build")
    config = load_config(project)
    path = config.catalog_path("de", "references")
    catalog = read_catalog(path, "de", "references")
    hostile = next(e for e in catalog.entries if "](https://" in e.msgid)
    hostile.msgstr = hostile.msgid.replace("https://", "javascript:alert(1)//")
    script = next(e for e in catalog.entries if e is not hostile and e.msgid.startswith("["))
    script.msgstr = script.msgid + " <script>alert(1)</script>"
    for entry in catalog.entries:
        if entry not in (hostile, script):
            entry.msgstr = entry.msgid
    write_catalog(catalog, path)
    set_publish_minimum(project, 1)
    output = run(project, "build")
    # both are refused (by the QA markup check or the page security rules) and reported once each
    assert output.count("LC_MESSAGES/references.po:") == 2
    assert "[de]" in output
    page = html.parse(str(project / "output" / "de" / "references.html")).getroot()
    assert not page.xpath("//script")
    assert all(not href.startswith("javascript:") for href in page.xpath("//a/@href"))


def test_a_second_build_after_one_edit_rewrites_only_what_changed(project: Path) -> None:
    run(project, "build")
    before = snapshot(project)
    faq = project / "source" / "faq.md"
    faq.write_text(
        faq.read_text().replace("Is CAR-T therapy safe?", "Is CAR-T therapy safe for me?")
    )
    os.utime(faq)
    run(project, "build")
    after = snapshot(project)
    changed = {name for name in after if after[name] != before.get(name)}
    assert "locales/templates/faq.pot" in changed
    assert "locales/de/LC_MESSAGES/faq.po" in changed
    assert "locales/de/LC_MESSAGES/cost.po" not in changed
    assert "output/en/faq.html" in changed and "output/en/cost.html" not in changed


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("order: abc", "order 'abc' is not a whole number"),
        ("slug: ../../evil", "slug '../../evil': use a-z, 0-9 and '-'"),
        ("contexts: [1, 2]", "contexts must map texts to contexts"),
    ],
)
def test_bad_source_input_is_one_clear_line_for_every_command(
    project: Path, front_matter: str, message: str
) -> None:
    page = project / "source" / "faq.md"
    key = front_matter.split(":")[0]
    lines = [line for line in page.read_text().splitlines() if not line.startswith(f"{key}:")]
    lines.insert(1, front_matter)
    page.write_text("\n".join(lines) + "\n")
    for command in (["build"], ["update"], ["check"], ["init", "it"]):
        result = l10n(project, *command, code=1)
        # check reports it as a finding among the others: "file:line: error source: ..."
        assert "source/faq.md:2: " in result.output and message in result.output, command
        assert "Traceback" not in result.output
    assert not list(project.glob("*.html")) and not (project.parent / "evil.html").exists()


def test_a_bad_configuration_value_exits_2(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("fr = 75", 'fr = "eighty"'))
    result = l10n(project, "build", code=2)
    assert "every value must be a number" in result.output
