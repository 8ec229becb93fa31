"""Where a translation is chosen: reviewed, machine text in a preview build, or English.

Translations are untrusted input. A segment is used only when it is reviewed
(or machine text in a preview build) and the entry checks ``l10n check`` runs
find no error in it that a reviewer has not waived: markup, the screening of
invisible controls and template syntax, numbers, terms, language and
provenance, through the same :func:`~pipeline.checks.qa.check_entry`. Otherwise
the English text is shown, marked ``lang="en"``, and the build says why. The
security rules are :func:`unsafe_translation`, which the ``markup`` check applies.

A translation below the review its pages need (the ``review`` check at the
publish level) is shown only in a preview, marked ``unreviewed``; a published
build shows English in its place, or, on a page whose group withholds whole
pages, leaves the page out of the language (:mod:`pipeline.site.plan` decides,
with :meth:`Translations.judge`, which says why without reporting anything).
"""

from __future__ import annotations

import enum
import gettext
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache

from pipeline.checks.framework import QAContext
from pipeline.checks.plurals import PluralSources, as_in_template
from pipeline.checks.qa import check_entry
from pipeline.checks.screening import screening_problems
from pipeline.checks.stats import EntryState, entry_states
from pipeline.model import Catalog, Entry, Finding, Severity
from pipeline.source.documents import Document
from pipeline.text.inline import markup_problems
from pipeline.text.invisible import hidden_problem
from pipeline.text.languages import plural_forms


class Status(enum.StrEnum):
    REVIEWED = "reviewed"
    MACHINE = "machine"  # fuzzy text shown in a preview build
    UNREVIEWED = "unreviewed"  # translated, below the review its pages need: preview only
    FALLBACK = "fallback"  # English shown instead


@dataclass(frozen=True)
class Choice:
    text: str
    status: Status
    reason: str = ""  # why a translation was rejected, for the build report


# How a segment stands in its catalog, for the status page.
TRANSLATED, FUZZY, UNTRANSLATED, REJECTED = "translated", "fuzzy", "untranslated", "rejected"


@dataclass
class Candidate:
    """One translated entry of a catalog, as the renderer may show it."""

    text: str
    fuzzy: bool
    where: str  # "locales/ru/LC_MESSAGES/cost.po:42"
    problem: str | None = None  # why the text is never used ("" when fine); None: not screened yet
    plurals: tuple[str, ...] = ()  # a plural entry's forms, by gettext index; then text is form 0
    plural_source: str | None = None  # a plural entry's msgid_plural
    unreviewed: str = ""  # the review check's message: below the review its pages need


# What screening found in one entry: why it is never shown ("" when fine), and its findings.
Verdict = tuple[str, tuple[Finding, ...]]


@dataclass
class Screened:
    """One catalog's usable entries and QA findings: all rendering needs of the file;
    and each entry's state, for the statistics."""

    candidates: dict[tuple[str | None, str], Candidate]
    findings: list[Finding]
    states: list[EntryState] = field(default_factory=list)
    # Each checked entry's verdict by the digest of what the checks read of it, so that the
    # next version of the file checks only the entries that changed.
    verdicts: dict[bytes, Verdict] = field(default_factory=dict)


def screen(
    catalog: Catalog,
    file: str,
    qa_context: QAContext | None,
    include_machine: bool,
    plurals: PluralSources | None = None,
    earlier: Mapping[bytes, Verdict] | None = None,
    words: Mapping[tuple[str | None, str], int] | None = None,
) -> Screened:
    """The translated entries of ``catalog``; with ``qa_context``, each one shown is checked now.

    ``plurals`` (see :func:`~pipeline.checks.plurals.plural_sources`) is the template's say
    on plural messages: a plural entry's forms are compared with its English, not with
    the ``msgid_plural`` the catalog claims, and one the template lacks is not used.
    ``earlier``: the verdicts of the file's previous version, screened in the same
    settings; an entry found there unchanged is not checked again. ``words``: the
    msgids' words as counted before, by entry key.
    """
    plural_forms = catalog.metadata.get("Plural-Forms", "")
    context = replace(qa_context, plural_forms=plural_forms) if qa_context is not None else None
    screened = Screened({}, [], entry_states(catalog, words))
    for entry in catalog.active():
        if entry.has_translation and not entry.is_header:
            screened.candidates[entry.key] = _candidate(
                entry, file, context, include_machine, plurals, screened, earlier or {}
            )
    return screened


