"""The checks on human-reviewed catalogs they were not tuned on.

The language check's thresholds were tuned on Django's catalogs, and two rules
were added after looking at Sphinx's (``bench/checks_precision.py`` runs both).
Here the checks are judged on the catalogs of four packages that nobody looked
at while the language check was made: Weblate, pretix, django-oscar and django
CMS, in ru, de, es, fr and ar. Their wheels are pinned by version and hash in
``bench/checks-heldout-wheels.txt`` and downloaded, never installed. Each
package becomes one project, the files as shipped, and ``l10n check`` runs in
full, as in ``bench/checks_precision.py``.

Reported: per corpus, language and check, reviewed entries and the errors on
them, every one classified by hand in ``bench/checks_precision_labels.json``
(corpus ``heldout:<name>``) as real, waivable or false; apart, the errors on
fuzzy entries (proposals, never published: pretix's Russian catalog holds
hundreds of stale ones), counted but not classified.

    python -m bench.checks_heldout
"""

from __future__ import annotations

import json
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from bench import Record, Timing, main_for
from bench.checks_precision import (
    LANGS,
    CorpusRun,
    Label,
    load_labels,
    msgid_of,
    on_fuzzy,
    run_ours,
    verdict,
    write_project,
)
from bench.corpus import pinned_wheels
from pipeline.model import Severity

HERE = Path(__file__).resolve().parent
HELD_OUT = HERE / "checks-heldout-wheels.txt"
DETAILS = HERE / "results-checks-heldout.json"
_CATALOG = re.compile(r"^(?P<app>.*?)/?locale/(?P<lang>[^/]+)/LC_MESSAGES/(?P<domain>[^/]+)\.po$")


def wheel_files(wheel: Path) -> Iterator[tuple[str, str, bytes]]:
    """(language, domain, bytes) of each catalog the wheel ships in :data:`LANGS`."""
    with zipfile.ZipFile(wheel) as archive:
        for name in sorted(archive.namelist()):
            match = _CATALOG.match(name)
            if match is None or match["lang"] not in LANGS:
                continue
            app = "-".join(p for p in match["app"].split("/") if p and p != "contrib") or "core"
            domain = f"{app}-{match['domain']}".replace("_", "-")
            yield match["lang"], domain, archive.read(name)


def corpus_name(wheel: Path) -> str:
    return wheel.name.split("-")[0].replace("_", "-").lower()


def check_table(run: CorpusRun, labels: list[Label]) -> dict[str, dict[str, object]]:
    """Per language: reviewed entries, and per check its errors on them with their verdicts."""
    table: dict[str, dict[str, object]] = {}
    corpus = f"heldout:{run.corpus}"
    for lang in LANGS:
        found = [f for f in run.findings if f.lang == lang and f.severity is Severity.ERROR]
        errors = [f for f in found if not on_fuzzy(run, f)]  # on reviewed entries
        by_check: dict[str, dict[str, int]] = {}
        for f in errors:
            row = by_check.setdefault(f.check, Counter({"errors": 0}))
            row["errors"] += 1
            row[verdict(labels, corpus, lang, f.check, msgid_of(run, f))] += 1
        verdicts = Counter[str]()
        for row in by_check.values():
            verdicts.update(row)
        reviewed = run.reviewed[lang] or 1
        table[lang] = {
            "reviewed": run.reviewed[lang],
            "errors": len(errors),
            "real": verdicts["real"],
            "waivable": verdicts["waivable"],
            "false": verdicts["false"],
            "unclassified": verdicts["unclassified"],
            "errors_per_1000": round(1000 * len(errors) / reviewed, 2),
            "false_per_1000": round(1000 * verdicts["false"] / reviewed, 2),
            "by_check": {check: dict(row) for check, row in sorted(by_check.items())},
            "errors_on_fuzzy_entries": dict(Counter(f.check for f in found if f not in errors)),
        }
    return table


def listing(run: CorpusRun, labels: list[Label]) -> list[dict[str, object]]:
    """Every error on a reviewed entry with its label, for the README and for labelling."""
    found: list[dict[str, object]] = []
    for f in run.findings:
        if f.severity is Severity.ERROR and not on_fuzzy(run, f):
            msgid = msgid_of(run, f)
            found.append({
                "corpus": run.corpus, "lang": f.lang, "check": f.check,
                "verdict": verdict(labels, f"heldout:{run.corpus}", f.lang or "", f.check, msgid),
                "where": f"{f.file.rsplit('/', 1)[-1]}:{f.line}", "message": f.message,
                "msgid": msgid,
            })  # fmt: skip
    return found


def measure(quick: bool) -> list[Record]:
    """The held-out corpora in full (``quick`` changes nothing: the bench is not in the quick
    set, whose evidence is Django's and Sphinx's)."""
    labels = load_labels()
    records: list[Record] = []
    details: dict[str, object] = {}
    errors: list[dict[str, object]] = []
    reviewed: Counter[str] = Counter()
    false: Counter[tuple[str, str]] = Counter()  # (language, check)
    with tempfile.TemporaryDirectory() as scratch:
        for wheel in pinned_wheels(HELD_OUT):
            corpus = corpus_name(wheel)
            root = Path(scratch) / corpus
            files = write_project(root, wheel_files(wheel))
            run = run_ours(root, corpus, files)
            table = check_table(run, labels)
            details[corpus] = {"wheel": wheel.name, "languages": table}
            errors += listing(run, labels)
            for lang, row in table.items():
                reviewed[lang] += int(str(row["reviewed"]))
                for check, counts in row["by_check"].items():  # type: ignore[attr-defined]
                    false[(lang, check)] += counts.get("false", 0)
            records.append(_record(corpus, files, run, table))
    overall = {
        lang: {
            "reviewed": reviewed[lang],
            "false_per_1000": round(1000 * sum(n for (x, _), n in false.items() if x == lang)
                                    / (reviewed[lang] or 1), 2),
            "false_by_check": {c: n for (x, c), n in sorted(false.items()) if x == lang and n},
        }
        for lang in LANGS
    }  # fmt: skip
    DETAILS.write_text(
        json.dumps({"corpora": details, "all_held_out": overall, "errors": errors},
                   ensure_ascii=False, indent=1) + "\n", "utf-8",
    )  # fmt: skip
    return records


def _record(corpus: str, files: int, run: CorpusRun, table: dict[str, dict[str, object]]) -> Record:
    worst = max(float(str(row["false_per_1000"])) for row in table.values())
    unclassified = sum(int(str(row["unclassified"])) for row in table.values())
    record = Record(
        f"checks, held out: {corpus}",
        f"{files} catalogs, {sum(run.reviewed.values()):,} reviewed entries",
        Timing([run.seconds]),
        quality={
            "errors": sum(int(str(r["errors"])) for r in table.values()),
            "false": sum(int(str(r["false"])) for r in table.values()),
            "unclassified": unclassified,
            "worst_false_per_1000": worst,
        },
        target="≤1 false error per 1,000 reviewed entries in every language",
        notes=f"details in bench/{DETAILS.name}",
    )
    record.met = worst <= 1.0 and unclassified == 0
    return record


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
