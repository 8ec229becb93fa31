"""Read-only folders and a full disk, for real: one line, exit 1, nothing half-written or stray.

The CLI runs in a subprocess where permission bits apply (as root: a user namespace
without root's capabilities), or on a project whose folders are small filesystems of
their own that fill up (a user and mount namespace with tmpfs): see tests/faults.py.
After each fault the files it kept from being written are as they were, no temporary
file is left, and the same command succeeds once the fault is gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.faults import on_small_filesystems, read_only, run_unprivileged
from tests.projects import (
    SAMPLE_PAGES,
    disable_checks,
    l10n,
    make_project,
    set_publish_minimum,
    tagged,
)

ADDED = "Cells are counted again on the morning of the infusion."
CHANGED = "Unsere Klinik"  # a German translation a translator changed
# Larger than the room left on a nearly full filesystem: a write of it is cut short.
LONG = " ".join(
    f"Sample {n} of the collected cells is frozen, labelled and stored before treatment."
    for n in range(60)
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small translated project, built once (its memory in a folder of its own)."""
    project = make_project(
        tmp_path_factory.mktemp("faults") / "site",
        SAMPLE_PAGES,
        ("de",),
        settings='memory = "tm/memory.sqlite3"\n',
        translations={"de": tagged("de")},
    )
    disable_checks(project, "language")  # the stand-in translations are English
    set_publish_minimum(project, 0)
    l10n(project, "build")
    return project


@pytest.fixture
def edited(built: Path, tmp_path: Path) -> Path:
    """A copy of the built project whose FAQ page gained a paragraph, and a German
    translation a translator changed: every catalog, page and the memory need writing."""
    project = tmp_path / "site"
    shutil.copytree(built, project, symlinks=True)
    faq = project / "source" / "faq.md"
    faq.write_text(faq.read_text() + f"\n{ADDED}\n\n{LONG}\n")
    catalog = project / "locales" / "de" / "LC_MESSAGES" / "index.po"
    text = catalog.read_text()
    assert '"[de] Our clinic treats' in text
    catalog.write_text(text.replace('"[de] Our clinic', f'"[de] {CHANGED}', 1))
    return project


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def temporaries(files: dict[str, str]) -> list[str]:
    return [name for name in files if name.endswith(".tmp")]


def one_line_errors(stderr: str, *wanted: str) -> None:
    """Every line of ``stderr`` a message of one line, and one of them holding ``wanted``."""
    assert "Traceback" not in stderr, stderr
    lines = stderr.splitlines()
    assert lines and all(line.startswith(("error: ", "warning: ")) for line in lines), stderr
    assert any(all(part in line for part in wanted) for line in lines), stderr


# -- read-only folders ------------------------------------------------------------------


def test_a_read_only_catalog_folder_is_one_line_and_no_catalog_is_touched(edited: Path) -> None:
    folder = edited / "locales" / "de" / "LC_MESSAGES"
    before = digests(folder)
    with read_only(folder):
        done = run_unprivileged(edited, "build")
    assert done.returncode == 1
    one_line_errors(done.stderr, "locales/de/LC_MESSAGES/faq.po", "Permission denied")
    assert digests(folder) == before
    assert temporaries(digests(edited)) == []
    # Like msgmerge that cannot write: the pages are still made, from the catalogs there are.
    assert ADDED in (edited / "output" / "en" / "faq.html").read_text()
    again = run_unprivileged(edited, "build")
    assert again.returncode == 0, again.stderr
    assert ADDED in (folder / "faq.po").read_text()


def test_a_read_only_output_folder_is_one_line_and_no_page_is_touched(edited: Path) -> None:
    folder = edited / "output"
    before = digests(folder)
    with read_only(folder):
        done = run_unprivileged(edited, "build")
    assert done.returncode == 1
    one_line_errors(done.stderr, "output/", ".html", "Permission denied")
    assert digests(folder) == before
    assert temporaries(digests(edited)) == []
    again = run_unprivileged(edited, "build")
    assert again.returncode == 0, again.stderr
    assert ADDED in (folder / "en" / "faq.html").read_text()


@pytest.mark.parametrize("locked", ["tm", "tm/memory.sqlite3"], ids=["folder", "file"])
def test_a_read_only_memory_is_one_line_and_leaves_no_file_of_sqlite(
    edited: Path, locked: str
) -> None:
    memory = edited / "tm" / "memory.sqlite3"
    before = memory.read_bytes()
    with read_only(edited / locked):
        done = run_unprivileged(edited, "build")
    assert done.returncode == 1
    one_line_errors(done.stderr, "translation memory:", "memory.sqlite3", "Permission denied")
    assert memory.read_bytes() == before
    # A -shm left with the database's read-only bits would keep the memory unwritable.
    assert sorted(p.name for p in memory.parent.iterdir()) == ["memory.sqlite3"]
    assert ADDED in (edited / "output" / "en" / "faq.html").read_text()
    again = run_unprivileged(edited, "build")
    assert again.returncode == 0, again.stderr


