"""Links between pages and redirects as findings: what ``l10n check`` and the build report.

``link`` (error)
    a link to a page that does not exist (``missing.md``, ``old.html``)
``link-moved`` (warning)
    a link to an address a redirect now leads from: it works, but should name the new page
``redirect`` (warning)
    a redirect that is not made: a malformed line, or an old path that leads to no page
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pipeline.model import Finding, Segment, Severity
from pipeline.source.documents import Document
from pipeline.source.links import SiteLinks
from pipeline.source.redirects import Redirects


def link_findings(
    pages: Iterable[tuple[Document, Sequence[Segment]]], links: SiteLinks
) -> list[Finding]:
    """A finding for every link of ``pages`` that leads to no page, or through a redirect."""
    findings: list[Finding] = []
    for document, segments in pages:
        for link in links.links(document, segments):
            if link.target is None:
                findings.append(
                    Finding("link", Severity.ERROR, link.problem, link.file, link.line,
                            None, document.domain, link.href)
                )  # fmt: skip
            elif link.target.moved_from:
                message = (
                    f"link to {link.href}: {link.target.moved_from} moved to "
                    f"{link.target.page}; the link leads there through a redirect"
                )
                findings.append(
                    Finding("link-moved", Severity.WARNING, message, link.file, link.line,
                            None, document.domain, link.href)
                )  # fmt: skip
    return findings


def redirect_findings(redirects: Redirects) -> list[Finding]:
    return [
        Finding("redirect", Severity.WARNING, problem.message, problem.file, problem.line)
        for problem in redirects.problems
    ]
