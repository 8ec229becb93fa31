"""Sentence splitting: our splitter against pysbd (today's path) and other candidates.

The corpus: every msgid and translation of the shipped catalogs, and the pinned
pool's English strings with their translations in ten languages (bench/corpus.py).
Each text is split once by each splitter, cold (every text distinct, so no cache
helps). Agreement is the share of texts split into exactly the same sentences as
:func:`pipeline.text.sentences.pysbd_sentences`, the whole block through pysbd.

The time to beat is pysbd's path as the pipeline ran it when the target was set:
``Segmenter.segment`` on the masked block, with ``re`` keeping its default 512
patterns. ``pysbd_sentences`` itself now finds pysbd's sentences by ``str.find``
and raises ``re``'s cache, which makes pysbd faster too; it is timed beside, as
"pysbd, today's helpers", for reading, not as the reference.

Candidates measured beside ours when installed: ``sentencex`` (Wikimedia's
splitter) and ICU's sentence BreakIterator (``PyICU``). Neither knows our
masking of links, code and placeholders, so their agreement is a lower bound.

    python -m bench.sentence_split [--quick]
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import time
from collections.abc import Callable
from pathlib import Path

from bench import Record, Timing, main_for
from bench.corpus import translation_pool
from pipeline.po.reader import read_catalog
from pipeline.text import sentences
from pipeline.text.sentences import pysbd_sentences, split_sentences

REPO = Path(__file__).resolve().parents[1]
Splitter = Callable[[str, str], list[str]]


def shipped_texts() -> list[tuple[str, str]]:
    """(text, language) of every msgid and translation of the shipped catalogs."""
    texts: list[tuple[str, str]] = []
    for path in sorted((REPO / "locales").glob("*/LC_MESSAGES/*.po")):
        lang = path.parent.parent.name
        for entry in read_catalog(path, lang).active():
            if entry.msgid and not entry.is_header:
                texts.append((entry.msgid, "en"))
                if entry.msgstr:
                    texts.append((entry.msgstr, lang))
    return list(dict.fromkeys(texts))


def pool_texts(limit: int | None = None) -> list[tuple[str, str]]:
    """(text, language) of the pinned pool: English msgids and their translations."""
    texts: list[tuple[str, str]] = []
    for msgid, translations in sorted(translation_pool().items()):
        texts.append((msgid, "en"))
        texts += [(t, lang.split("_")[0]) for lang, t in sorted(translations.items())]
    texts = list(dict.fromkeys(texts))
    return texts[:limit] if limit else texts


_RE_DEFAULT_CACHE = 512  # re._MAXCACHE of CPython 3.11 to 3.13


def pysbd_as_filed(text: str, lang: str) -> list[str]:
    """The whole block through ``pysbd.Segmenter.segment``, as the pipeline split it when the
    target was set (pysbd finding each sentence's span with a pattern of its own)."""
    masked = sentences._masked(text, lang)
    found: list[str] = []
    cursor = 0
    for piece in sentences._segmenter(sentences._pysbd_code(lang)).segment(masked):
        core = piece.strip()
        if not core:
            continue
        start = masked.find(core, cursor)
        if start < 0:
            return [text.strip()]
        cursor = start + len(core)
        found += sentences._split_after_final_abbreviations(text[start:cursor], lang)
    return found


def run_as_filed(texts: list[tuple[str, str]]) -> tuple[float, list[list[str]]]:
    """:func:`pysbd_as_filed` over ``texts`` with ``re``'s default cache, compiled cold."""
    for lang in {lang for _, lang in texts}:
        sentences._segmenter(sentences._pysbd_code(lang))  # pysbd's own set-up is not timed
    raised = getattr(re, "_MAXCACHE")  # noqa: B009 (not in re's stubs)
    setattr(re, "_MAXCACHE", _RE_DEFAULT_CACHE)  # noqa: B010
    re.purge()
    try:
        return run(texts, pysbd_as_filed)
    finally:
        setattr(re, "_MAXCACHE", raised)  # noqa: B010
        re.purge()


def _sentencex() -> Splitter | None:
    if importlib.util.find_spec("sentencex") is None:
        return None
    from sentencex import segment

    return lambda text, lang: [s.strip() for s in segment(lang, text) if s.strip()]


def _icu() -> Splitter | None:
    if importlib.util.find_spec("icu") is None:
        return None
    import icu

    iterators: dict[str, object] = {}

    def split(text: str, lang: str) -> list[str]:
        it = iterators.get(lang)
        if it is None:
            it = iterators[lang] = icu.BreakIterator.createSentenceInstance(icu.Locale(lang))
        it.setText(text)  # type: ignore[attr-defined]
        cuts = [0, *it]  # type: ignore[misc]
        pieces = [text[a:b].strip() for a, b in itertools.pairwise(cuts)]
        return [p for p in pieces if p]

    return split


def run(texts: list[tuple[str, str]], splitter: Splitter) -> tuple[float, list[list[str]]]:
    started = time.perf_counter()
    found = [splitter(text, lang) for text, lang in texts]
    return time.perf_counter() - started, found


def compare(corpus: str, texts: list[tuple[str, str]]) -> list[Record]:
    reference_s, as_filed = run_as_filed(texts)
    _, reference = run(texts, pysbd_sentences)
    same_path = sum(a == b for a, b in zip(as_filed, reference, strict=True))
    records = []
    candidates: list[tuple[str, Splitter | None]] = [
        ("ours", split_sentences), ("pysbd, today's helpers", pysbd_sentences),
        ("sentencex", _sentencex()), ("PyICU BreakIterator", _icu()),
    ]  # fmt: skip
    for name, splitter in candidates:
        if splitter is None:
            records.append(Record(f"sentence split: {name}", corpus, Timing(),
                                  notes="not installed"))  # fmt: skip
            continue
        seconds, found = run(texts, splitter)
        same = sum(a == b for a, b in zip(found, reference, strict=True))
        multi = sum(len(r) > 1 for r in reference)
        same_multi = sum(a == b for a, b in zip(found, reference, strict=True) if len(b) > 1)
        record = Record(
            f"sentence split: {name}", corpus, Timing([seconds]),
            "pysbd as filed (segment, re's default cache)", Timing([reference_s]),
            quality={"texts": len(texts), "agreement": round(100 * same / len(texts), 3),
                     "agreement_multi_sentence": round(100 * same_multi / max(multi, 1), 3),
                     "speedup": round(reference_s / seconds, 1)},
        )  # fmt: skip
        if name == "ours":
            record.quality["reference_agrees"] = round(100 * same_path / len(texts), 3)
            record.target = "≥20× faster than pysbd; same boundaries"
            record.met = reference_s / seconds >= 20 and same == len(texts)
        records.append(record)
    return records


def disagreements(texts: list[tuple[str, str]], limit: int = 20) -> list[tuple[str, str]]:
    """The texts ours and pysbd split differently (for reading, not for the results)."""
    return [(t, lang) for t, lang in texts
            if split_sentences(t, lang) != pysbd_sentences(t, lang)][:limit]  # fmt: skip


def measure(quick: bool) -> list[Record]:
    return [
        *compare("shipped catalogs", shipped_texts()),
        *compare("pinned pool, 10 languages", pool_texts(5_000 if quick else None)),
    ]


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
