"""The gate on whole projects: check and build agree, silencing survives editors, waivers.

Scenario tests drive the real CLI on a copy of the shipped project; the round trips use
GNU ``msgcat`` and Translate Toolkit's PO writer, as Poedit, Lokalize and Weblate save.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html
from translate.storage import pypo

from pipeline.checks.framework import QAContext
from pipeline.checks.qa import check_entry
from pipeline.cli import main
from pipeline.config import load_config
from pipeline.po.reader import parse_catalog, read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import copy_project, l10n

PARAGRAPH = "The cost of cellular immunotherapy, including CAR-T"


def findings(project: Path, *args: str) -> list[dict[str, object]]:
    """``l10n check --format json``'s findings, whatever the exit code."""
    result = CliRunner().invoke(
        main, ["--project", str(project), "check", "--format", "json", *args]
    )
    assert result.exit_code in (0, 1), result.output
    found: list[dict[str, object]] = json.loads(result.output)["findings"]
    return found


def set_translation(project: Path, lang: str, domain: str, start: str, text: str) -> str:
    """Give the entry whose msgid starts with ``start`` the translation ``text``; its msgid."""
    config = load_config(project)
    path = config.catalog_path(lang, domain)
    catalog = read_catalog(path, lang, domain)
    entry = next(e for e in catalog.entries if e.msgid.startswith(start))
    entry.msgstr = text
    write_catalog(catalog, path)
    return entry.msgid


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "site")


# -- one verdict for check and build ------------------------------------------------------


def test_an_entry_check_fails_is_not_published_whatever_the_check(project: Path) -> None:
    english = set_translation(project, "de", "cost", PARAGRAPH, "")
    set_translation(project, "de", "cost", PARAGRAPH, english)  # English left in German
    set_translation(project, "de", "cost", "Cost of Cellular", "Kosten der \u202eZelltherapie")
    found = findings(project, "--lang", "de")
    errors = {
        (f["check"], str(f["message"]).split(":")[0]) for f in found if f["severity"] == "error"
    }
    assert ("language", "translation is English (1.00), expected German") in errors or any(
        check == "language" for check, _ in errors
    )
    assert ("invisible", "invisible character U+202E (a bidi control)") in errors
    l10n(project, "build")
    page = html.parse(str(project / "output" / "de" / "cost.html")).getroot()
    fallback = [el for el in page.iter() if el.get("lang") == "en" and el.tag != "html"]
    texts = " ".join(el.text_content() for el in fallback)
    assert PARAGRAPH in texts and "Cost of Cellular Immunotherapy" in texts
    assert "\u202e" not in (project / "output" / "de" / "cost.html").read_text("utf-8")


# -- waivers ------------------------------------------------------------------------------


def _waiver(lang: str, domain: str, check: str, source: str, translation: str) -> str:
    return (
        "[[waiver]]\n"
        f"lang = {json.dumps(lang)}\ndomain = {json.dumps(domain)}\ncheck = {json.dumps(check)}\n"
        f"source = {json.dumps(source, ensure_ascii=False)}\n"
        f"translation = {json.dumps(translation, ensure_ascii=False)}\n"
        'reason = "the localized documentation is the right link"\n'
        'who = "A Reviewer"\ndate = 2026-11-30\n'
    )


def _signable(project: Path) -> None:
    """List the waivers' signer as the project's reviewer (the copy is not in git)."""
    pyproject = project / "pyproject.toml"
    reviewers = '\n[tool.l10n.review]\nreviewers = ["A Reviewer <reviewer@clinic.example>"]\n'
    pyproject.write_text(pyproject.read_text() + reviewers)


