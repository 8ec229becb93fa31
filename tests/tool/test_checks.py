"""The `l10n check` gate on small projects built in tmp_path: stats, gates, findings, formats."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console

from pipeline.checks.gates import GateResult
from pipeline.checks.report import CheckReport, format_github, format_json, format_text
from pipeline.checks.run import run_checks
from pipeline.checks.urls import url_problem
from pipeline.config import load_config
from pipeline.model import Finding, Severity

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: test\\n"
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: {plural}\\n"
"""
PLURALS = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
    "(n%100<10 || n%100>=20) ? 1 : 2);",
    "de": "nplurals=2; plural=(n != 1);",
}

PAGE = """\
---
title: Cost of Cellular Immunotherapy
slug: cost
order: 1
---

The cost of cellular immunotherapy can vary significantly depending on multiple clinical factors.

Hospitalization and clinical monitoring are also significant contributors to the total.
"""
MSGIDS = (
    "Cost of Cellular Immunotherapy",
    "The cost of cellular immunotherapy can vary significantly depending on multiple clinical "
    "factors.",
    "Hospitalization and clinical monitoring are also significant contributors to the total.",
)
RU = (
    "Стоимость клеточной иммунотерапии",
    "Стоимость клеточной иммунотерапии может существенно различаться в зависимости от многих "
    "клинических факторов.",
    "Госпитализация и клиническое наблюдение также вносят значительный вклад в общую сумму.",
)
DE = (
    "Kosten der zellulären Immuntherapie",
    "Die Kosten der zellulären Immuntherapie können je nach klinischen Faktoren erheblich "
    "schwanken.",
    "",
)


def catalog(lang: str, entries: list[tuple[str, str]], flags: dict[int, str] | None = None) -> str:
    parts = [HEADER.format(lang=lang, plural=PLURALS[lang])]
    for index, (msgid, msgstr) in enumerate(entries):
        flag = f"#, {flags[index]}\n" if flags and index in flags else ""
        parts.append(f'\n{flag}msgid "{msgid}"\nmsgstr "{msgstr}"\n')
    return "".join(parts)


