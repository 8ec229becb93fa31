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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.catalogs.catalog import read_catalogs, revision_stamp, write_if_changed
from pipeline.config import Config
from pipeline.files import FileChangedError
from pipeline.machine.engines import MachineError, MachineResult, MachineTranslator
from pipeline.memory.store import TranslationMemory, Unit, neighbour_contexts
from pipeline.model import Catalog, Entry, Match, MatchKind, Origin, OriginKind, machine_comment
from pipeline.text.glossary import GlossaryError, project_glossary


@dataclass
class LanguageSummary:
    lang: str
    from_memory: int = 0
    accepted: int = 0  # in-context human matches accepted as reviewed (configuration)
    from_machine: int = 0
    failed: int = 0
    failures: dict[str, None] = field(default_factory=dict)  # each distinct reason once
    chars_sent: int = 0
    pending: dict[str, int] = field(default_factory=dict)  # dry run: text -> characters


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


def suggestion_comments(match: Match) -> list[str]:
    """Translator comments recording a proposal: readable in Poedit, kept in the file."""
    lines = [match.comment()]
    if match.origin.kind is OriginKind.MACHINE:
        lines.insert(0, machine_comment(match.origin.detail))
    return lines


def apply_match(entry: Entry, match: Match, accept: bool = False) -> None:
    """Write a proposal into an empty entry: fuzzy unless ``accept``."""
    if entry.has_translation:
        raise ValueError(f"refusing to overwrite the translation of {entry.msgid[:40]!r}")
    entry.msgstr = match.target
    entry.translator_comments = [
        c
        for c in entry.translator_comments
        if not c.startswith(("suggestion:", machine_comment("")[:-1]))
    ] + suggestion_comments(match)
    entry.fuzzy = not accept


def _empty_entries(catalog: Catalog) -> list[Entry]:
    return [
        e
        for e in catalog.active()
        if not e.is_header and not e.has_translation and e.msgid_plural is None
    ]


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
    date = (today or dt.date.today()).isoformat()
    if translator is not None and not dry_run:
        try:
            translator.check_available()
        except MachineError as error:
            report.errors.append(str(error))
            translator = None
    for lang in languages:
        summary = LanguageSummary(lang)
        report.languages.append(summary)
        readable, unreadable = read_catalogs(config, lang)
        report.errors += unreadable
        waiting: dict[str, list[Entry]] = {}
        # Proposals go into copies: the entries as read stay what the file holds,
        # so every entry not filled is written with its lines as they were.
        copies: dict[int, Entry] = {}  # by id() of the entry as read
        for as_read in readable:
            contexts = neighbour_contexts(as_read.catalog)
            for original in _empty_entries(as_read.catalog):
                entry = copies[id(original)] = copy.deepcopy(original)
                matches = memory.lookup(
                    entry.msgid,
                    config.source_language,
                    lang,
                    contexts.get(id(original)),
                    threshold=config.memory_threshold,
                    limit=1,
                )
                if matches:
                    match = matches[0]
                    accept = (
                        config.accept_in_context
                        and match.kind is MatchKind.IN_CONTEXT
                        and match.origin.kind is OriginKind.HUMAN
                    )
                    if not dry_run:
                        apply_match(entry, match, accept)
                    summary.accepted += accept
                    summary.from_memory += not accept
                else:
                    waiting.setdefault(entry.msgid, []).append(entry)
        if dry_run:
            summary.pending = {text: len(text) for text in waiting}
            continue
        if translator is not None and waiting:
            try:
                _machine_fill(config, memory, translator, lang, waiting, summary, date, progress)
            except MachineError as error:
                report.errors.append(f"{lang}: {error}")
        for as_read in readable:
            path = Path(as_read.catalog.path)
            filled = [
                copies[id(e)] if id(e) in copies and copies[id(e)].msgstr else e
                for e in as_read.catalog.entries
            ]
            catalog = replace(as_read.catalog, entries=filled)
            try:
                if write_if_changed(catalog, path, stamp=revision_stamp(), as_read=as_read):
                    report.written.append(path)
            except FileChangedError:
                report.errors.append(
                    f"{config.relative(path)}: changed on disk during the prefill, so left as"
                    " saved; run the prefill again to fill it (the memory holds what the engine"
                    " sent)"
                )
            except OSError as error:
                report.errors.append(f"{config.relative(path)}: {error.strerror or error}")
    return report


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

    for result in translator.translate(texts, lang, on_result=remember):
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


def remember_reviewed(
    config: Config, memory: TranslationMemory, catalogs: Sequence[Catalog]
) -> int:
    """Put every reviewed entry of ``catalogs`` into the memory; return how many were new.

    Run on every build, so the memory never lags behind the catalogs; the
    catalogs stay the source of truth (``l10n tm rebuild`` recreates it).
    The sentences aligned inside each reviewed block are stored too (level
    ``sentence``), for :mod:`pipeline.memory.sentences` to reuse when a block changes.
    """
    from pipeline.memory.sentences import sentence_units  # sentences imports this module

    # One domain's catalogs one after the other: the source blocks every language
    # aligns against are then split into sentences once and found in the cache by
    # the other languages. Language by language, a site whose source outgrows the
    # cache split every source block again for each language.
    by_domain = sorted((c for c in catalogs if c.lang), key=lambda c: c.domain)
    return sum(
        memory.sync_catalog(c, config.source_language)
        + memory.add(sentence_units(c, config.source_language))
        for c in by_domain
    )
