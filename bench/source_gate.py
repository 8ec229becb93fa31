"""The source-language gate on English it was not tuned on, and on real foreign sentences.

English: MkDocs' own documentation and Python-Markdown's, pinned in
``bench/source-gate-inputs.txt`` (see ``bench/gate_corpus.py``). Each becomes a
project's ``source/`` (with the shipped project's languages) and is checked by
``l10n check --no-qa --format json`` in a new process, as CI runs it: the real
extraction and the real gate. The pages are English, so every
``source-language`` error is a false one; each is listed in the details file.

Foreign: sentences of the human translations in the catalogs of the wheels pinned
in ``bench/corpus-wheels.txt``, in every language they hold but English (not the
gate's tuning fragments). Each sentence goes once into an English paragraph,
between two sentences of the English documentation, and once as a paragraph
alone; recall is the share of those paragraphs the gate rejects, per language
and per script. A sentence is one whose English is a whole sentence of at least
eight words, whose translation has at least 30 letters and shares less than
half of its words with the English (a leftover English string is no fragment).

    python -m bench.source_gate [--quick]
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import tempfile
import time
import unicodedata
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib

from bench import L10N, Record, Timing, main_for
from bench.corpus import SENTENCE, pinned_wheels
from bench.gate_corpus import Page, english_pages, write_pages
from pipeline.build import extract
from pipeline.checks.langid import WIDE_CODES
from pipeline.checks.prose import letter_count
from pipeline.config import load_config
from pipeline.text.languages import base_language
from pipeline.text.sentences import split_sentences

HERE = Path(__file__).resolve().parent
PYPROJECT = """[tool.l10n]
source_language = "en"
languages = ["ru", "de", "es", "ar", "fr"]
glossary = ""
"""
NOT_FOREIGN = frozenset({"en", "enm", "ang"})  # English, Middle and Old English
PER_LANGUAGE, QUICK_PER_LANGUAGE = 20, 5


def run_gate(root: Path, pages: list[Page]) -> tuple[list[dict[str, Any]], int, float]:
    """(source findings, segments, seconds) of ``l10n check`` on ``pages`` as the source."""
    write_pages(root, pages)
    (root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    segments = sum(1 for s in extract(load_config(root)) if s.role != "ui")
    started = time.perf_counter()
    done = subprocess.run(
        [*L10N, "--project", str(root), "check", "--no-qa", "--format", "json"],
        capture_output=True, text=True, timeout=1800, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"l10n check failed: {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    found = [f for f in report["findings"] if str(f["file"]).startswith("source/")]
    return found, segments, seconds


# ---------------------------------------------------------------------------
# English documentation: false errors
# ---------------------------------------------------------------------------


def english_record(name: str, pages: list[Page], scratch: Path) -> tuple[Record, dict[str, Any]]:
    findings, segments, seconds = run_gate(scratch / re.sub(r"\W+", "-", name), pages)
    errors = [f for f in findings if f["check"] == "source-language"]
    warnings = Counter(str(f["check"]) for f in findings if f["severity"] == "warning")
    record = Record(
        f"source gate: {name} docs (English)",
        f"{len(pages)} pages, {segments:,} segments",
        Timing([seconds]),
        quality={"false_errors": len(errors), "warnings": dict(sorted(warnings.items()))},
        target="0 false errors",
        notes="`l10n check --no-qa` as a new process; every source-language error is false",
    )
    record.met = not errors
    listed = [
        {"file": f["file"], "line": f["line"], "message": f["message"], "text": f["msgid"]}
        for f in errors
    ]
    return record, {"segments": segments, "false_errors": listed, "warnings": warnings}


# ---------------------------------------------------------------------------
# Held-out foreign sentences: recall
# ---------------------------------------------------------------------------


def language_key(code: str) -> str:
    """A catalog's language as its base code, with ``-Latn`` for a Latin-script variant."""
    latin = "latin" in code.lower() or "Latn" in code
    return base_language(code.split("@")[0].split(".")[0]) + ("-Latn" if latin else "")


