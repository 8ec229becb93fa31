"""Stage 1: read the canonical source pages (Markdown with YAML front matter)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline.config import Config
from pipeline.model import PipelineError

REQUIRED_KEYS = ("title", "slug", "order")


class SourceError(PipelineError, ValueError):
    """A source page that cannot be read; the message names file and line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line


@dataclass(frozen=True)
class Value:
    """A value that is formatted per locale at render time, e.g. a price."""

    amount: float
    currency: str | None = None


@dataclass(frozen=True)
class Document:
    """One source page."""

    file: str  # project-relative POSIX path
    text: str  # the whole file
    body: str  # the Markdown after the front matter
    body_line: int  # 1-based file line of the body's first line
    title: str
    slug: str
    order: int
    description: str = ""
    layout: str = "page"
    updated: dt.date | None = None
    values: Mapping[str, Value] = field(default_factory=dict)
    # msgid -> msgctxt, for the rare English text that must be translatable two ways
    contexts: Mapping[str, str] = field(default_factory=dict)
    meta: Mapping[str, Any] = field(default_factory=dict)
    folder: str = ""  # the page's folder under the source directory, POSIX; "" at the top
    redirect_from: tuple[str, ...] = ()  # earlier page paths that now lead here

    @property
    def path(self) -> str:
        """The page's place in the site, the same in every language: ``guide/nested``."""
        return f"{self.folder}/{self.slug}" if self.folder else self.slug

    @property
    def domain(self) -> str:
        """The gettext domain of the page's catalogs: its path (``guide/nested``)."""
        return self.path

    @property
    def depth(self) -> int:
        """How many folders deep the page sits."""
        return self.path.count("/")


@dataclass(frozen=True)
class SkippedFile:
    """A file under the source directory that is not built, and why."""

    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: not built: {self.reason}"


@dataclass(frozen=True)
class SourceTree:
    """The pages under the source directory, in navigation order, and the files not built."""

    documents: list[Document]
    skipped: list[SkippedFile]


PAGE_SUFFIX = ".md"


def read_documents(config: Config) -> list[Document]:
    """Every page under the source directory, in navigation order."""
    return read_source_tree(config).documents


def read_source_tree(config: Config) -> SourceTree:
    """Every page under the source directory, its folders included, and each file not built.

    Hidden files and folders (``.git``, an editor's ``.page.md.swp``) are not looked at.
    """
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    root = config.source_path
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts) or not path.is_file():
            continue
        file = config.relative(path)
        if path.suffix != PAGE_SUFFIX:
            skipped.append(SkippedFile(file, 1, f"only {PAGE_SUFFIX} files are pages"))
            continue
        folder = relative.parent.as_posix()
        document = read_document(path, file, "" if folder == "." else folder)
        if document is None:
            skipped.append(SkippedFile(file, 1, "no front matter (title, slug, order)"))
        else:
            documents.append(document)
    _check_paths(documents, config.ui_domain)
    return SourceTree(sorted(documents, key=lambda d: (d.order, d.path)), skipped)


def _check_paths(documents: list[Document], ui_domain: str) -> None:
    seen: dict[str, str] = {}
    for doc in documents:
        where = front_matter_line(doc.text, "slug")
        if doc.path == ui_domain:
            raise SourceError(doc.file, where, f"slug {doc.slug!r} is reserved for the UI domain")
        if doc.path in seen:
            raise SourceError(
                doc.file, where, f"page {doc.path!r} is also made from {seen[doc.path]}"
            )
        seen[doc.path] = doc.file


def read_document(path: Path, file: str, folder: str = "") -> Document | None:
    """The page in ``path``; None for Markdown without front matter, which is not a page."""
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise SourceError(file, line, "not UTF-8 text") from None
    if not text.startswith("---"):
        return None
    return parse_document(text, file, folder)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter YAML, body, 1-based line of the body). No front matter -> ("", text, 1)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return "", text, 1
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:number]), "".join(lines[number + 1 :]), number + 2
    raise ValueError("front matter is not closed by '---'")


