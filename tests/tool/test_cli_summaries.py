"""What the commands say and leave behind, on a copy of the shipped project: the pipeline's
proposal comments after review, summaries that agree with the errors, the memory's counts,
and the preview server."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import REPO, copy_project, l10n


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "site")


# ---------------------------------------------------------------------------
# Proposal comments
# ---------------------------------------------------------------------------

THEIRS = ["Formal register, as agreed with the clinic.", "sentence two kept short on purpose"]
MEMORY_PROPOSAL = [
    "sentence 2 changed: «…usually manageable…» → «…generally manageable…»",
    "sentences 1, 3 of 3 carried over from the reviewed translation",
    "suggestion: sentences 71% from sentences:reviewed, 2026-11-27",
    "suggestion: fuzzy 92% from human, 2026-11-27 (sentence 2)",
]
MACHINE_PROPOSAL = [
    "machine translation (libre)",
    "suggestion: machine 100% from mt:libre, 2026-11-27",
]


def test_a_reviewed_entry_loses_the_pipelines_proposal_comments_and_keeps_the_translators(
    project: Path,
) -> None:
    path = load_config(project).catalog_path("de", "faq")
    catalog = read_catalog(path, "de", "faq")
    reviewed, from_machine, unreviewed, still_fuzzy = [
        e for e in catalog.entries if e.translated and not e.translator_comments
    ][:4]
    reviewed.translator_comments = [THEIRS[0], *MEMORY_PROPOSAL, THEIRS[1]]
    from_machine.translator_comments = [*MACHINE_PROPOSAL, "reviewed", THEIRS[0]]
    unreviewed.translator_comments = list(MACHINE_PROPOSAL)  # marked translated, nobody reviewed
    still_fuzzy.translator_comments = list(MEMORY_PROPOSAL)
    still_fuzzy.fuzzy = True
    write_catalog(catalog, path)
    untouched = {e.msgid: e.translator_comments for e in read_catalog(path).entries}
    ru_index = load_config(project).catalog_path("ru", "index").read_bytes()

    result = l10n(project, "update")

    assert re.search(r"^de: .*; proposal comments removed from 2$", result.output, re.M)
    after = {e.msgid: e for e in read_catalog(path, "de", "faq").entries}
    assert after[reviewed.msgid].translator_comments == THEIRS
    assert after[from_machine.msgid].translator_comments == ["reviewed", THEIRS[0]]
    # The provenance check still sees unreviewed machine text; a proposal keeps its notes.
    assert after[unreviewed.msgid].translator_comments == MACHINE_PROPOSAL
    assert after[still_fuzzy.msgid].translator_comments == MEMORY_PROPOSAL
    changed = {reviewed.msgid, from_machine.msgid}
    assert all(after[k].translator_comments == v for k, v in untouched.items() if k not in changed)
    # The Russian catalog's own "# sentence describes …" note is a translator's: untouched.
    assert load_config(project).catalog_path("ru", "index").read_bytes() == ru_index

    check = l10n(project, "check", "--lang", "de", "--no-source", code=1).output
    provenance = [line for line in check.splitlines() if " provenance: " in line]
    assert len(provenance) == 1 and f"faq.po:{after[unreviewed.msgid].lineno}:" in provenance[0]

    updated = path.read_bytes()
    l10n(project, "build")  # nothing left to remove: the catalog is not written again
    assert path.read_bytes() == updated


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


def break_catalog(project: Path) -> str:
    path = load_config(project).catalog_path("de", "index")
    lines = path.read_bytes().count(b"\n")
    path.write_bytes(path.read_bytes() + b'\nmsgid "x"\nmsgstr "unterminated\n')
    return f"locales/de/LC_MESSAGES/index.po:{lines + 3}: unterminated string"


def test_a_broken_catalog_is_reported_once_in_one_path_form(project: Path) -> None:
    error = break_catalog(project)
    build = l10n(project, "build", code=1).output
    assert build.count("unterminated string") == 1 and f"error: {error}" in build
    assert str(project) not in build

    check = l10n(project, "check", "--no-source", code=1).output
    assert check.count("unterminated string") == 1 and "no catalog for" not in check
    assert re.search(r"^1 error\(s\), 0 warning\(s\); gate failed for de$", check, re.M)

    update = l10n(project, "update", code=1).output
    assert update.count("unterminated string") == 1
    assert re.search(r"^de: 7 catalogs, 0 written: .*; 1 unreadable$", update, re.M)


def test_the_update_summary_names_every_language(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"fr"]', '"fr", "it", "pt_BR"]', 1))
    l10n(project, "init", "it")
    result = l10n(project, "update").output
    named = re.findall(r"^(\w+): \d+ catalogs, \d+ written: ", result, re.M)
    assert named == ["ru", "de", "es", "ar", "fr", "it", "pt_BR"]
    assert re.search(r"^pt_BR: 8 catalogs, 8 written: 0 kept, 0 fuzzy, \d+ new", result, re.M)


def test_tm_stats_counts_units_per_language_pair_level_and_origin(project: Path) -> None:
    fresh = l10n(project, "tm", "stats").output
    assert "0 units" in fresh and "created just now" in fresh and "l10n build" in fresh
    assert json.loads(l10n(project, "tm", "stats", "--format", "json").output)["units"] == 0

    l10n(project, "build")
    document = json.loads(l10n(project, "tm", "stats", "--format", "json").output)
    assert document["version"] == 1
    check = json.loads(l10n(project, "check", "--format", "json", "--no-source", "--no-qa").output)
    for lang in load_config(project).languages:
        counts = {
            (c["level"], c["origin"]): c["units"]
            for c in document["counts"]
            if (c["source_lang"], c["target_lang"]) == ("en", lang)
        }
        translated = sum(s["translated"] for s in check["stats"] if s["lang"] == lang)
        assert counts[("block", "human")] == translated, lang
        assert counts[("sentence", "sentences")] > 0, lang
    assert document["units"] == sum(c["units"] for c in document["counts"])

    text = l10n(project, "tm", "stats").output.splitlines()
    assert text[0].split() == ["languages", "level", "human", "sentences", "all"]
    french = [line.split() for line in text if line.startswith("en → fr")]
    human, sentences = (document_count(document, "fr", level) for level in ("block", "sentence"))
    assert french == [
        ["en", "→", "fr", "block", str(human), "0", str(human)],
        ["en", "→", "fr", "sentence", "0", str(sentences), str(sentences)],
    ]
    assert f"{document['units']} units, {document['texts']} source texts" in text


def document_count(document: dict[str, list[dict[str, str]]], lang: str, level: str) -> int:
    return sum(
        int(c["units"])
        for c in document["counts"]
        if c["target_lang"] == lang and c["level"] == level
    )


def test_prefill_without_network_says_the_engine_failed_and_counts_it(project: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    french = load_config(project).catalog_path("fr", "faq").parent
    empty = sum(
        not e.msgstr and not e.is_header
        for p in french.glob("*.po")
        for e in read_catalog(p).entries
    )
    result = l10n(project, "prefill", "--lang", "fr", "--engine", "libre", "--engine-url",
                  f"http://127.0.0.1:{port}/", code=1).output  # fmt: skip
    assert result.count("connection refused") == 1
    assert f"0 by machine (libre), {empty} failed (libre did not answer: nothing sent)" in result


# ---------------------------------------------------------------------------
# Serve
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_rebuilds_once_per_edit(project: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "pipeline.cli", "--project", str(project), "serve",
               "--port", str(port)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, env=env)  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout or ()), daemon=True)
    reader.start()

    def rebuilds(count: int, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if sum(line.startswith("rebuilt:") for line in lines) >= count:
                break
            time.sleep(0.1)
        return sum(line.startswith("rebuilt:") for line in lines)

    try:
        assert rebuilds(1, 60) == 1, lines
        faq = project / "source" / "faq.md"
        for number, question in enumerate(("Is CAR-T safe for me?", "Is CAR-T safe for you?"), 2):
            asked = re.sub(r"Is CAR-T (therapy|safe) [^?]*\?", question, faq.read_text(), count=1)
            faq.write_text(asked)
            assert rebuilds(number, 30) == number, lines
            time.sleep(3)  # time enough for a second rebuild, caused by the first one's writes
            assert rebuilds(number, 0) == number, lines
            page = f"http://127.0.0.1:{port}/en/faq.html"
            with urllib.request.urlopen(page, timeout=5) as response:
                assert question in response.read().decode()
        po = load_config(project).catalog_path("de", "faq")
        po.write_text(po.read_text() + '\n#~ msgid "Old question?"\n#~ msgstr "Alte Frage?"\n')
        assert rebuilds(4, 30) == 4 and (time.sleep(3) or rebuilds(4, 0) == 4), lines
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)


def test_a_busy_port_is_one_line_that_suggests_another(project: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = l10n(project, "serve", "--port", str(port), code=1)
    assert result.output.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is in use (another preview?): "
        f"choose another with --port, e.g. --port {port + 1}"
    ]
