from __future__ import annotations

import importlib.util
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import polib
import pytest

from pipeline.model import Catalog, Entry
from pipeline.po.linebreak import EXACT_LINE_BREAKING
from pipeline.po.reader import parse_catalog, parse_catalog_file, read_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.po.writer import format_catalog, format_entry, write_catalog, written_entries

DJANGO = Path(str(getattr(importlib.util.find_spec("django"), "origin", ""))).parent
HEADER = (
    "Project-Id-Version: l10n-pipeline tests\n"
    "Last-Translator: the l10n-pipeline project team\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)


def msgcat(source: Path, target: Path) -> None:
    subprocess.run(["msgcat", str(source), "-o", str(target)], check=True, capture_output=True)


def msgcat_text(text: str, directory: Path) -> str:
    """What GNU msgcat writes for ``text``."""
    source = directory / "in.po"
    target = directory / "out.po"
    source.write_text(text, encoding="utf-8")
    msgcat(source, target)
    return target.read_text(encoding="utf-8")


def msgfmt_check(path: Path) -> None:
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def catalog_of(*entries: Entry) -> Catalog:
    return Catalog(entries=list(entries), header=Entry(msgid="", msgstr=HEADER))


# ---------------------------------------------------------------------------
# Every catalog Django ships
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def django_catalogs(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """(shipped file, the same file normalised once by msgcat) for every Django catalog."""
    sources = sorted(DJANGO.glob("**/LC_MESSAGES/*.po"))
    assert len(sources) > 500, "Django's catalogs are missing from the virtualenv"
    directory = tmp_path_factory.mktemp("django")
    pairs = [(source, directory / f"{number}.po") for number, source in enumerate(sources)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 4) as pool:
        list(pool.map(lambda pair: msgcat(*pair), pairs))
    return pairs


@pytest.mark.slow
def test_every_django_catalog_round_trips_byte_for_byte(
    django_catalogs: list[tuple[Path, Path]],
) -> None:
    mismatched = []
    for source, normalised in django_catalogs:
        text = normalised.read_text(encoding="utf-8")
        if format_catalog(parse_catalog(text, str(normalised))) != text:
            mismatched.append(str(source.relative_to(DJANGO)))
    assert mismatched == []


@pytest.mark.slow
def test_every_django_catalog_keeps_its_lines_as_formatting_gives(
    django_catalogs: list[tuple[Path, Path]],
) -> None:
    """Lines kept from a file gettext wrote are what formatting gives; from any file,
    they say what the catalog says."""
    for source, normalised in django_catalogs:
        as_read = parse_catalog_file(normalised.read_bytes(), str(normalised))
        assert len(as_read.lines) == len(as_read.catalog.entries), source  # the header aside
        text = format_catalog(as_read.catalog)
        assert format_catalog(as_read.catalog, as_read.lines) == text, source
        shipped = parse_catalog_file(source.read_bytes(), str(source))
        rewritten = format_catalog(shipped.catalog, shipped.lines)
        assert format_catalog(parse_catalog(rewritten)) == format_catalog(shipped.catalog), source


def polib_view(entry: polib.POEntry | Entry) -> tuple[object, ...]:
    plural = entry.msgid_plural or None
    forms = dict(entry.msgstr_plural) if plural is not None else {}
    return (
        entry.msgctxt,
        entry.msgid,
        plural,
        entry.msgstr if plural is None else "",
        forms,
        list(entry.flags),
        bool(entry.obsolete),
    )


@pytest.mark.slow
def test_parse_agrees_with_polib_on_every_django_catalog(
    django_catalogs: list[tuple[Path, Path]],
) -> None:
    checked = 0
    for source, _ in django_catalogs:
        ours = read_catalog(source)
        theirs = polib.pofile(str(source))
        assert [polib_view(e) for e in ours.entries] == [polib_view(e) for e in theirs], source
        assert ours.metadata == dict(theirs.metadata), source
        checked += 1
    assert checked > 500


def test_django_japanese_and_chinese_catalogs_round_trip(tmp_path: Path) -> None:
    for language in ("ja", "zh_Hans"):
        source = DJANGO / "conf" / "locale" / language / "LC_MESSAGES" / "django.po"
        normalised = tmp_path / f"{language}.po"
        msgcat(source, normalised)
        text = normalised.read_text(encoding="utf-8")
        catalog = read_catalog(normalised)
        assert any(e.msgstr and max(e.msgstr) >= "\u3000" for e in catalog.entries)
        assert format_catalog(catalog) == text


# ---------------------------------------------------------------------------
# Writing what msgcat writes, for content we build ourselves
# ---------------------------------------------------------------------------

LONG = (
    "Autologous CAR-T cell therapy (tisagenlecleucel, 0.6-6.0 x 10^8 cells) is given "
    "once after lymphodepleting chemotherapy with fludarabine 25 mg/m2/day and "
    "cyclophosphamide 250 mg/m2/day for 3 days."
)


def tricky_entries() -> list[Entry]:
    return [
        Entry(
            msgid=LONG,
            msgstr="Аутологичная CAR-T-клеточная терапия (тисагенлеклейсел, 0,6–6,0 × 10^8 "
            "клеток) проводится однократно после лимфодеплетирующей химиотерапии.",
            translator_comments=["suggestion: memory 93% from tmx:omegat.tmx", "", " indented"],
            auto_comments=["FAQ answer"],
            references=[f"source/faq/very/long/path/number-{n}.md:{n * 17}" for n in range(6)],
            flags=["fuzzy"],
            previous_msgid=LONG.replace("once", "one time") + " " + LONG,
            previous_msgctxt="faq",
        ),
        Entry(
            msgid='Line one\nLine two with a "quote" and a back\\slash\tand tab\n',
            msgstr="Строка 1\nСтрока 2\n",
            msgctxt="table cell: Multiple Myeloma / Complete Remission",
        ),
        Entry(
            msgid="%(count)d dose of %(drug)s",
            msgid_plural="%(count)d doses of %(drug)s",
            msgstr_plural={0: "%(count)d доза %(drug)s", 1: "%(count)d дозы %(drug)s"},
            flags=["python-format", "fuzzy"],
            previous_msgid="%(count)d dose",
            previous_msgid_plural="%(count)d doses",
        ),
        Entry(
            msgid="幹細胞移植" * 20,
            msgstr="造血幹細胞移植は、患者さんご自身の細胞、またはドナーの細胞を用います。" * 3,
        ),
        Entry(msgid="https://clinic.example/" + "very-long-url-segment/" * 6, msgstr=""),
        Entry(
            msgid="Keep this as one line even though it is much longer than seventy-nine columns",
            msgstr="",
            flags=["no-wrap"],
        ),
        Entry(msgid="\n", msgstr="\n"),
        Entry(msgid="a\n\nb", msgstr="а\n\nб"),
        Entry(msgid="Bell\a backspace\b formfeed\f vertical\v return\r", msgstr=""),
        Entry(
            msgid="Old dose 5 mg",
            msgstr="Старая доза 5 мг",
            obsolete=True,
            flags=["fuzzy"],
            previous_msgid="Old dose 5 mg for adults older than eighteen years of age "
            "with normal renal function",
        ),
        Entry(
            msgid="Old plural %d",
            msgid_plural="Old plurals %d",
            msgstr_plural={0: "Старое %d", 1: "Старые %d"},
            msgctxt="obsolete context",
            obsolete=True,
        ),
    ]


def test_writer_output_is_what_msgcat_writes(tmp_path: Path) -> None:
    text = format_catalog(catalog_of(*tricky_entries()))
    if not EXACT_LINE_BREAKING:
        pytest.skip("libunistring is not installed; line breaks are approximate")
    assert msgcat_text(text, tmp_path) == text


def test_written_catalog_passes_msgfmt_check(tmp_path: Path) -> None:
    path = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "faq.po"
    assert write_catalog(catalog_of(*tricky_entries()), path) is True
    msgfmt_check(path)
    assert write_catalog(catalog_of(*tricky_entries()), path) is False


def test_round_trip_keeps_every_field() -> None:
    entries = tricky_entries()
    parsed = parse_catalog(format_catalog(catalog_of(*entries)))
    assert parsed.header.msgstr == HEADER
    for original, back in zip(entries, parsed.entries, strict=True):
        back.lineno = 0
        if original.flags == ["python-format", "fuzzy"]:
            original.flags = ["fuzzy", "python-format"]  # gettext's flag order
        assert back == original


def test_long_previous_msgid_is_wrapped_with_prefix() -> None:
    text = format_catalog(catalog_of(tricky_entries()[0]))
    previous = [line for line in text.splitlines() if line.startswith("#|")]
    assert previous[0] == '#| msgctxt "faq"'
    assert previous[1] == '#| msgid ""'
    assert len(previous) > 4
    assert all(line.startswith('#| "') for line in previous[2:])
    assert all(len(line) <= 79 for line in previous)


def test_obsolete_entries_go_last_and_untranslated_ones_are_dropped() -> None:
    catalog = catalog_of(
        Entry(msgid="gone", msgstr="", obsolete=True),
        Entry(msgid="old", msgstr="alt", obsolete=True, previous_msgid="older"),
        Entry(msgid="current", msgstr="aktuell"),
    )
    text = format_catalog(catalog)
    assert text.endswith(
        'msgid "current"\nmsgstr "aktuell"\n\n#~| msgid "older"\n#~ msgid "old"\n#~ msgstr "alt"\n'
    )
    assert "gone" not in text


def test_flags_are_written_in_gettext_order_and_unknown_flags_kept() -> None:
    entry = Entry(
        msgid="x",
        msgstr="y",
        flags=["no-wrap", "pipeline-checked", "possible-python-format", "c-format", "fuzzy"],
    )
    text = format_catalog(catalog_of(entry))
    assert "#, fuzzy, c-format, python-format, no-wrap, pipeline-checked\n" in text
    untranslated = format_catalog(catalog_of(Entry(msgid="x", flags=["fuzzy"])))
    assert "fuzzy" not in untranslated


def test_references_wrap_at_79_columns() -> None:
    references = [f"source/medicine/section-{n:02}.md:{n}" for n in range(10)]
    text = format_catalog(catalog_of(Entry(msgid="x", references=references)))
    lines = [line for line in text.splitlines() if line.startswith("#:")]
    assert len(lines) > 1
    assert all(len(line) <= 79 for line in lines)
    assert " ".join(line[3:] for line in lines).split() == references


def test_empty_catalog_without_header_is_empty() -> None:
    assert format_catalog(Catalog()) == ""


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

SAMPLE = """\
# Translator comment
#
#  indented comment
#. Extracted
#: a.md:1 ./b.md:2
#:   c.md:3
#, fuzzy, python-format
#| msgctxt "old ctxt"
#| msgid "old "
#| "text"
msgctxt "ctx"
msgid ""
"Dose: "
"%(mg)s mg"
msgstr "Доза: %(mg)s мг"

msgid "One"
msgid_plural "Many"
msgstr[0] "Одна"
msgstr[1] "Много"

# obsolete comment
#, fuzzy
#~| msgid "previous"
#~| "continued"
#~ msgctxt "gone"
#~ msgid "Gone"
#~ msgstr ""
#~ "Ушло"
"""


def test_parses_every_kind_of_line() -> None:
    catalog = parse_catalog(SAMPLE, "faq.po", lang="ru", domain="faq")
    assert (catalog.path, catalog.lang, catalog.domain) == ("faq.po", "ru", "faq")
    assert catalog.header == Entry(msgid="")
    first, plural, gone = catalog.entries
    assert first.translator_comments == ["Translator comment", "", " indented comment"]
    assert first.auto_comments == ["Extracted"]
    assert first.references == ["a.md:1", "./b.md:2", "c.md:3"]
    assert first.flags == ["fuzzy", "python-format"]
    assert (first.previous_msgctxt, first.previous_msgid) == ("old ctxt", "old text")
    assert (first.msgctxt, first.msgid, first.msgstr) == (
        "ctx",
        "Dose: %(mg)s mg",
        "Доза: %(mg)s мг",
    )
    assert first.lineno == 1
    assert plural.msgid_plural == "Many"
    assert plural.msgstr_plural == {0: "Одна", 1: "Много"}
    assert plural.lineno == 17
    assert gone.obsolete and gone.fuzzy
    assert gone.translator_comments == ["obsolete comment"]
    assert (gone.previous_msgid, gone.msgctxt, gone.msgid) == ("previouscontinued", "gone", "Gone")
    assert gone.msgstr == "Ушло"
    assert gone.lineno == 22


def test_comments_written_after_the_obsolete_mark_are_read_as_gettext_reads_them(
    tmp_path: Path,
) -> None:
    # As django-oscar's catalogs ship them; msgfmt and msgcat accept them.
    text = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        "#~ # a comment\n#~ #. auto\n#~ #, python-format\n"
        '#~ msgid "%(n)d gone"\n#~ msgstr "%(n)d weg"\n'
    )
    (gone,) = parse_catalog(text).entries
    assert gone.obsolete and gone.flags == ["python-format"] and gone.msgstr == "%(n)d weg"
    assert (gone.translator_comments, gone.auto_comments) == (["a comment"], ["auto"])
    assert format_catalog(parse_catalog(text)) == msgcat_text(text, tmp_path)


def test_header_goes_to_catalog_header() -> None:
    text = '# title\nmsgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgctxt "x"\nmsgid ""\nmsgstr "y"\n'
    catalog = parse_catalog(text)
    assert catalog.header.translator_comments == ["title"]
    assert catalog.metadata == {"Language": "ru"}
    assert [(e.msgctxt, e.msgid) for e in catalog.entries] == [("x", "")]


def test_c_escapes() -> None:
    text = r"""msgid "e"
msgstr "\n\t\"\\\a\b\f\v\r \101\x42 \303\251 \xe2\x80\x94"
"""
    (entry,) = parse_catalog(text).entries
    assert entry.msgstr == '\n\t"\\\a\b\f\v\r AB é —'


def test_crlf_and_bom() -> None:
    text = '\ufeff# c\r\nmsgid "a"\r\nmsgstr ""\r\n"b\\n"\r\n"c"\r\n'
    (entry,) = parse_catalog(text).entries
    assert (entry.translator_comments, entry.msgstr, entry.lineno) == (["c"], "b\nc", 1)


def test_read_catalog_reads_file(tmp_path: Path) -> None:
    path = tmp_path / "de.po"
    path.write_bytes(b'\xef\xbb\xbfmsgid "a"\r\nmsgstr "\xc3\xa4"\r\n')
    catalog = read_catalog(path, lang="de", domain="site")
    assert catalog.entries[0].msgstr == "ä"
    assert (catalog.path, catalog.lang, catalog.domain) == (str(path), "de", "site")


# ---------------------------------------------------------------------------
# Errors name file and line
# ---------------------------------------------------------------------------

ERRORS = [
    ('msgid "a"\nmsgstr "b\n', 2, "unterminated string"),
    ('msgid "a"\nmsgstr "b"\n\nmsgid "c"\nmsgtxt "d"\n', 5, "unknown keyword"),
    ('# c\nmsgstr "b"\n', 2, "without msgid"),
    ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message"),
    (
        'msgctxt "k"\nmsgid "a"\nmsgstr "b"\n\n#~ msgctxt "k"\n#~ msgid "a"\n#~ msgstr "c"\n',
        5,
        "duplicate",
    ),
    ('msgid "a"\nmsgstr "b\\q"\n', 2, "invalid escape"),
    ('msgid "a"\nmsgstr[0] "b"\n', 2, "without msgid_plural"),
    ('msgid "a"\nmsgid_plural "b"\nmsgstr "c"\n', 3, "msgstr without [n]"),
    ('msgid "a"\nmsgid_plural "b"\nmsgstr[1] "c"\n', 3, "wrong index"),
    ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', 3, "missing msgstr"),
    ('msgid "a"\nmsgstr "b"\n"c" x\n', 3, "unexpected text"),
    ('msgid "a"\nmsgstr "b"\n\n#, fuzzy\n', 4, "comments without msgid"),
    ('"orphan"\n', 1, "string without a keyword"),
    ('msgid "a"\nmsgstr\n', 2, "without a string"),
]


@pytest.mark.parametrize(("text", "line", "reason"), ERRORS)
def test_syntax_errors_name_path_and_line(text: str, line: int, reason: str) -> None:
    path = "locales/de/LC_MESSAGES/faq.po"
    with pytest.raises(CatalogSyntaxError) as caught:
        parse_catalog(text, path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert reason in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_invalid_utf8_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.po"
    path.write_bytes(
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        b'msgid "a"\nmsgstr "\xff"\n'
    )
    with pytest.raises(CatalogSyntaxError, match=r"bad\.po:6: invalid UTF-8") as caught:
        read_catalog(path)
    assert caught.value.line == 6


def test_other_charset_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "latin1.po"
    path.write_bytes(
        b'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=ISO-8859-1\\n"\n\n'
        b'msgid "a"\nmsgstr "\xe4"\n'
    )
    with pytest.raises(CatalogSyntaxError, match="msgconv"):
        read_catalog(path)


def test_fallback_breaker_matches_gettext_on_plain_prose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Used only where libunistring is missing; plain words and spaces must still
    # come out as msgcat writes them.
    import pipeline.po.linebreak

    prose = "the dose is adjusted to body weight and kidney function " * 4
    entries = [
        Entry(msgid=prose, msgstr=prose.upper()),
        Entry(msgid="Notes\n" + prose + "\n", msgstr=""),
        Entry(msgid="old", msgstr="alt", obsolete=True, previous_msgid=prose),
    ]
    expected = msgcat_text(format_catalog(catalog_of(*entries)), tmp_path)
    monkeypatch.setattr(
        pipeline.po.linebreak, "_line_breaker", pipeline.po.linebreak._simple_breaks
    )
    assert format_catalog(catalog_of(*entries)) == expected


BLOCKS = """\
msgid ""
msgstr "Language: de\\n"

#: a.md:1
msgid "Alone"
msgstr "Allein"

msgid "One"
msgid_plural "Many"
msgstr[0] "Eins"
msgstr[1] "Viele"

msgid "First"
msgstr "Erste"
msgid "Second, with no blank line before it"
msgstr "Zweite"

msgid "Continued"
msgstr "Fort"

"gesetzt"

# a comment with a blank line after it

msgid "After the comment"
msgstr "Nach dem Kommentar"



#, fuzzy
#~ msgid "Gone"
#~ msgstr "Weg"
"""


def test_an_entry_keeps_its_lines_only_when_it_is_a_block_of_its_own() -> None:
    as_read = parse_catalog_file(BLOCKS.encode("utf-8"), "blocks.po")
    catalog = as_read.catalog
    lines = {entry.msgid: as_read.lines.lines_for(entry) for entry in catalog.entries}
    assert as_read.lines.lines_for(catalog.header) is None  # always formatted anew
    assert lines == {
        "Alone": '#: a.md:1\nmsgid "Alone"\nmsgstr "Allein"',
        "One": 'msgid "One"\nmsgid_plural "Many"\nmsgstr[0] "Eins"\nmsgstr[1] "Viele"',
        "First": None,
        "Second, with no blank line before it": None,
        "Continued": None,
        "After the comment": None,
        "Gone": '#, fuzzy\n#~ msgid "Gone"\n#~ msgstr "Weg"',
    }
    assert catalog.index()[None, "Continued"].msgstr == "Fortgesetzt"
    # Kept lines are written as they are; the others, and the header, formatted.
    written = format_catalog(catalog, as_read.lines)
    assert written == format_catalog(catalog)
    catalog.header.msgstr = "Language: de\nPO-Revision-Date: 2026-11-27 00:00+0000\n"
    assert "PO-Revision-Date" in format_catalog(catalog, as_read.lines)


# Laid out as msgcat would not (strings on continuation lines, flags out of
# order), so that kept lines and formatted ones differ.
EDITED_ELSEWHERE = """\
msgid ""
msgstr ""
"Language: de\\n"

#, python-format, fuzzy
msgid "Untouched %s"
msgstr ""
"Unberührt %s"

msgid ""
"Translation"
msgstr ""
"Übersetzung"

msgid "Flag"
msgstr ""
"Flagge"

#: a.md:1
msgid "Reference"
msgstr ""
"Verweis"

msgid "Fuzzy"
msgstr ""
"Unscharf"

msgid "One"
msgid_plural "Many"
msgstr[0] ""
"Eins"
msgstr[1] "Viele"

msgid "Comment"
msgstr ""
"Kommentar"

msgid "Gone"
msgstr ""
"Weg"

msgid "Replaced"
msgstr ""
"Ersetzt"

msgid "Copied"
msgstr ""
"Kopiert"
"""


def test_an_entry_changed_after_reading_is_written_anew() -> None:
    as_read = parse_catalog_file(EDITED_ELSEWHERE.encode("utf-8"), "edited.po")
    catalog = as_read.catalog
    blocks = EDITED_ELSEWHERE.rstrip("\n").split("\n\n")[1:]
    original = {entry.msgid: block for entry, block in zip(catalog.entries, blocks, strict=True)}
    index = catalog.index()
    index[None, "Translation"].msgstr = "Die Übersetzung"
    index[None, "Flag"].flags.append("python-format")
    index[None, "Reference"].references.append("b.md:2")
    index[None, "Fuzzy"].fuzzy = True
    index[None, "One"].msgstr_plural[1] = "Mehrere"
    index[None, "Comment"].translator_comments.append("checked")
    index[None, "Gone"].obsolete = True
    replaced = catalog.entries.index(index[None, "Replaced"])
    catalog.entries[replaced] = replace(index[None, "Replaced"], msgstr="Neu ersetzt")
    copied = catalog.entries.index(index[None, "Copied"])
    catalog.entries[copied] = replace(index[None, "Copied"])  # says the same: keeps its lines

    written = format_catalog(catalog, as_read.lines).split("\n\n")
    kept = {"Untouched %s", "Copied"}
    assert written[0] == format_entry(catalog.header).rstrip("\n")
    for entry, block in zip(written_entries(catalog)[1:], written[1:], strict=True):
        if entry.msgid in kept:
            assert block.rstrip("\n") == original[entry.msgid]
            assert format_entry(entry).rstrip("\n") != original[entry.msgid]
        elif entry.msgid == "Reference":  # moved in the source: only its references are new
            assert block.rstrip("\n") == original[entry.msgid].replace("a.md:1", "a.md:1 b.md:2")
        else:
            assert block.rstrip("\n") == format_entry(entry).rstrip("\n"), entry.msgid
    assert written[-1] == '#~ msgid "Gone"\n#~ msgstr "Weg"\n'
    assert format_catalog(parse_catalog("\n\n".join(written))) == format_catalog(catalog)


def test_an_entry_whose_references_alone_changed_keeps_its_other_lines() -> None:
    as_read = parse_catalog_file(EDITED_ELSEWHERE.encode("utf-8"), "edited.po")
    catalog = as_read.catalog
    entry = catalog.index()[None, "Reference"]
    entry.references[:] = [f"source/a-long-page-name-{n}.md:{n}" for n in range(3)]
    block = format_catalog(catalog, as_read.lines).split("\n\n")[4]
    # The references as msgcat wraps them, then the strings laid out as they were.
    kept = 'msgid "Reference"\nmsgstr ""\n"Verweis"'
    assert block == format_entry(entry).split("msgid")[0] + kept
    entry.references.clear()  # no references left: nothing to put them in place of
    assert format_catalog(catalog, as_read.lines).split("\n\n")[4] == format_entry(entry).rstrip()
