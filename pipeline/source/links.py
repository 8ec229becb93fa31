"""Links from one page of the site to another: found, resolved to a page, and checked.

A link is to a page when its target has no scheme and names

- a source file: ``other.md``, ``../index.md``, ``/guide/nested.md``, ``plugins.md#events``
  (relative to the linking page's file; a leading ``/`` starts at the source folder);
- or a page's address: ``cost.html``, ``../index.html#top`` (relative to the page's
  address, which mirrors the source tree).

Both lead to a page path; an address that only a redirect knows leads where the
redirect does, and says so (``link-moved``). A link to neither is an error
(``link``) in ``l10n check`` and in the build, with its file and line. The
renderer points each resolved link at the page of the language being written.
Every other link (``https://…``, ``mailto:``, ``#anchor``, an image or a file)
is left as it is.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from pipeline.model import Segment
from pipeline.source.documents import Document
from pipeline.source.redirects import Redirects
from pipeline.text.inline import inline_markup, may_hold_link

_PAGE_SUFFIXES = (".md", ".html")


@dataclass(frozen=True)
class Target:
    """Where a link to a page leads."""

    page: str  # the page path, ``guide/nested``
    fragment: str  # "#events", or ""
    moved_from: str = ""  # the old page path, when a redirect led here


@dataclass(frozen=True)
class PageLink:
    """One link to a page, where it is written and what became of it."""

    file: str
    line: int
    href: str
    target: Target | None  # None: it leads to no page
    problem: str = ""  # why it leads nowhere


class SiteLinks:
    """The pages of a site by file and by path, to resolve the links between them."""

    def __init__(
        self, documents: Sequence[Document], redirects: Redirects, source_dir: str
    ) -> None:
        self.by_file = {document.file: document for document in documents}
        self.by_path = {document.path: document for document in documents}
        self.redirects = redirects
        self.source_dir = source_dir.strip("/")

    def resolve(self, document: Document, href: str) -> Target | str | None:
        """Where ``href`` on ``document`` leads: a :class:`Target`, or why it leads nowhere
        (a str); None when it is no link to a page."""
        parts = urlsplit(href)
        path = unquote(parts.path)
        if parts.scheme or parts.netloc or not path.endswith(_PAGE_SUFFIXES):
            return None
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        start = "" if path.startswith("/") else document.folder
        joined = posixpath.normpath(posixpath.join(start, path.lstrip("/")))
        if joined.startswith("../") or joined == "..":
            return f"link to {href} leads outside the site"
        if joined.endswith(".md"):
            found = self.by_file.get(f"{self.source_dir}/{joined}")
            if found is not None:
                return Target(found.path, fragment)
            missing = f"no page is made from {self.source_dir}/{joined}"
        else:
            found = self.by_path.get(joined[: -len(".html")])
            if found is not None:
                return Target(found.path, fragment)
            missing = f"no page is at {joined}"
        old = joined.rsplit(".", 1)[0]
        moved = self.redirects.lead(old)
        if moved is not None:
            return Target(moved, fragment, moved_from=old)
        return f"link to {href}: {missing}"

    def links(self, document: Document, segments: Iterable[Segment]) -> Iterator[PageLink]:
        """Every link to a page in ``segments`` of ``document``, in order."""
        lines = document.text.splitlines()
        for segment in (s for s in segments if may_hold_link(s.msgid)):
            for href, _title in inline_markup(segment.msgid).links:
                resolved = self.resolve(document, href)
                if resolved is None:
                    continue
                line = _line_of(lines, segment.line, href)
                if isinstance(resolved, str):
                    yield PageLink(document.file, line, href, None, resolved)
                else:
                    yield PageLink(document.file, line, href, resolved)


def _line_of(lines: Sequence[str], first: int, href: str) -> int:
    """The line of the block starting at ``first`` that holds ``href`` (else ``first``)."""
    for number in range(first, len(lines) + 1):
        if href in lines[number - 1] or unquote(href) in lines[number - 1]:
            return number
        if number > first and not lines[number - 1].strip():
            break  # the block ended
    return first


def relative_href(from_page: str, lang: str, target: Target, target_lang: str) -> str:
    """The relative address, from the page at ``from_page`` in ``lang``, of ``target`` in
    ``target_lang``."""
    start = posixpath.dirname(f"{lang}/{from_page}.html")
    return posixpath.relpath(f"{target_lang}/{target.page}.html", start or ".") + target.fragment
