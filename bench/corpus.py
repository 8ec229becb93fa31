"""Real-text corpora for the benches, made with fixed seeds and cached under ``bench/.corpus/``.

Every corpus is made from *pinned* data, so the same command gives the same
corpus on every machine, whatever Django version or system catalogs it has:

* A *translation pool*: every English msgid of the gettext catalogs that the
  wheels pinned by version and hash in ``bench/corpus-wheels.txt`` ship
  (Django, Wagtail, Sphinx, Weblate, pretix), with their human translations.
  The wheels are downloaded with pip (``--no-deps --require-hashes``), never
  installed.
* *Update scenarios*: an old translated catalog and the new template after a
  source revision (some entries edited, some removed, some added), with the
  ground truth of which old entry each edited entry came from.
* *Markdown*: pages of the pool's real English sentences in the constructs a
  documentation site uses (headings, paragraphs with inline markup, lists,
  tables, code blocks, quotes), for segmentation speed.

Nothing large is committed: the cache directory is gitignored and rebuilt
when missing. :func:`corpus_digest` names the corpus a result was measured on.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import random
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polib

from pipeline.memory.units import Unit
from pipeline.model import Catalog, Entry, Origin, OriginKind
from pipeline.po.writer import write_catalog
from tests.corpus import lightly_edit

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".corpus"
WHEELS = HERE / "corpus-wheels.txt"
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


def _pinned(listing: Path = WHEELS) -> list[tuple[str, str, str]]:
    """(name, version, sha256) of each wheel ``listing`` pins, in file order."""
    found = []
    for line in listing.read_text("utf-8").splitlines():
        if match := re.match(r"^([\w.-]+)==(\S+) --hash=sha256:([0-9a-f]{64})$", line.strip()):
            found.append((match[1], match[2], match[3]))
    return found


def corpus_digest() -> str:
    """Names the pinned data (and so every corpus made from it) in the results."""
    return hashlib.sha256(WHEELS.read_bytes()).hexdigest()[:12]


def pinned_wheels(listing: Path = WHEELS) -> list[Path]:
    """The wheels ``listing`` pins, downloaded once with pip and checked against their hashes."""
    folder = CACHE / "wheels"
    wanted = _pinned(listing)
    paths = []
    for name, version, digest in wanted:
        stem = f"{name.replace('-', '_').lower()}-{version}-"
        found = [p for p in folder.glob("*.whl") if p.name.lower().startswith(stem)]
        if not found or hashlib.sha256(found[0].read_bytes()).hexdigest() != digest:
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--require-hashes", "--only-binary=:all:", "-d", str(folder), "-r", str(listing)],
                check=True,
            )  # fmt: skip
            found = [p for p in folder.glob("*.whl") if p.name.lower().startswith(stem)]
        paths.append(found[0])
    return paths


def _wheel_pairs(wheel: Path) -> Iterator[tuple[str, str, str]]:
    """(lang, msgid, msgstr) of every reviewed singular entry of a wheel's catalogs."""
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(n for n in archive.namelist() if re.search(r"/LC_MESSAGES/[^/]+\.po$", n))
        for name in names:
            lang = name.split("/")[-3]
            if lang not in POOL_LANGS:
                continue
            catalog = polib.pofile(archive.read(name).decode("utf-8", "replace"))
            for item in catalog:
                reviewed = item.msgstr and "fuzzy" not in item.flags and not item.obsolete
                if item.msgid and reviewed and not item.msgid_plural:
                    yield lang, item.msgid, item.msgstr


@cache
def translation_pool() -> dict[str, dict[str, str]]:
    """English msgid -> {language: human translation}, for :data:`POOL_LANGS` (cached)."""
    path = CACHE / f"pool-{corpus_digest()}.json"
    if path.exists():
        pool: dict[str, dict[str, str]] = json.loads(path.read_text("utf-8"))
        return pool
    pool = {}
    for wheel in pinned_wheels():
        for lang, msgid, msgstr in _wheel_pairs(wheel):
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


SENTENCE = re.compile(r"^[A-Z][^\n]{20,240}[.?!]$")


