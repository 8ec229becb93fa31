"""What an entry check is given and what it reports.

An entry check is a function of a (source, translation) :class:`Pair` or of a
whole entry, with the :class:`QAContext` of its catalog; it yields an
:class:`Issue` per problem. :mod:`pipeline.checks.qa` lists the checks with
their names and default severities and turns issues into findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from pipeline.catalogs.review import ReviewState
from pipeline.checks.langid import LanguageIdentifier
from pipeline.model import Entry, Severity
from pipeline.text.glossary import Glossary
from pipeline.text.languages import base_language


@dataclass(frozen=True)
class QAContext:
    """Everything an entry check needs besides the entry itself."""

    lang: str
    domain: str
    file: str  # project-relative path of the catalog
    source_language: str = "en"
    identifier: LanguageIdentifier | None = None  # None: no language check
    glossary: Glossary = field(default_factory=Glossary.empty)
    language_confidence: float = 0.75
    mt_policy: bool = True
    disabled: frozenset[str] = frozenset()
    required: ReviewState = ReviewState.TRANSLATED  # the review policy for this catalog's pages
    group: str = ""  # the page group that policy comes from ("" for the default)
    machine_sent: Mapping[str, frozenset[str]] = field(default_factory=dict)  # see checks.review

    @property
    def base_lang(self) -> str:
        return base_language(self.lang)


@dataclass(frozen=True)
class Issue:
    """A problem a check found; ``severity`` overrides the check's default."""

    message: str
    severity: Severity | None = None
    silenceable: bool = True  # False: an ``ignore-<check>`` flag does not hide it


@dataclass(frozen=True)
class Pair:
    """A source text and one of its translations (plural forms give several pairs)."""

    source: str
    translation: str


PairCheck = Callable[[Pair, Entry, QAContext], Iterator[Issue]]
EntryCheck = Callable[[Entry, QAContext], Iterator[Issue]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    run: PairCheck | None = None  # once per (source, translation) pair
    run_entry: EntryCheck | None = None  # once per entry


def pairs(entry: Entry) -> list[Pair]:
    """The entry's (source, translation) pairs: one, or one per filled plural form."""
    if entry.msgid_plural is None:
        return [Pair(entry.msgid, entry.msgstr)]
    return [
        Pair(entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
        if text
    ]
