"""One finding per root cause: msgfmt's lines that repeat what a check already said.

``msgfmt --check`` reports a header whose ``nplurals`` the entries contradict as two
lines ("nplurals = 2...", "...but some messages have 3 plural forms"), and a broken
format variable that the ``markup`` check names already. The ``plurals`` and
``markup`` findings say it once, at the entry, in words a translator can act on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping, Sequence

from pipeline.model import Catalog, Finding

_PLURAL_COUNT = re.compile(r"^(?:nplurals = \d+\.\.\.|\.\.\.but some messages have .*plural form)")
_FORMAT = re.compile(r"format specification|format specifications")


def one_per_cause(
    msgfmt: Sequence[Finding], findings: Sequence[Finding], catalogs: Mapping[str, Catalog]
) -> list[Finding]:
    """``msgfmt``'s findings less those whose cause another finding reports.

    ``catalogs``: each catalog read, by its project-relative file name.
    """
    plural_files = {f.file for f in findings if f.check == "plurals"}
    variable_entries = {
        (f.file, f.line) for f in findings if f.check == "markup" and "placeholder" in f.message
    }
    kept: list[Finding] = []
    for finding in msgfmt:
        if finding.file in plural_files and _PLURAL_COUNT.match(finding.message):
            continue
        catalog = catalogs.get(finding.file)
        if _FORMAT.search(finding.message) and catalog is not None:
            starts = sorted(entry.lineno for entry in catalog.entries)
            at = bisect.bisect_right(starts, finding.line) - 1
            if at >= 0 and (finding.file, starts[at]) in variable_entries:
                continue
        kept.append(finding)
    return kept
