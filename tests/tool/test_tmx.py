"""TMX 1.4b export and import: round trips, files from other tools, and real-world oddities."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.tmx import tmxfile

from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.tmx import TMXError, import_tmx, normalise_lang, read_tmx
from pipeline.memory.tmx import export_tmx as export
from pipeline.memory.units import Unit
from pipeline.model import HUMAN, Origin, OriginKind
from tests.corpus import DJANGO_ROOT, django_units

MT = Origin(OriginKind.MACHINE, "deepl")


def unit_key(unit: Unit) -> tuple[object, ...]:
    """Everything a unit is, except its origin: an import decides that (see pipeline.memory.tmx)."""
    return (
        unit.source,
        unit.target,
        unit.source_lang,
        unit.target_lang,
        unit.msgctxt,
        unit.domain,
        unit.prev,
        unit.next,
        unit.level,
        unit.created,
        unit.updated,
    )


@pytest.fixture
def memory(tmp_path: Path) -> Iterator[SqliteMemory]:
    with SqliteMemory(tmp_path / "tm.sqlite3") as memory:
        yield memory


@pytest.fixture(scope="module")
def sample_units() -> list[Unit]:
    units = [u for u in django_units(3000, langs=("de", "fr", "ru", "ar")) if u.domain == "admin"]
    # What a real memory also holds: machine results, sentence units, contexts, plural ids.
    units[0] = replace(units[0], origin=MT)
    units[1] = replace(units[1], level="sentence", created="2024-03-01T09:30:00+00:00")
    units[2] = replace(units[2], msgctxt="")
    units.append(
        Unit("Take 2 × 10⁶ CAR-T cells/kg.", "2 × 10⁶ CAR-T-Zellen/kg.", "en", "de", HUMAN)
    )
    units.append(
        Unit(
            "Line one\nline two\t<b>&amp;</b>",
            "Zeile eins\nZeile zwei\t<b>&amp;</b>",
            "en",
            "de",
            HUMAN,
        )
    )
    return units


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_round_trip_keeps_every_unit(
    tmp_path: Path, memory: SqliteMemory, sample_units: list[Unit]
) -> None:
    memory.add(sample_units)
    first = tmp_path / "out" / "first.tmx"
    count = export(memory, first, "en")
    assert count == memory.stats()["units"] == len({u.content_hash for u in sample_units})
    with SqliteMemory(tmp_path / "other.sqlite3") as other:
        assert import_tmx(other, first, "en", ["de", "fr", "ru", "ar"]) == count
        assert sorted(map(unit_key, other.units())) == sorted(map(unit_key, memory.units()))
        # By design the file, not its claim, is the origin; machine output stays machine output.
        origins = {unit.content_hash: unit.origin for unit in other.units()}
        for original in memory.units():
            expected = MT if original.origin == MT else Origin(OriginKind.TMX, "first.tmx")
            assert origins[original.content_hash] == expected
        second = tmp_path / "second.tmx"
        assert export(other, second, "en") == count
    assert without_origins(first) == without_origins(second)


def without_origins(path: Path) -> bytes:
    root = etree.parse(str(path)).getroot()
    for prop in root.iter("prop"):
        if prop.get("type") == "x-origin":
            prop.getparent().remove(prop)
    return etree.tostring(root)


@pytest.mark.parametrize("claim", ["human", "memory", "source:faq.md:3", "sentences:reviewed"])
def test_a_tmx_file_cannot_make_its_text_human(
    claim: str, tmp_path: Path, memory: SqliteMemory
) -> None:
    tu = (
        f'<tu><prop type="x-origin">{claim}</prop><prop type="x-context">dose table</prop>'
        '<tuv xml:lang="en"><seg>Take 10 mg daily.</seg></tuv>'
        '<tuv xml:lang="de"><seg>Täglich 100 mg einnehmen.</seg></tuv></tu>'
    )
    path = write(
        tmp_path / "vendor.tmx",
        f'<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/><body>{tu}</body></tmx>',
    )
    assert import_tmx(memory, path, "en", ["de"]) == 1
    (stored,) = memory.units()
    assert stored.origin == Origin(OriginKind.TMX, "vendor.tmx")
    memory.add([Unit("Take 10 mg daily.", "Täglich 10 mg einnehmen.", "en", "de", HUMAN)])
    matches = memory.lookup("Take 10 mg daily.", "en", "de")
    assert [m.origin.kind for m in matches] == [OriginKind.HUMAN, OriginKind.TMX]


def test_export_is_tmx_14_that_translate_toolkit_reads(
    tmp_path: Path, memory: SqliteMemory, sample_units: list[Unit]
) -> None:
    memory.add(sample_units)
    path = tmp_path / "memory.tmx"
    count = export(memory, path, "en", target_langs=["de"])
    root = etree.parse(str(path)).getroot()
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    assert {k: header.get(k) for k in ("creationtool", "srclang", "datatype", "segtype")} == {
        "creationtool": "l10n-pipeline",
        "srclang": "en",
        "datatype": "plaintext",
        "segtype": "block",
    }
    assert all(header.get(k) for k in ("creationtoolversion", "o-tmf", "adminlang"))
    assert [tu.get("segtype") for tu in root.iter("tu")].count("sentence") == 1
    read = tmxfile(path.read_bytes())
    german = [u for u in sample_units if u.target_lang == "de"]
    assert count == len(read.units) == len({u.content_hash for u in german})
    assert {(u.source, u.target) for u in read.units} == {(u.source, u.target) for u in german}


def test_export_leaves_an_unchanged_file_alone(
    tmp_path: Path, memory: SqliteMemory, sample_units: list[Unit]
) -> None:
    memory.add(sample_units[:50])
    path = tmp_path / "memory.tmx"
    export(memory, path, "en")
    os.utime(path, (1_000_000_000, 1_000_000_000))
    export(memory, path, "en")
    assert path.stat().st_mtime == 1_000_000_000
    memory.add(sample_units[50:60])
    export(memory, path, "en")
    assert path.stat().st_mtime != 1_000_000_000
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_import_a_file_written_by_translate_toolkit(tmp_path: Path, memory: SqliteMemory) -> None:
    store = tmxfile(sourcelanguage="en", targetlanguage="de")
    pairs = [(u.source, u.target) for u in django_units(1, langs=("de",))[:400]]
    for source, target in pairs:
        store.addtranslation(source, "en", target, "de")
    path = tmp_path / "toolkit.tmx"
    store.savefile(str(path))
    assert import_tmx(memory, path, "en", ["de"]) == len(set(pairs))
    units = list(memory.units("en", "de"))
    assert {(u.source, u.target) for u in units} == set(pairs)
    assert {str(u.origin) for u in units} == {"tmx:toolkit.tmx"}
    assert {u.level for u in units} == {"block"}


def test_import_po2tmx_output_of_a_django_catalog(tmp_path: Path, memory: SqliteMemory) -> None:
    po = DJANGO_ROOT / "contrib" / "auth" / "locale" / "de" / "LC_MESSAGES" / "django.po"
    path = tmp_path / "auth.tmx"
    po2tmx = Path(sys.executable).parent / "po2tmx"
    subprocess.run([str(po2tmx), "-l", "de", str(po), str(path)], check=True, capture_output=True)
    added = import_tmx(memory, path, "en", ["de"])
    assert added > 50
    (match,) = memory.lookup("Permissions", "en", "de", limit=1)
    assert match.target == "Berechtigungen"


RITUXIMAB_EN = (
    'Take <bpt i="1">&lt;b&gt;</bpt>10 mg<ept i="1">&lt;/b&gt;</ept> of '
    '<hi type="drug">rituximab</hi> daily<ph x="1"/>.'
)
RITUXIMAB_DE = (
    'Täglich <bpt i="1">&lt;b&gt;</bpt>10 mg<ept i="1">&lt;/b&gt;</ept> <hi>Rituximab</hi> '
    'einnehmen<it pos="end">&lt;/i&gt;</it>.'
)
MULTI = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4">
  <header creationtool="OmegaT" creationtoolversion="6.0" segtype="sentence" o-tmf="OmegaT"
          adminlang="EN-US" srclang="*all*" datatype="plaintext"/>
  <body>
    <tu tuid="1" creationdate="20230115T101500Z">
      <prop type="x-context">dose table</prop>
      <prop type="x-prev">Drug</prop>
      <tuv xml:lang="EN-US"><seg>Dose</seg></tuv>
      <tuv xml:lang="de-DE"><seg>Dosis</seg></tuv>
      <tuv lang="fr-FR"><seg>Dose</seg></tuv>
      <tuv xml:lang="ru"><seg>Доза</seg></tuv>
      <tuv xml:lang="pt-BR"><seg>Dose</seg></tuv>
    </tu>
    <tu>
      <prop type="x-origin">mt:deepl</prop>
      <tuv xml:lang="en"><seg>{RITUXIMAB_EN}</seg></tuv>
      <tuv xml:lang="de"><seg>{RITUXIMAB_DE}</seg></tuv>
    </tu>
    <tu segtype="sentence">
      <prop type="x-origin">reviewed-by-agency</prop>
      <tuv xml:lang="en"><seg>Ask your doctor.</seg></tuv>
      <tuv xml:lang="ar"><seg>اسأل طبيبك.</seg></tuv>
    </tu>
  </body>
</tmx>
"""


