from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from pipeline.catalogs.fuzzy import FuzzyMatcher
from pipeline.catalogs.merge import merge
from pipeline.catalogs.update import update_catalog, update_catalogs
from pipeline.catalogs.writing import write_if_changed
from pipeline.config import Config, load_config
from pipeline.files import FileChangedError
from pipeline.model import Catalog, Entry, Segment
from pipeline.po.reader import parse_catalog, read_catalog, read_catalog_file
from pipeline.po.writer import format_catalog, format_entry, write_catalog
from tests.projects import msgfmt_check

PARAGRAPH = (
    "Cytokine Release Syndrome (CRS) is one of the most common side effects, resulting from "
    "rapid immune activation and elevated cytokine levels. Symptoms may include fever, fatigue, "
    "and inflammatory responses."
)
EDITED = PARAGRAPH.replace("fever, fatigue", "fever, chills, fatigue")


def catalog(*entries: Entry, lang: str | None = "de") -> Catalog:
    return Catalog(entries=list(entries), lang=lang, domain="safety")


def test_translations_are_kept_and_references_follow_the_template() -> None:
    old = catalog(
        Entry("Risks", "Risiken", references=["source/safety.md:3"], translator_comments=["ok"])
    )
    new = catalog(
        Entry("Risks", references=["source/safety.md:9"], auto_comments=["heading"]), lang=None
    )
    merged = merge(old, new).catalog.entries
    assert len(merged) == 1
    assert (merged[0].msgstr, merged[0].references, merged[0].auto_comments) == (
        "Risiken",
        ["source/safety.md:9"],
        ["heading"],
    )
    assert merged[0].translator_comments == ["ok"] and not merged[0].fuzzy


def test_changed_source_becomes_fuzzy_with_previous_msgid() -> None:
    old = catalog(Entry(PARAGRAPH, "Das Zytokin-Freisetzungssyndrom (CRS) ..."))
    result = merge(old, catalog(Entry(EDITED), lang=None))
    (entry,) = result.catalog.entries
    assert entry.fuzzy and entry.previous_msgid == PARAGRAPH
    assert entry.msgstr.startswith("Das Zytokin")
    assert (result.fuzzy, result.obsolete, result.new) == (1, 0, 0)


def test_removed_strings_become_obsolete_and_are_not_lost() -> None:
    old = catalog(Entry("Old heading", "Alte Überschrift"), Entry("Untranslated"))
    result = merge(old, catalog(Entry("Something entirely different"), lang=None))
    obsolete = [e for e in result.catalog.entries if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in obsolete] == [("Old heading", "Alte Überschrift")]
    assert '#~ msgid "Old heading"' in format_catalog(result.catalog)


def test_obsolete_entry_comes_back_fuzzy_when_its_text_returns() -> None:
    old = catalog(Entry("Risks", "Risiken", obsolete=True))
    (entry,) = merge(old, catalog(Entry("Risks"), lang=None)).catalog.entries
    assert entry.msgstr == "Risiken" and entry.fuzzy and not entry.obsolete


def test_no_guess_for_a_brand_new_string() -> None:
    old = catalog(Entry("Hospitalization and clinical monitoring", "Krankenhausaufenthalt"))
    (entry, gone) = merge(
        old, catalog(Entry("Geographic location and infrastructure"), lang=None)
    ).catalog.entries
    assert entry.msgstr == "" and not entry.fuzzy and gone.obsolete


def test_a_live_entry_is_never_borrowed_for_a_new_one() -> None:
    old = catalog(Entry("Save the file", "Datei speichern"))
    template = catalog(Entry("Save the file"), Entry("Save the files"), lang=None)
    kept, new = merge(old, template).catalog.entries
    assert kept.msgstr == "Datei speichern" and new.msgstr == "" and not new.fuzzy


