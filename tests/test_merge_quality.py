"""Catalog update on real UI strings: the right previous msgid, no guesses for new text."""

from __future__ import annotations

import gc

import pytest

from bench.corpus import UpdateScenario, short_scenario
from pipeline.catalog import FuzzyMatcher, merge
from pipeline.model import Catalog, Entry


@pytest.fixture(scope="module")
def scenario() -> UpdateScenario:
    """3,000 real UI strings with their French translations; 5% edited, 2% removed, 2% new."""
    return short_scenario(3_000)


def test_edited_strings_are_proposed_from_their_own_previous_version(
    scenario: UpdateScenario,
) -> None:
    result = merge(scenario.old, scenario.template)
    index = result.catalog.index()
    edited_right = sum(
        1
        for key, previous in scenario.edited.items()
        if (index[key].previous_msgctxt, index[key].previous_msgid) == previous
    )
    proposals = [k for k in [*scenario.edited, *scenario.added] if index[k].previous_msgid]
    guessed_new = [k for k in scenario.added if index[k].previous_msgid is not None]
    assert edited_right / len(scenario.edited) >= 0.98  # recall
    assert edited_right / len(proposals) >= 0.98  # precision
    assert len(guessed_new) <= 0.05 * len(scenario.added)
    for key in scenario.edited:
        entry = index[key]
        assert entry.previous_msgid is None or (entry.fuzzy and entry.msgstr)


def test_a_short_string_edited_twice_gets_a_second_chance() -> None:
    # 73% alike in characters, 80% in words: below the threshold, yet the only close one.
    matcher = FuzzyMatcher([Entry("Wide Format", "x"), Entry("The current color", "y")])
    assert [n for _, n in matcher.scored("Wide current Format.", None)] == [0]


def test_no_second_chance_when_two_candidates_qualify() -> None:
    # "Wide Format." is as close as "Wide Format": neither is proposed.
    matcher = FuzzyMatcher([Entry("Wide Format", "x"), Entry("Wide Format.", "y")])
    assert matcher.scored("Wide current Format.", None) == []


def test_no_second_chance_for_strings_that_share_letters_but_not_words() -> None:
    matcher = FuzzyMatcher([Entry("Cursor color", "x"), Entry("Baseline position", "y")])
    assert matcher.scored("Cursor Position", None) == []


def test_candidates_in_another_context_are_not_proposed() -> None:
    matcher = FuzzyMatcher([Entry("Open the file", "x", msgctxt="menu")])
    assert matcher.scored("Open the files", "button") == []
    assert [n for _, n in matcher.scored("Open the files", "menu")] == [0]


def test_unchanged_entries_are_reused_and_changed_ones_copied() -> None:
    same = Entry("Risks", "Risiken", references=["a.md:1"], flags=["no-wrap"])
    moved = Entry("Dose", "Dosis", references=["a.md:2"], translator_comments=["checked"])
    old = Catalog(entries=[same, moved], lang="de")
    template = Catalog(
        entries=[
            Entry("Risks", references=["a.md:1"]),
            Entry("Dose", references=["a.md:9"], auto_comments=["heading"]),
        ]
    )
    kept, updated = merge(old, template).catalog.entries
    assert kept is same and kept.flags == ["no-wrap"]
    assert updated is not moved and moved.references == ["a.md:2"]
    assert (updated.msgstr, updated.references, updated.auto_comments) == (
        "Dosis",
        ["a.md:9"],
        ["heading"],
    )
    assert updated.translator_comments == ["checked"]
    assert gc.isenabled()


def test_a_kept_fuzzy_entry_keeps_its_previous_msgid() -> None:
    old = Catalog(
        entries=[Entry("Dose", "Dosis", flags=["fuzzy"], previous_msgid="Doses")], lang="de"
    )
    (entry,) = merge(old, Catalog(entries=[Entry("Dose", flags=["python-format"])])).catalog.entries
    assert (entry.flags, entry.previous_msgid) == (["fuzzy", "python-format"], "Doses")
