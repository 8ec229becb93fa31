"""What ``l10n check`` found (:class:`CheckReport`) and its three output formats.

``text`` is for a terminal (a status table, then the findings), ``json`` has a
stable, versioned schema for tools, and ``github`` is GitHub Actions workflow
commands, one annotation per finding and failed gate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.checks.gates import GateResult
from pipeline.checks.langid import language_name
from pipeline.checks.stats import LeftEntry, Stats
from pipeline.model import Finding, Severity
from pipeline.text.excerpt import escaped
from pipeline.text.invisible import HIDDEN

JSON_VERSION = 1


@dataclass(frozen=True)
class CheckReport:
    stats: list[Stats]
    findings: list[Finding]
    gates: list[GateResult]
    left: list[LeftEntry] = field(default_factory=list)  # untranslated and fuzzy, per language

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
LEFT_SHOWN = 20  # entries listed per language in text; the JSON lists them all


def format_text(report: CheckReport, console: Console) -> None:
    """Completeness per language, what keeps a gate closed, then the findings by file and line.

    On a terminal the status is a table; in a log (no terminal) it is plain
    columns, and no line is cut or wrapped at the console width.
    """
    if report.gates:
        rows = _status_rows(report)
        if console.is_terminal:
            console.print(_status_table(rows))
        else:
            for line in plain_table(_STATUS_COLUMNS, rows, right=range(1, 6)):
                console.print(line, markup=False, highlight=False, soft_wrap=True)
    for gate in report.gates:
        if not gate.passed:
            for line in _left_lines(gate, [e for e in report.left if e.lang == gate.lang]):
                console.print(line, highlight=False, soft_wrap=True)
    for finding in report.findings:
        console.print(_finding_line(finding), highlight=False, soft_wrap=True)
    console.print(_summary(report), soft_wrap=True)


def _status_rows(report: CheckReport) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for gate in report.gates:
        mine = [s for s in report.stats if s.lang == gate.lang]
        rows.append(
            (
                f"{gate.lang} ({language_name(gate.lang)})",
                f"{gate.percent_complete:.1f}%",
                f"{gate.minimum:g}%",
                str(sum(s.translated for s in mine)),
                str(sum(s.fuzzy for s in mine)),
                str(sum(s.untranslated for s in mine)),
                "pass" if gate.passed else "fail",
            )
        )
    return rows


def _status_table(rows: list[tuple[str, ...]]) -> Table:
    table = Table(title="Translation status", show_lines=False)
    for column in _STATUS_COLUMNS:
        table.add_column(column, justify="left" if column in ("language", "gate") else "right")
    for row in rows:
        verdict = "[green]pass[/green]" if row[-1] == "pass" else "[bold red]fail[/bold red]"
        table.add_row(*row[:-1], verdict)
    return table


def plain_table(
    header: Sequence[str], rows: Sequence[Sequence[str]], right: Iterable[int] = ()
) -> list[str]:
    """Rows as aligned plain-text columns, for a log: no box drawing, no wrapping."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    aligned = set(right)

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if index in aligned else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), *(line(row) for row in rows)]


def _left_lines(gate: GateResult, left: Sequence[LeftEntry]) -> list[str]:
    """The gate's reason, then the entries that keep it closed, ``file:line: state «msgid»``."""
    fuzzy = sum(entry.state == "fuzzy" for entry in left)
    lines = [
        f"[bold red]{escape(gate.lang)}: gate failed:[/] {escape(gate.reason)}; "
        f"{len(left) - fuzzy} untranslated and {fuzzy} fuzzy entr{'y' if fuzzy == 1 else 'ies'}"
        " left"
    ]
    for entry in left[:LEFT_SHOWN]:
        where = f"{entry.file}:{entry.line}" if entry.line else entry.file
        lines.append(f"  {escape(where)}: {entry.state} “{escape(excerpt(entry.msgid))}”")
    if len(left) > LEFT_SHOWN:
        lines.append(
            f"  … and {len(left) - LEFT_SHOWN} more (l10n check --format json lists them all)"
        )
    return lines


def excerpt(text: str, limit: int = 60) -> str:
    """The start of ``text`` on one line, cut between words so that no URL is cut in two."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return (text[:cut] if cut > 0 else text[:limit]) + " …"


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
        "left": [asdict(entry) for entry in report.left],
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