def _candidate(
    entry: Entry,
    file: str,
    qa_context: QAContext | None,
    include_machine: bool,
    plurals: PluralSources | None,
    screened: Screened,
    earlier: Mapping[bytes, Verdict],
) -> Candidate:
    plural_problem = ""
    if plurals is not None:
        entry, plural_problem = as_in_template(entry, plurals)
    forms = _plural_forms(entry.msgstr_plural) if entry.msgid_plural is not None else ()
    candidate = Candidate(
        forms[0] if forms else entry.msgstr,
        entry.fuzzy,
        f"{file}:{entry.lineno}",
        plurals=forms,
        plural_source=entry.msgid_plural,
    )
    if plural_problem:
        candidate.problem = f"plurals: {plural_problem}"
        screened.findings.append(
            Finding("plurals", Severity.ERROR, plural_problem, file, entry.lineno,
                    qa_context.lang if qa_context else None,
                    qa_context.domain if qa_context else None, entry.msgid)
        )  # fmt: skip
    if qa_context is not None and (include_machine or not entry.fuzzy):
        # The checks `l10n check` runs, the unsafe-markup screening among them.
        digest = _checked_digest(entry, qa_context.plural_forms)
        verdict = earlier.get(digest) or _verdict(entry, qa_context)
        screened.verdicts[digest] = verdict
        screened.findings += (
            f if f.line == entry.lineno else replace(f, line=entry.lineno) for f in verdict[1]
        )
        if not plural_problem:
            candidate.problem = verdict[0]
        candidate.unreviewed = next(
            (f.message for f in verdict[1] if f.check == REVIEW and f.severity is Severity.ERROR),
            "",
        )
    return candidate


REVIEW = "review"  # the check that holds a translation below its pages' review level


def _verdict(entry: Entry, qa_context: QAContext) -> Verdict:
    """Why the entry is never shown ("" when fine: a review shortfall is not such a reason,
    as a preview shows the text), and every finding."""
    found = check_entry(entry, qa_context)
    errors = [f for f in found if f.severity is Severity.ERROR and f.check != REVIEW]
    return (f"QA {errors[0].check}: {errors[0].message}" if errors else ""), tuple(found)


def _checked_digest(entry: Entry, plural_forms: str) -> bytes:
    """What the checks read of an entry: not its line or references, which move with edits;
    and its catalog's Plural-Forms, against which its plural forms are checked."""
    read = (
        plural_forms,
        entry.msgctxt,
        entry.msgid,
        entry.msgid_plural,
        entry.msgstr,
        sorted(entry.msgstr_plural.items()),
        entry.flags,
        entry.translator_comments,
        entry.auto_comments,
    )
    return hashlib.blake2b(repr(read).encode("utf-8"), digest_size=16).digest()


def _plural_forms(msgstr_plural: Mapping[int, str]) -> tuple[str, ...]:
    # Forms by index; a gap (msgstr[1] missing) stays empty, and an empty form is never shown.
    return tuple(msgstr_plural.get(i, "") for i in range(max(msgstr_plural, default=-1) + 1))


def _unsafe_forms(singular: str, plural: str | None, candidate: Candidate) -> str:
    """:func:`unsafe_translation` of a candidate: of each plural form against its source."""
    if not candidate.plurals:
        return unsafe_translation(singular, candidate.text)
    for index, form in enumerate(candidate.plurals):
        problem = unsafe_translation(singular if index == 0 or plural is None else plural, form)
        if problem:
            return problem
    return ""


@cache
def plural_index(lang: str) -> Callable[[int], int]:
    """Which msgstr[i] of a plural entry shows for ``n``: the rule new catalogs of
    ``lang`` get.

    The catalogs' Plural-Forms header comes from the same rule (:mod:`pipeline.catalogs.headers`).
    """
    return gettext.c2py(plural_forms(lang).plural)


