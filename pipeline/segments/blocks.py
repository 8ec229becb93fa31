"""Stage 2: source pages -> segments.

This is where a paragraph becomes a catalog entry: every block-level element
(heading, paragraph, list item, table cell, FAQ question or answer) is one
:class:`~pipeline.model.Segment` whose msgid is the block's inline Markdown on
one line. The renderer walks the same blocks (:func:`walk_blocks`) to put the
translations back, so both sides agree on what a block is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.config import Config
from pipeline.model import Segment
from pipeline.po.pofile import paused_cycle_collection
from pipeline.source.documents import Document, front_matter_line, read_documents

# Open tokens that can carry the attributes of a block (lang="en" on fallback).
_BLOCK_OPENERS = {"paragraph_open", "heading_open", "th_open", "td_open", "list_item_open"}
_BLOCK_CLOSERS = {opener.replace("_open", "_close") for opener in _BLOCK_OPENERS}


def _dialect() -> MarkdownIt:
    # With html off the two HTML rules match nothing, yet markdown-it still tries
    # html_block on every line of every paragraph: disabling them changes no output.
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable(["table", "strikethrough"])
        .disable(["html_block", "html_inline"])
    )


@cache
def markdown() -> MarkdownIt:
    """The one Markdown dialect of the project: CommonMark + GFM tables, raw HTML off."""
    return _dialect()


@cache
def segmenter() -> MarkdownIt:
    """:func:`markdown` without inline parsing: the block structure, with each block's raw text.

    Segmenting needs only each block's inline Markdown as written, and inline
    parsing is most of the time a full parse takes; the block tokens, their
    ``content`` and ``map`` are the same as :func:`markdown` gives.
    """
    return _dialect().disable("inline")


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
    section = ""
    openers: list[int] = []  # stack of visible block openers
    list_items: list[tuple[int, int]] = []  # (position, count) per open list
    table_header: list[str] = []
    row: list[str] = []
    column = 0
    for index, token in enumerate(tokens):
        kind = token.type
        if kind != "inline":
            if kind in _BLOCK_OPENERS and not token.hidden:
                openers.append(index)
            elif kind in _BLOCK_CLOSERS and not token.hidden and openers:
                openers.pop()
            if kind == "bullet_list_open" or kind == "ordered_list_open":
                list_items.append((0, _count_items(tokens, index)))
            elif kind == "bullet_list_close" or kind == "ordered_list_close":
                list_items.pop()
            elif kind == "list_item_open" and list_items:
                position, count = list_items[-1]
                list_items[-1] = (position + 1, count)
            elif kind == "thead_open":
                table_header = []
            elif kind == "tr_open":
                row, column = [], 0
            elif kind == "th_open" or kind == "td_open":
                column += 1
            continue
        text = msgid_of(token)
        if not text:
            continue
        parent = tokens[index - 1].type if index else ""
        line = token.map[0] if token.map else 0
        if parent == "heading_open":
            level = int(tokens[index - 1].tag[1:])
            section = text
            role = "FAQ question" if layout == "faq" else "heading"
            note = role if layout == "faq" else f"heading, level {level}"
        elif parent == "th_open":
            table_header.append(text)
            role, note = "table header", f"table column header {column}"
        elif parent == "td_open":
            row.append(text)
            header = table_header[column - 1] if column <= len(table_header) else f"column {column}"
            role = "table cell"
            note = (
                f"table cell: {row[0]} / {header}" if column > 1 else f"table row header: {header}"
            )
        elif list_items:
            position, count = list_items[-1]
            role = "list item"
            note = f"list item {position} of {count}" + (
                f', section "{section}"' if section else ""
            )
        elif layout == "faq" and section:
            role, note = "FAQ answer", f'FAQ answer to "{section}"'
        else:
            role = "paragraph"
            note = f'paragraph, section "{section}"' if section else "paragraph"
        carrier = openers[-1] if openers else index
        yield Block(inline=index, carrier=carrier, role=role, note=note, line=line, msgid=text)


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


def body_blocks(document: Document) -> list[Block]:
    """Each translatable block of the page's body, in order."""
    with paused_cycle_collection():
        return list(walk_blocks(segmenter().parse(document.body), document.layout))


def read_segments(config: Config) -> list[Segment]:
    """Every source segment of the project, page by page."""
    return [segment for doc in read_documents(config) for segment in document_segments(doc)]


PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
"""A ``{name}`` the renderer fills in: a translation must keep each one as it is."""


def _flags(msgid: str) -> tuple[str, ...]:
    # msgfmt then checks that a translation keeps the same {placeholders}.
    return ("python-brace-format",) if PLACEHOLDER.search(msgid) else ()


# ---------------------------------------------------------------------------
# A segment's inline markup: the one view the renderer and the QA checks share
# ---------------------------------------------------------------------------

UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
BARE_URL = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_HTML_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>?")
_EMPHASIS = {"em_open": "em", "strong_open": "strong", "s_open": "s"}


@cache
def inline_parser() -> MarkdownIt:
    """The project dialect with raw HTML on and every link accepted.

    The point is to *see* what a renderer with the project's safe settings would
    drop or escape: a ``javascript:`` link or an ``<img onerror>`` the renderer
    turns into text is still a translation nobody may publish.
    """
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


