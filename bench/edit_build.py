"""Edit, then build, end to end: what an editor waits for after changing a page.

One page of N paragraphs of real sentences (3-6 each, the pinned pool's English
with its real German), German fully translated and built once, so that the
memory and ``.l10n/`` hold what an editor's last build left. Then an edit:
5% of the paragraphs get one word changed, 2% are removed and 2% are added.
Above 3,000 paragraphs (a page holds at most 2 MiB, about 5,800 of them) the
site is pages of 3,000 paragraphs each, every one edited so, and msgmerge is
not run.
Timed, alternately, on a fresh copy of that state each run:

* ours: ``l10n build`` as a new process (extract, update the catalogs with
  sentence leverage, sync the memory, screen and render the page);
* the reference: ``msgmerge --previous`` on the same old German catalog and the
  new template (our build's own template, the same bytes ``l10n update`` writes).

Quality is read from each tool's German catalog: ``recovered`` is the share of
edited paragraphs whose entry names (``#|``) the paragraph it came from;
``carried`` the share whose translation kept the unchanged sentences word for
word (ours only: msgmerge keeps the old translation whole); ``wrong_new`` the
share of added paragraphs given some old paragraph's translation.

    python -m bench.edit_build [--quick] [--paragraphs N] [--runs R]
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import L10N, Record, Timing, compile_package, measured, timed
from bench.catalog_update import msgfmt_verdict, msgmerge
from bench.corpus import sentences
from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog

PYPROJECT = """[tool.l10n]
source_language = "en"
languages = ["de"]
glossary = ""
memory = ".l10n/memory.sqlite3"
"""
FRONT = "---\ntitle: Edited page\nslug: page\norder: 1\n---\n\n"


@dataclass
class EditScenario:
    """Paragraphs before and after an edit, with their German, and what the edit did."""

    before: list[str]
    german: dict[str, str]  # English paragraph -> German, for every paragraph before the edit
    after: list[str] = field(default_factory=list)
    edited: dict[str, str] = field(default_factory=dict)  # new paragraph -> the one it came from
    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)


def _paragraphs(pool: list[tuple[str, str]], rng: random.Random) -> Iterator[tuple[str, str]]:
    while True:
        chosen = rng.sample(pool, rng.randint(3, 6))
        yield " ".join(s for s, _ in chosen), " ".join(t for _, t in chosen)


def _one_word_changed(text: str, words: list[str], rng: random.Random) -> str:
    tokens = text.split(" ")
    candidates = [i for i, t in enumerate(tokens) if t.isalpha() and len(t) > 3]
    at = rng.choice(candidates) if candidates else rng.randrange(len(tokens))
    replacement = rng.choice(words)
    while replacement == tokens[at]:
        replacement = rng.choice(words)
    tokens[at] = replacement
    return " ".join(tokens)


def edit_scenario(size: int, seed: int = 20240521) -> EditScenario:
    """``size`` distinct paragraphs; 5% get one word changed, 2% are removed, 2% added."""
    rng = random.Random(seed)
    pool = sentences("de")
    words = sorted({w for s, _ in pool for w in s.split() if w.isalpha() and len(w) > 3})
    source = _paragraphs(pool, rng)
    german: dict[str, str] = {}
    while len(german) < size:
        english, translation = next(source)
        german.setdefault(english, translation)
    scenario = EditScenario(list(german), german)
    numbers = list(range(size))
    rng.shuffle(numbers)
    to_edit = set(numbers[: round(size * 0.05)])
    to_remove = set(numbers[len(to_edit) : len(to_edit) + round(size * 0.02)])
    taken = set(german)
    for number, text in enumerate(scenario.before):
        if number in to_remove:
            scenario.removed.add(text)
            continue
        if number in to_edit:
            changed = _one_word_changed(text, words, rng)
            if changed not in taken:
                taken.add(changed)
                scenario.edited[changed] = text
                text = changed
        scenario.after.append(text)
    while len(scenario.added) < round(size * 0.02):
        english, _ = next(source)
        if english not in taken:
            taken.add(english)
            scenario.added.add(english)
            scenario.after.insert(rng.randrange(len(scenario.after) + 1), english)
    return scenario


# Paragraphs on one page: a page may hold 2 MiB, about 5,800 of these. A larger scenario is
# a site of pages of this many paragraphs, each edited alike (msgmerge is timed on one page).
PAGE_PARAGRAPHS = 3_000


def site_scenario(size: int) -> dict[str, EditScenario]:
    """By page slug: one page of ``size`` paragraphs, or pages of :data:`PAGE_PARAGRAPHS`."""
    if size <= PAGE_PARAGRAPHS:
        return {"page": edit_scenario(size)}
    count = -(-size // PAGE_PARAGRAPHS)
    return {
        f"page-{number}": edit_scenario(size // count, seed=20240521 + number)
        for number in range(1, count + 1)
    }


def merged(site: dict[str, EditScenario]) -> EditScenario:
    """The pages' scenarios as one, for the quality figures."""
    whole = EditScenario([], {})
    for scenario in site.values():
        whole.before += scenario.before
        whole.german.update(scenario.german)
        whole.after += scenario.after
        whole.edited.update(scenario.edited)
        whole.added |= scenario.added
        whole.removed |= scenario.removed
    return whole


