"""The language check on human-reviewed catalogs it was not tuned on.

The language check's thresholds were tuned on Django's catalogs, and two rules
were added after looking at Sphinx's (``bench/checks_precision.py`` runs both).
Here it is judged on the catalogs of four packages that nobody looked at while
the check was made: Weblate, pretix, django-oscar and django CMS, in ru, de, es,
fr and ar. Their wheels are pinned by version and hash in
``bench/checks-heldout-wheels.txt`` and downloaded, never installed. Each
package becomes one project, the files as shipped, and ``l10n check`` runs in
full, as in ``bench/checks_precision.py``.

Reported: per corpus and language, reviewed entries and the language check's
errors per 1,000 on them, every one classified by hand in
``bench/checks_precision_labels.json`` (corpus ``heldout:<name>``); beside it,
the other checks' errors per check, counted but not classified here, and apart
the errors on fuzzy entries (proposals, never published: pretix's Russian
catalog holds hundreds of stale ones).

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


def language_table(run: CorpusRun, labels: list[Label]) -> dict[str, dict[str, object]]:
    """Per language: reviewed entries, language errors and their verdicts, other errors."""
    table: dict[str, dict[str, object]] = {}
    corpus = f"heldout:{run.corpus}"
    for lang in LANGS:
        found = [f for f in run.findings if f.lang == lang and f.severity is Severity.ERROR]
        errors = [f for f in found if not on_fuzzy(run, f)]  # on reviewed entries
        language = [f for f in errors if f.check == "language"]
        verdicts = Counter(verdict(labels, corpus, lang, "language", msgid_of(run, f))
                           for f in language)  # fmt: skip
        reviewed = run.reviewed[lang] or 1
        table[lang] = {
            "reviewed": run.reviewed[lang],
            "language_errors": len(language),
            "real": verdicts["real"],
            "waivable": verdicts["waivable"],
            "false": verdicts["false"],
            "unclassified": verdicts["unclassified"],
            "language_errors_per_1000": round(1000 * len(language) / reviewed, 2),
            "false_per_1000": round(1000 * verdicts["false"] / reviewed, 2),
            "other_errors_by_check": dict(Counter(f.check for f in errors if f not in language)),
            "errors_on_fuzzy_entries": dict(Counter(f.check for f in found if f not in errors)),
        }
    return table


def listing(run: CorpusRun, labels: list[Label]) -> list[str]:
    """Every language error with its label, for the README and for labelling."""
    lines = []
    for f in run.findings:
        if f.severity is Severity.ERROR and f.check == "language" and not on_fuzzy(run, f):
            msgid = msgid_of(run, f)
            label = verdict(labels, f"heldout:{run.corpus}", f.lang or "", f.check, msgid)
            lines.append(
                f"{run.corpus} {f.lang} [{label}] {f.file.rsplit('/', 1)[-1]}:{f.line}: "
                f"{f.message[:80]} | {msgid[:70]!r}"
            )
    return lines


def measure(quick: bool) -> list[Record]:
    """The held-out corpora in full (``quick`` changes nothing: the bench is not in the quick
    set, whose language-check evidence is Django's and Sphinx's)."""
    labels = load_labels()
    records: list[Record] = []
    details: dict[str, object] = {}
    errors: list[str] = []
    totals: Counter[tuple[str, str]] = Counter()
    with tempfile.TemporaryDirectory() as scratch:
        for wheel in pinned_wheels(HELD_OUT):
            corpus = corpus_name(wheel)
            root = Path(scratch) / corpus
            files = write_project(root, wheel_files(wheel))
            run = run_ours(root, corpus, files)
            table = language_table(run, labels)
            details[corpus] = {"wheel": wheel.name, "languages": table}
            errors += listing(run, labels)
            for lang, row in table.items():
                totals[(lang, "reviewed")] += int(str(row["reviewed"]))
                totals[(lang, "false")] += int(str(row["false"]))
                totals[(lang, "unclassified")] += int(str(row["unclassified"]))
            worst = max(float(str(row["false_per_1000"])) for row in table.values())
            unclassified = sum(int(str(row["unclassified"])) for row in table.values())
            record = Record(
                f"language check, held out: {corpus}",
                f"{files} catalogs, {sum(run.reviewed.values()):,} reviewed entries",
                Timing([run.seconds]),
                quality={
                    "language_errors": sum(int(str(r["language_errors"])) for r in table.values()),
                    "false": sum(int(str(r["false"])) for r in table.values()),
                    "unclassified": unclassified,
                    "worst_false_per_1000": worst,
                },
                target="≤1 false language error per 1,000 reviewed entries in every language",
                notes=f"details in bench/{DETAILS.name}",
            )
            record.met = worst <= 1.0 and unclassified == 0
            records.append(record)
    overall = {
        lang: round(1000 * totals[(lang, "false")] / (totals[(lang, "reviewed")] or 1), 2)
        for lang in LANGS
    }
    DETAILS.write_text(
        json.dumps({"corpora": details, "false_per_1000_all_held_out": overall,
                    "errors": errors}, ensure_ascii=False, indent=1) + "\n", "utf-8",
    )  # fmt: skip
    return records


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
