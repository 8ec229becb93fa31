"""Real XLIFF files from CAT tools and localization projects, read and imported as the spec says.

The twelve files are in ``shared/xliff-samples`` beside the repository (see its
README.md); they are read from there, never copied. ``L10N_XLIFF_SAMPLES``
points elsewhere. What a correct import of each is, decided from the XLIFF
1.2 and 2.0/2.1 specifications:

- ``<mrk mtype="seg">`` segments (1.2) and segments with ignorables (2.x) are
  joined into the unit's text; an ignorable without a target stands for itself.
- ``translate="no"`` (on the unit, or inherited from ``<file>``/``<group>`` in
  2.x) is not for translation; a unit with a segment lacking a target is
  incomplete; neither changes a catalog.
- 1.2 states: ``signed-off``/``final`` (or ``approved="yes"`` without a state) are
  reviewed; ``translated`` is translated even with ``approved="yes"``; the
  ``needs-*`` states, a ``state-qualifier`` alone, and values the spec does not
  define (``needs-work``, ``rejected``, ``fake``...) are proposals. Trados'
  and memoQ's confirmation levels are read from their extensions; a unit is as
  far as its least confirmed segment.
- 2.x states: ``initial`` (the default) is a proposal when a target exists,
  ``translated`` translated, ``reviewed``/``final`` reviewed.
- CRLF line ends and a BOM change nothing; codes come back as the source had them,
  and a target that lost one is refused with its line.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.catalogs.review import ReviewState, entry_state
from pipeline.exchange.codes import CodeMismatch
from pipeline.exchange.read import read_xliff
from pipeline.model import Catalog, Entry
from pipeline.po.reader import read_catalog
from pipeline.po.writer import write_catalog
from tests.projects import REPO, l10n, msgfmt_check

P, T, R, U = (ReviewState.PROPOSED, ReviewState.TRANSLATED, ReviewState.REVIEWED,
              ReviewState.UNTRANSLATED)  # fmt: skip


def samples_dir() -> Path:
    candidates = [
        os.environ.get("L10N_XLIFF_SAMPLES", ""),
        str(REPO.parent / "shared" / "xliff-samples"),
        "/work/shared/xliff-samples",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "README.md").is_file():
            return Path(candidate)
    if os.environ.get("CI") == "true":
        pytest.fail("shared/xliff-samples is missing beside the repository (required under CI)")
    pytest.skip("shared/xliff-samples is not beside the repository")


def sample(name: str) -> Path:
    return samples_dir() / name


def read_units(name: str) -> list[tuple[str, bool, ReviewState, str | None]]:
    """(id, translate, state, target text or "refused: why") of every unit of a sample."""
    rows = []
    for unit in read_xliff(sample(name)).units:
        if unit.target is None:
            text = None if not unit.incomplete else f"incomplete: {unit.incomplete}"
        else:
            try:
                text = unit.target_text()
            except CodeMismatch as error:
                text = f"refused: {error}"
        rows.append((unit.id, unit.translate, unit.state, text))
    return rows


# ---------------------------------------------------------------------------
# Reading, as the specification says
# ---------------------------------------------------------------------------

EXPECTED: dict[str, tuple[tuple[str, str | None, str | None], list[tuple[object, ...]]]] = {
    "ttk-states.xlf": (("1.1", "en-US", None), [
        ("1", True, R, "Un"), ("2", True, P, "Deux"), ("3", True, P, "Trois"),
        ("4", True, P, "Quatre"), ("5", True, P, "Cinq"), ("6", True, R, "Six"),
        ("7", True, T, "Sept"), ("8", True, P, "Huit"),
    ]),
    "weblate-cs-auto-mt.xliff": (("1.2", "en", "cs"), [
        ("1", True, P, "Ahoj"), ("2", True, P, "svět"), ("3", True, T, "Auto"),
    ]),
    "weblate-ids-translated-x.xliff": (("1.2", None, None), [
        ("hello", True, T, "Ahoj, svete!\n"),
        ("orangutan", True, T, "Opicka ma {{count}} banan.\n"),
        ("try", True, U, None), ("thanks", True, U, None),
    ]),
    "okapi-segmented-nonamespace.xlf": (("1.2", "en", "de"), [
        ("1", True, T, "Der schnelle braune <b>fuchs</b> sprang über den faulen hund."),
        ("3", True, T, "Segment ein. Segment zwei."),
    ]),
    "omegat-en-xx-crlf.xlf": (("1.2", "en", "xx"), [
        ("example_01", True, U, None), ("example_02", True, R, "bar"),
        ("example_03", True, U, None), ("satisfaction_00_masc", True, U, None),
        ("satisfaction_01_masc", True, R, "Satisfait?"),
        ("satisfaction_01_fem", True, R, "Satisfaite?"),
        ("Added_1", True, U, None), ("Added_2", False, U, None),
    ]),
    "trados-test.txt_en-US_fr-FR.sdlxliff": (("1.2", "en-US", "fr-FR"), [
        ("2cdfe9bd-debe-4af0-b5f5-64bf33e8526c", False, U, None),
        ("0414250d-cb61-4ed9-9a07-ad2e7587498a", True, P,
         "Première phrase Seconde phrase, plus longue. Et ensuite une troisième. "
         "Modifier Et match CM."),
        ("086122a9-d966-4b9c-b694-1e5d830f1ce1", False, U, None),
    ]),
    "memoq-sampe_sch.xliff": (("1.2", "en-us", "zh-cn"), [
        ("1", True, P, "refused: lost opening code 2 “{}”; lost closing code 2 “{}”"),
    ]),
    "xtm-status-sample.xlf": (("1.2", "en-US", "pl-PL"), [
        ("t1", True, R, "Context match segment (translated)."),
        ("t2", True, R, "Exact match segment (translated)."),
        ("t3", True, U, None), ("t4", True, U, None), ("t5", True, U, None),
        ("t6", True, U, None), ("t7", True, U, None),
        ("t8", True, R, "Locked segment"),
    ]),
    "oasis-xliff21-toJoin-crlf.xlf": (("2.0", "en", "fr"), [
        ("1", True, P, "Phrase 1. Phrase [  ] 2.  sentence 3. Phrase 4. Phrase 5."),
    ]),
    "okapi-xliff2-update-target.xlf": (("2.0", "en", "de"), [
        ("1", True, P, "Wie geht <b>es</b> Heute?"),
        ("2", True, P, 'Frodo: Ich wünschte, der <span class="emphasis">Ring</span> wäre nie zu '
         'mir gekommen. Ich <img src="icon.svg"/>wünschte, nichts<img src="some_icon2.svg"/> '
         "davon wäre passiert."),
        ("3", True, P, "Gandalf: So machen es alle, die solche Zeiten erleben, aber das ist "
         "nicht für sie zu entscheiden. Wir müssen uns nur entscheiden, <span class=\"emphasis\">"
         "was wir mit der uns zur Verfügung gestellten Zeit anfangen sollen</span>."),
    ]),
    "okapi-xliff2-comprehensive.xlf": (("2.0", "en", "fr"), [
        ("22", False, R, "Certaines sources <b>informations</b>."),
        ("8", True, U, "incomplete: segment 2 has no target"),
    ]),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_sample_reads_as_the_specification_says(name: str) -> None:
    (version, source_lang, target_lang), units = EXPECTED[name]
    document = read_xliff(sample(name))
    assert (document.version, document.source_lang, document.target_lang) == (
        version, source_lang, target_lang,
    )  # fmt: skip
    assert read_units(name) == units


def test_rainbow_codes_without_original_data_pair_and_join() -> None:
    """Okapi Rainbow's ``<g>``/``<bx>``/``<ex>`` have no original text: the pairs still
    check, the segments join, and the English copied into the target is a translation."""
    units = read_xliff(sample("okapi-rainbow-codetypes.xlf")).units
    assert [u.translate for u in units] == [True, False, *[True] * 7]
    assert {u.state for u in units if u.translate} == {T}
    first = units[0]
    assert first.target_text() == first.source_text  # every code back, in place
    assert first.source_text.startswith("<cf bold=True italic=True>This <cf color=FF0000>is the")
    shadow = [u.target_text() for u in units if u.translate][3]
    assert shadow == "<cf size=20 shadow=True>Shadow</cf>"


def test_line_ends_and_bom_change_nothing() -> None:
    for name in ("omegat-en-xx-crlf.xlf", "oasis-xliff21-toJoin-crlf.xlf",
                 "trados-test.txt_en-US_fr-FR.sdlxliff", "memoq-sampe_sch.xliff"):  # fmt: skip
        data = sample(name).read_bytes()
        assert b"\r\n" in data or data.startswith(b"\xef\xbb\xbf")
        for unit in read_xliff(sample(name)).units:
            assert "\r" not in unit.source_text and "\ufeff" not in unit.source_text


# ---------------------------------------------------------------------------
# Importing into a project whose catalogs hold the samples' sources
# ---------------------------------------------------------------------------

IMPORTS = {
    # sample: (project language, --lang or None, {source: (translation, state, machine?)})
    "ttk-states.xlf": ("fr", "fr", {
        "One": ("Un", R, False), "Two": ("Deux", P, False), "Seven": ("Sept", T, False),
        "Six": ("Six", R, False), "Eight": ("Huit", P, False),
    }),
    "weblate-cs-auto-mt.xliff": ("cs", None, {
        "Hello": ("Ahoj", P, True), "World": ("svět", P, True), "Car": ("Auto", T, False),
    }),
    "weblate-ids-translated-x.xliff": ("cs", "cs", {
        "Hello, world!\n": ("Ahoj, svete!\n", T, False),
        "Try Weblate at <https://demo.weblate.org/>!\n": ("", U, False),
    }),
    "okapi-segmented-nonamespace.xlf": ("de", None, {
        "Segment one. Segment two.": ("Segment ein. Segment zwei.", T, False),
    }),
    "trados-test.txt_en-US_fr-FR.sdlxliff": ("fr", None, {
        "First sentence. Second longer sentence. Followed by a third one. Modify. And CM match.":
        ("Première phrase Seconde phrase, plus longue. Et ensuite une troisième. Modifier Et "
         "match CM.", P, True),
    }),
    "oasis-xliff21-toJoin-crlf.xlf": ("fr", None, {
        "Sentence 1. Sentence [  ] 2.  Sentence 3. Sentence 4. Sentence 5.":
        ("Phrase 1. Phrase [  ] 2.  sentence 3. Phrase 4. Phrase 5.", P, False),
    }),
    "xtm-status-sample.xlf": ("pl", None, {
        "Exact match segment.": ("Exact match segment (translated).", R, False),
        "New segment.": ("", U, False),
    }),
    "okapi-xliff2-update-target.xlf": ("de", None, {
        "How is <b>your</b> day?": ("Wie geht <b>es</b> Heute?", P, False),
    }),
    "okapi-xliff2-comprehensive.xlf": ("fr", None, {
        "Some source <b>information</b>.": ("", U, False),
    }),
}  # fmt: skip


def sample_project(root: Path, name: str, lang: str) -> Path:
    """A project with one catalog of ``lang`` holding every source of the sample, untranslated."""
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.l10n]\nsource_language = "en"\nlanguages = ["{lang}"]\nglossary = ""\n'
    )
    sources = [u.source_text for u in read_xliff(sample(name)).units if u.source_text]
    catalog = Catalog(
        entries=[Entry(msgid=text) for text in dict.fromkeys(sources)],
        header=Entry(msgid="", msgstr=f"Language: {lang}\nContent-Type: text/plain; "
                     "charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"),
        lang=lang, domain="sample",
    )  # fmt: skip
    write_catalog(catalog, root / "locales" / lang / "LC_MESSAGES" / "sample.po")
    return root


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_each_sample_imports_into_catalogs_holding_its_sources(tmp_path: Path, name: str) -> None:
    lang, option, expected = IMPORTS[name]
    project = sample_project(tmp_path / "project", name, lang)
    l10n(project, "xliff", "import", str(sample(name)), *(["--lang", option] if option else []))
    po = project / "locales" / lang / "LC_MESSAGES" / "sample.po"
    index = read_catalog(po, lang, "sample").index()
    for source, (translation, state, machine) in expected.items():
        entry = index[(None, source)]
        assert (entry.msgstr, entry_state(entry)) == (translation, state), source
        assert any("machine translation" in c for c in entry.translator_comments) == machine
    assert msgfmt_check(po) == ""


def test_the_memoq_unit_that_lost_a_code_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    name = "memoq-sampe_sch.xliff"
    project = sample_project(tmp_path / "project", name, "zh_CN")
    po = project / "locales/zh_CN/LC_MESSAGES/sample.po"
    before = po.read_bytes()
    result = l10n(project, "xliff", "import", str(sample(name)), code=1)
    line = read_xliff(sample(name)).units[0].where
    assert f"memoq-sampe_sch.xliff:{line}: lost opening code 2" in " ".join(result.output.split())
    assert po.read_bytes() == before


def test_a_sample_for_another_language_is_refused(tmp_path: Path) -> None:
    project = sample_project(tmp_path / "project", "weblate-cs-auto-mt.xliff", "cs")
    result = l10n(project, "xliff", "import", str(sample("omegat-en-xx-crlf.xlf")), code=1)
    assert "xx is not one of the project's languages" in " ".join(result.output.split())
