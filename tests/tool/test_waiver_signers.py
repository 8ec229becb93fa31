"""Waivers count only when a listed reviewer signed them, and, in git, made them as they read.

The git tests make real repositories: commits by a reviewer's and a translator's
emails, as a team's history has them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html

from pipeline.cli import main
from pipeline.config import load_config
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import SAMPLE_PAGES, disable_checks, l10n, make_project, tagged

REVIEWER = "Rita Reviewer <rita@clinic.example>"
TRANSLATOR = ("Tom Translator", "tom@agency.example")
SOURCE = (
    "[Maude et al., 2018](https://www.nejm.org/doi/full/10.1056/NEJMoa1709866): CAR-T in leukemia."
)
LOCALIZED = "[Maude et al., 2018](https://www.aerzteblatt.de/maude): CAR-T bei Leukämie."


def waiver(
    who: str = "Rita Reviewer", translation: str = LOCALIZED, date: str = "2026-12-01", **more: str
) -> str:
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in more.items())
    localized = json.dumps(translation, ensure_ascii=False)
    return (
        '[[waiver]]\nlang = "de"\ndomain = "references"\ncheck = "markup"\n'
        f"source = {json.dumps(SOURCE)}\ntranslation = {localized}\n"
        f'reason = "the German summary is the right link"\nwho = {json.dumps(who)}\n'
        f"date = {date}\n{extra}"
    )


def findings(project: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        main, ["--project", str(project), "check", "--lang", "de", "--format", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    found: list[dict[str, object]] = json.loads(result.output)["findings"]
    return [f for f in found if f["check"] in ("waiver", "markup")]


def seen(project: Path) -> set[tuple[object, object, str]]:
    """(check, severity, what) of the waiver and markup findings: "active", the first words of
    why a waiver is refused or unverified ("not a reviewer"), a markup message's first word."""
    return {(f["check"], f["severity"], _what(str(f["message"]))) for f in findings(project)}


def _what(message: str) -> str:
    if message.startswith("waiver by"):
        return " ".join(message.split(": ", 1)[1].split()[:3])
    return message.split(":")[0] if message.startswith(("active", "stale")) else message.split()[0]


