"""Project configuration: one typed object read from ``[tool.l10n]`` in ``pyproject.toml``."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from pipeline.model import PipelineError

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"
"""The page templates the package ships, used when a site has none of its own."""


class ConfigError(PipelineError):
    """The project cannot be found or its ``[tool.l10n]`` table is wrong (exit code 2)."""


@dataclass(frozen=True)
class MachineConfig:
    engine: str = "google"
    engine_url: str | None = None
    # Environment variable that holds the engine's API key; the key itself never
    # appears in a file or a log.
    api_key_env: str | None = None
    timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    concurrency: int = 4
    batch_size: int = 20


@dataclass(frozen=True)
class CheckConfig:
    min_complete: float = 100.0
    languages: dict[str, float] = field(default_factory=dict)  # per-language minimum
    no_fuzzy: bool = False
    disable: tuple[str, ...] = ()
    language_confidence: float = 0.75  # language-identification threshold
    mt_policy: bool = True  # an MT-origin entry may not be translated unless a human touched it

    def minimum(self, lang: str) -> float:
        return self.languages.get(lang, self.min_complete)


@dataclass(frozen=True)
class PublishConfig:
    min_complete: float = 80.0
    languages: dict[str, float] = field(default_factory=dict)

    def minimum(self, lang: str) -> float:
        return self.languages.get(lang, self.min_complete)


@dataclass(frozen=True)
class Config:
    root: Path
    source_language: str = "en"
    languages: tuple[str, ...] = ()
    source_dir: str = "source"
    locales_dir: str = "locales"
    output_dir: str = "output"
    templates_dir: str | None = None  # a site's own templates; the package's by default
    memory: str = ".l10n/memory.sqlite3"  # a path, or a database URL
    glossary: str | None = "glossary.csv"
    base_url: str = "/"
    ui_domain: str = "ui"
    merge_threshold: float = 80.0  # similarity needed for an update's fuzzy guess
    memory_threshold: float = 75.0  # similarity needed for a memory match
    accept_in_context: bool = False  # accept in-context human memory matches as reviewed
    project_name: str = "l10n-pipeline"
    team: str = "l10n-pipeline project team"
    machine: MachineConfig = field(default_factory=MachineConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    publish: PublishConfig = field(default_factory=PublishConfig)

    # -- paths -------------------------------------------------------------

    @property
    def source_path(self) -> Path:
        return self.root / self.source_dir

    @property
    def locales_path(self) -> Path:
        return self.root / self.locales_dir

    @property
    def output_path(self) -> Path:
        return self.root / self.output_dir

    @property
    def templates_path(self) -> Path:
        if self.templates_dir:
            return self.root / self.templates_dir
        return PACKAGE_TEMPLATES

    @property
    def glossary_path(self) -> Path | None:
        return self.root / self.glossary if self.glossary else None

    @property
    def memory_location(self) -> str:
        """The memory URL or path; ``L10N_MEMORY`` in the environment wins."""
        location = os.environ.get("L10N_MEMORY", self.memory)
        if "://" in location:
            return location
        return str(self.root / location)

    def template_path(self, domain: str) -> Path:
        return self.locales_path / "templates" / f"{domain}.pot"

    def catalog_path(self, lang: str, domain: str) -> Path:
        return self.locales_path / lang / "LC_MESSAGES" / f"{domain}.po"

    def relative(self, path: Path) -> str:
        """A project-relative POSIX path for references and findings."""
        if path.is_absolute() and ".." not in path.parts and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()  # where it is, not where a link leads
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def all_languages(self) -> tuple[str, ...]:
        return (self.source_language, *self.languages)


def find_project(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` whose pyproject.toml has ``[tool.l10n]``."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "l10n" in _read_toml(pyproject).get("tool", {}):
            return candidate
    raise ConfigError(f"no pyproject.toml with a [tool.l10n] table at or above {here}")


def load_config(project: Path | None = None) -> Config:
    """Read the configuration of the project at ``project`` (or found from the cwd)."""
    root = find_project(project)
    table = _read_toml(root / "pyproject.toml").get("tool", {}).get("l10n")
    if not isinstance(table, dict):
        raise ConfigError(f"{root / 'pyproject.toml'}: [tool.l10n] must be a table")
    where = f"{root / 'pyproject.toml'}: [tool.l10n]"
    raw = dict(table)
    nested = {
        "machine": _section(MachineConfig, raw.pop("machine", {}), f"{where}.machine"),
        "check": _section(CheckConfig, raw.pop("check", {}), f"{where}.check"),
        "publish": _section(PublishConfig, raw.pop("publish", {}), f"{where}.publish"),
    }
    top = _coerce(Config, raw, where, skip=frozenset({"root", "machine", "check", "publish"}))
    config = Config(root=root, **top, **nested)
    for lang in config.all_languages:
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            raise ConfigError(f"{where}: unknown language code {lang!r}") from None
    if config.source_language in config.languages:
        raise ConfigError(f"{where}: the source language is also listed in languages")
    return config


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None


def _section(cls: type[Any], value: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    return cls(**_coerce(cls, dict(value), where))


def _coerce(
    cls: type[Any], raw: dict[str, Any], where: str, skip: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Check names and types against the dataclass; TOML lists become tuples."""
    known = {f.name: f for f in fields(cls) if f.name not in skip}
    unknown = sorted(set(raw) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, value in raw.items():
        default = getattr(cls, name, None) if not callable(getattr(cls, name, None)) else None
        expected = known[name].type
        if isinstance(value, list):
            value = tuple(value)
        if "float" in str(expected) and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if "dict" in str(expected):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}.{name} must be a table")
            if not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
            ):
                raise ConfigError(f"{where}.{name}: every value must be a number")
            value = {k: float(v) for k, v in value.items()}
        elif default is not None and not isinstance(value, type(default)):
            raise ConfigError(
                f"{where}.{name}: expected {type(default).__name__}, got {type(value).__name__}"
            )
        values[name] = value
    return values
