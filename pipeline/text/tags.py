"""HTML tags in a segment: what a tag is, and how a translation's tags may differ from its source's.

A project lists the inline tags a translator may add (``inline_tags`` in
``[tool.l10n.check]``, e.g. ``sup`` for French ordinals "1<sup>er</sup>"); every
other tag must be the source's, with the source's attributes. A changed ``href``
is a changed link, reported as such. The same list says what a page shows as
HTML (:func:`shown_tag`): an allowed tag written bare, in the source or in a
translation; every other tag is shown as the text it is. Something in angle brackets that is no HTML
element and carries no attribute value ("<<original entry>>", "<entrée originale>")
is text: no browser runs anything from it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.config import Config, ConfigError
from pipeline.text.excerpt import excerpt, quoted
from pipeline.text.localized import Languages, localized_url

_ELEMENT_NAMES = """
a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption
cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset
figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i
iframe img input ins kbd label legend li link main map mark marquee math menu meta meter nav
noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp script
search section select slot small source span strike strong style sub summary sup svg table tbody
td template textarea tfoot th thead time title tr track tt u ul var video wbr xmp applet basefont
bgsound center image isindex keygen listing nobr noembed noframes plaintext rb rtc
"""
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
"""Element names of the HTML standard, obsolete ones included: a browser treats these as tags."""

_TAG = re.compile(r"<\s*(?P<closing>/)?\s*(?P<name>[^\s/>]+)(?P<rest>[^>]*)>?")
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s>]+))?""")
LINK_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "poster", "cite"})

INLINE_TAG_NAMES = frozenset({
    "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
})  # fmt: skip
"""What ``inline_tags`` may name: HTML's phrasing elements that run, load, embed and submit
nothing, and that a browser parses as it parses text around them (no ``script``, ``style``,
``a``, ``img``, ``iframe``, form controls, ``svg``, ``math``, ``template``, ``textarea``...)."""

VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                       "wbr"})  # fmt: skip
# An allowed tag as a page may show it: a name and nothing else, "<br/>" for a void one.
_BARE = re.compile(r"<(?P<closing>/)?(?P<name>[A-Za-z][A-Za-z0-9]*)\s*(?P<void>/)?>\Z")


class InlineTagError(ValueError):
    """``inline_tags`` names a tag no page may show as HTML."""


def inline_allowlist(names: Iterable[str]) -> frozenset[str]:
    """The tags a translation may add and a page shows, lower case, from ``inline_tags``."""
    allowed = frozenset(name.lower() for name in names)
    refused = sorted(allowed - INLINE_TAG_NAMES)
    if refused:
        raise InlineTagError(
            f"inline_tags: {', '.join(refused)} may not be allowed; "
            f"one of {', '.join(sorted(INLINE_TAG_NAMES))}"
        )
    return allowed


def project_inline_tags(config: Config) -> frozenset[str]:
    """The project's ``inline_tags``: what the checks let a translation add and a page shows."""
    try:
        return inline_allowlist(config.check.inline_tags)
    except InlineTagError as error:
        where = config.root / "pyproject.toml"
        raise ConfigError(f"{where}: [tool.l10n.check] {error}") from None


