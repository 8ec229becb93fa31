"""Catalog statistics: entries and source words per state (``l10n check``, the status page)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
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


def catalog_stats(
    lang: str, domain: str, catalog: Catalog | None, template: Catalog | None
) -> Stats:
    """The counts of ``catalog`` (None: not there yet), with the template's new messages
    counted as untranslated."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    words = dict.fromkeys(counts, 0)

    def add(state: str, entry: Entry) -> None:
        counts[state] += 1
        words[state] += word_count(entry.msgid)

    entries = catalog.entries if catalog is not None else []
    for entry in entries:
        if not entry.is_header:
            add(_state(entry), entry)
    if template is not None:
        # Messages the catalog has not caught up with yet are not translated.
        known = catalog.index().keys() if catalog is not None else set()
        for entry in template.active():
            if not entry.is_header and entry.key not in known:
                add("untranslated", entry)
    return Stats(lang, domain, **counts, **{f"{state}_words": n for state, n in words.items()})
