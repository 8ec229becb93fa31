"""Atomic, change-aware file writes used by every stage that produces a file.

A crash or a full disk must never leave a half-written catalog or page behind,
and an unchanged file must keep its mtime so that builds and editors do not see
spurious changes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

_umask_lock = threading.Lock()
_default_mode: int | None = None


def _mode_for_new_file() -> int:
    """The permission bits ``open()`` would give a new file under the process umask.

    ``mkstemp`` creates files 0600; a catalog or page written for the team must
    get the same bits a plain ``open(path, "w")`` would give it.
    """
    global _default_mode
    if _default_mode is None:
        with _umask_lock:
            umask = os.umask(0o022)
            os.umask(umask)
            _default_mode = 0o666 & ~umask
    return _default_mode


def read_bytes_if_present(path: Path) -> bytes | None:
    """The bytes of ``path``; None if there is no such file yet.

    A folder on the way that is a file counts as no file (``NotADirectoryError``):
    writing will report it. Any other error, such as a folder where the file
    should be, is raised.
    """
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _unchanged(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
    except (FileNotFoundError, NotADirectoryError):
        return False
    return read_bytes_if_present(path) == data


def _fsync_directory(directory: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically; return False if the file already held it.

    The bytes go to a temporary file in the same directory, are fsynced, and the
    temporary file replaces ``path`` in one ``os.replace``. Missing parent
    directories are created. An existing file keeps its permission bits.
    """
    path = Path(path)
    if _unchanged(path, data):
        return False
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _mode_for_new_file()
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _fsync_directory(directory)
    return True


def write_text_atomic(path: Path, text: str) -> bool:
    """Write ``text`` as UTF-8 (newlines untouched) via :func:`write_bytes_atomic`."""
    return write_bytes_atomic(path, text.encode("utf-8"))
