"""Output files: written atomically, remembered in a manifest, and removed when a build stops
making them (:class:`OutputFiles`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pipeline.files import inside, write_bytes_atomic

MANIFEST = ".l10n-build.json"


class OutputFiles:
    """The files of ``output/`` that builds wrote; nothing else there is ever touched.

    Each is written atomically but not fsynced: a file a power cut empties has another
    size than recorded, so the next build makes it again (see :meth:`current`).

    ``fingerprints`` (kept by an incremental build) maps a file to the
    fingerprint of its inputs and the size and mtime it was left with: a file
    still as it was left, whose inputs have the same fingerprint, is not made again.
    """

    def __init__(self, root: Path, fingerprints: dict[str, str] | None = None) -> None:
        self.root = root
        self.made: set[str] = set()
        self.written: list[Path] = []
        self.fingerprints = fingerprints
        try:
            self.previous = set(json.loads((root / MANIFEST).read_text("utf-8"))["files"])
        except (OSError, ValueError, KeyError, TypeError):
            self.previous = set()

    def write(self, relative: str, content: str | bytes, fingerprint: str = "") -> None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        path = inside(self.root / relative, self.root)
        self.made.add(relative)
        if write_bytes_atomic(path, data, durable=False):
            self.written.append(path)
        if self.fingerprints is not None and fingerprint:
            self.fingerprints[relative] = self._record(path, fingerprint)

    def made_before(self, folder: str) -> bool:
        """Whether an earlier build left files in ``folder`` (a language's pages)."""
        return any(relative.startswith(f"{folder}/") for relative in self.previous)

    def current(self, relative: str, fingerprint: str) -> bool:
        """Whether ``relative`` was made from inputs with this fingerprint and left untouched.

        A current file counts as made by this build.
        """
        if self.fingerprints is None or relative not in self.fingerprints:
            return False
        if self.fingerprints[relative] != self._record(self.root / relative, fingerprint):
            return False
        self.made.add(relative)
        return True

    @staticmethod
    def _record(path: Path, fingerprint: str) -> str:
        try:
            stat = path.stat()
        except OSError:
            return ""
        return f"{fingerprint} {stat.st_size} {stat.st_mtime_ns}"

    def finish(self, keep: Callable[[str], bool]) -> list[Path]:
        """Remove earlier builds' files this build did not make (unless ``keep``); save the list."""
        removed: list[Path] = []
        for relative in sorted(self.previous - self.made):
            if keep(relative):
                self.made.add(relative)
                continue
            path = self.root / relative
            if path.is_file():
                path.unlink()
                removed.append(path)
            _remove_empty_parents(path.parent, self.root)
        manifest = json.dumps({"files": sorted(self.made)}, indent=1) + "\n"
        write_bytes_atomic(self.root / MANIFEST, manifest.encode("utf-8"), durable=False)
        if self.fingerprints is not None:
            for relative in set(self.fingerprints) - self.made:
                del self.fingerprints[relative]
        return removed


def _remove_empty_parents(directory: Path, root: Path) -> None:
    while directory != root and directory.is_dir() and not any(directory.iterdir()):
        directory.rmdir()
        directory = directory.parent
