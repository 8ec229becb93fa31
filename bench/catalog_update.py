"""Catalog update (msgmerge semantics) against GNU ``msgmerge --previous`` and Babel.

End to end, the same work msgmerge does: read the old .po and the new .pot,
merge, write the result. Ours is the pipeline's own update step,
:func:`pipeline.catalogs.update.update_catalog`, which updates a file in place, so
the old file is first copied to the output (inside the timing). Quality is
read back from each tool's output file:

* recall: edited entries whose fuzzy proposal names (``#|``) the old entry
  they really came from;
* precision: of all fuzzy proposals on changed or new entries, the share
  naming the right old entry;
* wrong_new: brand-new strings that were given some old entry's translation.

    python -m bench.catalog_update [--quick]
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import Record, alternate, main_for
from bench.corpus import UpdateScenario, paragraph_scenario, short_scenario
from pipeline.catalogs.update import update_catalog
from pipeline.collector import paused_cycle_collection
from pipeline.model import Catalog
from pipeline.po.reader import read_catalog
from pipeline.po.syntax import CatalogSyntaxError

_BABEL = """
import sys
from babel.messages.pofile import read_po, write_po
with open(sys.argv[1], "rb") as handle:
    catalog = read_po(handle)
with open(sys.argv[2], "rb") as handle:
    template = read_po(handle)
catalog.update(template)
with open(sys.argv[3], "wb") as handle:
    write_po(handle, catalog, include_previous=True)
