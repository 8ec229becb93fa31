"""Sentence splits kept between builds: a block the memory sync split and aligned need not be
split again when an editor changes it, only its new text.

While a build keeps splits (:func:`keeping`), :func:`pipeline.text.sentences.split_sentences`
looks each text up here first and records each split it gives. A language's file is read
on the first look-up in that language; at the end the splits used or made are written back,
newest last, at most :data:`KEPT_PER_LANGUAGE` of a language. A split is the text's own
(keyed by the text and language); the file also names the splitter (pysbd's version), and
``.l10n/build`` is emptied when the pipeline's code changes. A file that is missing,
unreadable or of another splitter is read as none, and one that cannot be written is not.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pipeline.files import write_bytes_atomic

KEPT_PER_LANGUAGE = 20_000

Splits = dict[str, tuple[str, ...]]  # text -> its sentences
Job = TypeVar("Job")
Result = TypeVar("Result")


class KeptSplits:
    """The kept splits of one folder, each language's read when first asked."""

    def __init__(self, folder: Path, splitter: str) -> None:
        self.folder = folder
        self.splitter = splitter
        self._read: dict[str, Splits] = {}  # by language
        self._used: dict[str, Splits] = {}  # by language: given or made in this run
        self._made: dict[str, Splits] = {}  # by language: made in this run

    def get(self, text: str, lang: str) -> tuple[str, ...] | None:
        used = self._used.setdefault(lang, {})
        found = used.get(text)
        if found is None:
            found = self._language(lang).get(text)
            if not isinstance(found, tuple):
                return None
            used[text] = found
        return found

    def put(self, text: str, lang: str, sentences: tuple[str, ...]) -> None:
        self._used.setdefault(lang, {})[text] = sentences
        self._made.setdefault(lang, {})[text] = sentences

    def made_after(self, counts: dict[str, int]) -> dict[str, Splits]:
        """The splits made since each language had made ``counts`` (see :func:`made_counts`)."""
        return {
            lang: dict(list(made.items())[counts.get(lang, 0) :])
            for lang, made in self._made.items()
            if len(made) > counts.get(lang, 0)
        }

    def made_counts(self) -> dict[str, int]:
        return {lang: len(made) for lang, made in self._made.items()}

    def _file(self, lang: str) -> Path:
        return self.folder / f"sentences-{lang}.pickle"

    def _language(self, lang: str) -> Splits:
        read = self._read.get(lang)
        if read is None:
            read = self._read[lang] = self._load(self._file(lang))
        return read

    def _load(self, path: Path) -> Splits:
        try:
            splitter, splits = pickle.loads(path.read_bytes())
        except Exception:  # a cache is never worth a failed build: texts are split again
            return {}
        return splits if splitter == self.splitter and isinstance(splits, dict) else {}

    def save(self) -> None:
        """Write back each language in which a split was made."""
        for lang in sorted(self._made):
            kept = dict(self._language(lang))
            used = self._used[lang]
            for text in used:
                kept.pop(text, None)
            kept.update(used)
            if len(kept) > KEPT_PER_LANGUAGE:
                kept = dict(list(kept.items())[-KEPT_PER_LANGUAGE:])
            payload = pickle.dumps((self.splitter, kept), protocol=pickle.HIGHEST_PROTOCOL)
            with contextlib.suppress(OSError):  # not fsynced: an emptied file is read as none
                write_bytes_atomic(self._file(lang), payload, durable=False)


@dataclass(frozen=True)
class CarryingSplits(Generic[Job, Result]):
    """``work`` that also gives the splits it made: a job done in a worker process (see
    :func:`pipeline.workers.in_processes`) sends them back with its result, for
    :func:`absorb_splits` to keep, as the building process would have kept them."""

    work: Callable[[Job], Result]

    def __call__(self, job: Job) -> tuple[Result, dict[str, Splits]]:
        kept = current()
        counts = kept.made_counts() if kept is not None else {}
        result = self.work(job)
        return result, kept.made_after(counts) if kept is not None else {}


def absorb_splits(done: Iterable[tuple[Result, dict[str, Splits]]]) -> list[Result]:
    """The results of :class:`CarryingSplits` jobs; the splits they made kept."""
    kept = current()
    results: list[Result] = []
    for result, made in done:
        results.append(result)
        if kept is None:
            continue
        for lang, splits in made.items():
            for text, sentences in splits.items():
                kept.put(text, lang, sentences)
    return results


# The splits kept now, innermost last (a list, not a global statement).
_KEEPING: list[KeptSplits | None] = []


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
