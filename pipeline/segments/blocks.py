"""Stage 2: source pages -> segments.

This is where a paragraph becomes a catalog entry: every block-level element
(heading, paragraph, list item, table cell, FAQ question or answer) is one
:class:`~pipeline.model.Segment` whose msgid is the block's inline Markdown on
one line. The renderer walks the same blocks (:func:`walk_blocks`) to put the
translations back, so both sides agree on what a block is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markdown_it.token import Token

from pipeline.collector import paused_cycle_collection
from pipeline.config import Config
from pipeline.model import Segment
from pipeline.source.documents import Document, SourceError, front_matter_line, read_documents
from pipeline.text.limits import MAX_SEGMENT_CHARS, too_long
from pipeline.text.markdown import segmenter
from pipeline.text.patterns import PLACEHOLDER

# Open tokens that can carry the attributes of a block (lang="en" on fallback).
_BLOCK_OPENERS = {
    "paragraph_open", "heading_open", "th_open", "td_open", "list_item_open",
    "admonition_title_open",
}  # fmt: skip
_BLOCK_CLOSERS = {opener.replace("_open", "_close") for opener in _BLOCK_OPENERS}


@dataclass(frozen=True)
class Block:
    """A translatable block found in a token stream."""

    inline: int  # index of the inline token
    carrier: int  # index of the visible open token that carries the block's attributes
    role: str
    note: str
    line: int  # 0-based line in the parsed text
    msgid: str  # the inline token's text, as :func:`msgid_of` gives it


def msgid_of(inline: Token) -> str:
    """The msgid of an inline token: its Markdown with soft line breaks folded to spaces."""
    return " ".join(line.strip() for line in inline.content.splitlines()).strip()


def walk_blocks(tokens: list[Token], layout: str = "page") -> Iterator[Block]:
    """Yield each translatable block of a parsed Markdown body, with a note for translators."""
    walker = _BlockWalker(tokens, layout)
    for index, token in enumerate(tokens):
        if token.type != "inline":
            walker.enter(index, token)
            continue
        text = msgid_of(token)
        if text:
            yield walker.block(index, token, text)


class _BlockWalker:
    """Where the walk stands: the open blocks, lists and table, and the current section."""

    def __init__(self, tokens: list[Token], layout: str) -> None:
        self.tokens = tokens
        self.layout = layout
        self.section = ""
        self.openers: list[int] = []  # stack of visible block openers
        self.list_items: list[tuple[int, int]] = []  # (position, count) per open list
        self.table_header: list[str] = []
        self.row: list[str] = []
        self.column = 0

    def enter(self, index: int, token: Token) -> None:
        """Follow one structural token."""
        kind = token.type
        if kind in _BLOCK_OPENERS and not token.hidden:
            self.openers.append(index)
        elif kind in _BLOCK_CLOSERS and not token.hidden and self.openers:
            self.openers.pop()
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.list_items.append((0, _count_items(self.tokens, index)))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.list_items.pop()
        elif kind == "list_item_open" and self.list_items:
            position, count = self.list_items[-1]
            self.list_items[-1] = (position + 1, count)
        elif kind == "thead_open":
            self.table_header = []
        elif kind == "tr_open":
            self.row, self.column = [], 0
        elif kind in ("th_open", "td_open"):
            self.column += 1

    def block(self, index: int, token: Token, text: str) -> Block:
        parent = self.tokens[index - 1] if index else None
        role, note = self._role_and_note(parent, text)
        carrier = self.openers[-1] if self.openers else index
        line = token.map[0] if token.map else 0
        return Block(inline=index, carrier=carrier, role=role, note=note, line=line, msgid=text)

    def _role_and_note(self, parent: Token | None, text: str) -> tuple[str, str]:
        kind = parent.type if parent else ""
        if parent is not None and kind == "heading_open":
            self.section = text
            if self.layout == "faq":
                return "FAQ question", "FAQ question"
            return "heading", f"heading, level {int(parent.tag[1:])}"
        if kind == "admonition_title_open":
            return "admonition title", "title of a note (admonition)"
        if kind == "th_open":
            self.table_header.append(text)
            return "table header", f"table column header {self.column}"
        if kind == "td_open":
            return "table cell", self._cell_note(text)
        if self.list_items:
            position, count = self.list_items[-1]
            where = f', section "{self.section}"' if self.section else ""
            return "list item", f"list item {position} of {count}{where}"
        if self.layout == "faq" and self.section:
            return "FAQ answer", f'FAQ answer to "{self.section}"'
        return "paragraph", f'paragraph, section "{self.section}"' if self.section else "paragraph"

    def _cell_note(self, text: str) -> str:
        self.row.append(text)
        column, headers = self.column, self.table_header
        header = headers[column - 1] if column <= len(headers) else f"column {column}"
        if column > 1:
            return f"table cell: {self.row[0]} / {header}"
        return f"table row header: {header}"


def _count_items(tokens: list[Token], start: int) -> int:
    depth, count = 0, 0
    for index in range(start, len(tokens)):  # no slice: that would copy the rest of the page
        token = tokens[index]
        depth += (
            token.nesting
            if token.type.endswith("list_open") or token.type.endswith("list_close")
            else 0
        )
        if token.type == "list_item_open" and depth == 1:
            count += 1
        if depth == 0:
            break
    return count


def document_segments(document: Document) -> list[Segment]:
    """The segments of one page: its title, its description, then its blocks in order."""
    segments: list[Segment] = []

    def add(msgid: str, line: int, role: str, note: str) -> None:
        if len(msgid) > MAX_SEGMENT_CHARS:
            # Every later stage works per segment; none of its work may grow beyond this.
            raise SourceError(
                document.file, line, too_long(f"this {role}", len(msgid), MAX_SEGMENT_CHARS)
            )
        segments.append(
            Segment(
                msgid=msgid,
                domain=document.domain,
                file=document.file,
                line=line,
                role=role,
                note=note,
                msgctxt=document.contexts.get(msgid),
                flags=_flags(msgid),
            )
        )

    add(
        document.title,
        front_matter_line(document.text, "title"),
        "title",
        "page title (h1 and <title>)",
    )
    if document.description:
        line = front_matter_line(document.text, "description")
        add(document.description, line, "description", "page description (search results)")
    for block in body_blocks(document):
        add(block.msgid, document.body_line + block.line, block.role, block.note)
    return segments


# The block tokens of the pages segmented last, for the renderer to take rather than parse
# a page again (see take_parsed): by the body's text and layout, the newest few.
_PARSED: dict[tuple[str, str], tuple[list[Token], dict[str, Any], list[Block]]] = {}
_PARSED_KEPT = 8


def body_blocks(document: Document) -> list[Block]:
    """Each translatable block of the page's body, in order."""
    env: dict[str, Any] = {}
    with paused_cycle_collection():
        tokens = segmenter().parse(document.body, env)
        blocks = list(walk_blocks(tokens, document.layout))
    key = (document.body, document.layout)
    _PARSED.pop(key, None)
    _PARSED[key] = (tokens, env, blocks)
    while len(_PARSED) > _PARSED_KEPT:
        del _PARSED[next(iter(_PARSED))]
    return blocks


def take_parsed(document: Document) -> tuple[list[Token], dict[str, Any], list[Block]] | None:
    """The page's block tokens, the parse's environment (link references) and its blocks, as
    :func:`body_blocks` parsed them in this process, if it did lately; given once, since the
    taker may change the tokens."""
    return _PARSED.pop((document.body, document.layout), None)


def read_segments(config: Config) -> list[Segment]:
    """Every source segment of the project, page by page."""
    return [segment for doc in read_documents(config) for segment in document_segments(doc)]


def _flags(msgid: str) -> tuple[str, ...]:
    # msgfmt then checks that a translation keeps the same {placeholders}.
    return ("python-brace-format",) if PLACEHOLDER.search(msgid) else ()
