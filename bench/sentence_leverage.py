"""Sentence leverage against ``msgmerge --previous`` on the shipped catalogs.

Copies the shipped project to a temporary folder, fills its memory as a build
would, applies a known edit script to the English source (a word fixed in
one sentence, a sentence added, one removed, two swapped, a typo fixed, a
paragraph split in two; several of each across pages), then updates the
catalogs twice from the same files: with our pipeline (``update_catalogs``
with the sentence leverage hook) and with GNU ``msgmerge --previous``.

Reported per language (only languages whose catalogs are fully reviewed):
sentences carried over unchanged, words left for a translator (for ours,
only words of sentences not carried over), and wrong carry-overs (a sentence
translation attached to another sentence; checked against the edit script).

    python bench/sentence_leverage.py [--per-kind 4]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.build import extract
from pipeline.catalogs.update import update_catalogs
from pipeline.config import Config, load_config
from pipeline.memory.backends import open_memory
from pipeline.memory.sentences import (
    SentenceLeverage,
    SentencePair,
    align,
)
from pipeline.memory.sync import remember_reviewed
from pipeline.model import Catalog
from pipeline.po.reader import read_catalog
from pipeline.text.sentences import join_sentences, split_sentences
from tests.projects import copy_project

RESULTS = Path(__file__).resolve().parent / "results-sentences.json"
KINDS = ("word", "added", "removed", "swapped", "typo", "split")

# Editor's fixes: a word replaced by a better one.
WORD_FIXES = (
    ("significantly", "substantially"),
    ("typically", "usually"),
    ("critical", "crucial"),
    ("important", "essential"),
    ("rapidly", "quickly"),
    ("often", "frequently"),
    ("specific", "particular"),
    ("carefully", "closely"),
    ("generally", "usually"),
    ("complex", "intricate"),
)
ADDED = (
    "Your care team explains each step in advance.",
    "Results vary from one patient to another.",
    "Ask your doctor which option suits you best.",
    "Follow-up visits are scheduled individually.",
    "Each center follows its own written protocol.",
)


@dataclass
class Edit:
    kind: str
    file: str
    old_block: str
    new_blocks: list[str]
    # For each new block, for each of its sentences: the old sentence it is, unchanged, or None.
    truth: list[list[int | None]]


def _typo_fix(sentence: str) -> str | None:
    # One character fixed: a curly apostrophe, a hyphen in an open compound, a British -ise.
    for old, new in (("’", "'"), ("-based", " based"), ("ization", "isation"), ("ize", "ise")):
        if old in sentence:
            return sentence.replace(old, new, 1)
    return None


def _word_fix(sentence: str) -> str | None:
    for old, new in WORD_FIXES:
        if f" {old} " in sentence:
            return sentence.replace(f" {old} ", f" {new} ", 1)
    return None


def _edit(kind: str, file: str, block: str, number: int) -> Edit | None:
    sentences = split_sentences(block, "en")
    count = len(sentences)
    identity: list[int | None] = list(range(count))
    for k in [count // 2, *range(count)]:
        if kind in ("word", "typo"):
            fixed = (_word_fix if kind == "word" else _typo_fix)(sentences[k])
            if fixed is None:
                continue
            new = [*sentences[:k], fixed, *sentences[k + 1 :]]
            return Edit(
                kind,
                file,
                block,
                [join_sentences(new)],
                [[*identity[:k], None, *identity[k + 1 :]]],
            )
        if kind == "added":
            new = [*sentences[: k + 1], ADDED[number % len(ADDED)], *sentences[k + 1 :]]
            truth = [*identity[: k + 1], None, *identity[k + 1 :]]
            return Edit(kind, file, block, [join_sentences(new)], [truth])
        if count < 2 or k + 1 >= count:
            continue
        if kind == "removed":
            new = sentences[:k] + sentences[k + 1 :]
            return Edit(
                kind, file, block, [join_sentences(new)], [identity[:k] + identity[k + 1 :]]
            )
        if kind == "swapped":
            new = [*sentences[:k], sentences[k + 1], sentences[k], *sentences[k + 2 :]]
            truth = [*identity[:k], k + 1, k, *identity[k + 2 :]]
            return Edit(kind, file, block, [join_sentences(new)], [truth])
        if kind == "split":
            return Edit(
                kind,
                file,
                block,
                [join_sentences(sentences[: k + 1]), join_sentences(sentences[k + 1 :])],
                [identity[: k + 1], identity[k + 1 :]],
            )
    return None


def plan_edits(project: Path, config: Config, languages: list[str], per_kind: int) -> list[Edit]:
    """Edits spread over pages: blocks of 2+ sentences every language's reviewed text aligns."""
    candidates = _candidate_blocks(project, config, languages)
    # Round-robin over pages so each kind of edit lands on several of them.
    by_file: dict[str, list[str]] = {}
    for file, block in candidates:
        by_file.setdefault(file, []).append(block)
    ordered = [
        (file, blocks[i])
        for i in range(max(map(len, by_file.values())))
        for file, blocks in sorted(by_file.items())
        if i < len(blocks)
    ]
    edits: list[Edit] = []
    done: Counter[str] = Counter()
    used: set[str] = set()
    for number, (file, block) in enumerate(ordered):
        for kind in sorted(KINDS, key=lambda k: (done[k], KINDS.index(k))):
            if done[kind] >= per_kind or block in used:
                continue
            edit = _edit(kind, file, block, number)
            if edit is not None:
                edits.append(edit)
                done[kind] += 1
                used.add(block)
    return edits


