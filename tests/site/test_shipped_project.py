"""The shipped project as it is committed: it builds, its catalogs are current and valid,
its pages are valid HTML, it passes the publication gate CI runs (``l10n check``), and its
reviewed catalogs carry sentences over correctly when the source is edited."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from bench.sentence_leverage import measure
from pipeline.config import load_config
from tests.html_checker import html_errors
from tests.projects import copy_project, l10n, msgfmt_check

DOMAINS = ["cost", "effectiveness", "faq", "index", "recovery", "references", "safety", "ui"]


def files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A copy of the shipped project after ``l10n build``, and its locales/ before the build."""
    project = copy_project(tmp_path_factory.mktemp("shipped") / "site")
    committed = files(project / "locales")
    l10n(project, "build")
    return project, committed


def test_the_committed_catalogs_are_current_and_pass_msgfmt(
    built: tuple[Path, dict[str, bytes]],
) -> None:
    project, committed = built
    assert files(project / "locales") == committed, "l10n build changed the shipped catalogs"
    templates = sorted((project / "locales" / "templates").glob("*.pot"))
    assert [p.stem for p in templates] == DOMAINS
    config = load_config(project)
    catalogs = [config.catalog_path(lang, d) for lang in config.languages for d in DOMAINS]
    for path in [*templates, *catalogs]:
        assert msgfmt_check(path) == "", path


def test_the_shipped_project_passes_its_gates(built: tuple[Path, dict[str, bytes]]) -> None:
    project, _ = built
    result = l10n(project, "check")
    assert "0 error(s)" in result.output


def test_every_language_is_published_with_the_effectiveness_table(
    built: tuple[Path, dict[str, bytes]],
) -> None:
    project, _ = built
    for lang in ("en", *load_config(project).languages):
        page = html.parse(str(project / "output" / lang / "effectiveness.html")).getroot()
        assert page.get("lang") == lang
        assert len(page.xpath("//table//tbody/tr")) == 8
        assert len(page.xpath("//table//tbody/tr[1]/td")) == 6


def test_every_shipped_page_is_valid_html(built: tuple[Path, dict[str, bytes]]) -> None:
    project, _ = built
    pages = sorted((project / "output").rglob("*.html"))
    assert len(pages) >= 6 * len(DOMAINS[:-1]) + 2
    errors = html_errors(pages)
    assert errors == [], "\n".join(errors)


def test_sentence_leverage_on_the_shipped_catalogs_carries_no_sentence_wrongly(
    tmp_path: Path,
) -> None:
    """The bench's edit script (bench/sentence_leverage.py) on the shipped, reviewed catalogs."""
    results = measure(copy_project(tmp_path / "p"), per_kind=2)
    total = results.total
    assert set(results.edits) == {"word", "added", "removed", "swapped", "typo", "split"}
    assert total["wrong_carry_overs"] == 0
    assert total["not_word_for_word"] == 0
    assert total["unchanged_sentences"] > 0
    assert total["carried_ours"] == total["unchanged_sentences"]
    assert total["carried_msgmerge"] == 0
    assert total["review_words_ours"] < total["review_words_msgmerge"] / 3
