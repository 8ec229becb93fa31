"""Catalog update on real UI strings: the right previous msgid, no guesses for new text."""

from __future__ import annotations

import gc

import pytest

from bench.corpus import UpdateScenario, short_scenario
from pipeline.catalogs.fuzzy import FuzzyMatcher
from pipeline.catalogs.merge import merge
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


def _scored_one_by_one(
    matcher: FuzzyMatcher, queries: list[tuple[int, Entry]]
) -> list[tuple[float, int, int]]:
    return [(s, n, c) for n, e in queries for s, c in matcher.scored(e.msgid, e.msgctxt)]


def test_a_recased_reordered_string_takes_its_one_candidate_unscored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    matcher = FuzzyMatcher([Entry("Save file", "x"), Entry("Open the trash", "y")])

    def fail(*_: object) -> list[tuple[float, int]]:
        raise AssertionError("scored although the words say which candidate it is")

    monkeypatch.setattr(matcher, "scored", fail)
    assert matcher.proposals([(7, Entry("File: save!"))]) == [(100.0, 7, 0)]


@pytest.mark.parametrize(
    ("candidates", "queries"),
    [
        # Two candidates with the same words: scoring picks the closer spelling.
        (["File save", "Save file", "Cursor color"], ["save File."]),
        # Two queries with the same words: the one that loses "Save file" may take "Save files".
        (["Save file", "Save files"], ["File, save", "Save File"]),
        # The same words in another context are not the same message.
        (["Save file"], ["menu|save File"]),
        # Punctuation alone has no words to compare.
        (["...", "Save file"], ["!!!"]),
    ],
)
def test_proposals_are_those_of_scoring_each_query(
    candidates: list[str], queries: list[str]
) -> None:
    def entry(text: str, msgstr: str = "") -> Entry:
        context, _, msgid = text.rpartition("|")
        return Entry(msgid, msgstr, msgctxt=context or None)

    matcher = FuzzyMatcher([entry(text, "x") for text in candidates])
    numbered = [(n, entry(text)) for n, text in enumerate(queries)]
    assert matcher.proposals(numbered) == _scored_one_by_one(matcher, numbered)


def test_the_same_words_shortcut_changes_no_merge(
    scenario: UpdateScenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    shortcut = merge(scenario.old, scenario.template).catalog.entries
    monkeypatch.setattr(FuzzyMatcher, "proposals", _scored_one_by_one)
    scored = merge(scenario.old, scenario.template).catalog.entries
    assert [(e.msgid, e.previous_msgid, e.msgstr) for e in shortcut] == [
        (e.msgid, e.previous_msgid, e.msgstr) for e in scored
    ]


def test_of_two_strings_with_the_same_words_the_closer_spelling_is_the_edit() -> None:
    # Both score 100 with the old string (the same words in another order); the new string
    # that comes first in the template must not take it from its real edit.
    old = Catalog(entries=[Entry("Other/one/two/few", "Autre/un/deux/quelques")], lang="fr")
    template = Catalog(entries=[Entry("One/two/few/other"), Entry("Other/one/two/few.")])
    reordered, edited = merge(old, template).catalog.entries
    assert edited.previous_msgid == "Other/one/two/few" and edited.msgstr
    assert reordered.previous_msgid is None and not reordered.msgstr


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
