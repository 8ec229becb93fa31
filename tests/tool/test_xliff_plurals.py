"""Plural entries out to XLIFF and back: one unit per form, in a group, whole or not at all."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from pipeline.catalogs.review import ReviewState, entry_state
from pipeline.exchange.export import unit_id
from pipeline.exchange.read import read_xliff
from pipeline.model import Entry
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import SAMPLE_PAGES, l10n, make_project, msgfmt_check, tagged
from tests.tool.test_xliff import X12, X20, snapshot, touched

UI = "locales/ru/LC_MESSAGES/ui.po"
DOSE = "%(num)s **dose**"  # translated: 3 forms with a placeholder and bold text
DAY = "%(num)s day"  # untranslated, with a msgctxt
WEEK = "%(num)s week"  # fuzzy
VIAL = "vial"  # untranslated, no codes: what Translate Toolkit's API can fill as plain text
PLURAL_ENTRIES = [
    Entry(DOSE, msgid_plural="%(num)s **doses**", references=["templates/page.html:3"],
          msgstr_plural={0: "%(num)s **доза**", 1: "%(num)s **дозы**", 2: "%(num)s **доз**"},
          auto_comments=["interface text"]),
    Entry(DAY, msgid_plural="%(num)s days", msgctxt="duration",
          msgstr_plural={0: "", 1: "", 2: ""}),
    Entry(WEEK, msgid_plural="%(num)s weeks", flags=["fuzzy"],
          msgstr_plural={0: "%(num)s неделя", 1: "%(num)s недели", 2: "%(num)s недель"}),
    Entry(VIAL, msgid_plural="vials", msgstr_plural={0: "", 1: "", 2: ""}),
]  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A Russian project (three plural forms) whose interface catalog has plural entries."""
    root = make_project(
        tmp_path / "site",
        {"cost": SAMPLE_PAGES["cost"]},
        ("ru",),
        translations={"ru": tagged("ru")},
    )
    catalog = read_catalog(root / UI, "ru", "ui")
    catalog.entries += PLURAL_ENTRIES
    write_catalog(catalog, root / UI)
    assert msgfmt_check(root / UI) == ""
    return root


def ui_entries(project: Path) -> dict[str, Entry]:
    return {entry.msgid: entry for entry in read_catalog(project / UI, "ru", "ui").entries}


def group_of(root: etree._Element, msgid: str) -> etree._Element:
    """The group the export made of the plural entry ``msgid``: its id names the entry."""
    entry = next(e for e in PLURAL_ENTRIES if e.msgid == msgid)
    wanted = unit_id(entry)
    for group in root.iter(f"{{{X12}}}group", f"{{{X20}}}group"):
        if group.get("id") == wanted:
            return group
    raise AssertionError(f"no group for {msgid!r}")


def forms_of(group: etree._Element) -> list[etree._Element]:
    """The form units of a group: trans-units (1.2) or units (2.x), in order."""
    return [c for c in group if etree.QName(c).localname in ("trans-unit", "unit")]


def fill(form: etree._Element, namespace: str, text: str, state: str) -> etree._Element:
    """Give a form the text (its source's codes kept) and state, as a CAT tool does."""
    holder = form if namespace == X12 else form.find(f"{{{X20}}}segment")
    assert holder is not None
    source = holder.find(f"{{{namespace}}}source")
    assert source is not None
    old = holder.find(f"{{{namespace}}}target")
    if old is not None:
        holder.remove(old)
    target = etree.Element(f"{{{namespace}}}target")
    holder.insert(list(holder).index(source) + 1, target)
    codes = [child.__copy__() for child in source]
    target.text = ""
    for code in codes:
        code.tail = None
        target.append(code)
    if codes:
        codes[-1].tail = " " + text
    else:
        target.text = text
    (target if namespace == X12 else holder).set("state", state)
    if namespace == X12:
        form.set("approved", "yes" if state in ("translated", "signed-off") else "no")
    return target


