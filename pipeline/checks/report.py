"""What ``l10n check`` found (:class:`CheckReport`) and its three output formats.

``text`` is for a terminal (a status table, then the findings), ``json`` has a
stable, versioned schema for tools, and ``github`` is GitHub Actions workflow
commands, one annotation per finding and failed gate.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.checks.gates import GateResult
from pipeline.checks.langid import language_name
from pipeline.checks.stats import Stats
from pipeline.model import Finding, Severity
from pipeline.text.excerpt import escaped
from pipeline.text.invisible import HIDDEN

JSON_VERSION = 1


@dataclass(frozen=True)
class CheckReport:
    stats: list[Stats]
    findings: list[Finding]
    gates: list[GateResult]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def exit_code(self) -> int:
        """0 when every gate passes and no finding is an error; 1 otherwise."""
        return 0 if all(g.passed for g in self.gates) and not self.errors else 1


# ---------------------------------------------------------------------------
# text
# ---------------------------------------------------------------------------

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_STATUS_COLUMNS = (
    "language", "complete", "minimum", "translated", "fuzzy", "untranslated", "gate",
)  # fmt: skip


def format_text(report: CheckReport, console: Console) -> None:
    """Completeness per language, the gates, then the findings by file and line."""
    if report.gates:
        console.print(_status_table(report))
    for finding in report.findings:
        console.print(_finding_line(finding), highlight=False, soft_wrap=True)
    console.print(_summary(report))


def _status_table(report: CheckReport) -> Table:
    table = Table(title="Translation status", show_lines=False)
    for column in _STATUS_COLUMNS:
        table.add_column(column, justify="left" if column in ("language", "gate") else "right")
    for gate in report.gates:
        mine = [s for s in report.stats if s.lang == gate.lang]
        verdict = (
            "[green]pass[/green]" if gate.passed else f"[bold red]fail[/bold red] {gate.reason}"
        )
        table.add_row(
            f"{gate.lang} ({language_name(gate.lang)})",
            f"{gate.percent_complete:.1f}%",
            f"{gate.minimum:g}%",
            str(sum(s.translated for s in mine)),
            str(sum(s.fuzzy for s in mine)),
            str(sum(s.untranslated for s in mine)),
            verdict,
        )
    return table


def _finding_line(finding: Finding) -> str:
    style = _SEVERITY_STYLE[finding.severity]
    where = f"{finding.file}:{finding.line}" if finding.line else finding.file or "l10n"
    lang = f" [{finding.lang}]" if finding.lang else ""
    return (
        f"{escape(escaped(where))}:{escape(escaped(lang))} [{style}]{finding.severity.value}"
        f"[/{style}] {escape(finding.check)}: {escape(escaped(finding.message))}"
    )


def _summary(report: CheckReport) -> str:
    errors = len(report.errors)
    warnings = sum(f.severity is Severity.WARNING for f in report.findings)
    failed = [g.lang for g in report.gates if not g.passed]
    summary = f"{errors} error(s), {warnings} warning(s)"
    if failed:
        summary += f"; gate failed for {', '.join(failed)}"
    style = "bold red" if report.exit_code else "green"
    return f"[{style}]{summary}[/{style}]"


# ---------------------------------------------------------------------------
# json
# ---------------------------------------------------------------------------


def format_json(report: CheckReport) -> str:
    """The report as JSON with a stable schema (``version`` changes if it ever does)."""
    document = {
        "version": JSON_VERSION,
        "stats": [s.to_dict() for s in report.stats],
        "gates": [asdict(g) for g in report.gates],
        "findings": [
            {
                "check": f.check,
                "severity": f.severity.value,
                "lang": f.lang,
                "domain": f.domain,
                "file": f.file,
                "line": f.line,
                "message": f.message,
                "msgid": f.msgid,
            }
            for f in report.findings
        ],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    # json escapes the ASCII controls; the other invisible characters can only be inside
    # strings, where they become \u escapes too: the same data, and a terminal showing the
    # report is not driven by it.
    return HIDDEN.sub(_json_escape, text)


def _json_escape(found: re.Match[str]) -> str:
    char = found.group()
    if char.isascii():  # the newlines and indentation of the document itself
        return char
    encoded = char.encode("utf-16-be", "surrogatepass")
    return "".join(f"\\u{encoded[i : i + 2].hex()}" for i in range(0, len(encoded), 2))


# ---------------------------------------------------------------------------
# github
# ---------------------------------------------------------------------------

_ANNOTATION = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def format_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: one annotation per finding and failed gate."""
    lines = [_annotation(finding) for finding in report.findings]
    for gate in report.gates:
        if not gate.passed:
            lines.append(f"::error::{_data(f'gate {gate.lang}: {gate.reason}')}")
    return "\n".join(lines) + ("\n" if lines else "")


def _annotation(finding: Finding) -> str:
    kind = _ANNOTATION[finding.severity]
    lang = f" [{finding.lang}]" if finding.lang else ""
    properties = []
    if finding.file:
        properties.append(f"file={_property(finding.file)}")
    if finding.line:
        properties.append(f"line={finding.line}")
    message = _data(f"{finding.check}{lang}: {finding.message}")
    return f"::{kind} {','.join(properties)}::{message}" if properties else f"::{kind}::{message}"


def _data(text: str) -> str:
    return escaped(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
