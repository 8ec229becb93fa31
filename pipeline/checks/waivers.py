"""Waivers a reviewer signs: a finding that is right to keep, accepted for one exact text.

A translator cannot silence a safety check from the catalog. A reviewer can waive
one, in a file outside the catalogs (``l10n-waivers.toml`` by default, ``waivers``
in ``[tool.l10n.check]``); ``who`` must be one of the project's reviewers, and in
git the reviewer must have made the waiver as it reads (:mod:`pipeline.checks.signers`)::

    [[waiver]]
    lang = "fr"
    domain = "django"                  # the catalog
    check = "markup"
    source = "View <a href=\"https://docs.djangoproject.com/en/…\">release notes</a>"
    translation = "Afficher les <a href=\"https://docs.djangoproject.com/fr/…\">notes</a>"
    reason = "the French documentation is the right link"
    who = "Rita Reviewer"              # one of [tool.l10n.review] reviewers
    date = 2026-11-30

``source`` is the msgid (``context`` the msgctxt, if any) and ``translation`` the
msgstr -- a list of the forms for a plural message. A waiver covers those exact
texts: once the source or the translation changes, it no longer matches, the
finding is back, and ``l10n check`` lists the waiver as stale. The build honours
the same waivers, so check and build still agree on every entry.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.model import Catalog, Entry, Finding, Severity
from pipeline.text.excerpt import quoted

WAIVER_CHECK = "waiver"
_REQUIRED = ("lang", "domain", "check", "source", "translation", "reason", "who", "date")

Key = tuple[str, str, str | None, str]  # lang, domain, msgctxt, msgid


@dataclass(frozen=True)
class Waiver:
    lang: str
    domain: str
    context: str | None
    source: str
    translation: tuple[str, ...]
    check: str
    reason: str
    who: str
    date: str
    line: int  # where the [[waiver]] table starts in the file

    @property
    def key(self) -> Key:
        return (self.lang, self.domain, self.context, self.source)

    def covers(self, entry: Entry) -> bool:
        return tuple(entry.translations) == self.translation

    def describe(self) -> str:
        return f"{self.check} on {quoted(self.source)} by {self.who}, {self.date}: {self.reason}"

    @property
    def text(self) -> tuple[str | tuple[str, ...] | None, ...]:
        """What the waiver says, wherever it stands in the file: it changes with any field."""
        return (self.lang, self.domain, self.context, self.source, self.translation,
                self.check, self.reason, self.who, self.date)  # fmt: skip


@dataclass(frozen=True)
class Waivers:
    """A project's waivers by entry; empty when the project has no waivers file."""

    by_entry: Mapping[Key, tuple[Waiver, ...]]
    file: str = ""

    @classmethod
    def empty(cls) -> Waivers:
        return cls({})

    def all(self) -> list[Waiver]:
        return [waiver for waivers in self.by_entry.values() for waiver in waivers]

    def without(self, refused: Iterable[Waiver]) -> Waivers:
        """These waivers but ``refused``: those waive nothing."""
        gone = set(refused)
        kept = {key: tuple(w for w in ws if w not in gone) for key, ws in self.by_entry.items()}
        return Waivers({key: ws for key, ws in kept.items() if ws}, self.file)

    def waived(self, lang: str, domain: str, entry: Entry, check: str) -> Waiver | None:
        """The waiver that covers ``check`` on ``entry`` as it now reads, if any."""
        for waiver in self.by_entry.get((lang, domain, entry.msgctxt, entry.msgid), ()):
            if waiver.check == check and waiver.covers(entry):
                return waiver
        return None


class WaiverError(ValueError):
    """The waivers file is not as documented; the message starts with "file:line: "."""


def load_waivers(path: Path, file: str) -> Waivers:
    """The waivers in ``path`` (``file`` is its project-relative name); none if it is missing."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Waivers.empty()
    except OSError as error:
        raise WaiverError(f"{file}:0: cannot read: {error.strerror}") from None
    found: dict[Key, list[Waiver]] = {}
    for waiver in waivers_in(data, file):
        found.setdefault(waiver.key, []).append(waiver)
    return Waivers({key: tuple(value) for key, value in found.items()}, file)


def waivers_in(data: bytes, file: str) -> list[Waiver]:
    """The waivers a waivers file's bytes hold, in file order."""
    try:
        table = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise WaiverError(f"{file}:0: {error}") from None
    starts = [
        n for n, line in enumerate(data.decode().splitlines(), 1) if line.strip() == "[[waiver]]"
    ]
    items = table.get("waiver", [])
    if not isinstance(items, list):
        raise WaiverError(f"{file}:1: waiver must be an array of tables ([[waiver]])")
    return [
        _waiver(item, file, starts[index] if index < len(starts) else 0)
        for index, item in enumerate(items)
    ]


def _waiver(item: Any, file: str, line: int) -> Waiver:
    if not isinstance(item, dict):
        raise WaiverError(f"{file}:{line}: a waiver must be a table")
    missing = [name for name in _REQUIRED if not item.get(name)]
    unknown = sorted(set(item) - {*_REQUIRED, "context"})
    if missing or unknown:
        said = [f"missing {', '.join(missing)}"] * bool(missing) + [
            f"unknown {', '.join(unknown)}"
        ] * bool(unknown)
        raise WaiverError(f"{file}:{line}: waiver: {'; '.join(said)}")
    translation = item["translation"]
    forms = (translation,) if isinstance(translation, str) else tuple(translation)
    date = item["date"]
    if not isinstance(date, str | dt.date) or not all(isinstance(f, str) for f in forms):
        raise WaiverError(f"{file}:{line}: waiver: translation must be text, date a date")
    texts = [item[name] for name in ("lang", "domain", "check", "source", "reason", "who")]
    if not all(isinstance(text, str) for text in texts) or not isinstance(
        item.get("context", ""), str
    ):
        raise WaiverError(f"{file}:{line}: waiver: every field but date must be text")
    lang, domain, check, source, reason, who = texts
    context = item.get("context")
    return Waiver(lang, domain, context, source, forms, check, reason, who, str(date), line)


def waiver_findings(
    waivers: Waivers, catalogs: Iterable[Catalog], langs: Iterable[str]
) -> list[Finding]:
    """One finding per waiver of ``langs``: active (info) or stale (warning), with the reason."""
    wanted = set(langs)
    entries = {
        (catalog.lang or "", catalog.domain, entry.msgctxt, entry.msgid): entry
        for catalog in catalogs
        for entry in catalog.active()
    }
    findings: list[Finding] = []
    for waiver in waivers.all():
        if waiver.lang not in wanted:
            continue
        entry = entries.get(waiver.key)
        if entry is None:
            state, severity = "stale: the source text is no longer in the catalog", Severity.WARNING
        elif not waiver.covers(entry):
            state, severity = "stale: the translation changed since it was waived", Severity.WARNING
        else:
            state, severity = "active", Severity.INFO
        findings.append(
            Finding(
                WAIVER_CHECK, severity, f"{state}: {waiver.describe()}", waivers.file,
                waiver.line, waiver.lang, waiver.domain, waiver.source,
            )
        )  # fmt: skip
    return findings
