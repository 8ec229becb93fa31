"""The ``l10n`` command: parses arguments and calls the stages, nothing more."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.markup import escape

from pipeline import build as build_stage
from pipeline.cli_common import (
    Context,
    console,
    errors,
    language_code,
    pass_context,
    print_errors,
)
from pipeline.cli_memory import opened_memory
from pipeline.config import Config, ConfigError
from pipeline.memory.retire import Retirement
from pipeline.model import PipelineError

# The command groups of their own modules, imported when one of their commands runs (or help
# lists them): a build does not wait for the browser check's or the exchange's imports.
SUBCOMMANDS = {
    "tm": "pipeline.cli_memory",
    "xliff": "pipeline.cli_translators",
    "review": "pipeline.cli_translators",
    "pseudo": "pipeline.cli_layout",
    "layout": "pipeline.cli_layout",
}


class Commands(click.Group):
    """Every command's bad input ends as one line on stderr and an exit code, never a traceback."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            command = getattr(importlib.import_module(SUBCOMMANDS[cmd_name]), cmd_name)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as error:
            print_errors(error)
            sys.exit(2)
        except (PipelineError, OSError) as error:
            print_errors(error)
            sys.exit(1)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Project directory (default: found from the current directory).",
)
@click.version_option(package_name="l10n-pipeline")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Localization pipeline: source -> catalogs -> memory/machine prefill -> checks -> pages."""
    ctx.obj = Context(project)


def _languages(config: Config, lang: tuple[str, ...]) -> list[str]:
    unknown = [code for code in lang if code not in config.languages]
    if unknown:
        errors.print(f"[red]error:[/] not a configured language: {', '.join(unknown)}")
        sys.exit(2)
    return list(lang) or list(config.languages)


@main.command()
@click.option("--lang", multiple=True, help="Only these languages (repeatable).")
@click.option(
    "--include-machine",
    is_flag=True,
    help="Preview build into preview_dir (never output/): fuzzy (machine) text shown, "
    "marked, every page noindex.",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the pages here instead of output/ (or preview_dir for a preview).",
)
@pass_context
def build(
    obj: Context, lang: tuple[str, ...], include_machine: bool, output: Path | None
) -> None:
    """Extract, update the catalogs, and render the site into the output directory."""
    config = obj.config
    outcome = build_stage.build(
        config, include_machine=include_machine, languages=_languages(config, lang), output=output
    )
    for line in dict.fromkeys(outcome.errors):
        errors.print(f"[red]error:[/] {escape(line)}")
    for skipped in outcome.skipped:
        errors.print(f"[yellow]warning:[/] {escape(str(skipped))}")
    for line in dict.fromkeys(outcome.site.notes):
        if line not in outcome.errors:
            errors.print(f"[yellow]warning:[/] {escape(line)}")
    _say_retired(config, outcome.retired, outcome.redirects_recorded)
    for path in outcome.site.removed:
        console.print(f"removed stale {config.relative(path)}")
    for code, why in outcome.site.withheld.items():
        console.print(f"{code}: not published: {why}")
    for line in outcome.site.withheld_pages:
        console.print(escape(line), soft_wrap=True)
    if outcome.site.complete:
        complete = ", ".join(f"{code} {pct:.1f}%" for code, pct in outcome.site.complete.items())
        console.print(f"Complete (as l10n check counts): {complete}.", soft_wrap=True)
    written = len(outcome.update.written) + len(outcome.site.written)
    console.print(
        f"Built {outcome.site.pages} pages in {len(outcome.site.published)} languages "
        f"({', '.join(outcome.site.published)}); {written} files written."
    )
    console.print(f"Pages: {config.relative(outcome.output or config.output_path)}/index.html")
    if outcome.errors:
        sys.exit(1)


@main.command()
@pass_context
def update(obj: Context) -> None:
    """Extract the templates and merge every language's catalogs (msgmerge semantics)."""
    config = obj.config
    outcome = build_stage.update(config)
    report = outcome.update
    if outcome.memory_error:
        errors.print(f"[yellow]warning:[/] {escape(outcome.memory_error)}")
    for skipped in outcome.skipped:
        errors.print(f"[yellow]warning:[/] {escape(str(skipped))}")
    for line in report.errors:
        errors.print(f"[red]error:[/] {escape(line)}")
    for path, result in sorted(report.merges.items()):
        if result.fuzzy or result.new or result.obsolete or result.carried:
            console.print(
                f"{path}: {result.kept} kept, {result.carried} carried over from other catalogs, "
                f"{result.fuzzy} fuzzy, {result.new} new, {result.obsolete} obsolete"
            )
    for summary in report.by_language(config, config.languages):
        settled = f"; proposal comments removed from {summary.settled}" if summary.settled else ""
        unreadable = f"; {summary.unreadable} unreadable" if summary.unreadable else ""
        console.print(
            f"{summary.lang}: {summary.catalogs} catalogs, {summary.written} written: "
            f"{summary.kept} kept, {summary.fuzzy} fuzzy, {summary.new} new, "
            f"{summary.obsolete} obsolete{settled}{unreadable}"
        )
    _say_retired(config, outcome.retired, outcome.redirects_recorded)
    for item in outcome.retired:
        if item.error:
            errors.print(f"[red]error:[/] {escape(item.error)}")
    console.print(f"{len(report.written)} files written.")
    sys.exit(1 if report.errors or any(item.error for item in outcome.retired) else 0)


