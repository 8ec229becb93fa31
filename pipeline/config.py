"""Project configuration: one typed object read from ``[tool.l10n]`` in ``pyproject.toml``."""

from __future__ import annotations

import fnmatch
import os
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from pipeline.files import FileVersion, read_bytes_if_present, write_text_atomic
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
    inline_tags: tuple[str, ...] = ()  # HTML tags a translation may add, bare: ("sup", "br")
    waivers: str = "l10n-waivers.toml"  # reviewers' signed waivers of findings

    def minimum(self, lang: str) -> float:
        return self.languages.get(lang, self.min_complete)


@dataclass(frozen=True)
class PublishConfig:
    min_complete: float = 80.0
    languages: dict[str, float] = field(default_factory=dict)

    def minimum(self, lang: str) -> float:
        return self.languages.get(lang, self.min_complete)


REVIEW_LEVELS = ("translated", "reviewed")
"""What a review policy may require of an entry (see :mod:`pipeline.catalogs.review`)."""

WITHHOLD = ("page", "entry")
"""What an entry below the publish level keeps from a language: its whole page, or itself
(English shown in its place, marked). The interface is on every page: it falls back per entry."""


@dataclass(frozen=True)
class ReviewGroup:
    """Pages (domains, shell patterns allowed) that need their own review level.

    A page of a group is published in a language only when every entry of it is
    (``withhold = "page"``, the default: a medical page is never half English).
    """

    domains: tuple[str, ...] = ()
    publish: str = "translated"
    check: str = "translated"
    withhold: str = "page"


@dataclass(frozen=True)
class ReviewConfig:
    """The review state an entry needs to be published, and to pass ``l10n check``.

    Pages in no group show an entry below the level in English (``withhold = "entry"``).
    """

    publish: str = "translated"
    check: str = "translated"
    withhold: str = "entry"
    groups: dict[str, ReviewGroup] = field(default_factory=dict)
    # Who may sign a waiver, as git writes an identity: "Name <email>".
    reviewers: tuple[str, ...] = ()

    def group_of(self, domain: str) -> str | None:
        for name, group in self.groups.items():
            if any(fnmatch.fnmatchcase(domain, pattern) for pattern in group.domains):
                return name
        return None

    def publish_level(self, domain: str) -> str:
        group = self.group_of(domain)
        return self.groups[group].publish if group is not None else self.publish

    def check_level(self, domain: str) -> str:
        group = self.group_of(domain)
        return self.groups[group].check if group is not None else self.check

    def withholds_page(self, domain: str) -> bool:
        """Whether an entry below the publish level keeps the page ``domain`` from a language.

        Only pages are withheld: the interface's domain falls back per entry whatever it says.
        """
        group = self.group_of(domain)
        return (self.groups[group].withhold if group is not None else self.withhold) == "page"


@dataclass(frozen=True)
class Config:
    root: Path
    source_language: str = "en"
    languages: tuple[str, ...] = ()
    source_dir: str = "source"
    locales_dir: str = "locales"
    output_dir: str = "output"
    preview_dir: str = "output-preview"  # where --include-machine builds; never output_dir
    templates_dir: str | None = None  # a site's own templates; the package's by default
    memory: str = ".l10n/memory.sqlite3"  # a path, or a database URL
    glossary: str | None = "glossary.csv"
    base_url: str = "/"
    # Old page paths and where they lead now, one "old new" pair a line (see the README).
    redirects: str = "redirects.txt"
    ui_domain: str = "ui"
    merge_threshold: float = 80.0  # similarity needed for an update's fuzzy guess
    memory_threshold: float = 75.0  # similarity needed for a memory match
    accept_in_context: bool = False  # accept in-context human memory matches as reviewed
    project_name: str = "l10n-pipeline"
    team: str = "l10n-pipeline project team"
    machine: MachineConfig = field(default_factory=MachineConfig)
    check: CheckConfig = field(default_factory=CheckConfig)
    publish: PublishConfig = field(default_factory=PublishConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)

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
    def preview_path(self) -> Path:
        return self.root / self.preview_dir

    def site_path(self, include_machine: bool) -> Path:
        """Where a build writes its pages: a preview (machine text shown) never goes to output/."""
        return self.preview_path if include_machine else self.output_path

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

    @property
    def redirects_path(self) -> Path:
        return self.root / self.redirects

    @property
    def templates_folder(self) -> Path:
        return self.locales_path / "templates"

    def catalog_folder(self, lang: str) -> Path:
        return self.locales_path / lang / "LC_MESSAGES"

    def template_path(self, domain: str) -> Path:
        """A domain's template; a page in a folder has its template in that folder."""
        return self.templates_folder / f"{domain}.pot"

    def catalog_path(self, lang: str, domain: str) -> Path:
        """A domain's catalog: ``guide/nested`` is ``LC_MESSAGES/guide/nested.po``."""
        return self.catalog_folder(lang) / f"{domain}.po"

    def template_files(self) -> dict[str, Path]:
        """Every template on disk, by domain, folders included."""
        return _files_by_domain(self.templates_folder, ".pot")

    def catalog_files(self, lang: str) -> dict[str, Path]:
        """Every catalog of ``lang`` on disk, by domain, folders included."""
        return _files_by_domain(self.catalog_folder(lang), ".po")

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


