"""The Nu HTML Checker (vnu.jar), and how a test that needs a missing tool reacts.

Locally such a test skips with the reason; under CI (``CI=true``) it fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

VNU_DIR = Path(os.environ.get("L10N_VNU_DIR", Path.home() / ".cache" / "l10n-pipeline" / "vnu"))
VNU_JAR = VNU_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
IN_CI = os.environ.get("CI") == "true"


def unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


def npm_installed(package: str, folder: Path, wanted: Path) -> Path:
    """``wanted``, a file of the npm ``package`` installed into ``folder`` (outside the
    repository, as `.ci/run` installs it), installing it first when it is missing."""
    if not wanted.is_file():
        npm = shutil.which("npm")
        if npm is None:
            unavailable(f"npm is not installed (needed to install {package})")
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(folder), package],
            check=True,
            capture_output=True,
            timeout=300,
        )
    return wanted


def vnu_command() -> list[str]:
    java = shutil.which("java")
    if java is None:
        unavailable("java is not installed (needed by the Nu HTML Checker)")
    jar = npm_installed("vnu-jar", VNU_DIR, VNU_JAR)
    return [str(java), "-jar", str(jar), "--errors-only", "--format", "json"]


def html_errors(pages: list[Path]) -> list[str]:
    """The checker's errors for ``pages``, one line each: ``url:line: message``."""
    command = vnu_command()
    done = subprocess.run(
        [*command, *map(str, pages)], capture_output=True, text=True, timeout=300
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    return [f"{m.get('url', '')}:{m.get('lastLine', '')}: {m['message']}" for m in messages]
