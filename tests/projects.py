"""Projects for scenario tests: small ones a test builds, and copies of the shipped site.

The tool's tests (tests/tool/) build what they need with :func:`make_project`, often from
:data:`SAMPLE_PAGES`, a miniature of a clinic site with every kind of block the tool handles.
Only the shipped site's tests (tests/site/) use :func:`copy_project`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from click.testing import CliRunner, Result

from pipeline.build import STATE_DIR, build
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.model import Entry
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("pyproject.toml", "source", "locales", "glossary.csv")

Translate = Callable[[str, Entry], str | None]
"""``translate(domain, entry)``: the entry's translation, or None to leave it untranslated."""

# ---------------------------------------------------------------------------
# A miniature clinic site
# ---------------------------------------------------------------------------

UNTRANSLATED = "Additional factors influencing price include:"
"""The one paragraph of :data:`SAMPLE_PAGES` that tests leave untranslated to see a fallback."""

SAMPLE_PAGES: dict[str, str] = {
    "index": """---
title: Cellular Therapy at Our Clinic
description: The cellular therapies the clinic offers and how treatment is organised.
slug: index
order: 1
updated: 2026-11-27
---

Our clinic treats blood cancers with CAR-T, NK cell and stem cell therapies.

## What we offer

- Consultations with a haematologist
- Cell collection and infusion in one place
""",
    "safety": """---
title: Safety of Cellular Therapy
description: How side effects are prevented, found early and treated.
slug: safety
order: 2
updated: 2026-11-27
---

Side effects are usually manageable when treatment takes place in a certified centre.

## Monitoring

Another key safety component is the monitoring of cytokines such as IL-6, IL-2 and IFN-γ.

Symptoms may include fever, fatigue, and inflammatory responses.
""",
    "effectiveness": """---
title: CAR-T Therapy Effectiveness by Cancer Type
description: The main CAR-T targets and typical response rates for each cancer type.
slug: effectiveness
order: 3
updated: 2026-11-27
---

| Cancer Type | Main CAR-T Targets | Overall Response Rate |
|---|---|---|
| Acute Lymphoblastic Leukemia (ALL) | CD19 | 70–90% |
| Multiple Myeloma | BCMA | 70–98% |
| Acute Myeloid Leukemia (AML) | CD33 / CD123 | 30–60% |
""",
    "cost": """---
title: Cost of Cellular Immunotherapy
description: What the price of a course of cellular immunotherapy depends on.
slug: cost
order: 4
updated: 2026-11-27
values:
  cost_from:
    amount: 20000
    currency: EUR
---

A full course of cellular immunotherapy costs from {cost_from}.

Additional factors influencing price include:

- Pre-treatment diagnostics and immune profiling
- Post-treatment follow-up and long-term monitoring
""",
    "faq": """---
title: Frequently Asked Questions
description: Answers to common questions about CAR-T therapy.
slug: faq
order: 5
updated: 2026-11-27
layout: faq
---

## Is CAR-T therapy safe?

CAR-T therapy is generally safe in certified centres with trained staff and proper monitoring.

## How long does treatment take?

The full CAR-T process typically takes 2 to 6 weeks, including the cell infusion.
""",
    "references": """---
title: Scientific References
description: Published studies on the therapies described on these pages.
slug: references
order: 6
updated: 2026-11-27
---

The studies below describe the therapies on these pages.

- [Maude et al., 2018](https://www.nejm.org/doi/full/10.1056/NEJMoa1709866): CAR-T in leukemia.
- [Neelapu et al., 2017](https://www.nejm.org/doi/full/10.1056/NEJMoa1707447): CAR-T in lymphoma.
- [Munshi et al., 2021](https://www.nejm.org/doi/full/10.1056/NEJMoa2024850): CAR-T in myeloma.
- [Liu et al., 2020](https://www.nejm.org/doi/full/10.1056/NEJMoa1910607): NK cells in lymphoma.
- [June et al., 2018](https://www.science.org/doi/10.1126/science.aar6711): CAR-T as a drug.
- [Lee et al., 2019](https://doi.org/10.1016/j.bbmt.2018.12.758): grading of side effects.
""",
}

SAMPLE_GLOSSARY = """\
term,dnt,ru,de,ar,fr,note
cytokine,,цитокин,Zytokin,السيتوكين | السيتوكينات,cytokine,
multiple myeloma,,множественная миелома,multiples Myelom,الورم النقوي المتعدد,myélome multiple,
CAR-T,yes,,,,,
CD19,yes,,,,,
BCMA,yes,,,,,
CD33,yes,,,,,
CD123,yes,,,,,
"""
"""Terms of :data:`SAMPLE_PAGES`: two translated, the gene and therapy names do-not-translate."""


# ---------------------------------------------------------------------------
# Building projects
# ---------------------------------------------------------------------------


