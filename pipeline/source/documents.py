"""Stage 1: read the canonical source pages (Markdown with YAML front matter)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from babel.numbers import is_currency

from pipeline.config import Config
from pipeline.files import UnsafeFileError, read_bounded
from pipeline.model import PipelineError
from pipeline.text.excerpt import excerpt
from pipeline.text.limits import MAX_FRONT_MATTER_BYTES, MAX_FRONT_MATTER_DEPTH, MAX_PAGE_BYTES

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
    documents = [read_document(path, config.relative(path), config.root) for path in files]
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.slug == config.ui_domain:
            raise SourceError(doc.file, 1, f"slug '{doc.slug}' is reserved for the UI domain")
        if doc.slug in seen:
            raise SourceError(doc.file, 1, f"slug '{doc.slug}' is also used by {seen[doc.slug]}")
        seen[doc.slug] = doc.file
    return sorted(documents, key=lambda d: (d.order, d.slug))


def read_document(path: Path, file: str, root: Path | None = None) -> Document:
    """One page; with ``root``, a link that leads out of it is refused (see files.inside)."""
    try:
        data = read_bounded(path, MAX_PAGE_BYTES, root)
    except UnsafeFileError as error:
        raise SourceError(file, 1, str(error.strerror)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
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
    meta = _load_front_matter(raw_meta, file)
    if not isinstance(meta, dict):
        raise SourceError(file, 2, "front matter must be a mapping")
    missing = [key for key in REQUIRED_KEYS if key not in meta]
    if missing:
        raise SourceError(file, 1, f"front matter lacks {', '.join(missing)}")
    slug = str(meta["slug"])
    if not _SLUG.fullmatch(slug):
        # The slug names output and catalog files: it must never reach outside them.
        raise SourceError(
            file, front_matter_line(text, "slug"), f"slug '{excerpt(slug)}': use a-z, 0-9 and '-'"
        )
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        raise SourceError(
            file,
            front_matter_line(text, "order"),
            f"order '{excerpt(str(meta['order']))}' is not a whole number",
        )
    contexts = meta.get("contexts") or {}
    if not isinstance(contexts, dict):
        raise SourceError(
            file, front_matter_line(text, "contexts"), "contexts must map texts to contexts"
        )
    updated = meta.get("updated")
    if isinstance(updated, dt.datetime):
        updated = updated.date()
    elif updated is not None and not isinstance(updated, dt.date):
        try:
            updated = dt.date.fromisoformat(str(updated))
        except ValueError:
            raise SourceError(
                file,
                front_matter_line(text, "updated"),
                f"updated: '{excerpt(str(updated))}' is not an ISO date",
            ) from None
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
        values=_values(meta.get("values", {}), file, front_matter_line(text, "values")),
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


_MAX_AMOUNT = 1e15  # beyond this a float has no cents, and no price is this high


def _values(raw: Any, file: str, line: int) -> dict[str, Value]:
    if not isinstance(raw, dict):
        raise SourceError(file, line, "values must be a mapping")
    values: dict[str, Value] = {}
    for name, spec in raw.items():
        where = f"values.{excerpt(str(name), 40)}"
        amount, currency = (
            (spec, None)
            if not isinstance(spec, dict)
            else (spec.get("amount"), spec.get("currency"))
        )
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            raise SourceError(file, line, f"{where}: expected a number or {{amount, currency}}")
        if not math.isfinite(amount) or abs(amount) >= _MAX_AMOUNT:
            raise SourceError(file, line, f"{where}: {excerpt(str(amount), 30)} is not an amount")
        if currency is not None and not (isinstance(currency, str) and is_currency(currency)):
            raise SourceError(
                file,
                line,
                f"{where}: currency '{excerpt(str(currency), 20)}' is not an ISO 4217 code"
                " such as EUR",
            )
        values[str(name)] = Value(float(amount), currency)
    return values


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader without aliases, with bounded nesting, and whose every error is
    a YAML error with its place in the file.

    An alias repeats a node without repeating its text: a few hundred bytes of
    aliases unfold into gigabytes. A page's front matter has no use for them.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        if self.depth >= MAX_FRONT_MATTER_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested more than {MAX_FRONT_MATTER_DEPTH} levels deep", mark
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # A date such as 2026-13-45 or an integer of 5,000 digits raises ValueError, not
        # a YAML error; said with its place, it is one.
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as error:
            raise yaml.constructor.ConstructorError(
                None, None, str(error), node.start_mark
            ) from None


def _unreadable_character(error: yaml.reader.ReaderError, raw: str, file: str) -> SourceError:
    line = raw[: error.position].count("\n") + 2
    return SourceError(
        file, line, f"front matter: character U+{error.character:04X} is not allowed"
    )


def _load_front_matter(raw: str, file: str) -> Any:
    """The front matter's YAML as Python objects; a one-line error naming the line if not."""
    if not raw:
        return {}
    size = len(raw.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        raise SourceError(
            file,
            2,
            f"front matter is {size:,} bytes, more than the limit of {MAX_FRONT_MATTER_BYTES:,}",
        )
    try:
        loader = _FrontMatterLoader(raw)
    except yaml.reader.ReaderError as error:  # a control character, found before parsing
        raise _unreadable_character(error, raw, file) from None
    try:
        return loader.get_single_data()
    except yaml.reader.ReaderError as error:
        raise _unreadable_character(error, raw, file) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        problem = getattr(error, "problem", None) or str(error)
        raise SourceError(file, line, f"front matter: {excerpt(str(problem))}") from None
    finally:
        loader.dispose()
