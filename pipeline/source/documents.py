"""Stage 1: read the canonical source pages (Markdown with YAML front matter)."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
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

REQUIRED_KEYS = ("title",)  # slug defaults to the file name, order to after the ordered pages


class SourceError(PipelineError, ValueError):
    """A source page that cannot be read; the message names file and line."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line


class SourceErrors(SourceError):
    """Every error found in the source pages, in file and line order; one per line."""

    def __init__(self, errors: Sequence[SourceError]) -> None:
        self.errors = sorted(errors, key=lambda error: (error.file, error.line))
        first = self.errors[0]
        super().__init__(first.file, first.line, "")
        self.args = ("\n".join(str(error) for error in self.errors),)


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
    order: int | None  # None: after the pages that have one, by file name
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
    Every page is read before anything is refused: :class:`SourceErrors` lists the errors
    of all of them at once.
    """
    documents: list[Document] = []
    skipped: list[SkippedFile] = []
    errors: list[SourceError] = []
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
        try:
            document = read_document(path, file, "" if folder == "." else folder, config.root)
        except SourceError as error:
            errors.extend(getattr(error, "errors", [error]))
            continue
        if document is None:
            skipped.append(SkippedFile(file, 1, "no front matter (a title at least)"))
        else:
            documents.append(document)
    errors += _path_errors(documents, config.ui_domain)
    if errors:
        raise SourceErrors(errors)
    return SourceTree(sorted(documents, key=navigation_order), skipped)


def _path_errors(documents: list[Document], ui_domain: str) -> list[SourceError]:
    errors: list[SourceError] = []
    seen: dict[str, str] = {}
    for doc in documents:
        if doc.path == ui_domain:
            problem = f"slug '{doc.slug}' is reserved for the UI domain"
        elif doc.path in seen:
            problem = f"page '{doc.path}' is also made from {seen[doc.path]}"
        else:
            seen[doc.path] = doc.file
            continue
        errors.append(SourceError(doc.file, front_matter_line(doc.text, "slug"), problem))
    return errors


def navigation_order(document: Document) -> tuple[bool, int, str]:
    """Pages with an ``order`` by it, then the others by their path."""
    return (document.order is None, document.order or 0, document.path)


def read_document(
    path: Path, file: str, folder: str = "", root: Path | None = None
) -> Document | None:
    """The page in ``path``; None for Markdown without front matter, which is not a page.

    With ``root``, a link that leads out of it is refused (see files.inside).
    """
    try:
        data = read_bounded(path, MAX_PAGE_BYTES, root)
    except UnsafeFileError as error:
        raise SourceError(file, 1, str(error.strerror)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
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
    """The page a Markdown text with front matter makes; ``folder`` is where it sits.

    :class:`SourceErrors` names every problem of its front matter at once.
    """
    meta, body, body_line = _front_matter(text, file)
    problems = [SourceError(file, 1, problem) for problem in _folder_problems(folder)]

    def read_field(key: str, read: Callable[[Any], Any], default: Any = None) -> Any:
        try:
            return read(meta[key]) if key in meta else default
        except (ValueError, TypeError) as error:
            problems.append(SourceError(file, front_matter_line(text, key), str(error)))
            return default

    if meta.get("title") in (None, ""):
        problems.append(SourceError(file, front_matter_line(text, "title"), "no title"))
    slug = read_field("slug", _slug, Path(file).stem)
    if "slug" not in meta and not _SLUG.fullmatch(slug):
        message = f"no slug, and the file name '{excerpt(slug)}' cannot be one: add 'slug:'"
        problems.append(SourceError(file, 1, message))
    order = read_field("order", _order)
    contexts = read_field("contexts", _contexts, {})
    updated = read_field("updated", _date)
    values = read_field("values", _values, {})
    redirect_from: tuple[str, ...] = ()
    try:
        redirect_from = _redirect_from(meta, text, file)
    except SourceError as error:
        problems.append(error)
    if problems:
        raise SourceErrors(problems)
    return Document(
        file=file,
        text=text,
        body=body,
        body_line=body_line,
        title=str(meta["title"]),
        slug=slug,
        order=order,
        description=str(meta.get("description", "")),
        layout=str(meta.get("layout", "page")),
        updated=updated,
        values=values,
        contexts=contexts,
        meta=meta,
        folder=folder,
        redirect_from=redirect_from,
    )


def _front_matter(text: str, file: str) -> tuple[dict[str, Any], str, int]:
    try:
        raw_meta, body, body_line = split_front_matter(text)
    except ValueError as error:
        raise SourceError(file, 1, str(error)) from None
    meta = _load_front_matter(raw_meta, file)
    if not isinstance(meta, dict):
        raise SourceError(file, 2, "front matter must be a mapping")
    return meta, body, body_line


def _slug(value: Any) -> str:
    slug = str(value)
    if not _SLUG.fullmatch(slug):
        # The slug names output and catalog files: it must never reach outside them.
        raise ValueError(f"slug '{excerpt(slug)}': use a-z, 0-9 and '-'")
    return slug


def _order(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"order '{excerpt(str(value))}' is not a whole number")
    return value


def _contexts(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("contexts must map texts to contexts")
    return {str(k): str(v) for k, v in value.items()}


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"updated: '{excerpt(str(value))}' is not an ISO date") from None


_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")
_FOLDER = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Hugo calls them aliases, Jekyll and mkdocs-redirects redirect_from: either is read.
REDIRECT_KEYS = ("redirect_from", "aliases")


def _folder_problems(folder: str) -> list[str]:
    # A folder names output and catalog paths, as a slug does.
    return [
        f"folder '{excerpt(name)}': use a-z, 0-9, '-' and '_'"
        for name in (folder.split("/") if folder else ())
        if not _FOLDER.fullmatch(name)
    ]


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


_MAX_AMOUNT = 1e15  # beyond this a float has no cents, and no price is this high


def _values(raw: Any) -> dict[str, Value]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ValueError("values must be a mapping")
    values: dict[str, Value] = {}
    for name, spec in raw.items():
        where = f"values.{excerpt(str(name), 40)}"
        amount, currency = (
            (spec, None)
            if not isinstance(spec, dict)
            else (spec.get("amount"), spec.get("currency"))
        )
        if not isinstance(amount, int | float) or isinstance(amount, bool):
            raise ValueError(f"{where}: expected a number or {{amount, currency}}")
        # The bound first: an integer of hundreds of digits is no float (math.isfinite fails).
        if abs(amount) >= _MAX_AMOUNT or not math.isfinite(amount):
            raise ValueError(f"{where}: {excerpt(str(amount), 30)} is not an amount")
        if currency is not None and not (isinstance(currency, str) and is_currency(currency)):
            raise ValueError(
                f"{where}: currency '{excerpt(str(currency), 20)}' is not an ISO 4217 code"
                " such as EUR"
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