def _say_retired(
    config: Config, retired: list[Retirement], recorded: list[tuple[str, str]]
) -> None:
    """One line per retired page (its units in the memory, its files removed), per redirect."""
    lines = [item.summary(config.relative) for item in retired if item.removed]
    lines += [f"redirect {old} -> {new} recorded in {config.redirects}" for old, new in recorded]
    for line in lines:
        console.print(escape(line), soft_wrap=True)


@main.command()
@click.argument("lang")
@pass_context
def init(obj: Context, lang: str) -> None:
    """Add a language: list it in ``languages`` of ``[tool.l10n]`` and create its catalogs.

    pyproject.toml keeps its comments and layout; existing catalogs are left alone.
    """
    from pipeline.catalogs.update import init_language
    from pipeline.config import add_language

    config = obj.config
    # The strict grammar, and a locale Babel knows: a ConfigError (exit 2) if not.
    code = language_code(lang)
    if code == config.source_language:
        errors.print(f"[red]error:[/] {code} is the source language")
        sys.exit(2)
    segments = build_stage.extract(config)  # a broken source stops here, before any change
    done = "added to" if add_language(config, code) else "already in"
    console.print(f"{code}: {done} languages in [tool.l10n] of pyproject.toml", markup=False)
    created = init_language(config, code, segments)
    where = config.relative(config.locales_path / code)
    console.print(f"{code}: {len(created)} catalogs created under {where}")


@main.command()
@click.option("--lang", multiple=True, help="Only these languages (repeatable).")
@click.option(
    "--engine",
    help="Machine-translation engine for this run (google, libre, deepl, mymemory, microsoft).",
)
@click.option("--engine-url", help="Engine URL for this run, e.g. a self-hosted LibreTranslate.")
@click.option("--no-machine", is_flag=True, help="Fill from the translation memory only.")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be sent and the characters per engine and language.",
)
@pass_context
def prefill(
    obj: Context,
    lang: tuple[str, ...],
    engine: str | None,
    engine_url: str | None,
    no_machine: bool,
    dry_run: bool,
) -> None:
    """Fill empty entries: memory first, then machine translation. Everything is written fuzzy."""
    from pipeline.machine.failures import MachineError
    from pipeline.machine.prefill import make_translator
    from pipeline.machine.prefill import prefill as run_prefill

    config = obj.config
    languages = _languages(config, lang)
    translator = None
    if not no_machine:
        try:
            translator = make_translator(config, engine, engine_url)
        except MachineError as error:
            errors.print(f"[red]error:[/] {escape(str(error))}")
            sys.exit(2)
    with opened_memory(config.memory_location) as memory, _progress() as progress:
        report = run_prefill(
            config, memory, translator, languages, dry_run=dry_run, progress=progress
        )
    for line in report.errors + report.failures:
        errors.print(f"[red]error:[/] {escape(line)}")
    engine_name = translator.name if translator else "no engine (--no-machine)"
    for summary in report.languages:
        for line in summary.lines(engine_name, dry_run):
            console.print(line, markup=False)
    sys.exit(report.exit_code)