def with_catalogs(
    root: Path,
    check: str = "",
    page: str = PAGE,
    ru: str | None = None,
    de: str | None = None,
) -> Path:
    """One page with its template and ru/de catalogs written as given, not by the CLI,
    so that a test controls their exact text (broken syntax included)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        f'[tool.l10n]\nsource_language = "en"\nlanguages = ["ru", "de"]\n'
        f"[tool.l10n.check]\n{check}\n",
        encoding="utf-8",
    )
    (root / "source").mkdir()
    (root / "source" / "cost.md").write_text(page, encoding="utf-8")
    templates = root / "locales" / "templates"
    templates.mkdir(parents=True)
    (templates / "cost.pot").write_text(
        HEADER.format(lang="", plural="nplurals=INTEGER; plural=EXPRESSION;")
        + "".join(f'\nmsgid "{m}"\nmsgstr ""\n' for m in MSGIDS),
        encoding="utf-8",
    )
    for lang, text in (
        ("ru", ru if ru is not None else catalog("ru", list(zip(MSGIDS, RU, strict=True)))),
        ("de", de if de is not None else catalog("de", list(zip(MSGIDS, DE, strict=True)))),
    ):
        directory = root / "locales" / lang / "LC_MESSAGES"
        directory.mkdir(parents=True)
        (directory / "cost.po").write_text(text, encoding="utf-8")
    return root


def gate(report: CheckReport, lang: str) -> GateResult:
    return next(g for g in report.gates if g.lang == lang)


def test_stats_gates_and_exit_code(tmp_path: Path) -> None:
    config = load_config(with_catalogs(tmp_path, "min_complete = 100\nlanguages = { de = 50 }"))
    report = run_checks(config)
    ru = next(s for s in report.stats if s.lang == "ru")
    de = next(s for s in report.stats if s.lang == "de")
    assert (ru.translated, ru.untranslated, ru.percent_complete) == (3, 0, 100.0)
    assert (de.translated, de.untranslated) == (2, 1)
    assert de.untranslated_words == 11 and 0 < de.percent_complete < 100
    assert gate(report, "ru").passed and gate(report, "de").passed
    assert report.errors == [] and report.exit_code == 0

    strict = run_checks(load_config(with_catalogs(tmp_path / "strict", "min_complete = 100")))
    assert not gate(strict, "de").passed and "minimum 100%" in gate(strict, "de").reason
    assert strict.exit_code == 1


def test_no_fuzzy_rule(tmp_path: Path) -> None:
    ru = catalog("ru", list(zip(MSGIDS, RU, strict=True)), flags={1: "fuzzy"})
    report = run_checks(
        load_config(with_catalogs(tmp_path, "min_complete = 0\nno_fuzzy = true", ru=ru))
    )
    assert not gate(report, "ru").passed and "1 fuzzy entry" in gate(report, "ru").reason
    assert next(s for s in report.stats if s.lang == "ru").fuzzy == 1


def test_malformed_catalog_is_a_finding_and_others_are_still_checked(tmp_path: Path) -> None:
    broken = catalog("ru", list(zip(MSGIDS, RU, strict=True))) + '\nmsgid "unterminated\n'
    report = run_checks(load_config(with_catalogs(tmp_path, "min_complete = 0", ru=broken)))
    [syntax] = [f for f in report.findings if f.check == "syntax"]
    assert syntax.file == "locales/ru/LC_MESSAGES/cost.po" and syntax.line > 1
    assert syntax.severity is Severity.ERROR and report.exit_code == 1
    assert any(s.lang == "de" and s.translated == 2 for s in report.stats)


def test_qa_findings_point_at_catalog_line(tmp_path: Path) -> None:
    wrong = list(zip(MSGIDS, RU, strict=True))
    wrong[2] = (MSGIDS[2], MSGIDS[2])  # English left in the Russian catalog
    report = run_checks(
        load_config(with_catalogs(tmp_path, "min_complete = 0", ru=catalog("ru", wrong)))
    )
    language = [f for f in report.findings if f.check == "language"]
    assert [(f.file, f.line, f.lang) for f in language] == [
        ("locales/ru/LC_MESSAGES/cost.po", 16, "ru")
    ]
    assert language[0].message.startswith("translation is English")
    assert report.exit_code == 1
    disabled = run_checks(
        load_config(
            with_catalogs(
                tmp_path / "off", 'min_complete = 0\ndisable = ["language", "unchanged"]',
                ru=catalog("ru", wrong),
            )
        )
    )  # fmt: skip
    assert not [f for f in disabled.findings if f.check in ("language", "unchanged")]


# The seed page's long lines, in pieces: the page is built with their exact bytes.
SEED_THERAPY = (
    "One of the primary factors affecting cost is the type of therapy used. CAR-T therapy is "
    "generally the most expensive due to the need for genetic engineering of the patient’s "
    "T-cells. In contrast, NK cell therapy may be less expensive, although costs can still be "
    "substantial depending on the level of cell expansion. комбинированные протоколы, "
    "включающие несколько типов клеточной терапии, как правило, увеличивают общую стоимость, "
    "но при этом могут обеспечивать более выраженный терапевтический эффект."
)
SEED_TRUNCATED = (
    "While this represents a significant investment, it is important to consider that these "
    "therapies often provide advanced, targeted treatment options for"
)
SEED_REFERENCES = (
    "- [Nature, 2019](https://www.nature.com/articles/s41586‑018‑0810‑7): "
    "a personalized vaccine study.\n"
    "- [](https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6568010/)\n"
    "- *I could not fetch the full article text directly. "
    "If you can provide a full title, I can summarize it.*"
)
SEED_RUSSIAN_BLOCK = (
    "Комбинированные протоколы, включающие несколько типов клеточной терапии, как правило, "
    "увеличивают общую стоимость."
)
SEED_PAGE = """\
---
title: Cost of Cellular Immunotherapy
slug: cost
order: 1
{ignore}---

## Factors

### Therapy type

{therapy}

