"""``l10n source fix``: resolve text the source-language gate rejects.

A foreign fragment in the English source is two things at once: English that
is missing, and a translation that already exists. The fix keeps both:

* the English text (given by the editor with ``--text``, found in the memory,
  or asked of the machine engine) replaces the fragment in ``source/``, in
  place and atomically, touching nothing else on the page;
* the original goes to its language's catalog: a whole foreign block becomes
  the reviewed translation of the new English block; a foreign sentence inside
  an English paragraph is kept for the translator in the memory and as a
  ``# keep:`` comment on the entry, and the ``required-fragment`` check warns
  while the translation lacks it;
* English that came from a machine is listed under ``unconfirmed`` in the
  page's front matter, and the ``source-unconfirmed`` check fails until an
  editor has read it and removed the line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.build import extract
from pipeline.catalogs.headers import revision_stamp
from pipeline.catalogs.update import update_catalogs
from pipeline.catalogs.writing import write_if_changed
from pipeline.checks.entry_checks import KEEP_PREFIX, contains_fragment
from pipeline.checks.langid import identifier
from pipeline.checks.source_language import ForeignText, foreign_text
from pipeline.config import Config
from pipeline.files import inside, write_text_atomic
from pipeline.machine.failures import MachineError
from pipeline.machine.prefill import make_translator
from pipeline.memory.base import TranslationMemory
from pipeline.memory.units import Unit
from pipeline.model import Origin, OriginKind, PipelineError
from pipeline.po.reader import read_catalog
from pipeline.segments.blocks import read_segments
from pipeline.text.glossary import project_glossary

UNCONFIRMED_KEY = "unconfirmed"


class FixError(PipelineError):
    """A fragment that cannot be fixed as asked; the message says what to do."""


@dataclass(frozen=True)
class Fix:
    file: str
    line: int
    lang: str  # the fragment's language
    original: str
    english: str
    english_origin: Origin  # human (the editor's --text), memory or machine
    whole_block: bool
    msgid: str  # the segment's msgid once the fragment is replaced

    @property
    def confirmed(self) -> bool:
        return self.english_origin.kind is OriginKind.HUMAN

    @property
    def source_origin(self) -> Origin:
        return Origin(OriginKind.SOURCE, f"{self.file}:{self.line}")


@dataclass
class FixReport:
    fixes: list[Fix] = field(default_factory=list)
    catalogs_written: list[str] = field(default_factory=list)


def find_foreign(config: Config) -> list[ForeignText]:
    glossary = project_glossary(config)
    ident = identifier(config.all_languages, glossary.do_not_translate, config.source_language)
    # A fragment known only by its script has no language to translate from: check reports it.
    return [
        f
        for segment in read_segments(config)
        for f in foreign_text(segment, config, ident)
        if f.verdict.found
    ]


def plan(
    config: Config,
    memory: TranslationMemory,
    *,
    text: str | None = None,
    engine: str | None = None,
    engine_url: str | None = None,
) -> list[Fix]:
    """Decide the English for every foreign fragment, without writing anything."""
    found = find_foreign(config)
    if text is not None and len(found) != 1:
        raise FixError(f"--text fits one fragment, and {len(found)} were found")
    fixes = []
    for foreign in found:
        lang = foreign.verdict.found
        if text is not None:
            english, origin = text, Origin(OriginKind.HUMAN)
        else:
            english, origin = _english_for(config, memory, foreign.text, lang, engine, engine_url)
        fixes.append(
            Fix(
                foreign.segment.file,
                foreign.segment.line,
                lang,
                foreign.text,
                english,
                origin,
                whole_block=foreign.sentence == 0,
                msgid=foreign.segment.msgid.replace(foreign.text, english, 1),
            )
        )
    return fixes


def _english_for(
    config: Config,
    memory: TranslationMemory,
    original: str,
    lang: str,
    engine: str | None,
    engine_url: str | None,
) -> tuple[str, Origin]:
    matches = memory.lookup(original, lang, config.source_language, threshold=100.0, limit=1)
    if matches:
        return matches[0].target, Origin(OriginKind.MEMORY, str(matches[0].origin))
    try:
        translator = make_translator(config, engine, engine_url, source_lang=lang)
        (result,) = translator.translate([original], config.source_language)
    except MachineError as error:
        raise FixError(f"no English for «{original[:60]}»: {error}; give it with --text") from None
    if result.target is None:
        raise FixError(f"no English for «{original[:60]}»: {result.error}; give it with --text")
    return result.target, Origin(OriginKind.MACHINE, translator.name)


def apply(config: Config, memory: TranslationMemory, fixes: Sequence[Fix]) -> FixReport:
    """Rewrite the sources, then give each original to its language's catalog."""
    report = FixReport(list(fixes))
    # Every page is rewritten before any is written: a fragment no longer where it was
    # stops the fix with nothing changed.
    pages = [
        _rewritten_source(config, file, [fix for fix in fixes if fix.file == file])
        for file in sorted({fix.file for fix in fixes})
    ]
    # The memory first: the update below then finds the original as a proposal, and a
    # page that cannot be written (read-only, a full disk) loses no original.
    memory.add(
        Unit(
            fix.english,
            fix.original,
            config.source_language,
            fix.lang,
            fix.source_origin,
            level="block" if fix.whole_block else "sentence",
        )
        for fix in fixes
    )
    for path, text in pages:
        write_text_atomic(path, text)
    update_catalogs(config, extract(config))
    for fix in fixes:
        if fix.lang not in config.languages:
            continue
        for domain, path in config.catalog_files(fix.lang).items():
            catalog = read_catalog(path, fix.lang, domain, root=config.root)
            changed = False
            for entry in catalog.active():
                if entry.is_header or entry.msgid != fix.msgid:
                    continue
                if fix.whole_block and not entry.translated:
                    # The original is this block's translation; a reviewed one is never replaced.
                    entry.msgstr = fix.original
                    entry.fuzzy = False
                    note = f"from the source: moved out of {fix.file}:{fix.line}"
                else:
                    note = f"{KEEP_PREFIX} {fix.original}"
                if not any(
                    note in c or contains_fragment(c, fix.original)
                    for c in entry.translator_comments
                ):
                    entry.translator_comments.append(note)
                changed = True
            if changed and write_if_changed(catalog, path, stamp=revision_stamp()):
                report.catalogs_written.append(config.relative(path))
    return report


