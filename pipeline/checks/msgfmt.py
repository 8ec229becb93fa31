"""The ``msgfmt`` catalog check: GNU ``msgfmt --check``'s own diagnostics, as findings."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from pipeline.model import Finding, Severity

_MSGFMT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?:\d+:)?\s*(?P<message>.*)$")


def run_msgfmt(path: Path, file: str, lang: str | None, domain: str) -> list[Finding]:
    """GNU ``msgfmt --check``'s diagnostics for one catalog, as findings."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return [msgfmt_missing()]
    result = subprocess.run(
        [
            msgfmt,
            "--check-format",
            "--check-header",
            "--check-domain",
            "-o",
            "/dev/null",
            str(path),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    )
    findings: list[Finding] = []
    for raw in result.stderr.splitlines():
        match = _MSGFMT_LINE.match(raw)
        if match is None:
            if "fatal error" in raw or not raw.strip():
                continue
            line, message = 1, raw.removeprefix(f"{msgfmt}: ").removeprefix("msgfmt: ")
        else:
            line, message = int(match.group("line")), match.group("message")
        severity = Severity.WARNING if "warning:" in message else Severity.ERROR
        findings.append(Finding("msgfmt", severity, message.strip(), file, line, lang, domain))
    if result.returncode != 0 and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(
            Finding("msgfmt", Severity.ERROR, "msgfmt --check failed", file, 1, lang, domain)
        )
    return findings


def msgfmt_missing() -> Finding:
    """The one warning of a run on a machine without GNU gettext."""
    return Finding(
        "msgfmt",
        Severity.WARNING,
        "msgfmt (GNU gettext) is not installed; catalogs were not checked with msgfmt --check",
        "",
        0,
    )
