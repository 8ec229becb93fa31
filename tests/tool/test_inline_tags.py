"""The project's allowed inline tags (``inline_tags``): what the checks allow, a page shows."""

from __future__ import annotations

from pathlib import Path

from lxml import html

from tests.html_checker import html_errors
from tests.projects import disable_checks, l10n, make_project, set_publish_minimum

PAGES = {
    "dosing": (
        "The 1<sup>st</sup> dose is given on day 0; H<sub>2</sub>O stays as written.\n\n"
        'A second <sup title="x">note</sup> and a line<br>break.\n'
    )
}
FRENCH = {
    "The 1<sup>st</sup> dose is given on day 0; H<sub>2</sub>O stays as written.": (
        "La 1<sup>re</sup> dose est donnée le jour 0 ; H<sub>2</sub>O reste tel quel."
    ),
    'A second <sup title="x">note</sup> and a line<br>break.': (
        'Une M<sup>lle</sup> <sup title="x">note</sup> et un saut<br/>de ligne.'
    ),
    "Dosing": "Posologie",
}


def _main(project: Path, lang: str) -> html.HtmlElement:
    page = html.parse(str(project / "output" / lang / "dosing.html")).getroot()
    main: html.HtmlElement = page.xpath("//main")[0]
    return main


def test_allowed_tags_are_shown_bare_in_the_source_and_its_translation(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "p",
        PAGES,
        ["fr"],
        settings='\n[tool.l10n.check]\ninline_tags = ["sup", "br"]\n',
        translations={"fr": FRENCH},
    )
    disable_checks(project, "language")
    set_publish_minimum(project, 1)  # the UI strings are not translated
    output = l10n(project, "build").output
    assert "English shown instead" not in output
    english, french = _main(project, "en"), _main(project, "fr")
    assert [sup.text for sup in english.iter("sup")] == ["st"]
    assert [sup.text for sup in french.iter("sup")] == ["re", "lle"]
    assert all(not sup.attrib for sup in (*english.iter("sup"), *french.iter("sup")))
    for main in (english, french):
        text = main.text_content()
        # Not on the list, or not bare: shown as the text it is, in both languages.
        assert "H<sub>2</sub>O" in text and '<sup title="x">note</sup>' in text
        assert len(main.xpath(".//br")) == 1 and not main.xpath(".//sub")
    errors = html_errors(sorted((project / "output").rglob("*.html")))
    assert errors == [], "\n".join(errors)


def test_without_the_allowlist_a_tag_is_text_and_a_translation_adding_one_is_refused(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path / "p", PAGES, ["fr"], translations={"fr": FRENCH})
    disable_checks(project, "language")
    set_publish_minimum(project, 1)
    output = l10n(project, "build").output
    assert "raw HTML “<sup>” is not allowed; English shown instead" in output
    assert not _main(project, "en").xpath(".//sup")
    assert "The 1<sup>st</sup> dose" in _main(project, "en").text_content()


def test_a_tag_that_can_run_or_load_something_cannot_be_allowed(tmp_path: Path) -> None:
    project = make_project(
        tmp_path / "p",
        PAGES,
        ["fr"],
        settings='\n[tool.l10n.check]\ninline_tags = ["sup", "Script"]\n',
    )
    for command in ("check", "build"):
        result = l10n(project, command, code=2)
        assert "[tool.l10n.check] inline_tags: script may not be allowed" in result.output
        assert "pyproject.toml" in result.output and "Traceback" not in result.output
