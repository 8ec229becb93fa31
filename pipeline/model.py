"""The things that flow through the pipeline.

source -> :class:`Segment` -> :class:`Entry` in a :class:`Catalog`
-> :class:`Match` (memory, machine, source, sentence carry-over) -> :class:`Finding`.

Every stage reads and writes these plain objects; no stage reaches into
another stage's internals.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from dataclasses import dataclass, field


class PipelineError(Exception):
    """Bad input or an unusable resource, said in one line that names the file (and line).

    Every stage raises a subclass; the CLI prints the message, never a traceback.
    """


# ---------------------------------------------------------------------------
# Provenance
# ---------------------------------------------------------------------------


class OriginKind(enum.StrEnum):
    """Who produced a piece of target text."""

    HUMAN = "human"  # a translator wrote or reviewed it
    MEMORY = "memory"  # proposed from the translation memory
    MACHINE = "mt"  # proposed by a machine-translation engine
    TMX = "tmx"  # imported from a TMX file
    SOURCE = "source"  # the source itself carried it (a foreign fragment moved out)
    SENTENCES = "sentences"  # rebuilt from aligned sentences of a reviewed block


# Provenance is parsed from a fixed grammar: an origin is ``kind`` or ``kind:detail``; an
# engine's name is a word; a date is ISO. Text that reaches a translator comment line
# from a memory or a TMX file can then hold no line break (a forged "# reviewed" line),
# no control character and nothing longer than a file name.
ENGINE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
"""The name of a machine-translation engine: ``google``, ``libre``, ``deepl``."""
_MAX_DETAIL = 200
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
"""A date as provenance records it: ``2026-11-28``."""


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a translation came from, in the form stored in memory and comments.

    The text form is ``kind`` or ``kind:detail`` -- ``human``, ``mt:libre``,
    ``tmx:omegat.tmx``, ``source:source/cost.md:12``, ``memory:mt:libre``. A machine
    origin's detail is an engine name (:data:`ENGINE_NAME`); any other detail is at most
    200 printable characters; anything else is refused with ValueError.
    """

    kind: OriginKind
    detail: str = ""

    def __post_init__(self) -> None:
        problem = _detail_problem(self.kind, self.detail)
        if problem:
            raise ValueError(problem)

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.detail}" if self.detail else self.kind.value

    @classmethod
    def parse(cls, text: str) -> Origin:
        kind, _, detail = text.partition(":")
        try:
            known = OriginKind(kind)
        except ValueError:
            raise ValueError(f"unknown origin '{_shown(text)}'") from None
        return cls(known, detail)

    @classmethod
    def recorded(cls, text: str) -> Origin:
        """An origin read back from a memory: one an older version stored that the grammar
        now refuses counts as an unnamed machine's, the least trusted."""
        try:
            return cls.parse(text)
        except ValueError:
            return cls(OriginKind.MACHINE)

    @property
    def is_machine(self) -> bool:
        return self.kind is OriginKind.MACHINE


def _detail_problem(kind: OriginKind, detail: str) -> str:
    if not detail:
        return ""
    if kind is OriginKind.MACHINE:
        ok = ENGINE_NAME.fullmatch(detail) is not None
    else:
        ok = len(detail) <= _MAX_DETAIL and detail.isprintable()
    return "" if ok else f"'{_shown(detail)}' is not a valid detail of a {kind.value} origin"


def _shown(text: str) -> str:
    """Text of an origin for a message: 40 characters at most, every unprintable one escaped."""
    cut = text[:40]
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in cut)
    return shown + ("…" if len(text) > len(cut) else "")


HUMAN = Origin(OriginKind.HUMAN)