@dataclass
class Translations:
    """The translations of one language, by domain, msgctxt and msgid."""

    lang: str
    include_machine: bool = False
    source_language: str = "en"  # what a fallback segment is marked as
    table: dict[tuple[str, str | None, str], Candidate] = field(default_factory=dict)
    # "file:line: [lang] why; English shown instead" for the build report, each once, in order
    rejected: dict[str, None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # every QA finding, for the status page
    digests: dict[str, str] = field(default_factory=dict)  # domain -> SHA-256 of its .po bytes
    states: dict[str, list[EntryState]] = field(default_factory=dict)  # by domain, for statistics
    # Domains whose page this language does not publish: their rejections are not reported
    # as "English shown instead", since no page shows them.
    withheld: set[str] = field(default_factory=set)

    def add(self, catalog: Catalog, file: str, qa_context: QAContext | None = None) -> None:
        self.absorb(catalog.domain, screen(catalog, file, qa_context, self.include_machine))

    def absorb(self, domain: str, screened: Screened) -> None:
        """Take in one catalog of ``domain`` as :func:`screen` left it."""
        for (msgctxt, msgid), candidate in screened.candidates.items():
            self.table[(domain, msgctxt, msgid)] = candidate
        self.findings += screened.findings
        self.states[domain] = screened.states

    def state(self, domain: str, msgid: str, msgctxt: str | None = None) -> str:
        """translated / fuzzy / untranslated / rejected, as the status page counts it."""
        candidate = self.table.get((domain, msgctxt, msgid))
        if candidate is None:
            return UNTRANSLATED
        if candidate.fuzzy:
            return FUZZY
        return (
            REJECTED
            if self.choose(domain, msgid, msgctxt).status is Status.FALLBACK
            else TRANSLATED
        )

    def choose(self, domain: str, msgid: str, msgctxt: str | None = None) -> Choice:
        """The text to show for one source segment: its translation, or English with a reason."""
        return self._choose(domain, msgid, msgctxt, report=True)

    def judge(self, domain: str, msgid: str, msgctxt: str | None = None) -> Choice:
        """What :meth:`choose` would show, without reporting a rejected translation."""
        return self._choose(domain, msgid, msgctxt, report=False)

    def _choose(self, domain: str, msgid: str, msgctxt: str | None, *, report: bool) -> Choice:
        candidate = self.table.get((domain, msgctxt, msgid))
        if candidate is not None and candidate.plurals:  # a plural entry: its form for one
            plural = candidate.plural_source or msgid
            return self._plural(domain, msgid, plural, 1, msgctxt, report=report)
        return self._decide(candidate, msgid, None, msgid, lambda c: c.text, domain, report)

    def choose_plural(
        self, domain: str, singular: str, plural: str, n: int, msgctxt: str | None = None
    ) -> Choice:
        """The form of a plural UI string to show for the number ``n``, or English with a reason."""
        return self._plural(domain, singular, plural, n, msgctxt, report=True)

    def _plural(
        self, domain: str, singular: str, plural: str, n: int, msgctxt: str | None, *, report: bool
    ) -> Choice:
        english = singular if n == 1 else plural
        candidate = self.table.get((domain, msgctxt, singular))
        if candidate is not None and not candidate.plurals:
            candidate = None  # a singular entry is not a translation of a plural message
        index = plural_index(self.lang)(n)

        def form(chosen: Candidate) -> str:
            return chosen.plurals[index] if index < len(chosen.plurals) else ""

        return self._decide(candidate, singular, plural, english, form, domain, report)

    def _decide(
        self,
        candidate: Candidate | None,
        singular: str,
        plural: str | None,
        english: str,
        text_of: Callable[[Candidate], str],
        domain: str,
        report: bool,
    ) -> Choice:
        """The choice for ``candidate``; with ``report``, a rejection shown on a page of
        ``domain`` goes into the build's notes."""
        if candidate is None:
            return Choice(english, Status.FALLBACK, "not translated")
        if candidate.fuzzy and not self.include_machine:
            return Choice(english, Status.FALLBACK, "not reviewed")
        if candidate.problem is None:
            candidate.problem = _unsafe_forms(singular, plural, candidate)
        problem = candidate.problem
        if not problem and candidate.unreviewed and not self.include_machine:
            problem = f"QA {REVIEW}: {candidate.unreviewed}"
        if problem:
            if report and domain not in self.withheld:
                note = f"{candidate.where}: [{self.lang}] {problem}; English shown instead"
                self.rejected[note] = None
            return Choice(english, Status.FALLBACK, problem)
        text = text_of(candidate)
        if not text:
            return Choice(english, Status.FALLBACK, "plural form not translated")
        if candidate.fuzzy:
            return Choice(text, Status.MACHINE)
        return Choice(text, Status.UNREVIEWED if candidate.unreviewed else Status.REVIEWED)


def choose_segment(translations: Translations | None, document: Document, msgid: str) -> Choice:
    """A segment of ``document`` (title, description or block) in the language of
    ``translations``; the source text when that is None or the segment is empty."""
    if translations is None or not msgid:
        return Choice(msgid, Status.REVIEWED)
    return translations.choose(document.domain, msgid, document.contexts.get(msgid))


def unsafe_translation(
    source: str, translation: str, inline_tags: frozenset[str] = frozenset()
) -> str:
    """Why a translation may not be rendered, or "" when it is safe.

    Its markup must pass :func:`pipeline.text.inline.markup_problems` -- the rules
    the QA ``markup`` check applies, so a translator cannot add a link, change
    where one points (so no ``javascript:``/``data:`` URL and no new domain) or
    smuggle markup -- :func:`pipeline.text.invisible.hidden_problem` (no zero-width,
    tag, bidi or control character the source lacks) and
    :func:`pipeline.checks.screening.screening_problems`: no template syntax or a
    text far longer than its source.
    """
    problems = markup_problems(source, translation, inline_tags)
    hidden = hidden_problem(source, translation)  # zero-width, tag, bidi and control characters
    if hidden:
        problems.append(hidden)
    problems += screening_problems(source, translation)
    return problems[0] if problems else ""
