"""Catalog checks on the header: ``header`` (charset, Language, Plural-Forms) and ``plurals``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.model import Entry, Finding, Severity
from pipeline.text.languages import base_language

_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
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
        problems.append(f"charset is {charset.group(1)}, expected UTF-8")
    declared = metadata.get("Language", "")
    if not declared:
        problems.append("Language is missing")
    elif base_language(declared) != base_language(lang):
        problems.append(f"Language is {declared}, but the catalog is for {lang}")
    nplurals_match = _NPLURALS.search(metadata.get("Plural-Forms", ""))
    if not nplurals_match or "plural=" not in metadata.get("Plural-Forms", ""):
        problems.append("Plural-Forms is missing or has no nplurals/plural")
    findings = [
        Finding("header", Severity.ERROR, f"header: {p}", file, line, lang, domain)
        for p in problems
    ]
    return findings, int(nplurals_match.group(1)) if nplurals_match else None


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
        and sorted(entry.msgstr_plural) != list(range(nplurals))
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
