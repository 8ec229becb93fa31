"""Throw-away copies of the shipped project, for tests that build or edit it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

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