@pytest.mark.parametrize("version", ["1.2", "2.1"])
def test_plural_entries_go_out_as_a_group_of_forms_and_come_back(
    project: Path, version: str
) -> None:
    exported = project / "ru.xlf"
    result = l10n(project, "xliff", "export", "--lang", "ru", "--domain", "ui",
                  "--version", version, "-o", str(exported))  # fmt: skip
    assert "4 plural entries, one unit per form" in result.output
    namespace = X12 if version == "1.2" else X20
    tree = etree.parse(str(exported))
    dose = group_of(tree.getroot(), DOSE)
    forms = forms_of(dose)
    if version == "1.2":
        assert dose.get("restype") == "x-gettext-plurals"
        assert [f.get("id") for f in forms] == [f"{dose.get('id')}[{i}]" for i in range(3)]
    else:
        from tests.xliff21_structure import validate

        assert dose.get("type") == "l10n:gettext-plurals"
        assert [f.get("id") for f in forms] == [f"{dose.get('id')}-{i}" for i in range(3)]
        assert validate(tree.getroot()) == []
    read = next(u for u in read_xliff(exported).units if u.id == dose.get("id"))
    assert [form.source_text for form in read.forms] == [DOSE, *["%(num)s **doses**"] * 2]
    before = snapshot(project)
    old = read_catalog(project / UI, "ru", "ui")

    # The translator fills the untranslated entry's three forms, and revises the fuzzy
    # one: forms 0 and 2 signed off, form 1 only translated.
    final = "signed-off" if version == "1.2" else "reviewed"
    for form, text in zip(forms_of(group_of(tree.getroot(), DAY)), ("день", "дня", "дней"),
                          strict=True):  # fmt: skip
        fill(form, namespace, text, "translated")
    week = forms_of(group_of(tree.getroot(), WEEK))
    for form, (text, state) in zip(
        week, [("неделя", final), ("недели", "translated"), ("недель!", final)], strict=True
    ):
        fill(form, namespace, text, state)
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")

    result = l10n(project, "xliff", "import", str(exported))
    assert "ru: 2 entries changed" in result.output, result.output
    after = snapshot(project)
    assert [name for name in before if before[name] != after[name]] == [UI]
    assert touched(before[UI], after[UI], old) - {""} == {DAY, WEEK}
    entries = ui_entries(project)
    day, week_entry = entries[DAY], entries[WEEK]
    assert day.msgctxt == "duration"
    assert day.msgstr_plural == {0: "%(num)s день", 1: "%(num)s дня", 2: "%(num)s дней"}
    assert entry_state(day) is ReviewState.TRANSLATED
    # The least confirmed form decides: translated, not reviewed.
    assert week_entry.msgstr_plural[2] == "%(num)s недель!"
    assert entry_state(week_entry) is ReviewState.TRANSLATED
    assert msgfmt_check(project / UI) == ""
    again = l10n(project, "xliff", "import", str(exported))
    assert "0 entries changed" in again.output and snapshot(project) == after


@pytest.mark.parametrize("damage", ["missing form", "lost code"])
def test_a_plural_entry_comes_back_whole_or_is_refused_with_its_line(
    project: Path, damage: str
) -> None:
    exported = project / "ru.xlf"
    l10n(project, "xliff", "export", "--lang", "ru", "--domain", "ui", "-o", str(exported))
    before = snapshot(project)
    tree = etree.parse(str(exported))
    day = group_of(tree.getroot(), DAY)
    forms = forms_of(day)
    fill(forms[0], X12, "день", "translated")
    fill(forms[1], X12, "дня", "translated")
    if damage == "missing form":
        day.remove(forms[2])  # a tool that knows two forms, as English has
    else:
        target = fill(forms[2], X12, "дней", "translated")
        target.remove(target[0])  # the %(num)s placeholder is gone, with its text after it
        target.text = "много дней"
    # A valid edit in the same file is not written either: all or nothing.
    title = next(u for u in tree.getroot().iter(f"{{{X12}}}trans-unit")
                 if "Cellular Therapy Clinic" in "".join(u.itertext()))  # fmt: skip
    fill(title, X12, "Клиника", "translated")
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    lines = {
        etree.QName(e).localname: e.sourceline
        for e in etree.parse(str(exported)).getroot().iter()
        if e.get("id") == day.get("id") or e.get("id") == f"{day.get('id')}[2]"
    }
    result = l10n(project, "xliff", "import", str(exported), code=1)
    output = " ".join(result.output.split())
    if damage == "missing form":
        assert f"ru.xlf:{lines['group']}: plural form 2 of 3 has no translation" in output
    else:
        target_line = lines["trans-unit"] + 2  # the form's target, after its source
        assert f"ru.xlf:{target_line}: plural form 2: lost code 1 “%(num)s”" in output
    assert snapshot(project) == before


