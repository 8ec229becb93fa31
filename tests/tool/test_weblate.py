"""Weblate round trips: catalogs Weblate commits (Translate Toolkit's pofile writer) and ours.

Weblate saves a catalog through Translate Toolkit: every unit re-serialised
with its wrapping, and header fields of its own (Last-Translator,
Language-Team with the project's URL, PO-Revision-Date, X-Generator). After
such a commit, ``l10n build`` must change nothing the update does not need,
and neither side may rewrite what the other wrote on its next commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from translate.storage.po import pofile  # what Weblate saves gettext catalogs with

from pipeline.po.reader import read_catalog
from tests.projects import REPO, copy_project, l10n, msgfmt_check
from tests.test_xliff import snapshot, touched

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


@pytest.mark.parametrize("path", sorted(REPO.glob("locales/*/LC_MESSAGES/*.po")), ids=str)
def test_translate_toolkit_writes_our_catalogs_byte_for_byte(path: Path) -> None:
    assert weblate_resave(path) == path.read_bytes()


def test_a_weblate_commit_survives_builds_and_neither_side_churns(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "site")
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
            "Is it better than chemotherapy?", "Is it better than standard chemotherapy?"
        )
    )
    old = read_catalog(faq, "de", "faq")
    l10n(project, "build")
    updated = snapshot(project)
    assert touched(committed[FAQ], updated[FAQ], old) == {
        "",  # the header: PO-Revision-Date only
        "Is it better than chemotherapy?",
        next(e.msgid for e in old.entries if e.auto_comments
             == ['FAQ answer to "Is it better than chemotherapy?"']),
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