def _candidate_blocks(project: Path, config: Config, languages: list[str]) -> list[tuple[str, str]]:
    """(page, block) for each block of 2+ sentences that every language's text aligns."""
    catalogs = {
        lang: {p.stem: read_catalog(p, lang, p.stem) for p in _catalog_paths(config, lang)}
        for lang in languages
    }
    candidates: list[tuple[str, str]] = []
    for domain, catalog in sorted(catalogs[languages[0]].items()):
        text = (project / "source" / f"{domain}.md").read_text("utf-8") if domain != "ui" else ""
        for entry in catalog.active():
            if entry.is_header or len(split_sentences(entry.msgid, "en")) < 2:
                continue
            if text.count(entry.msgid) != 1:  # the block must sit on one line of its page
                continue
            if all(
                (e := catalogs[lang][domain].index().get(entry.key)) is not None
                and e.translated
                and align(e.msgid, e.msgstr, "en", lang) is not None
                for lang in languages
            ):
                candidates.append((f"source/{domain}.md", entry.msgid))
    return candidates


def apply_edits(project: Path, edits: list[Edit]) -> None:
    for edit in edits:
        path = project / edit.file
        text = path.read_text("utf-8")
        path.write_text(text.replace(edit.old_block, "\n\n".join(edit.new_blocks), 1), "utf-8")


def _catalog_paths(config: Config, lang: str) -> list[Path]:
    return sorted((config.locales_path / lang / "LC_MESSAGES").glob("*.po"))


def complete_languages(config: Config) -> list[str]:
    """Languages whose every catalog entry is reviewed."""
    complete = []
    for lang in config.languages:
        entries = [
            e
            for path in _catalog_paths(config, lang)
            for e in read_catalog(path, lang, path.stem).active()
            if not e.is_header
        ]
        if entries and all(e.translated for e in entries):
            complete.append(lang)
    return complete


@dataclass
class LanguageFigures:
    lang: str
    edited_blocks: int = 0
    new_sentences: int = 0
    unchanged_sentences: int = 0  # by the edit script
    carried_ours: int = 0
    carried_msgmerge: int = 0  # a fuzzy block carries nothing: all of it is reviewed again
    assembled_blocks: int = 0  # brand-new blocks assembled from sentence memory
    wrong_carry_overs: int = 0
    not_word_for_word: int = 0
    review_entries_ours: int = 0
    review_entries_msgmerge: int = 0
    review_words_ours: int = 0
    review_words_msgmerge: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class Results:
    languages: list[str]
    edits: dict[str, int]  # how many of each kind
    edit_script: list[Edit]
    per_language: list[LanguageFigures]
    total: dict[str, int]


def _words(text: str) -> int:
    return len(text.split())


def measure(project: Path, per_kind: int = 4) -> Results:
    config = load_config(project)
    languages = complete_languages(config)
    if not languages:
        raise SystemExit("no language has fully reviewed catalogs to measure on")
    with open_memory(config.memory_location) as memory:
        shipped = [
            read_catalog(p, lang, p.stem)
            for lang in languages
            for p in _catalog_paths(config, lang)
        ]
        remember_reviewed(config, memory, shipped)
        originals = {(c.lang, c.domain): c for c in shipped}
        snapshot = Path(tempfile.mkdtemp(dir=project))
        for catalog in shipped:
            (snapshot / f"{catalog.lang}-{catalog.domain}.po").write_bytes(
                Path(catalog.path).read_bytes()
            )

        edits = plan_edits(project, config, languages, per_kind)
        apply_edits(project, edits)
        hooks: dict[str, SentenceLeverage] = {}

        def hook(lang: str) -> SentenceLeverage:
            return hooks.setdefault(
                lang, SentenceLeverage("en", lang, memory, config.memory_threshold)
            )

        report = update_catalogs(config, extract(config), languages, leverage_for=hook)
        if report.errors:
            raise SystemExit("\n".join(report.errors))

    figures = [
        _language_figures(
            config, lang, hooks.get(lang, SentenceLeverage("en", lang)), snapshot, originals, edits
        )
        for lang in languages
    ]
    totals = {
        name: sum(getattr(f, name) for f in figures)
        for name, value in asdict(figures[0]).items()
        if isinstance(value, int)
    }
    return Results(languages, dict(Counter(e.kind for e in edits)), edits, figures, totals)