def test_a_reviewed_plural_entry_is_not_overwritten_by_an_unreviewed_one(project: Path) -> None:
    line = ui_entries(project)[DOSE].lineno
    l10n(project, "review", "approve", f"{UI}:{line}")
    exported = project / "ru.xlf"
    l10n(project, "xliff", "export", "--lang", "ru", "--domain", "ui", "-o", str(exported))
    before = snapshot(project)
    tree = etree.parse(str(exported))
    forms = forms_of(group_of(tree.getroot(), DOSE))
    assert {f.find(f"{{{X12}}}target").get("state") for f in forms} == {"signed-off"}
    fill(forms[0], X12, "**доза** (одна)", "translated")
    tree.write(str(exported), xml_declaration=True, encoding="UTF-8")
    result = l10n(project, "xliff", "import", str(exported))
    assert f"kept the reviewed translation of {UI}:{line}" in " ".join(result.output.split())
    assert snapshot(project) == before


# ---------------------------------------------------------------------------
# Translate Toolkit: po2xliff, xliff2po and its XLIFF storage
# ---------------------------------------------------------------------------


def test_translate_toolkit_reads_our_plural_groups_and_we_read_its(
    project: Path, tmp_path: Path
) -> None:
    from translate.misc.multistring import multistring
    from translate.storage.xliff import xlifffile

    bin_dir = Path(sys.executable).parent
    # po2xliff's file (numeric ids, no msgctxt, a fuzzy entry's form 0 left "translated")
    # brings nothing new.
    made = tmp_path / "po2xliff.xlf"
    subprocess.run([bin_dir / "po2xliff", str(project / UI), str(made)], check=True,
                   capture_output=True)  # fmt: skip
    assert 'restype="x-gettext-plurals"' in made.read_text()
    before = snapshot(project)
    result = l10n(project, "xliff", "import", str(made), "--lang", "ru")
    assert "0 entries changed" in result.output and snapshot(project) == before

    # xliff2po makes the same plural entries from our file (it drops msgctxt).
    ours = tmp_path / "ours.xlf"
    l10n(project, "xliff", "export", "--lang", "ru", "--domain", "ui", "-o", str(ours))
    back = tmp_path / "back.po"
    subprocess.run([bin_dir / "xliff2po", str(ours), str(back)], check=True, capture_output=True)
    theirs = {e.msgid: e for e in read_catalog(back, "ru", "ui").entries if e.msgid_plural}
    mine = {e.msgid: e for e in ui_entries(project).values() if e.msgid_plural}
    assert {k: (e.msgid_plural, e.msgstr_plural, e.fuzzy, e.references)
            for k, e in theirs.items()} == {
        k: (e.msgid_plural, e.msgstr_plural, e.fuzzy, e.references) for k, e in mine.items()
    }  # fmt: skip

    # Its XLIFF storage sees each group as one plural unit; what it fills comes back.
    store = xlifffile.parsefile(str(ours))
    plural = {str(u.source.strings[0]): u for u in store.units if u.hasplural()}
    assert set(plural) == set(mine)
    assert plural[WEEK].isfuzzy() and not plural[DOSE].isfuzzy()
    assert list(plural[DOSE].target.strings) == list(mine[DOSE].msgstr_plural.values())
    plural[VIAL].target = multistring(["флакон", "флакона", "флаконов"])
    plural[VIAL].markfuzzy(False)
    ours.write_bytes(bytes(store))
    result = l10n(project, "xliff", "import", str(ours))
    assert "ru: 1 entries changed" in result.output, result.output
    vial = ui_entries(project)[VIAL]
    assert vial.msgstr_plural == {0: "флакон", 1: "флакона", 2: "флаконов"}
    assert entry_state(vial) is ReviewState.TRANSLATED
    assert msgfmt_check(project / UI) == ""