def test_import_real_world_tmx(tmp_path: Path, memory: SqliteMemory) -> None:
    path = write(tmp_path / "agency.tmx", MULTI)
    assert import_tmx(memory, path, "en", ["ru", "de", "fr", "ar", "pt_BR"]) == 6
    units = {(u.target_lang, u.source): u for u in memory.units()}
    assert set(units) == {
        ("de", "Dose"),
        ("fr", "Dose"),
        ("ru", "Dose"),
        ("pt_BR", "Dose"),
        ("de", "Take <b>10 mg</b> of rituximab daily."),
        ("ar", "Ask your doctor."),
    }
    dose = units[("ru", "Dose")]
    assert (dose.target, dose.msgctxt, dose.prev, dose.source_lang) == (
        "Доза",
        "dose table",
        "Drug",
        "en",
    )
    assert dose.created == "2023-01-15T10:15:00+00:00"
    assert str(dose.origin) == "tmx:agency.tmx"
    tagged = units[("de", "Take <b>10 mg</b> of rituximab daily.")]
    assert tagged.target == "Täglich <b>10 mg</b> Rituximab einnehmen</i>."
    assert tagged.origin == MT
    ask = units[("ar", "Ask your doctor.")]
    assert (ask.level, str(ask.origin)) == ("sentence", "tmx:agency.tmx")
    assert memory.lookup(
        "Take 10 mg of rituximab daily.", "en", "de"
    )  # fuzzy finds the tagged text


