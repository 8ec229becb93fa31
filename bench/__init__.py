"""Benchmarks against the reference tools; ``python -m bench.run [--quick]`` runs them all.

This module holds what every bench shares: a measurement record and the
alternating timer (ours, then the reference, run after run, so both see the
same machine load).
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pipeline

# The ``l10n`` command in a new process of this interpreter, as a user runs it.
L10N = [sys.executable, "-c", "from pipeline.cli import main; main()"]


def compile_package() -> None:
    """The package's modules compiled to bytecode, as installing it compiles them.

    Where ``PYTHONDONTWRITEBYTECODE`` is set (some CI and sandboxed shells set it), a
    new ``l10n`` process would otherwise compile every module from source, every time:
    about a quarter of a second that no user of an installed package waits for.
    """
    compileall.compile_dir(Path(pipeline.__file__).parent, quiet=1)


@dataclass
class Timing:
    """Wall-clock seconds of repeated runs; ``capped`` when a run hit the time limit."""

    runs: list[float] = field(default_factory=list)
    capped: bool = False

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def low(self) -> float:
        return min(self.runs) if self.runs else float("nan")

    @property
    def high(self) -> float:
        return max(self.runs) if self.runs else float("nan")


@dataclass
class Record:
    """One measurement; ``ratio`` is ours / reference (0.1 means ten times faster)."""

    name: str
    size: str
    ours: Timing
    reference: str = ""
    reference_timing: Timing | None = None
    target: str = ""
    met: bool | None = None
    quality: dict[str, Any] = field(default_factory=dict)
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        ref = self.reference_timing
        if ref is None or not ref.runs:
            return None
        return self.ours.median / ref.median

    def to_json(self) -> dict[str, Any]:
        ref = self.reference_timing
        return {
            "name": self.name,
            "size": self.size,
            "ours_s": round(self.ours.median, 4),
            "ours_min_s": round(self.ours.low, 4),
            "ours_max_s": round(self.ours.high, 4),
            "runs": len(self.ours.runs),
            "reference": self.reference,
            "reference_s": round(ref.median, 4) if ref and ref.runs else None,
            "reference_min_s": round(ref.low, 4) if ref and ref.runs else None,
            "reference_max_s": round(ref.high, 4) if ref and ref.runs else None,
            "reference_runs": len(ref.runs) if ref else 0,
            "reference_capped": ref.capped if ref else False,
            "ratio": round(self.ratio, 4) if self.ratio is not None else None,
            "target": self.target,
            "met": self.met,
            **self.quality,
            "notes": self.notes,
        }


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def alternate(
    ours: Callable[[], object],
    reference: Callable[[], bool] | None,
    runs: int,
    cap: float | None = None,
) -> tuple[Timing, Timing | None]:
    """Run ours and the reference in turn ``runs`` times.

    ``reference`` returns False when it was stopped at the time limit ``cap``;
    it is then not run again and its timing is reported as "> cap".
    """
    mine, theirs = Timing(), (Timing() if reference is not None else None)
    for _ in range(runs):
        mine.runs.append(timed(ours))
        if reference is not None and theirs is not None and not theirs.capped:
            started = time.perf_counter()
            finished = reference()
            elapsed = time.perf_counter() - started
            if finished:
                theirs.runs.append(elapsed)
            else:
                theirs.capped = True
                theirs.runs = [cap if cap is not None else elapsed]
    return mine, theirs


def measured(measure: Callable[[bool], list[Record]], quick: bool) -> list[Record]:
    """The records of one bench; in quick mode none judges its target.

    Quick sizes are below the ones the targets name: 5 pages cannot show what
    a rebuild of 500 costs.
    """
    records = measure(quick)
    if quick:
        for record in records:
            record.met = None
    return records


def main_for(measure: Callable[[bool], list[Record]], description: str) -> None:
    """The command line of one bench module: ``python -m bench.NAME [--quick]``."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    for record in measured(measure, args.quick):
        print(json.dumps(record.to_json(), ensure_ascii=False))
