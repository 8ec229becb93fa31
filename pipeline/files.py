"""Atomic, change-aware file writes used by every stage that produces a file.

A crash or a full disk must never leave a half-written catalog or page behind,
and an unchanged file must keep its mtime so that builds and editors do not see
spurious changes.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
import time
from dataclasses import dataclass
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


class UnsafeFileError(OSError):
    """A project file that is not read: a link out of the project, not a file, or too large.

    An ``OSError``, so every caller that reports an unreadable file reports this one
    the same way: ``strerror`` says why, ``filename`` names the file.
    """

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.strerror = reason
        self.filename = str(path)


def inside(path: Path, root: Path) -> Path:
    """``path``, after checking that it leads to a regular file or folder inside ``root``.

    A symbolic link (of the file or of a folder on the way) that leads out of
    ``root`` is refused with :class:`UnsafeFileError`, and so is a device, a pipe or
    a socket: reading one could print another file's contents (``/proc/self/environ``)
    or never end (``/dev/zero``). A path that does not exist passes.
    """
    path = Path(path)
    # os.path rather than pathlib: a build checks every file it reads, thousands of them.
    resolved, top = os.path.realpath(path), os.path.realpath(root)
    if resolved != top and not resolved.startswith(top.rstrip(os.sep) + os.sep):
        raise UnsafeFileError(path, "a symbolic link that leads out of the project; not read")
    try:
        mode = os.stat(resolved).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return path
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise UnsafeFileError(path, "not a regular file; not read")
    return path


def read_bounded(path: Path, limit: int, root: Path | None = None) -> bytes:
    """The bytes of ``path``, a file of at most ``limit`` bytes (inside ``root`` if given).

    A larger file is refused with :class:`UnsafeFileError` after reading no more
    than ``limit + 1`` bytes, whatever its size claims to be.
    """
    if root is not None:
        inside(path, root)
    with open(path, "rb") as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnsafeFileError(path, f"larger than the limit of {limit:,} bytes; not read")
    return data


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


@dataclass(frozen=True)
class FileVersion:
    """A file as it was when read, to tell whether someone saved it since.

    A translator may save a catalog in an editor while a long run (machine
    prefill) works on the copy it read; writing the run's result would then
    throw the translator's save away. Editors detect this the same way: inode,
    size and modification time, taken before the file is read.
    """

    path: Path
    identity: tuple[int, int, int] | None  # None: there was no file

    @classmethod
    def of(cls, path: Path) -> FileVersion:
        try:
            stat = Path(path).stat()
        except (FileNotFoundError, NotADirectoryError):
            return cls(Path(path), None)
        return cls(Path(path), (stat.st_ino, stat.st_size, stat.st_mtime_ns))

    def is_current(self) -> bool:
        return FileVersion.of(self.path).identity == self.identity


class FileChangedError(OSError):
    """The file was saved by someone else since the run read it; it was not written."""

    def __init__(self, path: Path) -> None:
        # The message leaves the path out: callers name the file as their users know it.
        super().__init__("changed on disk since it was read, so left as saved; run again")
        self.path = path


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


def write_bytes_atomic(
    path: Path, data: bytes, made_from: FileVersion | None = None, *, durable: bool = True
) -> bool:
    """Write ``data`` to ``path`` atomically; return False if the file already held it.

    The bytes go to a temporary file in the same directory, are fsynced, and the
    temporary file replaces ``path`` in one ``os.replace``. Missing parent
    directories are created. An existing file keeps its permission bits.

    ``made_from`` is the version of ``path`` that ``data`` was made from: if the
    file is no longer that version, :class:`FileChangedError` is raised and the
    file is left as it is.

    ``durable=False`` leaves out the fsyncs, for a file made again from its inputs
    whenever it is lost (a built page): readers still see the old bytes or the new,
    never a part, but a power cut may leave it empty, and the next build remakes it.
    Two fsyncs a file were most of the time a build of many small pages spent writing.
    """
    path = Path(path)
    if made_from is not None and not made_from.is_current():
        raise FileChangedError(path)
    if _unchanged(path, data):
        return False
    directory = path.parent
    try:
        _replace_with(path, data, made_from, durable)
    except FileChangedError:
        raise
    except OSError as error:
        # The operating system names the temporary file, or nothing (a full disk):
        # the file being written is the one to name.
        if error.errno is None:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from None
    if durable:
        _fsync_directory(directory)
    return True


def _replace_with(path: Path, data: bytes, made_from: FileVersion | None, durable: bool) -> None:
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _mode_for_new_file()
    # The process id in the name tells a later run whether the writer is still alive
    # (see remove_stray_temporaries).
    fd, temp_name = tempfile.mkstemp(
        dir=directory, prefix=f".{path.name}.{os.getpid()}-", suffix=TEMPORARY_SUFFIX
    )
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.chmod(temp_name, mode)
        # Checked again as late as possible: writing a large file takes a while.
        if made_from is not None and not made_from.is_current():
            raise FileChangedError(path)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


TEMPORARY_SUFFIX = ".tmp"
_TEMPORARY = re.compile(r"\..+\.(?:(?P<pid>\d+)-)?[^.]+\.tmp")
_STRAY_AFTER = 600.0  # seconds; a temporary file without a writer's id is stray after this


def remove_stray_temporaries(folder: Path) -> list[Path]:
    """Remove the temporary files a killed run left under ``folder``; return them.

    A temporary file is stray when the process named in it is gone, or, for a
    name without a process id, when it is older than any write takes. Links are
    not followed.
    """
    removed: list[Path] = []
    if not Path(folder).is_dir():
        return removed
    for directory, _folders, names in os.walk(folder):
        for name in names:
            found = _TEMPORARY.fullmatch(name)
            if found is None:
                continue
            path = Path(directory) / name
            if _is_stray(path, found.group("pid")):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def _is_stray(path: Path, pid: str | None) -> bool:
    if pid is not None:
        return not _alive(int(pid))
    try:
        return time.time() - path.lstat().st_mtime > _STRAY_AFTER
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def write_text_atomic(path: Path, text: str, made_from: FileVersion | None = None) -> bool:
    """Write ``text`` as UTF-8 (newlines untouched) via :func:`write_bytes_atomic`."""
    return write_bytes_atomic(path, text.encode("utf-8"), made_from)
