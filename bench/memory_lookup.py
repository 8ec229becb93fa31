"""Lookup speed and recall of the translation memory on real text.

Builds a memory of real human translations (bench/corpus.py, pinned), looks up lightly
edited versions of stored sources, and compares each best match with a
brute-force ``rapidfuzz`` scan over every source of the same language pair.

    python bench/memory_lookup.py [--size 200000] [--queries 1000]
                                  [--backend sqlite|postgresql]

``--backend postgresql`` starts a throwaway cluster (tests/pg_server.py) unless
``--db`` gives a ``postgresql://`` URL.

Reports build time, database size, median/p95 lookup time, recall of the best
match, and peak RSS. Targets: median ≤ 2 ms, p95 ≤ 10 ms, recall ≥ 99%.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import memory_units
from pipeline.memory.base import TranslationMemory
from pipeline.memory.scoring import normalise
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.units import Unit
from pipeline.model import Match
from tests.corpus import lightly_edit

if TYPE_CHECKING:
    from tests.pg_server import PostgresServer


Query = tuple[Unit, str]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--threshold", type=float, default=75.0)
    parser.add_argument("--db", help="keep the database here (default: a temp dir)")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    return parser.parse_args()


def open_memory(
    args: argparse.Namespace, path: Path
) -> tuple[TranslationMemory, PostgresServer | None]:
    """The memory under test, and the throwaway PostgreSQL server to stop after (or None)."""
    if args.backend != "postgresql":
        return SqliteMemory(path), None
    from pipeline.memory.postgres import PostgresMemory
    from tests.pg_server import start_server

    server = None
    url = args.db
    if url is None:
        server = start_server()
        url = server.create_database()
    return PostgresMemory(url), server


def fill(memory: TranslationMemory, units: list[Unit], path: Path) -> None:
    started = time.perf_counter()
    if memory.stats()["units"] < len(units):  # a kept --db is reused
        for at in range(0, len(units), 20_000):
            memory.add(units[at : at + 20_000])
    print(f"build: {time.perf_counter() - started:.1f}s; {memory.stats()}")
    if isinstance(memory, SqliteMemory):
        memory._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = path.stat().st_size
    else:
        size = memory.database_bytes()  # type: ignore[attr-defined]
    print(f"database: {size / 1e6:.1f} MB ({size / len(units):.0f} bytes/unit)")


def sources_by_pair(units: list[Unit]) -> dict[tuple[str, str], list[str]]:
    """Every distinct source per language pair, in the order first seen."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    seen: set[tuple[str, str, str]] = set()
    for unit in units:
        if (unit.source_lang, unit.target_lang, unit.source) not in seen:
            seen.add((unit.source_lang, unit.target_lang, unit.source))
            found[(unit.source_lang, unit.target_lang)].append(unit.source)
    return found


def time_lookups(
    memory: TranslationMemory, queries: list[Query], threshold: float
) -> tuple[list[float], list[list[Match]]]:
    times: list[float] = []
    results = []
    for unit, query in queries:
        started = time.perf_counter()
        matches = memory.lookup(query, unit.source_lang, unit.target_lang, threshold=threshold)
        times.append((time.perf_counter() - started) * 1000)
        results.append(matches)
    return times, results


def recall(
    units: list[Unit], queries: list[Query], results: list[list[Match]], threshold: float
) -> tuple[int, int]:
    """(queries whose best brute-force match we found too, queries with a brute-force match)."""
    normalised = {
        pair: [normalise(source) for source in sources]
        for pair, sources in sources_by_pair(units).items()
    }
    compared = found = 0
    for (unit, query), matches in zip(queries, results, strict=True):
        best = process.extractOne(
            normalise(query),
            normalised[(unit.source_lang, unit.target_lang)],
            scorer=fuzz.ratio,
            score_cutoff=threshold,
        )
        if best is None:
            continue
        compared += 1
        ours = max(
            (fuzz.ratio(normalise(query), normalise(m.source)) for m in matches), default=0.0
        )
        found += ours >= best[1] - 1e-9
    return found, compared


def main() -> None:
    args = parse_arguments()
    started = time.perf_counter()
    units = memory_units(args.size)
    print(f"corpus: {len(units)} units in {time.perf_counter() - started:.1f}s")

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(args.db or Path(scratch) / "memory.sqlite3")
        memory, server = open_memory(args, path)
        fill(memory, units, path)
        rng = random.Random(1)
        picked: list[Unit] = rng.sample(units, args.queries)
        queries = [(unit, lightly_edit(unit.source, rng)) for unit in picked]
        times, results = time_lookups(memory, queries, args.threshold)
        found, compared = recall(units, queries, results, args.threshold)
        times.sort()
        print(
            f"lookup: median {statistics.median(times):.2f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.2f} ms, "
            f"p99 {times[int(len(times) * 0.99)]:.2f} ms, "
            f"max {times[-1]:.2f} ms over {len(times)} queries"
        )
        print(
            f"recall of the best match: {found}/{compared} = {100 * found / max(compared, 1):.2f}%"
        )
        print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        memory.close()
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
