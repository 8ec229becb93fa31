"""``build(config)`` speed on a generated site: full, no-change and one-page-edited rebuilds.

The site is generated in a temporary folder with its own ``[tool.l10n]``:
pages of real sentences (headings and paragraphs), every catalog fully
translated (each entry's translation is its source text, which every check
in rendering accepts). Rendering should grow linearly with pages × languages.

Each build is a fresh ``l10n build`` process, as an editor or CI runs it.
Builds in one process would share its caches (split sentences, compiled
regular expressions): a small site then fits them and its repeated builds
are warm, a large one does not, and the comparison between sizes is unfair.

    python -m bench.builds [--quick]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench import L10N, Record, Timing, compile_package, measured, timed
from bench.corpus import POOL_LANGS, sentences
from pipeline.build import extract
from pipeline.catalogs.update import update_catalogs
from pipeline.config import Config, load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog

PYPROJECT = """[tool.l10n]
source_language = "en"
languages = [{languages}]
glossary = ""
memory = ".l10n/memory.sqlite3"
"""
LANGUAGES = (*(lang for lang in POOL_LANGS if lang != "pt_BR"), "pt")


def generate_site(root: Path, pages: int, languages: tuple[str, ...], seed: int = 11) -> Config:
    rng = random.Random(seed)
    pool = [text for text, _ in sentences()]
    (root / "source").mkdir(parents=True)
    quoted = ", ".join(f'"{lang}"' for lang in languages)
    (root / "pyproject.toml").write_text(PYPROJECT.format(languages=quoted), "utf-8")
    for number in range(pages):
        blocks = []
        for section in range(3):
            blocks.append(f"## {rng.choice(pool).rstrip('.?!')} ({number}.{section})")
            blocks += [" ".join(rng.sample(pool, rng.randint(2, 5))) for _ in range(2)]
        page = (
            f"---\ntitle: Page {number}\nslug: page-{number}\norder: {number}\n---\n\n"
            + "\n\n".join(blocks)
            + "\n"
        )
        (root / "source" / f"page-{number}.md").write_text(page, "utf-8")
    config = load_config(root)
    update_catalogs(config, extract(config))
    for lang in languages:
        for path in (config.locales_path / lang / "LC_MESSAGES").glob("*.po"):
            catalog = read_catalog(path, lang, path.stem)
            for entry in catalog.entries:
                entry.msgstr = entry.msgid
                entry.fuzzy = False
            write_catalog(catalog, path)
    return config


def build(config: Config) -> None:
    """``l10n build`` in a new process."""
    subprocess.run([*L10N, "--project", str(config.root), "build"], check=True, capture_output=True)


def _edit_one_page(config: Config, number: int) -> None:
    path = config.source_path / f"page-{number}.md"
    text = path.read_text("utf-8")
    path.write_text(text.replace("\n\n## ", "\n\nA sentence the editor added.\n\n## ", 1), "utf-8")


def measure_site(
    pages: int, languages: tuple[str, ...], runs: int, rebuilds: bool = True
) -> list[Record]:
    """Full builds; then, with ``rebuilds``, no-change and one-page-edited rebuilds."""
    size = f"{pages} pages × {len(languages)} languages"
    compile_package()
    with tempfile.TemporaryDirectory() as scratch:
        config = generate_site(Path(scratch) / "site", pages, languages)
        full = Timing()
        for _ in range(runs):
            shutil.rmtree(config.output_path, ignore_errors=True)
            shutil.rmtree(config.root / ".l10n", ignore_errors=True)
            full.runs.append(timed(functools.partial(build, config)))
        full_record = Record(
            "build: full", size, full, notes="from an empty output folder and memory"
        )
        if not rebuilds:
            return [full_record]
        unchanged = Timing([timed(functools.partial(build, config)) for _ in range(runs)])
        edited = Timing()
        for number in range(runs):
            _edit_one_page(config, number)
            edited.runs.append(timed(functools.partial(build, config)))
    share_unchanged = unchanged.median / full.median
    share_edited = edited.median / full.median
    return [
        full_record,
        Record(
            "build: no change",
            size,
            unchanged,
            "full build",
            full,
            "≤5% of a full build",
            share_unchanged <= 0.05,
        ),
        Record(
            "build: one page edited",
            size,
            edited,
            "full build",
            full,
            "≤10% of a full build",
            share_edited <= 0.10,
        ),
    ]


def measure(quick: bool) -> list[Record]:
    languages = LANGUAGES[:2] if quick else LANGUAGES
    scales = [5, 10, 20] if quick else [100, 250, 500]
    records: list[Record] = []
    for pages in scales:
        records += measure_site(pages, languages, 3 if quick else 5, pages == scales[-1])
    fulls = [r for r in records if r.name == "build: full"]
    per_page = [r.ours.median / int(r.size.split()[0]) for r in fulls]
    fulls[-1].quality["per_page_growth"] = round(per_page[-1] / per_page[0], 2)
    fulls[-1].target = "linear in pages × languages"
    fulls[-1].met = per_page[-1] / per_page[0] <= 1.25
    fulls[
        -1
    ].notes += (
        f"; time per page {fulls[-1].size} / {fulls[0].size} = {per_page[-1] / per_page[0]:.2f}"
    )
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pages", type=int, help="measure one site of this many pages")
    parser.add_argument("--langs", type=int, default=len(LANGUAGES), help="with --pages")
    parser.add_argument("--runs", type=int, default=5, help="with --pages")
    args = parser.parse_args()
    if args.pages:
        records = measure_site(args.pages, LANGUAGES[: args.langs], args.runs)
    else:
        records = measured(measure, args.quick)
    for record in records:
        print(json.dumps(record.to_json(), ensure_ascii=False))


if __name__ == "__main__":
    main()
