"""A page's body in one language: each block's chosen text, its values, right-to-left runs.

The Markdown dialect, the blocks that become segments and the placeholder rule
are the shared ones (:mod:`pipeline.text.markdown`, :mod:`pipeline.segments.blocks`,
:mod:`pipeline.text.patterns`), so a block is found here exactly as it was extracted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

from babel import Locale
from babel.numbers import format_currency, format_decimal
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markupsafe import Markup

from pipeline.segments.blocks import Block, take_parsed, walk_blocks
from pipeline.site.choose import Choice, Status, Translations, choose_segment
from pipeline.site.memo import PageBlocks, fingerprint
from pipeline.source.documents import Document, Value
from pipeline.text.languages import locale_data, text_direction
from pipeline.text.linebreaks import BREAKS_AFTER, unbreakable_spans
from pipeline.text.markdown import MADE, page_parser, segmenter
from pipeline.text.patterns import PLACEHOLDER_FIELD
from pipeline.text.tags import VOID_TAGS, shown_tag

TITLE_ID = "page-title"
"""The ``id`` of a page's ``<h1>``: what labels a table that no heading of the body precedes."""


def format_value(value: Value, lang: str) -> str:
    """A source value in the locale's typography: "20.000 €", "20 000 €"."""
    lang = locale_data(lang)
    if value.currency:
        pattern = Locale.parse(lang).currency_formats["standard"].pattern
        # Whole amounts are shown without cents.
        if value.amount == int(value.amount):
            pattern = re.sub(r"\.0+", "", pattern.split(";")[0])
        return format_currency(
            value.amount, value.currency, format=pattern, locale=lang, currency_digits=False
        )
    return format_decimal(value.amount, locale=lang)


@dataclass(frozen=True)
class RenderedBody:
    html: Markup
    choices: tuple[tuple[str, Choice], ...]  # (msgid, choice) per block


@dataclass(frozen=True)
class ParsedBody:
    """A page body's block structure, parsed once for every language it is rendered in.

    Rendering sets the inline tokens' children and the attributes of the tokens that
    carry a block's or a heading's; each render first puts those back as parsed.
    """

    tokens: list[Token]  # the block tokens, shared by the renders of the page
    env: dict[str, Any]  # what the block parse found for the inline parse (link references)
    blocks: dict[int, Block]  # the translatable blocks, by the index of their inline token
    # The attributes and meta, as parsed, of each token a render changes, by index.
    parsed: dict[int, tuple[dict[str, Any], dict[Any, Any]]]

    def reset(self) -> list[Token]:
        """The tokens as parsed, for one render (their inline children are to be set)."""
        for index, (attrs, meta) in self.parsed.items():
            self.tokens[index].attrs = dict(attrs)
            self.tokens[index].meta = dict(meta)
        return self.tokens


def parse_body(document: Document) -> ParsedBody:
    """The body's blocks: :func:`~pipeline.text.markdown.page_parser`'s, whose blocks are the
    segmenter's (it differs in inline HTML only)."""
    taken = take_parsed(document)
    if taken is not None:
        tokens, env, found = taken
    else:
        env = {}
        tokens = segmenter().parse(document.body, env)
        found = list(walk_blocks(tokens, document.layout))
    blocks = {block.inline: block for block in found}
    changed = {block.carrier for block in blocks.values()}
    changed |= {index for index, token in enumerate(tokens) if token.type == "heading_open"}
    parsed = {index: (dict(tokens[index].attrs), dict(tokens[index].meta)) for index in changed}
    return ParsedBody(tokens, env, blocks, parsed)


def render_body(
    document: Document,
    translations: Translations | None,
    lang: str,
    link: Callable[[str], str] | None = None,
    inline_tags: frozenset[str] = frozenset(),
    parsed: ParsedBody | None = None,
    blocks: PageBlocks | None = None,
) -> RenderedBody:
    """The page body as HTML, each block in its chosen language; ``link`` gives where each
    link points in this language; ``inline_tags`` are the tags shown as HTML (the project's,
    which the checks allow), written bare. Any other raw HTML is shown as text.
    ``parsed``: the body's :func:`parse_body`, if made before.

    With ``blocks`` (whose context must cover ``lang``, ``link``, ``inline_tags`` and the
    document's values), a block rendered before from the same text is not parsed again:
    its inline HTML is taken from there, and each block rendered is put there."""
    md = page_parser()
    body = parsed or parse_body(document)
    if blocks is not None:
        blocks.context = fingerprint(blocks.context, body.env)
    tokens, chosen, keys = _parsed_inline(document, translations, body, inline_tags, blocks)
    choices: list[tuple[str, Choice]] = []
    for index, (block, choice) in chosen.items():
        inline = tokens[index]
        choices.append((block.msgid, choice))
        carrier = tokens[block.carrier]
        _mark_status(carrier, choice.status, translations.source_language if translations else lang)
        if index not in keys:
            continue  # taken as rendered before
        _substitute_values(inline.children or [], document, lang)
        if link is not None:
            _point_links(inline.children or [], link)
        if _right_to_left(lang):
            inline.children = isolate_ltr_runs(inline.children or [])
        elif carrier.tag in ("td", "th"):
            inline.children = keep_together(inline.children or [])
    if blocks is not None:
        renderer = cast(RendererHTML, md.renderer)  # the parser's own, as page_parser makes it
        for index, key in keys.items():
            html = renderer.renderInline(tokens[index].children or [], md.options, {})
            blocks.put(key, html)
            tokens[index].children = [_html_token(html)]
    html = md.renderer.render(scrollable_tables(tokens), md.options, {})
    return RenderedBody(Markup(html), tuple(choices))


