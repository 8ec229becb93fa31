"""Faults the operating system gives, caused for real: read-only folders and a full disk.

The tests run as root, where permission bits do not apply, and filling the
machine's own disk is no way to test anything. So:

- :func:`run_unprivileged` runs ``l10n`` where permission bits apply: as root,
  in a new user namespace (``unshare --user``) in which the process keeps its
  user id (it still reads the checkout and the virtualenv as their owner) but
  has no capability over files outside the namespace, so a folder without
  write bits is read-only to it (EACCES). Not as root, as it is.
- :func:`on_small_filesystems` runs steps in a user and mount namespace
  (``unshare --user --map-root-user --mount``) in which the project is copied
  onto a tmpfs, and chosen folders of it are tmpfs of their own, small enough
  to fill: a write past their size fails with ENOSPC, as on a full disk. The
  namespace and its filesystems vanish with the last step; what the tests need
  is reported back as JSON. This module is also the program run inside
  (``python -m tests.faults SPEC``).

Without user namespaces the tests skip with the reason (they fail under CI).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from tests.html_checker import unavailable

REPO = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "pipeline.cli"]
FILLER = ".filler"
_WHOLE_PROJECT = "64m"  # the tmpfs the project is copied onto
_STEP_SECONDS = 120


@cache
def _namespace_problem(*flags: str) -> str:
    """Why ``unshare FLAGS`` cannot be used here; "" when it can."""
    if shutil.which("unshare") is None:
        return "unshare (util-linux) is not installed"
    try:
        done = subprocess.run(
            ["unshare", *flags, "true"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"unshare {' '.join(flags)} failed: {error}"
    if done.returncode:
        return f"unshare {' '.join(flags)} is not permitted here: {done.stderr.strip()}"
    return ""


# -- read-only folders ------------------------------------------------------------------


def run_unprivileged(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``l10n --project project ARGS`` in a process that file permissions apply to."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        problem = _namespace_problem("--user")
        if problem:
            unavailable(f"cannot drop root's override of permissions: {problem}")
        prefix = ["unshare", "--user", "--"]
    return subprocess.run(
        [*prefix, *CLI, "--project", str(project), *args],
        cwd=REPO,  # the package of this checkout
        capture_output=True,
        text=True,
        timeout=_STEP_SECONDS,
        check=False,
    )


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """``paths`` and everything under them without write bits, restored afterwards."""
    changed: list[tuple[Path, int]] = []
    try:
        for top in paths:
            for path in [top, *(top.rglob("*") if top.is_dir() else ())]:
                mode = path.lstat().st_mode
                if not stat.S_ISLNK(mode):
                    changed.append((path, stat.S_IMODE(mode)))
                    path.chmod(stat.S_IMODE(mode) & ~0o222)
        yield
    finally:
        for path, mode in reversed(changed):
            path.chmod(mode)


# -- a full disk ----------------------------------------------------------------------------


def on_small_filesystems(
    project: Path, sizes: dict[str, str], steps: list[list[Any]]
) -> list[dict[str, Any]]:
    """Run ``steps`` on ``project`` with each folder of ``sizes`` a tmpfs of that size.

    Steps: ``["fill", folder, leave]`` fills the folder's filesystem up to ``leave``
    bytes; ``["free", folder]`` empties the filler again; ``["run", *args]`` runs
    ``l10n ARGS`` and reports its exit code, output, the project's files (path ->
    SHA-256) and the free bytes of each folder; ``["sqlite", path, query]`` reports
    the rows of a query (``PRAGMA integrity_check``). One report per step, in order.
    The project on disk is left as it was.
    """
    problem = _namespace_problem("--user", "--map-root-user", "--mount")
    if problem:
        unavailable(f"cannot mount a small filesystem: {problem}")
    spec = json.dumps({"project": str(project), "sizes": sizes, "steps": steps})
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "--", sys.executable,
         "-m", "tests.faults", spec],
        cwd=REPO, capture_output=True, text=True, timeout=_STEP_SECONDS * len(steps),
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    reports: list[dict[str, Any]] = json.loads(done.stdout)
    return reports


def _mount_tmpfs(folder: Path, size: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)], check=True
    )


def _fill(folder: Path, leave: int) -> None:
    """Take every free byte of ``folder``'s filesystem, then give ``leave`` of them back."""
    with open(folder / FILLER, "ab", buffering=0) as stream:
        chunk = 1 << 20
        while chunk:
            try:
                stream.write(b"\0" * chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
                chunk //= 2
        stream.truncate(max(0, stream.seek(0, os.SEEK_END) - leave))


def _files(project: Path) -> dict[str, str]:
    found = {}
    for path in sorted(project.rglob("*")):
        if path.is_file() and not path.is_symlink() and path.name != FILLER:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(project).as_posix()] = digest
    return found


def _free(project: Path, sizes: dict[str, str]) -> dict[str, int]:
    free = {}
    for folder in sizes:
        info = os.statvfs(project / folder)
        free[folder] = info.f_bavail * info.f_frsize
    return free


def _step(project: Path, sizes: dict[str, str], step: list[Any]) -> dict[str, Any]:
    kind, *rest = step
    if kind == "fill":
        _fill(project / rest[0], int(rest[1]))
        return {"free": _free(project, sizes)}
    if kind == "free":
        (project / rest[0] / FILLER).unlink()
        return {"free": _free(project, sizes)}
    if kind == "sqlite":
        with contextlib.closing(sqlite3.connect(project / rest[0])) as db:
            return {"rows": [list(row) for row in db.execute(rest[1])]}
    assert kind == "run", step
    done = subprocess.run(
        [*CLI, "--project", str(project), *rest],
        cwd=REPO, capture_output=True, text=True, timeout=_STEP_SECONDS, check=False,
    )  # fmt: skip
    return {
        "returncode": done.returncode,
        "stdout": done.stdout,
        "stderr": done.stderr,
        "files": _files(project),
        "free": _free(project, sizes),
    }


def _inside_namespace(spec: dict[str, Any]) -> list[dict[str, Any]]:
    project, sizes = Path(spec["project"]), dict(spec["sizes"])
    with tempfile.TemporaryDirectory() as scratch:
        original = Path(scratch) / "project"
        shutil.copytree(project, original, symlinks=True)
        _mount_tmpfs(project, _WHOLE_PROJECT)
        for folder, size in sizes.items():
            _mount_tmpfs(project / folder, size)
        shutil.copytree(original, project, symlinks=True, dirs_exist_ok=True)
    return [_step(project, sizes, step) for step in spec["steps"]]


if __name__ == "__main__":
    print(json.dumps(_inside_namespace(json.loads(sys.argv[1]))))
