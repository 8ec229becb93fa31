"""Catalog statistics: entries and source words per state, and a language's completeness.

This is the one place completeness is computed: ``l10n check`` gates on it,
``l10n build`` publishes by it and ``status.html`` shows it. Each counts the
entries of the live templates, each once, by the state of its translation in
the language's catalog (:func:`states_stats`); :func:`completeness` adds a
language's catalogs up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from pipeline.model import Catalog, Entry
from pipeline.text.inline import prose
from pipeline.text.patterns import URL_START

_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


# Text without any of these holds no inline markup, URL or placeholder: its prose is itself,
# and it is counted without being parsed (the status page counts every segment on every build).
_MAY_HOLD_MARKUP = re.compile(rf"[\\`*_\[\]<>!&~{{}}\n]|{URL_START}", re.IGNORECASE)


def word_count(text: str) -> int:
    """Words of a msgid as statistics count them (numbers and acronyms included)."""
    return len(_WORD.findall(prose(text) if _MAY_HOLD_MARKUP.search(text) else text))


@dataclass(frozen=True)
class Stats:
    """Entry and source-word counts of one catalog."""

    lang: str
    domain: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    obsolete_words: int = 0

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent_complete(self) -> float:
        """Translated source words / all source words × 100 (obsolete entries excluded)."""
        return 100.0 * self.translated_words / self.total_words if self.total_words else 100.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "percent_complete": round(self.percent_complete, 2)}


def _state(entry: Entry) -> str:
    if entry.obsolete:
        return "obsolete"
    if entry.translated:
        return "translated"
    if entry.fuzzy and entry.has_translation:
        return "fuzzy"
    return "untranslated"


# One entry of a catalog as the statistics see it: its key, its state and its msgid's words.
EntryState = tuple[tuple[str | None, str], str, int]


def entry_states(
    catalog: Catalog, known: Mapping[tuple[str | None, str], int] | None = None
) -> list[EntryState]:
    """Each entry of ``catalog`` (the header aside) with its state and words.

    ``known``: words already counted, by entry key (the words are the msgid's).
    """
    counted = known or {}
    return [
        (entry.key, _state(entry), counted.get(entry.key) or word_count(entry.msgid))
        for entry in catalog.entries
        if not entry.is_header
    ]


def catalog_stats(
    lang: str, domain: str, catalog: Catalog | None, template: Catalog | None
) -> Stats:
    """The counts of ``catalog`` (None: not there yet), with the template's new messages
    counted as untranslated."""
    return states_stats(lang, domain, entry_states(catalog) if catalog else [], template)


def states_stats(
    lang: str, domain: str, states: Iterable[EntryState], template: Catalog | None
) -> Stats:
    """The counts of a catalog's :func:`entry_states`, with the template's messages the
    catalog lacks counted as untranslated."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    words = dict.fromkeys(counts, 0)
    known: set[tuple[str | None, str]] = set()
    for key, state, count in states:
        counts[state] += 1
        words[state] += count
        if state != "obsolete":
            known.add(key)
    if template is not None:
        # Messages the catalog has not caught up with yet are not translated.
        for entry in template.active():
            if not entry.is_header and entry.key not in known:
                counts["untranslated"] += 1
                words["untranslated"] += word_count(entry.msgid)
    return Stats(lang, domain, **counts, **{f"{state}_words": n for state, n in words.items()})


@dataclass(frozen=True)
class LeftEntry:
    """An entry not translated yet, or fuzzy: what stands between a language and its gate."""

    lang: str
    domain: str
    file: str  # project-relative: the catalog, or the template for a message not merged yet
    line: int
    state: str  # "untranslated" or "fuzzy"
    msgid: str
    words: int


def entries_left(
    lang: str,
    domain: str,
    catalog: Catalog | None,
    template: Catalog | None,
    files: tuple[str, str],
) -> list[LeftEntry]:
    """The untranslated and fuzzy entries :func:`catalog_stats` counts, in file order.

    ``files`` are the catalog's and the template's project-relative paths: a
    message the catalog has not caught up with is shown where the template has it.
    """
    catalog_file, template_file = files
    left: list[LeftEntry] = []
    for entry in catalog.active() if catalog is not None else ():
        state = _state(entry)
        if not entry.is_header and state in ("fuzzy", "untranslated"):
            left.append(
                LeftEntry(lang, domain, catalog_file, entry.lineno, state, entry.msgid,
                          word_count(entry.msgid))
            )  # fmt: skip
    if template is not None:
        known = catalog.index().keys() if catalog is not None else set()
        for entry in template.active():
            if not entry.is_header and entry.key not in known:
                left.append(
                    LeftEntry(lang, domain, template_file, entry.lineno, "untranslated",
                              entry.msgid, word_count(entry.msgid))
                )  # fmt: skip
    return left


@dataclass(frozen=True)
class Completeness:
    """How complete one language is: the figures ``l10n check``, the build and the status
    page all give."""

    lang: str
    translated_words: int
    fuzzy_words: int
    untranslated_words: int
    translated: int  # entries
    fuzzy: int
    untranslated: int

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent(self) -> float:
        """Reviewed source words / all source words × 100, rounded as it is shown."""
        return (
            round(100.0 * self.translated_words / self.total_words, 2)
            if self.total_words
            else 100.0
        )

    def with_fuzzy_as_translated(self) -> Completeness:
        """The figures a preview publishes by: machine and memory proposals shown as text."""
        return replace(
            self,
            translated_words=self.translated_words + self.fuzzy_words,
            fuzzy_words=0,
            translated=self.translated + self.fuzzy,
            fuzzy=0,
        )

    def reaches(self, minimum: float) -> bool:
        # Rounded the way it is shown, so "99.99%" never fails a 99.99 minimum.
        return self.percent >= minimum


def completeness(lang: str, stats: Sequence[Stats]) -> Completeness:
    """The completeness of ``lang`` over the statistics of its live catalogs."""
    mine = [s for s in stats if s.lang == lang]
    return Completeness(
        lang,
        sum(s.translated_words for s in mine),
        sum(s.fuzzy_words for s in mine),
        sum(s.untranslated_words for s in mine),
        sum(s.translated for s in mine),
        sum(s.fuzzy for s in mine),
        sum(s.untranslated for s in mine),
    )