def _parsed_inline(
    document: Document,
    translations: Translations | None,
    parsed: ParsedBody,
    inline_tags: frozenset[str],
    blocks: PageBlocks | None,
) -> tuple[list[Token], dict[int, tuple[Block, Choice]], dict[int, str]]:
    """The body's tokens with each inline token's children, as the page parser's full parse
    gives them, but for a block shown in another text: that text's own inline parse; the
    allowed tags marked in each. And each block's choice, by the index of its inline token.
    And the inline tokens parsed, by index: the key of each in ``blocks`` (those found
    there have their rendered HTML as their one child instead).

    The English of a translated block is not parsed: only the text shown is.
    """
    md = page_parser()
    tokens = parsed.reset()
    chosen: dict[int, tuple[Block, Choice]] = {}
    keys: dict[int, str] = {}
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        block = parsed.blocks.get(index)
        choice = choose_segment(translations, document, block.msgid) if block else None
        if block is not None and choice is not None:
            chosen[index] = (block, choice)
        # The text shown, when it is not the block's own (whose parse sees the page's
        # link references).
        other = choice.text if choice is not None and choice.text != token.content else None
        if blocks is not None:
            cell = block is not None and tokens[block.carrier].tag in ("td", "th")
            key = blocks.key(token.content, other, index in chosen, cell)
            html = blocks.get(key)
            if html is not None:
                token.children = [_html_token(html)]
                continue
            keys[index] = key
        else:
            keys[index] = ""
        if other is not None:
            token.children = md.parseInline(other)[0].children
        else:
            token.children = []
            md.inline.parse(token.content, md, parsed.env, token.children)
    # The core rules that follow the inline parse (text_join), on the whole body as a full
    # parse runs them; on a translated block's children, which its own parse ran them on,
    # they change nothing, nor on a block's HTML kept from before.
    state = StateCore(document.body, md, parsed.env, tokens)
    for rule in _after_inline(md):
        rule(state)
    for index in keys:
        show_allowed_tags(tokens[index].children or [], inline_tags)
    return tokens, chosen, keys


@cache
def _after_inline(md: MarkdownIt) -> tuple[Callable[[StateCore], None], ...]:
    names = md.core.ruler.get_active_rules()
    rules = md.core.ruler.getRules("")
    return tuple(rules[names.index("inline") + 1 :])


def _mark_status(carrier: Token, status: Status, source_language: str) -> None:
    """A block not shown in the page's language says which it is in; a preview marks text
    that awaits review."""
    if status is Status.FALLBACK:
        carrier.attrSet("lang", source_language)
        carrier.attrJoin("class", "untranslated")
    elif status is Status.MACHINE:
        carrier.attrJoin("class", "machine")
    elif status is Status.UNREVIEWED:  # only a preview shows it
        carrier.attrJoin("class", "unreviewed")


def scrollable_tables(tokens: list[Token]) -> list[Token]:
    """Each table inside a region that scrolls sideways on a narrow screen.

    A keyboard reaches the region (``tabindex="0"``) and a screen reader names it
    by the heading it sits under, or the page title when no heading precedes it.
    """
    wrapped: list[Token] = []
    heading: Token | None = None
    headings = 0
    for token in tokens:
        if token.type == "heading_open":
            heading, headings = token, headings + 1
            heading.meta["number"] = headings
        if token.type == "table_open":
            label = TITLE_ID
            if heading is not None:
                label = str(heading.attrGet("id") or f"section-{heading.meta['number']}")
                heading.attrSet("id", label)
            wrapped.append(
                _html_block(
                    f'<div class="table-scroll" role="region" tabindex="0" '
                    f'aria-labelledby="{label}">\n'
                )
            )
        wrapped.append(token)
        if token.type == "table_close":
            wrapped.append(_html_block("</div>\n"))
    return wrapped


