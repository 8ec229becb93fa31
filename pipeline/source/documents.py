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

    @property
    def domain(self) -> str:
        return self.slug


def read_documents(config: Config) -> list[Document]:
    """Every page under the source directory, in navigation order."""
    files = sorted(config.source_path.glob("*.md"))
    documents = [read_document(path, config.relative(path)) for path in files]
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.slug == config.ui_domain:
            raise SourceError(doc.file, 1, f"slug {doc.slug!r} is reserved for the UI domain")
        if doc.slug in seen:
            raise SourceError(doc.file, 1, f"slug {doc.slug!r} is also used by {seen[doc.slug]}")
        seen[doc.slug] = doc.file
    return sorted(documents, key=lambda d: (d.order, d.slug))


def read_document(path: Path, file: str) -> Document:
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise SourceError(file, line, "not UTF-8 text") from None
    return parse_document(text, file)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """(front matter YAML, body, 1-based line of the body). No front matter -> ("", text, 1)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return "", text, 1
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:number]), "".join(lines[number + 1 :]), number + 2
    raise ValueError("front matter is not closed by '---'")


def parse_document(text: str, file: str) -> Document:
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
    )


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


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
