"""``l10n pseudo`` and ``l10n layout``: the pseudo-locales' preview, and the browser check of
a built site's layout.

Registered on the ``l10n`` group by :mod:`pipeline.cli`. ``l10n layout`` exits 0 when it
ran (1 with ``--gate`` when it found anything) and 2 when it could not run: no built
pages, no Playwright, no Chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from pipeline.build import build_pseudo
from pipeline.cli_common import Context, console, errors, pass_context
from pipeline.config import Config
from pipeline.layout.browser import BrowserUnavailable
from pipeline.layout.check import WIDTHS, LayoutError, check_layout, site_pages
from pipeline.layout.report import format_json, format_text
from pipeline.text.glossary import project_glossary
from pipeline.text.languages import PSEUDO_LOCALES, pseudo_locale

LAYOUT_REPORTS = Path(".l10n") / "layout"


def _pseudo_locales(given: tuple[str, ...]) -> list[str]:
    """The pseudo-locales asked for, in their BCP 47 form; all of them by default."""
    found = [pseudo_locale(code) for code in given]
    unknown = [code for code, locale in zip(given, found, strict=True) if locale is None]
    if unknown:
        known = ", ".join(PSEUDO_LOCALES)
        errors.print(f"[red]error:[/] not a pseudo-locale: {escape(', '.join(unknown))} ({known})")
        sys.exit(2)
    return [locale.code for locale in found if locale is not None] or list(PSEUDO_LOCALES)


def _published(config: Config, given: tuple[str, ...]) -> list[str]:
    """The languages asked for (the source's too) whose pages are in ``output/``."""
    unknown = [code for code in given if code not in config.all_languages]
    if unknown:
        errors.print(f"[red]error:[/] not a language of the project: {escape(', '.join(unknown))}")
        sys.exit(2)
    wanted = list(given) or list(config.all_languages)
    return [code for code in wanted if (config.output_path / code).is_dir()]


def _build_pseudo(config: Config, locales: list[str]) -> tuple[int, Path]:
    report, target = build_pseudo(config, locales)
    for line in dict.fromkeys(report.errors):
        errors.print(f"[red]error:[/] {escape(line)}")
    return len(report.written), target


@click.command()
@click.option("--lang", multiple=True, help="Only these pseudo-locales: en-XA, ar-XB (repeatable).")
@pass_context
def pseudo(obj: Context, lang: tuple[str, ...]) -> None:
    """Build the site in pseudo-locales into the preview directory: en-XA (accented, about
    35% longer, bracketed) and ar-XB (mirrored, right to left). No catalog is written."""
    config = obj.config
    locales = _pseudo_locales(lang)
    written, target = _build_pseudo(config, locales)
    console.print(
        f"Built the pseudo-locales {', '.join(locales)} from the source; {written} files written."
    )
    console.print(f"Pages: {config.relative(target)}/index.html")


@click.command()
@click.option(
    "--pseudo",
    "use_pseudo",
    is_flag=True,
    help="Build the pseudo-locales and check their pages, text not pseudo-translated too.",
)
@click.option("--lang", multiple=True, help="Only these languages (repeatable).")
@click.option(
    "--width",
    type=click.IntRange(200, 3840),
    multiple=True,
    help=f"Viewport width in CSS pixels (repeatable; default {' and '.join(map(str, WIDTHS))}).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Folder for the screenshot crops and layout.json (default {LAYOUT_REPORTS}/…).",
)
@click.option("--gate", is_flag=True, help="Exit 1 when anything is found (a CI gate).")
@click.option(
    "--browser",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Chromium to run (default: L10N_CHROMIUM, else chromium on the PATH).",
)
@pass_context
def layout(
    obj: Context,
    use_pseudo: bool,
    lang: tuple[str, ...],
    width: tuple[int, ...],
    output_format: str,
    report_dir: Path | None,
    gate: bool,
    browser: Path | None,
) -> None:
    """Measure the built pages in Chromium at phone and desktop width: overflowing boxes,
    words broken across lines in table cells, and, on pseudo-locale pages, text that
    did not come through the catalogs."""
    config = obj.config
    if use_pseudo:
        locales = _pseudo_locales(lang)
        folder = _build_pseudo(config, locales)[1]
        pages = site_pages(folder, [], source_language=config.source_language, pseudo=locales)
        terms = project_glossary(config).do_not_translate
    else:
        folder = config.output_path
        languages = _published(config, lang)
        pages = site_pages(folder, languages, source_language=config.source_language)
        terms = ()
    default_reports = LAYOUT_REPORTS / ("pseudo" if use_pseudo else "output")
    try:
        report = check_layout(
            folder,
            pages,
            report_dir.resolve() if report_dir is not None else config.root / default_reports,
            widths=width or WIDTHS,
            terms=terms,
            browser=browser,
            relative=config.relative,
        )
    except (BrowserUnavailable, LayoutError) as error:
        hint = "" if use_pseudo or isinstance(error, BrowserUnavailable) else " (l10n build first)"
        errors.print(f"[red]error:[/] {escape(str(error))}{hint}")
        sys.exit(2)
    if output_format == "json":
        click.echo(format_json(report))
    else:
        for line in format_text(report):
            console.print(line, markup=False)
    sys.exit(1 if gate and report.findings else 0)