def _files_by_domain(folder: Path, suffix: str) -> dict[str, Path]:
    """The files under ``folder`` ending in ``suffix``, by domain: the path without it."""
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix()[: -len(suffix)]: path
        for path in sorted(folder.rglob(f"*{suffix}"))
        if path.is_file()
    }


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
        "review": _review_section(raw.pop("review", {}), f"{where}.review"),
    }
    nested_names = frozenset({"root", "machine", "check", "publish", "review"})
    top = _coerce(Config, raw, where, skip=nested_names)
    config = Config(root=root, **top, **nested)
    for lang in config.all_languages:
        try:
            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            raise ConfigError(f"{where}: unknown language code {lang!r}") from None
    if config.source_language in config.languages:
        raise ConfigError(f"{where}: the source language is also listed in languages")
    preview, output = config.preview_path.resolve(), config.output_path.resolve()
    if preview.is_relative_to(output) or output.is_relative_to(preview):
        # A deployed output/ must never carry a preview page.
        raise ConfigError(f"{where}: preview_dir and output_dir must not contain each other")
    return config


def add_language(config: Config, lang: str) -> bool:
    """Add ``lang`` to ``languages`` in the project's ``[tool.l10n]``; False if it is there.

    The file is edited, not rewritten: its comments, layout and every other
    table stay as they are. ``lang`` must already be a valid code.
    """
    # Imported here, for start-up time only (no cycle): every command reads the configuration
    # (tomllib), and only this one edits it, keeping its layout, which needs tomlkit.
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = config.root / "pyproject.toml"
    version = FileVersion.of(path)
    data = read_bytes_if_present(path)
    if data is None:
        raise ConfigError(f"{path}: not found")
    try:
        document = tomlkit.parse(data.decode("utf-8"))
        table = document["tool"]["l10n"]
    except (TOMLKitError, UnicodeDecodeError, KeyError) as error:
        raise ConfigError(f"{path}: {error}") from None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.l10n] must be a table")
    languages = table.get("languages")
    if languages is None:
        table["languages"] = tomlkit.array()
        languages = table["languages"]
    if not isinstance(languages, list):
        raise ConfigError(f"{path}: [tool.l10n] languages must be a list")
    if lang in languages:
        return False
    languages.append(lang)
    write_text_atomic(path, tomlkit.dumps(document), version)
    return True


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


def _review_section(value: Any, where: str) -> ReviewConfig:
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table")
    raw = dict(value)
    groups_table = raw.pop("groups", {})
    if not isinstance(groups_table, dict):
        raise ConfigError(f"{where}.groups must be a table of groups")
    groups = {
        name: _section(ReviewGroup, group, f"{where}.groups.{name}")
        for name, group in groups_table.items()
    }
    review = ReviewConfig(**_coerce(ReviewConfig, raw, where, skip=frozenset({"groups"})),
                          groups=groups)  # fmt: skip
    for reviewer in review.reviewers:
        if not isinstance(reviewer, str) or reviewer_identity(reviewer) is None:
            raise ConfigError(f"{where}.reviewers: {reviewer!r} is not 'Name <email>'")
    levels = [("", review)] + [(f".groups.{name}", group) for name, group in groups.items()]
    for suffix, holder in levels:
        for kind, allowed in (("publish", REVIEW_LEVELS), ("check", REVIEW_LEVELS),
                              ("withhold", WITHHOLD)):  # fmt: skip
            value = getattr(holder, kind)
            if value not in allowed:
                raise ConfigError(
                    f"{where}{suffix}.{kind}: {value!r} is not one of {', '.join(allowed)}"
                )
    return review


_IDENTITY = re.compile(r"\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s@]+@[^<>\s@]+)>\s*")


def reviewer_identity(reviewer: str) -> tuple[str, str] | None:
    """(name, email in lower case) of a ``reviewers`` entry "Name <email>"; None if not one."""
    match = _IDENTITY.fullmatch(reviewer)
    if match is None or not match["name"]:
        return None
    return match["name"], match["email"].lower()


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
