from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.files import FileChangedError, FileVersion, write_bytes_atomic, write_text_atomic


def test_creates_parent_directories_and_writes_utf8(tmp_path: Path) -> None:
    target = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "faq.po"
    assert write_text_atomic(target, "Доза: 2 мг/кг\r\n") is True
    assert target.read_bytes() == "Доза: 2 мг/кг\r\n".encode()


def test_identical_content_is_not_rewritten(tmp_path: Path) -> None:
    target = tmp_path / "a.po"
    assert write_text_atomic(target, 'msgid "x"\n') is True
    past = 1_000_000_000
    os.utime(target, (past, past))
    inode = target.stat().st_ino
    assert write_text_atomic(target, 'msgid "x"\n') is False
    assert target.stat().st_mtime == past
    assert target.stat().st_ino == inode


def test_changed_content_replaces_file_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    target.chmod(0o640)
    assert write_bytes_atomic(target, b"new") is True
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_same_length_different_bytes_is_written(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_bytes(b"1 mg")
    assert write_bytes_atomic(target, b"7 mg") is True
    assert target.read_bytes() == b"7 mg"


def test_new_file_gets_umask_mode_not_private_temp_mode(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    os.umask(umask)
    target = tmp_path / "new.txt"
    write_bytes_atomic(target, b"x")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_no_temporary_files_left_behind(tmp_path: Path) -> None:
    for number in range(3):
        write_text_atomic(tmp_path / "a.txt", f"version {number}")
    write_text_atomic(tmp_path / "a.txt", "version 2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_failed_write_keeps_old_file_and_cleans_up(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("precious")
    with pytest.raises(UnicodeEncodeError):
        write_text_atomic(target, "\udcff")  # lone surrogate cannot be UTF-8
    assert target.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_error_from_replace_removes_temp_file(tmp_path: Path) -> None:
    # A directory where the file should go makes os.replace fail after the temp file exists.
    target = tmp_path / "taken"
    target.mkdir()
    (target / "child").write_text("x")
    with pytest.raises(OSError):
        write_bytes_atomic(target, b"data")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize("save", ["in place", "by rename", "created"])
def test_a_file_saved_since_it_was_read_is_left_as_saved(tmp_path: Path, save: str) -> None:
    target = tmp_path / "de.po"
    if save != "created":
        target.write_bytes(b"as read\n")
    version = FileVersion.of(target)
    if save == "by rename":  # an editor that saves to a new file: same size, another inode
        (tmp_path / "new").write_bytes(b"as SAVED")
        os.replace(tmp_path / "new", target)
    else:  # saved in place, or created where there was no file
        target.write_bytes(b"the translator's save\n")
    saved = target.read_bytes()
    with pytest.raises(FileChangedError, match="changed on disk since it was read"):
        write_bytes_atomic(target, b"the run's result\n", version)
    assert target.read_bytes() == saved
    assert [p.name for p in tmp_path.iterdir()] == ["de.po"]  # no temporary file left


def test_a_save_while_the_run_writes_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "de.po"
    target.write_bytes(b"as read\n")
    version = FileVersion.of(target)
    fsync = os.fsync

    def save_meanwhile(fd: int) -> None:
        fsync(fd)
        if not target.read_bytes().startswith(b"the translator"):
            target.write_bytes(b"the translator's save, a little longer\n")

    monkeypatch.setattr(os, "fsync", save_meanwhile)
    with pytest.raises(FileChangedError):
        write_bytes_atomic(target, b"the run's result\n", version)
    assert target.read_bytes() == b"the translator's save, a little longer\n"
    assert [p.name for p in tmp_path.iterdir()] == ["de.po"]


def test_a_file_as_read_is_written(tmp_path: Path) -> None:
    target = tmp_path / "de.po"
    target.write_bytes(b"as read\n")
    assert write_bytes_atomic(target, b"the run's result\n", FileVersion.of(target)) is True
    assert write_bytes_atomic(tmp_path / "new.po", b"x\n", FileVersion.of(tmp_path / "new.po"))
    assert target.read_bytes() == b"the run's result\n"
