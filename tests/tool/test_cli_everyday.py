"""The everyday commands on a copy of the shipped project: languages, front matter, what is
left, and text output in a CI log."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import REPO, copy_project, l10n

SHIPPED_LANGUAGES = 'languages = ["ru", "de", "es", "ar", "fr"]'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "site")


def small_project(root: Path) -> Path:
    (root / "source").mkdir(parents=True)
    (root / "source" / "index.md").write_text("---\ntitle: Home\n---\nWelcome to the clinic.\n")
    (root / "pyproject.toml").write_text('[tool.l10n]\nlanguages = ["de"]\nglossary = ""\n')
    return root


# ---------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------


def test_init_lists_the_language_in_pyproject_keeping_its_comments(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    before = pyproject.read_text()
    assert SHIPPED_LANGUAGES in before and "# French is in progress" in before

    result = l10n(project, "init", "it")

    after = pyproject.read_text()
    assert after == before.replace(SHIPPED_LANGUAGES, SHIPPED_LANGUAGES[:-1] + ', "it"]')
    assert "it: added to languages" in result.output
    assert load_config(project).languages == ("ru", "de", "es", "ar", "fr", "it")
    catalogs = sorted(p.name for p in (project / "locales" / "it" / "LC_MESSAGES").glob("*.po"))
    assert len(catalogs) == 8 and "ui.po" in catalogs
    # The build and the check now include Italian: withheld (nothing translated), not left out.
    build = l10n(project, "build")
    assert re.search(r"^it: not published: 0(\.0)?% translated", build.output, re.MULTILINE)
    check = l10n(project, "check", "--lang", "it", "--no-source", "--no-qa", code=1)
    assert "it: gate failed" in check.output
    again = l10n(project, "init", "it")
    assert "already in languages" in again.output and pyproject.read_text() == after


@pytest.mark.parametrize("lang", ["it", "ru", "fr", "pl", "ja", "pt_BR", "cs", "es"])
def test_a_new_catalog_has_the_plural_forms_msginit_writes(tmp_path: Path, lang: str) -> None:
    if shutil.which("msginit") is None:
        reason = "GNU gettext's msginit is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (required under CI)")
        pytest.skip(reason)
    project = small_project(tmp_path / "site")
    l10n(project, "update")  # writes the templates
    l10n(project, "init", lang)
    ours = read_catalog(load_config(project).catalog_path(lang, "index")).metadata
    template = project / "locales" / "templates" / "index.pot"
    done = subprocess.run(
        ["msginit", "--no-translator", "--no-wrap", "-l", lang, "-i", str(template), "-o", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    (plural_forms,) = re.findall(r'"Plural-Forms: (.*?)\\n"', done.stdout)
    assert ours["Plural-Forms"] == plural_forms


def test_a_language_gettexts_table_lacks_gets_the_cldr_rule(tmp_path: Path) -> None:
    project = small_project(tmp_path / "site")
    l10n(project, "init", "ar")  # msginit takes Arabic from the CLDR too: six forms
    header = read_catalog(load_config(project).catalog_path("ar", "index")).metadata
    assert header["Plural-Forms"].startswith("nplurals=6; plural=")


@pytest.mark.parametrize("code", ["../it", "it/../../x", "PT_br", "pt-BR", "xx", ""])
def test_init_refuses_what_is_not_a_language_code_before_touching_anything(
    tmp_path: Path, code: str
) -> None:
    project = small_project(tmp_path / "site")
    before = (project / "pyproject.toml").read_bytes()
    result = l10n(project, "init", code, code=2)
    assert len(result.output.strip().splitlines()) == 1 and "language code" in result.output
    assert (project / "pyproject.toml").read_bytes() == before
    assert not (project / "locales").exists() and not list(tmp_path.glob("*/LC_MESSAGES"))


# ---------------------------------------------------------------------------
# Front matter
# ---------------------------------------------------------------------------


def test_two_broken_pages_give_every_error_in_one_run(project: Path) -> None:
    cost, safety = project / "source" / "cost.md", project / "source" / "safety.md"
    cost.write_text(cost.read_text().replace("order: 5", "order: fifth", 1))
    safety.write_text(re.sub(r"(?m)^title: .*\n", "", safety.read_text(), count=1))
    for command in (["check", "--no-qa"], ["build"], ["update"]):
        result = l10n(project, *command, code=1)
        assert "source/cost.md:5:" in result.output and "order 'fifth'" in result.output, command
        assert "source/safety.md:" in result.output and "no title" in result.output, command
    assert not (project / "output").exists(), "the build went on after a source error"


def test_a_page_without_order_or_slug_builds_after_the_ordered_pages(project: Path) -> None:
    (project / "source" / "glossary-of-terms.md").write_text(
        "---\ntitle: Glossary of Terms\n---\nCAR-T cells are engineered T cells.\n"
    )
    faq = project / "source" / "faq.md"
    faq.write_text(re.sub(r"(?m)^order: .*\n", "", faq.read_text(), count=1))
    l10n(project, "build")
    assert (project / "output" / "en" / "glossary-of-terms.html").is_file()
    assert (project / "locales" / "templates" / "glossary-of-terms.pot").is_file()
    nav = (project / "output" / "en" / "index.html").read_text()
    order = [nav.index(f'href="{slug}.html"') for slug in ("safety", "faq", "glossary-of-terms")]
    assert order == sorted(order), "pages without order come last, by file name"


# ---------------------------------------------------------------------------
# What is left
# ---------------------------------------------------------------------------


def raise_french_minimum(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("{ fr = 80 }", "{ fr = 95 }", 1))


def test_check_lists_the_entries_that_keep_a_gate_closed(project: Path) -> None:
    raise_french_minimum(project)
    faq_path = load_config(project).catalog_path("fr", "faq")
    faq = read_catalog(faq_path, "fr", "faq")
    reviewed = next(e for e in faq.entries if e.translated and len(e.msgid) > 40)
    reviewed.fuzzy = True
    write_catalog(faq, faq_path)
    faq = read_catalog(faq_path, "fr", "faq")
    expected = {
        (f"locales/fr/LC_MESSAGES/{path.stem}.po", entry.lineno, state, entry.msgid)
        for path in faq_path.parent.glob("*.po")
        for entry in read_catalog(path, "fr", path.stem).entries
        if not entry.is_header
        and (state := "fuzzy" if entry.fuzzy else "" if entry.msgstr else "untranslated")
    }
    assert len(expected) == 10

    text = l10n(project, "check", "--no-source", "--no-qa", code=1).output
    gate = re.search(r"^fr: gate failed: \d+\.\d% complete, minimum 95%; (.*)$", text, re.M)
    assert gate is not None and gate[1] == "9 untranslated and 1 fuzzy entry left", text
    for file, line, state, msgid in expected:
        assert f"  {file}:{line}: {state} “{msgid.split()[0]}" in text
    assert "de: gate failed" not in text

    document = json.loads(l10n(project, "check", "--format", "json", "--no-source", code=1).output)
    assert document["version"] == 1
    french = {
        (e["file"], e["line"], e["state"], e["msgid"])
        for e in document["left"]
        if e["lang"] == "fr"
    }
    assert french == expected
    assert all(set(e) == {"lang", "domain", "file", "line", "state", "msgid", "words"}
               for e in document["left"])  # fmt: skip
    words = sum(e["words"] for e in document["left"] if e["lang"] == "fr")
    stats = [s for s in document["stats"] if s["lang"] == "fr"]
    assert words == sum(s["untranslated_words"] + s["fuzzy_words"] for s in stats)


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------


def in_a_log(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command as CI runs it: no terminal, 80 columns, output captured."""
    env = {**os.environ, "COLUMNS": "80", "PYTHONPATH": str(REPO), "TERM": "dumb"}
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "--project", str(project), *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=300,
    )


