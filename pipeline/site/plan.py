"""What is published per language: each language's catalogs loaded, its completeness
computed as ``l10n check`` computes it, the publish threshold applied, and the pages
of groups that withhold whole pages judged entry by entry (:func:`plan_language`)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.checks.langid import Answers
from pipeline.checks.review import Shortfall, shortfall, withheld_reason
from pipeline.checks.stats import Completeness, completeness, states_stats, word_count
from pipeline.config import Config
from pipeline.model import Catalog
from pipeline.site.choose import Status, Translations
from pipeline.site.load import keep_answers, load_language_models, load_translations
from pipeline.site.published import Language
from pipeline.workers import forks, in_processes


@dataclass
class LanguagePlan:
    """What the build knows about one target language before writing anything."""

    language: Language
    translations: Translations
    completeness: Completeness  # the figures l10n check gives
    rejected_words: int  # reviewed words shown in English: their translation failed QA
    minimum: float
    published: bool = False
    # Pages (domains) the language does not publish, with why: an entry of theirs is not
    # shown, and their group withholds the whole page (``withhold = "page"``).
    withheld_pages: dict[str, str] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        return self.completeness.percent

    def page_lines(self) -> list[str]:
        """One line per page withheld: "fr: safety withheld: 1 entry translated but not …"."""
        code = self.language.code
        return [f"{code}: {page} withheld: {why}" for page, why in self.withheld_pages.items()]

    @property
    def why_withheld(self) -> str:
        return f"{self.percent:.1f}% translated, below the publish threshold of {self.minimum:g}%"


def plan_languages(
    config: Config,
    languages: Sequence[str],
    templates: Mapping[str, Catalog],
    include_machine: bool,
    cache: Path | None = None,
) -> list[tuple[LanguagePlan, list[str]]]:
    """:func:`plan_language` for each of ``languages``, in their order.

    When two or more languages have no catalog screened before (a first build, or
    ``.l10n/`` deleted), each is screened in a worker process of its own
    (:func:`~pipeline.workers.in_processes`), all at once: screening is most of such a
    build.
    The language models are loaded before the workers start, which share them.
    The language identifier's answers of every process are kept.
    """
    worth_it = _worth_forking(languages, cache)
    if forks(len(languages), worth_it):
        # Loaded once here, the language models are shared by every worker.
        load_language_models(config)
    planned = in_processes(
        functools.partial(_planned, config, templates, include_machine, cache),
        list(languages),
        worth_it=worth_it,
        each_its_own=True,
    )
    found = [answers for _, _, given in planned for answers in given]
    if found:  # screened in other processes, which left their answers to be kept here
        keep_answers(config, found)
    return [(plan, errors) for plan, errors, _ in planned]


def screening_preparation(
    config: Config, languages: Sequence[str], cache: Path | None
) -> Callable[[], None] | None:
    """What :func:`plan_languages` will do first when it screens in worker processes (it
    loads the language models, which the workers share), for a caller to do earlier
    while it waits on other work; None when it will not.

    Done twice, the second time costs nothing.
    """
    if not forks(len(languages), _worth_forking(languages, cache)):
        return None
    return functools.partial(load_language_models, config)


def _worth_forking(languages: Sequence[str], cache: Path | None) -> bool:
    return sum(1 for lang in languages if _unscreened(cache, lang)) >= 2


def _unscreened(cache: Path | None, lang: str) -> bool:
    return cache is None or not (cache / f"translations-{lang}.pickle").is_file()


def _planned(
    config: Config,
    templates: Mapping[str, Catalog],
    include_machine: bool,
    cache: Path | None,
    lang: str,
) -> tuple[LanguagePlan, list[str], list[Answers]]:
    answers: list[Answers] = []
    plan, errors = plan_language(
        config, lang, templates, include_machine, cache=cache, answers=answers
    )
    return plan, errors, answers


def plan_language(
    config: Config,
    lang: str,
    templates: Mapping[str, Catalog],
    include_machine: bool,
    *,
    cache: Path | None = None,
    answers: list[Answers] | None = None,
) -> tuple[LanguagePlan, list[str]]:
    """Load, QA-check and measure one language; published when it is complete enough.

    ``templates`` are the live domains' templates, as the update wrote them;
    completeness counts their entries as ``l10n check`` does
    (:func:`~pipeline.checks.stats.states_stats`). ``cache`` and ``answers`` are
    :func:`~pipeline.site.load.load_translations`'s.
    """
    translations, errors = load_translations(config, lang, include_machine, cache, answers)
    stats = [
        states_stats(lang, domain, translations.states.get(domain, ()), template)
        for domain, template in sorted(templates.items())
    ]
    complete = completeness(lang, stats)
    minimum = config.publish.minimum(lang)
    plan = LanguagePlan(Language.of(lang), translations, complete, 0, minimum)
    # A preview shows proposals as text, so they count towards publishing it.
    judged = complete.with_fuzzy_as_translated() if include_machine else complete
    plan.published = judged.reaches(minimum)
    if not include_machine:  # a preview shows every page, for the reviewers
        plan.withheld_pages = _withheld_pages(config, translations, templates)
        translations.withheld = set(plan.withheld_pages)
    plan.rejected_words = _rejected_words(translations, templates)
    return plan, errors


def _withheld_pages(
    config: Config, translations: Translations, templates: Mapping[str, Catalog]
) -> dict[str, str]:
    """The pages whose group withholds a whole page, with an entry not shown: why each is."""
    withheld: dict[str, str] = {}
    for domain, template in sorted(templates.items()):
        if domain == config.ui_domain or not config.review.withholds_page(domain):
            continue
        found = Counter(
            kind
            for entry in template.active()
            if not entry.is_header
            and (kind := _shortfall(translations, domain, entry.msgid, entry.msgctxt)) is not None
        )
        if found:
            withheld[domain] = withheld_reason(found, config.review.publish_level(domain))
    return withheld


def _shortfall(
    translations: Translations, domain: str, msgid: str, msgctxt: str | None
) -> Shortfall | None:
    """Why the entry is not shown, in the words ``l10n check`` uses; None if it is."""
    if translations.judge(domain, msgid, msgctxt).status is not Status.FALLBACK:
        return None
    candidate = translations.table.get((domain, msgctxt, msgid))
    if candidate is None:
        return Shortfall.UNTRANSLATED
    found = shortfall(
        translated=bool(candidate.text),
        fuzzy=candidate.fuzzy,
        rejected=bool(candidate.problem),
        unreviewed=bool(candidate.unreviewed),
    )
    return found or Shortfall.UNTRANSLATED  # a plural form left empty


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
