"""What is published per language: each language's catalogs loaded, its completeness
computed as ``l10n check`` computes it, and the publish threshold applied
(:func:`plan_language`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.checks.stats import Completeness, completeness, states_stats, word_count
from pipeline.config import Config
from pipeline.model import Catalog
from pipeline.site.choose import Status, Translations
from pipeline.site.load import load_translations
from pipeline.site.published import Language


@dataclass
class LanguagePlan:
    """What the build knows about one target language before writing anything."""

    language: Language
    translations: Translations
    completeness: Completeness  # the figures l10n check gives
    rejected_words: int  # reviewed words shown in English: their translation failed QA
    minimum: float
    published: bool = False

    @property
    def percent(self) -> float:
        return self.completeness.percent

    @property
    def why_withheld(self) -> str:
        return f"{self.percent:.1f}% translated, below the publish threshold of {self.minimum:g}%"


def plan_language(
    config: Config,
    lang: str,
    templates: Mapping[str, Catalog],
    include_machine: bool,
    *,
    cache: Path | None = None,
) -> tuple[LanguagePlan, list[str]]:
    """Load, QA-check and measure one language; published when it is complete enough.

    ``templates`` are the live domains' templates, as the update wrote them;
    completeness counts their entries as ``l10n check`` does
    (:func:`~pipeline.checks.stats.states_stats`). ``cache`` is
    :func:`~pipeline.site.load.load_translations`'s.
    """
    translations, errors = load_translations(config, lang, include_machine, cache)
    stats = [
        states_stats(lang, domain, translations.states.get(domain, ()), template)
        for domain, template in sorted(templates.items())
    ]
    complete = completeness(lang, stats)
    minimum = config.publish.minimum(lang)
    plan = LanguagePlan(
        Language.of(lang), translations, complete, _rejected_words(translations, templates), minimum
    )
    # A preview shows proposals as text, so they count towards publishing it.
    judged = complete.with_fuzzy_as_translated() if include_machine else complete
    plan.published = judged.reaches(minimum)
    return plan, errors


def _rejected_words(translations: Translations, templates: Mapping[str, Catalog]) -> int:
    """The words of reviewed entries whose translation is not shown (it failed QA).

    Every translation is chosen once here, so the build reports each one rejected
    even when the pages that show it need no rendering.
    """
    rejected = 0
    for domain, template in sorted(templates.items()):
        for entry in template.active():
            candidate = translations.table.get((domain, entry.msgctxt, entry.msgid))
            if entry.is_header or candidate is None:
                continue
            choice = translations.choose(domain, entry.msgid, entry.msgctxt)
            if choice.status is Status.FALLBACK and not candidate.fuzzy:
                rejected += word_count(entry.msgid)
    return rejected
