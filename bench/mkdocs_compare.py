"""A cold build against a peer: ``l10n build`` and MkDocs 1.6 + mkdocs-static-i18n, same site.

N pages of real sentences (headings and paragraphs from the pinned pool) in
English and five languages, every page translated (the pool's human
translations, sentence by sentence). Ours: the pages in ``source/`` and every
catalog translated, no ``.l10n/`` and no memory (a fresh clone); timed as a new
``l10n build`` process, which updates the catalogs, syncs the memory (aligning
every block), QA-screens every translation and renders. MkDocs: the same pages
as Markdown per language (``page.de.md``, mkdocs-static-i18n's suffix layout),
timed as a new ``mkdocs build`` process. Ratio ours / MkDocs.

    python -m bench.mkdocs_compare [--quick] [--pages N]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import L10N, Record, Timing, compile_package, measured, timed
from bench.corpus import SENTENCE, translation_pool
from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog

LANGUAGES = ("de", "fr", "es", "ru", "it")
PYPROJECT = """[tool.l10n]
source_language = "en"
languages = [{languages}]
glossary = ""
memory = ".l10n/memory.sqlite3"

[tool.l10n.publish]
min_complete = 0
"""
MKDOCS = """site_name: Bench
docs_dir: docs
site_dir: site
plugins:
  - i18n:
      docs_structure: suffix
      languages:
        - locale: en
          default: true
          name: English
          build: true
{languages}
"""


def _pairs() -> list[tuple[str, dict[str, str]]]:
    """Whole English sentences translated into every one of :data:`LANGUAGES`."""
    return [
        (msgid, translations)
        for msgid, translations in sorted(translation_pool().items())
        if SENTENCE.match(msgid) and all(lang in translations for lang in LANGUAGES)
    ]


def pages(count: int, seed: int = 31) -> list[list[tuple[str, dict[str, str]]]]:
    """Each page: (English block, its translations), a heading then paragraphs, three times."""
    rng = random.Random(seed)
    pool = _pairs()
    made = []
    for number in range(count):
        blocks: list[tuple[str, dict[str, str]]] = []
        for section in range(3):
            english, translations = rng.choice(pool)
            blocks.append((f"## {english.rstrip('.?!')} ({number}.{section})",
                           {lang: f"## {t.rstrip('.?!')} ({number}.{section})"
                            for lang, t in translations.items()}))  # fmt: skip
            for _ in range(2):
                chosen = rng.sample(pool, rng.randint(2, 5))
                english = " ".join(e for e, _ in chosen)
                blocks.append((english, {lang: " ".join(t[lang] for _, t in chosen)
                                         for lang in LANGUAGES}))  # fmt: skip
        made.append(blocks)
    return made


def _front(number: int) -> str:
    return f"---\ntitle: Page {number}\nslug: page-{number}\norder: {number}\n---\n\n"


def ours_site(root: Path, site: list[list[tuple[str, dict[str, str]]]]) -> None:
    (root / "source").mkdir(parents=True)
    quoted = ", ".join(f'"{lang}"' for lang in LANGUAGES)
    (root / "pyproject.toml").write_text(PYPROJECT.format(languages=quoted), "utf-8")
    translations: dict[str, dict[str, str]] = {}
    for number, blocks in enumerate(site):
        body = "\n\n".join(english for english, _ in blocks)
        (root / "source" / f"page-{number}.md").write_text(_front(number) + body + "\n", "utf-8")
        for english, translated in blocks:
            translations[english.removeprefix("## ")] = {
                lang: text.removeprefix("## ") for lang, text in translated.items()
            }
    subprocess.run([*L10N, "--project", str(root), "update"], check=True, capture_output=True)
    config = load_config(root)
    for lang in LANGUAGES:
        for path in (config.locales_path / lang / "LC_MESSAGES").glob("*.po"):
            catalog = read_catalog(path, lang, path.stem)
            for entry in catalog.entries:
                entry.msgstr = translations.get(entry.msgid, {}).get(lang, entry.msgid)
                entry.fuzzy = False
            write_catalog(catalog, path)
    shutil.rmtree(root / ".l10n", ignore_errors=True)


def mkdocs_site(root: Path, site: list[list[tuple[str, dict[str, str]]]]) -> None:
    docs = root / "docs"
    docs.mkdir(parents=True)
    entries = "\n".join(
        f"        - locale: {lang}\n          name: {lang}\n          build: true"
        for lang in LANGUAGES
    )
    (root / "mkdocs.yml").write_text(MKDOCS.format(languages=entries), "utf-8")
    for number, blocks in enumerate(site):
        title = f"# Page {number}\n\n"
        (docs / f"page-{number}.md").write_text(
            title + "\n\n".join(e for e, _ in blocks) + "\n", "utf-8"
        )
        for lang in LANGUAGES:
            (docs / f"page-{number}.{lang}.md").write_text(
                title + "\n\n".join(t[lang] for _, t in blocks) + "\n", "utf-8"
            )
    (docs / "index.md").write_text("# Bench\n", "utf-8")


def _ours(root: Path, state: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(state, root)


def measure_site(count: int, runs: int) -> Record:
    compile_package()
    site = pages(count)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        state, work, peer = folder / "state", folder / "ours", folder / "mkdocs"
        ours_site(state, site)
        mkdocs_site(peer, site)
        mine, theirs = Timing(), Timing()
        build = [*L10N, "--project", str(work), "build"]
        peer_build = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(peer / "mkdocs.yml")]
        for _ in range(runs):
            _ours(work, state)  # a fresh clone: no .l10n/, no output/; not timed
            mine.runs.append(timed(functools.partial(subprocess.run, build, check=True,
                                                     capture_output=True)))  # fmt: skip
            shutil.rmtree(peer / "site", ignore_errors=True)
            theirs.runs.append(timed(functools.partial(subprocess.run, peer_build, check=True,
                                                       capture_output=True)))  # fmt: skip
        written = sum(1 for p in (work / "output").rglob("*.html"))
        theirs_written = sum(1 for p in (peer / "site").rglob("*.html"))
    record = Record(
        "cold build vs MkDocs", f"{count} pages × {len(LANGUAGES)} languages", mine,
        "MkDocs 1.6 + mkdocs-static-i18n", theirs,
        target="ratio ≤ 1.0 (no slower than MkDocs), QA screening on",
        quality={"ours_html_files": written, "reference_html_files": theirs_written},
    )  # fmt: skip
    record.met = record.ratio is not None and record.ratio <= 1.0
    return record


def measure(quick: bool) -> list[Record]:
    sizes, runs = ([20], 3) if quick else ([100, 500], 5)
    return [measure_site(size, runs) for size in sizes]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pages", type=int, help="measure this many pages only")
    parser.add_argument("--runs", type=int, default=5, help="with --pages")
    args = parser.parse_args()
    records = [measure_site(args.pages, args.runs)] if args.pages else measured(measure, args.quick)
    for record in records:
        print(json.dumps(record.to_json(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