def make_project(
    root: Path,
    pages: Mapping[str, str],
    languages: Sequence[str] = ("de",),
    *,
    settings: str = "",
    glossary: str | None = None,
    translations: Mapping[str, Translate | Mapping[str, str]] | None = None,
) -> Path:
    """Write a project into ``root`` and return it.

    ``pages`` maps a slug to its Markdown; a page without front matter gets a title made
    from the slug and its place in ``pages`` as order. ``settings`` is TOML added to
    ``[tool.l10n]`` (it may end with sub-tables). ``glossary`` is the text of glossary.csv
    (none when None). With ``translations`` (language -> a :data:`Translate` or a
    msgid -> msgstr mapping), the catalogs are made by ``l10n update`` and filled.
    """
    (root / "source").mkdir(parents=True, exist_ok=True)
    for order, (slug, text) in enumerate(pages.items(), start=1):
        if not text.startswith("---\n"):
            title = slug.replace("-", " ").capitalize()
            text = f"---\ntitle: {title}\nslug: {slug}\norder: {order}\n---\n\n{text}"
        (root / "source" / f"{slug}.md").write_text(text, "utf-8")
    if glossary is not None:
        (root / "glossary.csv").write_text(glossary, "utf-8")
    listed = ", ".join(f'"{lang}"' for lang in languages)
    glossary_setting = 'glossary = "glossary.csv"' if glossary is not None else 'glossary = ""'
    (root / "pyproject.toml").write_text(
        f"[tool.l10n]\nlanguages = [{listed}]\n{glossary_setting}\n{settings}", "utf-8"
    )
    if translations:
        l10n(root, "update")
        for lang, given in translations.items():
            translate_catalogs(root, lang, given if callable(given) else by_msgid(given))
    return root


def by_msgid(translations: Mapping[str, str]) -> Translate:
    return lambda domain, entry: translations.get(entry.msgid)


def tagged(lang: str, leave_out: str = UNTRANSLATED) -> Translate:
    """Translate by tagging (``[ru] …``): keeps every link, number and placeholder, and
    leaves the entry ``leave_out`` untranslated."""
    return lambda domain, entry: None if entry.msgid == leave_out else f"[{lang}] {entry.msgid}"


def translate_catalogs(
    project: Path,
    lang: str,
    translate: Translate,
    *,
    fuzzy: Callable[[str, Entry], bool] = lambda domain, entry: False,
) -> None:
    """Set every entry of ``lang`` to ``translate(domain, entry)`` (None: untranslated)."""
    config = load_config(project)
    for domain, path in config.catalog_files(lang).items():
        catalog = read_catalog(path, lang, domain)
        for entry in catalog.entries:
            text = translate(domain, entry)
            entry.msgstr = text or ""
            entry.fuzzy = bool(text) and fuzzy(domain, entry)
        write_catalog(catalog, path)


def copy_project(target: Path, with_locales: bool = True) -> Path:
    """Copy the shipped site (not the package) into ``target`` and return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if not source.exists() or (name == "locales" and not with_locales):
            continue
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)
    return target


# ---------------------------------------------------------------------------
# Running and editing
# ---------------------------------------------------------------------------


def msgfmt_check(path: Path) -> str:
    """Run GNU ``msgfmt --check``; return its complaints ("" when clean)."""
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors = [line for line in done.stderr.splitlines() if "warning:" not in line]
    return "\n".join(errors) if done.returncode else ""


def l10n(project: Path, *args: str, code: int = 0) -> Result:
    """Run the ``l10n`` command on ``project`` in-process and check its exit code."""
    result = CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result


def set_publish_minimum(project: Path, minimum: float, **per_language: float) -> None:
    """Replace the project's ``[tool.l10n.publish]`` table."""
    pyproject = project / "pyproject.toml"
    text = re.sub(
        r"\n\[tool\.l10n\.publish[^\n]*\n(?:[^\[\n][^\n]*\n?|\n)*", "\n", pyproject.read_text()
    )
    table = "".join(f"{lang} = {value}\n" for lang, value in per_language.items())
    pyproject.write_text(
        text
        + f"\n[tool.l10n.publish]\nmin_complete = {minimum}\n"
        + (f"[tool.l10n.publish.languages]\n{table}" if table else "")
    )


def disable_checks(project: Path, *checks: str) -> None:
    """Turn ``checks`` off in the project's ``[tool.l10n.check]``: for tests whose stand-in
    translations ("[ru] Cost of …") are English on purpose, and which the build would
    otherwise show in English, as ``l10n check`` reports them."""
    pyproject = project / "pyproject.toml"
    listed = ", ".join(f'"{check}"' for check in checks)
    text = pyproject.read_text()
    assert "\ndisable =" not in text
    if "\n[tool.l10n.check]\n" not in text:
        text += "\n[tool.l10n.check]\n"
    pyproject.write_text(
        text.replace("\n[tool.l10n.check]\n", f"\n[tool.l10n.check]\ndisable = [{listed}]\n")
    )


def outputs(root: Path) -> dict[str, bytes]:
    """Every file of ``output/``, by its path there."""
    folder = root / "output"
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def from_nothing(root: Path) -> dict[str, bytes]:
    """The output of a build with no record and no output: the reference for correctness."""
    shutil.rmtree(root / STATE_DIR)
    shutil.rmtree(root / "output")
    build(load_config(root), incremental=False)
    return outputs(root)


# A review policy in which medical pages need a reviewer and the interface does not.
POLICY = """
[tool.l10n.review]
publish = "translated"
check = "translated"

[tool.l10n.review.groups.medical]
domains = ["faq", "safety", "effectiveness"]
publish = "reviewed"
check = "reviewed"

[tool.l10n.review.groups.interface]
domains = ["ui"]
publish = "translated"
check = "translated"
"""
