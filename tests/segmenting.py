"""A page's blocks found two ways: by the renderer's full parse (with inline parsing)
and by the segmenter's, which skips inline parsing. Tests show the two agree."""

from __future__ import annotations

from pipeline.model import Segment
from pipeline.segments.blocks import body_blocks, msgid_of, walk_blocks
from pipeline.source.documents import parse_document
from pipeline.text.markdown import markdown

Block = tuple[int, int, str, str, int, str]


def blocks_with_inline_parsing(text: str) -> list[Block]:
    document = parse_document(text, "source/page.md")
    tokens = markdown().parse(document.body)
    return [
        (b.inline, b.carrier, b.role, b.note, b.line, msgid_of(tokens[b.inline]))
        for b in walk_blocks(tokens, document.layout)
    ]


def blocks_for_segments(text: str) -> list[Block]:
    document = parse_document(text, "source/page.md")
    return [(b.inline, b.carrier, b.role, b.note, b.line, b.msgid) for b in body_blocks(document)]


EVERY_ROLE = {
    "title",
    "heading",
    "paragraph",
    "list item",
    "table header",
    "table cell",
    "FAQ question",
    "FAQ answer",
}


def assert_every_part_segmented(
    segments: list[Segment], questions: int, table: str, cells: int
) -> None:
    """Every kind of block became segments with file and line: ``questions`` FAQ questions,
    and ``cells`` cells in the table of page ``table``."""
    assert {s.role for s in segments} >= EVERY_ROLE
    assert sum(s.role == "FAQ question" for s in segments) == questions
    assert sum(s.domain == table and s.role == "table cell" for s in segments) == cells
    assert all(s.line > 0 and s.file.startswith("source/") for s in segments)