# ---------------------------------------------------------------------------
# Source side
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit of the source: a block-level element or a UI string.

    ``msgid`` is what the translator sees: the block's inline Markdown on one
    line. ``note`` says where it sits ("FAQ answer", "table cell: Multiple
    Myeloma / Complete Remission") and becomes the ``#.`` comment.
    """

    msgid: str
    domain: str
    file: str  # project-relative POSIX path
    line: int  # 1-based line of the block in ``file``
    role: str  # heading, paragraph, list item, table header, table cell, ...
    note: str = ""
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


# ---------------------------------------------------------------------------
# Catalog side
# ---------------------------------------------------------------------------


@dataclass(slots=True)
class Entry:
    """One PO entry, field for field as GNU gettext writes it."""

    msgid: str
    msgstr: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    translator_comments: list[str] = field(default_factory=list)  # "# "
    auto_comments: list[str] = field(default_factory=list)  # "#."
    references: list[str] = field(default_factory=list)  # "#:" items, "file:line"
    flags: list[str] = field(default_factory=list)  # "#," items
    previous_msgctxt: str | None = None  # "#| msgctxt"
    previous_msgid: str | None = None  # "#| msgid"
    previous_msgid_plural: str | None = None  # "#| msgid_plural"
    obsolete: bool = False  # "#~"
    lineno: int = 0  # 1-based line where the entry starts in its file; 0 if new

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @fuzzy.setter
    def fuzzy(self, value: bool) -> None:
        if value and "fuzzy" not in self.flags:
            self.flags.insert(0, "fuzzy")
        elif not value and "fuzzy" in self.flags:
            self.flags.remove("fuzzy")

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def has_translation(self) -> bool:
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)

    @property
    def translated(self) -> bool:
        """Reviewed: translated and not fuzzy. Only this text is published."""
        return self.has_translation and not self.fuzzy and not self.obsolete

    @property
    def translations(self) -> list[str]:
        if self.msgid_plural is not None:
            return [self.msgstr_plural[i] for i in sorted(self.msgstr_plural)]
        return [self.msgstr]


# The provenance rule: machine output is published only after a human reviewed it. The
# translator comments record both: prefill writes "machine translation (<engine>)" and
# "suggestion: <kind> <score>% from mt:<engine>, <date>"; a reviewer adds a line "reviewed".
REVIEWED_COMMENT = "reviewed"
_MACHINE_COMMENT = re.compile(r"machine translation \((?P<engine>[^,)]*)")
_MACHINE_SUGGESTION = re.compile(r"suggestion: (?:machine\b|.*\bfrom mt(?::|,|$))")
_FROM_MACHINE = re.compile(r"\bfrom mt:(?P<engine>[^,\s]*)")


def machine_comment(engine: str) -> str:
    """The translator comment that marks machine output (parsed back by :func:`machine_engine`)."""
    return f"machine translation ({engine})"


def machine_engine(entry: Entry) -> str | None:
    """The engine a translator comment says produced the text; None if none says so.

    "" when the comment names no engine, or a name that is not one (:data:`ENGINE_NAME`).
    """
    for line in entry.translator_comments:
        line = line.strip()
        if (comment := _MACHINE_COMMENT.match(line)) is not None:
            return _engine_name(comment.group("engine").strip())
        if _MACHINE_SUGGESTION.match(line):
            named = _FROM_MACHINE.search(line)
            return _engine_name(named.group("engine")) if named is not None else ""
    return None


def _engine_name(text: str) -> str:
    return text if ENGINE_NAME.fullmatch(text) else ""


_PROVENANCE_LINE = ("suggestion:", "machine translation", REVIEWED_COMMENT)


def provenance_problem(entry: Entry) -> str:
    """Why the entry's provenance comments cannot be believed; "" when they can.

    A comment line that records provenance may hold no control or invisible
    character: one that did could pass for another line, or hide part of itself.
    """
    for line in entry.translator_comments:
        if line.lstrip().startswith(_PROVENANCE_LINE) and not line.isprintable():
            return f"a provenance comment holds an unprintable character: '{_shown(line)}'"
    return ""


def machine_origin(entry: Entry) -> bool:
    """A translator comment records that the text came from a machine."""
    return machine_engine(entry) is not None


def human_reviewed(entry: Entry) -> bool:
    """A translator comment line says ``reviewed`` (optionally followed by who and when)."""
    return any(
        line.strip() == REVIEWED_COMMENT or line.strip().startswith(REVIEWED_COMMENT + " ")
        for line in entry.translator_comments
    )


# The lines the pipeline writes with a proposal: the prefill's and the memory's
# ("suggestion: …", "machine translation (…)") and sentence carry-over's ("sentence 2
# changed: …", "sentences 1, 3 of 4 carried over …"). They describe the proposal, so
# they go once a translator has reviewed the entry; a translator's own lines stay.
_PROPOSAL_COMMENT = re.compile(
    r"^(sentence \d+ (changed|added|left)|sentence removed:|sentences reordered"
    r"|sentences [\d, -]+ (of \d+ carried over|assembled)|suggestion:|machine translation \()"
)


def is_proposal_comment(line: str) -> bool:
    """Whether a translator comment line is one the pipeline wrote with a proposal."""
    return _PROPOSAL_COMMENT.match(line) is not None


def drop_proposal_comments(entry: Entry) -> bool:
    """Remove the proposal comments of an entry a translator reviewed; True if any went.

    Reviewed is translated and not fuzzy. Machine output marked translated
    without the ``reviewed`` line keeps them: they are what the provenance check
    reports it by, and what keeps the memory from taking it for a human's.
    """
    if not entry.translated or (machine_origin(entry) and not human_reviewed(entry)):
        return False
    kept = [line for line in entry.translator_comments if not is_proposal_comment(line)]
    if len(kept) == len(entry.translator_comments):
        return False
    entry.translator_comments = kept
    return True


# Silencing one check on one entry. A translator writes the comment line
# "# l10n: ignore length" (several: "# l10n: ignore length, punctuation"); editors and
# msgcat keep comment lines, while Poedit's save drops unknown "#," flags. The older
# flag "#, ignore-length" is still read, and `l10n update` rewrites it as the comment.
IGNORE_COMMENT = "l10n: ignore"
_IGNORE_FLAG = "ignore-"


def ignored_checks(entry: Entry) -> frozenset[str]:
    """The checks the entry asks to silence, by comment line or by the older flag."""
    names = {flag[len(_IGNORE_FLAG) :] for flag in entry.flags if flag.startswith(_IGNORE_FLAG)}
    for line in entry.translator_comments:
        text = line.strip()
        if text.startswith(IGNORE_COMMENT):
            rest = text[len(IGNORE_COMMENT) :]
            names.update(name.strip() for name in rest.split(",") if name.strip())
    return frozenset(names)


def migrate_ignore_flags(entry: Entry) -> bool:
    """Move ``#, ignore-<check>`` flags into one ``# l10n: ignore`` comment line; True if any."""
    flags = [flag for flag in entry.flags if flag.startswith(_IGNORE_FLAG)]
    if not flags:
        return False
    names = [flag[len(_IGNORE_FLAG) :] for flag in flags]
    entry.flags = [flag for flag in entry.flags if not flag.startswith(_IGNORE_FLAG)]
    for index, line in enumerate(entry.translator_comments):
        if line.strip().startswith(IGNORE_COMMENT):
            have = ignored_checks(Entry(msgid="", translator_comments=[line]))
            extra = [name for name in names if name not in have]
            if extra:
                entry.translator_comments[index] = f"{line.rstrip()}, {', '.join(extra)}"
            return True
    entry.translator_comments.append(f"{IGNORE_COMMENT} {', '.join(names)}")
    return True


def entry_origin(entry: Entry) -> Origin:
    """Who the entry's translation is from: a machine until a human reviewed it, else a human."""
    engine = machine_engine(entry)
    if engine is not None and not human_reviewed(entry):
        return Origin(OriginKind.MACHINE, engine)
    return HUMAN


@dataclass(slots=True)
class Catalog:
    """A PO or POT file: header, entries in file order, obsolete entries last."""

    entries: list[Entry] = field(default_factory=list)
    header: Entry = field(default_factory=lambda: Entry(msgid=""))
    path: str = ""
    lang: str | None = None  # None for a template
    domain: str = ""

    @property
    def metadata(self) -> dict[str, str]:
        meta: dict[str, str] = {}
        for line in self.header.msgstr.split("\n"):
            name, sep, value = line.partition(":")
            if sep:
                meta[name.strip()] = value.strip()
        return meta

    def active(self) -> Iterator[Entry]:
        return (e for e in self.entries if not e.obsolete)

    def index(self) -> dict[tuple[str | None, str], Entry]:
        return {e.key: e for e in self.entries if not e.obsolete}


# ---------------------------------------------------------------------------
# Suggestions
# ---------------------------------------------------------------------------


class MatchKind(enum.StrEnum):
    EXACT = "exact"  # same source text
    IN_CONTEXT = "in-context"  # same source, msgctxt, domain and neighbours
    FUZZY = "fuzzy"  # similar source above the threshold
    MACHINE = "machine"  # machine translation of this exact source
    SOURCE = "source"  # the source file itself carried this translation
    SENTENCES = "sentences"  # reassembled from aligned sentence units


@dataclass(frozen=True, slots=True)
class Match:
    """A proposed translation for a source text, with its score and provenance."""

    source: str  # the source text the proposal was made for (or found in memory)
    target: str
    score: float  # 0-100; 100 for exact
    kind: MatchKind
    origin: Origin
    source_lang: str = ""
    target_lang: str = ""
    date: str = ""  # ISO-8601 date the proposal was first recorded

    def comment(self) -> str:
        """The translator comment that records this proposal in the PO file."""
        date = f", {self.date[:10]}" if ISO_DATE.fullmatch(self.date[:10]) else ""
        # The memory ranks in-context matches at 101 so they sort first; shown, they are 100%.
        score = min(self.score, 100.0)
        return f"suggestion: {self.kind.value} {score:.0f}% from {self.origin}{date}"


def suggestion_comments(match: Match) -> list[str]:
    """Translator comments recording a proposal: readable in Poedit, kept in the file."""
    lines = [match.comment()]
    if match.origin.kind is OriginKind.MACHINE:
        lines.insert(0, machine_comment(match.origin.detail))
    return lines


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One reason a catalog or source may not be published, pointing at file and line."""

    check: str  # stable name, e.g. "numbers", "source-language"
    severity: Severity
    message: str
    file: str
    line: int
    lang: str | None = None
    domain: str | None = None
    msgid: str | None = None

    def __str__(self) -> str:
        lang = f" [{self.lang}]" if self.lang else ""
        return f"{self.file}:{self.line}:{lang} {self.check}: {self.message}"
