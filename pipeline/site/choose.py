"""Where a translation is chosen: reviewed, machine text in a preview build, or English.

Translations are untrusted input. A segment is used only when it is reviewed
(or machine text in a preview build), its markup is the source's and the QA
checks find no error in it -- every check but ``language``, whose detector
takes seconds to load and which ``l10n check`` runs; the glossary's
do-not-translate terms are enforced. Otherwise the English text is shown,
marked ``lang="en"``, and the build says why. The security rules are
:func:`unsafe_translation`.
"""

from __future__ import annotations

import enum
import gettext
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache

from babel.messages.plurals import get_plural

from pipeline.checks.framework import QAContext
from pipeline.checks.qa import check_entry
from pipeline.model import Catalog, Entry, Finding, Severity
from pipeline.source.documents import Document
from pipeline.text.inline import markup_problems


class Status(enum.StrEnum):
    REVIEWED = "reviewed"
    MACHINE = "machine"  # fuzzy text shown in a preview build
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


# What screening found in one entry: why it is never shown ("" when fine), and its findings.
Verdict = tuple[str, tuple[Finding, ...]]


@dataclass
class Screened:
    """One catalog's usable entries and QA findings: all rendering needs of the file."""

    candidates: dict[tuple[str | None, str], Candidate]
    findings: list[Finding]
    # Each checked entry's verdict by the digest of what the checks read of it, so that the
    # next version of the file checks only the entries that changed.
    verdicts: dict[bytes, Verdict] = field(default_factory=dict)


def screen(
    catalog: Catalog,
    file: str,
    qa_context: QAContext | None,
    include_machine: bool,
    earlier: Mapping[bytes, Verdict] | None = None,
) -> Screened:
    """The translated entries of ``catalog``; with ``qa_context``, each one shown is checked now.

    ``earlier``: the verdicts of the file's previous version, screened in the same
    settings; an entry found there unchanged is not checked again.
    """
    candidates: dict[tuple[str | None, str], Candidate] = {}
    findings: list[Finding] = []
    verdicts: dict[bytes, Verdict] = {}
    for entry in catalog.active():
        if not entry.has_translation or entry.is_header:
            continue
        forms = _plural_forms(entry.msgstr_plural) if entry.msgid_plural is not None else ()
        text = forms[0] if forms else entry.msgstr
        candidate = Candidate(
            text,
            entry.fuzzy,
            f"{file}:{entry.lineno}",
            plurals=forms,
            plural_source=entry.msgid_plural,
        )
        if qa_context is not None and (include_machine or not entry.fuzzy):
            digest = _checked_digest(entry)
            verdict = earlier.get(digest) if earlier is not None else None
            if verdict is None:
                verdict = _verdict(entry, candidate, qa_context)
            verdicts[digest] = verdict
            candidate.problem = verdict[0]
            findings += (
                f if f.line == entry.lineno else replace(f, line=entry.lineno) for f in verdict[1]
            )
        candidates[entry.key] = candidate
    return Screened(candidates, findings, verdicts)


def _verdict(entry: Entry, candidate: Candidate, qa_context: QAContext) -> Verdict:
    found = check_entry(entry, qa_context)
    errors = [f for f in found if f.severity is Severity.ERROR]
    problem = (
        f"QA {errors[0].check}: {errors[0].message}"
        if errors
        else _unsafe_forms(entry.msgid, entry.msgid_plural, candidate)
    )
    return problem, tuple(found)


