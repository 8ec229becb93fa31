"""XLIFF out and back: a CAT tool's edits reach the catalogs, and nothing else does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from pipeline.catalogs.review import ReviewState, entry_state
from pipeline.exchange.codes import Code, CodeKind, CodeMismatch, markup_codes, target_text
from pipeline.exchange.read import read_xliff
from pipeline.model import Catalog, Entry
from pipeline.po.reader import read_catalog
from tests.projects import (
    SAMPLE_PAGES,
    UNTRANSLATED,
    l10n,
    make_project,
    msgfmt_check,
    tagged,
)

X12 = "urn:oasis:names:tc:xliff:document:1.2"
X20 = "urn:oasis:names:tc:xliff:document:2.0"
HSC = "**Hematopoietic Stem Cell (HSC) Reprogramming.** These cells regenerate"
CELLS = f"{HSC} the immune system, producing lymphocytes that recognise tumour antigens.\n"


def snapshot(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted((project / "locales").rglob("*.po"))
    }


def entries(path: Path) -> dict[tuple[str | None, str], Entry]:
    return read_catalog(path, "fr", path.stem).index()


def changed_entries(before: Catalog, after: Catalog) -> set[str]:
    old, new = before.index(), after.index()
    assert old.keys() == new.keys()
    return {key[1] for key in old if (old[key].msgstr, old[key].flags, old[key].translator_comments)
            != (new[key].msgstr, new[key].flags, new[key].translator_comments)}  # fmt: skip


def unit_with(root: etree._Element, text: str) -> etree._Element:
    for source in root.iter(f"{{{X12}}}source", f"{{{X20}}}source"):
        if text in "".join(source.itertext()):
            return source.getparent()
    raise AssertionError(f"no unit with {text!r}")


def set_target(unit: etree._Element, namespace: str, build: list[object]) -> etree._Element:
    """Replace the unit's target with text and copies of source codes, as a CAT tool does."""
    old = unit.find(f"{{{namespace}}}target")
    if old is not None:
        unit.remove(old)
    target = etree.Element(f"{{{namespace}}}target")
    unit.insert(list(unit).index(unit.find(f"{{{namespace}}}source")) + 1, target)
    for item in build:
        if isinstance(item, str):
            if len(target):
                target[-1].tail = (target[-1].tail or "") + item
            else:
                target.text = (target.text or "") + item
        else:
            target.append(item)  # type: ignore[arg-type]
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The sample site and a page with bold text, in French but for one paragraph."""
    pages = {**SAMPLE_PAGES, "cells": CELLS}
    return make_project(tmp_path / "site", pages, ("fr",), translations={"fr": tagged("fr")})


# ---------------------------------------------------------------------------
# Codes
# ---------------------------------------------------------------------------


def test_markup_goes_out_as_codes_and_numbers_stay_text() -> None:
    text = "**CAR-T** costs {cost_from}: see [the trial](https://x.org/a) or `x`, 70–90%"
    pieces = markup_codes(text)
    codes = [p for p in pieces if isinstance(p, Code)]
    assert [(c.kind.value, c.id, c.data) for c in codes] == [
        ("open", "1", "**"), ("close", "1", "**"), ("ph", "2", "{cost_from}"),
        ("open", "3", "["), ("close", "3", "](https://x.org/a)"), ("ph", "4", "`x`"),
    ]  # fmt: skip
    assert "".join(p if isinstance(p, str) else p.text for p in pieces).endswith("70–90%")


def test_a_translation_may_move_a_span_but_not_lose_or_cross_codes() -> None:
    source = markup_codes("A **bold** and [link](u).")
    bold, link = Code(CodeKind.OPEN, "1"), Code(CodeKind.OPEN, "2")
    bold_end, link_end = Code(CodeKind.CLOSE, "1"), Code(CodeKind.CLOSE, "2")
    moved = ["Ein ", link, "Link", link_end, " und ", bold, "fett", bold_end, "."]
    assert target_text(source, moved) == "Ein [Link](u) und **fett**."
    with pytest.raises(CodeMismatch, match="lost closing code 2"):
        target_text(source, ["x ", bold, "y", bold_end, link, "z"])
    with pytest.raises(CodeMismatch, match="code 1 closes across code 2"):
        target_text(source, [bold, "a", link, "b", bold_end, "c", link_end])
    with pytest.raises(CodeMismatch, match="code 2 closes before it opens"):
        target_text(source, [bold, "a", bold_end, link_end, "b", link])
    with pytest.raises(CodeMismatch, match=r"code 9 \(ph\) is not in the source"):
        target_text(source, [bold, bold_end, link, link_end, Code(CodeKind.PLACEHOLDER, "9")])
    with pytest.raises(CodeMismatch, match="repeated opening code 1"):
        target_text(source, [bold, bold, bold_end, link, link_end])


# ---------------------------------------------------------------------------
# Export → CAT-style edit → import
# ---------------------------------------------------------------------------


def touched(before: bytes, after: bytes, catalog: Catalog) -> set[str]:
    """The msgids of the entries whose lines differ ("" for the header)."""
    import difflib

    old, new = before.decode().splitlines(), after.decode().splitlines()
    starts = sorted((e.lineno, e.msgid) for e in [catalog.header, *catalog.entries] if e.lineno)
    found: set[str] = set()
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag == "equal":
            continue
        for line in range(i1 + 1, max(i2, i1 + 1) + 1):
            found.add(next(m for start, m in reversed(starts) if start <= max(line, 1)))
    return found


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_cat_edit_reaches_the_po_and_nothing_else_changes(project: Path, version: str) -> None:
    exported = project / "fr.xlf"
    l10n(project, "xliff", "export", "--lang", "fr", "--version", version, "-o", str(exported))
    before = snapshot(project)
    index_po = project / "locales/fr/LC_MESSAGES/cells.po"
    faq_po = project / "locales/fr/LC_MESSAGES/cost.po"
    old_index, old_faq = read_catalog(index_po, "fr", "cells"), read_catalog(faq_po, "fr", "cost")
    untranslated = old_faq.index()[(None, UNTRANSLATED)]
    hsc_msgid = next(e.msgid for e in old_index.active() if e.msgid.startswith(HSC[:40]))

    tree = etree.parse(str(exported))
    namespace = X12 if version == "1.2" else X20
    unit = unit_with(tree.getroot(), HSC[2:40])
    source = unit.find(f"{{{namespace}}}source")
    assert source is not None
    # The translator moves the bold span to the end and signs the unit off.
    if version == "1.2":
        bpt, ept = (source[0].__copy__(), source[1].__copy__())
        bpt.tail = ept.tail = None
        target = set_target(unit, namespace, ["Ces cellules, dites ", bpt, "CSH", ept, " : texte."])
        target.set("state", "signed-off")
        unit.set("approved", "yes")
    else:
        pc = source[0].__copy__()
        pc.text, pc.tail = "CSH", None
        set_target(unit, namespace, ["Ces cellules, dites ", pc, " : texte."])
        unit.set("state", "reviewed")
    # And translates an entry that had no translation, as translated.
    fresh = unit_with(tree.getroot(), untranslated.msgid)
    target = set_target(fresh, namespace, ["Traduction nouvelle."])
    (target if version == "1.2" else fresh).set("state", "translated")
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")

    result = l10n(project, "xliff", "import", str(exported))
    assert "fr: 2 entries changed" in result.output, result.output
    after = snapshot(project)
    index_name, faq_name = "locales/fr/LC_MESSAGES/cells.po", "locales/fr/LC_MESSAGES/cost.po"
    assert {name for name in before if before[name] != after[name]} == {index_name, faq_name}
    # Beyond the two entries, only the header's revision date may differ.
    assert touched(before[index_name], after[index_name], old_index) - {""} == {hsc_msgid}
    assert touched(before[faq_name], after[faq_name], old_faq) - {""} == {untranslated.msgid}
    hsc = read_catalog(index_po, "fr", "cells").index()[(None, hsc_msgid)]
    assert hsc.msgstr == "Ces cellules, dites **CSH** : texte."
    assert entry_state(hsc) is ReviewState.REVIEWED
    fresh_entry = read_catalog(faq_po, "fr", "cost").index()[untranslated.key]
    assert (fresh_entry.msgstr, entry_state(fresh_entry)) == (
        "Traduction nouvelle.",
        ReviewState.TRANSLATED,
    )
    assert msgfmt_check(index_po) == "" and msgfmt_check(faq_po) == ""
    # The same file again changes nothing.
    again = l10n(project, "xliff", "import", str(exported))
    assert "0 entries changed" in again.output and snapshot(project) == after


@pytest.mark.parametrize("damage", ["lost", "reordered"])
def test_a_unit_that_lost_or_reordered_a_code_is_refused_with_its_line(
    project: Path, damage: str
) -> None:
    exported = project / "fr.xlf"
    l10n(project, "xliff", "export", "--lang", "fr", "-o", str(exported))
    before = snapshot(project)
    tree = etree.parse(str(exported))
    unit = unit_with(tree.getroot(), HSC[2:40])
    source = unit.find(f"{{{X12}}}source")
    assert source is not None
    bpt, ept = source[0].__copy__(), source[1].__copy__()
    bpt.tail = ept.tail = None
    build = ["Texte ", bpt, "gras sans fin."] if damage == "lost" else [ept, "à l'envers", bpt]
    target = set_target(unit, X12, build)
    target.set("state", "translated")
    # Another, valid edit in the same file: all or nothing, so it is not written either.
    other = unit_with(tree.getroot(), "Cost of Cellular Immunotherapy")
    set_target(other, X12, ["Autre titre"]).set("state", "translated")
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    line = read_xliff(exported).units[[u.id for u in read_xliff(exported).units].index(
        unit.get("id"))].where  # fmt: skip

    result = l10n(project, "xliff", "import", str(exported), code=1)
    expected = "lost closing code 1" if damage == "lost" else "code 1 closes before it opens"
    assert f"fr.xlf:{line}: {expected}" in " ".join(result.output.split())
    assert snapshot(project) == before


def test_a_reviewed_entry_is_not_overwritten_by_an_unreviewed_one(project: Path) -> None:
    po = project / "locales/fr/LC_MESSAGES/cost.po"
    title = read_catalog(po, "fr", "cost").index()[(None, "Cost of Cellular Immunotherapy")]
    l10n(project, "review", "approve", f"{po.relative_to(project)}:{title.lineno}")
    exported = project / "fr.xlf"
    l10n(project, "xliff", "export", "--lang", "fr", "--domain", "cost", "-o", str(exported))
    before = snapshot(project)
    tree = etree.parse(str(exported))
    unit = unit_with(tree.getroot(), "Cost of Cellular Immunotherapy")
    assert unit.find(f"{{{X12}}}target").get("state") == "signed-off"
    set_target(unit, X12, ["Un autre titre"]).set("state", "translated")
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    result = l10n(project, "xliff", "import", str(exported))
    assert "kept the reviewed translation of locales/fr/LC_MESSAGES/cost.po:" in result.output
    assert snapshot(project) == before


# ---------------------------------------------------------------------------
# Translate Toolkit
# ---------------------------------------------------------------------------


def test_round_trip_through_translate_toolkit_xliff_storage(project: Path) -> None:
    from translate.storage.xliff import xlifffile

    exported = project / "fr.xlf"
    l10n(project, "xliff", "export", "--lang", "fr", "--domain", "cost", "-o", str(exported))
    store = xlifffile.parsefile(str(exported))
    catalog = read_catalog(project / "locales/fr/LC_MESSAGES/cost.po", "fr", "cost")
    index = catalog.index()
    assert [u.source for u in store.units] == [e.msgid for e in catalog.active() if e.msgid]
    for unit in store.units:
        entry = index[(None, unit.source)]
        assert (unit.target or "") == entry.msgstr
        assert unit.isfuzzy() == entry.fuzzy
        assert unit.getlocations() == entry.references
    untranslated = next(u for u in store.units if not u.target)
    untranslated.target = "Réponse venue de Translate Toolkit."
    untranslated.markfuzzy(False)
    exported.write_bytes(bytes(store))
    before = snapshot(project)
    l10n(project, "xliff", "import", str(exported))
    after_catalog = read_catalog(project / "locales/fr/LC_MESSAGES/cost.po", "fr", "cost")
    changed = changed_entries(catalog, after_catalog)
    assert changed == {untranslated.source}
    assert after_catalog.index()[(None, untranslated.source)].msgstr.startswith("Réponse venue")
    assert [n for n in before if before[n] != snapshot(project)[n]] == [
        "locales/fr/LC_MESSAGES/cost.po"
    ]


def test_round_trip_through_po2xliff_and_xliff2po(project: Path, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent  # Translate Toolkit's commands, installed beside us
    po = project / "locales/fr/LC_MESSAGES/faq.po"
    made = tmp_path / "faq.xlf"
    subprocess.run([bin_dir / "po2xliff", str(po), str(made)], check=True, capture_output=True)
    before = snapshot(project)
    result = l10n(project, "xliff", "import", str(made), "--lang", "fr")
    assert "0 entries changed" in result.output and snapshot(project) == before

    ours = tmp_path / "ours.xlf"
    l10n(project, "xliff", "export", "--lang", "fr", "--domain", "faq", "-o", str(ours))
    back = tmp_path / "back.po"
    subprocess.run([bin_dir / "xliff2po", str(ours), str(back)], check=True, capture_output=True)
    theirs = read_catalog(back, "fr", "faq").index()
    mine = read_catalog(po, "fr", "faq").index()
    assert {k: (e.msgstr, e.fuzzy, e.references) for k, e in theirs.items() if k[1]} == {
        k: (e.msgstr, e.fuzzy, e.references) for k, e in mine.items() if k[1]
    }


# ---------------------------------------------------------------------------
# Hostile files
# ---------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="cost.po"
source-language="en" target-language="fr" datatype="po"><body><trans-unit id="1">
<source>Cost of Cellular Immunotherapy</source><target state="translated">&c;</target>
</trans-unit></body></file></xliff>"""
EXTERNAL = BILLION_LAUGHS.replace(
    '<!ENTITY a "aaaaaaaaaa">', '<!ENTITY a SYSTEM "file:///etc/passwd">'
)
NETWORK_DTD = """<?xml version="1.0"?>
<!DOCTYPE xliff SYSTEM "http://127.0.0.1:9/xliff.dtd">
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><file original="cost.po"
source-language="en" target-language="fr" datatype="po"><body><trans-unit id="1">
<source>Cost of Cellular Immunotherapy</source><target state="translated">&ext;</target>
</trans-unit></body></file></xliff>"""
BROKEN = BILLION_LAUGHS.split("]>", 1)[1].replace("</target>", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (BILLION_LAUGHS, "declares entities"),
        (EXTERNAL, "declares entities"),
        (NETWORK_DTD, "entity reference &ext; is not expanded"),
        (BROKEN, "not well-formed"),
        ("<tmx version='1.4'><body/></tmx>", "not <xliff>"),
    ],
)
def test_hostile_xliff_is_refused_with_nothing_written(
    project: Path, text: str, message: str
) -> None:
    hostile = project / "hostile.xlf"
    hostile.write_text(text)
    before = snapshot(project)
    result = l10n(project, "xliff", "import", str(hostile), code=1)
    assert message in result.output and "hostile.xlf:" in result.output
    assert snapshot(project) == before


# ---------------------------------------------------------------------------
# XLIFF 2.1 structure
# ---------------------------------------------------------------------------


def test_the_2_1_export_meets_the_core_constraints(project: Path, tmp_path: Path) -> None:
    from tests.tool.test_xliff_samples import sample
    from tests.xliff21_structure import validate

    # The checker accepts the OASIS test suite's valid file and catches a broken reference.
    valid = etree.parse(str(sample("oasis-xliff21-toJoin-crlf.xlf"))).getroot()
    assert validate(valid) == []
    exported = tmp_path / "fr.xlf"
    l10n(project, "xliff", "export", "--lang", "fr", "--version", "2.1", "-o", str(exported))
    root = etree.parse(str(exported)).getroot()
    assert root.get("version") == "2.1" and root.get("trgLang") == "fr"
    assert validate(root) == []
    assert root.find(f".//{{{X20}}}pc") is not None and root.find(f".//{{{X20}}}ph") is not None
    broken = root.find(f".//{{{X20}}}ph")
    assert broken is not None
    broken.set("dataRef", "d99")
    assert any("dataRef d99 has no <data>" in problem for problem in validate(root))
