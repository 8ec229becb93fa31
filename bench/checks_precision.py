"""Precision of ``l10n check`` on real human-reviewed catalogs, and recall beside pofilter.

Corpora: the catalogs Python packages ship in their wheels, installed by the
``bench`` extra -- Django (core, admin and the contrib apps), django-allauth,
Wagtail and Sphinx -- in the shipped project's languages (ru, de, es, fr, ar).
Each package becomes one project (``locales/<lang>/LC_MESSAGES/<app>-<domain>.po``,
the files as shipped, headers included) and ``l10n check`` runs on it in full,
language identification included. The language check's thresholds were tuned on
Django's catalogs; allauth, Wagtail and Sphinx are catalogs it was not tuned on.

The projects allow the tags a web application's translators use in running text
(``inline_tags``: HTML's phrasing elements), as a team rendering HTML strings
would; a Markdown site allows none.

Reported: error findings per 1,000 reviewed (translated, not fuzzy) entries, per
check and language; each error finding classified real or false by hand in
``bench/checks_precision_labels.json`` (an unclassified one is counted apart).
Then Translate Toolkit's ``pofilter`` runs its numbers, urls, printf/variables,
xmltags and functions/filepaths tests on the same files, and per test the entries
it flags are compared with ours: flagged by both, by pofilter only (and whether
that was a real problem), by us only.

    python -m bench.checks_precision [--quick]
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polib

from bench import Record, Timing, main_for
from pipeline.checks.run import run_checks
from pipeline.config import load_config
from pipeline.model import Finding, Severity

HERE = Path(__file__).resolve().parent
LABELS = HERE / "checks_precision_labels.json"
LANGS = ("ru", "de", "es", "fr", "ar")
CORPORA = {
    "django": "django",
    "allauth": "allauth",
    "wagtail": "wagtail",
    "sphinx": "sphinx",
    # Held out: not looked at until the checks were final (see bench/README.md).
    "import-export": "import_export",
    "django-filter": "django_filters",
}
QUICK_CORPORA = ("django", "sphinx")
# HTML's phrasing elements without scripting or embedding: what a translator of a web
# application's strings may add in running text ("1<sup>er</sup>").
WEB_INLINE_TAGS = (
    "abbr", "b", "bdi", "bdo", "br", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp",
    "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
)  # fmt: skip
PYPROJECT = """[tool.l10n]
source_language = "en"
languages = [{languages}]
glossary = ""

[tool.l10n.check]
min_complete = 0
inline_tags = [{tags}]
"""

# pofilter test -> (our category, which of our findings count for it)
POFILTER_TESTS: dict[str, tuple[str, Callable[[Finding], bool]]] = {
    "numbers": ("numbers", lambda f: f.check == "numbers"),
    "urls": ("URLs", lambda f: f.check == "markup" and ("URL" in f.message or "link" in f.message)),
    "printf": ("variables", lambda f: _variable_finding(f)),
    "variables": ("variables", lambda f: _variable_finding(f)),
    "pythonbraceformat": ("variables", lambda f: _variable_finding(f)),
    "xmltags": ("tags", lambda f: f.check == "markup" and _tag_finding(f)),
    "functions": ("code", lambda f: f.check == "markup" and f.message.startswith("code ")),
    "filepaths": ("code", lambda f: f.check == "markup" and f.message.startswith("code ")),
}


def _tag_finding(finding: Finding) -> bool:
    changed_href = finding.message.startswith("link ") and "<a " in (finding.msgid or "")
    return "HTML" in finding.message or changed_href


def _variable_finding(finding: Finding) -> bool:
    if finding.check == "msgfmt":
        return "format" in finding.message
    return finding.check == "markup" and (
        "placeholder" in finding.message or "variable" in finding.message
    )


def package_root(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    return Path(spec.origin).parent if spec is not None and spec.origin else None


def corpus_files(package: str) -> Iterator[tuple[str, str, Path]]:
    """(language, domain, path) of every catalog ``package`` ships in :data:`LANGS`."""
    root = package_root(package)
    if root is None:
        return
    for path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        lang = path.parent.parent.name
        if lang not in LANGS:
            continue
        parts = path.relative_to(root).parts[:-4]
        app = "-".join(p for p in parts if p not in ("contrib", "locale")) or "core"
        yield lang, f"{app}-{path.stem}".replace("_", "-"), path


def build_project(root: Path, package: str) -> int:
    """A project holding ``package``'s catalogs as shipped; returns the number of files."""
    files = ((lang, domain, path.read_bytes()) for lang, domain, path in corpus_files(package))
    return write_project(root, files)


def write_project(root: Path, files: Iterable[tuple[str, str, bytes]]) -> int:
    """A project of these catalogs ((language, domain, the file's bytes)); how many there are."""
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(
            languages=", ".join(f'"{lang}"' for lang in LANGS),
            tags=", ".join(f'"{tag}"' for tag in WEB_INLINE_TAGS),
        ),
        "utf-8",
    )
    count = 0
    for lang, domain, data in files:
        target = root / "locales" / lang / "LC_MESSAGES" / f"{domain}.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    return count