def test_msgctxt_is_respected() -> None:
    old = catalog(Entry("Low / variable", "Niedrig / variabel", msgctxt="table cell"))
    template = catalog(Entry("Low / variables", msgctxt="heading"), lang=None)
    (entry, _) = merge(old, template).catalog.entries
    assert entry.msgstr == ""


def test_each_old_entry_is_the_previous_version_of_one_new_entry_only() -> None:
    old = catalog(Entry(PARAGRAPH, "übersetzt"))
    template = catalog(Entry(EDITED), Entry(EDITED + " More."), lang=None)
    first, second = merge(old, template).catalog.entries
    assert first.fuzzy and first.msgstr == "übersetzt"
    assert second.msgstr == "" and not second.fuzzy


def test_matcher_finds_a_typo_fix_in_a_short_string() -> None:
    matcher = FuzzyMatcher([Entry("Complete Remision Rate", "x"), Entry("Number of Sessions", "y")])
    assert [n for _, n in matcher.scored("Complete Remission Rate", None)] == [0]
    assert matcher.scored("Geographic location", None) == []


def test_update_writes_valid_catalogs_and_is_idempotent(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.l10n]\nlanguages = ["de", "ar"]\n')
    config = load_config(tmp_path)
    segments = [
        Segment("Risks", "safety", "source/safety.md", 5, "heading", "heading, level 2"),
        Segment(
            "It starts at {cost_from}.",
            "safety",
            "source/safety.md",
            7,
            "paragraph",
            flags=("python-brace-format",),
        ),
    ]
    first = update_catalogs(config, segments)
    assert len(first.written) == 3 and not first.errors
    for path in first.written:
        assert msgfmt_check(path) == ""
    ar = read_catalog(config.catalog_path("ar", "safety"))
    assert ar.metadata["Plural-Forms"].startswith("nplurals=6;")
    assert ar.metadata["Last-Translator"] == config.team
    mtimes = {p: os.stat(p).st_mtime_ns for p in first.written}
    contents = {p: p.read_bytes() for p in first.written}
    assert update_catalogs(config, segments).written == []
    assert {p: os.stat(p).st_mtime_ns for p in first.written} == mtimes
    assert {p: p.read_bytes() for p in first.written} == contents


def german_safety_catalog(tmp_path: Path) -> tuple[Config, Path]:
    """A project with German only, and the path its "safety" catalog gets (not yet written)."""
    (tmp_path / "pyproject.toml").write_text('[tool.l10n]\nlanguages = ["de"]\n')
    config = load_config(tmp_path)
    path = config.catalog_path("de", "safety")
    path.parent.mkdir(parents=True)
    return config, path


def test_unreadable_catalog_is_reported_and_left_alone(tmp_path: Path) -> None:
    config, path = german_safety_catalog(tmp_path)
    path.write_text('msgid "Risks"\nmsgstr "Risiken\n')
    report = update_catalogs(config, [Segment("Risks", "safety", "source/safety.md", 5, "heading")])
    assert len(report.errors) == 1 and "safety.po:2" in report.errors[0]
    assert path.read_text() == 'msgid "Risks"\nmsgstr "Risiken\n'


def test_write_if_changed_ignores_only_timestamps(tmp_path: Path) -> None:
    path = tmp_path / "x.po"

    def with_header(entry: Entry) -> Catalog:
        result = catalog(entry)
        result.header = Entry("", "Language: de\nPO-Revision-Date: 2025-01-01 00:00+0000\n")
        return result

    assert write_if_changed(with_header(Entry("a", "b")), path, stamp="2026-01-01 00:00+0000")
    assert "PO-Revision-Date: 2026-01-01" in path.read_text()
    assert not write_if_changed(with_header(Entry("a", "b")), path, stamp="2026-02-02 00:00+0000")
    assert write_if_changed(with_header(Entry("a", "c")), path, stamp="2026-02-02 00:00+0000")
    assert "PO-Revision-Date: 2026-02-02" in path.read_text()


