"""Run every bench and write ``bench/results.json``: ``python -m bench.run [--quick]``.

Full mode takes many minutes (msgmerge alone needs minutes at 3,000
paragraphs); ``--quick`` runs smaller sizes and fewer runs in about two
minutes once the corpus cache under ``bench/.corpus/`` exists.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    Record,
    Timing,
    alternate,
    builds,
    catalog_update,
    check,
    checks_heldout,
    checks_precision,
    edit_build,
    measured,
    memory_lookup,
    mkdocs_compare,
    po_io,
    segmentation,
    sentence_split,
    source_gate,
)
from bench.corpus import corpus_digest
from bench.gate_corpus import digest as gate_inputs_digest

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def po_parse_write(quick: bool) -> list[Record]:
    """bench/po_io.py's corpus and tools, timed alternately with min and max."""
    entries, runs = (20_000, 3) if quick else (100_000, 5)
    records = []
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "corpus.po"
        count = po_io.build_corpus(source, entries)
        output = source.with_name("out.po")
        for name, tool in (("msgcat", po_io.msgcat), ("polib", po_io.with_polib)):

            def reference(tool: Callable[[Path, Path], None] = tool) -> bool:
                tool(source, output)
                return True

            mine, theirs = alternate(lambda: po_io.ours(source, output), reference, runs)
            record = Record("PO parse + write", f"{count:,} entries", mine, name, theirs)
            if name == "msgcat":
                record.target = "≤2× msgcat"
                record.met = record.ratio is not None and record.ratio <= 2.0
            records.append(record)
    return records


def sentence_leverage(quick: bool) -> list[Record]:
    started = time.perf_counter()
    try:
        subprocess.run(
            [sys.executable, str(HERE / "sentence_leverage.py")],
            capture_output=True, text=True, timeout=600, check=True,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError) as error:
        return [
            Record("sentence leverage", "shipped project", Timing(), notes=f"did not run: {error}")
        ]
    results = json.loads((HERE / "results-sentences.json").read_text("utf-8"))
    return [
        Record(
            "sentence leverage", "shipped project", Timing([time.perf_counter() - started]),
            "msgmerge --previous", quality={"total": results.get("total")},
            notes="see bench/results-sentences.json",
        )
    ]  # fmt: skip


# End to end first: what a user waits for; then the stages.
BENCHES: dict[str, Callable[[bool], list[Record]]] = {
    "edit build": edit_build.measure,
    "mkdocs compare": mkdocs_compare.measure,
    "sentence split": sentence_split.measure,
    "catalog update": catalog_update.measure,
    "po io": po_parse_write,
    "segmentation": segmentation.measure,
    "check": check.measure,
    "check precision": checks_precision.measure,
    "checks held out": checks_heldout.measure,
    "source gate": source_gate.measure,
    "builds": builds.measure,
    "memory lookup": memory_lookup.measure,
    "sentence leverage": sentence_leverage,
}
QUICK = (
    "edit build", "mkdocs compare", "sentence split", "catalog update", "po io", "segmentation",
    "check", "check precision", "source gate", "builds", "memory lookup",
)  # fmt: skip


def _seconds(value: float | None, capped: bool = False) -> str:
    if value is None:
        return "–"
    return f"> {value:.0f} s" if capped else f"{value:.3g} s"


def table(records: list[dict[str, object]]) -> str:
    lines = [
        "| bench | size | ours (median [min–max]) | reference | reference | ours/ref | quality"
        " | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    skip = {"name", "size", "ours_s", "ours_min_s", "ours_max_s", "runs", "reference",
            "reference_s", "reference_min_s", "reference_max_s", "reference_runs",
            "reference_capped", "ratio", "target", "met", "notes"}  # fmt: skip
    for r in records:
        quality = ", ".join(f"{k} {v}" for k, v in r.items() if k not in skip and v is not None)
        ours = f"{r['ours_s']:.3g} s [{r['ours_min_s']:.3g}–{r['ours_max_s']:.3g}] ×{r['runs']}"
        ref = _seconds(r["reference_s"], bool(r["reference_capped"]))  # type: ignore[arg-type]
        ratio = f"{r['ratio']:.3g}" if r["ratio"] is not None else "–"
        met = {True: "yes", False: "**no**", None: ""}[r["met"]]  # type: ignore[index]
        lines.append(
            f"| {r['name']} | {r['size']} | {ours} | {r['reference']} | {ref} | {ratio} | "
            f"{quality} | {r['target']} | {met} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer runs")
    parser.add_argument("--only", action="append", choices=sorted(BENCHES), help="run just these")
    args = parser.parse_args()
    chosen = args.only or (list(QUICK) if args.quick else list(BENCHES))
    started = time.perf_counter()
    meta: dict[str, object] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "corpus": corpus_digest(),
        "source_gate_inputs": gate_inputs_digest(),
    }
    records: list[dict[str, object]] = []
    for name in chosen:
        print(f"== {name}", flush=True)
        for record in measured(BENCHES[name], args.quick):
            records.append(record.to_json())
            print(json.dumps(records[-1], ensure_ascii=False), flush=True)
    meta["elapsed_s"] = round(time.perf_counter() - started, 1)
    RESULTS.write_text(
        json.dumps({**meta, "records": records}, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    print(f"\n{meta}\n")
    print(table(records))
    if args.quick:
        print("\nquick mode: smaller sizes than the targets name; no target is judged")
    print(f"\nwritten {RESULTS}")


if __name__ == "__main__":
    main()