# ---------------------------------------------------------------------------
# Labels: each error finding classified by hand
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Label:
    corpus: str
    lang: str
    check: str
    msgid: str  # the start of the msgid
    verdict: str  # "real", "waivable" (real, and right to waive) or "false"
    note: str


def load_labels() -> list[Label]:
    if not LABELS.exists():
        return []
    return [Label(**item) for item in json.loads(LABELS.read_text("utf-8"))]


def verdict(labels: list[Label], corpus: str, lang: str, check: str, msgid: str) -> str:
    """The first label for this finding ("*" matches any language, "" any msgid)."""
    for label in labels:
        same = (label.corpus, label.check) == (corpus, check) and label.lang in (lang, "*")
        if same and msgid.startswith(label.msgid):
            return label.verdict
    return "unclassified"


# ---------------------------------------------------------------------------
# Our run
# ---------------------------------------------------------------------------


@dataclass
class CorpusRun:
    corpus: str
    files: int
    seconds: float
    reviewed: Counter[str] = field(default_factory=Counter)  # translated entries by language
    findings: list[Finding] = field(default_factory=list)
    msgid_lines: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # by file name
    fuzzy_lines: dict[str, set[int]] = field(default_factory=dict)  # where fuzzy entries start


def run_ours(root: Path, corpus: str, files: int) -> CorpusRun:
    config = load_config(root)
    started = time.perf_counter()
    report = run_checks(config, source=False)
    run = CorpusRun(corpus, files, time.perf_counter() - started, findings=report.findings)
    for stats in report.stats:
        run.reviewed[stats.lang] += stats.translated
    for path in sorted((root / "locales").glob("*/LC_MESSAGES/*.po")):
        name = f"{path.parent.parent.name}/{path.name}"
        entries = polib.pofile(str(path))
        run.msgid_lines[name] = sorted((e.linenum, e.msgid) for e in entries)
        run.fuzzy_lines[name] = {e.linenum for e in entries if "fuzzy" in e.flags}
    return run


def on_fuzzy(run: CorpusRun, finding: Finding) -> bool:
    """Whether a finding is about a fuzzy entry (a proposal, never published)."""
    name = f"{finding.lang}/{finding.file.rsplit('/', 1)[-1]}"
    lines = [line for line, _ in run.msgid_lines.get(name, []) if line <= finding.line]
    return bool(lines) and lines[-1] in run.fuzzy_lines.get(name, set())


def msgid_of(run: CorpusRun, finding: Finding) -> str:
    """The msgid a finding is about; for msgfmt's, the entry at or before its line."""
    if finding.msgid is not None:
        return finding.msgid
    lines = run.msgid_lines.get(f"{finding.lang}/{finding.file.rsplit('/', 1)[-1]}", [])
    before = [msgid for line, msgid in lines if line <= finding.line]
    return before[-1] if before else ""


# ---------------------------------------------------------------------------
# pofilter
# ---------------------------------------------------------------------------


def run_pofilter(root: Path, test: str) -> set[tuple[str, str, str]]:
    """(language, file name, msgid) of every entry pofilter's ``test`` flags (headers left out)."""
    out = root.parent / f"pofilter-{root.name}-{test}"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "translate.filters.pofilter", "--progress=none", "-t", test,
         str(root / "locales"), str(out)],
        capture_output=True, check=False, timeout=600,
    )  # fmt: skip
    flagged: set[tuple[str, str, str]] = set()
    for path in sorted(out.glob("*/LC_MESSAGES/*.po")) if out.exists() else []:
        for entry in polib.pofile(str(path)):
            if "(pofilter)" in entry.tcomment and entry.msgid:
                flagged.add((path.parent.parent.name, path.name, entry.msgid))
    return flagged


def _ours_by_category(run: CorpusRun) -> dict[str, dict[tuple[str, str, str], Severity]]:
    found: dict[str, dict[tuple[str, str, str], Severity]] = defaultdict(dict)
    for finding in run.findings:
        msgid = msgid_of(run, finding)
        for _, (category, belongs) in POFILTER_TESTS.items():
            if msgid and belongs(finding):
                key = (finding.lang or "", finding.file.rsplit("/", 1)[-1], msgid)
                before = found[category].get(key)
                if before is None or finding.severity is Severity.ERROR:
                    found[category][key] = finding.severity
    return found


