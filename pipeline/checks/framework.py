"""What an entry check is given and what it reports.

An entry check is a function of a (source, translation) :class:`Pair` or of a
whole entry, with the :class:`QAContext` of its catalog; it yields an
:class:`Issue` per problem. :mod:`pipeline.checks.qa` lists the checks with
their names and default severities and turns issues into findings.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from babel.messages.plurals import get_plural

from pipeline.catalogs.review import ReviewState
from pipeline.checks.langid import LanguageIdentifier
from pipeline.checks.waivers import Waivers
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
    inline_tags: frozenset[str] = frozenset()  # HTML tags a translation may add
    plural_forms: str = ""  # the catalog's Plural-Forms header; the language's rule if empty
    waivers: Waivers = field(default_factory=Waivers.empty)  # findings reviewers accepted
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
    """A source text and one of its translations (plural forms give several pairs).

    A plural form is compared with ``msgid`` when it is the form shown for one
    (``singular``), else with ``msgid_plural``; ``sources`` holds both, whose
    variables the form may use. A form shown for a single number (``required``
    false: English "one", Arabic "zero") may leave the count's variable out.
    """

    source: str
    translation: str
    sources: tuple[str, ...] = ()
    singular: bool = False
    required: bool = True


PairCheck = Callable[[Pair, Entry, QAContext], Iterator[Issue]]
EntryCheck = Callable[[Entry, QAContext], Iterator[Issue]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    run: PairCheck | None = None  # once per (source, translation) pair
    run_entry: EntryCheck | None = None  # once per entry


def pairs(entry: Entry, lang: str = "en", plural_forms: str = "") -> list[Pair]:
    """The entry's (source, translation) pairs: one, or one per filled plural form."""
    if entry.msgid_plural is None:
        return [Pair(entry.msgid, entry.msgstr)]
    sources = (entry.msgid, entry.msgid_plural)
    coverage = plural_coverage(lang, plural_forms)
    found: list[Pair] = []
    for index, text in sorted(entry.msgstr_plural.items()):
        if not text:
            continue
        numbers = coverage.get(index, frozenset())
        singular = 1 in numbers and 2 not in numbers
        required = len(numbers - {0}) > 1
        source = entry.msgid if singular else entry.msgid_plural
        found.append(Pair(source, text, sources, singular=singular, required=required))
    return found


_COVERAGE_LIMIT = 1000  # the numbers a plural rule is evaluated on to see which form shows which


@lru_cache(maxsize=256)
def plural_coverage(lang: str, plural_forms: str = "") -> dict[int, frozenset[int]]:
    """Which numbers (0 to 1000) each plural form of a catalog is shown for.

    The rule is the catalog's ``Plural-Forms`` header when it parses, else CLDR's
    for ``lang`` (Babel), as the site shows plural forms.
    """
    rule = _plural_rule(plural_forms)
    if rule is None:
        try:
            rule = gettext.c2py(get_plural(lang).plural_expr)
        except Exception:  # an unknown locale: English
            rule = gettext.c2py("n != 1")
    coverage: dict[int, set[int]] = {}
    for number in range(_COVERAGE_LIMIT + 1):
        coverage.setdefault(rule(number), set()).add(number)
    return {index: frozenset(numbers) for index, numbers in coverage.items()}


def _plural_rule(plural_forms: str) -> Callable[[int], int] | None:
    expression = plural_forms.partition("plural=")[2].strip().rstrip(";").strip()
    if not expression or len(expression) > 500:
        return None
    try:
        rule = gettext.c2py(expression)
        rule(1)
    except Exception:  # a broken header is the header check's finding
        return None
    return rule
