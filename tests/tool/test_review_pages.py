"""A review policy that withholds whole pages: a medical page is published in a language only
when every entry of it is reviewed; the interface may fall back entry by entry.

Every scenario drives the real CLI on a small project: the sample clinic site in French
and German, every catalog approved, then one entry edited as a translator would.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree, html

from pipeline.catalogs.review import ReviewState, set_entry_state
from pipeline.catalogs.writing import write_if_changed
from pipeline.cli import main
from pipeline.po.reader import read_catalog_file
from tests.projects import (
    POLICY,
    SAMPLE_PAGES,
    disable_checks,
    l10n,
    make_project,
    msgfmt_check,
    set_publish_minimum,
    tagged,
)

BASE_URL = "/"  # make_project sets no base_url
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
CONTACT = "Contact our doctor"  # an interface string, and a paragraph of the safety page
SAFETY_PO = "locales/fr/LC_MESSAGES/safety.po"
UI_PO = "locales/fr/LC_MESSAGES/ui.po"
REASON = "1 entry translated but not reviewed (publish needs reviewed)"


def run(project: Path, *args: str) -> Result:
    """The CLI on ``project``, whatever its exit code."""
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def reword(project: Path, catalog: str, msgid: str, text: str) -> int:
    """A translator rewords one entry in an editor: translated, no longer reviewed; its line."""
    path = project / catalog
    as_read = read_catalog_file(path, "fr", path.stem)
    assert as_read is not None
    entry = as_read.catalog.index()[(None, msgid)]
    entry.msgstr = text
    set_entry_state(entry, ReviewState.TRANSLATED)
    write_if_changed(as_read.catalog, path, as_read=as_read)
    return entry.lineno


def outputs(project: Path, folder: str = "output") -> dict[str, bytes]:
    root = project / folder
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    }


def alternates(project: Path, lang: str, page: str) -> list[str]:
    """The hreflang codes of a page's alternates, and of its language switcher."""
    root = html.parse(str(project / "output" / lang / f"{page}.html")).getroot()
    head = [a.get("hreflang") for a in root.xpath("//link[@rel='alternate']")]
    switcher = [a.get("hreflang") for a in root.xpath("//nav[@class='languages']//a")]
    assert head[:-1] == switcher and head[-1] == "x-default"
    return switcher


def sitemap(project: Path) -> dict[str, list[str]]:
    """Each URL of sitemap.xml with the hreflang codes of its alternates."""
    tree = etree.parse(str(project / "output" / "sitemap.xml"))
    return {
        url.findtext(f"{SITEMAP}loc") or "": [
            link.get("hreflang") or "" for link in url.iter(f"{XHTML}link")
        ]
        for url in tree.iter(f"{SITEMAP}url")
    }


def chooser(project: Path) -> list[str]:
    root = html.parse(str(project / "output" / "index.html")).getroot()
    return [a.get("hreflang") for a in root.xpath("//ul[@class='language-list']//a")]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample site (its safety page says "Contact our doctor", as the interface does) in
    French and German, every catalog approved, built once."""
    pages = dict(SAMPLE_PAGES)
    pages["safety"] += f"\n{CONTACT}\n"
    translations = {lang: tagged(lang, leave_out="") for lang in ("fr", "de")}
    root = make_project(tmp_path / "site", pages, ("fr", "de"), translations=translations)
    (root / "pyproject.toml").write_text((root / "pyproject.toml").read_text() + POLICY)
    set_publish_minimum(root, 0)
    disable_checks(root, "language")  # the stand-in translations ("[fr] …") are English
    for lang in ("fr", "de"):
        l10n(root, "review", "approve", *(str(p) for p in
             sorted((root / "locales" / lang / "LC_MESSAGES").glob("*.po"))))  # fmt: skip
    l10n(root, "build")
    assert (root / "output/fr/safety.html").is_file()
    return root


def test_a_page_with_one_translated_not_reviewed_medical_entry_is_not_published_in_that_language(
    project: Path,
) -> None:
    """The issue's test: "a page with one translated-not-reviewed medical entry is not
    published in that language, and the same entry in the interface is"."""
    line = reword(project, SAFETY_PO, CONTACT, "Contactez notre médecin")
    reword(project, UI_PO, CONTACT, "Contactez notre médecin")
    before = outputs(project)

    result = l10n(project, "build")
    assert f"fr: safety withheld: {REASON}" in result.output
    assert "removed stale output/fr/safety.html" in result.output
    assert "Contactez" not in result.output  # no "English shown instead" for a withheld page
    after = outputs(project)
    # The withheld page is removed as a deleted page is; nothing else is.
    assert set(before) - set(after) == {"fr/safety.html"} and set(after) <= set(before)
    # What changed names the page: the French pages' links to it (now to the English page),
    # its alternates in the other languages, the sitemap and the status page.
    changed = {name for name in after if after[name] != before[name]}
    french = {name for name in after if name.startswith("fr/")}
    assert changed == french | {"en/safety.html", "de/safety.html", "sitemap.xml", "status.html"}
    # The same entry in the interface, translated but not reviewed, is published.
    index = after["fr/index.html"].decode()
    assert '<a class="cta primary" href="mailto:doctor@clinic.example">Contactez notre médecin' in (
        index
    )
    assert 'href="../en/safety.html" lang="en">Safety of Cellular Therapy' in index

    # hreflang, the language switchers, the sitemap and the chooser agree: no French safety.
    assert alternates(project, "en", "safety") == ["en", "de"]
    assert alternates(project, "de", "safety") == ["en", "de"]
    assert alternates(project, "fr", "cost") == ["en", "fr", "de"]
    urls = sitemap(project)
    assert f"{BASE_URL}fr/safety.html" not in urls
    assert urls[f"{BASE_URL}de/safety.html"] == ["en", "de", "x-default"]
    assert urls[f"{BASE_URL}fr/cost.html"] == ["en", "fr", "de", "x-default"]
    assert chooser(project) == ["en", "fr", "de"]  # it leads to the first page, published
    status = after["status.html"].decode()
    assert "<code>safety</code>: " + REASON in status

    # l10n check agrees: an error naming the entry, and why the page is withheld.
    checked = run(project, "check", "--lang", "fr", "--no-source", "--format", "json")
    assert checked.exit_code == 1
    findings = json.loads(checked.output)["findings"]
    review = [(f["file"], f["line"], f["msgid"]) for f in findings if f["check"] == "review"]
    assert review == [(SAFETY_PO, line, CONTACT)]
    withheld = [f for f in findings if f["check"] == "withheld"]
    assert [(w["severity"], w["domain"], w["line"], w["message"]) for w in withheld] == [
        ("warning", "safety", line, f"safety is not published in fr: {REASON}")
    ]

    # The preview still shows the page, the entry marked as awaiting review.
    l10n(project, "build", "--include-machine")
    preview = (project / "output-preview/fr/safety.html").read_text()
    assert '<p class="unreviewed">Contactez notre médecin</p>' in preview
    assert outputs(project) == after  # output/ is not touched by a preview

    # Approved: the page is published again, and named everywhere.
    l10n(project, "review", "approve", f"{SAFETY_PO}:{line}")
    result = l10n(project, "build")
    assert "withheld" not in result.output
    assert (project / "output/fr/safety.html").is_file()
    assert alternates(project, "de", "safety") == ["en", "fr", "de"]
    assert sitemap(project)[f"{BASE_URL}fr/safety.html"] == ["en", "fr", "de", "x-default"]
    assert "Contactez notre médecin" in (project / "output/fr/safety.html").read_text()
    checked = run(project, "check", "--lang", "fr", "--no-source", "--format", "json")
    assert not [f for f in json.loads(checked.output)["findings"]
                if f["check"] in ("review", "withheld")]  # fmt: skip
    assert msgfmt_check(project / SAFETY_PO) == ""