##### Details

{truncated}

{references}

{russian_block}
"""


def source_findings(tmp_path: Path, ignore: str = "") -> list[Finding]:
    page = SEED_PAGE.format(
        ignore=ignore,
        therapy=SEED_THERAPY,
        truncated=SEED_TRUNCATED,
        references=SEED_REFERENCES,
        russian_block=SEED_RUSSIAN_BLOCK,
    )
    root = with_catalogs(tmp_path, "min_complete = 0", page=page)
    return run_checks(load_config(root), [], qa=False).findings


def test_source_language_gate_on_the_seed_paragraph(tmp_path: Path) -> None:
    findings = [f for f in source_findings(tmp_path) if f.check == "source-language"]
    assert [(f.line, f.message) for f in findings] == [
        (11, "sentence 4 is Russian (1.00), expected English: «комбинированные протоколы…»"),
        (21, "segment is Russian (1.00), expected English"),
    ]
    assert all(f.file == "source/cost.md" and f.severity is Severity.ERROR for f in findings)


def test_source_editor_warnings(tmp_path: Path) -> None:
    found = {(f.check, f.line) for f in source_findings(tmp_path)}
    assert ("heading-skip", 13) in found  # h5 after h3
    assert ("truncated", 15) in found
    assert ("url", 17) in found
    assert ("empty-link", 18) in found
    assert ("placeholder-text", 19) in found
    assert not any(check == "heading-skip" and line == 9 for check, line in found)


def test_source_findings_silenced_from_front_matter(tmp_path: Path) -> None:
    ignore = "ignore:\n  - check: url\n    line: 21\n  - heading-skip\n"  # 4 lines more
    found = {(f.check, f.line) for f in source_findings(tmp_path, ignore)}
    assert ("url", 21) not in found and not any(c == "heading-skip" for c, _ in found)
    assert any(c == "truncated" for c, _ in found)


def test_url_problems() -> None:
    assert "U+2011 NON-BREAKING HYPHEN" in (url_problem("https://nature.com/s41586‑018") or "")
    assert url_problem("https://www.nejm.org/doi/full/10.1056/NEJMoa1707447") is None
    assert url_problem("cost.md#prices") is None
    assert url_problem("https:///nothing") is not None
    assert url_problem("https://example.com/a%zz") is not None


def test_json_schema_and_github_format(tmp_path: Path) -> None:
    wrong = list(zip(MSGIDS, RU, strict=True))
    wrong[1] = (MSGIDS[1], RU[1] + "  Подробнее: https://evil.example")
    report = run_checks(
        load_config(with_catalogs(tmp_path, "min_complete = 90", ru=catalog("ru", wrong)))
    )
    document = json.loads(format_json(report))
    assert document["version"] == 1
    assert set(document) == {"version", "stats", "gates", "left", "findings"}
    assert {
        "lang", "domain", "translated", "fuzzy", "untranslated", "obsolete", "translated_words",
        "fuzzy_words", "untranslated_words", "obsolete_words", "percent_complete",
    } <= set(document["stats"][0])  # fmt: skip
    assert {"lang", "passed", "reason"} <= set(document["gates"][0])
    finding = next(f for f in document["findings"] if f["check"] == "markup")
    assert set(finding) == {
        "check",
        "severity",
        "lang",
        "domain",
        "file",
        "line",
        "message",
        "msgid",
    }
    assert finding["severity"] == "error" and finding["file"] == "locales/ru/LC_MESSAGES/cost.po"
    assert finding["line"] == 13 and finding["msgid"] == MSGIDS[1]

    github = format_github(report)
    assert "::error file=locales/ru/LC_MESSAGES/cost.po,line=13::markup [ru]: URL https" in github
    assert "::warning file=locales/ru/LC_MESSAGES/cost.po,line=13::double-space [ru]" in github
    assert "::error::gate de:" in github

    console = Console(file=io.StringIO(), width=160, color_system=None)
    format_text(report, console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "ru (Russian)" in text and "locales/ru/LC_MESSAGES/cost.po:13: [ru] error markup" in text
