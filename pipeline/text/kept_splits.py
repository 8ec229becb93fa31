"""Sentence splits kept between builds: a block the memory sync split and aligned need not be
split again when an editor changes it, only its new text.

While a build keeps splits (:func:`keeping`), :func:`pipeline.text.sentences.split_sentences`
looks each text up here first, and records each split it gives, when the text is one of a
catalog's (:func:`for_domain` says which: the memory sync and the update say so). The splits
of one domain in one language are a shelf, a file read on the first look-up in it, so an edit
reads what its own page's blocks split into, not the site's. At the end, each shelf a split
was made in is written back, newest last, at most :data:`KEPT_PER_SHELF` splits. A split is
the text's own (keyed by the text and language); a file also names the splitter (pysbd's
version), and ``.l10n/build`` is emptied when the pipeline's code changes. A file that is
missing, unreadable or of another splitter is read as none, and one that cannot be written is
not written.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pipeline.files import write_bytes_atomic

KEPT_PER_SHELF = 20_000

Shelf = tuple[str, str]  # (domain, language)
Splits = dict[str, tuple[str, ...]]  # text -> its sentences
Job = TypeVar("Job")
Result = TypeVar("Result")


class KeptSplits:
    """The kept splits of one folder, each shelf read when first asked."""

    def __init__(self, folder: Path, splitter: str) -> None:
        self.folder = folder
        self.splitter = splitter
        self._read: dict[Shelf, Splits] = {}
        self._used: dict[Shelf, Splits] = {}  # given or made in this run
        self._made: dict[Shelf, Splits] = {}  # made in this run

    def get(self, text: str, lang: str) -> tuple[str, ...] | None:
        if not _DOMAINS:
            return None
        shelf = (_DOMAINS[-1], lang)
        used = self._used.setdefault(shelf, {})
        found = used.get(text)
        if found is None:
            found = self._shelf(shelf).get(text)
            if not isinstance(found, tuple):
                return None
            used[text] = found
        return found

    def put(self, text: str, lang: str, sentences: tuple[str, ...]) -> None:
        if _DOMAINS:
            self.keep((_DOMAINS[-1], lang), text, sentences)

    def keep(self, shelf: Shelf, text: str, sentences: tuple[str, ...]) -> None:
        self._used.setdefault(shelf, {})[text] = sentences
        self._made.setdefault(shelf, {})[text] = sentences

    def made_counts(self) -> dict[Shelf, int]:
        return {shelf: len(made) for shelf, made in self._made.items()}

    def made_after(self, counts: dict[Shelf, int]) -> dict[Shelf, Splits]:
        """The splits made since each shelf had ``counts`` (see :meth:`made_counts`)."""
        return {
            shelf: dict(list(made.items())[counts.get(shelf, 0) :])
            for shelf, made in self._made.items()
            if len(made) > counts.get(shelf, 0)
        }

    def _file(self, shelf: Shelf) -> Path:
        domain, lang = shelf
        return self.folder / f"{_shelf_name(domain)}-{lang}.pickle"

    def _shelf(self, shelf: Shelf) -> Splits:
        read = self._read.get(shelf)
        if read is None:
            read = self._read[shelf] = self._load(shelf)
        return read

    def _load(self, shelf: Shelf) -> Splits:
        try:
            splitter, kept_shelf, splits = pickle.loads(self._file(shelf).read_bytes())
        except Exception:  # a cache is never worth a failed build: texts are split again
            return {}
        fits = splitter == self.splitter and kept_shelf == shelf and isinstance(splits, dict)
        return splits if fits else {}

    def save(self) -> None:
        """Write back each shelf a split was made in."""
        for shelf in sorted(self._made):
            kept = dict(self._shelf(shelf))
            used = self._used[shelf]
            for text in used:
                kept.pop(text, None)
            kept.update(used)
            if len(kept) > KEPT_PER_SHELF:
                kept = dict(list(kept.items())[-KEPT_PER_SHELF:])
            payload = pickle.dumps((self.splitter, shelf, kept), protocol=pickle.HIGHEST_PROTOCOL)
            with contextlib.suppress(OSError):  # not fsynced: an emptied file is read as none
                write_bytes_atomic(self._file(shelf), payload, durable=False)


def _shelf_name(domain: str) -> str:
    return hashlib.sha256(domain.encode("utf-8")).hexdigest()[:24]


def forget_other_domains(folder: Path, domains: Iterable[str]) -> None:
    """Delete the kept splits of every domain but ``domains``: a page renamed or removed
    leaves no files behind."""
    live = {_shelf_name(domain) for domain in domains}
    try:
        files = list(folder.glob("*-*.pickle"))
    except OSError:
        return
    for path in files:
        if path.name.split("-", 1)[0] not in live:
            with contextlib.suppress(OSError):
                path.unlink()


@dataclass(frozen=True)
class CarryingSplits(Generic[Job, Result]):
    """``work`` that also gives the splits it made: a job done in a worker process (see
    :func:`pipeline.workers.in_processes`) sends them back with its result, for
    :func:`absorb_splits` to keep, as the building process would have kept them."""

    work: Callable[[Job], Result]

    def __call__(self, job: Job) -> tuple[Result, dict[Shelf, Splits]]:
        kept = current()
        counts = kept.made_counts() if kept is not None else {}
        result = self.work(job)
        return result, kept.made_after(counts) if kept is not None else {}


def absorb_splits(done: Iterable[tuple[Result, dict[Shelf, Splits]]]) -> list[Result]:
    """The results of :class:`CarryingSplits` jobs; the splits they made kept."""
    kept = current()
    results: list[Result] = []
    for result, made in done:
        results.append(result)
        if kept is None:
            continue
        for shelf, splits in made.items():
            for text, sentences in splits.items():
                kept.keep(shelf, text, sentences)
    return results


# The splits kept now, and the domain whose texts are split now, innermost last (lists, not
# global statements).
_KEEPING: list[KeptSplits | None] = []
_DOMAINS: list[str] = []


def current() -> KeptSplits | None:
    return _KEEPING[-1] if _KEEPING else None


@contextlib.contextmanager
def keeping(folder: Path | None, splitter: str) -> Iterator[None]:
    """Within, splits are kept in ``folder`` (None: not kept); written back at the end."""
    kept = KeptSplits(folder, splitter) if folder is not None else None
    _KEEPING.append(kept)
    try:
        yield
    finally:
        _KEEPING.pop()
        if kept is not None:
            kept.save()


@contextlib.contextmanager
def for_domain(domain: str) -> Iterator[None]:
    """Within, the texts split are ``domain``'s (a catalog's), and their splits kept with it."""
    _DOMAINS.append(domain)
    try:
        yield
    finally:
        _DOMAINS.pop()
