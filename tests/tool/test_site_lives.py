"""A site that lives: pages renamed, moved, split, merged and deleted, in the real CLI.

Each scenario edits a copy of the shipped project as an editor would, then runs
``l10n build`` and ``l10n check`` and asserts that no reviewed word was lost,
that retired catalogs are gone with their units in the memory, that old
addresses redirect, and that check, build and status.html give the same numbers.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from lxml import etree, html

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.memory.backends import open_memory
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import copy_project, l10n, msgfmt_check

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
BASE_URL = "https://clinic.example/"

Reviewed = dict[tuple[str | None, str], str]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project with its catalogs, built once."""
    project = copy_project(tmp_path_factory.mktemp("lives") / "site")
    l10n(project, "build")
    return project


@pytest.fixture
def project(base: Path, tmp_path: Path) -> Path:
    """A copy of the built project without its memory: what retiring puts there shows."""
    target = tmp_path / "site"
    shutil.copytree(base, target, ignore=shutil.ignore_patterns(".l10n"))
    return target


def run(project: Path, *args: str) -> Result:
    """The CLI on ``project``, whatever its exit code."""
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def reviewed(project: Path, lang: str, domain: str) -> Reviewed:
    """The reviewed entries (translated, not fuzzy) of one catalog."""
    path = load_config(project).catalog_path(lang, domain)
    return {e.key: e.msgstr for e in read_catalog(path).active() if e.translated and e.msgid}


def memory_domains(project: Path) -> set[tuple[str, str]]:
    """(language, domain) of every unit in the project's memory."""
    with open_memory(load_config(project).memory_location) as memory:
        return {(unit.target_lang, unit.domain) for unit in memory.units()}


def published(build_output: str) -> list[str]:
    found = re.search(r"Built \d+ pages in \d+ languages \(([^)]*)\)", build_output)
    assert found, build_output
    return found[1].split(", ")


def assert_numbers_agree(project: Path, build_output: str) -> dict[str, float]:
    """check (JSON), the build's summary and status.html give each language the same figures."""
    line = build_output.split("Complete (as l10n check counts): ")[1].splitlines()[0]
    summary = {lang: percent for lang, percent in re.findall(r"(\w+) ([\d.]+)%", line)}
    check = run(project, "check", "--format", "json")
    report = json.loads(check.stdout)
    status = html.parse(str(project / "output" / "status.html")).getroot()
    config = load_config(project)
    assert set(summary) == set(config.languages)
    for gate in report["gates"]:
        lang = gate["lang"]
        mine = [s for s in report["stats"] if s["lang"] == lang]
        section = status.xpath(f"//section[@id='{lang}']")[0]
        verdict = section.xpath("string(.//p[contains(@class, 'verdict')])")
        shown = re.search(r"([\d.]+)% translated", verdict)
        assert shown, verdict
        assert f"{gate['percent_complete']:.1f}" == summary[lang] == shown[1], lang
        words = {
            state.lower(): int(count)
            for state, count in re.findall(
                r"(\w+): (\d+) words", " ".join(section.xpath(".//ul[@class='legend']//text()"))
            )
        }
        assert words["translated"] + words["rejected"] == sum(s["translated_words"] for s in mine)
        assert words["fuzzy"] == sum(s["fuzzy_words"] for s in mine)
        assert words["untranslated"] == sum(s["untranslated_words"] for s in mine)
    gates_pass = all(gate["passed"] for gate in report["gates"])
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert check.exit_code == (0 if gates_pass and not errors else 1), errors[:3]
    return {lang: float(percent) for lang, percent in summary.items()}


def assert_retired(project: Path, base: Path, domain: str) -> None:
    """The domain's files are gone, and its reviewed units are in the memory."""
    config = load_config(project)
    assert not config.template_path(domain).exists()
    held = memory_domains(project)
    for lang in config.languages:
        assert not config.catalog_path(lang, domain).exists()
        if reviewed(base, lang, domain):
            assert (lang, domain) in held, (lang, domain)


def assert_redirects(project: Path, old: str, new: str, langs: list[str]) -> None:
    """Every published language's old address redirects to the new one, and the server files
    say the same."""
    output = project / "output"
    netlify = (output / "_redirects").read_text().splitlines()
    nginx = (output / "_redirects.map").read_text().splitlines()
    for lang in langs:
        page = html.parse(str(output / lang / f"{old}.html")).getroot()
        refresh = page.xpath("//meta[@http-equiv='refresh']/@content")[0]
        target = posixpath.normpath(
            posixpath.join(posixpath.dirname(f"{lang}/{old}.html"), refresh.split("url=")[1])
        )
        assert target == f"{lang}/{new}.html" and (output / target).is_file()
        assert page.xpath("//link[@rel='canonical']/@href") == [f"{BASE_URL}{lang}/{new}.html"]
        assert page.xpath("//meta[@name='robots']/@content") == ["noindex"]
        assert f"/{lang}/{old}.html /{lang}/{new}.html 301" in netlify
        assert f"/{lang}/{old}.html /{lang}/{new}.html;" in nginx


