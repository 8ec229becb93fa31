"""Stage 4: fill empty catalog entries, first from the memory, then by machine.

Rules that hold whatever happens:

* a non-empty msgstr is never touched -- a translator's work is sacred;
* everything proposed here is written ``fuzzy`` with a comment naming its
  origin, score and date, so unreviewed text never reaches a page (the one
  exception, by configuration only: an in-context exact match from a human);
* each machine result goes into the memory the moment it arrives, so a crash
  loses nothing and a re-run or another language never pays for it again;
* catalogs are written atomically, once per language, and only if no one
  saved them meanwhile: a translator's save during a long machine run is
  kept, and the run says to go again (the memory already holds its results);
* only the entries filled are formatted anew: the others keep their lines as
  the translator's editor wrote them.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.catalogs.headers import revision_stamp
from pipeline.catalogs.update import read_catalogs
from pipeline.catalogs.writing import write_if_changed
from pipeline.config import Config
from pipeline.files import FileChangedError, remove_stray_temporaries
from pipeline.machine.failures import MachineError
from pipeline.machine.translator import MachineResult, MachineTranslator
from pipeline.memory.base import TranslationMemory
from pipeline.memory.units import LookupContext, Unit, placed_entries
from pipeline.model import (
    Catalog,
    Entry,
    Match,
    MatchKind,
    Origin,
    OriginKind,
    is_proposal_comment,
    suggestion_comments,
)
from pipeline.po.catalog_file import CatalogFile
from pipeline.text.glossary import GlossaryError, project_glossary


@dataclass
class LanguageSummary:
    lang: str
    from_memory: int = 0
    accepted: int = 0  # in-context human matches accepted as reviewed (configuration)
    from_machine: int = 0
    failed: int = 0
    failures: dict[str, None] = field(default_factory=dict)  # each distinct reason once
    engine_failed: bool = False  # the engine did not answer: nothing was sent
    chars_sent: int = 0
    # dry run: each source text left for the machine -> the protected text it would send
    # ("" when nothing would: all numbers, codes or do-not-translate terms)
    pending: dict[str, str] = field(default_factory=dict)

    def lines(self, engine: str, dry_run: bool) -> list[str]:
        """The language's summary for ``l10n prefill``, and in a dry run what would be sent."""
        if dry_run:
            sent = [text for text in self.pending.values() if text]
            return [
                f"{self.lang}: {self.from_memory} from memory; {len(self.pending)} texts left for"
                f" the machine: would send {len(sent)}, {sum(map(len, sent))} characters"
                f" to {engine}",
                *(f"  {text}" for text in sent),
            ]
        failed = f"{self.failed} failed"
        if self.engine_failed:
            failed += f" ({engine} did not answer: nothing sent)"
        return [
            f"{self.lang}: {self.from_memory} from memory, {self.accepted} accepted in context, "
            f"{self.from_machine} by machine ({engine}), {failed}, "
            f"{self.chars_sent} characters sent"
        ]


@dataclass
class PrefillReport:
    languages: list[LanguageSummary] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one clear line each
    written: list[Path] = field(default_factory=list)

    @property
    def failures(self) -> list[str]:
        return [reason for summary in self.languages for reason in summary.failures]

    @property
    def exit_code(self) -> int:
        return 1 if self.errors or any(s.failed for s in self.languages) else 0


def apply_match(entry: Entry, match: Match, accept: bool = False) -> None:
    """Write a proposal into an empty entry: fuzzy unless ``accept``."""
    if entry.has_translation:
        raise ValueError(f"refusing to overwrite the translation of {entry.msgid[:40]!r}")
    entry.msgstr = match.target
    entry.translator_comments = [
        c for c in entry.translator_comments if not is_proposal_comment(c)
    ] + suggestion_comments(match)
    entry.fuzzy = not accept


@dataclass
class _Filling:
    """One catalog being filled: the file as read, and a copy of each empty entry.

    Proposals go into the copies: the entries as read stay what the file holds,
    so every entry not filled is written with its lines as they were.
    """

    as_read: CatalogFile
    copies: dict[int, Entry] = field(default_factory=dict)  # by position in the catalog

    def empty_entries(self) -> Iterator[tuple[Entry, LookupContext]]:
        """A copy of each empty entry, with the place its original sits in."""
        catalog = self.as_read.catalog
        # The entries placed_entries yields, in the same order: active ones, header aside.
        positions = (i for i, e in enumerate(catalog.entries) if not e.obsolete and not e.is_header)
        for position, (original, context) in zip(positions, placed_entries(catalog), strict=True):
            if original.has_translation or original.msgid_plural is not None:
                continue
            entry = self.copies[position] = copy.deepcopy(original)
            yield entry, context

    def filled(self) -> Catalog:
        """The catalog with every copy that got a translation in its original's place."""
        catalog = self.as_read.catalog
        entries = [
            self.copies[i] if i in self.copies and self.copies[i].msgstr else e
            for i, e in enumerate(catalog.entries)
        ]
        return replace(catalog, entries=entries)


