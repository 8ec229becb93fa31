"""Properties of the readers, the QA checks and the renderer, over generated input.

Whatever text arrives -- any Unicode, control characters, half-written markup,
runs of digits and brackets -- a reader either reads it or raises its one-line
error; a check returns findings whose messages are bounded and escaped; the
renderer never lets a translation's markup or invisible characters through.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.checks.framework import QAContext
from pipeline.checks.qa import check_entry
from pipeline.model import Entry
from pipeline.po.reader import parse_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.po.writer import format_catalog
from pipeline.site.choose import unsafe_translation
from pipeline.source.documents import SourceError, parse_document
from pipeline.text.excerpt import excerpt
from pipeline.text.invisible import HIDDEN, hidden_in
from pipeline.text.languages import parse_language_code

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text that looks like what the pipeline reads: Markdown, PO syntax, numbers, YAML.
PIECES = st.sampled_from(
    ["[", "]", "(", ")", "![", "*", "**", "_", "`", "<a>", "</a>", "{x}", "{", "}", "%s",
     "1", "2.5", "1 000", "%", "–", "-", ":", "&amp;", "&", "\\", '"', "\n", " ", "\t",
     "http://x.org", "msgid ", "msgstr ", "#", "#,", "&a", "*a", "---", "\x1b[31m",
     "\u202e", "\u200b", "\U000e0041", "\x00", "CAR-T", "Доза", "جرعة", "é"]
)  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=60).map("".join),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@SETTINGS
@given(TEXT, st.integers(min_value=1, max_value=200))
def test_an_excerpt_is_bounded_and_shows_nothing_invisible(text: str, limit: int) -> None:
    shown = excerpt(text, limit)
    assert len(shown) <= max(limit, 2) and not HIDDEN.search(shown)
    if len(text) <= limit and not HIDDEN.search(text):
        assert shown == text


@SETTINGS
@given(TEXT)
def test_the_po_reader_reads_or_says_where_in_one_line(text: str) -> None:
    try:
        catalog = parse_catalog(text, "x.po")
    except CatalogSyntaxError as error:
        assert str(error).startswith("x.po:") and "\n" not in str(error)
        assert not _CONTROL.search(str(error)) and len(str(error)) < 400
        return
    # What was read is written and read back the same.
    again = parse_catalog(format_catalog(catalog), "x.po")
    assert [(e.msgid, e.msgstr) for e in again.entries] == [
        (e.msgid, e.msgstr) for e in catalog.entries
    ]


@SETTINGS
@given(st.dictionaries(st.sampled_from(["msgid", "msgstr"]), TEXT, min_size=2))
def test_any_translation_in_a_po_file_reads_back(fields: dict[str, str]) -> None:
    entry = Entry(fields["msgid"] or "x", fields["msgstr"])
    from pipeline.model import Catalog

    text = format_catalog(Catalog(entries=[entry]))
    (read,) = parse_catalog(text).entries
    assert (read.msgid, read.msgstr) == (entry.msgid, entry.msgstr)


@SETTINGS
@given(TEXT)
def test_the_page_reader_reads_or_says_where_in_one_line(body: str) -> None:
    try:
        parse_document("---\ntitle: T\nslug: t\norder: 1\n" + body + "\n---\nText.\n", "p.md")
    except SourceError as error:
        assert str(error).startswith("p.md:") and "\n" not in str(error)
        assert not _CONTROL.search(str(error))


@SETTINGS
@given(TEXT, TEXT)
def test_qa_findings_are_bounded_and_escaped(source: str, translation: str) -> None:
    entry = Entry(source or "x", translation or "y", lineno=1)
    for finding in check_entry(entry, QAContext("de", "x", "x.po")):
        if finding.check in ("whitespace", "double-space"):
            continue
        assert not _CONTROL.search(finding.message), finding
        assert len(finding.message) < 600, finding


@SETTINGS
@given(TEXT, TEXT)
def test_the_renderer_never_takes_added_markup_or_hidden_characters(
    source: str, translation: str
) -> None:
    problem = unsafe_translation(source, translation)
    if hidden_in(translation) - hidden_in(source):
        assert problem
    if "javascript:" in translation.lower() and "](" in translation and not problem:
        assert "javascript:" in source.lower()


@SETTINGS
@given(TEXT)
def test_a_language_code_never_names_a_path(code: str) -> None:
    try:
        parse_language_code(code)
    except ValueError as error:
        assert "\n" not in str(error)
        return
    assert not set("/\\.") & set(code) and ".." not in code and code.strip() == code