def _page(slug: str, paragraphs: list[str]) -> str:
    front = FRONT
    if slug != "page":  # page-N of a larger site
        front = f"---\ntitle: Edited {slug}\nslug: {slug}\norder: {slug.split('-')[1]}\n---\n\n"
    return front + "\n\n".join(paragraphs) + "\n"


def prepare(root: Path, site: dict[str, EditScenario]) -> tuple[Path, Path]:
    """The project as the editor's last build left it, with the edited pages; the first
    page's old .po and new .pot (for msgmerge)."""
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, "utf-8")
    for slug, scenario in site.items():
        (root / "source" / f"{slug}.md").write_text(_page(slug, scenario.before), "utf-8")
    _l10n(root, "update")
    config = load_config(root)
    german = merged(site).german
    for slug in site:
        catalog_path = config.catalog_path("de", slug)
        catalog = read_catalog(catalog_path, "de", slug)
        for entry in catalog.entries:
            entry.msgstr = german.get(entry.msgid, "Bearbeitete Seite")
            entry.fuzzy = False
        write_catalog(catalog, catalog_path)
    _l10n(root, "build")
    first = next(iter(site))
    old = root.parent / "old.po"
    shutil.copyfile(config.catalog_path("de", first), old)
    for slug, scenario in site.items():
        (root / "source" / f"{slug}.md").write_text(_page(slug, scenario.after), "utf-8")
    # The new template, as the build writes it, for msgmerge; the probe is thrown away.
    probe = root.parent / "probe"
    shutil.copytree(root, probe)
    _l10n(probe, "update")
    template = root.parent / "new.pot"
    shutil.copyfile(load_config(probe).template_path(first), template)
    shutil.rmtree(probe)
    return old, template


def _l10n(root: Path, *args: str) -> None:
    subprocess.run([*L10N, "--project", str(root), *args], check=True, capture_output=True)


def quality(paths: list[Path], scenario: EditScenario, ours: bool) -> dict[str, Any]:
    """Edited paragraphs recovered (and carried over), new ones wrongly guessed."""
    index = {k: entry for path in paths for k, entry in read_catalog(path, "de").index().items()}
    recovered = carried = wrong_new = 0
    for new, old in scenario.edited.items():
        entry = index.get((None, new))
        if entry is not None and entry.previous_msgid == old:
            recovered += 1
            kept = [s for s in scenario.german[old].split(". ") if s in entry.msgstr]
            carried += bool(ours and len(kept) > 1)
    for new in scenario.added:
        entry = index.get((None, new))
        wrong_new += bool(entry is not None and entry.msgstr and entry.previous_msgid is not None)
    share = functools.partial(lambda part, whole: round(100 * part / max(whole, 1), 2))
    figures = {
        "recovered": share(recovered, len(scenario.edited)),
        "wrong_new": share(wrong_new, len(scenario.added)),
        "valid": all(msgfmt_verdict(path) is None for path in paths),
    }
    if ours:
        figures["carried"] = share(carried, len(scenario.edited))
    return figures


