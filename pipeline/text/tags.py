"""HTML tags in a segment: what a tag is, and how a translation's tags may differ from its source's.

A project lists the inline tags a translator may add (``inline_tags`` in
``[tool.l10n.check]``, e.g. ``sup`` for French ordinals "1<sup>er</sup>"); every
other tag must be the source's, with the source's attributes. A changed ``href``
is a changed link, reported as such. Something in angle brackets that is no HTML
element and carries no attribute value ("<<original entry>>", "<entrée originale>")
is text: no browser runs anything from it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pipeline.text.patterns import quoted

HTML_ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "bdi",
        "bdo",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "font",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hgroup",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "link",
        "main",
        "map",
        "mark",
        "marquee",
        "math",
        "menu",
        "meta",
        "meter",
        "nav",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "param",
        "picture",
        "pre",
        "progress",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "script",
        "search",
        "section",
        "select",
        "slot",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "tt",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
        "xmp",
        "applet",
        "basefont",
        "bgsound",
        "center",
        "image",
        "isindex",
        "keygen",
        "listing",
        "nobr",
        "noembed",
        "noframes",
        "plaintext",
        "rb",
        "rtc",
    ]
)
"""Element names of the HTML standard, obsolete ones included: a browser treats these as tags."""

_TAG = re.compile(r"<\s*(?P<closing>/)?\s*(?P<name>[^\s/>]+)(?P<rest>[^>]*)>?")
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>]+))?""")
LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite"})


@dataclass(frozen=True)
class Tag:
    """One HTML tag as written: ``<a href="x">`` is ``Tag("a", (("href", "x"),), False, ...)``."""

    name: str  # lower case
    attributes: tuple[tuple[str, str], ...]
    closing: bool
    raw: str

    @property
    def is_text(self) -> bool:
        """Not a tag at all: an unknown name, no attribute value ("<entrée originale>")."""
        return (
            self.name not in HTML_ELEMENTS
            and "-" not in self.name  # a custom element
            and "=" not in self.raw
            and not self.name.startswith(("!", "?"))
        )

    def attribute(self, name: str) -> str | None:
        return next((value for key, value in self.attributes if key == name), None)


def parse_tag(raw: str) -> Tag:
    match = _TAG.match(raw.strip())
    if match is None:
        return Tag("", (), False, raw)
    attributes = tuple(
        (item.group("name").lower(), (item.group("value") or "").strip("\"'"))
        for item in _ATTRIBUTE.finditer(match.group("rest"))
    )
    return Tag(match.group("name").lower(), attributes, bool(match.group("closing")), raw)


def real_tags(raws: Iterable[str]) -> list[Tag]:
    """The tags among ``raws`` (HTML-like runs of a segment), text in brackets left out."""
    return [tag for tag in map(parse_tag, raws) if not tag.is_text]


def tag_problems(
    source: Iterable[str], translation: Iterable[str], allowed: frozenset[str]
) -> Iterator[str]:
    """One message per problem with a translation's tags: never one per opening and closing tag."""
    ours, theirs = real_tags(source), real_tags(translation)
    extra = Counter(t.raw for t in theirs) - Counter(t.raw for t in ours)
    gone = Counter(t.raw for t in ours) - Counter(t.raw for t in theirs)
    by_raw = {t.raw: t for t in (*ours, *theirs)}
    reported: set[str] = set()
    for raw in extra:
        tag = by_raw[raw]
        problem = _added_tag_problem(tag, [by_raw[r] for r in gone], allowed, ours)
        if problem and tag.name not in reported:
            reported.add(tag.name)
            yield problem
    for raw in gone:
        tag = by_raw[raw]
        if tag.name not in reported and not any(by_raw[r].name == tag.name for r in extra):
            reported.add(tag.name)
            yield f"HTML tag {quoted(tag.raw)} is missing"
    for name in sorted(_unbalanced(theirs) - _unbalanced(ours) - reported):
        yield f"HTML tag <{name}> is not closed"


def _added_tag_problem(tag: Tag, gone: list[Tag], allowed: frozenset[str], ours: list[Tag]) -> str:
    counterpart = next((g for g in gone if g.name == tag.name and g.closing == tag.closing), None)
    if counterpart is not None:
        return _changed_tag(counterpart, tag)
    if tag.name in allowed and not tag.attributes:
        return ""
    if tag.closing and any(t.name == tag.name for t in ours):
        return ""  # the tag's opening decides
    return f"raw HTML {quoted(tag.raw)} is not allowed"


def _changed_tag(before: Tag, after: Tag) -> str:
    """A tag the translation kept by name but changed: a moved link, or other attributes."""
    for name in sorted(LINK_ATTRIBUTES):
        old, new = before.attribute(name), after.attribute(name)
        if old is not None and new is not None and old != new:
            return f"link {old} is {new} in the translation"
    old_names = {k for k, _ in before.attributes}
    new_names = {k for k, _ in after.attributes}
    added, removed = sorted(new_names - old_names), sorted(old_names - new_names)
    if added or removed:
        parts = [f"added {', '.join(added)}"] * bool(added) + [f"lost {', '.join(removed)}"] * bool(
            removed
        )
        return f"HTML tag <{after.name}> has other attributes than the source: {'; '.join(parts)}"
    return f"HTML tag {quoted(before.raw)} is {quoted(after.raw)} in the translation"


def _unbalanced(tags: list[Tag]) -> set[str]:
    opened: Counter[str] = Counter()
    for tag in tags:
        if tag.name in _VOID:
            continue
        opened[tag.name] += -1 if tag.closing else 1
    return {name for name, count in opened.items() if count}


_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    ]
)