def show_allowed_tags(children: list[Token], allowed: frozenset[str]) -> None:
    """Mark the allowed tags a page shows as HTML: bare, each opened and closed inside the same
    Markdown span (so "*a<sup>b*</sup>" stays text), every void one. The rest stays text."""
    open_tags: list[tuple[Token, str] | None] = []  # None: a Markdown span (emphasis, a link)
    for child in children:
        if child.nesting == 1:
            open_tags.append(None)
        elif child.nesting == -1:
            while open_tags and open_tags.pop() is not None:
                pass  # a tag opened in the span and not closed there stays text
        elif child.type == "html_inline":
            tag = shown_tag(child.content, allowed)
            if tag is None:
                continue
            if not tag.startswith("</"):
                if tag[1:-1] in VOID_TAGS:
                    _made(child, tag)
                else:
                    open_tags.append((child, tag))
            elif (top := open_tags[-1] if open_tags else None) and top[1] == tag.replace("/", ""):
                open_tags.pop()
                _made(top[0], top[1])
                _made(child, tag)


def _made(token: Token, html: str) -> None:
    token.content = html
    token.meta[MADE] = True


def _point_links(children: list[Token], link: Callable[[str], str]) -> None:
    for child in children:
        if child.type == "link_open":
            child.attrSet("href", link(str(child.attrGet("href") or "")))


def _substitute_values(children: list[Any], document: Document, lang: str) -> None:
    for child in children:
        if child.type == "text" and "{" in child.content:
            child.content = PLACEHOLDER_FIELD.sub(
                lambda m: (
                    format_value(document.values[m.group(1)], lang)
                    if m.group(1) in document.values
                    else m.group(0)
                ),
                child.content,
            )


@cache
def _right_to_left(lang: str) -> bool:
    return text_direction(lang) == "rtl"


# A left-to-right run whose order the bidi algorithm gets wrong inside right-to-left
# text: numbers, ranges, percentages and codes such as "70–90%", "CD33 / CD123", "IL-6".
_LTR_RUN = re.compile(
    r"[0-9A-Za-z\u0370-\u03ff][0-9A-Za-z\u0370-\u03ff.,%\u2010\u2011-]*"
    r"(?:\s?[\u2013\-/]\s?[0-9A-Za-z\u0370-\u03ff][0-9A-Za-z\u0370-\u03ff.,%\u2010\u2011-]*)*%?"
)
_WEAK = re.compile(r"[0-9%\u2013/-]")


def isolate_ltr_runs(children: list[Token]) -> list[Token]:
    """Wrap such runs in ``<bdi dir="ltr">`` so "70–90%" never reads "90%–70".

    Translators need no invisible marks (U+200E) for it; the renderer adds the
    markup, never the translation, so no translated text becomes HTML.
    """
    isolated: list[Token] = []
    for child in children:
        if child.type != "text" or not _WEAK.search(child.content):
            isolated.append(child)
            continue
        position = 0
        for run in _LTR_RUN.finditer(child.content):
            if not _WEAK.search(run.group()):
                continue
            isolated.append(_text_token(child.content[position : run.start()]))
            isolated.append(_html_token('<bdi dir="ltr">'))
            isolated.append(_text_token(run.group()))
            isolated.append(_html_token("</bdi>"))
            position = run.end()
        isolated.append(_text_token(child.content[position:]))
    return [token for token in isolated if token.type != "text" or token.content]


def keep_together(children: list[Token]) -> list[Token]:
    """Wrap what a line of a table cell must not split ("CAR-T", "1–2", see
    :func:`~pipeline.text.linebreaks.unbreakable_spans`) in ``<span class="nobr">``.

    In a narrow column a browser breaks at every hyphen and dash it may; in running text
    such a break is ordinary hyphenation. Right-to-left pages need none:
    :func:`isolate_ltr_runs` keeps such runs whole.
    """
    kept: list[Token] = []
    for child in children:
        if child.type != "text" or not any(mark in child.content for mark in BREAKS_AFTER):
            kept.append(child)
            continue
        position = 0
        for start, end in unbreakable_spans(child.content):
            kept.append(_text_token(child.content[position:start]))
            kept.append(_html_token('<span class="nobr">'))
            kept.append(_text_token(child.content[start:end]))
            kept.append(_html_token("</span>"))
            position = end
        kept.append(_text_token(child.content[position:]))
    return [token for token in kept if token.type != "text" or token.content]


def _text_token(text: str) -> Token:
    token = Token("text", "", 0)
    token.content = text
    return token


def _html_block(html: str) -> Token:
    token = Token("html_block", "", 0)
    _made(token, html)
    return token


def _html_token(html: str) -> Token:
    token = Token("html_inline", "", 0)
    _made(token, html)
    return token
