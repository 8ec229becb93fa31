"""The layout check's report: text for a person or a CI log, JSON for a program.

The JSON is :meth:`~pipeline.layout.check.LayoutReport.to_dict`, a stable schema
(``version`` 1): new fields may be added, none is removed or renamed.
"""

from __future__ import annotations

import json
from collections import Counter

from pipeline.layout.check import LayoutReport


def format_json(report: LayoutReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False)


def format_text(report: LayoutReport) -> list[str]:
    """One line per finding (page, width, language, kind, element, what), its crop under it,
    then a summary line."""
    lines: list[str] = []
    for finding in report.findings:
        lines.append(
            f"{report.site}/{finding.page} {finding.width}px [{finding.lang}] {finding.kind}: "
            f"{finding.element}: {finding.message}"
        )
        if finding.screenshot:
            lines.append(f"  screenshot: {finding.screenshot}")
    widths = ", ".join(str(width) for width in report.widths)
    if report.findings:
        kinds = Counter(finding.kind for finding in report.findings)
        counted = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        found = f"{len(report.findings)} finding{'s' if len(report.findings) != 1 else ''}"
        summary = f"{found} ({counted}); report in {report.report_dir}/"
    else:
        summary = "no finding"
    lines.append(f"Layout: {report.pages} pages of {report.site}/ at {widths}px: {summary}.")
    return lines
