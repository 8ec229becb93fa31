"""What is published per language: each language's catalogs loaded, its words counted by
state, and the publish threshold applied (:func:`plan_language`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.checks.stats import word_count
from pipeline.config import Config
from pipeline.model import Segment
from pipeline.segments.blocks import document_segments
from pipeline.site.choose import Status, Translations
from pipeline.site.load import load_translations
from pipeline.site.published import Language
from pipeline.source.documents import Document


@dataclass
class LanguagePlan:
    """What the build knows about one target language before writing anything."""

    language: Language
    translations: Translations
    words: Counter[str]  # source words by state: translated / fuzzy / untranslated / rejected
    usable_words: int
    total_words: int
    minimum: float
    published: bool = False

    @property
    def percent(self) -> float:
        return 100.0 * self.usable_words / self.total_words if self.total_words else 100.0

    @property
    def why_withheld(self) -> str:
        return f"{self.percent:.0f}% translated, below the publish threshold of {self.minimum:.0f}%"


def plan_language(
    config: Config,
    lang: str,
    documents: Sequence[Document],
    ui_msgids: Sequence[str],
    include_machine: bool,
    *,
    page_segments: Mapping[str, Sequence[Segment]] | None = None,
    cache: Path | None = None,
) -> tuple[LanguagePlan, list[str]]:
    """Load, QA-check and measure one language; published when usable words reach the minimum.

    ``page_segments`` (by document file) saves segmenting the pages again;
    ``cache`` is :func:`~pipeline.site.load.load_translations`'s.
    """
    translations, errors = load_translations(config, lang, include_machine, cache)
    words: Counter[str] = Counter()
    usable = total = 0
    segments = _all_segments(documents, ui_msgids, config.ui_domain, page_segments or {})
    for domain, msgid, msgctxt in segments:
        count = word_count(msgid)
        total += count
        words[translations.state(domain, msgid, msgctxt)] += count
        if translations.choose(domain, msgid, msgctxt).status is not Status.FALLBACK:
            usable += count
    plan = LanguagePlan(
        Language.of(lang), translations, words, usable, total, config.publish.minimum(lang)
    )
    plan.published = plan.percent >= plan.minimum
    return plan, errors


def _all_segments(
    documents: Sequence[Document],
    ui_msgids: Sequence[str],
    ui_domain: str,
    page_segments: Mapping[str, Sequence[Segment]],
) -> Iterable[tuple[str, str, str | None]]:
    for document in documents:
        segments = page_segments.get(document.file)
        for segment in segments if segments is not None else document_segments(document):
            if segment.msgid:
                yield segment.domain, segment.msgid, segment.msgctxt
    for msgid in ui_msgids:
        yield ui_domain, msgid, None