def _rewritten_source(config: Config, file: str, fixes: Sequence[Fix]) -> tuple[Path, str]:
    """The page with each fragment replaced in its block and machine English listed in the
    front matter."""
    path = inside(config.root / file, config.root)
    text = path.read_text("utf-8")
    for fix in sorted(fixes, key=lambda f: f.line, reverse=True):
        start = sum(len(line) for line in text.splitlines(keepends=True)[: fix.line - 1])
        # A wrapped paragraph may break the fragment across lines: match any whitespace.
        words = (re.escape(word) for word in fix.original.split())
        found = re.compile(r"\s+".join(words)).search(text, start)
        if found is None:
            raise FixError(
                f"{file}:{fix.line}: the fragment is no longer in this block; check again"
            )
        text = text[: found.start()] + fix.english + text[found.end() :]
    lines = text.splitlines(keepends=True)
    unconfirmed = [fix for fix in fixes if not fix.confirmed]
    if unconfirmed:
        lines = _mark_unconfirmed(lines, file, unconfirmed)
    return path, "".join(lines)


def _mark_unconfirmed(lines: list[str], file: str, fixes: Sequence[Fix]) -> list[str]:
    """Add machine English to the front matter's ``unconfirmed`` list, adding lines only."""
    if not lines or lines[0].rstrip() != "---":
        raise FixError(f"{file}: has no front matter to record unconfirmed English in")
    end = next(i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in ("---", "..."))
    header = (
        []
        if any(line.startswith(f"{UNCONFIRMED_KEY}:") for line in lines[1:end])
        else [f"{UNCONFIRMED_KEY}:\n"]
    )
    added = len(header) + len(fixes)  # every body line moves down by this much
    items = []
    for fix in fixes:
        quoted = fix.english.replace("\\", "\\\\").replace('"', '\\"')
        items.append(
            f'  - {{line: {fix.line + added}, origin: "{fix.english_origin}", text: "{quoted}"}}\n'
        )
    return [*lines[:end], *header, *items, *lines[end:]]
