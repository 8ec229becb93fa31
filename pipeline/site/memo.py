"""What an incremental build remembers, under ``.l10n/``, to skip work whose inputs did not change.

- :class:`RenderMemo`: where the screened catalogs are kept and each output file's fingerprint;
- :func:`fingerprint` and :func:`folder_digest`: the digests an output is keyed by;
- :func:`load_screened` / :func:`save_screened`: one language's screened catalogs, pickled;
- :class:`RenderedBlocks`: each page's blocks as rendered in one language, so that an edited
  page renders only the blocks whose text changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.files import read_bounded, write_bytes_atomic
from pipeline.site.choose import Screened
from pipeline.text.limits import MAX_TEMPLATE_BYTES

# domain -> (SHA-256 of its catalog's bytes and of its template's, what screening it gave)
ScreenedFiles = dict[str, tuple[str, Screened]]


@dataclass
class RenderMemo:
    """What an incremental build keeps between renders, under ``.l10n/``."""

    directory: Path  # each language's screened catalogs (see load_translations)
    # output file -> "fingerprint size mtime_ns", see OutputFiles
    outputs: dict[str, str] = field(default_factory=dict)


def fingerprint(*inputs: object) -> str:
    """A digest of everything an output depends on; each input must have a stable ``repr``."""
    return hashlib.sha256(repr(inputs).encode("utf-8")).hexdigest()


def folder_digest(folder: Path) -> str:
    """The names and bytes of every file under ``folder`` (the page templates and assets)."""
    files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
    return fingerprint(
        [
            (
                p.relative_to(folder).as_posix(),
                hashlib.sha256(read_bounded(p, MAX_TEMPLATE_BYTES, folder)).hexdigest(),
            )
            for p in files
        ]
    )


def load_screened(cache_file: Path | None, settings: tuple[object, ...]) -> ScreenedFiles:
    """The screened catalogs kept for these settings; nothing when missing, stale or unreadable."""
    if cache_file is None:
        return {}
    try:
        kept_settings, kept = pickle.loads(cache_file.read_bytes())
    except Exception:  # a cache is never worth a failed build: it is simply rebuilt
        return {}
    return kept if kept_settings == settings and isinstance(kept, dict) else {}


def save_screened(cache_file: Path, settings: tuple[object, ...], kept: ScreenedFiles) -> None:
    """Keep the screened catalogs, if ``.l10n/`` can be written: the next build screens again."""
    payload = pickle.dumps((settings, kept), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # not fsynced: an emptied file is read as none
        write_bytes_atomic(cache_file, payload, durable=False)


class PageBlocks:
    """One page's blocks rendered in one language: each block's inline HTML by a digest of
    what it was made from (see :func:`pipeline.site.render.render_body`)."""

    def __init__(self, context: str, kept: dict[str, str]) -> None:
        self.context = context  # what every block of the page depends on
        self.kept = kept  # from the last render of the page
        self.used: dict[str, str] = {}  # this render's

    def key(self, *inputs: object) -> str:
        """The key of a block made from ``inputs`` on this page."""
        return fingerprint(self.context, *inputs)

    def get(self, key: str) -> str | None:
        html = self.kept.get(key)
        if html is not None:
            self.used[key] = html
        return html

    def put(self, key: str, html: str) -> None:
        self.used[key] = html


class RenderedBlocks:
    """Every page's :class:`PageBlocks` in one language, kept between builds in one file.

    Read when the first page is rendered; a page not rendered again keeps its blocks,
    a rendered one keeps only those it used. Nothing is kept without a file (no cache
    folder), and a missing, unreadable or unwritable file only costs rendering again.
    """

    def __init__(self, cache_file: Path | None) -> None:
        self.cache_file = cache_file
        self._kept: dict[str, dict[str, str]] | None = None
        self._pages: dict[str, PageBlocks] = {}

    def page(self, name: str, context: str) -> PageBlocks:
        if self._kept is None:
            self._kept = self._load()
        kept = self._kept.get(name, {})
        page = self._pages[name] = PageBlocks(context, kept)
        return page

    def _load(self) -> dict[str, dict[str, str]]:
        if self.cache_file is None:
            return {}
        try:
            kept = pickle.loads(self.cache_file.read_bytes())
        except Exception:  # a cache is never worth a failed build: it is simply rebuilt
            return {}
        return kept if isinstance(kept, dict) else {}

    def save(self, pages: set[str]) -> None:
        """Keep the blocks of ``pages`` (every page of the site), if anything changed."""
        if self.cache_file is None or self._kept is None:
            return  # no page rendered: the file stays as it is
        kept = {name: blocks for name, blocks in self._kept.items() if name in pages}
        for name, page in self._pages.items():
            if name in pages:
                kept[name] = page.used
        if kept == self._kept:
            return
        payload = pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)
        with contextlib.suppress(OSError):  # not fsynced: an emptied file is read as none
            write_bytes_atomic(self.cache_file, payload, durable=False)
