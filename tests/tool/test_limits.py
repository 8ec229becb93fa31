"""Hostile and oversized input: one regression test per item of the hardening issue.

Each test drives the real CLI (in process) on a small project, or the one function
that holds the rule, with the input an attacker or a careless contributor would give.
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
from pathlib import Path

import pytest
from lxml import html

from pipeline.checks.framework import QAContext
from pipeline.checks.langid import identifier
from pipeline.checks.qa import check_entry
from pipeline.checks.source_language import foreign_text
from pipeline.config import load_config
from pipeline.files import remove_stray_temporaries
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.tmx import TMXError, import_tmx
from pipeline.model import Entry, Origin, OriginKind, Segment, machine_engine
from pipeline.po.reader import parse_catalog
from pipeline.po.syntax import CatalogSyntaxError
from pipeline.source.documents import SourceError, parse_document
from pipeline.text.excerpt import EXCERPT_CHARS, excerpt
from pipeline.text.glossary import Glossary
from pipeline.text.invisible import HIDDEN
from pipeline.text.languages import parse_language_code
from pipeline.text.limits import MAX_SEGMENT_CHARS
from tests.projects import copy_project, l10n

ROOT = Path(__file__).resolve().parents[2]
SECRET = "TOKEN=s3cr3t-value-never-printed"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped project, built once; tests copy it."""
    project = copy_project(tmp_path_factory.mktemp("limits") / "site")
    l10n(project, "build")
    return project


def fresh(built: Path, tmp_path: Path) -> Path:
    target = tmp_path / "site"
    shutil.copytree(built, target, symlinks=True)
    return target


# -- 1. symbolic links and safe messages ----------------------------------------------


def test_a_link_out_of_the_project_is_refused_and_nothing_of_it_printed(
    built: Path, tmp_path: Path
) -> None:
    project = fresh(built, tmp_path)
    secret = tmp_path / "environ"
    secret.write_bytes(f"SHELL=/bin/bash\0{SECRET}\0".encode())
    faq = project / "locales" / "de" / "LC_MESSAGES" / "faq.po"
    faq.unlink()
    faq.symlink_to(secret)
    build = l10n(project, "build", code=1)
    checks = [l10n(project, "check", "--format", fmt, code=1).output for fmt in ("text", "github")]
    for output in (build.output, *checks):
        assert "TOKEN" not in output and "s3cr3t" not in output
        assert "faq.po" in output and "leads out of the" in output
    assert secret.read_bytes().startswith(b"SHELL=")  # never written through the link


def test_a_link_out_of_source_is_refused_with_its_file(built: Path, tmp_path: Path) -> None:
    project = fresh(built, tmp_path)
    (tmp_path / "outside.md").write_text("---\ntitle: x\nslug: x\norder: 9\n---\nsecret\n")
    (project / "source" / "zz.md").symlink_to(tmp_path / "outside.md")
    result = l10n(project, "build", code=1)
    assert "source/zz.md:1: a symbolic link that leads out of the project" in result.output


def test_messages_quote_a_bounded_escaped_excerpt() -> None:
    hostile = "\x1b[31mred\x1b[0m\u202e" + "x" * 10_000
    shown = excerpt(hostile)
    assert len(shown) <= EXCERPT_CHARS and "\x1b" not in shown and "\u202e" not in shown
    assert shown.startswith("\\x1b[31mred")
    with pytest.raises(CatalogSyntaxError) as raised:
        parse_catalog('msgid "a"\nmsgstr "b"\n\n' + "\x1b]0;pwned\x07" + "A" * 5000 + ' "x"\n')
    assert len(str(raised.value)) < 200 and "\x1b" not in str(raised.value)


def test_hidden_agrees_with_unicodedata() -> None:
    wanted = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co"}
    for code in range(0x30000):
        char = chr(code)
        if unicodedata.category(char) in wanted:
            assert HIDDEN.fullmatch(char), f"U+{code:04X}"
    assert all(HIDDEN.fullmatch(chr(c)) for c in range(0xE0000, 0xE0080))