def measure_size(size: int, runs: int, with_msgmerge: bool) -> Record:
    """Ours and msgmerge in turn, ``runs`` times; ours on a fresh copy of the state each run."""
    compile_package()
    site = site_scenario(size)
    scenario = merged(site)
    with_msgmerge = with_msgmerge and len(site) == 1
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        state, work, theirs_out = folder / "state", folder / "work", folder / "theirs.po"
        # Built where it is timed: the build's record names the memory by its path.
        old, template = prepare(work, site)
        shutil.copytree(work, state)
        mine, theirs = Timing(), Timing()
        for _ in range(runs):
            shutil.rmtree(work, ignore_errors=True)
            shutil.copytree(state, work)  # the editor's state; not timed
            mine.runs.append(timed(functools.partial(_l10n, work, "build")))
            if with_msgmerge:
                theirs.runs.append(timed(functools.partial(msgmerge, old, template, theirs_out)))
        record = Record(
            "edit → build", f"{size:,} paragraphs", mine,
            "msgmerge --previous" if with_msgmerge else "", theirs if with_msgmerge else None,
        )  # fmt: skip
        ours_catalogs = [load_config(work).catalog_path("de", slug) for slug in site]
        record.quality = {
            "pages": len(site), "edited": len(scenario.edited), "added": len(scenario.added),
            "removed": len(scenario.removed),
            **{f"ours_{k}": v for k, v in quality(ours_catalogs, scenario, True).items()},
        }  # fmt: skip
        if with_msgmerge:
            verdict = msgfmt_verdict(theirs_out)
            if verdict is None:
                found = quality([theirs_out], scenario, False)
                record.quality.update({f"reference_{k}": v for k, v in found.items()})
            else:
                record.quality["reference_valid"] = False
                record.notes = f"msgmerge wrote an invalid catalog: {verdict}"
    return record


TARGETS = {1_000: 20, 3_000: 50}


def measure(quick: bool) -> list[Record]:
    """1,000 and 3,000 paragraphs against msgmerge; growth of ours to 20,000."""
    if quick:
        sizes, runs, msgmerge_up_to = [300, 1_000], 3, 1_000
    else:
        sizes, runs, msgmerge_up_to = [1_000, 3_000, 10_000, 20_000], 5, 3_000
    records = [measure_size(size, runs, size <= msgmerge_up_to) for size in sizes]
    for record in records:
        size = int(record.size.split()[0].replace(",", ""))
        if size in TARGETS and record.ratio is not None:
            q = record.quality
            record.quality["speedup"] = round(1 / record.ratio, 1)
            record.target = f"≥{TARGETS[size]}× msgmerge --previous; all edited recovered, 0 wrong"
            record.met = (
                1 / record.ratio >= TARGETS[size]
                and q["ours_recovered"] == 100
                and q["ours_wrong_new"] == 0
            )
    per_paragraph = [r.ours.median / int(r.size.split()[0].replace(",", "")) for r in records]
    growth = per_paragraph[-1] / per_paragraph[0]
    last = records[-1]
    last.quality["per_paragraph_growth"] = round(growth, 2)
    last.notes = (last.notes + "; " if last.notes else "") + (
        f"time per paragraph {last.size} / {records[0].size} = {growth:.2f} (1.0 = linear)"
    )
    if not quick:
        last.target, last.met = "near-linear growth (≤1.5)", growth <= 1.5
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--paragraphs", type=int, help="measure this size only")
    parser.add_argument("--runs", type=int, default=5, help="with --paragraphs")
    parser.add_argument("--no-msgmerge", action="store_true", help="with --paragraphs")
    args = parser.parse_args()
    if args.paragraphs:
        records = [measure_size(args.paragraphs, args.runs, not args.no_msgmerge)]
    else:
        records = measured(measure, args.quick)
    for record in records:
        print(json.dumps(record.to_json(), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
