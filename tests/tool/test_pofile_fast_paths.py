"""The reader's whole-entry fast path and the writer's short cuts give what the
general code gives: the same entries as reading line by line, the same bytes as
GNU msgcat."""

from __future__ import annotations

import gc
import importlib.util
import subprocess
from pathlib import Path

import pytest

from pipeline.model import Catalog, Entry
from pipeline.po.line_reader import LineReader
from pipeline.po.linebreak import EXACT_LINE_BREAKING
from pipeline.po.reader import parse_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.po.writer import format_catalog

DJANGO = Path(str(getattr(importlib.util.find_spec("django"), "origin", ""))).parent
HEADER = "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"


def read_line_by_line(text: str) -> Catalog:
    """The general state machine alone, without the whole-entry fast path."""
    reader = LineReader("<string>")
    reader.read_lines(text.split("\n"), 1)
    reader.finish()
    catalog = Catalog(entries=reader.entries)
    if reader.header is not None:
        catalog.header = reader.header
    return catalog


def test_django_catalogs_read_the_same_with_and_without_the_fast_path() -> None:
    sources = sorted(DJANGO.glob("**/LC_MESSAGES/*.po"))[::9]
    assert len(sources) > 50
    for source in sources:
        text = source.read_text(encoding="utf-8")
        fast, slow = parse_catalog(text), read_line_by_line(text)
        assert fast.header == slow.header, source
        assert fast.entries == slow.entries, source


SHAPES = [
    # a continuation string after a blank line still belongs to the msgstr
    'msgid "a"\nmsgstr "b"\n\n"c"\n',
    # comments separated from their entry by a blank line are still its comments
    '#. note\n\nmsgid "a"\nmsgstr "b"\n\n#: x.py:1\nmsgid "c"\nmsgstr "d"\n',
    # escapes, several lines, msgctxt, every comment kind, extra blank lines
    '# tc\n#\n#.  auto\n#: a.md:1 ./b.md:2\n#, fuzzy, python-format\nmsgctxt "k\\"q\\""\n'
    'msgid ""\n"one\\n"\n"two \\\\ \\t"\nmsgstr "x"\n\n\n\nmsgid "z"\nmsgstr ""\n',
    # octal and hex escapes are left to the general reader
    'msgid "e"\nmsgstr "\\303\\251 \\x41"\n',
    # previous msgid, obsolete entries and plurals are read line by line
    '#| msgid "old"\nmsgid "new"\nmsgstr "n"\n\n#~ msgid "gone"\n#~ msgstr "g"\n\n'
    'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "1"\nmsgstr[1] "2"\n',
    # two literals on a line, keyword indented, trailing blanks
    'msgid "a" "b"\nmsgstr "c"  \n\n  msgid "d"\nmsgstr "e"\n',
    # the header, then an entry without a final newline
    'msgid ""\nmsgstr ""\n"Language: de\\n"\n\nmsgid "x"\nmsgstr "y"',
]


@pytest.mark.parametrize("text", SHAPES)
def test_unusual_shapes_read_as_line_by_line(text: str) -> None:
    fast, slow = parse_catalog(text), read_line_by_line(text)
    assert (fast.header, fast.entries) == (slow.header, slow.entries)


def test_lineno_of_fast_entries() -> None:
    text = 'msgid ""\nmsgstr "h"\n\n#: a:1\nmsgid "a"\nmsgstr "b"\n\n\nmsgid "c"\nmsgstr "d"\n'
    assert [e.lineno for e in parse_catalog(text).entries] == [4, 9]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('msgid "a"\nmsgstr "b"\n\n#: x\nmsgid "a"\nmsgstr "c"\n', 4, "duplicate message"),
        ('msgid "a"\nmsgstr "b\\q"\n\nmsgid "c"\nmsgstr "d"\n', 2, "invalid escape"),
        ('msgid "a"\nmsgstr "b\\"\n"c"\n', 2, "unterminated string"),
        ('msgid "a\nmsgstr "b"\n', 1, "unterminated string"),
    ],
)
def test_errors_in_common_shapes_name_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(CatalogSyntaxError) as caught:
        parse_catalog(text, "x.po")
    assert (caught.value.line, reason in caught.value.reason) == (line, True)


