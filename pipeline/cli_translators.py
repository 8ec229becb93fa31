"""``l10n xliff`` and ``l10n review``: the commands for translators who work outside git.

Registered on the ``l10n`` group by :mod:`pipeline.cli`, which turns every
``PipelineError`` into one line and an exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from pipeline.cli_common import console, errors
from pipeline.config import Config


def _config() -> Config:
    """The project of the running ``l10n`` command (``--project`` or found from the cwd)."""
    config: Config = click.get_current_context().find_root().obj.config
    return config


def _language(config: Config, lang: str) -> str:
    if lang not in config.languages:
        errors.print(f"[red]error:[/] not a configured language: {escape(lang)}")
        sys.exit(2)
    return lang


@click.group()
def xliff() -> None:
    """Exchange with CAT tools: XLIFF 1.2 and 2.1 out of the catalogs and back."""


@xliff.command("export")
@click.option("--lang", required=True, help="The language to export.")
@click.option("--domain", multiple=True, help="Only these domains (repeatable); all by default.")
@click.option(
    "--version", "version", type=click.Choice(["1.2", "2.1"]), default="1.2", show_default=True
)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path))
def xliff_export(lang: str, domain: tuple[str, ...], version: str, output: Path) -> None:
    """Write a language's catalogs as one XLIFF file, states and notes included."""
    from pipeline.exchange.export import export_xliff

    config = _config()
    summary = export_xliff(
        config, _language(config, lang), output, domains=domain, version=version
    )
    for line in summary.lines():
        console.print(escape(line))


@xliff.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lang", help="The language, when the file does not say.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
def xliff_import(file: Path, lang: str | None, dry_run: bool) -> None:
    """Bring translations and review states from an XLIFF file into the catalogs."""
    from pipeline.exchange.apply import import_xliff

    config = _config()
    if lang:
        _language(config, lang)
    report = import_xliff(config, file, lang, dry_run=dry_run)
    for line in report.refused:
        errors.print(f"[red]error:[/] {escape(line)}")
    if report.refused:
        errors.print(f"[red]error:[/] {escape(str(file))}: nothing imported")
        sys.exit(report.exit_code)
    for line in report.lines(dry_run):
        console.print(escape(line))


@click.group()
def review() -> None:
    """Review states: untranslated, proposed, translated, reviewed."""


@review.command("approve")
@click.argument("locations", nargs=-1, required=True)
@click.option("--by", default="", help="Who approves (written into the comment line).")
def review_approve(locations: tuple[str, ...], by: str) -> None:
    """Mark entries reviewed: CATALOG.po:LINE (as l10n check prints it) or a whole CATALOG.po.

    A whole catalog approves its translations; a line approves that entry, proposal or not.
    """
    from pipeline.catalogs.approve import approve

    result = approve(_config(), list(locations), by)
    for file, line, before in result.approved:
        console.print(escape(f"{file}:{line}: {before.label} → reviewed"))
    approved, written = len(result.approved), len(result.written)
    console.print(f"{approved} entries approved, {written} catalogs written.")
