"""PO read+write speed: pipeline.po against GNU msgcat and polib.

Builds a 100,000-entry catalog from Django's real catalogs (every language,
entries given distinct msgctxt, files taken in a fixed-seed order),
normalises it once with msgcat, then times parse+write of that file five
times per tool and prints medians and ratios.

    python bench/po_io.py [--entries 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.model import Catalog, Entry
from pipeline.po.linebreak import EXACT_LINE_BREAKING
from pipeline.po.reader import read_catalog
from pipeline.po.writer import format_catalog, write_catalog

HEADER = (
    "Project-Id-Version: po-io-bench\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)


def django_catalogs() -> list[Path]:
    return sorted(
        Path(str(getattr(importlib.util.find_spec("django"), "origin", ""))).parent.glob(
            "**/LC_MESSAGES/*.po"
        )
    )


def build_corpus(target: Path, size: int, seed: int = 20240501) -> int:
    """Write a ``size``-entry catalog made of Django's entries to ``target``."""
    files = django_catalogs()
    random.Random(seed).shuffle(files)
    entries: list[Entry] = []
    round_number = 0
    while len(entries) < size:
        for number, path in enumerate(files):
            source = read_catalog(path)
            tag = f"{path.parent.parent.name}/{path.stem}/{round_number}/{number}"
            for entry in source.active():
                entry.msgctxt = f"{tag}|{entry.msgctxt}" if entry.msgctxt else tag
                if entry.msgid_plural is not None:
                    # One plural rule for the whole file, as in a real catalog.
                    forms = entry.msgstr_plural
                    entry.msgstr_plural = {0: forms.get(0, ""), 1: forms.get(1, "")}
                entries.append(entry)
                if len(entries) == size:
                    break
            if len(entries) == size:
                break
        round_number += 1
    catalog = Catalog(entries=entries, header=Entry(msgid="", msgstr=HEADER))
    raw = target.with_suffix(".raw.po")
    raw.write_text(format_catalog(catalog), encoding="utf-8")
    subprocess.run(["msgcat", str(raw), "-o", str(target)], check=True)
    raw.unlink()
    return len(entries)


def ours(source: Path, output: Path) -> None:
    write_catalog(read_catalog(source), output)


def msgcat(source: Path, output: Path) -> None:
    subprocess.run(["msgcat", str(source), "-o", str(output)], check=True)


def with_polib(source: Path, output: Path) -> None:
    polib.pofile(str(source), wrapwidth=79).save(str(output))


def median_seconds(run: Callable[[Path, Path], None], source: Path, runs: int) -> float:
    times = []
    for number in range(runs):
        output = source.with_name(f"out-{run.__name__}-{number}.po")
        started = time.perf_counter()
        run(source, output)
        times.append(time.perf_counter() - started)
        output.unlink()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        source = Path(directory) / "corpus.po"
        count = build_corpus(source, args.entries)
        lines = source.read_text(encoding="utf-8").count("\n")
        print(f"{count} entries, {lines} lines, {source.stat().st_size / 1e6:.1f} MB")
        print(f"exact (libunistring) line breaking: {EXACT_LINE_BREAKING}")
        check = source.with_name("check.po")
        ours(source, check)
        identical = check.read_bytes() == source.read_bytes()
        print(f"our output identical to msgcat's: {identical}")
        results = {
            "pipeline.po": median_seconds(ours, source, args.runs),
            "msgcat": median_seconds(msgcat, source, args.runs),
            "polib": median_seconds(with_polib, source, args.runs),
        }
    baseline = results["msgcat"]
    print(f"median of {args.runs} runs, parse + write:")
    for name, seconds in results.items():
        print(f"  {name:16} {seconds:6.2f} s   {seconds / baseline:4.2f}x msgcat")


if __name__ == "__main__":
    main()