"""


def ours(old: Path, template: Path, out: Path, threshold: float = 80.0) -> None:
    shutil.copyfile(old, out)
    # As update_catalogs runs it: with the cycle collector paused, and the merge
    # outliving the pause, as the stage's report keeps it, so it is walked once.
    with paused_cycle_collection():
        _merge, _ = update_catalog(out, read_catalog(template), Catalog(lang="fr"), threshold)


def _bounded(command: list[str], cap: float | None) -> bool:
    try:
        subprocess.run(command, check=True, timeout=cap, capture_output=True)
    except subprocess.TimeoutExpired:
        return False
    return True


def msgmerge(
    old: Path, template: Path, out: Path, fuzzy: bool = True, cap: float | None = None
) -> bool:
    options = ["--previous"] if fuzzy else ["--no-fuzzy-matching"]
    return _bounded(["msgmerge", "--quiet", *options, "-o", str(out), str(old), str(template)], cap)


def babel(old: Path, template: Path, out: Path, cap: float | None = None) -> bool:
    return _bounded([sys.executable, "-c", _BABEL, str(old), str(template), str(out)], cap)


def quality(out: Path, scenario: UpdateScenario) -> dict[str, Any]:
    """Recall, precision and wrong guesses on new strings, read from an updated catalog."""
    catalog = read_catalog(out, "fr")
    index = catalog.index()
    proposals = correct = wrong_new = 0
    for key in [*scenario.edited, *scenario.added]:
        entry = index.get(key)
        if entry is None or entry.previous_msgid is None:
            continue
        proposals += 1
        if key in scenario.added:
            wrong_new += 1
        elif (entry.previous_msgctxt, entry.previous_msgid) == scenario.edited[key]:
            correct += 1
    return {
        "recall": round(100 * correct / max(len(scenario.edited), 1), 2),
        "precision": round(100 * correct / max(proposals, 1), 2),
        "wrong_new": round(100 * wrong_new / max(len(scenario.added), 1), 2),
        "edited": len(scenario.edited),
        "new": len(scenario.added),
        "proposals": proposals,
    }


def _compare(
    name: str,
    scenario: UpdateScenario,
    folder: Path,
    reference: str,
    run_reference: Callable[[Path], bool] | None,
    runs: int,
    cap: float | None,
) -> tuple[Record, dict[str, Any] | None]:
    old, template = scenario.write(folder)
    out_ours, out_theirs = folder / "ours.po", folder / "theirs.po"
    ours_timing, theirs_timing = alternate(
        functools.partial(ours, old, template, out_ours),
        functools.partial(run_reference, out_theirs) if run_reference else None,
        runs,
        cap,
    )
    size = f"{len(scenario.old.entries):,} entries"
    record = Record(name, size, ours_timing, reference, theirs_timing)
    record.quality = {f"ours_{k}" if k not in ("edited", "new") else k: v
                      for k, v in quality(out_ours, scenario).items()}  # fmt: skip
    record.quality["ours_valid"] = msgfmt_verdict(out_ours) is None
    theirs_quality = None
    if theirs_timing is not None and not theirs_timing.capped:
        # A reference that writes a file msgfmt or our reader rejects is a finding, not a crash.
        verdict = msgfmt_verdict(out_theirs)
        record.quality["reference_valid"] = verdict is None
        try:
            theirs_quality = quality(out_theirs, scenario)
        except CatalogSyntaxError as error:
            verdict = verdict or str(error)
        else:
            record.quality.update(
                {
                    f"reference_{k}": v
                    for k, v in theirs_quality.items()
                    if k not in ("edited", "new")
                }
            )
        if verdict is not None:
            record.notes = f"{reference} wrote an invalid catalog: {verdict}"
    return record, theirs_quality


def msgfmt_verdict(path: Path) -> str | None:
    """None when ``msgfmt --check`` accepts the file, else its first complaint."""
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[0].replace(str(path.parent) + "/", "") if lines else f"exit {done.returncode}"


def short_messages(sizes: list[int], runs: int) -> list[Record]:
    records: list[Record] = []
    for size in sizes:
        scenario = short_scenario(size)
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            old, template = folder / "old.po", folder / "new.pot"
            record, _ = _compare(
                "update: short messages",
                scenario,
                folder,
                "msgmerge --previous",
                functools.partial(msgmerge, old, template),
                runs,
                None,
            )
            speedup = 1 / record.ratio if record.ratio else 0.0
            q = record.quality
            record.target = "≥8× faster at 20k; recall ≥98%; wrong_new ≤5%"
            record.met = speedup >= 8 and q["ours_recall"] >= 98 and q["ours_wrong_new"] <= 5
            records.append(record)
            plain, nofuzzy = alternate(
                functools.partial(ours, old, template, folder / "ours.po"),
                functools.partial(msgmerge, old, template, folder / "plain.po", fuzzy=False),
                runs,
            )
            records.append(
                Record(
                    "update: short messages",
                    f"{size:,} entries",
                    plain,
                    "msgmerge --no-fuzzy-matching",
                    nofuzzy,
                    notes="for scale: msgmerge without fuzzy matching (ours still matches)",
                )
            )
    return records


def paragraphs(
    sizes: list[int], runs: int, msgmerge_up_to: int, babel_cap: float, babel_up_to: int
) -> list[Record]:
    records: list[Record] = []
    for size in sizes:
        scenario = paragraph_scenario(size)
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            old, template = folder / "old.po", folder / "new.pot"
            with_msgmerge = size <= msgmerge_up_to
            record, _ = _compare(
                "update: paragraphs",
                scenario,
                folder,
                "msgmerge --previous" if with_msgmerge else "",
                functools.partial(msgmerge, old, template) if with_msgmerge else None,
                runs,
                None,
            )
            if with_msgmerge:
                q = record.quality
                speedup = 1 / record.ratio if record.ratio else 0.0
                record.target = "≥50× faster at 3k; precision and recall ≥ msgmerge's"
                record.met = (speedup >= 50 or size != 3000) and (
                    q["ours_recall"] >= q.get("reference_recall", 0)
                    and q["ours_precision"] >= q.get("reference_precision", 0)
                )
            else:
                record.notes = (
                    f"msgmerge not run above {msgmerge_up_to:,} entries (minutes per run)"
                )
            records.append(record)
            if size <= babel_up_to:
                babel_record, _ = _compare(
                    "update: paragraphs",
                    scenario,
                    folder,
                    "Babel Catalog.update",
                    functools.partial(babel, old, template, cap=babel_cap),
                    1,
                    babel_cap,
                )
                babel_record.notes = f"one run each, Babel capped at {babel_cap:.0f} s"
                records.append(babel_record)
    per_entry = {
        r.size: r.ours.median / int(r.size.split()[0].replace(",", ""))
        for r in records
        if r.reference != "Babel Catalog.update"
    }
    if len(per_entry) > 1:
        sizes_seen = list(per_entry)
        growth = per_entry[sizes_seen[-1]] / per_entry[sizes_seen[0]]
        last = next(r for r in reversed(records) if r.reference != "Babel Catalog.update")
        last.quality["per_entry_growth"] = round(growth, 2)
        last.notes = (last.notes + "; " if last.notes else "") + (
            f"time per entry {sizes_seen[-1]} / {sizes_seen[0]} = {growth:.2f} (1.0 = linear)"
        )
    return records


def measure(quick: bool) -> list[Record]:
    if quick:
        return [
            *short_messages([5_000], runs=3),
            *paragraphs([300, 1_000], runs=3, msgmerge_up_to=300, babel_cap=10, babel_up_to=300),
        ]
    return [
        *short_messages([20_000, 80_000], runs=5),
        *paragraphs(
            [1_000, 3_000, 20_000], runs=5, msgmerge_up_to=3_000, babel_cap=60, babel_up_to=1_000
        ),
    ]


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
