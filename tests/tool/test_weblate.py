"""Weblate round trips: catalogs Weblate commits (Translate Toolkit's pofile writer) and ours.

Weblate saves a catalog through Translate Toolkit: every unit re-serialised
with its wrapping, and header fields of its own (Last-Translator,
Language-Team with the project's URL, PO-Revision-Date, X-Generator). After
such a commit, ``l10n build`` must change nothing the update does not need,
and neither side may rewrite what the other wrote on its next commit.
"""

from __future__ import annotations

from pathlib import Path

from translate.storage.po import pofile  # what Weblate saves gettext catalogs with

from pipeline.po.reader import read_catalog
from tests.projects import SAMPLE_PAGES, l10n, make_project, msgfmt_check, tagged
from tests.tool.test_xliff import snapshot, touched

FAQ = "locales/de/LC_MESSAGES/faq.po"


def weblate_commit(path: Path, edits: dict[str, str]) -> None:
    """Save ``path`` as Weblate does after a translator's edits in its editor."""
    store = pofile.parsestring(path.read_bytes())
    for unit in store.units:
        if unit.source in edits:
            unit.target = edits[unit.source]
            unit.markfuzzy(False)
    store.updateheader(
        add=True,
        last_translator="Anna Beispiel <anna@example.org>",
        language_team="German <https://weblate.example/projects/clinic/faq/de/>",
        po_revision_date="2026-12-01 10:00+0000",
        x_generator="Weblate 5.8.4",
    )
    path.write_bytes(bytes(store))


def weblate_resave(path: Path) -> bytes:
    """What Weblate would commit for ``path`` with no translation changed."""
    return bytes(pofile.parsestring(path.read_bytes()))


def test_a_weblate_commit_survives_builds_and_neither_side_churns(tmp_path: Path) -> None:
    german = {"de": tagged("de")}
    project = make_project(tmp_path / "site", SAMPLE_PAGES, ("de",), translations=german)
    l10n(project, "build")
    faq = project / FAQ
    weblate_commit(faq, {"Is CAR-T therapy safe?": "Ist eine CAR-T-Therapie sicher?"})
    committed = snapshot(project)
    assert "X-Generator: Weblate 5.8.4" in faq.read_text()

    # Our build after Weblate's commit: nothing to update, nothing written.
    l10n(project, "build")
    assert snapshot(project) == committed

    # An editor changes one FAQ question; the update changes that entry and what names it.
    source = project / "source/faq.md"
    source.write_text(
        source.read_text().replace(
            "How long does treatment take?", "How long does the treatment take?"
        )
    )
    old = read_catalog(faq, "de", "faq")
    l10n(project, "build")
    updated = snapshot(project)
    assert touched(committed[FAQ], updated[FAQ], old) == {
        "",  # the header: PO-Revision-Date only
        "How long does treatment take?",
        next(e.msgid for e in old.entries if e.auto_comments
             == ['FAQ answer to "How long does treatment take?"']),
    }  # fmt: skip
    header_diff = [
        line for line in faq.read_text().splitlines()[:20]
        if line not in committed[FAQ].decode().splitlines()
    ]  # fmt: skip
    assert len(header_diff) == 1 and header_diff[0].startswith('"PO-Revision-Date:')
    text = faq.read_text()
    assert "Last-Translator: Anna Beispiel" in text and "X-Generator: Weblate 5.8.4" in text
    assert msgfmt_check(faq) == ""

    # Weblate's next commit rewrites nothing of ours, and our next build nothing of theirs.
    for name in updated:
        assert weblate_resave(project / name) == updated[name], name
    l10n(project, "build")
    assert snapshot(project) == updated
