"""The benches reproduce: pinned inputs, and a reference tool's bad output is a finding."""

from __future__ import annotations

import functools
import re
import shutil
from pathlib import Path

import pytest

from bench import catalog_update
from bench.checks_heldout import HELD_OUT
from bench.checks_precision import CORPORA, load_labels
from bench.corpus import WHEELS, corpus_digest, markdown_text, paragraph_scenario, short_scenario

needs_msgfmt = pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU msgfmt missing")


def test_the_corpus_is_pinned_by_version_and_hash() -> None:
    lines = [line for line in WHEELS.read_text("utf-8").splitlines() if "==" in line]
    assert lines
    assert all(" --hash=sha256:" in line for line in lines)
    assert len(corpus_digest()) == 12


def test_the_held_out_catalogs_are_pinned_and_none_was_tuned_on() -> None:
    pinned = [line for line in HELD_OUT.read_text("utf-8").splitlines() if "==" in line]
    names = {line.split("==")[0] for line in pinned}
    assert len(pinned) == len(names) >= 4
    assert all(re.search(r"==\S+ --hash=sha256:[0-9a-f]{64}$", line) for line in pinned)
    tuned = {"django", "django-allauth", "wagtail", "sphinx"}
    assert not names & tuned and not names & set(CORPORA)
    # Every label names a corpus the benches run.
    known = {*CORPORA, *(f"heldout:{name}" for name in names)}
    assert {label.corpus.removeprefix("pofilter:") for label in load_labels()} <= known


def test_the_same_call_gives_the_same_corpus() -> None:
    first, second = short_scenario(2_000), short_scenario(2_000)
    assert [e.msgid for e in first.template.entries] == [e.msgid for e in second.template.entries]
    assert first.edited == second.edited
    assert paragraph_scenario(50).added == paragraph_scenario(50).added
    assert markdown_text(20_000) == markdown_text(20_000)


def _invalid_previous(old: Path, template: Path, out: Path) -> bool:
    """A stand-in for msgmerge 0.21 on long entries: the ``#|`` msgid wrapped into bad syntax."""
    catalog_update.msgmerge(old, template, out)
    text = out.read_text("utf-8")
    out.write_text(text.replace('#| msgid "', '#| msgid ""\n"', 1), "utf-8")
    return True


@needs_msgfmt
def test_a_reference_that_writes_an_invalid_catalog_is_a_finding(tmp_path: Path) -> None:
    scenario = paragraph_scenario(60)
    old, template = tmp_path / "old.po", tmp_path / "new.pot"
    record, theirs = catalog_update._compare(
        "update: paragraphs",
        scenario,
        tmp_path,
        "msgmerge --previous",
        functools.partial(_invalid_previous, old, template),
        runs=1,
        cap=None,
    )
    assert theirs is None  # not read as if it were a catalog
    assert record.quality["ours_valid"] is True
    assert record.quality["reference_valid"] is False
    assert "wrote an invalid catalog" in record.notes
    assert record.quality["ours_recall"] >= 90