def prefill(
    config: Config,
    memory: TranslationMemory,
    translator: MachineTranslator | None,
    languages: Sequence[str],
    *,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    today: dt.date | None = None,
) -> PrefillReport:
    """Prefill the catalogs of ``languages``; ``translator`` None means memory only."""
    report = PrefillReport()
    remove_stray_temporaries(config.locales_path)  # left by a run that was killed
    date = (today or dt.date.today()).isoformat()
    unavailable = translator is not None and not dry_run and _unavailable(translator, report)
    for lang in languages:
        summary = LanguageSummary(lang)
        report.languages.append(summary)
        readable, unreadable = read_catalogs(config, lang)
        report.errors += unreadable
        fillings = [_Filling(as_read) for as_read in readable]
        waiting = _fill_from_memory(config, memory, lang, fillings, summary, dry_run)
        if dry_run:
            summary.pending = {
                text: translator.as_sent(text) if translator is not None else "" for text in waiting
            }
            continue
        if translator is not None and waiting:
            if unavailable:
                # Nothing was sent: every entry left for the machine failed, for the one
                # reason the report already gives.
                summary.failed = sum(len(entries) for entries in waiting.values())
                summary.engine_failed = True
            else:
                _machine_fill(config, memory, translator, lang, waiting, summary, date, progress)
        for filling in fillings:
            _write(config, filling, report)
    return report


def _unavailable(translator: MachineTranslator, report: PrefillReport) -> bool:
    """Whether the engine fails to answer; if so, the reason is in the report's errors."""
    try:
        translator.check_available()
    except MachineError as error:
        report.errors.append(str(error))
        return True
    return False


def _fill_from_memory(
    config: Config,
    memory: TranslationMemory,
    lang: str,
    fillings: list[_Filling],
    summary: LanguageSummary,
    dry_run: bool,
) -> dict[str, list[Entry]]:
    """Fill the empty entries the memory has a match for; return the others, by source text."""
    waiting: dict[str, list[Entry]] = {}
    for filling in fillings:
        for entry, context in filling.empty_entries():
            matches = memory.lookup(
                entry.msgid,
                config.source_language,
                lang,
                context,
                threshold=config.memory_threshold,
                limit=1,
            )
            if not matches:
                waiting.setdefault(entry.msgid, []).append(entry)
                continue
            accept = _accepted(config, matches[0])
            if not dry_run:
                apply_match(entry, matches[0], accept)
            summary.accepted += accept
            summary.from_memory += not accept
    return waiting


def _accepted(config: Config, match: Match) -> bool:
    """Whether a memory match goes in reviewed: a human's, in context, if so configured."""
    return (
        config.accept_in_context
        and match.kind is MatchKind.IN_CONTEXT
        and match.origin.kind is OriginKind.HUMAN
    )


def _write(config: Config, filling: _Filling, report: PrefillReport) -> None:
    path = Path(filling.as_read.catalog.path)
    catalog = filling.filled()
    try:
        if write_if_changed(catalog, path, stamp=revision_stamp(), as_read=filling.as_read):
            report.written.append(path)
    except FileChangedError:
        report.errors.append(
            f"{config.relative(path)}: changed on disk during the prefill, so left as"
            " saved; run the prefill again to fill it (the memory holds what the engine"
            " sent)"
        )
    except OSError as error:
        report.errors.append(f"{config.relative(path)}: {error.strerror or error}")


def _machine_fill(
    config: Config,
    memory: TranslationMemory,
    translator: MachineTranslator,
    lang: str,
    waiting: dict[str, list[Entry]],
    summary: LanguageSummary,
    date: str,
    progress: Callable[[str, int, int], None] | None,
) -> None:
    origin = Origin(OriginKind.MACHINE, translator.name)
    texts = list(waiting)
    done = 0

    def remember(result: MachineResult) -> None:
        nonlocal done
        done += 1
        summary.chars_sent += result.chars_sent
        if result.target is not None:
            memory.add([Unit(result.source, result.target, config.source_language, lang, origin)])
        if progress is not None:
            progress(lang, done, len(texts))

    try:
        results = translator.translate(texts, lang, on_result=remember)
    except MachineError as error:
        summary.failed = sum(len(entries) for entries in waiting.values())
        summary.failures[f"{lang}: {error}"] = None
        return
    for result in results:
        entries = waiting[result.source]
        if result.target is None:
            summary.failed += len(entries)
            summary.failures[f"{lang}: {result.error or 'no translation'}"] = None
            continue
        match = Match(
            result.source,
            result.target,
            100.0,
            MatchKind.MACHINE,
            origin,
            config.source_language,
            lang,
            date,
        )
        for entry in entries:
            apply_match(entry, match)
            summary.from_machine += 1


def make_translator(
    config: Config,
    engine: str | None = None,
    engine_url: str | None = None,
    source_lang: str | None = None,
) -> MachineTranslator:
    """The configured engine, with one run's overrides; do-not-translate terms protected."""
    settings = config.machine
    try:
        glossary = project_glossary(config)
    except GlossaryError as error:
        raise MachineError(f"cannot protect do-not-translate terms: {error}") from None
    return MachineTranslator(
        engine or settings.engine,
        source_lang or config.source_language,
        url=engine_url or settings.engine_url,
        api_key_env=settings.api_key_env,
        timeout=settings.timeout,
        retries=settings.retries,
        backoff=settings.backoff,
        concurrency=settings.concurrency,
        batch_size=settings.batch_size,
        protected_terms=glossary.do_not_translate,
    )