ACTIVE = {("waiver", "info", "active")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(
        tmp_path / "site",
        SAMPLE_PAGES,
        ["de"],
        settings=f"\n[tool.l10n.review]\nreviewers = [{json.dumps(REVIEWER)}]\n",
        translations={"de": tagged("de")},
    )
    disable_checks(root, "language")  # the stand-in translations are English
    config = load_config(root)
    path = config.catalog_path("de", "references")
    catalog = read_catalog(path, "de", "references")
    next(e for e in catalog.entries if e.msgid == SOURCE).msgstr = LOCALIZED
    write_catalog(catalog, path)
    return root


def git(project: Path, *args: str, who: tuple[str, str] = ("Rita Reviewer", "rita@clinic.example"),
        committer: tuple[str, str] | None = None) -> str:  # fmt: skip
    by = committer or who
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who[0], "GIT_AUTHOR_EMAIL": who[1],
        "GIT_COMMITTER_NAME": by[0], "GIT_COMMITTER_EMAIL": by[1],
        "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
    }  # fmt: skip
    done = subprocess.run(
        ["git", "-C", str(project), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def commit(project: Path, text: str, **people: tuple[str, str]) -> None:
    (project / "l10n-waivers.toml").write_text(text, "utf-8")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "waivers", **people)


@pytest.fixture
def repository(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the site", who=TRANSLATOR)
    return project


# -- who may sign -------------------------------------------------------------------------


def test_outside_git_a_listed_reviewers_waiver_counts_and_provenance_is_a_warning(
    project: Path,
) -> None:
    assert seen(project) == {("markup", "error", "link")}
    (project / "l10n-waivers.toml").write_text(waiver(), "utf-8")
    found = findings(project)
    assert {(f["check"], f["severity"]) for f in found} == {
        ("waiver", "info"),
        ("waiver", "warning"),
    }
    warning = next(f for f in found if f["severity"] == "warning")
    assert "cannot be verified: l10n-waivers.toml is not in a git repository" in str(
        warning["message"]
    )
    # The reviewer may be named by name, by email or as "Name <email>".
    for who in ("rita@clinic.example", REVIEWER, "RITA REVIEWER"):
        (project / "l10n-waivers.toml").write_text(waiver(who), "utf-8")
        assert ("waiver", "info", "active") in seen(project), who


def test_a_waiver_signed_by_someone_not_listed_waives_nothing(project: Path) -> None:
    (project / "l10n-waivers.toml").write_text("\n" + waiver("Tom Translator"), "utf-8")
    found = findings(project)
    errors = [f for f in found if f["severity"] == "error"]
    assert {f["check"] for f in errors} == {"waiver", "markup"}
    refusal = next(f for f in errors if f["check"] == "waiver")
    assert (refusal["file"], refusal["line"]) == ("l10n-waivers.toml", 2)
    assert refusal["message"] == (
        "waiver by “Tom Translator”: not a reviewer: "
        "[tool.l10n.review] reviewers does not list them"
    )
    assert not [f for f in found if str(f["message"]).startswith("active")]


def test_the_build_shows_english_where_the_waiver_is_not_a_reviewers(project: Path) -> None:
    (project / "l10n-waivers.toml").write_text(waiver("Tom Translator"), "utf-8")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.l10n.publish]\nmin_complete = 1\n")
    output = l10n(project, "build").output
    assert "references.po" in output and "English shown instead" in output
    page = html.parse(str(project / "output" / "de" / "references.html")).getroot()
    english = [el for el in page.iter() if el.get("lang") == "en" and el.tag == "li"]
    assert [el.text_content() for el in english] == ["Maude et al., 2018: CAR-T in leukemia."]


def test_a_reviewer_entry_that_is_no_git_identity_is_a_configuration_error(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(REVIEWER, "rita@clinic.example"))
    result = l10n(project, "check", code=2)
    assert "review.reviewers: 'rita@clinic.example' is not 'Name <email>'" in result.output


# -- in git: who made the waiver as it reads ----------------------------------------------


def test_a_waiver_the_reviewer_committed_counts(repository: Path) -> None:
    commit(repository, waiver())
    assert seen(repository) == ACTIVE


def test_a_waiver_a_translator_wrote_or_edited_waives_nothing(repository: Path) -> None:
    commit(repository, waiver(), who=TRANSLATOR)
    found = findings(repository)
    refusal = next(f for f in found if f["check"] == "waiver")
    assert refusal["severity"] == "error" and (refusal["file"], refusal["line"]) == (
        "l10n-waivers.toml",
        1,
    )
    sha = git(repository, "rev-parse", "HEAD")[:10]
    assert refusal["message"] == (
        f"waiver by “Rita Reviewer”: last changed by commit {sha}, authored by "
        "tom@agency.example and committed by tom@agency.example, not by the reviewer "
        "(rita@clinic.example)"
    )
    assert ("markup", "error") in {(f["check"], f["severity"]) for f in found}

    # The reviewer signs it anew (a waiver's text must change to be signed), then a
    # translator edits one field of it.
    commit(repository, waiver(date="2026-12-02"))
    assert {f["severity"] for f in findings(repository)} == {"info"}
    edited = LOCALIZED.replace("Leukämie", "Leukämie.")
    commit(repository, waiver(translation=edited, date="2026-12-02"), who=TRANSLATOR)
    assert ("waiver", "error", "last changed by") in seen(repository)


def test_a_translators_edit_elsewhere_in_the_file_leaves_the_reviewers_waiver_signed(
    repository: Path,
) -> None:
    commit(repository, "# Reviewed waivers\n" + waiver())
    second = waiver(translation="[Maude](https://example.org): x", context="other")
    commit(repository, "# Reviewed waivers, by the team\n\n" + waiver() + "\n" + second,
           who=TRANSLATOR)  # fmt: skip
    found = findings(repository)
    assert [f["line"] for f in found if f["severity"] == "error"] == [13]  # the translator's
    assert [f["line"] for f in found if f["severity"] == "info"] == [3]  # the reviewer's


def test_a_line_a_translator_removed_from_a_waiver_unsigns_it(repository: Path) -> None:
    commit(repository, waiver(context="German edition"))
    assert seen(repository) == {("waiver", "warning", "stale"), ("markup", "error", "link")}
    # Without the context line, the waiver would cover the entry: whoever removed it signs.
    commit(repository, waiver(), who=TRANSLATOR)
    assert seen(repository) == {("waiver", "error", "last changed by"), ("markup", "error", "link")}


def test_a_commit_the_reviewer_committed_for_a_translator_counts(repository: Path) -> None:
    commit(repository, waiver(), who=TRANSLATOR, committer=("Rita Reviewer", "rita@clinic.example"))
    assert seen(repository) == ACTIVE


def test_a_waiver_not_committed_yet_is_a_warning(repository: Path) -> None:
    (repository / "l10n-waivers.toml").write_text(waiver(), "utf-8")
    assert seen(repository) == ACTIVE | {("waiver", "warning", "not committed yet:")}


def test_a_shallow_clone_cannot_tell_and_says_to_fetch_the_history(
    repository: Path, tmp_path: Path
) -> None:
    commit(repository, waiver())
    git(repository, "commit", "-q", "--allow-empty", "-m", "later", who=TRANSLATOR)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repository}", str(clone)], check=True
    )
    refusal = next(f for f in findings(clone) if f["check"] == "waiver")
    assert refusal["severity"] == "error"
    assert "cannot be told from a shallow clone" in str(refusal["message"])
    assert "fetch the whole history" in str(refusal["message"])
    subprocess.run(["git", "-C", str(clone), "fetch", "-q", "--unshallow"], check=True)
    assert seen(clone) == ACTIVE