@main.command()
@click.option("--lang", multiple=True, help="Only these languages (repeatable).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
)
@click.option("--no-source", is_flag=True, help="Skip the source checks.")
@click.option("--no-qa", is_flag=True, help="Statistics and gates only.")
@pass_context
def check(
    obj: Context, lang: tuple[str, ...], output_format: str, no_source: bool, no_qa: bool
) -> None:
    """May this be published? Exit 0 if every gate passes, 1 if not, 2 on a usage error."""
    from pipeline.checks.report import format_github, format_json, format_text
    from pipeline.checks.run import run_checks

    config = obj.config
    report = run_checks(config, _languages(config, lang), source=not no_source, qa=not no_qa)
    if output_format == "json":
        click.echo(format_json(report))
    elif output_format == "github":
        click.echo(format_github(report))
    else:
        format_text(report, console)
    sys.exit(report.exit_code)


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback by default).",
)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--include-machine",
    is_flag=True,
    help="Build and serve the preview (preview_dir): fuzzy (machine) text, marked and noindex.",
)
@pass_context
def serve(obj: Context, host: str, port: int, include_machine: bool) -> None:
    """Serve the site for preview; rebuild and reload when source, locales or templates change."""
    from pipeline.serve import serve as run_serve

    run_serve(obj.config, host, port, include_machine=include_machine)


@main.group()
def source() -> None:
    """Source-side commands."""


@source.command("fix")
@click.option("--text", help="The English text to put in place of the (single) foreign fragment.")
@click.option("--engine", help="Machine-translation engine to ask for the English.")
@click.option("--engine-url", help="Engine URL, e.g. a self-hosted LibreTranslate.")
@click.option("--dry-run", is_flag=True, help="Show the fixes without writing anything.")
@pass_context
def source_fix(
    obj: Context, text: str | None, engine: str | None, engine_url: str | None, dry_run: bool
) -> None:
    """Move foreign-language text out of the English source into its language's catalog."""
    from pipeline.sourcefix import apply, plan

    config = obj.config
    with opened_memory(config.memory_location) as memory:
        fixes = plan(config, memory, text=text, engine=engine, engine_url=engine_url)
        for fix in fixes:
            kind = "block" if fix.whole_block else "sentence"
            console.print(
                escape(f"{fix.file}:{fix.line}: {fix.lang} {kind} «{fix.original[:60]}…»")
                + escape(f" -> «{fix.english[:60]}…» ({fix.english_origin})")
            )
            if not fix.confirmed:
                console.print("  machine English: an editor must confirm it (see 'unconfirmed')")
        if not fixes:
            console.print("The source is all in the source language; nothing to fix.")
        if dry_run or not fixes:
            return
        report = apply(config, memory, fixes)
    for path in report.catalogs_written:
        console.print(f"updated {path}")


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on a terminal, plain lines in CI."""
    if not console.is_terminal:
        last: dict[str, int] = {}

        def plain(lang: str, done: int, total: int) -> None:
            if done == total or done - last.get(lang, 0) >= max(1, total // 10):
                last[lang] = done
                console.print(f"{lang}: {done}/{total} machine translations received")

        yield plain
        return
    # Imported here, for start-up time only (no cycle): a terminal's progress bar is the one
    # use of rich.progress, and it brings a fifth of rich.
    from rich.progress import Progress, TaskID

    with Progress(console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def update(lang: str, done: int, total: int) -> None:
            if lang not in tasks:
                tasks[lang] = progress.add_task(f"{lang} machine translation", total=total)
            progress.update(tasks[lang], completed=done)

        yield update


if __name__ == "__main__":  # pragma: no cover
    main()