def assert_sitemap_lists_live_pages(project: Path, langs: list[str], pages: list[str]) -> None:
    """Every live page in every published language, each with its alternates; nothing else."""
    tree = etree.parse(str(project / "output" / "sitemap.xml"))
    locs = [loc.text for loc in tree.iter(f"{SITEMAP}loc")]
    expected = {f"{BASE_URL}{lang}/{page}.html" for lang in langs for page in pages}
    assert set(locs) == expected and len(locs) == len(expected)
    for url in tree.iter(f"{SITEMAP}url"):
        hreflangs = [link.get("hreflang") for link in url.iter(f"{XHTML}link")]
        assert hreflangs == [*langs, "x-default"]


def assert_hreflang(project: Path, page: str, langs: list[str]) -> None:
    for lang in langs:
        root = html.parse(str(project / "output" / lang / f"{page}.html")).getroot()
        alternates = root.xpath("//link[@rel='alternate']")
        assert [(a.get("hreflang"), a.get("href")) for a in alternates] == [
            *((code, f"{BASE_URL}{code}/{page}.html") for code in langs),
            ("x-default", f"{BASE_URL}en/{page}.html"),
        ]


def live_pages(project: Path) -> list[str]:
    from pipeline.source.documents import read_documents

    return [document.path for document in read_documents(load_config(project))]


def test_a_renamed_page_keeps_every_reviewed_entry_and_its_old_address(
    project: Path, base: Path
) -> None:
    config = load_config(project)
    page = project / "source" / "cost.md"
    page.write_text(page.read_text().replace("slug: cost\n", "slug: pricing\n"))
    faq = project / "source" / "faq.md"
    faq.write_text(faq.read_text() + "\nSee [what it costs](cost.html).\n")

    built = l10n(project, "build").output
    assert "retired cost: " in built and "redirect cost -> pricing recorded" in built
    for lang in config.languages:
        before = reviewed(base, lang, "cost")
        assert before and reviewed(project, lang, "pricing").items() >= before.items(), lang
        assert "fuzzy" not in config.catalog_path(lang, "pricing").read_text()
    assert_retired(project, base, "cost")
    assert (project / "redirects.txt").read_text().splitlines()[-1] == "cost pricing"
    langs = published(built)
    assert langs == ["en", *config.languages]  # French stays published
    assert_redirects(project, "cost", "pricing", langs)
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))
    assert_hreflang(project, "pricing", langs)
    # A link to the old address leads to the new page, and the editor is told to update it.
    assert "faq.md" in built and "link-moved" in built
    faq_page = html.parse(str(project / "output" / "de" / "faq.html")).getroot()
    assert "pricing.html" in faq_page.xpath("//main//a/@href")
    figures = assert_numbers_agree(project, built)
    assert figures["fr"] >= 75

    again = l10n(project, "build").output
    assert "retired" not in again and "recorded" not in again
    assert (project / "redirects.txt").read_text().count("cost pricing") == 1


def test_a_moved_page_lives_in_its_folder_in_every_language(project: Path, base: Path) -> None:
    config = load_config(project)
    (project / "source" / "guide").mkdir()
    (project / "source" / "cost.md").rename(project / "source" / "guide" / "cost.md")

    built = l10n(project, "build").output
    for lang in config.languages:
        moved = config.catalog_path(lang, "guide/cost")
        assert moved == project / "locales" / lang / "LC_MESSAGES" / "guide" / "cost.po"
        assert reviewed(project, lang, "guide/cost").items() >= reviewed(base, lang, "cost").items()
        assert msgfmt_check(moved) == ""
    template = config.template_path("guide/cost").read_text()
    assert "#: source/guide/cost.md:" in template and "#: source/cost.md" not in template
    assert_retired(project, base, "cost")
    langs = published(built)
    assert_redirects(project, "cost", "guide/cost", langs)
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))
    assert_hreflang(project, "guide/cost", langs)
    assert_numbers_agree(project, built)