def _checked_digest(entry: Entry) -> bytes:
    """What the checks read of an entry: not its line or references, which move with edits."""
    read = (
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
    """Which msgstr[i] of a plural entry shows for ``n``: Babel's gettext plural rule for ``lang``.

    The catalogs' Plural-Forms header comes from the same rule (:mod:`pipeline.catalogs.headers`).
    """
    return gettext.c2py(get_plural(lang).plural_expr)


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

    def add(self, catalog: Catalog, file: str, qa_context: QAContext | None = None) -> None:
        self.absorb(catalog.domain, screen(catalog, file, qa_context, self.include_machine))

    def absorb(self, domain: str, screened: Screened) -> None:
        """Take in one catalog of ``domain`` as :func:`screen` left it."""
        for (msgctxt, msgid), candidate in screened.candidates.items():
            self.table[(domain, msgctxt, msgid)] = candidate
        self.findings += screened.findings

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
        candidate = self.table.get((domain, msgctxt, msgid))
        if candidate is not None and candidate.plurals:  # a plural entry: its form for one
            return self.choose_plural(domain, msgid, candidate.plural_source or msgid, 1, msgctxt)
        return self._decide(candidate, msgid, None, msgid, lambda c: c.text)

    def choose_plural(
        self, domain: str, singular: str, plural: str, n: int, msgctxt: str | None = None
    ) -> Choice:
        """The form of a plural UI string to show for the number ``n``, or English with a reason."""
        english = singular if n == 1 else plural
        candidate = self.table.get((domain, msgctxt, singular))
        if candidate is not None and not candidate.plurals:
            candidate = None  # a singular entry is not a translation of a plural message
        index = plural_index(self.lang)(n)

        def form(chosen: Candidate) -> str:
            return chosen.plurals[index] if index < len(chosen.plurals) else ""

        return self._decide(candidate, singular, plural, english, form)

    def _decide(
        self,
        candidate: Candidate | None,
        singular: str,
        plural: str | None,
        english: str,
        text_of: Callable[[Candidate], str],
    ) -> Choice:
        if candidate is None:
            return Choice(english, Status.FALLBACK, "not translated")
        if candidate.fuzzy and not self.include_machine:
            return Choice(english, Status.FALLBACK, "not reviewed")
        if candidate.problem is None:
            candidate.problem = _unsafe_forms(singular, plural, candidate)
        problem = candidate.problem
        if problem:
            self.rejected[f"{candidate.where}: [{self.lang}] {problem}; English shown instead"] = (
                None
            )
            return Choice(english, Status.FALLBACK, problem)
        text = text_of(candidate)
        if not text:
            return Choice(english, Status.FALLBACK, "plural form not translated")
        return Choice(text, Status.MACHINE if candidate.fuzzy else Status.REVIEWED)


def choose_segment(translations: Translations | None, document: Document, msgid: str) -> Choice:
    """A segment of ``document`` (title, description or block) in the language of
    ``translations``; the source text when that is None or the segment is empty."""
    if translations is None or not msgid:
        return Choice(msgid, Status.REVIEWED)
    return translations.choose(document.domain, msgid, document.contexts.get(msgid))


_TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
_MAX_GROWTH, _MAX_EXTRA_CHARS = 4, 200  # a translation longer than this is not a translation


def unsafe_translation(source: str, translation: str) -> str:
    """Why a translation may not be rendered, or "" when it is safe.

    Its markup must pass :func:`pipeline.text.inline.markup_problems` -- the rules
    the QA ``markup`` check applies, so a translator cannot add a link, change
    where one points (so no ``javascript:``/``data:`` URL and no new domain) or
    smuggle markup -- and it may not reorder text with bidi overrides, carry
    template syntax or be far longer than any translation of its source.
    """
    problems = markup_problems(source, translation)
    if problems:
        return problems[0]
    hidden = sorted(_invisible_controls(translation) - _invisible_controls(source))
    if hidden:
        return f"invisible control character U+{ord(hidden[0]):04X}"
    syntax = [s for s in _TEMPLATE_SYNTAX if s in translation and s not in source]
    if syntax:
        return f"template syntax {syntax[0]!r}"
    if len(translation) > _MAX_GROWTH * len(source) + _MAX_EXTRA_CHARS:
        return f"{len(translation)} characters for a {len(source)}-character source"
    return ""


# Characters that reorder or hide text (bidi embeddings, overrides, isolates; C0/C1 controls
# but tab and newline): a translation may carry them only where the source does.
# U+200E/U+200F (LRM/RLM) stay allowed: right-to-left typography needs them.
_INVISIBLE = re.compile(r"[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _invisible_controls(text: str) -> set[str]:
    return set(_INVISIBLE.findall(text))
