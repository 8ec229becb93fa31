"""Catalog checks on the header: ``header`` (charset, Language, Plural-Forms) and ``plurals``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.model import Entry, Finding, Severity
from pipeline.text.excerpt import excerpt
from pipeline.text.languages import base_language, declared_nplurals, valid_nplurals
from pipeline.text.limits import MAX_PLURAL_FORMS

_CHARSET = re.compile(r"charset\s*=\s*([\w.-]+)", re.IGNORECASE)


def check_header(
    metadata: dict[str, str], lang: str, file: str, line: int, domain: str
) -> tuple[list[Finding], int | None]:
    """Findings about the header, and the catalog's nplurals if it declares one."""
    problems: list[str] = []
    charset = _CHARSET.search(metadata.get("Content-Type", ""))
    if not charset:
        problems.append("Content-Type has no charset")
    elif charset.group(1).upper() not in ("UTF-8", "UTF8"):
        problems.append(f"charset is {excerpt(charset.group(1), 20)}, expected UTF-8")
    declared = metadata.get("Language", "")
    if not declared:
        problems.append("Language is missing")
    elif base_language(declared) != base_language(lang):
        problems.append(f"Language is {excerpt(declared, 20)}, but the catalog is for {lang}")
    nplurals = _nplurals(metadata.get("Plural-Forms", ""), problems)
    findings = [
        Finding("header", Severity.ERROR, f"header: {p}", file, line, lang, domain)
        for p in problems
    ]
    return findings, nplurals


def _nplurals(plural_forms: str, problems: list[str]) -> int | None:
    """The header's nplurals, if it is a number of plural forms a language can have."""
    digits = declared_nplurals(plural_forms)
    if digits is None:
        problems.append("Plural-Forms is missing or has no nplurals/plural")
        return None
    count = valid_nplurals(digits)
    if count is None:
        problems.append(f"nplurals={excerpt(digits, 12)} is not between 1 and {MAX_PLURAL_FORMS}")
    return count


def check_plurals(
    entries: Sequence[Entry], nplurals: int, lang: str, file: str, domain: str
) -> list[Finding]:
    """Plural entries that do not have exactly the header's ``nplurals`` forms: one finding.

    One cause -- a header that says another number of forms than the entries
    have -- is one finding at the first such entry, whatever the count.
    """
    wrong = [
        entry
        for entry in entries
        if entry.msgid_plural is not None
        and not entry.obsolete
        and entry.msgstr_plural
        and sorted(entry.msgstr_plural) != list(range(min(nplurals, MAX_PLURAL_FORMS)))
    ]
    if not wrong:
        return []
    counts = sorted({len(entry.msgstr_plural) for entry in wrong})
    forms = " or ".join(str(count) for count in counts)
    first = wrong[0]
    more = f"; {len(wrong)} plural messages are so (first here)" if len(wrong) > 1 else ""
    return [
        Finding(
            "plurals", Severity.ERROR,
            f"{forms} plural form(s), the header says nplurals={nplurals}{more}",
            file, first.lineno, lang, domain, first.msgid,
        )
    ]  # fmt: skip