def test_a_language_that_withholds_the_first_page_is_not_offered_by_the_chooser(
    project: Path,
) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"safety", "effectiveness"', '"index"'))
    reword(project, "locales/fr/LC_MESSAGES/index.po", "What we offer", "Ce que nous offrons")
    result = l10n(project, "build")
    assert f"fr: index withheld: {REASON}" in result.output
    assert chooser(project) == ["en", "de"]
    root = html.parse(str(project / "output" / "index.html")).getroot()
    hreflangs = [a.get("hreflang") for a in root.xpath("//link[@rel='alternate']")]
    assert hreflangs == ["en", "de", "x-default"]
    assert '"fr"' not in root.xpath("//script")[0].text  # nor does the redirect script
    assert (project / "output/fr/cost.html").is_file()


def test_a_group_may_fall_back_entry_by_entry_instead(project: Path) -> None:
    """``withhold = "entry"``: the page is published, the entry shown in English, marked."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'check = "reviewed"\n', 'check = "reviewed"\nwithhold = "entry"\n'
        )
    )
    line = reword(project, SAFETY_PO, CONTACT, "Contactez notre médecin")
    result = l10n(project, "build")
    assert "withheld" not in result.output
    assert (
        f"{SAFETY_PO}:{line}: [fr] QA review: translated, but the medical pages need reviewed"
        in (" ".join(result.output.split()))
    )
    page = (project / "output/fr/safety.html").read_text()
    assert f'<p lang="en" class="untranslated">{CONTACT}</p>' in page
    checked = run(project, "check", "--lang", "fr", "--no-source", "--format", "json")
    checks = {f["check"] for f in json.loads(checked.output)["findings"]}
    assert "review" in checks and "withheld" not in checks


def test_a_withhold_setting_that_does_not_exist_is_a_configuration_error(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text().replace(
        'domains = ["ui"]\n', 'domains = ["ui"]\nwithhold = "site"\n'
    )
    pyproject.write_text(text)
    result = l10n(project, "check", code=2)
    assert "interface.withhold: 'site' is not one of page, entry" in " ".join(result.output.split())


def test_an_old_address_of_a_withheld_page_leads_nowhere_in_that_language(project: Path) -> None:
    source = project / "source/safety.md"
    source.write_text(
        source.read_text().replace(
            "slug: safety\n", "slug: safety\nredirect_from: [side-effects]\n"
        )
    )
    l10n(project, "build")
    assert (project / "output/fr/side-effects.html").is_file()
    reword(project, SAFETY_PO, CONTACT, "Contactez notre médecin")
    result = l10n(project, "build")
    assert "removed stale output/fr/side-effects.html" in result.output
    assert not (project / "output/fr/side-effects.html").exists()
    assert (project / "output/de/side-effects.html").is_file()
    netlify = (project / "output/_redirects").read_text()
    assert "/de/side-effects.html /de/safety.html 301" in netlify and "/fr/" not in netlify