def test_text_output_in_an_80_column_log_wraps_no_cell_and_splits_no_url(project: Path) -> None:
    raise_french_minimum(project)
    path = load_config(project).catalog_path("de", "references")
    references = read_catalog(path, "de", "references")
    url = "https://www.nejm.org/doi/full/10.1056/NEJMoa1707447"
    entry = next(e for e in references.entries if url in e.msgstr)
    entry.msgstr = entry.msgstr.replace(url, url + "-somewhere-else")
    write_catalog(references, path)
    sources = "".join(p.read_text() for p in (project / "source").glob("*.md"))

    build = in_a_log(project, "build")
    assert build.returncode == 0, build.stderr
    warning = [line for line in build.stderr.splitlines() if "is missing" in line]
    assert len(warning) == 1 and f"link target {url} is missing; English shown" in warning[0]

    check = in_a_log(project, "check", "--no-source")
    assert check.returncode == 1, check.stderr
    lines = check.stdout.splitlines()
    assert not re.search(r"[│┃━─┏┗]", check.stdout), "box drawing in a log"
    table = lines[: lines.index(next(line for line in lines if line.startswith("fr: gate")))]
    assert re.fullmatch(r"language\s+complete\s+minimum\s+translated\s+fuzzy\s+untranslated\s+gate",
                        table[0])  # fmt: skip
    rows = {line.split(" (")[0]: line.split() for line in table[1:]}
    assert list(rows) == ["ru", "de", "es", "ar", "fr"], "one line per language"
    assert rows["fr"][2:] == ["87.0%", "95%", "141", "0", "9", "fail"]
    assert "fr: gate failed: 87.0% complete, minimum 95%; 9 untranslated" in check.stdout
    for found in re.findall(r"https?://\S+", check.stdout + build.stderr):
        assert found.rstrip(")”.,;") in sources + entry.msgstr, f"cut URL {found}"