# -- 2. bounded work ---------------------------------------------------------------------


def test_a_string_beyond_the_limit_makes_the_catalog_unreadable_with_its_line() -> None:
    text = 'msgid ""\nmsgstr ""\n\n#: x\nmsgid "a"\nmsgstr "' + "1 " * MAX_SEGMENT_CHARS + '"\n'
    with pytest.raises(CatalogSyntaxError, match=r"<s>:4: msgstr is 40,000 characters"):
        parse_catalog(text, "<s>")


@pytest.mark.parametrize(
    "header",
    ["nplurals=300000000; plural=0;", "nplurals=" + "9" * 900 + "; plural=0;"],
)
def test_nplurals_out_of_bounds_is_a_header_finding(header: str, tmp_path: Path) -> None:
    from pipeline.checks.headers import check_header

    findings, nplurals = check_header(
        {"Content-Type": "text/plain; charset=UTF-8", "Language": "de", "Plural-Forms": header},
        "de", "x.po", 1, "x",
    )  # fmt: skip
    assert nplurals is None and "is not between 1 and 6" in findings[0].message
    assert len(findings[0].message) < 120


FRONT = "---\ntitle: T\nslug: t\norder: 1\n"


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("updated: 2026-13-45\n", 5, "month must be in 1..12"),
        ("x: " + "[" * 20_000 + "\n", 5, "nested more than 16 levels"),
        ("a: &a [lol, lol]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n", 6, "aliases"),
        ("values:\n  price: {amount: 20000, currency: 7}\n", 5, "not an ISO 4217 code"),
        ("values:\n  price: .inf\n", 5, "is not an amount"),
    ],
)
def test_front_matter_errors_are_one_line_with_file_and_line(
    front: str, line: int, message: str
) -> None:
    with pytest.raises(SourceError) as raised:
        parse_document(FRONT + front + "---\nBody.\n", "source/p.md")
    assert raised.value.line == line and message in str(raised.value)
    assert "\n" not in str(raised.value) and len(str(raised.value)) < 200


def test_a_huge_single_word_is_refused_before_any_check_runs() -> None:
    with pytest.raises(SourceError, match=r"source/p.md:6: this paragraph is 100,000 characters"):
        from pipeline.segments.blocks import document_segments

        document_segments(parse_document(FRONT + "---\n" + "a" * 100_000 + "\n", "source/p.md"))


def test_tmx_import_refuses_entity_declarations(tmp_path: Path) -> None:
    path = tmp_path / "ent.tmx"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE tmx [\n<!ENTITY x "boom">\n]>\n'
        '<tmx version="1.4"><header srclang="en"/><body>\n'
        '<tu><tuv xml:lang="en"><seg>Hi &x;</seg></tuv><tuv xml:lang="de"><seg>Hallo</seg>'
        "</tuv></tu></body></tmx>\n"
    )
    with SqliteMemory(tmp_path / "m.sqlite3") as memory:
        with pytest.raises(TMXError, match=r"ent\.tmx:5: the file declares entities"):
            import_tmx(memory, path, "en", ["de"])
        assert memory.stats()["units"] == 0


# -- 3. provenance -----------------------------------------------------------------------


def test_a_forged_origin_in_a_tmx_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "forged.tmx"
    path.write_text(
        '<?xml version="1.0"?>\n<tmx version="1.4"><header srclang="en"/><body>\n'
        '<tu><prop type="x-origin">mt:google\nreviewed by chief editor</prop>'
        '<tuv xml:lang="en"><seg>Dose</seg></tuv><tuv xml:lang="de"><seg>Dosis</seg></tuv>'
        "</tu>\n</body></tmx>\n"
    )
    with (
        SqliteMemory(tmp_path / "m.sqlite3") as memory,
        pytest.raises(TMXError, match=r"forged\.tmx:3: x-origin"),
    ):
        import_tmx(memory, path, "en", ["de"])
    with pytest.raises(ValueError):
        Origin(OriginKind.MACHINE, "google\nreviewed")
    assert Origin.recorded("mt:google\n# reviewed") == Origin(OriginKind.MACHINE)
    forged = Entry("a", "b", translator_comments=["machine translation (google\x1b[8m)"])
    assert machine_engine(forged) == ""


