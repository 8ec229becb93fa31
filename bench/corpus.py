"""Real-text corpora for the benches, generated with fixed seeds, cached under ``bench/.corpus/``.

* A *translation pool*: every English msgid of Django's and the operating
  system's catalogs with its human translations (tests/corpus.py reads them).
* *Update scenarios*: an old translated catalog and the new template after a
  source revision (some entries edited, some removed, some added), with the
  ground truth of which old entry each edited entry came from.
* *Real Markdown*: the Node.js API documentation the system ships, for
  segmentation speed.

Nothing large is committed: the cache directory is gitignored and rebuilt
when missing.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Catalog, Entry
from pipeline.po.writer import write_catalog
from tests.corpus import _django_pairs, _system_pairs, lightly_edit

CACHE = Path(__file__).resolve().parent / ".corpus"
POOL_LANGS = ("fr", "de", "es", "ru", "it", "ja", "pl", "pt_BR", "nl", "ar")
Key = tuple[str | None, str]
HEADER = (
    "Project-Id-Version: l10n-pipeline bench\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Language: fr\n"
    "Plural-Forms: nplurals=2; plural=(n > 1);\n"
)


def translation_pool() -> dict[str, dict[str, str]]:
    """English msgid -> {language: human translation}, for :data:`POOL_LANGS` (cached)."""
    path = CACHE / "pool.json"
    if path.exists():
        pool: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
        return pool
    pool = {}
    for lang, _domain, msgid, msgstr in itertools.chain(
        _django_pairs(POOL_LANGS), _system_pairs(POOL_LANGS)
    ):
        pool.setdefault(msgid, {}).setdefault(lang, msgstr)
    CACHE.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pool, ensure_ascii=False, sort_keys=True), "utf-8")
    return pool


def _any_translation(translations: dict[str, str]) -> str:
    return next(translations[lang] for lang in POOL_LANGS if lang in translations)


def short_messages() -> list[tuple[str, str]]:
    """(msgid, translation) of every one-line UI-sized string in the pool, sorted."""
    return [
        (msgid, _any_translation(translations))
        for msgid, translations in sorted(translation_pool().items())
        if 2 <= len(msgid) <= 160 and "\n" not in msgid and msgid.strip() == msgid
    ]


_SENTENCE = re.compile(r"^[A-Z][^\n]{20,240}[.?!]$")


def sentences() -> list[tuple[str, str]]:
    """(English sentence, French translation) pairs: msgids that are one whole sentence."""
    return [
        (msgid, translations["fr"])
        for msgid, translations in sorted(translation_pool().items())
        if "fr" in translations and _SENTENCE.match(msgid) and len(msgid.split()) >= 5
    ]


# ---------------------------------------------------------------------------
# Update scenarios
# ---------------------------------------------------------------------------


@dataclass
class UpdateScenario:
    """A translated catalog, the template after a source revision, and what changed."""

    old: Catalog
    template: Catalog
    edited: dict[Key, Key] = field(default_factory=dict)  # new key -> the old key it came from
    added: set[Key] = field(default_factory=set)
    removed: set[Key] = field(default_factory=set)

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        old, template = directory / "old.po", directory / "new.pot"
        write_catalog(self.old, old)
        write_catalog(self.template, template)
        return old, template


def _revise(
    texts: Sequence[tuple[Key, str]],
    fresh: Iterator[str],
    edit: Callable[[str], str],
    rng: random.Random,
    edited: float = 0.05,
    removed: float = 0.02,
    added: float = 0.02,
) -> UpdateScenario:
    """Old catalog from ``texts``; template with a share of them edited, removed and added."""
    old = Catalog(header=Entry(msgid="", msgstr=HEADER), lang="fr")
    for number, ((msgctxt, msgid), msgstr) in enumerate(texts):
        old.entries.append(
            Entry(
                msgid,
                msgstr,
                msgctxt,
                references=[f"src/module{number // 50}.py:{number % 50 + 1}"],
            )
        )
    scenario = UpdateScenario(old, Catalog(header=Entry(msgid="", msgstr=HEADER)))
    taken = {entry.key for entry in old.entries}
    numbers = list(range(len(texts)))
    rng.shuffle(numbers)
    edit_count, remove_count = round(len(texts) * edited), round(len(texts) * removed)
    to_edit = set(numbers[:edit_count])
    to_remove = set(numbers[edit_count : edit_count + remove_count])
    for number, entry in enumerate(old.entries):
        if number in to_remove:
            scenario.removed.add(entry.key)
            continue
        key = entry.key
        if number in to_edit:
            for _attempt in range(20):
                text = edit(entry.msgid)
                if text != entry.msgid and (entry.msgctxt, text) not in taken:
                    key = (entry.msgctxt, text)
                    scenario.edited[key] = entry.key
                    taken.add(key)
                    break
        scenario.template.entries.append(
            Entry(key[1], msgctxt=key[0], references=list(entry.references))
        )
    for _ in range(round(len(texts) * added)):
        text = next(fresh)
        while (None, text) in taken:
            text = next(fresh)
        taken.add((None, text))
        scenario.added.add((None, text))
        at = rng.randrange(len(scenario.template.entries) + 1)
        scenario.template.entries.insert(at, Entry(text, references=[f"src/new.py:{at}"]))
    return scenario


def short_scenario(size: int, seed: int = 20240501) -> UpdateScenario:
    """``size`` UI strings; real strings beyond the pool reappear under a msgctxt, as in
    real catalogs where "Open" is both a menu item and a button."""
    rng = random.Random(seed)
    pool = short_messages()
    rng.shuffle(pool)
    spare = len(pool) // 20  # never in the old catalog: the brand-new strings
    fresh = iter(msgid for msgid, _ in pool[:spare])
    used = pool[spare:]
    texts = [
        ((f"context {number // len(used)}" if number >= len(used) else None, msgid), msgstr)
        for number in range(size)
        for msgid, msgstr in [used[number % len(used)]]
    ]
    return _revise(texts, fresh, lambda text: lightly_edit(text, rng), rng)


def _paragraph(pool: list[tuple[str, str]], rng: random.Random) -> tuple[str, str]:
    chosen = rng.sample(pool, rng.randint(3, 6))
    return " ".join(s for s, _ in chosen), " ".join(t for _, t in chosen)


def _edit_paragraph(text: str, pool: list[tuple[str, str]], rng: random.Random) -> str:
    """A revision an editor makes: a word fixed, a sentence added, removed or rewritten."""
    parts = re.split(r"(?<=[.?!]) (?=[A-Z])", text)
    kind = rng.choice(("word", "word", "added", "removed", "rewritten"))
    at = rng.randrange(len(parts))
    if kind == "word" or (kind == "removed" and len(parts) < 3):
        parts[at] = lightly_edit(parts[at], rng)
    elif kind == "added":
        parts.insert(at, rng.choice(pool)[0])
    elif kind == "removed":
        del parts[at]
    else:
        parts[at] = rng.choice(pool)[0]
    return " ".join(parts)


def paragraph_scenario(size: int, seed: int = 20240502) -> UpdateScenario:
    """``size`` paragraphs of 3-6 real sentences, with their real French translations."""
    rng = random.Random(seed)
    pool = sentences()
    texts = [
        ((None, text), target) for text, target in (_paragraph(pool, rng) for _ in range(size))
    ]
    fresh = (_paragraph(pool, rng)[0] for _ in itertools.count())
    return _revise(texts, fresh, lambda text: _edit_paragraph(text, pool, rng), rng)


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

MARKDOWN_SOURCES = (
    Path("/usr/share/doc/nodejs/api"),
    Path(__file__).resolve().parents[1] / "source",
)


def markdown_documents() -> list[tuple[str, str]]:
    """(name, body) of every real Markdown document available, front matter removed."""
    found: list[tuple[str, str]] = []
    for folder in MARKDOWN_SOURCES:
        for path in sorted(folder.glob("*.md")):
            text = path.read_text("utf-8", errors="replace")
            if text.startswith("---\n"):
                text = text.split("\n---\n", 1)[-1]
            found.append((path.name, text))
    if not found:
        raise FileNotFoundError(f"no Markdown found in {', '.join(map(str, MARKDOWN_SOURCES))}")
    return found


def markdown_text(size: int) -> str:
    """About ``size`` bytes of real Markdown as one page with front matter."""
    parts = ["---\ntitle: Benchmark page\nslug: bench\norder: 1\n---\n"]
    total = len(parts[0])
    for _name, body in itertools.cycle(markdown_documents()):
        if total >= size:
            break
        parts.append(body + "\n")
        total += len(body.encode("utf-8")) + 1
    text = "".join(parts)
    # Cut at a heading, so no code fence or list is left open.
    cut = text.rfind("\n#", 0, len(text) * size // max(total, 1))
    return text[: cut + 1] if cut > 0 else text