def compare_with_pofilter(root: Path, run: CorpusRun, labels: list[Label]) -> dict[str, object]:
    ours = _ours_by_category(run)
    anything = {
        (f.lang or "", f.file.rsplit("/", 1)[-1], msgid_of(run, f))
        for f in run.findings
        if f.severity is not Severity.INFO
    }
    by_category: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for test, (category, _) in POFILTER_TESTS.items():
        by_category[category] |= run_pofilter(root, test)
    result: dict[str, object] = {}
    for category, theirs in sorted(by_category.items()):
        mine = ours.get(category, {})
        other_check = (theirs - mine.keys()) & anything
        missed = sorted(theirs - mine.keys() - anything)
        missed_real = [
            key for key in missed
            if verdict(labels, f"pofilter:{run.corpus}", key[0], category, key[2]) != "false"
        ]  # fmt: skip
        theirs_false = sum(
            verdict(labels, f"pofilter:{run.corpus}", key[0], category, key[2]) == "false"
            for key in theirs
        )
        ours_errors = {k for k, s in mine.items() if s is Severity.ERROR}
        ours_false = sum(
            verdict(labels, run.corpus, key[0], _check_of(category), key[2]) == "false"
            for key in ours_errors
        )
        result[category] = {
            "pofilter_flagged": len(theirs),
            "pofilter_false": theirs_false,
            "both": len(theirs & mine.keys()),
            "ours_by_another_check": len(other_check),
            "pofilter_only": len(missed),
            "pofilter_only_not_labelled_false": [
                f"{k[0]} {k[1]}: {k[2][:70]}" for k in missed_real
            ],
            "ours_only": len(mine.keys() - theirs),
            "ours_errors": len(ours_errors),
            "ours_false_errors": ours_false,
        }
    return result


def _check_of(category: str) -> str:
    return "numbers" if category == "numbers" else "markup"


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def error_table(run: CorpusRun, labels: list[Label]) -> dict[str, dict[str, object]]:
    """Per language: reviewed entries, errors per check, real/false/unclassified per 1,000."""
    table: dict[str, dict[str, object]] = {}
    for lang in LANGS:
        errors = [f for f in run.findings if f.lang == lang and f.severity is Severity.ERROR]
        verdicts = Counter(
            verdict(labels, run.corpus, lang, f.check, msgid_of(run, f)) for f in errors
        )
        reviewed = run.reviewed[lang] or 1
        table[lang] = {
            "reviewed": run.reviewed[lang],
            "errors": len(errors),
            "by_check": dict(Counter(f.check for f in errors)),
            "real": verdicts["real"],
            "waivable": verdicts["waivable"],
            "false": verdicts["false"],
            "unclassified": verdicts["unclassified"],
            "errors_per_1000": round(1000 * len(errors) / reviewed, 2),
            "false_per_1000": round(1000 * verdicts["false"] / reviewed, 2),
        }
    return table


def findings_listing(run: CorpusRun, labels: list[Label]) -> list[str]:
    """Every error finding with its label, for the README's sample and for labelling."""
    listing = []
    for f in run.findings:
        if f.severity is Severity.ERROR:
            msgid = msgid_of(run, f)
            label = verdict(labels, run.corpus, f.lang or "", f.check, msgid)
            listing.append(
                f"{run.corpus} {f.lang} {f.check} [{label}] {f.file.rsplit('/', 1)[-1]}:{f.line}: "
                f"{f.message[:110]} | {msgid[:70]!r}"
            )
    return listing


def measure(quick: bool) -> list[Record]:
    labels = load_labels()
    records: list[Record] = []
    details: dict[str, object] = {}
    listing: list[str] = []
    chosen = QUICK_CORPORA if quick else tuple(CORPORA)
    with tempfile.TemporaryDirectory() as scratch:
        for corpus in chosen:
            package = CORPORA[corpus]
            if package_root(package) is None:
                missing = f"{package} is not installed (the bench extra)"
                records.append(Record(f"check precision: {corpus}", "", Timing(), notes=missing))
                continue
            root = Path(scratch) / corpus
            files = build_project(root, package)
            run = run_ours(root, corpus, files)
            table = error_table(run, labels)
            versus = compare_with_pofilter(root, run, labels)
            listing += findings_listing(run, labels)
            details[corpus] = {"languages": table, "pofilter": versus}
            worst = max(float(str(row["false_per_1000"])) for row in table.values())
            record = Record(
                f"check precision: {corpus}",
                f"{files} catalogs, {sum(run.reviewed.values()):,} reviewed entries",
                Timing([run.seconds]),
                "pofilter (recall)",
                quality={
                    "errors": sum(int(str(r["errors"])) for r in table.values()),
                    "false": sum(int(str(r["false"])) for r in table.values()),
                    "unclassified": sum(int(str(r["unclassified"])) for r in table.values()),
                    "worst_false_per_1000": worst,
                },
                target="≤1 false error per 1,000 reviewed entries in every language",
                notes=f"details in bench/{_details_file(quick)}",
            )
            record.met = worst <= 1.0 and all(
                not versus_row["pofilter_only_not_labelled_false"]  # type: ignore[index]
                for versus_row in versus.values()  # type: ignore[union-attr]
            )
            records.append(record)
    # The full run's details are the record the README quotes; a quick run keeps its own.
    (HERE / _details_file(quick)).write_text(
        json.dumps({"quick": quick, "corpora": details, "errors": listing},
                   ensure_ascii=False, indent=1) + "\n", "utf-8",
    )  # fmt: skip
    return records


def _details_file(quick: bool) -> str:
    return "results-checks-quick.json" if quick else "results-checks.json"


if __name__ == "__main__":
    main_for(measure, __doc__ or "")
