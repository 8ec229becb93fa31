"""Review states beyond fuzzy: kept in the .po, judged with the memory, required per page group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from translate.storage.po import pofile

from pipeline.catalogs.review import ReviewState, entry_state, set_entry_state
from pipeline.catalogs.writing import write_if_changed
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.units import Unit
from pipeline.model import Catalog, Entry, Origin, OriginKind, machine_comment
from pipeline.po.reader import parse_catalog, read_catalog, read_catalog_file
from pipeline.po.writer import format_catalog, write_catalog
from tests.projects import (
    POLICY,
    SAMPLE_PAGES,
    l10n,
    make_project,
    msgfmt_check,
    set_publish_minimum,
    tagged,
)

FAQ = "locales/fr/LC_MESSAGES/faq.po"
LIBRE = Origin(OriginKind.MACHINE, "libre")


def entries_in_every_state() -> Catalog:
    return Catalog(
        header=Entry(msgid="", msgstr="Language: fr\nContent-Type: text/plain; charset=UTF-8\n"),
        entries=[
            Entry("One"),
            Entry("Two", "Deux", flags=["fuzzy"],
                  translator_comments=[machine_comment("libre"), "suggestion: machine 100% "
                                       "from mt:libre, 2026-11-27"]),
            Entry("Three", "Trois"),
            Entry("Four", "Quatre", translator_comments=["reviewed by Ana, 2026-12-01"]),
        ],
        lang="fr",
    )  # fmt: skip


def test_states_survive_a_translate_toolkit_load_and_save(tmp_path: Path) -> None:
    path = tmp_path / "states.po"
    write_catalog(entries_in_every_state(), path)
    states = [entry_state(e) for e in read_catalog(path, "fr").entries]
    assert states == [ReviewState.UNTRANSLATED, ReviewState.PROPOSED,
                      ReviewState.TRANSLATED, ReviewState.REVIEWED]  # fmt: skip
    store = pofile.parsestring(path.read_bytes())
    store.units[1].target = "Un"  # a translator fills "One": the others stay as they were
    saved = bytes(store)
    reread = parse_catalog(saved.decode(), "states.po", "fr")
    assert [entry_state(e) for e in reread.entries] == [ReviewState.TRANSLATED, *states[1:]]
    assert reread.entries[3].translator_comments == ["reviewed by Ana, 2026-12-01"]


def test_review_states_round_trip_through_format_and_parse() -> None:
    catalog = entries_in_every_state()
    again = parse_catalog(format_catalog(catalog), "x.po", "fr")
    assert [entry_state(e) for e in again.entries] == [entry_state(e) for e in catalog.entries]


# ---------------------------------------------------------------------------
# The Poedit trap: a proposal edited and accepted is human; one accepted as it came is not
# ---------------------------------------------------------------------------


def run(project: Path, *args: str) -> Result:
    """The command's result, whatever its exit code (the French gate is not the point here)."""
    return CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)


def provenance_findings(project: Path) -> dict[str, str]:
    result = run(project, "check", "--lang", "fr", "--no-source", "--format", "json")
    findings = json.loads(result.output)["findings"]
    return {f["msgid"]: f["message"] for f in findings if f["check"] == "provenance"}


@pytest.fixture
def machine_project(tmp_path: Path) -> tuple[Path, str, str]:
    """The shipped site with two French FAQ answers prefilled by a machine, then saved in an
    editor with "Needs work" cleared: one edited, one left as the machine sent it."""
    faq = SAMPLE_PAGES["faq"].splitlines()
    answers = [text for text in faq if text.startswith(("CAR-T", "The"))]
    tag = tagged("fr")

    def translate(domain: str, entry: Entry) -> str | None:
        return None if entry.msgid in answers else tag(domain, entry)

    project = make_project(tmp_path / "site", SAMPLE_PAGES, ("fr",), translations={"fr": translate})
    path = project / FAQ
    catalog = read_catalog(path, "fr", "faq")
    empty = [e for e in catalog.entries if e.msgid in answers]
    assert len(empty) == 2
    verbatim, edited = empty
    config = load_config(project)
    with SqliteMemory(config.memory_location) as memory:
        memory.add(
            Unit(e.msgid, f"Texte machine {n}.", "en", "fr", LIBRE) for n, e in enumerate(empty)
        )
    for number, entry in enumerate(empty):
        entry.msgstr = f"Texte machine {number}."
        entry.translator_comments = [machine_comment("libre")]
    edited.msgstr = "Texte revu par une traductrice."
    write_catalog(catalog, path)
    return project, verbatim.msgid, edited.msgid