def sentences(lang: str = "fr") -> list[tuple[str, str]]:
    """(English sentence, translation) pairs: msgids that are one whole sentence."""
    return [
        (msgid, translations[lang])
        for msgid, translations in sorted(translation_pool().items())
        if lang in translations and SENTENCE.match(msgid) and len(msgid.split()) >= 5
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
    fresh: Iterator[tuple[str | None, str]],
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
        key = next(fresh)
        while key in taken:
            key = next(fresh)
        taken.add(key)
        scenario.added.add(key)
        at = rng.randrange(len(scenario.template.entries) + 1)
        scenario.template.entries.insert(
            at, Entry(key[1], msgctxt=key[0], references=[f"src/new.py:{at}"])
        )
    return scenario


def short_scenario(size: int, seed: int = 20240501) -> UpdateScenario:
    """``size`` UI strings; real strings beyond the pool reappear under a msgctxt, as in
    real catalogs where "Open" is both a menu item and a button."""
    rng = random.Random(seed)
    pool = short_messages()
    rng.shuffle(pool)
    spare = len(pool) // 20  # never in the old catalog: the brand-new strings
    # Beyond the spare strings, the same again in a context the old catalog uses, where they
    # are just as new (and have old strings of that context to be wrongly matched with).
    fresh = (
        (None if again == 0 else f"context {again - 1}", msgid)
        for again in itertools.count()
        for msgid, _ in pool[:spare]
    )
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
    fresh = ((None, _paragraph(pool, rng)[0]) for _ in itertools.count())
    return _revise(texts, fresh, lambda text: _edit_paragraph(text, pool, rng), rng)


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

_CODE = ("l10n build", "msgfmt --check", "config.toml", "--lang de", "{count}", "None", "GET /api/")


def _inline(sentence: str, rng: random.Random) -> str:
    """A sentence with, now and then, the inline markup documentation pages carry."""
    words = sentence.split(" ")
    if len(words) > 4 and rng.random() < 0.35:
        at = rng.randrange(1, len(words) - 2)
        kind = rng.randrange(4)
        if kind == 0:
            words[at] = f"[{words[at]} {words[at + 1]}](https://example.org/{at}/)"
            del words[at + 1]
        elif kind == 1:
            words[at] = f"**{words[at]}**"
        elif kind == 2:
            words[at] = f"*{words[at]}*"
        else:
            words.insert(at, f"`{rng.choice(_CODE)}`")
    return " ".join(words)


def _section(pool: Sequence[str], labels: Sequence[str], rng: random.Random) -> str:
    blocks = [f"{'#' * rng.choice((2, 2, 3))} {rng.choice(labels)}"]
    for _ in range(rng.randint(2, 6)):
        kind = rng.random()
        if kind < 0.55:
            blocks.append(" ".join(_inline(s, rng) for s in rng.sample(pool, rng.randint(1, 5))))
        elif kind < 0.75:
            marker = rng.choice(("-", "*", "1."))
            blocks.append("\n".join(f"{marker} {_inline(s, rng)}"
                                    for s in rng.sample(pool, rng.randint(2, 6))))  # fmt: skip
        elif kind < 0.85:
            columns = rng.sample(labels, 3)
            rows = [f"| {' | '.join(columns)} |", "|---|---|---|"]
            rows += [f"| {' | '.join(rng.sample(labels, 3))} |" for _ in range(rng.randint(2, 6))]
            blocks.append("\n".join(rows))
        elif kind < 0.93:
            lines = [f"$ {rng.choice(_CODE)}" for _ in range(rng.randint(1, 5))]
            blocks.append("```sh\n" + "\n".join(lines) + "\n```")
        else:
            blocks.append("> " + _inline(rng.choice(pool), rng))
    return "\n\n".join(blocks)


def markdown_text(size: int, seed: int = 20240503) -> str:
    """About ``size`` bytes of Markdown as one page with front matter: the pool's real
    English sentences and labels in headings, paragraphs, lists, tables, code and quotes."""
    rng = random.Random(seed)
    pool = [msgid for msgid, _ in sentences()]
    labels = [m for m, _ in short_messages() if 3 <= len(m) <= 40 and "|" not in m]
    parts = ["---\ntitle: Benchmark page\nslug: bench\norder: 1\n---\n"]
    total = len(parts[0])
    while total < size:
        section = _section(pool, labels, rng) + "\n"
        parts.append(section)
        total += len(section.encode("utf-8")) + 1
    return "\n".join(parts)


# ---------------------------------------------------------------------------
# A memory of any size
# ---------------------------------------------------------------------------

MEMORY_LANGS = ("ru", "de", "es", "ar", "fr", "it")


REVISED = 0.25  # share of generated units that are a revision of one generated before


def memory_units(size: int, seed: int = 0) -> list[Unit]:
    """``size`` distinct en→ru/de/es/ar/fr/it units of real text (the shape of a memory
    where one English text has up to six translations).

    The pool's own pairs come first (63,870 of them); past them, each unit either
    joins two real pairs of one language, source to source and translation to
    translation, as a memory holding both a sentence and the paragraph it sits in
    does, or (one in four) is a light revision of a unit made before: its source
    lightly edited (a typo, a word dropped, added or swapped, case, punctuation:
    :func:`tests.corpus.lightly_edit`) and its translation kept, as a memory
    holding every revision of a text does. Fixed seed: the same ``size`` gives the
    same units everywhere, and a smaller memory is the start of a larger one.
    """
    origin = Origin(OriginKind.TMX, "corpus")
    pool = translation_pool()
    pairs = {lang: [(m, t[lang]) for m, t in sorted(pool.items()) if lang in t]
             for lang in MEMORY_LANGS}  # fmt: skip
    units = [Unit(m, t, "en", lang, origin) for lang in MEMORY_LANGS for m, t in pairs[lang]]
    rng = random.Random(seed)
    rng.shuffle(units)
    seen = {(u.target_lang, u.source) for u in units}
    made: list[Unit] = []
    while len(units) < size:
        lang = rng.choice(MEMORY_LANGS)
        if made and rng.random() < REVISED:
            revised = rng.choice(made)
            lang, source = revised.target_lang, lightly_edit(revised.source, rng)
            target = revised.target
        else:
            (s1, t1), (s2, t2) = rng.sample(pairs[lang], 2)
            source, target = f"{s1} {s2}", f"{t1} {t2}"
        if (lang, source) not in seen:
            seen.add((lang, source))
            made.append(Unit(source, target, "en", lang, origin))
            units.append(made[-1])
    return units[:size]