def parse_document(text: str, file: str, folder: str = "") -> Document:
    """The page a Markdown text with front matter makes; ``folder`` is where it sits."""
    _check_folder(folder, file)
    try:
        raw_meta, body, body_line = split_front_matter(text)
    except ValueError as error:
        raise SourceError(file, 1, str(error)) from None
    try:
        meta = yaml.safe_load(raw_meta) if raw_meta else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        raise SourceError(file, line, f"front matter: {getattr(error, 'problem', error)}") from None
    if not isinstance(meta, dict):
        raise SourceError(file, 2, "front matter must be a mapping")
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise SourceError(file, 1, f"front matter lacks {', '.join(missing)}")
    slug = str(meta["slug"])
    if not _SLUG.fullmatch(slug):
        # The slug names output and catalog files: it must never reach outside them.
        raise SourceError(
            file, front_matter_line(text, "slug"), f"slug {slug!r}: use a-z, 0-9 and '-'"
        )
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        raise SourceError(
            file, front_matter_line(text, "order"), f"order {meta['order']!r} is not a whole number"
        )
    contexts = meta.get("contexts") or {}
    if not isinstance(contexts, dict):
        raise SourceError(
            file, front_matter_line(text, "contexts"), "contexts must map texts to contexts"
        )
    updated = meta.get("updated")
    if updated is not None and not isinstance(updated, dt.date):
        try:
            updated = dt.date.fromisoformat(str(updated))
        except ValueError:
            raise SourceError(file, 1, f"updated: {updated!r} is not an ISO date") from None
    return Document(
        file=file,
        text=text,
        body=body,
        body_line=body_line,
        title=str(meta["title"]),
        slug=slug,
        order=meta["order"],
        description=str(meta.get("description", "")),
        layout=str(meta.get("layout", "page")),
        updated=updated,
        values=_values(meta.get("values", {}), file),
        contexts={str(k): str(v) for k, v in contexts.items()},
        meta=meta,
        folder=folder,
        redirect_from=_redirect_from(meta, text, file),
    )


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_FOLDER = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Hugo calls them aliases, Jekyll and mkdocs-redirects redirect_from: either is read.
REDIRECT_KEYS = ("redirect_from", "aliases")


def _check_folder(folder: str, file: str) -> None:
    for name in folder.split("/") if folder else ():
        if not _FOLDER.fullmatch(name):
            # A folder names output and catalog paths, as a slug does.
            raise SourceError(file, 1, f"folder {name!r}: use a-z, 0-9, '-' and '_'")


def _redirect_from(meta: Mapping[str, Any], text: str, file: str) -> tuple[str, ...]:
    found: list[str] = []
    for key in REDIRECT_KEYS:
        raw = meta.get(key)
        if raw is None:
            continue
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise SourceError(file, front_matter_line(text, key), f"{key}: a list of page paths")
        found += items
    return tuple(found)


def front_matter_line(text: str, key: str) -> int:
    """The 1-based line of a top-level front matter key (1 if absent), for references and errors."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number > 1 and line.rstrip() in ("---", "..."):
            break
        if line.startswith(f"{key}:"):
            return number
    return 1


def _values(raw: Any, file: str) -> dict[str, Value]:
    if not isinstance(raw, dict):
        raise SourceError(file, 1, "values must be a mapping")
    values: dict[str, Value] = {}
    for name, spec in raw.items():
        if isinstance(spec, int | float):
            values[str(name)] = Value(float(spec))
        elif isinstance(spec, dict) and isinstance(spec.get("amount"), int | float):
            values[str(name)] = Value(float(spec["amount"]), spec.get("currency"))
        else:
            raise SourceError(file, 1, f"values.{name}: expected a number or {{amount, currency}}")
    return values
