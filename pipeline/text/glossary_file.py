"""The glossary file: ``glossary.csv`` read into :class:`Term` rows, or a one-line error.

See :mod:`pipeline.text.glossary` for what the columns mean and how terms are found.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale, UnknownLocaleError

from pipeline.files import read_bounded
from pipeline.model import PipelineError
from pipeline.text.excerpt import excerpt
from pipeline.text.limits import MAX_GLOSSARY_BYTES

TERM_COLUMN = "term"
DNT_COLUMN = "dnt"
NOTE_COLUMN = "note"
VARIANT_SEPARATOR = "|"
HYPHEN_CLASS = r"\-" + "\u2010\u2011"
"""Hyphen, non-breaking hyphen, Unicode hyphen (for a regex character class): one to a reader."""
SEPARATOR = rf"[\s{HYPHEN_CLASS}]+"
"""What separates the words of a term: spaces or hyphens of any kind."""


class GlossaryError(PipelineError, ValueError):
    """The glossary file is malformed; the message starts with ``file:line:``."""


@dataclass(frozen=True)
class Term:
    source: str  # English term
    translations: dict[str, tuple[str, ...]] = field(hash=False)  # approved form first
    do_not_translate: bool
    note: str
    line: int  # line of the row in the CSV file, for findings

    def forms(self, lang: str) -> tuple[str, ...]:
        """The accepted forms in ``lang``: the term itself if it is not translated."""
        if self.do_not_translate:
            return (self.source,)
        return self.translations.get(lang, ())

    def approved(self, lang: str) -> str | None:
        """The form a translator should use, or None if the glossary has none for ``lang``."""
        forms = self.forms(lang)
        return forms[0] if forms else None


# ---------------------------------------------------------------------------
# Reading the CSV file
# ---------------------------------------------------------------------------


def read_terms(path: Path, languages: Collection[str] | None, root: Path | None) -> Iterable[Term]:
    name = str(path)
    try:
        data = read_bounded(path, MAX_GLOSSARY_BYTES, root)
        text = data.decode("utf-8-sig")
    except OSError as error:
        raise GlossaryError(f"{name}: cannot read the glossary: {error.strerror}") from None
    except UnicodeDecodeError as error:
        line = _line_of_byte(data, error.start)
        raise GlossaryError(f"{name}:{line}: not UTF-8 text") from None

    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise GlossaryError(f"{name}:1: {error}") from None
    if header is None:
        raise GlossaryError(f"{name}:1: empty file, expected a header row")
    columns = [cell.strip() for cell in header]
    language_columns = _check_header(name, columns, languages)

    seen: dict[tuple[str, ...], int] = {}
    end_of_previous = reader.line_num
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            raise GlossaryError(f"{name}:{end_of_previous + 1}: {error}") from None
        if row is None:
            return
        line = end_of_previous + 1
        end_of_previous = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        term = _parse_row(name, line, columns, language_columns, row)
        key = source_key(term.source)
        if key in seen:
            raise GlossaryError(
                f"{name}:{line}: duplicate term '{excerpt(term.source)}'"
                f" (first on line {seen[key]})"
            )
        seen[key] = line
        yield term


def _line_of_byte(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_header(name: str, columns: list[str], languages: Collection[str] | None) -> list[str]:
    where = f"{name}:1"
    for required in (TERM_COLUMN, DNT_COLUMN):
        if required not in columns:
            raise GlossaryError(f"{where}: missing column '{required}'")
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise GlossaryError(f"{where}: duplicate column(s) {', '.join(map(repr, duplicates))}")
    language_columns = [c for c in columns if c not in (TERM_COLUMN, DNT_COLUMN, NOTE_COLUMN)]
    for column in language_columns:
        if not column:
            raise GlossaryError(f"{where}: a column has no name")
        try:
            Locale.parse(column)
        except (UnknownLocaleError, ValueError):
            raise GlossaryError(f"{where}: unknown language column '{excerpt(column)}'") from None
        if languages is not None and column not in languages:
            raise GlossaryError(
                f"{where}: column '{excerpt(column)}' is not one of the project's languages"
                f" ({', '.join(languages)})"
            )
    if not language_columns:
        raise GlossaryError(f"{where}: no language columns")
    return language_columns


def _parse_row(
    name: str, line: int, columns: list[str], language_columns: list[str], row: list[str]
) -> Term:
    where = f"{name}:{line}"
    if len(row) > len(columns):
        raise GlossaryError(f"{where}: {len(row)} fields, but the header has {len(columns)}")
    cells = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(columns)}
    if any("\n" in value or "\r" in value for value in cells.values()):
        raise GlossaryError(f"{where}: a cell spans several lines")
    source = " ".join(cells[TERM_COLUMN].split())
    if not source:
        raise GlossaryError(f"{where}: empty term")
    dnt = cells[DNT_COLUMN].lower()
    if dnt not in ("", "yes"):
        raise GlossaryError(
            f"{where}: dnt must be 'yes' or empty, not '{excerpt(cells[DNT_COLUMN])}'"
        )
    translations: dict[str, tuple[str, ...]] = {}
    for lang in language_columns:
        if not cells[lang]:
            continue
        forms = tuple(" ".join(form.split()) for form in cells[lang].split(VARIANT_SEPARATOR))
        if not all(forms):
            raise GlossaryError(f"{where}: empty variant in column '{lang}'")
        translations[lang] = forms
    if dnt and translations:
        raise GlossaryError(
            f"{where}: '{excerpt(source)}' is do-not-translate but has a translation in"
            f" {', '.join(map(repr, translations))}"
        )
    if not dnt and not translations:
        raise GlossaryError(
            f"{where}: '{excerpt(source)}' has no translation and is not marked dnt"
        )
    return Term(source, translations, bool(dnt), cells.get(NOTE_COLUMN, ""), line)


def is_plain_word(token: str) -> bool:
    """An ordinary word ("cell", "Remission"), not an abbreviation or gene name."""
    return len(token) > 1 and token.isalpha() and (token.islower() or token.istitle())


def source_key(source: str) -> tuple[str, ...]:
    tokens = re.split(SEPARATOR, source.strip())
    return tuple(t.casefold() if is_plain_word(t) else t for t in tokens)
