"""The source-language gate on lines it once rejected in English documentation.

bench/source_gate.py runs the gate on MkDocs' own documentation (about 2,300
segments) and on real foreign sentences in 96 languages; these are the lines of
MkDocs' documentation it called another language before a language had to hold
most of a text's words, kept here as regression tests.
"""

from __future__ import annotations

import pytest

from pipeline.checks.langid import identifier
from pipeline.checks.prose import MAX_WORD, foreign_script
from pipeline.checks.source_language import foreign_text
from pipeline.config import Config, load_config
from pipeline.model import Segment
from tests.projects import copy_project

# Lines of MkDocs' documentation (docs/about/release-notes.md, docs/dev-guide/*.md and the API
# reference built from mkdocs/livereload and mkdocs/plugins.py), copyright MkDocs' authors,
# BSD-2-Clause licence. What the gate called them is in the comment.
MKDOCS_LINES = [
    "Update colors to increase contrast",  # Romanian (0.94)
    "Add official support for Python version 3.5.",  # French (0.83)
    "Bugfix: Never re-write URLs in code blocks. (#240)",  # Romanian (0.91)
    "Bugfix: Fix path-handling under Windows. (#121)",  # German (0.80)
    "Bugfix: Fix `<ul>` rendering in readthedocs theme. (#171)",  # German (0.78), the issue's
    # Zulu (0.79)
    "Stop watching file changes for path. Raises if there was no corresponding `watch` call.",
    "dict of template context variables",  # Spanish (0.77)
    # Norwegian Nynorsk (0.93), the last sentence
    "Defines a parent theme that this theme inherits from. The value should be the string name"
    " of the parent theme. Normal [Jinja inheritance rules]"
    "(https://jinja.palletsprojects.com/en/latest/templates/#template-inheritance) apply.",
]

# Fragments in languages the shipped project does not use, found by the wide detector.
ELSEWHERE = {
    "hu": "A betegek a kezelés után néhány napig a kórházban maradnak megfigyelésre.",
    "is": "Sjúklingurinn fékk frumurnar aftur eftir lyfjameðferðina á sjúkrahúsinu.",
    "eu": "Gaixoak ospitalean geratzen dira zelulen infusioaren ondoren egun batzuetan.",
    # pretix 2026.8.0, pretix/locale/cs/LC_MESSAGES/django.po (Apache-2.0). The project's
    # own detector (Russian, German, Spanish, Arabic, French and their neighbours) calls it
    # Spanish, but most of its words are no likelier Spanish than English: it is asked of
    # every language lingua knows, which finds Czech.
    "cs": "Účet s touto e-mailovou adresou a heslem jsme nenašli.",
    # Thai writes no space between words: the sentence is one "word" of 95 characters.
    "th": "ผู้ป่วยจะได้รับเซลล์ที่ผ่านการดัดแปลงกลับคืนหลังจากการให้ยาเคมีบำบัดเสร็จสิ้นแล้วในโรงพยาบาล",
}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(copy_project(tmp_path_factory.mktemp("gate") / "site", with_locales=False))


def rejected(text: str, config: Config) -> list[str]:
    ident = identifier(config.all_languages, (), "en")
    segment = Segment(text, "x", "source/x.md", 1, "paragraph")
    return [f.verdict.describe() for f in foreign_text(segment, config, ident)]


@pytest.mark.parametrize("line", MKDOCS_LINES)
def test_short_technical_english_lines_pass(line: str, config: Config) -> None:
    assert rejected(line, config) == []


@pytest.mark.parametrize("lang", sorted(ELSEWHERE))
def test_a_fragment_in_a_language_the_project_does_not_use_is_caught(
    lang: str, config: Config
) -> None:
    text = f"Patients receive the cells in hospital. {ELSEWHERE[lang]} They go home after."
    assert rejected(text, config)


def test_a_sentence_in_a_script_without_spaces_is_prose() -> None:
    assert len(ELSEWHERE["th"]) > MAX_WORD
    assert foreign_script(ELSEWHERE["th"], "en") == "Thai"


def test_a_fragment_the_project_detector_misnames_goes_to_the_wide_detector(
    config: Config,
) -> None:
    assert rejected(ELSEWHERE["cs"], config) == ["Czech (1.00), expected English"]
