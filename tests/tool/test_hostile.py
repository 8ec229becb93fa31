"""Hostile translations never reach output/: proved on the parsed HTML tree, not by grep."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from tests.hostile_translations import PAYLOADS, Payload
from tests.html_checker import html_errors
from tests.projects import (
    SAMPLE_GLOSSARY,
    SAMPLE_PAGES,
    disable_checks,
    l10n,
    make_project,
    set_publish_minimum,
    translate_catalogs,
)

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def build(project: Path) -> str:
    return l10n(project, "build").output


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, dict[str, str]]:
    """A project whose German catalogs carry every payload.

    Returns (project, build output, where each payload went).
    """
    project = make_project(
        tmp_path_factory.mktemp("hostile") / "site",
        SAMPLE_PAGES,
        ["ru", "de"],
        settings=(
            'base_url = "https://clinic.example/"\n\n[tool.l10n.check]\ninline_tags = ["sup"]\n'
        ),
        glossary=SAMPLE_GLOSSARY,
    )
    disable_checks(project, "language")  # stand-in translations are English
    build(project)
    config = load_config(project)
    entries = [
        (path.stem, entry)
        for path in sorted((config.locales_path / "de" / "LC_MESSAGES").glob("*.po"))
        for entry in read_catalog(path, "de", path.stem).entries
    ]
    with_links = [key for key in entries if "](https://" in key[1].msgid]
    plain = [key for key in entries if "](" not in key[1].msgid and "{" not in key[1].msgid]
    assigned: dict[tuple[str, str], str] = {}  # (domain, msgid) -> payload name
    made: dict[tuple[str, str], str] = {}
    # What a page shows of an allowed tag is seen in the body; a title is plain text.
    body = [key for key in plain if not key[1].auto_comments[0].startswith("page ")]
    for payload in PAYLOADS:
        shown = not payload.rejected and payload.name.startswith("allowlist:")
        domain, entry = (with_links if payload.links else body if shown else plain).pop(0)
        for taken in (plain, body):
            if (domain, entry) in taken:
                taken.remove((domain, entry))
        assigned[(domain, entry.msgid)] = payload.name
        made[(domain, entry.msgid)] = payload.make(entry.msgid)
    # A UI string too: it goes through the templates' gettext, not the Markdown renderer.
    made[("ui", "Contact our doctor")] = '<script>alert(1)</script>" onclick="alert(1)'
    assigned[("ui", "Contact our doctor")] = "ui script"

    translate_catalogs(
        project, "de", lambda domain, entry: made.get((domain, entry.msgid), entry.msgid)
    )
    set_publish_minimum(project, 1)
    output = build(project)
    where: dict[str, str] = {}
    for path in sorted((config.locales_path / "de" / "LC_MESSAGES").glob("*.po")):
        for entry in read_catalog(path, "de", path.stem).entries:
            name = assigned.get((path.stem, entry.msgid))
            if name:
                where[name] = f"{config.relative(path)}:{entry.lineno}"
    return project, output, where


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p.rejected], ids=lambda p: p.name)
def test_each_hostile_translation_is_rejected_and_reported(
    hostile_site: tuple[Path, str, dict[str, str]], payload: Payload
) -> None:
    _, output, where = hostile_site
    name = payload.name
    assert f"{where[name]}: [de]" in output, f"{name} not reported"
    assert "English shown instead" in output


def test_the_hostile_ui_string_is_rejected(hostile_site: tuple[Path, str, dict[str, str]]) -> None:
    project, output, where = hostile_site
    assert f"{where['ui script']}: [de]" in output
    page = html.parse(str(project / "output" / "de" / "cost.html")).getroot()
    cta = page.xpath("//aside//a[contains(@class,'primary')]")[0]
    assert cta.text_content() == "Contact our doctor" and cta.xpath(".//*[@lang='en']")


def test_no_payload_reaches_any_page(hostile_site: tuple[Path, str, dict[str, str]]) -> None:
    project, _, _ = hostile_site
    output = project / "output"
    assert (output / "de" / "references.html").is_file(), "German must be published"
    trusted = {
        url
        for page in (output / "en").glob("*.html")
        for url in html.parse(str(page)).getroot().xpath("//@href | //@src")
    }
    pages = sorted(output.rglob("*.html"))
    assert len(pages) == 2 * len(SAMPLE_PAGES) + 2  # en, de, the chooser and the status page
    for path in pages:
        root = html.parse(str(path)).getroot()
        scripts = root.xpath("//script")
        if path == output / "index.html":  # the chooser's own language redirect, nothing else
            assert len(scripts) == 1 and not scripts[0].get("src")
            assert "navigator.languages" in scripts[0].text
        else:
            assert scripts == [], path
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            handlers = [name for name in element.attrib if name.lower().startswith("on")]
            assert not handlers, (path, element.tag, handlers)
            if element.tag == "sup":  # the allowed tag, only ever bare
                assert not element.attrib and {e.tag for e in element.iter()} == {"sup"}, path
            for name in ("href", "src", "action", "formaction", "srcset"):
                url = element.get(name)
                if url is None:
                    continue
                relative = ":" not in url.split("/")[0] and not url.startswith("//")
                internal = relative or url.startswith(load_config(project).base_url)
                assert internal or url in trusted, (path, name, url)
        text = root.text_content()
        assert not BIDI & set(text), path
        assert "{{" not in text and "{%" not in text and "{__class__}" not in text, path
        assert "A" * 1000 not in text, path


def test_the_allowed_tag_reaches_the_page_bare_and_nothing_with_it(
    hostile_site: tuple[Path, str, dict[str, str]],
) -> None:
    project, _, where = hostile_site

    def main_html(name: str) -> str:
        page = project / "output" / "de" / f"{Path(where[name].split(':')[0]).stem}.html"
        main = html.parse(str(page)).getroot().xpath("//main")[0]
        return html.tostring(main, encoding="unicode")

    assert "M<sup>lle</sup>" in main_html("allowlist: capitals")
    assert "e<sup>x<sup>n</sup></sup>" in main_html("allowlist: nested")
    # Misnested with the emphasis: both tags stay text, the page stays well-formed.
    assert "<em>a&lt;sup&gt;b</em>&lt;/sup&gt;" in main_html("allowlist: across emphasis")


def test_every_page_of_the_hostile_site_is_valid_html(
    hostile_site: tuple[Path, str, dict[str, str]],
) -> None:
    project, _, _ = hostile_site
    errors = html_errors(sorted((project / "output").rglob("*.html")))
    assert errors == [], "\n".join(errors)