def test_a_read_only_state_folder_is_one_line_per_problem_and_the_site_is_built(
    edited: Path,
) -> None:
    with read_only(edited / ".l10n", edited / "tm"):
        done = run_unprivileged(edited, "build")
        assert done.returncode == 1
        one_line_errors(done.stderr, "translation memory:", "Permission denied")
        one_line_errors(done.stderr, ".l10n/build/", "the build record is not kept")
        assert ADDED in (edited / "output" / "en" / "faq.html").read_text()
        # The language answers kept there are a cache: a read-only checkout still checks.
        checked = run_unprivileged(edited, "check", "--format", "json")
        assert "Traceback" not in checked.stderr and "Permission denied" not in checked.stderr
    assert temporaries(digests(edited)) == []
    assert run_unprivileged(edited, "check", "--format", "json").returncode == checked.returncode
    assert run_unprivileged(edited, "build").returncode == 0


GERMAN = "Die Zellen des Patienten werden bis zur Behandlung im Labor eingefroren und gelagert."
ENGLISH = "The patient's cells are frozen and stored in the laboratory until treatment."


def test_source_fix_in_a_read_only_source_folder_is_one_line_and_keeps_the_original(
    built: Path, tmp_path: Path
) -> None:
    project = tmp_path / "site"
    shutil.copytree(built, project, symlinks=True)
    page = project / "source" / "faq.md"
    page.write_text(page.read_text() + f"\n{ADDED} {GERMAN}\n")
    before = page.read_bytes()
    with read_only(project / "source"):
        done = run_unprivileged(project, "source", "fix", "--text", ENGLISH)
    assert done.returncode == 1
    one_line_errors(done.stderr, "source/faq.md", "Permission denied")
    assert page.read_bytes() == before
    assert temporaries(digests(project)) == []
    # Nothing is lost: the original waits in the memory for the fix that can write.
    with contextlib.closing(sqlite3.connect(project / "tm" / "memory.sqlite3")) as memory:
        kept = memory.execute("SELECT count(*) FROM units WHERE instr(target, ?)", (GERMAN,))
        assert kept.fetchone() == (1,)
    again = run_unprivileged(project, "source", "fix", "--text", ENGLISH)
    assert again.returncode == 0, again.stderr
    assert ENGLISH in page.read_text() and GERMAN not in page.read_text()


# -- a full disk ---------------------------------------------------------------------------


def full_disk(project: Path, folder: str, leave: int) -> list[dict[str, Any]]:
    """``l10n build`` with ``folder`` a nearly full filesystem, then after freeing it."""
    memory = "tm/memory.sqlite3"
    stored = f"SELECT count(*) FROM units WHERE level = 'block' AND target LIKE '%{CHANGED}%'"
    fill, *reports = on_small_filesystems(
        project,
        {folder: "2m"},
        [
            ["fill", folder, leave],
            ["run", "build"],
            ["sqlite", memory, "PRAGMA integrity_check"],
            ["sqlite", memory, stored],
            ["free", folder],
            ["run", "build"],
            ["sqlite", memory, stored],
        ],
    )
    assert fill["free"] == {folder: leave}
    return reports


@pytest.mark.parametrize(
    ("folder", "leave", "wanted", "made", "synced"),
    [
        # The catalogs come first: the build stops before the memory and the pages.
        ("locales", 4096, "No space left on device", "locales/de/LC_MESSAGES/faq.po", 0),
        ("output", 4096, "No space left on device", "output/en/faq.html", 1),
        # Room for SQLite to open the memory, not for what the sync writes.
        ("tm", 40960, "database or disk is full", "tm/memory.sqlite3", 0),
    ],
    ids=["catalog write", "page write", "memory sync"],
)
def test_a_full_disk_is_one_line_replaces_no_file_and_the_next_build_succeeds(
    edited: Path, folder: str, leave: int, wanted: str, made: str, synced: int
) -> None:
    before = digests(edited)
    full, integrity, stored, freed, after, stored_after = full_disk(edited, folder, leave)
    assert full["returncode"] == 1
    one_line_errors(full["stderr"], wanted)
    assert temporaries(full["files"]) == []
    # What could not be written is as it was: no partial file replaced a good one. (The
    # memory commits catalog by catalog: it holds those before the one that did not fit.)
    if folder != "tm":
        assert {k: v for k, v in full["files"].items() if k.startswith(f"{folder}/")} == {
            k: v for k, v in before.items() if k.startswith(f"{folder}/")
        }
    assert integrity["rows"] == [["ok"]]
    assert stored["rows"] == [[synced]]
    assert freed["free"][folder] > leave
    assert after["returncode"] == 0, after["stderr"]
    assert temporaries(after["files"]) == []
    assert after["files"][made] != before[made]
    assert stored_after["rows"] == [[1]]


def test_the_namespaces_hide_nothing_from_the_host(edited: Path) -> None:
    """The small filesystems vanish with their namespace: the project on disk is untouched."""
    before = digests(edited)
    on_small_filesystems(edited, {"output": "1m"}, [["fill", "output", 0], ["run", "build"]])
    assert digests(edited) == before
    assert subprocess.run(["findmnt", str(edited / "output")], check=False).returncode != 0