def _is_fragment(msgid: str, msgstr: str) -> bool:
    if not SENTENCE.match(msgid) or len(msgid.split()) < 8 or "\n" in msgstr:
        return False
    if any(mark in msgstr for mark in "%{}<>&\\`*_[]#|") or letter_count(msgstr) < 30:
        return False
    english = set(re.findall(r"\w+", msgid.lower()))
    words = re.findall(r"\w+", msgstr.lower())
    return bool(words) and sum(w in english for w in words) / len(words) < 0.5


def _catalog_sentences() -> Iterator[tuple[str, str]]:
    """(language key, translated sentence) of every reviewed entry in the pinned wheels."""
    for wheel in pinned_wheels():
        with zipfile.ZipFile(wheel) as archive:
            names = sorted(
                n for n in archive.namelist() if re.search(r"/LC_MESSAGES/[^/]+\.po$", n)
            )
            for name in names:
                key = language_key(name.split("/")[-3])
                if key.split("-")[0] in NOT_FOREIGN:
                    continue
                catalog = polib.pofile(archive.read(name).decode("utf-8", "replace"))
                for item in catalog:
                    reviewed = item.msgstr and not item.obsolete and "fuzzy" not in item.flags
                    if reviewed and _is_fragment(item.msgid, item.msgstr.strip()):
                        yield key, item.msgstr.strip()


def foreign_sentences(per_language: int, seed: int = 7) -> dict[str, list[str]]:
    """Up to ``per_language`` distinct sentences of each language with at least five."""
    found: dict[str, set[str]] = defaultdict(set)
    for key, sentence in _catalog_sentences():
        found[key].add(sentence)
    rng = random.Random(seed)
    return {
        key: rng.sample(sorted(sentences), min(per_language, len(sentences)))
        for key, sentences in sorted(found.items())
        if len(sentences) >= 5
    }


_PLAIN = re.compile(r"[A-Z][A-Za-z ,;'()-]{30,200}\.")


def host_sentences(corpora: dict[str, list[Page]]) -> list[str]:
    """Plain English sentences of the documentation (no markup), for host paragraphs."""
    found: set[str] = set()
    for pages in corpora.values():
        for _, _, body in pages:
            for block in re.split(r"\n\s*\n", body):
                if block.startswith(("#", "-", "|", "`", ">", " ")):
                    continue
                for sentence in split_sentences(" ".join(block.split()), "en"):
                    if _PLAIN.fullmatch(sentence) and len(sentence.split()) >= 8:
                        found.add(sentence)
    return sorted(found)


@dataclass(frozen=True)
class Placed:
    lang: str
    kind: str  # "in a paragraph" or "alone"
    sentence: str
    file: str
    line: int


def foreign_pages(
    sentences: dict[str, list[str]], hosts: list[str], seed: int = 11
) -> tuple[list[Page], list[Placed]]:
    """One page per language: each sentence inside an English paragraph, then alone."""
    rng = random.Random(seed)
    pages, placed = [], []
    for order, (lang, chosen) in enumerate(sorted(sentences.items()), start=1):
        slug = f"foreign-{lang.lower()}"
        blocks: list[tuple[str, str, str]] = []
        for sentence in chosen:
            first, last = rng.sample(hosts, 2)
            blocks.append(("in a paragraph", sentence, f"{first} {sentence} {last}"))
        blocks += [("alone", sentence, sentence) for sentence in chosen]
        line = 7  # after the front matter of write_pages and a blank line
        for kind, sentence, _ in blocks:
            placed.append(Placed(lang, kind, sentence, f"source/{slug}.md", line))
            line += 2
        pages.append((slug, f"Page {order}", "\n\n".join(text for _, _, text in blocks) + "\n"))
    return pages, placed