def test_an_edited_machine_proposal_is_human_and_a_verbatim_one_needs_approval(
    machine_project: tuple[Path, str, str],
) -> None:
    project, verbatim, _edited = machine_project
    findings = provenance_findings(project)
    assert set(findings) == {verbatim}
    assert "l10n review approve locales/fr/LC_MESSAGES/faq.po:" in findings[verbatim]

    # A build syncs the memory: the edited text goes in as the translator's, and stays so.
    run(project, "build", "--lang", "fr")
    assert set(provenance_findings(project)) == {verbatim}

    line = next(e.lineno for e in read_catalog(project / FAQ, "fr", "faq").entries
                if e.msgid == verbatim)  # fmt: skip
    result = l10n(project, "review", "approve", f"{FAQ}:{line + 2}", "--by", "Ana")
    assert f"{FAQ}:{line}: proposed → reviewed" not in result.output  # the .po said translated
    assert f"{FAQ}:{line}: translated → reviewed" in result.output
    assert provenance_findings(project) == {}
    approved = read_catalog(project / FAQ, "fr", "faq").index()[(None, verbatim)]
    assert approved.translator_comments[-1].startswith("reviewed by Ana, ")
    assert msgfmt_check(project / FAQ) == ""


# ---------------------------------------------------------------------------
# The policy per page group
# ---------------------------------------------------------------------------


def test_medical_pages_need_reviewed_text_and_the_interface_translated(tmp_path: Path) -> None:
    french = {"fr": tagged("fr")}
    project = make_project(tmp_path / "site", SAMPLE_PAGES, ("fr",), translations=french)
    set_publish_minimum(project, 0)  # French is published whatever falls back to English
    (project / "pyproject.toml").write_text((project / "pyproject.toml").read_text() + POLICY)
    l10n(project, "review", "approve", FAQ)  # the reviewer approves the whole FAQ...
    faq = project / FAQ
    as_read = read_catalog_file(faq, "fr", "faq")
    assert as_read is not None
    unreviewed = as_read.catalog.index()[(None, "Is CAR-T therapy safe?")]
    # ...then a translator rewords one question in an editor: translated, no longer reviewed.
    unreviewed.msgstr = "[fr] La thérapie CAR-T est-elle sans danger ?"
    set_entry_state(unreviewed, ReviewState.TRANSLATED)
    write_if_changed(as_read.catalog, faq, as_read=as_read)

    result = run(project, "check", "--lang", "fr", "--no-source", "--format", "json")
    review = [f for f in json.loads(result.output)["findings"] if f["check"] == "review"]
    assert result.exit_code == 1
    # The FAQ was approved but for one entry; the other medical pages were never reviewed.
    assert [f["msgid"] for f in review if f["domain"] == "faq"] == ["Is CAR-T therapy safe?"]
    assert {f["domain"] for f in review} == {"faq", "safety", "effectiveness"}
    assert "the medical pages need reviewed" in review[0]["message"]

    # The medical pages are not published in French until every entry of theirs is reviewed.
    result = l10n(project, "build", "--lang", "fr")
    output = " ".join(result.output.split())
    for page in ("faq", "safety", "effectiveness"):
        assert f"fr: {page} withheld: " in output
    assert "1 entry translated but not reviewed (publish needs reviewed)" in output
    assert not (project / "output/fr/faq.html").exists()
    page = (project / "output/fr/cost.html").read_text()
    ui_text = read_catalog(project / "locales/fr/LC_MESSAGES/ui.po", "fr", "ui")
    interface = next(e for e in ui_text.entries if e.msgid == "Contact our doctor")
    assert entry_state(interface) is ReviewState.TRANSLATED
    assert interface.msgstr in page  # translated is enough for the interface


def test_a_review_level_that_does_not_exist_is_a_configuration_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "site", SAMPLE_PAGES, ("fr",))
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text()
        + POLICY.replace('check = "reviewed"', 'check = "approved"')
    )
    result = l10n(project, "check", code=2)
    assert "'approved' is not one of translated, reviewed" in " ".join(result.output.split())