def shown_tag(raw: str, allowed: frozenset[str]) -> str | None:
    """``raw`` written anew when it is an allowed tag written bare (``<sup>``, ``</SUP >``,
    ``<br/>``), which a page shows as HTML; None for anything else, which it shows as text.

    Never an attribute, so no event handler, style or URL: the markup a page gets is
    made from the tag's name, never copied from the translation.
    """
    match = _BARE.match(raw)
    if match is None:
        return None
    name, closing, void = match["name"].lower(), bool(match["closing"]), bool(match["void"])
    well_formed = not closing if name in VOID_TAGS else not void
    if name not in allowed or not well_formed:
        return None
    return f"</{name}>" if closing else f"<{name}>"


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
    source: Iterable[str],
    translation: Iterable[str],
    allowed: frozenset[str],
    languages: Languages | None = None,
) -> list[tuple[str, bool]]:
    """(message, is an error) per problem with a translation's tags, never one per tag.

    Errors: a tag the source does not have (but a bare allowed one), an added
    attribute, a changed link, script or style, a tag left unclosed, a lost link.
    Warnings: a lost presentational tag (``<em>``, ``<br>``) or a changed class; with
    ``languages``, a link localized (:func:`pipeline.text.localized.localized_url`).
    """
    ours, theirs = real_tags(source), real_tags(translation)
    if not ours and not theirs:
        return []
    extra = Counter(t.raw for t in theirs) - Counter(t.raw for t in ours)
    gone = Counter(t.raw for t in ours) - Counter(t.raw for t in theirs)
    by_raw = {t.raw: t for t in (*ours, *theirs)}
    problems: dict[str, tuple[str, bool]] = {}  # one per tag name
    for raw in extra:
        tag = by_raw[raw]
        problem = _added_tag_problem(tag, [by_raw[r] for r in gone], allowed, ours, languages)
        if problem is not None:
            problems.setdefault(tag.name, problem)
    unclosed = _unbalanced(theirs) - _unbalanced(ours)
    for raw in gone:
        tag = by_raw[raw]
        if tag.name not in problems and not any(by_raw[r].name == tag.name for r in extra):
            lost_link = any(tag.attribute(name) for name in LINK_ATTRIBUTES)
            error = lost_link or tag.name in unclosed
            problems[tag.name] = (f"HTML tag {quoted(tag.raw)} is missing", error)
    for name in sorted(unclosed - problems.keys()):
        problems[name] = (f"HTML tag <{name}> is not closed", True)
    return list(problems.values())


def _added_tag_problem(
    tag: Tag, gone: list[Tag], allowed: frozenset[str], ours: list[Tag], languages: Languages | None
) -> tuple[str, bool] | None:
    counterpart = next((g for g in gone if g.name == tag.name and g.closing == tag.closing), None)
    if counterpart is not None:
        return _changed_tag(counterpart, tag, languages)
    if shown_tag(tag.raw, allowed) is not None:
        return None
    if tag.closing and any(t.name == tag.name for t in ours):
        return None  # the tag's opening decides
    return f"raw HTML {quoted(tag.raw)} is not allowed", True


_RISKY_ATTRIBUTES = frozenset({"style", "srcdoc", "formaction"})


def _changed_tag(before: Tag, after: Tag, languages: Languages | None) -> tuple[str, bool] | None:
    """A tag the translation kept by name but changed: a moved link, or other attributes."""
    localized: dict[str, tuple[str, str]] = {}  # attribute -> (source's URL, translation's)
    for name in sorted(LINK_ATTRIBUTES):
        old, new = before.attribute(name), after.attribute(name)
        if old is not None and new is not None and old != new:
            if not localized_url(old, new, languages):
                return f"link {old} is {new} in the translation", True
            localized[name] = (old, new)
    old_names = {k for k, _ in before.attributes}
    new_names = {k for k, _ in after.attributes}
    added, removed = sorted(new_names - old_names), sorted(old_names - new_names)
    if added or removed:
        parts = [f"added {', '.join(added)}"] * bool(added) + [f"lost {', '.join(removed)}"] * bool(
            removed
        )
        message = (
            f"HTML tag <{after.name}> has other attributes than the source: {'; '.join(parts)}"
        )
        return message, bool(added) or bool(set(removed) & LINK_ATTRIBUTES)
    changed = sorted(
        k for k in new_names if before.attribute(k) != after.attribute(k) and k not in localized
    )
    if not changed:
        if localized:
            old, new = next(iter(localized.values()))
            return f"link {excerpt(old)} is localized: {excerpt(new)}", False
        return None
    risky = any(k in _RISKY_ATTRIBUTES or k.startswith("on") for k in changed)
    return f"HTML tag <{after.name}> changed {', '.join(changed)} from the source's", risky


def _unbalanced(tags: list[Tag]) -> set[str]:
    """Names whose tags do not pair up: one left open, or one closed before it is opened."""
    opened: Counter[str] = Counter()
    early: set[str] = set()
    for tag in tags:
        if tag.name in VOID_TAGS:
            continue
        opened[tag.name] += -1 if tag.closing else 1
        if opened[tag.name] < 0:
            early.add(tag.name)
    return early | {name for name, count in opened.items() if count}