@dataclass(frozen=True)
class InlineMarkup:
    """What a segment's inline Markdown does, beyond its words.

    The renderer (:func:`pipeline.site.pages.unsafe_translation`) and the QA
    ``markup`` check both compare a translation's markup with its source's
    through this one view and :func:`markup_problems`, so they cannot disagree.
    """

    links: tuple[tuple[str, str], ...]  # (href, title) of every link, autolinks too, in order
    autolinks: tuple[str, ...]
    images: tuple[str, ...]
    code: tuple[str, ...]
    placeholders: tuple[str, ...]  # sorted
    emphasis: tuple[str, ...]  # "em", "strong" or "s" per span, in order
    raw_html: tuple[str, ...]  # HTML tags, parsed or as text: never rendered, always suspicious
    bare_urls: tuple[str, ...]  # URLs in the text (rendered as text: linkify is off)
    textless_links: tuple[str, ...]  # targets of links with no visible text: [](url)

    @property
    def link_targets(self) -> Counter[str]:
        """The hrefs of the links that are not autolinks."""
        targets = Counter(href for href, _ in self.links)
        targets.subtract(self.autolinks)
        return +targets

    @property
    def urls(self) -> Counter[str]:
        """Every URL: link targets, autolinks, images and bare URLs."""
        return Counter(href for href, _ in self.links) + Counter(self.images + self.bare_urls)


@lru_cache(maxsize=65536)
def inline_markup(text: str) -> InlineMarkup:
    links: list[tuple[str, str]] = []
    autolinks: list[str] = []
    images: list[str] = []
    code: list[str] = []
    html: list[str] = []
    bare_urls: list[str] = []
    emphasis: list[str] = []
    textless: list[str] = []
    placeholders: list[str] = []
    for block in inline_parser().parseInline(text):
        children = block.children or []
        for index, token in enumerate(children):
            if token.type == "link_open":
                href = str(token.attrGet("href") or "")
                links.append((href, str(token.attrGet("title") or "")))
                if token.markup == "autolink":
                    autolinks.append(href)
                if index + 1 < len(children) and children[index + 1].type == "link_close":
                    textless.append(href)
            elif token.type == "image":
                images.append(str(token.attrGet("src") or ""))
            elif token.type == "code_inline":
                code.append(token.content)
            elif token.type in _EMPHASIS:
                emphasis.append(_EMPHASIS[token.type])
            elif token.type == "html_inline":
                html.append(token.content)
            elif token.type == "text":
                placeholders += PLACEHOLDER.findall(token.content)
                bare_urls += BARE_URL.findall(token.content)
                html += _HTML_LIKE.findall(token.content)
    return InlineMarkup(
        links=tuple(links),
        autolinks=tuple(autolinks),
        images=tuple(images),
        code=tuple(code),
        placeholders=tuple(sorted(placeholders)),
        emphasis=tuple(emphasis),
        raw_html=tuple(html),
        bare_urls=tuple(bare_urls),
        textless_links=tuple(textless),
    )


def _differences(what: str, source: Counter[str], target: Counter[str]) -> Iterator[str]:
    for item in sorted((source - target).keys()):
        yield f"{what} {item} is missing"
    for item in sorted((target - source).keys()):
        yield f"{what} {item} is not in the source"


def markup_problems(source: str, translation: str) -> list[str]:
    """Why ``translation``'s markup may not stand in for ``source``'s; empty when it may.

    Link targets and titles, images, autolinks, URLs, raw HTML and
    ``{placeholders}`` must be exactly the source's: a translator cannot add a
    link, change where one points (so no ``javascript:``/``data:`` URL and no
    new domain) or smuggle markup. Emphasis and code are the QA check's concern.
    """
    ours, theirs = inline_markup(source), inline_markup(translation)
    problems = [
        f"unsafe link {quoted(url)}"
        for url in theirs.urls
        if url.strip().lower().startswith(UNSAFE_SCHEMES)
    ]
    problems += [
        f"raw HTML {quoted(tag)} is not allowed"
        for tag in sorted((Counter(theirs.raw_html) - Counter(ours.raw_html)).keys())
    ]
    problems += [
        f"autolink <{url}> is not in the source"
        for url in sorted((Counter(theirs.autolinks) - Counter(ours.autolinks)).keys())
    ]
    problems += [
        f"URL {url} is not in the source"
        for url in sorted((Counter(theirs.bare_urls) - Counter(ours.bare_urls)).keys())
    ]
    problems += _differences("link target", ours.link_targets, theirs.link_targets)
    titles = Counter(t for _, t in theirs.links if t) - Counter(t for _, t in ours.links if t)
    problems += [f"link title {quoted(title)} is not in the source" for title in sorted(titles)]
    problems += _differences("image", Counter(ours.images), Counter(theirs.images))
    problems += _differences(
        "placeholder", Counter(ours.placeholders), Counter(theirs.placeholders)
    )
    return list(dict.fromkeys(problems))


def quoted(text: str, limit: int = 40) -> str:
    """``text`` in quotation marks for a message, shortened to ``limit`` characters."""
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"
