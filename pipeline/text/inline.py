"""A segment's inline markup: the one view the renderer and the QA checks share."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it.token import Token

from pipeline.text.excerpt import excerpt, quoted
from pipeline.text.localized import Languages, localized_pairs
from pipeline.text.markdown import inline_parser, without_inline_syntax
from pipeline.text.patterns import (
    BARE_URL,
    BRACE_VARIABLE,
    BROKEN_URL,
    FUNCTION_NAME,
    HTML_LIKE,
    PLACEHOLDER,
    PRINTF_VARIABLE,
    TEX_QUOTE,
    UNSAFE_SCHEMES,
)
from pipeline.text.tags import tag_problems

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
    def has_urls(self) -> bool:
        """Whether it holds any URL: a link target, an autolink, an image or a bare URL."""
        return bool(self.links or self.images or self.bare_urls)

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


def may_hold_link(text: str) -> bool:
    """Whether :func:`inline_markup` may find a link or an image in ``text``.

    Each starts at a bracket (``[text](url)``, ``![alt](src)``) or is an autolink
    (``<https://…>``): linkify is off, so text without either has none, and need
    not be parsed to know it.
    """
    return "[" in text or "<" in text


@lru_cache(maxsize=65536)
def inline_markup(text: str) -> InlineMarkup:
    found = _Found()
    if without_inline_syntax(text):
        found.text(text)
        return _markup(found)
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
    return _markup(found)


def _markup(found: _Found) -> InlineMarkup:
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
    """One message per item: a missing and an added item, one each, read as one changed."""
    missing, added = sorted((source - target).keys()), sorted((target - source).keys())
    if len(missing) == len(added) == 1:
        yield f"{what} {excerpt(missing[0])} is {excerpt(added[0])} in the translation"
        return
    yield from (f"{what} {excerpt(item)} is missing" for item in missing)
    yield from (f"{what} {excerpt(item)} is not in the source" for item in added)


def _localized_links(
    ours: InlineMarkup, theirs: InlineMarkup, languages: Languages | None
) -> list[tuple[str, str]]:
    """Links and URLs the translation points at the same page in its language (a warning)."""
    if not ours.has_urls and not theirs.has_urls:
        return []
    kinds = [
        (Counter(ours.bare_urls), Counter(theirs.bare_urls)),
        (Counter(ours.autolinks), Counter(theirs.autolinks)),
        (ours.link_targets, theirs.link_targets),
    ]
    return [pair for a, b in kinds for pair in localized_pairs(a - b, b - a, languages)]


def _as_source(
    source: Counter[str], target: Counter[str], languages: Languages | None
) -> Counter[str]:
    """``target``, each localized URL counted as the source's it stands for."""
    counted = Counter(target)
    for old, new in localized_pairs(source - target, target - source, languages):
        counted[new] -= 1
        counted[old] += 1
    return +counted


def _url_problems(
    ours: InlineMarkup, theirs: InlineMarkup, translation: str, languages: Languages | None
) -> list[str]:
    broken = [match.group() for match in BROKEN_URL.finditer(translation)]
    problems = [f"URL {quoted(url)} is broken by a space" for url in broken]
    if not problems and not ours.has_urls and not theirs.has_urls:
        return problems  # most text: no URL to compare
    source_urls = Counter(ours.bare_urls)
    target_urls = Counter(u for u in theirs.bare_urls if not any(u in b for b in broken))
    target_urls = _as_source(source_urls, target_urls, languages)
    for _ in broken:  # the broken URL is one the source has: one problem, said once
        gone = sorted((source_urls - target_urls).keys())
        if gone:
            source_urls[gone[0]] -= 1
    problems += _differences("URL", +source_urls, target_urls)
    autolinks = Counter(ours.autolinks)
    problems += [
        f"autolink <{excerpt(url)}> is not in the source"
        for url in sorted((_as_source(autolinks, Counter(theirs.autolinks), languages)
                           - autolinks).keys())
    ]  # fmt: skip
    targets = _as_source(ours.link_targets, theirs.link_targets, languages)
    problems += _differences("link target", ours.link_targets, targets)
    titles = Counter(t for _, t in theirs.links if t) - Counter(t for _, t in ours.links if t)
    problems += [f"link title {quoted(title)} is not in the source" for title in sorted(titles)]
    problems += _differences("image", Counter(ours.images), Counter(theirs.images))
    return problems


def _variables(markup: InlineMarkup, text: str) -> tuple[set[str], Counter[str]]:
    """Named variables and placeholders (a set), and positional ones (counted: "%s", "{}")."""
    named = set(markup.placeholders)
    named.update(p for code in markup.code for p in PLACEHOLDER.findall(code))
    positional: Counter[str] = Counter()
    for variable in (*PRINTF_VARIABLE.findall(text), *BRACE_VARIABLE.findall(text)):
        if variable.startswith("%(") or re.match(r"\{[A-Za-z_\d]", variable):
            named.add(variable)
        else:
            positional[variable] += 1
    return named, positional


_NUMBERED_FIELD = re.compile(r"\{(\d+)(.*)\}", re.S)


def _numbered_as_automatic(
    named: set[str], positional: Counter[str], source_positional: Counter[str]
) -> tuple[set[str], Counter[str]]:
    """A translation's numbered ``str.format`` fields as the source's automatic ones when
    they number exactly those: "{}" may be "{0}", "{} of {}" may be "{1} de {0}"."""
    automatic = sum(n for field, n in source_positional.items() if field.startswith("{"))
    numbered = {f: m for f in named if (m := _NUMBERED_FIELD.fullmatch(f))}
    if not numbered or not automatic or any(f.startswith("{") for f in positional):
        return named, positional
    if {int(m.group(1)) for m in numbered.values()} != set(range(automatic)):
        return named, positional
    as_automatic = Counter("{" + m.group(2) + "}" for m in numbered.values())
    return named - numbered.keys(), positional + as_automatic


def variable_problems(
    sources: tuple[str, ...], translation: str, *, required: bool = True
) -> list[str]:
    """``{placeholders}`` and format variables the translation lacks or adds.

    Named ones are compared as sets ("{name}" twice in the source and once in the
    translation is fine for ``str.format``), positional ones by count. With several
    ``sources`` (a plural message: singular, then plural) a form may use any of
    their variables and needs the last one's; with ``required`` false (a form shown
    for a single number) it may leave any out.
    """
    allowed: set[str] = set()
    allowed_positional: Counter[str] = Counter()
    for source in sources:
        named, positional = _variables(inline_markup(source), source)
        allowed |= named
        allowed_positional |= positional
    needed, needed_positional = _variables(inline_markup(sources[-1]), sources[-1])
    if not required:
        needed, needed_positional = set(), Counter()
    found, found_positional = _variables(inline_markup(translation), translation)
    found, found_positional = _numbered_as_automatic(found, found_positional, allowed_positional)
    problems = [f"placeholder {v} is missing" for v in sorted(needed - found)]
    problems += [f"placeholder {v} is not in the source" for v in sorted(found - allowed)]
    surplus = found_positional - allowed_positional
    lacking = needed_positional - found_positional
    problems += _differences("variable", lacking, surplus)
    return problems


def markup_problems(
    source: str,
    translation: str,
    inline_tags: frozenset[str] = frozenset(),
    *,
    sources: tuple[str, ...] = (),
    required: bool = True,
    languages: Languages | None = None,
) -> list[str]:
    """Why ``translation``'s markup may not stand in for ``source``'s; empty when it may.

    Link targets and titles, images, autolinks, URLs, HTML tags and
    ``{placeholders}`` must be the source's: a translator cannot add a link,
    change where one points (so no ``javascript:``/``data:`` URL and no new
    domain), drop or break one, or smuggle markup; only the ``inline_tags`` the
    project allows may be added, bare. Emphasis and code are the QA check's concern.
    ``sources`` and ``required``: a plural form's variables (:func:`variable_problems`).
    With ``languages`` (source, translation), a link the translation points at the same page
    in its language is no problem but a warning (:mod:`pipeline.text.localized`).
    """
    ours, theirs = inline_markup(source), inline_markup(translation)
    problems = [
        f"unsafe link {quoted(url)}"
        for url in theirs.urls
        if url.strip().lower().startswith(UNSAFE_SCHEMES)
    ]
    problems += [
        problem
        for problem, error in tag_problems(ours.raw_html, theirs.raw_html, inline_tags, languages)
        if error
    ]
    problems += _url_problems(ours, theirs, translation, languages)
    problems += variable_problems(sources or (source,), translation, required=required)
    return list(dict.fromkeys(problems))


def markup_warnings(
    source: str,
    translation: str,
    inline_tags: frozenset[str] = frozenset(),
    languages: Languages | None = None,
) -> list[str]:
    """What :func:`markup_problems` lets through but a reviewer should see: a lost ``<em>``,
    a link localized."""
    ours, theirs = inline_markup(source), inline_markup(translation)
    tags = tag_problems(ours.raw_html, theirs.raw_html, inline_tags, languages)
    warnings = [problem for problem, error in tags if not error]
    return warnings + [
        f"link {excerpt(old)} is localized: {excerpt(new)}"
        for old, new in _localized_links(ours, theirs, languages)
    ]


def code_spans(text: str) -> Counter[str]:
    """The code of ``text``: its code spans, the names it quotes TeX-style (`name', not a code
    span) and the functions it names outside code spans (``get_absolute_url()``)."""
    names = [match.group("name") for match in TEX_QUOTE.finditer(text)]
    if names:
        text = TEX_QUOTE.sub(lambda match: "\\`" + match.group("name") + "'", text)
    functions = FUNCTION_NAME.findall(prose(text))
    return Counter((*inline_markup(text).code, *names, *functions))


@lru_cache(maxsize=65536)
def prose(text: str) -> str:
    """The visible words of inline Markdown: text and link text, not URLs, code or placeholders."""
    if without_inline_syntax(text):
        return PLACEHOLDER.sub(" ", BARE_URL.sub(" ", text))
    parts: list[str] = []
    for block in inline_parser().parseInline(text):
        for token in block.children or ():
            if token.type == "text":
                parts.append(PLACEHOLDER.sub(" ", BARE_URL.sub(" ", token.content)))
            elif token.type in ("softbreak", "hardbreak", "code_inline", "link_open", "link_close"):
                parts.append(" ")
    return "".join(parts)
