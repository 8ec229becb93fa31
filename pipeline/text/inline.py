"""A segment's inline markup: the one view the renderer and the QA checks share."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it.token import Token

from pipeline.text.excerpt import excerpt, quoted
from pipeline.text.markdown import inline_parser
from pipeline.text.patterns import BARE_URL, HTML_LIKE, PLACEHOLDER, UNSAFE_SCHEMES

_EMPHASIS = {"em_open": "em", "strong_open": "strong", "s_open": "s"}


@dataclass(frozen=True)
class InlineMarkup:
    """What a segment's inline Markdown does, beyond its words.

    The renderer (:func:`pipeline.site.choose.unsafe_translation`) and the QA
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


@dataclass
class _Found:
    links: list[tuple[str, str]] = field(default_factory=list)
    autolinks: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    bare_urls: list[str] = field(default_factory=list)
    emphasis: list[str] = field(default_factory=list)
    textless: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)

    def link(self, token: Token, following: Token | None) -> None:
        href = str(token.attrGet("href") or "")
        self.links.append((href, str(token.attrGet("title") or "")))
        if token.markup == "autolink":
            self.autolinks.append(href)
        if following is not None and following.type == "link_close":
            self.textless.append(href)

    def text(self, content: str) -> None:
        self.placeholders += PLACEHOLDER.findall(content)
        self.bare_urls += BARE_URL.findall(content)
        self.html += HTML_LIKE.findall(content)


@lru_cache(maxsize=65536)
def inline_markup(text: str) -> InlineMarkup:
    found = _Found()
    for block in inline_parser().parseInline(text):
        children = block.children or []
        for index, token in enumerate(children):
            if token.type == "link_open":
                found.link(token, children[index + 1] if index + 1 < len(children) else None)
            elif token.type == "image":
                found.images.append(str(token.attrGet("src") or ""))
            elif token.type == "code_inline":
                found.code.append(token.content)
            elif token.type in _EMPHASIS:
                found.emphasis.append(_EMPHASIS[token.type])
            elif token.type == "html_inline":
                found.html.append(token.content)
            elif token.type == "text":
                found.text(token.content)
    return InlineMarkup(
        links=tuple(found.links),
        autolinks=tuple(found.autolinks),
        images=tuple(found.images),
        code=tuple(found.code),
        placeholders=tuple(sorted(found.placeholders)),
        emphasis=tuple(found.emphasis),
        raw_html=tuple(found.html),
        bare_urls=tuple(found.bare_urls),
        textless_links=tuple(found.textless),
    )


def _differences(what: str, source: Counter[str], target: Counter[str]) -> Iterator[str]:
    for item in sorted((source - target).keys()):
        yield f"{what} {excerpt(item)} is missing"
    for item in sorted((target - source).keys()):
        yield f"{what} {excerpt(item)} is not in the source"


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
        f"autolink <{excerpt(url)}> is not in the source"
        for url in sorted((Counter(theirs.autolinks) - Counter(ours.autolinks)).keys())
    ]
    problems += [
        f"URL {excerpt(url)} is not in the source"
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


@lru_cache(maxsize=65536)
def prose(text: str) -> str:
    """The visible words of inline Markdown: text and link text, not URLs, code or placeholders."""
    parts: list[str] = []
    for block in inline_parser().parseInline(text):
        for token in block.children or ():
            if token.type == "text":
                parts.append(PLACEHOLDER.sub(" ", BARE_URL.sub(" ", token.content)))
            elif token.type in ("softbreak", "hardbreak", "code_inline", "link_open", "link_close"):
                parts.append(" ")
    return "".join(parts)