def test_an_entry_changed_in_place_after_reading_is_written(tmp_path: Path) -> None:
    """The file as read is what the catalog is compared with, not its (shared) entries."""
    path = tmp_path / "x.po"
    path.write_text(
        'msgid ""\nmsgstr "Language: de\\n"\n\nmsgid "a"\nmsgstr "b"\n\n'
        '#, fuzzy\nmsgid "c"\nmsgstr "d"\n'
    )
    as_read = read_catalog_file(path, "de")
    assert as_read is not None
    assert not write_if_changed(as_read.catalog, path, as_read=as_read)
    as_read.catalog.entries[1].fuzzy = False
    as_read.catalog.entries[0].msgstr = "B"
    assert write_if_changed(as_read.catalog, path, as_read=as_read)
    text = path.read_text()
    assert 'msgstr "B"' in text and "fuzzy" not in text


def test_an_empty_catalog_gets_a_complete_header(tmp_path: Path) -> None:
    config, path = german_safety_catalog(tmp_path)
    path.write_text("")
    update_catalogs(config, [Segment("Risks", "safety", "source/safety.md", 5, "heading")])
    metadata = read_catalog(path).metadata
    assert metadata["Language"] == "de" and metadata["Plural-Forms"].startswith("nplurals=2")
    assert msgfmt_check(path) == ""


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def rewrapped(text: str) -> str:
    """``text`` laid out as an editor with another page width might save it: long strings
    start on the keyword's line and break every 40 characters."""
    lines: list[str] = []
    parsed = parse_catalog(text)
    for entry in [parsed.header, *parsed.entries]:
        lines += [f"# {comment}" for comment in entry.translator_comments]
        lines += [f"#. {comment}" for comment in entry.auto_comments]
        lines += [f"#: {' '.join(entry.references)}"] if entry.references else []
        lines += [f"#, {', '.join(entry.flags)}"] if entry.flags else []
        for keyword, value in (("msgid", entry.msgid), ("msgstr", entry.msgstr)):
            pieces = [escape(value[i : i + 40]) for i in range(0, len(value), 40)] or [""]
            lines.append(f'{keyword} "{pieces[0]}"')
            lines += [f'"{piece}"' for piece in pieces[1:]]
        lines.append("")
    return "\n".join(lines)


SECOND = (
    "Neurotoxicity (ICANS) may appear days after the infusion: confusion, difficulty "
    "speaking, tremor or seizures. Patients stay near the clinic for four weeks."
)


def test_an_update_rewrites_only_the_entries_it_changes(tmp_path: Path) -> None:
    config, path = german_safety_catalog(tmp_path)
    segments = [
        Segment(PARAGRAPH, "safety", "source/safety.md", 5, "paragraph"),
        Segment(SECOND, "safety", "source/safety.md", 7, "paragraph"),
    ]
    update_catalogs(config, segments)
    translated = read_catalog(path)
    for entry in translated.entries:
        entry.msgstr = f"Übersetzt, lang genug, um umbrochen zu werden: {entry.msgid}"
    # Saved by an editor that lays entries out its own way.
    theirs = rewrapped(format_catalog(translated))
    path.write_text(theirs)
    assert format_catalog(read_catalog(path)) == format_catalog(translated)
    mtime = os.stat(path).st_mtime_ns

    assert update_catalogs(config, segments).written == []
    assert path.read_text() == theirs and os.stat(path).st_mtime_ns == mtime

    edited = [Segment(EDITED, "safety", "source/safety.md", 5, "paragraph"), segments[1]]
    report = update_catalogs(config, edited)
    assert report.written == [config.template_path("safety"), path]
    text = path.read_text()
    updated = read_catalog(path)
    entry = updated.index()[None, EDITED]
    assert entry.fuzzy and entry.previous_msgid == PARAGRAPH and entry.msgstr.startswith("Über")
    # The edited entry and the header are in gettext's layout; the other is as it was.
    blocks = theirs.rstrip("\n").split("\n\n")
    unchanged = next(block for block in blocks if f'"{SECOND[:30]}' in block)
    assert f"\n\n{unchanged}\n" in text
    assert text.startswith(format_entry(updated.header))
    assert f"\n{format_entry(entry)}" in text
    assert format_catalog(updated) != text
    assert msgfmt_check(path) == ""