# -- 4. language codes ---------------------------------------------------------------------


@pytest.mark.parametrize("code", ["de@/../../../../x", "de.x/../../y", "../de", "de/x", "d e"])
def test_a_language_code_that_could_name_a_path_is_refused(code: str, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        parse_language_code(code)
    project = copy_project(tmp_path / "site", with_locales=False)
    result = l10n(project, "init", code, code=2)
    assert "is not a language code" in result.output
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_good_language_codes_pass() -> None:
    for code in ("de", "pt_BR", "de_AT", "zh_Hant_TW", "es_419", "sr@latin", "ast"):
        assert parse_language_code(code) == code


# -- 6. invisible text ------------------------------------------------------------------------


@pytest.mark.parametrize("hidden", ["\u200b", "\U000e0041", "\u202e", "\x1b[2J", "\x00"])
def test_invisible_text_is_an_error_the_translator_cannot_silence(hidden: str) -> None:
    entry = Entry("Take the tablet.", f"Nehmen Sie die{hidden} Tablette.", lineno=3,
                  flags=["ignore-invisible"])  # fmt: skip
    found = [f for f in check_entry(entry, QAContext("de", "x", "x.po")) if f.check == "invisible"]
    assert found and "\x1b" not in found[0].message


# -- 7. terms -----------------------------------------------------------------------------------


def test_a_do_not_translate_term_inside_a_longer_term_is_an_error() -> None:
    glossary = Glossary.load(ROOT / "glossary.csv")
    context = QAContext("ru", "x", "x.po", glossary=glossary)
    mangled = Entry("CAR-T therapy works.", "КАР-Т-терапия работает.", lineno=1)
    errors = [f.message for f in check_entry(mangled, context) if f.severity.value == "error"]
    assert "do-not-translate term “CAR-T” is missing" in errors


@pytest.mark.parametrize("spoof", ["САR-T-терапия", "CAR-T\u200b-терапия", "клет\u200cки"])
def test_look_alike_letters_and_invisible_characters_in_terms_are_errors(spoof: str) -> None:
    entry = Entry("CAR-T therapy.", f"{spoof}.", lineno=1)
    checks = {f.check for f in check_entry(entry, QAContext("ru", "x", "x.po"))}
    assert checks & {"lookalike", "invisible"}


# -- 8 and 9: plurals and partial builds -----------------------------------------------------


def test_plural_forms_are_screened_against_the_template(built: Path, tmp_path: Path) -> None:
    from pipeline.checks.plurals import as_in_template, plural_sources
    from pipeline.model import Catalog

    template = Catalog(entries=[Entry("%(n)s dose", msgid_plural="%(n)s doses")])
    entry = Entry("%(n)s dose", msgid_plural="[x](https://evil.example/)",
                  msgstr_plural={0: "[x](https://evil.example/)"})  # fmt: skip
    corrected, problem = as_in_template(entry, plural_sources(template))
    assert corrected.msgid_plural == "%(n)s doses" and "is not the template's" in problem


def test_a_partial_build_keeps_every_language_in_the_site_files(
    built: Path, tmp_path: Path
) -> None:
    project = fresh(built, tmp_path)
    l10n(project, "build", "--lang", "ar")
    chooser = (project / "output" / "index.html").read_text()
    sitemap = (project / "output" / "sitemap.xml").read_text()
    for code in ("ru", "de", "es", "fr"):
        assert f'hreflang="{code}"' in chooser and f'hreflang="{code}"' in sitemap
        assert (project / "output" / "badges" / f"{code}.svg").is_file()
    status = html.parse(str(project / "output" / "status.html")).getroot().text_content()
    assert "Deutsch" in status or "German" in status


# -- 10. faults ---------------------------------------------------------------------------


def test_a_stray_temporary_file_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    folder = tmp_path / "locales"
    folder.mkdir()
    dead = folder / ".faq.po.999999999-abc.tmp"
    old = folder / ".faq.po.x1y2z3.tmp"
    dead.write_text("half")
    old.write_text("half")
    os.utime(old, (0, 0))
    mine = folder / f".faq.po.{os.getpid()}-live.tmp"
    mine.write_text("writing")
    assert sorted(remove_stray_temporaries(folder)) == sorted([dead, old])
    assert mine.exists()


# -- 11. the source-language gate ------------------------------------------------------------


FRAGMENTS = {
    "nl": "De patiënt kreeg een infuus met gemodificeerde cellen na de chemotherapie.",
    "pl": "Pacjent otrzymał wlew zmodyfikowanych komórek po chemioterapii limfodeplecyjnej.",
    "cs": "Pacient dostal infuzi upravených buněk po chemoterapii.",
    "fi": "Potilas sai infuusion muokattuja soluja kemoterapian jälkeen.",
    "ja": "患者は化学療法の後に細胞を投与されました。",
    "el": "Ο ασθενής έλαβε έγχυση τροποποιημένων κυττάρων μετά τη χημειοθεραπεία.",
    "hi": "रोगी को कीमोथेरेपी के बाद संशोधित कोशिकाओं का जलसेक दिया गया।",
}
ENGLISH = [
    "Bugfix: Fix `<ul>` rendering in readthedocs theme. (#171)",
    "Primum non nocere: first, do no harm, as every doctor learns.",
    "The Gesundheitsamt and the Bundesministerium für Gesundheit regulate these clinics.",
    "Tisagenlecleucel (Kymriah) and axicabtagene ciloleucel (Yescarta) target CD19 on B cells.",
    "Dr. José García-Pérez and Dr. Søren Kierkegaard presented the data at ASH 2023.",
    "Our team in Moscow (Москва) and Beijing (北京) works with local hospitals.",
    "Tumor-induced immunosuppressive microenvironment",
    "Support for `extra_css` and `extra_javascript` in `mkdocs.yml` (#1204).",
]


def _gate(text: str, tmp_path: Path) -> list[str]:
    project = copy_project(tmp_path / "site", with_locales=False)
    config = load_config(project)
    ident = identifier(config.all_languages, (), "en")
    segment = Segment(text, "x", "source/x.md", 1, "paragraph")
    return [f.verdict.describe() for f in foreign_text(segment, config, ident)]


@pytest.mark.parametrize("lang", sorted(FRAGMENTS))
def test_the_gate_finds_a_fragment_in_any_language_or_script(lang: str, tmp_path: Path) -> None:
    text = f"Patients receive the cells in hospital. {FRAGMENTS[lang]} They go home after."
    assert _gate(text, tmp_path), lang


@pytest.mark.parametrize("text", ENGLISH)
def test_the_gate_leaves_english_with_names_latin_and_code_alone(
    text: str, tmp_path: Path
) -> None:
    assert _gate(text, tmp_path) == []


def test_report_json_escapes_invisible_characters() -> None:
    from pipeline.checks.report import CheckReport, format_json
    from pipeline.model import Finding, Severity

    finding = Finding("x", Severity.ERROR, "m\u202e\x9b", "f", 1, msgid="id\u202e")
    text = format_json(CheckReport([], [finding], []))
    assert "\u202e" not in text and "\x9b" not in text
    assert json.loads(text)["findings"][0]["msgid"] == "id\u202e"