def script_of(text: str) -> str:
    """The script most of the letters of ``text`` are in (the first word of their names)."""
    scripts = Counter(
        unicodedata.name(c, "?").split(" ")[0] for c in text if unicodedata.category(c)[0] == "L"
    )
    return scripts.most_common(1)[0][0].title() if scripts else ""


def _recall(items: list[Placed], caught: set[tuple[str, int]]) -> float:
    hits = sum((item.file, item.line) in caught for item in items)
    return round(100 * hits / len(items), 1) if items else 0.0


def foreign_record(
    corpora: dict[str, list[Page]], per_language: int, scratch: Path
) -> tuple[Record, dict[str, Any]]:
    sentences = foreign_sentences(per_language)
    pages, placed = foreign_pages(sentences, host_sentences(corpora))
    findings, _, seconds = run_gate(scratch / "foreign", pages)
    caught = {(f["file"], f["line"]) for f in findings if f["check"] == "source-language"}
    by_lang: dict[str, list[Placed]] = defaultdict(list)
    for item in placed:
        by_lang[item.lang].append(item)
    known = set(WIDE_CODES)
    table, by_script = {}, defaultdict(list)
    for lang, items in sorted(by_lang.items()):
        script = script_of(" ".join(item.sentence for item in items))
        by_script[script] += items
        table[lang] = {
            "script": script,
            "lingua": lang.split("-")[0] in known,
            "sentences": len(items) // 2,
            "in_a_paragraph": _recall([i for i in items if i.kind == "in a paragraph"], caught),
            "alone": _recall([i for i in items if i.kind == "alone"], caught),
            "missed": [i.sentence for i in items if (i.file, i.line) not in caught][:4],
        }
    lingua_items = [i for i in placed if i.lang.split("-")[0] in known]
    other_script = [i for s, items in by_script.items() if s != "Latin" for i in items]
    quality = {
        "recall_lingua_languages": _recall(lingua_items, caught),
        "recall_other_scripts": _recall(other_script, caught),
        "recall_all": _recall(placed, caught),
        "recall_in_a_paragraph": _recall([i for i in placed if i.kind != "alone"], caught),
        "recall_alone": _recall([i for i in placed if i.kind == "alone"], caught),
        "languages_below_90": sorted(
            lang
            for lang, row in table.items()
            if row["lingua"] and min(row["in_a_paragraph"], row["alone"]) < 90  # type: ignore[operator]
        ),
    }
    record = Record(
        "source gate: held-out foreign sentences",
        f"{len(placed) // 2:,} sentences in {len(by_lang)} languages, in a paragraph and alone",
        Timing([seconds]),
        quality=quality,
        target="≥95% in languages lingua knows and in scripts other than Latin",
        notes="the pinned wheels' human translations; per language in the details file",
    )
    record.met = min(quality["recall_lingua_languages"], quality["recall_other_scripts"]) >= 95  # type: ignore[type-var]
    details = {
        "languages": table,
        "scripts": {s: _recall(items, caught) for s, items in sorted(by_script.items())},
    }
    return record, details


def measure(quick: bool) -> list[Record]:
    records: list[Record] = []
    details: dict[str, Any] = {"quick": quick}
    try:
        corpora = english_pages(quick)
    except (OSError, subprocess.SubprocessError, RuntimeError) as error:
        return [Record("source gate", "", Timing(), notes=f"did not run: {error}")]
    with tempfile.TemporaryDirectory() as scratch:
        for name, pages in corpora.items():
            record, found = english_record(name, pages, Path(scratch))
            records.append(record)
            details[name] = found
        record, found = foreign_record(
            corpora, QUICK_PER_LANGUAGE if quick else PER_LANGUAGE, Path(scratch)
        )
        records.append(record)
        details["foreign"] = found
    name = "results-source-gate-quick.json" if quick else "results-source-gate.json"
    (HERE / name).write_text(json.dumps(details, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return records


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