def _language_figures(
    config: Config,
    lang: str,
    hook_used: SentenceLeverage,
    snapshot: Path,
    originals: dict[tuple[str | None, str], Catalog],
    edits: list[Edit],
) -> LanguageFigures:
    """Review left by our update and by msgmerge in one language, and every edit checked."""
    figure = LanguageFigures(lang)
    ours = {p.stem: read_catalog(p, lang, p.stem) for p in _catalog_paths(config, lang)}
    theirs = {
        domain: _msgmerge(
            snapshot / f"{lang}-{domain}.po", config.template_path(domain), lang, domain
        )
        for domain in ours
    }
    _count_review(figure, hook_used, ours, theirs)
    for edit in edits:
        domain = Path(edit.file).stem
        old = originals[(lang, domain)].index()
        old_entry = next(e for e in old.values() if e.msgid == edit.old_block)
        old_pairs = align(old_entry.msgid, old_entry.msgstr, "en", lang) or []
        figure.edited_blocks += 1
        for block, truth in zip(edit.new_blocks, edit.truth, strict=True):
            entry = ours[domain].index()[(old_entry.msgctxt, block)]
            figure.new_sentences += len(truth)
            figure.unchanged_sentences += sum(t is not None for t in truth)
            _verify(
                figure,
                hook_used,
                entry.key,
                entry.msgstr,
                entry.previous_msgid,
                edit,
                truth,
                old_pairs,
            )
    return figure


def _count_review(
    figure: LanguageFigures,
    hook_used: SentenceLeverage,
    ours: dict[str, Catalog],
    theirs: dict[str, Catalog],
) -> None:
    """Entries and words left to review: ours counts only the sentences not carried over."""
    for catalog in ours.values():
        for entry in catalog.active():
            if entry.is_header or entry.translated:
                continue
            figure.review_entries_ours += 1
            sentences = split_sentences(entry.msgid, "en")
            rebuilt = hook_used.rebuilt.get(entry.key)
            kept = set(rebuilt.carried) if rebuilt else set()
            if entry.key in hook_used.assembled:
                kept = set(range(len(sentences)))
            figure.review_words_ours += sum(
                _words(s) for i, s in enumerate(sentences) if i not in kept
            )
    for catalog in theirs.values():
        for entry in catalog.active():
            if not entry.is_header and not entry.translated:
                figure.review_entries_msgmerge += 1
                figure.review_words_msgmerge += _words(entry.msgid)


def _verify(
    figure: LanguageFigures,
    hook: SentenceLeverage,
    key: tuple[str | None, str],
    msgstr: str,
    previous_msgid: str | None,
    edit: Edit,
    truth: list[int | None],
    old_pairs: list[SentencePair],
) -> None:
    targets = [p.target for p in old_pairs]
    rebuilt = hook.rebuilt.get(key)
    if rebuilt is not None:
        same_previous = previous_msgid == edit.old_block
        for n in rebuilt.carried:
            figure.carried_ours += 1
            origin = rebuilt.old_index[n]
            if not same_previous or origin is None or truth[n] != origin:
                figure.wrong_carry_overs += 1
                figure.problems.append(
                    f"{edit.kind} {edit.file}: sentence {n + 1} from {origin}, truth {truth[n]}"
                )
            elif targets[origin] not in msgstr:
                figure.not_word_for_word += 1
        return
    if key in hook.assembled:
        figure.assembled_blocks += 1
        expected = join_sentences(targets[t] for t in truth if t is not None)
        if None in truth or msgstr != expected:
            # Another reviewed translation of the very same sentence is not wrong, only different.
            figure.problems.append(
                f"{edit.kind} {edit.file}: assembled text differs from the old sentences"
            )
        figure.carried_ours += len(truth)
        return
    figure.problems.append(
        f"{edit.kind} {edit.file}: block not rebuilt ({edit.new_blocks[0][:50]!r})"
    )


def _msgmerge(old: Path, template: Path, lang: str, domain: str) -> Catalog:
    merged = old.with_suffix(".msgmerge.po")
    subprocess.run(
        [
            "msgmerge",
            "--previous",
            "--quiet",
            "--no-wrap",
            "-o",
            str(merged),
            str(old),
            str(template),
        ],
        check=True,
    )
    return read_catalog(merged, lang, domain)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = copy_project(Path(folder) / "project")
        results = measure(project, args.per_kind)
    print(f"edits: {results.edits} on languages {', '.join(results.languages)}")
    print(
        f"{'lang':5} {'unchanged':>9} {'carried':>8} {'msgmerge':>8} {'wrong':>5} "
        f"{'words ours':>10} {'words msgmerge':>14}"
    )
    rows = [(f.lang, asdict(f)) for f in results.per_language] + [("all", dict(results.total))]
    for lang, row in rows:
        print(
            f"{lang:5} {row['unchanged_sentences']:>9} {row['carried_ours']:>8} "
            f"{row['carried_msgmerge']:>8} {row['wrong_carry_overs']:>5} "
            f"{row['review_words_ours']:>10} {row['review_words_msgmerge']:>14}"
        )
        for problem in row.get("problems", []):
            print(f"      {problem}")
    RESULTS.write_text(json.dumps(asdict(results), ensure_ascii=False, indent=2) + "\n", "utf-8")
    print(f"written {RESULTS}")


if __name__ == "__main__":
    main()
