"""Throw-away copies of the shipped project, for tests that build or edit it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.cli import main

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("pyproject.toml", "source", "locales", "glossary.csv")


def copy_project(target: Path, with_locales: bool = True) -> Path:
    """Copy the shipped site (not the package) into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if not source.exists() or (name == "locales" and not with_locales):
            continue
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


def msgfmt_check(path: Path) -> str:
    """Run GNU ``msgfmt --check``; return its complaints ("" when clean)."""
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in done.stderr.splitlines() if "warning:" not in line]
    return "\n".join(errors) if done.returncode else ""


def l10n(project: Path, *args: str, code: int = 0) -> Result:
    """Run the ``l10n`` command on ``project`` in-process and check its exit code."""
    result = CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def set_publish_minimum(project: Path, minimum: float, **per_language: float) -> None:
    """Replace the project's ``[tool.l10n.publish]`` table."""
    pyproject = project / "pyproject.toml"
    text = re.sub(
        r"\n\[tool\.l10n\.publish[^\n]*\n(?:[^\[][^\n]*\n?)*", "\n", pyproject.read_text()
    )
    table = "".join(f"{lang} = {value}\n" for lang, value in per_language.items())
    pyproject.write_text(
        text
        + f"\n[tool.l10n.publish]\nmin_complete = {minimum}\n"
        + (f"[tool.l10n.publish.languages]\n{table}" if table else "")
    )


def disable_checks(project: Path, *checks: str) -> None:
    """Turn ``checks`` off in the project's ``[tool.l10n.check]``: for tests whose stand-in
    translations ("[ru] Cost of …") are English on purpose, and which the build would
    otherwise show in English, as ``l10n check`` reports them."""
    pyproject = project / "pyproject.toml"
    listed = ", ".join(f'"{check}"' for check in checks)
    text = pyproject.read_text()
    assert "\n[tool.l10n.check]\n" in text and "\ndisable =" not in text
    pyproject.write_text(
        text.replace("\n[tool.l10n.check]\n", f"\n[tool.l10n.check]\ndisable = [{listed}]\n")
    )
