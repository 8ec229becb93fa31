"""The project's one Markdown dialect, and the parsers every stage builds from it.

Segmentation, rendering, the QA checks, machine protection and language
identification all parse with these, so a table, a strikethrough or a link is
the same thing to each of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.admon import admon_plugin

from pipeline.text.extensions import attribute_lists, directive_rule, render_directive

EXTENSIONS = ("table", "strikethrough")
"""What the dialect adds to CommonMark (GFM tables and strikethrough)."""


def _dialect() -> MarkdownIt:
    """CommonMark, GFM tables and strikethrough, and the MkDocs extensions of
    :mod:`pipeline.text.extensions`: admonitions, block directives, attribute lists."""
    # With html off the two HTML rules match nothing, yet markdown-it still tries
    # html_block on every line of every paragraph: disabling them changes no output.
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False})
        .enable(list(EXTENSIONS))
        .disable(["html_block", "html_inline"])
        .use(admon_plugin)
    )
    md.block.ruler.before(
        "paragraph",
        "directive",
        directive_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.core.ruler.after("block", "attribute_lists", attribute_lists)
    md.add_render_rule("directive", render_directive)
    return md


@cache
def markdown() -> MarkdownIt:
    """The one Markdown dialect of the project: CommonMark + GFM tables, raw HTML off."""
    return _dialect()


MADE = "l10n_made"
"""The ``meta`` key of a raw HTML token the renderer made itself; :func:`page_parser` shows
no other raw HTML as HTML."""


@cache
def page_parser() -> MarkdownIt:
    """:func:`markdown` with raw inline HTML as tokens of its own, for the page renderer.

    The blocks are :func:`markdown`'s (HTML blocks stay off). A raw tag is shown as
    text unless the renderer made the token itself and marked it with :data:`MADE`:
    the allowed inline tags it writes anew (:func:`pipeline.text.tags.shown_tag`) and
    its own wrappers. Whatever a renderer forgets to look at is still text.
    """
    md = _dialect()
    md.options["html"] = True
    md.enable("html_inline")
    md.add_render_rule("html_inline", _made_html_only)
    md.add_render_rule("html_block", _made_html_only)
    return md


def _made_html_only(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    token = tokens[index]
    return token.content if token.meta.get(MADE) else escapeHtml(token.content)


@cache
def segmenter() -> MarkdownIt:
    """:func:`markdown` without inline parsing: the block structure, with each block's raw text.

    Segmenting needs only each block's inline Markdown as written, and inline
    parsing is most of the time a full parse takes; the block tokens, their
    ``content`` and ``map`` are the same as :func:`markdown` gives.
    """
    return _dialect().disable("inline")


# What may start inline markup in the dialect, or be changed by the parser: escapes, code,
# emphasis, strikethrough, links and images, autolinks and raw HTML, entities, line
# breaks, and the carriage returns and NULs it normalises first.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[<&~\n\r\x00]")


def without_inline_syntax(text: str) -> bool:
    """Whether :func:`inline_parser` would parse ``text`` into one text token holding it
    unchanged (nothing at all for ""), so that it need not be parsed.

    Most segments are such plain prose; a parse costs more than any check run on it.
    """
    return _INLINE_SYNTAX.search(text) is None


@cache
def inline_parser() -> MarkdownIt:
    """The project dialect with raw HTML on and every link accepted.

    The point is to *see* what a renderer with the project's safe settings would
    drop or escape: a ``javascript:`` link or an ``<img onerror>`` the renderer
    turns into text is still a translation nobody may publish.
    """
    parser = MarkdownIt("commonmark", {"html": True}).enable(list(EXTENSIONS))
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser
