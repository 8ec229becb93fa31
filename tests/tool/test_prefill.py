"""Prefill end to end: the real deep-translator client against a local LibreTranslate server."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.machine.prefill import make_translator
from pipeline.memory.backends import open_memory
from pipeline.model import OriginKind
from pipeline.po.reader import read_catalog
from pipeline.po.writer import format_entry, write_catalog
from tests.libretranslate_server import ServerHandle
from tests.projects import l10n, make_project, msgfmt_check

SOURCE = """---
title: Cost of Cellular Immunotherapy
slug: cost
order: 1
---
Multiple Myeloma responds in 70–98% of cases to BCMA-directed CAR-T cells.

Cytokines such as IL-6, IL-2, and IFN-γ are measured regularly.

See [the trial](https://www.nejm.org/doi/full/10.1056/NEJMoa1707447) for details.
"""
# Do-not-translate names the machine must return as they are, and terms with approved forms.
GLOSSARY = """\
term,dnt,de,fr,note
multiple myeloma,,multiples Myelom,myélome multiple,
cytokine,,Zytokin,cytokine,
IL-6,,IL-6,IL-6,
IL-2,,IL-2,IL-2,
IFN-γ,,IFN-γ,IFN-γ,
CAR-T,yes,,,
BCMA,yes,,,
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(
        tmp_path / "site",
        {"cost": SOURCE},
        ["de", "fr"],
        settings="[tool.l10n.machine]\ntimeout = 2.0\nretries = 2\nbackoff = 0.05\n",
        glossary=GLOSSARY,
    )
    l10n(root, "update")
    return root


def cost(project: Path, lang: str = "de"):  # type: ignore[no-untyped-def]
    return read_catalog(load_config(project).catalog_path(lang, "cost"), lang, "cost")


def test_machine_text_is_fuzzy_commented_protected_and_remembered(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    server = libretranslate()
    result = l10n(
        project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url
    )
    assert "by machine (libre)" in result.output
    catalog = cost(project)
    entries = {e.msgid: e for e in catalog.entries}
    myeloma = entries["Multiple Myeloma responds in 70–98% of cases to BCMA-directed CAR-T cells."]
    assert myeloma.fuzzy and "machine translation (libre)" in myeloma.translator_comments
    assert (
        myeloma.msgstr.startswith("[de] ")
        and "70–98%" in myeloma.msgstr
        and "BCMA" in myeloma.msgstr
    )
    link = entries[
        "See [the trial](https://www.nejm.org/doi/full/10.1056/NEJMoa1707447) for details."
    ]
    assert "(https://www.nejm.org/doi/full/10.1056/NEJMoa1707447)" in link.msgstr
    assert (
        "IFN-γ" in entries["Cytokines such as IL-6, IL-2, and IFN-γ are measured regularly."].msgstr
    )
    assert msgfmt_check(load_config(project).catalog_path("de", "cost")) == ""
    with open_memory(load_config(project).memory_location) as memory:
        units = list(memory.units("en", "de"))
    assert {u.origin.kind for u in units} == {OriginKind.MACHINE} and len(units) >= 4

    # A second run, or the same text later, never pays the engine twice.
    sent = len(server.translate_requests)
    catalog = cost(project)
    for entry in catalog.entries:
        entry.msgstr, entry.flags, entry.translator_comments = "", [], []
    write_catalog(catalog, load_config(project).catalog_path("de", "cost"))
    l10n(project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url)
    assert len(server.translate_requests) == sent
    again = {e.msgid: e for e in cost(project).entries}
    assert again[myeloma.msgid].msgstr == myeloma.msgstr and again[myeloma.msgid].fuzzy


def test_a_translators_text_is_never_overwritten(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    catalog = cost(project)
    catalog.entries[0].msgstr = "Kosten der zellulären Immuntherapie"
    write_catalog(catalog, load_config(project).catalog_path("de", "cost"))
    server = libretranslate()
    l10n(project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url)
    first = cost(project).entries[0]
    assert first.msgstr == "Kosten der zellulären Immuntherapie" and not first.fuzzy
    assert all(t != first.msgid for r in server.translate_requests for t in r.texts)


def test_a_save_during_the_machine_run_is_kept_and_the_rerun_fills_the_rest(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    path = load_config(project).catalog_path("de", "cost")
    server = libretranslate(faults=["slow"] * 2, slow_seconds=0.5)

    def translator_saves() -> None:
        deadline = time.monotonic() + 30
        while not server.translate_requests and time.monotonic() < deadline:
            time.sleep(0.02)
        catalog = read_catalog(path, "de", "cost")
        catalog.entries[0].msgstr = "Kosten der zellulären Immuntherapie"
        write_catalog(catalog, path)

    saving = threading.Thread(target=translator_saves)
    saving.start()
    result = l10n(
        project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url, code=1
    )
    saving.join()
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "locales/de/LC_MESSAGES/cost.po: changed on disk during the prefill" in output
    saved = read_catalog(path, "de", "cost")
    assert saved.entries[0].msgstr == "Kosten der zellulären Immuntherapie"
    assert all(not e.msgstr for e in saved.entries[1:]), "the run overwrote the save"

    sent = {t for r in server.translate_requests for t in r.texts}
    again = libretranslate()
    l10n(project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", again.url)
    assert not {t for r in again.translate_requests for t in r.texts} & sent
    filled = read_catalog(path, "de", "cost")
    assert filled.entries[0].msgstr == "Kosten der zellulären Immuntherapie"
    assert not filled.entries[0].fuzzy
    assert all(e.msgstr and e.fuzzy for e in filled.entries[1:])


def test_entries_the_prefill_leaves_alone_keep_another_editors_layout(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    path = load_config(project).catalog_path("de", "cost")
    catalog = read_catalog(path, "de", "cost")
    title = catalog.entries[0]
    title.msgstr = "Kosten der zellulären Immuntherapie"
    write_catalog(catalog, path)
    # Wrapped at word boundaries, as some editors write it; valid PO that gettext would join.
    their_layout = (
        f"#: {' '.join(title.references)}\n"
        'msgid ""\n"Cost of Cellular "\n"Immunotherapy"\n'
        'msgstr ""\n"Kosten der zellulären "\n"Immuntherapie"\n'
    )
    text = path.read_text().replace(format_entry(title), their_layout)
    assert their_layout in text
    path.write_text(text)

    server = libretranslate()
    l10n(project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url)
    after = path.read_text()
    assert their_layout in after, "an entry the prefill did not touch was reformatted"
    filled = read_catalog(path, "de", "cost")
    assert filled.entries[0].msgstr == "Kosten der zellulären Immuntherapie"
    assert all(e.msgstr and e.fuzzy for e in filled.entries[1:])
    assert all(format_entry(e) in after for e in filled.entries[1:])
    assert msgfmt_check(path) == ""


def test_a_mangled_answer_is_rejected_not_written(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    server = libretranslate(faults=["drop-token"] * 20)
    result = l10n(
        project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url, code=1
    )
    assert "failed" in result.output
    assert all(not e.msgstr for e in cost(project).entries if any(c.isdigit() for c in e.msgid))


def test_offline_is_one_clear_line_quickly_and_memory_still_fills(project: Path) -> None:
    catalog = cost(project)
    catalog.entries[0].msgstr = "Kosten der zellulären Immuntherapie"
    write_catalog(catalog, load_config(project).catalog_path("de", "cost"))
    l10n(project, "build")  # the reviewed German title goes into the memory
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    started = time.monotonic()
    result = l10n(
        project,
        "prefill",
        "--lang",
        "fr",
        "--engine",
        "libre",
        "--engine-url",
        f"http://127.0.0.1:{port}/",
        code=1,
    )
    assert time.monotonic() - started < 10
    assert [line for line in result.output.splitlines() if "error" in line and "libre" in line]
    # French had every entry left for the machine: all of them failed, none was sent.
    french = load_config(project).locales_path / "fr" / "LC_MESSAGES"
    empty = sum(not e.msgstr for p in french.glob("*.po") for e in read_catalog(p).entries)
    assert f"0 by machine (libre), {empty} failed (libre did not answer" in result.output
    assert "0 characters sent" in result.output


def test_memory_match_is_fuzzy_with_origin_and_score(project: Path) -> None:
    config = load_config(project)
    catalog = cost(project)
    myeloma = next(e for e in catalog.entries if e.msgid.startswith("Multiple Myeloma"))
    myeloma.msgstr = (
        "Das Multiple Myelom spricht in 70–98 % der Fälle auf BCMA-gerichtete CAR-T-Zellen an."
    )
    write_catalog(catalog, config.catalog_path("de", "cost"))
    l10n(project, "build")
    source = project / "source" / "cost.md"
    source.write_text(source.read_text().replace("responds in", "typically responds in"))
    l10n(project, "update")
    catalog = cost(project)
    edited = next(e for e in catalog.entries if e.msgid.startswith("Multiple Myeloma"))
    assert edited.fuzzy and edited.previous_msgid == myeloma.msgid  # msgmerge semantics
    edited.msgstr, edited.flags, edited.previous_msgid = "", [], None
    write_catalog(catalog, config.catalog_path("de", "cost"))
    result = l10n(project, "prefill", "--lang", "de", "--no-machine")
    assert "1 from memory" in result.output
    filled = next(e for e in cost(project).entries if e.msgid.startswith("Multiple Myeloma"))
    assert filled.fuzzy and filled.msgstr == myeloma.msgstr
    (comment,) = [c for c in filled.translator_comments if c.startswith("suggestion:")]
    assert comment.startswith("suggestion: fuzzy 9") and "from human" in comment


def test_dry_run_counts_characters_and_changes_nothing(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    before = load_config(project).catalog_path("de", "cost").read_bytes()
    server = libretranslate()
    result = l10n(
        project,
        "prefill",
        "--lang",
        "de",
        "--engine",
        "libre",
        "--engine-url",
        server.url,
        "--dry-run",
    )
    # What would be sent is each text as protected: numbers, codes and links as ⟦n⟧ tokens.
    directory = load_config(project).locales_path / "de" / "LC_MESSAGES"
    texts = dict.fromkeys(e.msgid for p in directory.glob("*.po") for e in read_catalog(p).entries)
    translator = make_translator(load_config(project), "libre", server.url)
    sent = [s for s in map(translator.as_sent, texts) if s]
    shown = [line[2:] for line in result.output.splitlines() if line.startswith("  ")]
    assert shown == sent
    assert f"would send {len(sent)}, {sum(map(len, sent))} characters to libre" in result.output
    myeloma = next(line for line in shown if line.startswith("Multiple Myeloma"))
    assert myeloma == "Multiple Myeloma responds in ⟦0⟧ of cases to ⟦1⟧-directed ⟦2⟧ cells."
    link = next(line for line in shown if line.startswith("See"))
    assert "nejm.org" not in link and "the trial" in link
    assert server.translate_requests == []
    assert load_config(project).catalog_path("de", "cost").read_bytes() == before


def test_kill_9_mid_run_loses_nothing_received_and_the_rerun_resumes(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            "timeout = 2.0", "timeout = 60.0\nconcurrency = 1\nbatch_size = 1"
        )
    )
    # Three answers arrive, then the server stalls; the process is killed while it waits.
    stalled = libretranslate(faults=["ok"] * 3 + ["slow"] * 50, slow_seconds=60)
    command = [sys.executable, "-m", "pipeline.cli", "--project", str(project), "prefill",
               "--lang", "de", "--engine", "libre", "--engine-url", stalled.url]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(stalled.translate_requests) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the third answer is being stored while the fourth request waits
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    received = [t for r in stalled.translate_requests[:3] for t in r.texts]
    assert len(received) == 3

    with open_memory(load_config(project).memory_location) as memory:
        kept = {u.source for u in memory.units("en", "de")}
    assert kept, "nothing received before the kill was kept"
    # No catalog was left half-written.
    for path in (load_config(project).locales_path / "de" / "LC_MESSAGES").glob("*.po"):
        read_catalog(path)
        assert not list(path.parent.glob(f".{path.name}*.tmp"))

    server = libretranslate()
    l10n(project, "prefill", "--lang", "de", "--engine", "libre", "--engine-url", server.url)
    resent = {t for r in server.translate_requests for t in r.texts}
    # The same text is masked the same way, so the server sees identical strings.
    assert resent and not resent & set(received), "text already received was sent again"