def test_a_page_split_in_two_carries_every_unchanged_paragraph(
    project: Path, base: Path
) -> None:
    config = load_config(project)
    page = project / "source" / "cost.md"
    head, tail = page.read_text().split("The number of cells required", 1)
    page.write_text(head)
    (project / "source" / "cost-factors.md").write_text(
        "---\ntitle: What Else Shapes the Cost\nslug: cost-factors\norder: 6\n---\n\n"
        "The number of cells required" + tail
    )

    built = l10n(project, "build").output
    assert "retired" not in built and not (project / "redirects.txt").exists()
    for lang in config.languages:
        before = reviewed(base, lang, "cost")
        after = {**reviewed(project, lang, "cost"), **reviewed(project, lang, "cost-factors")}
        assert after.items() >= before.items(), lang
        moved = reviewed(project, lang, "cost-factors")
        assert any(msgid.startswith("The number of cells") for _, msgid in moved)
    langs = published(built)
    assert not (project / "output" / "_redirects").exists()
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))
    assert_hreflang(project, "cost-factors", langs)
    assert_numbers_agree(project, built)


def test_two_pages_merged_keep_their_reviewed_entries_and_the_old_one_redirects(
    project: Path, base: Path
) -> None:
    config = load_config(project)
    recovery = (project / "source" / "recovery.md").read_text()
    body = recovery.split("---\n", 2)[2]
    safety = project / "source" / "safety.md"
    safety.write_text(safety.read_text() + body)
    (project / "source" / "recovery.md").unlink()

    built = l10n(project, "build").output
    assert "redirect recovery -> safety recorded" in built
    for lang in config.languages:
        merged = reviewed(project, lang, "safety")
        assert merged.items() >= reviewed(base, lang, "safety").items()
        carried = {
            key: text
            for key, text in reviewed(base, lang, "recovery").items()
            if key[1] in body
        }
        assert carried and merged.items() >= carried.items(), lang
    assert_retired(project, base, "recovery")
    langs = published(built)
    assert_redirects(project, "recovery", "safety", langs)
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))
    assert_numbers_agree(project, built)


def test_a_deleted_page_is_retired_and_counted_nowhere(project: Path, base: Path) -> None:
    (project / "source" / "references.md").unlink()
    # Before the build, l10n check already leaves the page's catalogs out and says why.
    before = json.loads(run(project, "check", "--format", "json", "--no-source").stdout)
    assert {s["domain"] for s in before["stats"]} == {
        "cost", "effectiveness", "faq", "index", "recovery", "safety", "ui",
    }  # fmt: skip
    assert any(f["check"] == "retired-catalog" for f in before["findings"])

    built = l10n(project, "build").output
    assert "retired references: " in built
    assert_retired(project, base, "references")
    langs = published(built)
    for lang in langs:
        assert not (project / "output" / lang / "references.html").exists()
    assert not (project / "output" / "_redirects").exists()
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))
    figures = assert_numbers_agree(project, built)
    after = json.loads(run(project, "check", "--format", "json", "--no-source").stdout)
    assert not any(f["check"] == "retired-catalog" for f in after["findings"])
    assert {g["lang"]: f"{g['percent_complete']:.1f}" for g in after["gates"]} == {
        lang: f"{percent:.1f}" for lang, percent in figures.items()
    }


def test_a_link_to_no_page_fails_check_and_build_with_file_and_line(project: Path) -> None:
    page = project / "source" / "safety.md"
    lines = page.read_text().splitlines()
    page.write_text("\n".join(lines) + "\n\nAsk for [a treatment plan](plans.md#steps).\n")
    where = f"source/safety.md:{len(lines) + 2}: "

    checked = l10n(project, "check", "--no-qa", code=1)
    assert where in checked.output and "link to plans.md#steps" in checked.output
    built = l10n(project, "build", code=1)
    assert f"error: {where}link: link to plans.md#steps" in built.output


NESTED = """---
title: Planning a Treatment
slug: planning
order: 8
---

Read [why it works](../../index.md), [what it costs](../../cost.md#top)
and [how it is kept safe](../../safety.html).

Then come back to [this page](planning.md) or see [the references](/references.md).

A [dangling link](../missing.md) is reported at its own line.
"""


