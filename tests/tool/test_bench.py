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
from bench.gate_corpus import mkdocs_pages, pinned

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


def test_the_source_gate_inputs_are_pinned_by_hash() -> None:
    kinds = [kind for kind, _, digest in pinned() if len(digest) == 64]
    assert sorted(kinds) == ["deb", "pypi"]


def _deb(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """A .deb holding ``files`` (an ar archive with data.tar.gz), as dpkg-deb builds one."""
    import io
    import tarfile

    payload = io.BytesIO()
    with tarfile.open(fileobj=payload, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"./{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    members = [("debian-binary", b"2.0\n"), ("data.tar.gz", payload.getvalue())]
    body = b"".join(
        f"{name:<16}{0:<12}{0:<6}{0:<6}{'100644':<8}{len(data):<10}`\n".encode()
        + data
        + b"\n" * (len(data) % 2)
        for name, data in members
    )
    path = tmp_path / "doc.deb"
    path.write_bytes(b"!<arch>\n" + body)
    return path


def test_built_mkdocs_pages_become_the_markdown_they_were_written_in(tmp_path: Path) -> None:
    page = b"""<html><body><div class="nav">Menu</div><div class="col-md-9" role="main">
<h1 id="t">Release Notes<a class="headerlink" href="#t">&para;</a></h1>
<p>Use <code>mkdocs serve</code> and see <a href="cli.html">the *CLI*</a>.</p>
<ul>
<li><p>Bugfix: Fix <code>&lt;ul&gt;</code> rendering. (#171)</p>
<div class="admonition tip"><p class="admonition-title">Tip</p><p>Upgrade.</p></div>
<pre><code>pip install mkdocs
mkdocs build</code></pre></li>
<li>Tight item</li>
</ul>
<table><thead><tr><th>Name</th><th>Use</th></tr></thead>
<tbody><tr><td><code>site_dir</code></td><td>output | folder</td></tr></tbody></table>
</div></body></html>"""
    deb = _deb(tmp_path, {"usr/share/doc/mkdocs/html/about/release-notes.html": page})
    ((slug, title, body),) = mkdocs_pages(deb)
    assert (slug, title) == ("mkdocs-about-release-notes", "Release Notes")
    assert body == (
        "Use `mkdocs serve` and see [the \\*CLI\\*](cli.html).\n\n"
        "- Bugfix: Fix `<ul>` rendering. (#171)\n\n"
        "  Upgrade.\n\n"
        "  ```\n  pip install mkdocs\n  mkdocs build\n  ```\n\n"
        "- Tight item\n\n"
        "| Name | Use |\n| --- | --- |\n| `site_dir` | output \\| folder |\n"
    )
