"""Where the old address of a page leads now.

Two sources, both kept with the project (so every build and every clone makes
the same redirects):

- ``redirect_from:`` (or Hugo's ``aliases:``) in a page's front matter: earlier
  paths of that page, written by an editor;
- the redirects file (``redirects.txt`` by default, ``[tool.l10n] redirects``):
  one ``old new`` pair of page paths a line, ``#`` comments. ``l10n build``
  adds a line when it retires the catalogs of a page whose text another page
  took (a rename, a move, a merge); an editor may add or delete lines.

A page path is the page's place in every language: ``cost``,
``guide/nested`` (``/cost.html`` and ``cost.md`` are read as ``cost``). A
redirect whose old path is a live page again is not made; a chain (``a`` to
``b``, ``b`` to ``c``) leads straight to its end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.files import read_bytes_if_present, write_text_atomic
from pipeline.source.documents import Document, front_matter_line

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

HEADER = (
    "# Old page paths and where they lead now: one \"old new\" pair a line.\n"
    "# l10n build adds a line when a page's catalogs are retired and another page took its text;\n"
    "# every published language gets a redirect page for each line. See the README.\n"
)


@dataclass(frozen=True)
class Redirect:
    old: str  # the page path that moved
    new: str  # the live page it leads to
    where: str  # "redirects.txt:3", or the page's front matter line


@dataclass(frozen=True)
class Problem:
    """A redirect that is not made, and why."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Redirects:
    """The redirects of a site, by old path, each to a live page; and why others are not made."""

    by_old: dict[str, Redirect]
    problems: list[Problem]

    def lead(self, path: str) -> str | None:
        """The live page an old path leads to; None if it is no redirect."""
        redirect = self.by_old.get(path)
        return redirect.new if redirect is not None else None


def page_path(text: str) -> str | None:
    """The page path a redirect names (``/guide/old.html`` -> ``guide/old``); None if invalid."""
    path = text.strip().strip("/")
    for suffix in (".html", ".md"):
        path = path.removesuffix(suffix)
    if text.strip().endswith("/"):
        path = f"{path}/index" if path else "index"
    parts = path.split("/")
    return path if all(_SEGMENT.fullmatch(part) and part != ".." for part in parts) else None


def read_redirects(config: Config, documents: Sequence[Document]) -> Redirects:
    """Every redirect of the site: the redirects file's, then the pages' own, which win."""
    declared: dict[str, tuple[str, str, int]] = {}  # old -> (new, file, line)
    problems: list[Problem] = []
    name = config.redirects
    for number, old, new in _file_pairs(config):
        if old is None or new is None:
            problems.append(Problem(name, number, 'expected two page paths, "old new"'))
        else:
            declared[old] = (new, name, number)
    for document in documents:
        line = _redirect_line(document)
        for text in document.redirect_from:
            old = page_path(text)
            if old is None:
                problems.append(Problem(document.file, line, f"{text!r} is not a page path"))
            else:
                declared[old] = (document.path, document.file, line)
    return _resolve(declared, {document.path for document in documents}, problems)


def _redirect_line(document: Document) -> int:
    return max(front_matter_line(document.text, key) for key in ("redirect_from", "aliases"))


def _file_pairs(config: Config) -> Iterable[tuple[int, str | None, str | None]]:
    data = read_bytes_if_present(config.redirects_path)
    if data is None:
        return
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 2:
            yield number, None, None
            continue
        yield number, page_path(fields[0]), page_path(fields[1])


def _resolve(
    declared: dict[str, tuple[str, str, int]], live: set[str], problems: list[Problem]
) -> Redirects:
    """Each declared redirect followed to a live page; those that reach none are problems."""
    by_old: dict[str, Redirect] = {}
    for old, (new, file, line) in declared.items():
        if old in live:
            continue  # a page lives there again
        seen = {old}
        target = new
        while target not in live and target in declared and target not in seen:
            seen.add(target)
            target = declared[target][0]
        if target in live:
            by_old[old] = Redirect(old, target, f"{file}:{line}")
        else:
            message = f"{new!r} is not a page; no redirect from {old!r} is made"
            problems.append(Problem(file, line, message))
    return Redirects(dict(sorted(by_old.items())), problems)


def record_redirects(config: Config, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Append the ``(old, new)`` pairs the redirects file lacks; return those appended.

    The lines already there are kept byte for byte.
    """
    existing = read_bytes_if_present(config.redirects_path)
    text = existing.decode("utf-8", "replace") if existing is not None else HEADER
    known = {(old, new) for _, old, new in _file_pairs(config)}
    added = [pair for pair in dict.fromkeys(pairs) if pair not in known]
    if not added:
        return []
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(f"{old} {new}\n" for old, new in added)
    write_text_atomic(config.redirects_path, text)
    return added