def test_a_signed_waiver_covers_exact_texts_and_goes_stale_when_one_changes(project: Path) -> None:
    source = "See [the trial](https://www.nejm.org/doi/full/10.1056/NEJMoa1707447) for details."
    localized = "Siehe [die Studie](https://www.aerzteblatt.de/studie) für Details."
    config = load_config(project)
    path = config.catalog_path("de", "cost")
    catalog = read_catalog(path, "de", "cost")
    catalog.entries.append(type(catalog.entries[0])(msgid=source, msgstr=localized))
    write_catalog(catalog, path)
    before = [f for f in findings(project, "--lang", "de") if f["msgid"] == source]
    assert [f["check"] for f in before if f["severity"] == "error"] == ["markup"]

    _signable(project)
    (project / "l10n-waivers.toml").write_text(
        _waiver("de", "cost", "markup", source, localized), "utf-8"
    )
    after = [f for f in findings(project, "--lang", "de") if f["msgid"] == source]
    assert [(f["check"], f["severity"]) for f in after] == [("waiver", "info")]
    assert str(after[0]["message"]).startswith("active: markup on")
    assert after[0]["file"] == "l10n-waivers.toml" and after[0]["line"] == 1

    set_translation(project, "de", "cost", "See [the trial]", localized.replace("Details", "mehr"))
    stale = [f for f in findings(project, "--lang", "de") if f["msgid"] == source]
    assert {(f["check"], f["severity"]) for f in stale} == {
        ("waiver", "warning"),
        ("markup", "error"),
    }
    assert any("stale: the translation changed" in str(f["message"]) for f in stale)


def test_the_build_publishes_what_a_waiver_covers(project: Path) -> None:
    english = set_translation(project, "de", "cost", PARAGRAPH, "")
    set_translation(project, "de", "cost", PARAGRAPH, english)
    _signable(project)
    (project / "l10n-waivers.toml").write_text(
        _waiver("de", "cost", "language", english, english), "utf-8"
    )
    assert not [f for f in findings(project, "--lang", "de") if f["severity"] == "error"]
    l10n(project, "build")
    page = html.parse(str(project / "output" / "de" / "cost.html")).getroot()
    marked = " ".join(el.text_content() for el in page.iter() if el.get("lang") == "en")
    assert PARAGRAPH not in marked


def test_a_broken_waivers_file_is_one_error_naming_it(project: Path) -> None:
    (project / "l10n-waivers.toml").write_text('[[waiver]]\nlang = "de"\n', "utf-8")
    found = [f for f in findings(project, "--lang", "de") if f["check"] == "waiver"]
    assert len(found) == 1 and found[0]["severity"] == "error"
    assert found[0]["file"] == "l10n-waivers.toml" and "missing domain" in str(found[0]["message"])


# -- one finding per root cause -----------------------------------------------------------

BROKEN_PLURALS = """\
msgid ""
msgstr ""
"Language: de\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
{entries}"""
PLURAL_ENTRY = """
#, python-format
msgid "%(count)s file{n}"
msgid_plural "%(count)s files{n}"
msgstr[0] "%(count)s Datei{n}"
msgstr[1] "%(count)s Dateien{n}"
msgstr[2] "%(count)s Dateien{n}"
"""


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_a_broken_plural_header_is_one_finding(tmp_path: Path) -> None:
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.l10n]\nlanguages = ["de"]\nglossary = ""\n', "utf-8"
    )
    catalog = root / "locales" / "de" / "LC_MESSAGES" / "ui.po"
    catalog.parent.mkdir(parents=True)
    entries = "".join(PLURAL_ENTRY.format(n=n) for n in range(6))
    catalog.write_text(BROKEN_PLURALS.format(entries=entries), "utf-8")
    found = [f for f in findings(root) if f["severity"] == "error"]
    assert [(f["check"], f["message"]) for f in found] == [
        ("plurals", "3 plural form(s), the header says nplurals=2; "
                    "6 plural messages are so (first here)")
    ]  # fmt: skip


# -- silencing that survives translators' tools -------------------------------------------