def test_a_nested_page_links_to_the_pages_above_it_in_every_language(project: Path) -> None:
    config = load_config(project)
    folder = project / "source" / "guide" / "treatment"
    folder.mkdir(parents=True)
    (folder / "planning.md").write_text(NESTED)
    (folder / "diagram.png").write_bytes(b"\x89PNG")  # not pages: reported, never silent
    (folder / "draft.md").write_text("# A draft\n\nNo front matter yet.\n")

    built = l10n(project, "build", code=1).output
    assert "source/guide/treatment/diagram.png:1: not built: only .md files are pages" in built
    assert "source/guide/treatment/draft.md:1: not built: no front matter" in built
    checked = json.loads(run(project, "check", "--format", "json", "--no-qa").stdout)
    assert {f["file"] for f in checked["findings"] if f["check"] == "not-built"} == {
        "source/guide/treatment/diagram.png",
        "source/guide/treatment/draft.md",
    }
    assert "source/guide/treatment/planning.md:12: link: link to ../missing.md" in built
    (folder / "planning.md").write_text(NESTED.rsplit("\nA [dangling", 1)[0])
    domain = "guide/treatment/planning"
    # Translated in German, link targets kept as the source has them.
    path = config.catalog_path("de", domain)
    catalog = read_catalog(path, "de", domain)
    for entry in catalog.entries:
        if entry.msgid.startswith("Read [why"):
            entry.msgstr = (
                "Lesen Sie, [warum es wirkt](../../index.md), [was es kostet](../../cost.md#top) "
                "und [wie es sicher bleibt](../../safety.html)."
            )
    write_catalog(catalog, path)
    built = l10n(project, "build").output
    langs = published(built)
    assert langs == ["en", *config.languages]
    output = project / "output"
    for lang in langs:
        relative = f"{lang}/{domain}.html"
        page = html.parse(str(output / relative)).getroot()
        hrefs = page.xpath("//a/@href") + page.xpath("//link[@rel='stylesheet']/@href")
        for href in (h for h in hrefs if not re.match(r"[a-z]+:", h)):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(relative), href))
            assert (output / target.split("#")[0]).is_file(), (relative, href)
        body_links = [h.split("#")[0] for h in page.xpath("//main//a/@href")]
        assert body_links == [
            "../../index.html", "../../cost.html", "../../safety.html",
            "planning.html", "../../references.html",
        ], lang  # fmt: skip
    german = html.parse(str(output / "de" / f"{domain}.html")).getroot()
    assert german.xpath("//main//a[@href='../../index.html']/text()") == ["warum es wirkt"]
    assert msgfmt_check(path) == ""
    assert "#: source/guide/treatment/planning.md:7" in config.template_path(domain).read_text()
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))
    assert_numbers_agree(project, built)


def test_front_matter_redirects_and_chains_lead_to_the_live_page(project: Path) -> None:
    page = project / "source" / "cost.md"
    page.write_text(
        page.read_text().replace("slug: cost\n", "slug: cost\nredirect_from: [prices]\n", 1)
    )
    (project / "redirects.txt").write_text(
        "# kept as written\narchive/old-prices prices\nbroken line here\nlost nowhere\n"
    )
    built = l10n(project, "build").output
    langs = published(built)
    assert_redirects(project, "prices", "cost", langs)
    assert_redirects(project, "archive/old-prices", "cost", langs)  # through "prices"
    assert "redirects.txt:3: redirect: expected two page paths" in built
    assert "redirects.txt:4: redirect: 'nowhere' is not a page" in built
    assert not (project / "output" / "en" / "lost.html").exists()
    assert (project / "redirects.txt").read_text().startswith("# kept as written\n")
    assert_sitemap_lists_live_pages(project, langs, live_pages(project))


def test_a_link_points_at_the_english_page_where_the_language_is_not_published(
    tmp_path: Path,
) -> None:
    from pipeline.site.published import Language, Site
    from pipeline.source.documents import parse_document
    from pipeline.source.links import SiteLinks
    from pipeline.source.redirects import Redirects

    top = parse_document("---\ntitle: T\nslug: index\norder: 1\n---\n", "source/index.md")
    nested = parse_document(
        "---\ntitle: N\nslug: nested\norder: 2\n---\n", "source/guide/nested.md", "guide"
    )
    documents = (top, nested)
    site = Site(
        BASE_URL,
        Language.of("en"),
        (Language.of("en"), Language.of("de")),
        documents,
        links=SiteLinks(documents, Redirects({}, []), "source"),
    )
    assert site.link(nested, "de", "../index.md#a") == "../index.html#a"
    assert site.link(nested, "fr", "../index.md#a") == "../../en/index.html#a"
    assert site.link(top, "de", "guide/nested.html") == "guide/nested.html"
    assert site.link(top, "de", "https://example.org/x.md") == "https://example.org/x.md"
    assert site.link(top, "de", "missing.md") == "missing.md"  # the build reports it