def test_write_if_changed_reads_another_editors_layout_as_the_same_content(
    tmp_path: Path,
) -> None:
    path = tmp_path / "x.po"
    translated = catalog(Entry(PARAGRAPH, "Ein Absatz, lang genug, um umbrochen zu werden."))
    path.write_text(rewrapped(format_catalog(translated)))
    before = path.read_bytes()
    assert not write_if_changed(translated, path, stamp="2026-01-01 00:00+0000")
    assert path.read_bytes() == before
    assert write_if_changed(catalog(Entry(PARAGRAPH, "Anders.")), path)
    assert path.read_text() == format_catalog(catalog(Entry(PARAGRAPH, "Anders.")))


def test_an_update_keeps_an_entrys_lines_after_two_blank_lines(tmp_path: Path) -> None:
    config, path = german_safety_catalog(tmp_path)
    segments = [
        Segment("Alpha", "safety", "source/safety.md", 1, "paragraph"),
        Segment("Beta", "safety", "source/safety.md", 3, "paragraph"),
    ]
    update_catalogs(config, segments)
    header = path.read_text().split("\n\n")[0]
    alpha = '#: source/safety.md:1\nmsgid ""\n"Alpha"\nmsgstr ""\n"A"\n'
    path.write_text(f'{header}\n\n{alpha}\n\n#: source/safety.md:3\nmsgid "Beta"\nmsgstr "B"\n')
    moved = [segments[0], Segment("Beta", "safety", "source/safety.md", 4, "paragraph")]
    assert path in update_catalogs(config, moved).written
    updated = path.read_text()
    assert f"\n\n{alpha}\n#: source/safety.md:4\nmsgid" in updated


def test_a_catalog_that_cannot_be_read_is_reported_and_the_others_updated(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.l10n]\nlanguages = ["de", "fr"]\n')
    config = load_config(tmp_path)
    config.catalog_path("de", "safety").mkdir(parents=True)  # a folder where the file should be
    report = update_catalogs(config, [Segment("Risks", "safety", "source/safety.md", 5, "heading")])
    assert len(report.errors) == 1 and "de/LC_MESSAGES/safety.po" in report.errors[0]
    assert config.catalog_path("fr", "safety") in report.written


def test_an_update_leaves_a_file_saved_during_it_as_saved(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    write_catalog(Catalog(entries=[Entry("Dose", "Dosis")], lang="de"), path)

    def translator_saves(_entry: Entry, _source: Entry | None) -> None:
        write_catalog(Catalog(entries=[Entry("Dose", "Die Dosis")], lang="de"), path)

    template = Catalog(entries=[Entry("Dose"), Entry("Risks")])
    with pytest.raises(FileChangedError):
        update_catalog(path, template, Catalog(lang="de"), leverage=translator_saves)
    assert [(e.msgid, e.msgstr) for e in read_catalog(path).entries] == [("Dose", "Die Dosis")]


def test_the_update_stage_runs_with_the_cycle_collector_paused_each_time(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.l10n]\nlanguages = ["de"]\n')
    config = load_config(tmp_path)
    seen: list[bool] = []

    def leverage_for(_lang: str) -> None:
        seen.append(gc.isenabled())

    for text in ("Risks", "Side effects"):
        segments = [Segment(text, "safety", "source/safety.md", 5, "heading")]
        update_catalogs(config, segments, leverage_for=leverage_for)
        assert gc.isenabled()
    assert seen == [False, False]