def test_import_utf16_with_bom(tmp_path: Path, memory: SqliteMemory) -> None:
    text = MULTI.replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = write(tmp_path / "utf16.tmx", text, "utf-16")
    assert path.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert import_tmx(memory, path, "en", ["ru", "de", "fr", "ar", "pt_BR"]) == 6
    assert memory.lookup("Dose", "en", "ru")[0].target == "Доза"


def test_language_codes_are_normalised_to_the_project() -> None:
    assert normalise_lang("en-US", ["en", "de"]) == "en"
    assert normalise_lang("DE_de", ["en", "de"]) == "de"
    assert normalise_lang("pt-BR", ["pt_BR"]) == "pt_BR"
    assert normalise_lang("pt-PT", ["pt_BR"]) == "pt"
    assert normalise_lang("zh-Hant-TW", ["zh_Hant"]) == "zh_Hant"
    assert normalise_lang("fr-CA") == "fr"


MALFORMED = {
    "xml": (
        '<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
        '<tu><tuv xml:lang="en"><seg>Dose</seg></tuv>'
        '<tuv xml:lang="de"><seg>Dosis</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="en"><seg>Route</seg></tuv>\n</body>\n</tmx>\n',
        r"broken\.tmx:7: not well-formed XML: .*tu line 6",
    ),
    "body": (
        '<?xml version="1.0"?>\n\n<tmx version="1.4">\n<header srclang="en"/>\n</tmx>\n',
        r"broken\.tmx:3: <tmx> has no <body>",
    ),
    "not tmx": ('<?xml version="1.0"?>\n<html><body/></html>\n', r"broken\.tmx:2: .*not <tmx>"),
    "date": (
        '<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
        '<tu creationdate="yesterday"><tuv xml:lang="en"><seg>Dose</seg></tuv>'
        '<tuv xml:lang="de"><seg>Dosis</seg></tuv></tu>\n</body>\n</tmx>\n',
        r"broken\.tmx:5: date 'yesterday'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_tmx_names_file_and_line_and_imports_nothing(
    case: str, tmp_path: Path, memory: SqliteMemory
) -> None:
    text, message = MALFORMED[case]
    path = write(tmp_path / "broken.tmx", text)
    with pytest.raises(TMXError, match=message):
        import_tmx(memory, path, "en", ["de", "fr"])
    assert memory.stats()["units"] == 0


def test_a_missing_file_is_a_tmx_error(tmp_path: Path) -> None:
    with pytest.raises(TMXError, match=r"missing\.tmx"):
        read_tmx(tmp_path / "missing.tmx")


SKIPPED = {
    "no source side": (
        '<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="*all*"/>\n<body>\n'
        '<tu><tuv xml:lang="en"><seg>Dose</seg></tuv>'
        '<tuv xml:lang="de"><seg>Dosis</seg></tuv></tu>\n'
        '<tu>\n<tuv xml:lang="de"><seg>Weg</seg></tuv>\n'
        '<tuv xml:lang="fr"><seg>Voie</seg></tuv>\n</tu>\n'
        "</body>\n</tmx>\n",
        "skipped.tmx:6: <tu> skipped: no en text (languages with text: de, fr)",
    ),
    "empty target": (
        '<?xml version="1.0"?>\n<tmx version="1.4">\n<header srclang="en"/>\n<body>\n'
        '<tu><tuv xml:lang="en"><seg>Dose</seg></tuv>'
        '<tuv xml:lang="de"><seg>Dosis</seg></tuv></tu>\n'
        '<tu><tuv xml:lang="en"><seg>Route</seg></tuv><tuv xml:lang="de"><seg/></tuv></tu>\n'
        "</body>\n</tmx>\n",
        "skipped.tmx:6: <tu> skipped: no text in another language (languages with text: en)",
    ),
}


@pytest.mark.parametrize("case", sorted(SKIPPED))
def test_a_unit_without_both_sides_is_skipped_with_a_note(
    case: str, tmp_path: Path, memory: SqliteMemory
) -> None:
    text, note = SKIPPED[case]
    path = write(tmp_path / "skipped.tmx", text)
    notes: list[str] = []
    assert import_tmx(memory, path, "en", ["de", "fr"], notes) == 1
    assert [n.rsplit("/", 1)[-1] for n in notes] == [note]
    assert memory.lookup("Dose", "en", "de")[0].target == "Dosis"