def test_cycle_collector_state_is_restored() -> None:
    parse_catalog('msgid "a"\nmsgstr "b"\n')
    assert gc.isenabled()
    gc.disable()
    try:
        parse_catalog('msgid "a"\nmsgstr "b"\n')
        assert not gc.isenabled()
    finally:
        gc.enable()


def assert_msgcat_agrees(entries: list[Entry], tmp_path: Path) -> None:
    """Our text for ``entries`` (the first is the header) is what msgcat makes of it."""
    catalog = Catalog(entries=entries[1:], header=entries[0])
    source = tmp_path / "in.po"
    source.write_text(format_catalog(catalog), encoding="utf-8")
    done = subprocess.run(
        ["msgcat", str(source), "-o", "-"], check=True, capture_output=True, text=True
    )
    assert done.stdout == source.read_text(encoding="utf-8")


def test_short_cuts_in_the_writer_agree_with_msgcat(tmp_path: Path) -> None:
    """Strings and reference lines around the 79-column edge, ASCII, accented and wide."""
    if not EXACT_LINE_BREAKING:
        pytest.skip("libunistring is not installed; line breaks are approximate")
    entries = [Entry(msgid="", msgstr=HEADER)]
    for fill in range(66, 74):
        for letter in ("a", "é", "日"):
            text = ("word " * 20)[: fill - 5] + letter * 5
            refs = [f"src/{'m' * (fill - 60)}.py:{n}" for n in range(1, 3)]
            entries.append(Entry(text, text.upper(), references=refs))
            entries.append(Entry(text + "\n", text + "!\n", msgctxt=letter + str(fill)))
    entries.append(Entry("Plain", "Simple", references=["./src/a.py:1", "src/é.py:2"]))
    assert_msgcat_agrees(entries, tmp_path)


def test_one_breaker_call_per_string_agrees_with_msgcat(tmp_path: Path) -> None:
    """Lines of a string are broken in one call, and a string that may not fit after
    its keyword is broken once from column 0: the same bytes as msgcat either way."""
    if not EXACT_LINE_BREAKING:
        pytest.skip("libunistring is not installed; line breaks are approximate")
    prose = "the dose is 2 × 10⁶ CAR-T cells/kg «after» lymphodepletion (day -5 to -3); "
    lines = [
        prose * 2,
        "日本語の文章は単語の間に空白がありません。" * 5,
        "«" + prose.strip() + "»",
        '"' + prose.strip() + '"',
        "جرعة الخلايا 2 × 10⁶ لكل كيلوغرام من وزن الجسم. " * 3,
        "x" * 120,
        "tab\there and \\backslash\\ " * 6,
    ]
    entries = [Entry(msgid="", msgstr=HEADER)]
    for number, line in enumerate(lines):
        entries.append(Entry(line, line.upper(), msgctxt=f"one {number}"))
        entries.append(Entry(line + "\n" + line, line + "\n", msgctxt=f"two {number}"))
        entries.append(
            Entry("\n".join([line, "", line[:40], line]) + "\n", "", msgctxt=f"{number}")
        )
    # Strings around the width, where breaking from column 0 alone does not decide.
    for fill in range(60, 80):
        text = ("word " * 20)[:fill]
        entries.append(Entry(text, text + "s", msgctxt=f"edge {fill}"))
        entries.append(Entry("x" * fill, "y" * (fill - 3) + " z", msgctxt=f"solid {fill}"))
        # Never a break between a space and the escaped newline that follows it.
        entries.append(Entry(f"{text} \n{text} \n", "", msgctxt=f"lines {fill}"))
    assert_msgcat_agrees(entries, tmp_path)
