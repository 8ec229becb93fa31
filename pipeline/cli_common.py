"""What every ``l10n`` command shares: its console, its project and one line per error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from pipeline.config import Config, ConfigError, load_config
from pipeline.text.excerpt import escaped
from pipeline.text.languages import parse_language_code
from pipeline.text.tags import project_inline_tags


class EscapingConsole(Console):
    """A console that shows invisible characters of what it prints as escapes.

    Messages repeat file names and file contents: a terminal escape or a bidi
    override in them must not reach the terminal or the CI log as itself.
    """

    def print(self, *objects: Any, **options: Any) -> None:
        super().print(*(escaped(o) if isinstance(o, str) else o for o in objects), **options)


# soft_wrap: a line is never cut at the console width, so a CI log keeps URLs and paths whole.
console = EscapingConsole(highlight=False, soft_wrap=True)
errors = EscapingConsole(stderr=True, highlight=False, soft_wrap=True)


def described(error: BaseException) -> str:
    """An error's message: an operating-system error as "file: reason"."""
    if isinstance(error, OSError) and error.filename and error.strerror:
        return f"{error.filename}: {error.strerror}"
    return str(error)


class Context:
    def __init__(self, project: Path | None) -> None:
        self.project = project
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            config = load_config(self.project)
            for code in config.all_languages:
                language_code(code, f"{config.root / 'pyproject.toml'}: [tool.l10n]: ")
            project_inline_tags(config)  # a tag no page may show is refused before any work
            self._config = config
        return self._config


def language_code(code: str, where: str = "") -> str:
    """``code`` once checked against the strict grammar, before any path is built from it."""
    try:
        return parse_language_code(code)
    except ValueError as error:
        raise ConfigError(f"{where}{error}") from None


pass_context = click.make_pass_decorator(Context)


def print_errors(error: Exception) -> None:
    """One ``error:`` line per problem: an error may list several (every broken source page)."""
    for line in described(error).splitlines() or [""]:
        errors.print(f"[red]error:[/] {escape(line)}")
