"""The source-language gate and `l10n source fix`, on a small project."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.libretranslate_server import ServerHandle
from tests.projects import l10n

RUSSIAN = (
    "комбинированные протоколы, включающие несколько типов клеточной терапии, как правило, "
    "увеличивают общую стоимость, но при этом могут обеспечивать более выраженный "
    "терапевтический эффект."
)
RUSSIAN_BLOCK = "Стоимость лечения зависит от типа терапии и от количества необходимых клеток."
ENGLISH_LEAD = (
    "One of the primary factors affecting cost is the type of therapy used. CAR-T therapy is "
    "generally the most expensive due to the need for genetic engineering of the patient's "
    "T-cells. This process involves sophisticated technologies, viral or non-viral gene transfer "
    "systems, and extensive quality control, all of which contribute to higher costs. In "
    "contrast, NK cell therapy or non-modified T-cell therapies may be less expensive, although "
    "costs can still be substantial."
)
PAGE = f"""---
title: Cost of Cellular Immunotherapy
slug: cost
order: 1
---
{ENGLISH_LEAD} {RUSSIAN}

Hospitalization and clinical monitoring are also significant contributors.
"""
ENGLISH = (
    "Combined protocols that include several types of cellular therapy generally increase "
    "the overall cost, but they may also provide a more pronounced therapeutic effect."
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "cost.md").write_text(PAGE)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.l10n]\nlanguages = ["ru", "de"]\nglossary = ""\n'
        "[tool.l10n.machine]\ntimeout = 2.0\nretries = 1\n"
    )
    l10n(tmp_path, "update")
    return tmp_path


def findings(project: Path, *args: str, code: int) -> list[dict[str, object]]:
    report = json.loads(l10n(project, "check", "--format", "json", *args, code=code).output)
    return [f for f in report["findings"] if str(f["check"]).startswith("source")]


def test_a_russian_sentence_in_english_is_caught_and_moved_to_the_russian_catalog(
    project: Path,
) -> None:
    (found,) = findings(project, "--no-qa", code=1)
    assert (found["file"], found["line"], found["severity"]) == ("source/cost.md", 6, "error")
    assert str(found["message"]).startswith("sentence 5 is Russian (")
    assert str(found["message"]).endswith("expected English: «комбинированные протоколы…»")

    before = (project / "source" / "cost.md").read_text()
    l10n(project, "source", "fix", "--text", ENGLISH)
    after = (project / "source" / "cost.md").read_text()
    assert after == before.replace(RUSSIAN, ENGLISH)  # nothing else touched

    config = load_config(project)
    russian = read_catalog(config.catalog_path("ru", "cost"), "ru", "cost")
    (entry,) = [e for e in russian.entries if ENGLISH in e.msgid and not e.obsolete]
    assert f"keep: {RUSSIAN}" in entry.translator_comments
    assert findings(project, "--no-qa", code=1) == []  # the gate passes; completeness does not

    # The required-fragment check warns until the translation carries the original.
    entry.msgstr = "Один из основных факторов — вид терапии."
    write_catalog(russian, config.catalog_path("ru", "cost"))
    report = json.loads(l10n(project, "check", "--format", "json", "--lang", "ru", code=1).output)
    assert any(f["check"] == "required-fragment" for f in report["findings"])
    entry.msgstr += " " + RUSSIAN[0].upper() + RUSSIAN[1:]
    write_catalog(russian, config.catalog_path("ru", "cost"))
    report = json.loads(l10n(project, "check", "--format", "json", "--lang", "ru", code=1).output)
    assert not any(f["check"] == "required-fragment" for f in report["findings"])


def test_a_whole_foreign_block_becomes_the_reviewed_translation_and_machine_english_waits(
    project: Path, libretranslate: Callable[..., ServerHandle]
) -> None:
    page = project / "source" / "cost.md"
    page.write_text(PAGE.replace(f" {RUSSIAN}", "") + f"\n{RUSSIAN_BLOCK}\n")
    l10n(project, "update")
    server = libretranslate()
    result = l10n(project, "source", "fix", "--engine", "libre", "--engine-url", server.url)
    assert "an editor must confirm it" in result.output
    english = f"[en] {RUSSIAN_BLOCK.upper()}"
    assert english in page.read_text()
    russian = read_catalog(load_config(project).catalog_path("ru", "cost"), "ru", "cost")
    (entry,) = [e for e in russian.entries if e.msgid == english]
    assert entry.msgstr == RUSSIAN_BLOCK and entry.translated

    waiting = next(
        f for f in findings(project, "--no-qa", code=1) if f["check"] == "source-unconfirmed"
    )
    assert waiting["check"] == "source-unconfirmed" and waiting["line"] == 12
    # The editor reads the machine's English, corrects it, and confirms it by deleting
    # the two front matter lines.
    text = page.read_text().replace(
        english, "The cost depends on the therapy and the cells needed."
    )
    start = text.index("unconfirmed:")
    end = text.index("\n---", start)
    page.write_text(text[:start] + text[end + 1 :])
    assert findings(project, "--no-qa", code=1) == []


def test_a_fix_never_touches_another_entry_that_merely_contains_the_english(
    project: Path,
) -> None:
    page = project / "source" / "cost.md"
    german = (
        "Die Behandlung dauert in der Regel mehrere Wochen und erfordert eine enge Überwachung."
    )
    page.write_text(PAGE.replace(f" {RUSSIAN}", "") + f"\n{german}\n")
    l10n(project, "update")
    config = load_config(project)
    catalog = read_catalog(config.catalog_path("de", "cost"), "de", "cost")
    reviewed = next(e for e in catalog.entries if e.msgid.startswith("Hospitalization"))
    reviewed.msgstr = "Krankenhausaufenthalt und klinische Überwachung tragen ebenfalls bei."
    write_catalog(catalog, config.catalog_path("de", "cost"))

    l10n(project, "source", "fix", "--text", "Hospitalization")
    after = {e.msgid: e for e in read_catalog(config.catalog_path("de", "cost")).entries}
    assert after[reviewed.msgid].msgstr == reviewed.msgstr and not after[reviewed.msgid].fuzzy
    assert after["Hospitalization"].msgstr == german and after["Hospitalization"].translated
