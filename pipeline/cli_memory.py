"""``l10n tm``: the translation memory's import, export, rebuild, migration and statistics."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from rich.markup import escape

from pipeline.cli_common import Context, console, errors, pass_context
from pipeline.memory.base import TranslationMemory


@click.group()
def tm() -> None:
    """The translation memory: import, export, rebuild, stats."""


@contextmanager
def opened_memory(location: str) -> Iterator[TranslationMemory]:
    """The memory at ``location`` (a SQLite path or a postgresql:// URL), open for the block."""
    from pipeline.memory.backends import open_memory
    from pipeline.memory.units import TranslationMemoryError

    try:
        memory = open_memory(location)
    except TranslationMemoryError as error:
        errors.print(f"[red]error:[/] translation memory: {escape(str(error))}")
        sys.exit(2)
    with memory:
        yield memory


@tm.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pass_context
def tm_import(obj: Context, file: Path) -> None:
    """Import a TMX 1.4 file (one transaction: all or nothing)."""
    from pipeline.memory.tmx import import_tmx

    notes: list[str] = []
    with opened_memory(obj.config.memory_location) as memory:
        added = import_tmx(memory, file, obj.config.source_language, obj.config.languages, notes)
    for note in notes:
        errors.print(f"[yellow]note:[/] {escape(note)}")
    console.print(f"{file}: {added} new units")


@tm.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", multiple=True, help="Only these target languages.")
@pass_context
def tm_export(obj: Context, file: Path, lang: tuple[str, ...]) -> None:
    """Export the memory as TMX 1.4b (for OmegaT, Trados, Weblate)."""
    from pipeline.memory.tmx import export_tmx

    config = obj.config
    with opened_memory(config.memory_location) as memory:
        count = export_tmx(memory, file, config.source_language, list(lang) or None)
    console.print(f"{file}: {count} units")


@tm.command("rebuild")
@pass_context
def tm_rebuild(obj: Context) -> None:
    """Recreate the human units from the catalogs, the source of truth."""
    from pipeline.catalogs.update import read_catalogs

    config = obj.config
    catalogs = []
    for lang in config.languages:
        readable, unreadable = read_catalogs(config, lang)
        catalogs += [as_read.catalog for as_read in readable]
        for line in unreadable:
            errors.print(f"[yellow]warning:[/] {escape(line)}")
    with opened_memory(config.memory_location) as memory:
        count = memory.rebuild(catalogs, config.source_language)
    console.print(f"{count} units from {len(catalogs)} catalogs")


@tm.command("migrate")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="PATH_OR_URL",
    help="The memory to copy into: a SQLite path or a postgresql:// URL.",
)
@pass_context
def tm_migrate(obj: Context, target: str) -> None:
    """Copy every unit of the project's memory into another memory (SQLite <-> PostgreSQL)."""
    from pipeline.memory.backends import migrate
    from pipeline.memory.postgres import redact

    with (
        opened_memory(obj.config.memory_location) as source,
        opened_memory(target) as destination,
    ):
        added = migrate(source, destination)
        total = destination.stats()["units"]
    console.print(f"{escape(redact(target))}: {added} new units, {total} in all")


@tm.command("stats")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True,
)  # fmt: skip
@pass_context
def tm_stats(obj: Context, output_format: str) -> None:
    """Units per language pair, level and origin."""
    from pipeline.checks.report import plain_table
    from pipeline.memory.stats import MemoryStats, empty_memory_note

    location = obj.config.memory_location
    created_now = "://" not in location and not Path(location).exists()
    with opened_memory(location) as memory:
        stats = MemoryStats.of(memory)
    if output_format == "json":
        click.echo(json.dumps(stats.to_json(), ensure_ascii=False, indent=2))
        return
    if stats.counts:
        for line in plain_table(*stats.table(), right=range(2, len(stats.table()[0]))):
            console.print(line, markup=False)
    console.print(f"{stats.units} units, {stats.texts} source texts", markup=False)
    if not stats.units:
        console.print(empty_memory_note(created_now), markup=False)
