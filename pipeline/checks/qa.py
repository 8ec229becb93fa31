"""Translation QA of one entry: the checks by name and severity, and who may silence them.

Every check has a stable name and a severity. One entry silences one check with
the comment line ``# l10n: ignore <name>`` (``# l10n: ignore length, punctuation``),
which Poedit, Lokalize, Weblate and ``msgcat`` keep; the older flag ``#, ignore-<name>``
(Weblate's convention, which Poedit's save drops) is still read, and ``l10n update``
rewrites it as the comment. A project turns a check off everywhere with
``[tool.l10n.check] disable = ["length"]``. The safety checks -- ``markup``,
``numbers``, ``provenance`` and the do-not-translate part of ``terms`` -- cannot
be silenced from the catalog a translator edits: such a request is reported as an
``ignore-refused`` warning and the check runs anyway; a reviewer may waive a
finding in the waivers file (:mod:`pipeline.checks.waivers`).

Entry checks (run on translated and fuzzy entries):

=====================  ========  ==========================================================
``markup``             error     links, emphasis, code, ``{placeholders}`` as in the source;
                                 no added URL, raw HTML, autolink or script link
``numbers``            error     the same numbers, percentages and ranges (locale-aware)
``terms``              error     a do-not-translate term is missing
                       warning   a glossary term does not use the approved translation
``language``           error     the translation is confidently in another language
``provenance``         error     machine output accepted as it came, without approval
``review``             error     below the review state the page group needs
                                 (``[tool.l10n.review]``, e.g. reviewed for medical pages)
``invisible``          error     zero-width, tag, bidi or control characters the source lacks
``lookalike``          error     a word mixing Latin, Cyrillic or Greek letters ("САR-T")
``unchanged``          warning   translation identical to the source (beyond names, numbers)
``whitespace``         warning   leading/trailing whitespace differs
``double-space``       warning   two spaces in a row that the source does not have
``punctuation``        warning   ending punctuation differs (locale equivalents accepted)
``length``             warning   far longer or shorter than translations usually are
``required-fragment``  warning   the text of a ``# keep: <text>`` comment is missing
=====================  ========  ==========================================================

The checks are in :mod:`pipeline.checks.entry_checks`; the catalog-level ones
(``header``, ``plurals``, ``msgfmt``) in :mod:`pipeline.checks.headers` and
:mod:`pipeline.checks.msgfmt`.
"""

from __future__ import annotations

from pipeline.checks.entry_checks import (
    check_double_space,
    check_language,
    check_length,
    check_markup,
    check_numbers,
    check_provenance,
    check_punctuation,
    check_required_fragment,
    check_review,
    check_terms,
    check_unchanged,
    check_whitespace,
)
from pipeline.checks.framework import Check, Issue, Pair, QAContext, pairs
from pipeline.checks.invisible import check_invisible, check_lookalike
from pipeline.model import Entry, Finding, Severity, ignored_checks

CHECKS: tuple[Check, ...] = (
    Check("markup", Severity.ERROR, run=check_markup),
    Check("numbers", Severity.ERROR, run=check_numbers),
    Check("terms", Severity.ERROR, run=check_terms),
    Check("language", Severity.ERROR, run=check_language),
    Check("provenance", Severity.ERROR, run_entry=check_provenance),
    Check("review", Severity.ERROR, run_entry=check_review),
    Check("invisible", Severity.ERROR, run=check_invisible),
    Check("lookalike", Severity.ERROR, run=check_lookalike),
    Check("unchanged", Severity.WARNING, run=check_unchanged),
    Check("whitespace", Severity.WARNING, run=check_whitespace),
    Check("double-space", Severity.WARNING, run=check_double_space),
    Check("punctuation", Severity.WARNING, run=check_punctuation),
    Check("length", Severity.WARNING, run=check_length),
    Check("required-fragment", Severity.WARNING, run_entry=check_required_fragment),
)
CHECK_NAMES = tuple(check.name for check in CHECKS)

# Checks whose errors put a wrong number, link or unreviewed machine text in front
# of patients: the catalog a translator edits cannot switch them off.
SAFETY_CHECKS = frozenset(
    {"markup", "numbers", "provenance", "review", "invisible", "lookalike"}
)
# Checks with some such issues (terms: a missing do-not-translate term); those stay.
_PARTLY_SAFETY_CHECKS = frozenset({"terms"})
IGNORE_REFUSED = "ignore-refused"


def ignore_requested(entry: Entry, check: str) -> bool:
    """The entry asks to silence ``check`` (``# l10n: ignore <check>`` or the older flag
    ``#, ignore-<check>``), whether or not it is honoured."""
    return check in ignored_checks(entry)


def ignored(entry: Entry, check: str) -> bool:
    """The entry silences ``check`` with a flag, and ``check`` may be silenced."""
    return check not in SAFETY_CHECKS and ignore_requested(entry, check)


def check_entry(entry: Entry, context: QAContext) -> list[Finding]:
    """Every enabled check on one translated or fuzzy entry."""
    if entry.obsolete or entry.is_header or not any(entry.translations):
        return []
    findings: list[Finding] = []
    entry_pairs = pairs(entry, context.lang, context.plural_forms)
    for check in CHECKS:
        if check.name in context.disabled:
            continue
        found = _run_check(check, entry, entry_pairs, context)
        if found and context.waivers.waived(context.lang, context.domain, entry, check.name):
            found = [f for f in found if f.check != check.name]
        findings += found
    return findings


def _run_check(
    check: Check, entry: Entry, entry_pairs: list[Pair], context: QAContext
) -> list[Finding]:
    silenced = ignored(entry, check.name)
    if silenced and check.name not in _PARTLY_SAFETY_CHECKS:
        return []
    issues: list[Issue] = []
    if check.run_entry is not None:
        issues.extend(check.run_entry(entry, context))
    if check.run is not None:
        for pair in entry_pairs:
            issues.extend(check.run(pair, entry, context))
    kept = [i for i in dict.fromkeys(issues) if not silenced or not i.silenceable]
    findings = [_finding(check.name, i, check.severity, entry, context) for i in kept]
    if ignore_requested(entry, check.name) and (not silenced or kept):
        refused = Issue(f"ignore-{check.name} cannot silence a safety check")
        findings.append(_finding(IGNORE_REFUSED, refused, Severity.WARNING, entry, context))
    return findings


def _finding(
    name: str, issue: Issue, default: Severity, entry: Entry, context: QAContext
) -> Finding:
    return Finding(
        check=name,
        severity=issue.severity or default,
        message=issue.message,
        file=context.file,
        line=entry.lineno,
        lang=context.lang,
        domain=context.domain,
        msgid=entry.msgid,
    )
