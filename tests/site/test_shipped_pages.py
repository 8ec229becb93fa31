"""The shipped pages under the tool's own rules: every kind of block is there, the
Markdown dialect renders them as CommonMark with HTML off does, and segmenting
sees the blocks the renderer sees."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from pipeline.config import load_config
from pipeline.segments.blocks import read_segments
from pipeline.text.markdown import markdown
from tests.projects import REPO
from tests.segmenting import (
    assert_every_part_segmented,
    blocks_for_segments,
    blocks_with_inline_parsing,
)

SHIPPED_PAGES = sorted((REPO / "source").glob("*.md"))


def test_shipped_source_segments_cover_every_part() -> None:
    segments = read_segments(load_config(REPO))
    assert_every_part_segmented(segments, questions=10, table="effectiveness", cells=8 * 6)


def test_the_dialect_renders_the_shipped_pages_as_commonmark_with_html_off_does() -> None:
    with_rules = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )
    for path in SHIPPED_PAGES:
        text = path.read_text("utf-8")
        assert markdown().render(text) == with_rules.render(text), path


@pytest.mark.parametrize("path", SHIPPED_PAGES, ids=lambda path: path.stem)
def test_segmenting_sees_the_blocks_the_renderer_sees(path: Path) -> None:
    text = path.read_text("utf-8")
    expected = blocks_with_inline_parsing(text)
    assert expected
    assert blocks_for_segments(text) == expected
