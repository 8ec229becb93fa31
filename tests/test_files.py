from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pipeline.files import write_bytes_atomic, write_text_atomic


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