SILENCED = """\
msgid ""
msgstr ""
"Language: de\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

# l10n: ignore length, punctuation
#, fuzzy
msgid "Complete remission in seventy to ninety out of every hundred patients."
msgstr "Vollständige Remission bei siebzig bis neunzig von hundert Patientinnen und Patienten, die mit dieser Therapie behandelt wurden, und zwar auch bei jenen, die vorher andere Behandlungen erhielten, wie die Studien der letzten zehn Jahre übereinstimmend zeigen"
"""  # noqa: E501


def _silenced(text: str) -> set[str]:
    catalog = parse_catalog(text, "x.po", "de", "x")
    context = QAContext(lang="de", domain="x", file="x.po")
    return {f.check for f in check_entry(catalog.entries[0], context)}


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is not installed")
def test_the_ignore_comment_survives_msgcat_and_translate_toolkit(tmp_path: Path) -> None:
    flagged = SILENCED.replace("# l10n: ignore length, punctuation\n", "")
    assert {"length", "punctuation"} <= _silenced(flagged)
    assert not {"length", "punctuation"} & _silenced(SILENCED)
    source = tmp_path / "in.po"
    source.write_text(SILENCED, "utf-8")
    out = tmp_path / "out.po"
    subprocess.run(["msgcat", "-o", str(out), str(source)], check=True)
    saved = out.read_text("utf-8")
    assert "# l10n: ignore length, punctuation" in saved
    assert not {"length", "punctuation"} & _silenced(saved)
    rewritten = bytes(pypo.pofile(SILENCED.encode("utf-8"))).decode("utf-8")
    assert "# l10n: ignore length, punctuation" in rewritten
    assert not {"length", "punctuation"} & _silenced(rewritten)


@pytest.mark.skipif(shutil.which("msgcat") is None, reason="GNU gettext is not installed")
def test_msgcat_drops_the_old_flag_which_update_migrates(project: Path, tmp_path: Path) -> None:
    # Why the comment: a save through msgcat (Poedit's) loses an unknown "ignore-" flag.
    flagged = SILENCED.replace(
        "# l10n: ignore length, punctuation\n#, fuzzy", "#, fuzzy, ignore-length"
    )
    source = tmp_path / "flag.po"
    source.write_text(flagged, "utf-8")
    subprocess.run(["msgcat", "-o", str(tmp_path / "saved.po"), str(source)], check=True)
    assert "ignore-length" not in (tmp_path / "saved.po").read_text("utf-8")

    config = load_config(project)
    path = config.catalog_path("de", "cost")
    l10n(project, "update")
    before = path.read_text("utf-8")
    marker = '#: source/cost.md:2\nmsgid "Cost of Cellular Immunotherapy"'
    assert marker in before
    path.write_text(before.replace(marker, "#, ignore-length\n" + marker), "utf-8")
    l10n(project, "update")
    after = path.read_text("utf-8")
    expected = before.replace(
        "#. page title (h1 and <title>)\n" + marker,
        "# l10n: ignore length\n#. page title (h1 and <title>)\n" + marker,
    )
    strip = lambda text: "\n".join(  # noqa: E731
        line for line in text.splitlines() if not line.startswith('"PO-Revision-Date')
    )
    assert strip(after) == strip(expected)
    l10n(project, "update")
    assert path.read_text("utf-8") == after


def test_catalogs_that_no_page_makes_are_checked_as_they_are(tmp_path: Path) -> None:
    """A team's existing gettext catalogs, with an empty source folder: check counts them."""
    root = tmp_path / "site"
    (root / "source").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[tool.l10n]\nlanguages = ["de"]\nglossary = ""\n')
    catalog = root / "locales" / "de" / "LC_MESSAGES" / "admin.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Delete 3 items"\nmsgstr "7 Einträge löschen"\n',
        "utf-8",
    )
    result = CliRunner().invoke(main, ["--project", str(root), "check", "--format", "json"])
    report = json.loads(result.output)
    assert [(s["domain"], s["translated"]) for s in report["stats"]] == [("admin", 1)]
    assert ("numbers", "error") in {(f["check"], f["severity"]) for f in report["findings"]}
