"""The ``withheld`` warning: a page a language will not publish, and why.

A page of a group with ``withhold = "page"`` is published in a language only
when every entry of it may be shown there: translated, not a proposal, passing
the checks, and at the group's publish level (:mod:`pipeline.checks.review`).
``l10n check`` runs the entry checks at the *check* level; this module judges
the same entries at the *publish* level, with the same rules and the same
findings the build screens with, so that ``l10n check`` names every page the
build leaves out, in the build's words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from pipeline.checks.framework import QAContext
from pipeline.checks.review import (
    Shortfall,
    below_review,
    required_state,
    review_state,
    shortfall,
    withheld_reason,
)
from pipeline.config import Config
from pipeline.model import Catalog, Entry, Finding, Severity

CHECK = "withheld"


class PageVerdict:
    """The entries of one page in one language, judged as the build judges them."""

    def __init__(self, level: str, context: QAContext) -> None:
        self.level = level
        self.required = required_state(level)
        self.context = context
        self.found: dict[tuple[str | None, str], tuple[Shortfall, int]] = {}

    @classmethod
    def of(cls, config: Config, context: QAContext) -> PageVerdict | None:
        """The verdict to gather for the catalog ``context`` is about; None when its domain
        is no page, or its group shows an entry below the level in English instead."""
        domain = context.domain
        if domain == config.ui_domain or not config.review.withholds_page(domain):
            return None
        return cls(config.review.publish_level(domain), context)

    def add(self, entry: Entry, findings: Iterable[Finding]) -> None:
        """One entry of the catalog, with every finding the checks made of it."""
        errors = {f.check for f in findings if f.severity is Severity.ERROR}
        state = review_state(entry, self.context.machine_sent)
        waived = self.context.waivers.waived(
            self.context.lang, self.context.domain, entry, "review"
        )
        kind = shortfall(
            translated=entry.has_translation,
            fuzzy=entry.fuzzy,
            rejected=bool(errors - {"review"}),
            unreviewed=below_review(state, self.required) and waived is None,
        )
        if kind is not None:
            self.found[entry.key] = (kind, entry.lineno)

    def finding(self, catalog: Catalog, template: Catalog | None) -> Finding | None:
        """The warning for the page, if any entry of its template keeps it from the language.

        An entry of the template the catalog lacks (not merged yet) is untranslated.
        """
        context = self.context
        have = catalog.index()
        keys = [e.key for e in (template or catalog).active() if not e.is_header]
        short = [self.found.get(key, (Shortfall.UNTRANSLATED, 0)) for key in keys
                 if key in self.found or key not in have]  # fmt: skip
        if not short:
            return None
        reason = withheld_reason(Counter(kind for kind, _ in short), self.level)
        line = min((line for _, line in short if line), default=0)
        return Finding(
            CHECK,
            Severity.WARNING,
            f"{context.domain} is not published in {context.lang}: {reason}",
            context.file,
            line,
            context.lang,
            context.domain,
        )
