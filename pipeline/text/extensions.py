"""The Markdown extensions of Python-Markdown and MkDocs the dialect knows.

A site moving from MkDocs brings lines CommonMark reads as text. Parsed as
paragraphs they would become catalog entries nobody should translate, and the
editorial checks would take them for unfinished sentences. The dialect
(:mod:`pipeline.text.markdown`) therefore reads three of them:

- **admonitions** (``!!! note "Title"``, ``??? tip``, ``???+ warning``, with the
  body indented): read by ``mdit_py_plugins.admon``. The marker line is not
  text; the title and the body's blocks are translated like any other block.
- **block directives** (mkdocstrings' ``::: package.module.Class`` and the
  indented options under it): :func:`directive_rule`. Kept out of the catalogs
  and the checks, and passed through unchanged as a ``<pre class="directive">``
  block, since this pipeline does not expand them.
- **attribute lists** at the end of a block (``## Events {: #events }``, or
  ``{: .note }`` on the line after a paragraph): :func:`attribute_lists`. Kept
  out of the catalogs; ``#id``, ``.class`` and a few safe ``key=value`` pairs
  become the block's attributes. One inside a line, after a link or emphasis,
  stays in the text as it is written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

# "::: identifier": a line that starts with three colons and names something.
_DIRECTIVE = re.compile(r":::[ \t]+\S")


def directive_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A ``::: identifier`` line and the lines indented under it, as one ``directive`` token."""
    if state.is_code_block(start):
        return False
    begin = state.bMarks[start] + state.tShift[start]
    if not _DIRECTIVE.match(state.src, begin, state.eMarks[start]):
        return False
    if silent:
        return True
    last = start
    line = start + 1
    while line < end:
        if not state.isEmpty(line):
            if state.sCount[line] <= state.blkIndent:
                break  # back at the directive's own indent: the next block
            last = line
        line += 1
    token = state.push("directive", "pre", 0)
    token.block = True
    token.content = state.getLines(start, last + 1, state.blkIndent, True)
    token.map = [start, last + 1]
    state.line = last + 1
    return True


def render_directive(
    renderer: RendererHTML,
    tokens: Sequence[Token],
    index: int,
    options: OptionsDict,
    env: EnvType,
) -> str:
    return f'<pre class="directive"><code>{escapeHtml(tokens[index].content)}</code></pre>\n'


_VALUE = r"(?:\"[^\"]*\"|'[^']*'|[^\s\"'}]+)"
_ATTRIBUTE = rf"(?:[#.][\w-]+|[\w-]+={_VALUE})"
# A whole attribute list at the end of a block's text: "{: #id .class key='value' }".
_TRAILING_ATTRIBUTES = re.compile(
    rf"\s*\{{:?[ \t]*(?P<list>{_ATTRIBUTE}(?:[ \t]+{_ATTRIBUTE})*)[ \t]*\}}\s*\Z"
)
_ONE_ATTRIBUTE = re.compile(rf"[#.][\w-]+|(?P<key>[\w-]+)=(?P<value>{_VALUE})")
# What an attribute list may set besides id and class: nothing that runs code.
_SAFE_KEYS = re.compile(r"title|lang|dir|data-[\w-]+")


def attribute_lists(state: StateCore) -> None:
    """Take a trailing attribute list off each block's text and set it on the block."""
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "inline" or "{" not in token.content or index == 0:
            continue
        opener = tokens[index - 1]
        found = _TRAILING_ATTRIBUTES.search(token.content)
        if found is None or opener.nesting != 1:
            continue
        token.content = token.content[: found.start()]
        for attribute in _ONE_ATTRIBUTE.finditer(found["list"]):
            _set_attribute(opener, attribute)


def _set_attribute(opener: Token, attribute: re.Match[str]) -> None:
    text = attribute.group()
    if text.startswith("#"):
        opener.attrSet("id", text[1:])
    elif text.startswith("."):
        opener.attrJoin("class", text[1:])
    elif _SAFE_KEYS.fullmatch(attribute["key"]):
        opener.attrSet(attribute["key"], attribute["value"].strip("\"'"))
