"""The editors' view of the build: ``output/status.html`` and ``output/badges/<lang>.svg``.

Per language: how many source words are translated, fuzzy (machine or
outdated, not reviewed), untranslated, or rejected (translated but failing QA
or the security rules, so English is shown); the QA findings by check; and
whether the language is published and why not, and the pages it leaves out
and why (a page of a group that withholds whole pages). The percentage complete is
``l10n check``'s (:mod:`pipeline.checks.stats`): translated and rejected words
are both reviewed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import jinja2

from pipeline.config import Config
from pipeline.site.choose import FUZZY, REJECTED, TRANSLATED, UNTRANSLATED
from pipeline.site.manifest import OutputFiles
from pipeline.site.memo import fingerprint
from pipeline.site.plan import LanguagePlan

STATES = (TRANSLATED, FUZZY, REJECTED, UNTRANSLATED)


@dataclass(frozen=True)
class LanguageStatus:
    code: str
    name: str
    published: bool
    percent: float  # share of source words reviewed, as l10n check counts it
    minimum: float
    why: str  # why it is withheld; "" when published
    words: dict[str, int]  # by state, in STATES order
    findings: list[tuple[str, str, int]]  # (check, severity, count), most severe first
    withheld_pages: tuple[tuple[str, str], ...] = ()  # (page, why) the language leaves out

    @property
    def total_words(self) -> int:
        return sum(self.words.values())

    def share(self, state: str) -> float:
        return 100.0 * self.words[state] / self.total_words if self.total_words else 0.0


def language_status(plan: LanguagePlan) -> LanguageStatus:
    counts = Counter((f.check, f.severity.value) for f in plan.translations.findings)
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(
        ((check, severity, n) for (check, severity), n in counts.items()),
        key=lambda item: (order[item[1]], item[0]),
    )
    return LanguageStatus(
        code=plan.language.code,
        name=plan.language.name,
        published=plan.published,
        percent=plan.percent,
        minimum=plan.minimum,
        why="" if plan.published else plan.why_withheld,
        words={
            TRANSLATED: plan.completeness.translated_words - plan.rejected_words,
            FUZZY: plan.completeness.fuzzy_words,
            REJECTED: plan.rejected_words,
            UNTRANSLATED: plan.completeness.untranslated_words,
        },
        findings=findings,
        withheld_pages=tuple(plan.withheld_pages.items()) if plan.published else (),
    )


def badge_svg(env: jinja2.Environment, label: str, percent: float, published: bool) -> str:
    """A shields-style badge, "ru | 100%": green when published, red when withheld."""
    value = f"{percent:.0f}%"
    # Verdana 11px averages about 7 px a character, as shields.io assumes.
    left, right = 10 + 7 * len(label), 10 + 7 * len(value)
    color = "#4c1" if published else "#e05d44"
    return env.get_template("badge.svg").render(
        label=label, value=value, left=left, right=right, color=color
    )


def write_status(
    config: Config,
    env: jinja2.Environment,
    plans: list[LanguagePlan],
    files: OutputFiles,
    site_key: str = "",
) -> None:
    """``status.html`` and the badges; ``site_key`` fingerprints the templates and settings.

    A file whose figures and ``site_key`` are as when it was written is not made again.
    """
    statuses = [language_status(plan) for plan in plans]
    key = fingerprint(site_key, config.source_language, statuses)
    if not files.current("status.html", key):
        page = env.get_template("status.html").render(
            languages=statuses,
            states=STATES,
            source_language=config.source_language,
            checks_command="l10n check",
        )
        files.write("status.html", page, key)
    for status in statuses:
        relative = f"badges/{status.code}.svg"
        key = fingerprint(site_key, status.code, status.percent, status.published)
        if not files.current(relative, key):
            files.write(
                relative, badge_svg(env, status.code, status.percent, status.published), key
            )
