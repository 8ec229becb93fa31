"""``l10n check``: the completeness gate, translation QA and the source-language gate.

:func:`run_checks` reads every catalog of the requested languages and returns a
:class:`CheckReport`: word statistics per catalog, one completeness gate per
language (``[tool.l10n.check] min_complete``, per-language ``languages``,
``no_fuzzy``) and findings from the entry checks (:mod:`pipeline.checks.qa`), catalog
validity (header, plural forms, ``msgfmt --check``) and the source checks below.
A malformed catalog is a ``syntax`` finding; the other catalogs are still checked.

Source checks, on every segment of ``source/*.md``:

``source-language`` (error)
    a segment, or a sentence inside one, is not in the source language
``url`` (warning)
    a malformed URL, or one with non-ASCII look-alike characters (U+2011 for "-")
``truncated`` (warning)
    a paragraph that stops mid-sentence
``placeholder-text`` (warning)
    leftover assistant or placeholder text ("If you can provide", "Lorem ipsum", "TODO")
``empty-link`` (warning)
    a link without text or without a target
``heading-skip`` (warning)
    a heading more than one level below the previous one (the page title is level 1)

Raw HTML is off in the source, so a source finding cannot be silenced with an
HTML comment. Instead the page's front matter lists what to ignore::

    ignore:
      - check: url          # this check on the segment that starts on line 12
        line: 12
      - heading-skip        # this check anywhere in the file
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.checks.langid import LanguageIdentifier, Verdict, identifier, language_name
from pipeline.config import Config
from pipeline.memory.sentences import base_language
from pipeline.model import Catalog, Entry, Finding, Segment, Severity
from pipeline.po.pofile import CatalogSyntaxError, read_catalog
from pipeline.segments.blocks import document_segments, inline_markup, markdown
from pipeline.source.documents import Document, SourceError, read_documents
from pipeline.text.glossary import Glossary, GlossaryError, project_glossary

from . import qa as translation_qa

JSON_VERSION = 1

# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    """Entry and source-word counts of one catalog."""

    lang: str
    domain: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    obsolete_words: int = 0

    @property
    def total_words(self) -> int:
        return self.translated_words + self.fuzzy_words + self.untranslated_words

    @property
    def percent_complete(self) -> float:
        """Translated source words / all source words × 100 (obsolete entries excluded)."""
        return 100.0 * self.translated_words / self.total_words if self.total_words else 100.0

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "percent_complete": round(self.percent_complete, 2)}


@dataclass(frozen=True)
class GateResult:
    lang: str
    passed: bool
    reason: str
    percent_complete: float = 100.0
    minimum: float = 0.0


@dataclass(frozen=True)
class CheckReport:
    stats: list[Stats]
    findings: list[Finding]
    gates: list[GateResult]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def exit_code(self) -> int:
        """0 when every gate passes and no finding is an error; 1 otherwise."""
        return 0 if all(g.passed for g in self.gates) and not self.errors else 1


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def run_checks(
    config: Config,
    langs: Sequence[str] | None = None,
    *,
    source: bool = True,
    qa: bool = True,
) -> CheckReport:
    """Check the catalogs of ``langs`` (all target languages by default) and the source."""
    languages = list(langs) if langs is not None else list(config.languages)
    findings: list[Finding] = []
    glossary = load_glossary(config, findings)
    stats: list[Stats] = []
    ident: LanguageIdentifier | None = None
    if (qa and "language" not in config.check.disable) or source:
        ident = identifier(config.all_languages, glossary.do_not_translate, config.source_language)
        ident.load_cache(langid_cache_path(config))

    templates = _read_templates(config, findings)
    catalogs: list[tuple[str, str, Path, Catalog | None]] = []
    for lang in languages:
        domains = sorted(set(templates) | _po_domains(config, lang))
        for domain in domains:
            path = config.catalog_path(lang, domain)
            catalog = _read(path, config, lang, domain, findings)
            catalogs.append((lang, domain, path, catalog))

    with ThreadPoolExecutor(max_workers=8) as pool:
        msgfmt_runs = (
            [
                pool.submit(translation_qa.run_msgfmt, path, config.relative(path), lang, domain)
                for lang, domain, path, catalog in catalogs
                if catalog is not None
            ]
            if qa and shutil.which("msgfmt")
            else []
        )
        if qa and not shutil.which("msgfmt"):
            findings.append(translation_qa.msgfmt_missing())

        if qa and ident is not None:
            ident.prepare(
                (text, base_language(catalog.lang or ""))
                for _, _, _, catalog in catalogs
                if catalog is not None
                for entry in catalog.active()
                if not entry.is_header and entry.has_translation
                for text in entry.translations
                if text
            )
        for lang, domain, path, catalog in catalogs:
            stats.append(_stats(lang, domain, catalog, templates.get(domain)))
            file = config.relative(path)
            if catalog is None:
                if domain in templates:
                    findings.append(
                        Finding(
                            "missing-catalog", Severity.WARNING,
                            f"no catalog for {domain}; run l10n update", file, 0, lang, domain,
                        )
                    )  # fmt: skip
                continue
            findings.extend(_outdated(catalog, templates.get(domain), file, lang, domain))
            if qa:
                findings.extend(_catalog_findings(catalog, config, ident, glossary, file))
        if source:
            assert ident is not None
            findings.extend(check_sources(config, ident))
        for run in msgfmt_runs:
            findings.extend(run.result())

    disabled = set(config.check.disable)
    findings = [f for f in findings if f.check not in disabled]
    findings.sort(key=lambda f: (f.file, f.line, f.lang or "", f.check, f.message))
    if ident is not None:
        ident.save_cache(langid_cache_path(config))
    return CheckReport(stats=stats, findings=findings, gates=_gates(config, languages, stats))


def langid_cache_path(config: Config) -> Path:
    """Language answers kept beside the memory, so a repeated check loads no model."""
    location = config.memory_location
    base = config.root / ".l10n" if "://" in location else Path(location).parent
    return base / "langid-cache.json"


def load_glossary(config: Config, findings: list[Finding]) -> Glossary:
    """The project glossary; a broken one is a finding, and the checks go on without it."""
    try:
        return project_glossary(config)
    except GlossaryError as error:
        # GlossaryError messages start with "path:line: "
        where = re.match(r"(.*?):(\d+): (.*)", str(error), re.DOTALL)
        file = config.relative(config.glossary_path) if config.glossary_path else ""
        line, message = (int(where[2]), where[3]) if where else (0, str(error))
        findings.append(Finding("glossary", Severity.ERROR, message, file, line))
        return Glossary.empty()


def _read_templates(config: Config, findings: list[Finding]) -> dict[str, Catalog]:
    templates: dict[str, Catalog] = {}
    for path in sorted((config.locales_path / "templates").glob("*.pot")):
        template = _read(path, config, None, path.stem, findings)
        if template is not None:
            templates[path.stem] = template
    return templates


def _po_domains(config: Config, lang: str) -> set[str]:
    return {path.stem for path in (config.locales_path / lang / "LC_MESSAGES").glob("*.po")}


def _read(
    path: Path, config: Config, lang: str | None, domain: str, findings: list[Finding]
) -> Catalog | None:
    if not path.is_file():
        return None
    try:
        return read_catalog(path, lang, domain)
    except CatalogSyntaxError as error:
        reason = getattr(error, "reason", str(error))
        findings.append(
            Finding(
                "syntax", Severity.ERROR, reason, config.relative(path), error.line, lang, domain
            )
        )
    except OSError as error:
        findings.append(
            Finding("syntax", Severity.ERROR, f"cannot read: {error.strerror}",
                    config.relative(path), 0, lang, domain)
        )  # fmt: skip
    return None


def _catalog_findings(
    catalog: Catalog,
    config: Config,
    ident: LanguageIdentifier | None,
    glossary: Glossary,
    file: str,
) -> list[Finding]:
    lang, domain = catalog.lang or "", catalog.domain
    header_line = catalog.header.lineno or 1
    findings, nplurals = translation_qa.check_header(
        catalog.metadata, lang, file, header_line, domain
    )
    if nplurals is not None:
        findings.extend(translation_qa.check_plurals(catalog.entries, nplurals, lang, file, domain))
    context = translation_qa.QAContext(
        lang=lang,
        domain=domain,
        file=file,
        source_language=config.source_language,
        identifier=ident,
        glossary=glossary,
        language_confidence=config.check.language_confidence,
        mt_policy=config.check.mt_policy,
        disabled=frozenset(config.check.disable),
    )
    for entry in catalog.active():
        if not entry.is_header:
            findings.extend(translation_qa.check_entry(entry, context))
    return findings


def _outdated(
    catalog: Catalog, template: Catalog | None, file: str, lang: str, domain: str
) -> list[Finding]:
    if template is None:
        return []
    missing = template.index().keys() - catalog.index().keys()
    if not missing:
        return []
    return [
        Finding(
            "outdated", Severity.WARNING,
            f"{len(missing)} message(s) of the template are not in the catalog; run l10n update",
            file, 1, lang, domain,
        )
    ]  # fmt: skip


def _stats(lang: str, domain: str, catalog: Catalog | None, template: Catalog | None) -> Stats:
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    words = dict.fromkeys(counts, 0)

    def add(state: str, entry: Entry) -> None:
        counts[state] += 1
        words[state] += translation_qa.word_count(entry.msgid)

    entries = catalog.entries if catalog is not None else []
    for entry in entries:
        if entry.is_header:
            continue
        if entry.obsolete:
            add("obsolete", entry)
        elif entry.translated:
            add("translated", entry)
        elif entry.fuzzy and entry.has_translation:
            add("fuzzy", entry)
        else:
            add("untranslated", entry)
    if template is not None:
        # Messages the catalog has not caught up with yet are not translated.
        known = catalog.index().keys() if catalog is not None else set()
        for entry in template.active():
            if not entry.is_header and entry.key not in known:
                add("untranslated", entry)
    return Stats(lang, domain, **counts, **{f"{state}_words": n for state, n in words.items()})


def _gates(config: Config, languages: Sequence[str], stats: Sequence[Stats]) -> list[GateResult]:
    gates: list[GateResult] = []
    for lang in languages:
        mine = [s for s in stats if s.lang == lang]
        total = sum(s.total_words for s in mine)
        done = sum(s.translated_words for s in mine)
        fuzzy = sum(s.fuzzy for s in mine)
        percent = 100.0 * done / total if total else 100.0
        minimum = config.check.minimum(lang)
        problems: list[str] = []
        # Rounded the way it is shown, so "99.99%" never fails a 99.99 minimum.
        if round(percent, 2) < minimum:
            problems.append(f"{percent:.1f}% complete, minimum {minimum:g}%")
        if config.check.no_fuzzy and fuzzy:
            problems.append(f"{fuzzy} fuzzy entr{'y' if fuzzy == 1 else 'ies'} (no_fuzzy is set)")
        reason = "; ".join(problems) or f"{percent:.1f}% complete (minimum {minimum:g}%)"
        gates.append(GateResult(lang, not problems, reason, round(percent, 2), minimum))
    return gates


# ---------------------------------------------------------------------------
# Source checks
# ---------------------------------------------------------------------------

# Left over from an assistant or a template; never meant for readers.
PLACEHOLDER_TEXT = re.compile(
    r"\bI (?:could not|couldn't|cannot|can't|am unable to|was unable to) "
    r"(?:fetch|access|browse|open|retrieve|find)\b"
    r"|\bIf you (?:can|could) (?:provide|share|paste)\b"
    r"|\bI can summari[sz]e\b"
    r"|\bas an AI\b|\bAs of my (?:last )?knowledge cutoff\b"
    r"|\blorem ipsum\b|\bTODO\b|\bTBD\b|\bFIXME\b|\bXXX\b"
    r"|\[(?:insert|placeholder|add)[^\]]*\]",
    re.IGNORECASE,
)
_PARAGRAPH_ROLES = ("paragraph", "FAQ answer", "description")
_LAST_WORD = re.compile(r"([^\W\d_]+)\W*$")
_EXCERPT_CHARS = 30


def check_sources(config: Config, ident: LanguageIdentifier) -> list[Finding]:
    """The source-language gate and the editor's warnings, on every source page."""
    try:
        documents = read_documents(config)
    except SourceError as error:
        return [
            Finding("source", Severity.ERROR, str(error).split(": ", 1)[-1], error.file, error.line)
        ]
    pages = [(document, document_segments(document)) for document in documents]
    expected = base_language(config.source_language)
    ident.prepare(
        (text, expected)
        for _, segments in pages
        for segment in segments
        for text in (segment.msgid, *ident.sentences(segment.msgid))
    )
    findings: list[Finding] = []
    for document, segments in pages:
        ignores, problems = _ignores(document)
        found = [*problems, *_heading_skips(document), *_unconfirmed(document)]
        for segment in segments:
            found.extend(check_segment(segment, config, ident))
        findings.extend(f for f in found if not _is_ignored(f, ignores))
    return findings


def check_segment(segment: Segment, config: Config, ident: LanguageIdentifier) -> list[Finding]:
    messages: list[tuple[str, Severity, str]] = []
    messages.extend(_source_language(segment, config, ident))
    markup = inline_markup(segment.msgid)
    for url in markup.urls:
        problem = url_problem(url)
        if problem:
            messages.append(("url", Severity.WARNING, problem))
    for url in markup.textless_links:
        messages.append(
            ("empty-link", Severity.WARNING, f"link to {url or '(nothing)'} has no text")
        )
    for href, _title in markup.links:
        if not href.strip():
            messages.append(("empty-link", Severity.WARNING, "link has no target"))
    if segment.role in _PARAGRAPH_ROLES and _ends_mid_sentence(segment.msgid):
        tail = segment.msgid[-40:].lstrip()
        messages.append(
            ("truncated", Severity.WARNING, f"{segment.role} ends mid-sentence: «…{tail}»")
        )
    for match in PLACEHOLDER_TEXT.finditer(segment.msgid):
        messages.append(
            (
                "placeholder-text",
                Severity.WARNING,
                f"placeholder or assistant text «{match.group()}»",
            )
        )
    return [
        Finding(
            check,
            severity,
            message,
            segment.file,
            segment.line,
            None,
            segment.domain,
            segment.msgid,
        )
        for check, severity, message in messages
    ]


@dataclass(frozen=True)
class ForeignText:
    """A source segment, or one sentence of it, that is not in the source language."""

    segment: Segment
    text: str  # the whole msgid, or the sentence
    sentence: int  # 1-based sentence number; 0 for the whole segment
    verdict: Verdict


def foreign_text(segment: Segment, config: Config, ident: LanguageIdentifier) -> list[ForeignText]:
    """What the source-language gate rejects in ``segment``: the whole block or single sentences."""
    expected = base_language(config.source_language)
    threshold = config.check.language_confidence
    verdict = ident.mismatch(segment.msgid, expected, threshold)
    if verdict is not None:
        return [ForeignText(segment, segment.msgid, 0, verdict)]
    sentences = ident.sentences(segment.msgid)
    if len(sentences) < 2:
        return []
    found = []
    for number, sentence in enumerate(sentences, start=1):
        verdict = ident.mismatch(sentence, expected, threshold)
        if verdict is not None:
            found.append(ForeignText(segment, sentence, number, verdict))
    return found


def _source_language(
    segment: Segment, config: Config, ident: LanguageIdentifier
) -> Iterable[tuple[str, Severity, str]]:
    for foreign in foreign_text(segment, config, ident):
        if foreign.sentence:
            message = f"sentence {foreign.sentence} is {foreign.verdict.describe()}: «{excerpt(foreign.text)}»"
        else:
            message = f"segment is {foreign.verdict.describe()}"
        yield ("source-language", Severity.ERROR, message)


def excerpt(text: str, limit: int = _EXCERPT_CHARS) -> str:
    """The first words of ``text`` up to ``limit`` characters, with an ellipsis if cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace() and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.-–—") + "…"


def _ends_mid_sentence(msgid: str) -> bool:
    if translation_qa.ending_punctuation(msgid) is not None:
        return False
    last = _LAST_WORD.search(msgid.rstrip(translation_qa.CLOSING_MARKS + " "))
    return last is not None and msgid.rstrip()[-1:].isalpha() and last.group(1).islower()


def url_problem(url: str) -> str | None:
    """Why a link target looks wrong, or None.

    Look-alike characters (dashes other than "-", odd spaces, invisible format
    characters, full-width forms) are flagged anywhere, also percent-encoded, as
    the Markdown parser leaves them; other non-ASCII letters only in the host name,
    where they are the stuff of homograph domains.
    """
    decoded = unquote(url)
    for char in decoded:
        if char.isascii() and unicodedata.category(char) != "Cc":
            continue
        lookalike = _lookalike(char)
        if lookalike is not None or unicodedata.category(char) in ("Cc", "Cf"):
            hint = f" (looks like “{lookalike}”)" if lookalike and lookalike.strip() else ""
            name = unicodedata.name(char, "control character")
            return f"link {decoded} contains U+{ord(char):04X} {name}{hint}"
    if any(c.isspace() for c in decoded):
        return f"link {decoded} contains whitespace"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as error:
        return f"link {url} is malformed: {error}"
    host = parts.hostname or ""
    if not host.isascii():
        return f"link {decoded} has non-ASCII letters in its host name {host}"
    if parts.scheme in ("http", "https"):
        if not host or ("." not in host and host != "localhost"):
            return f"link {url} has no valid host"
    elif url.lower().startswith("www."):
        return f"link {url} has no scheme (https://)"
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return f"link {url} has a bad percent escape"
    return None


def _lookalike(char: str) -> str | None:
    category = unicodedata.category(char)
    if category == "Pd":
        return "-"
    if category == "Zs":
        return " "
    folded = unicodedata.normalize("NFKC", char)
    return folded if folded.isascii() and folded != char else None


def _unconfirmed(document: Document) -> list[Finding]:
    """English that ``l10n source fix`` took from a machine waits for an editor's confirmation."""
    listed = document.meta.get("unconfirmed") or []
    return [
        Finding(
            "source-unconfirmed",
            Severity.ERROR,
            f"machine-translated English ({item.get('origin', 'mt')}) awaits an editor: "
            f"«{excerpt(str(item.get('text', '')))}»; confirm by removing it from 'unconfirmed'",
            document.file,
            line if isinstance(line := item.get("line"), int) else 1,
        )
        for item in listed
        if isinstance(item, dict)
    ]


def _heading_skips(document: Document) -> list[Finding]:
    findings: list[Finding] = []
    previous = 1  # the page title is the h1
    for token in markdown().parse(document.body):
        if token.type != "heading_open":
            continue
        level = int(token.tag[1:])
        if level > previous + 1:
            line = document.body_line + (token.map[0] if token.map else 0)
            findings.append(
                Finding(
                    "heading-skip",
                    Severity.WARNING,
                    f"heading level {level} follows level {previous}",
                    document.file,
                    line,
                    None,
                    document.domain,
                )
            )
        previous = level
    return findings


def _ignores(document: Document) -> tuple[list[tuple[str, int | None]], list[Finding]]:
    """The front matter's ``ignore`` list as (check, line or None for the whole file)."""
    raw = document.meta.get("ignore", [])
    items = raw if isinstance(raw, list) else [raw]
    ignores: list[tuple[str, int | None]] = []
    problems: list[Finding] = []
    for item in items:
        if isinstance(item, str):
            ignores.append((item, None))
        elif (
            isinstance(item, Mapping)
            and isinstance(item.get("check"), str)
            and (item.get("line") is None or isinstance(item.get("line"), int))
        ):
            ignores.append((item["check"], item.get("line")))
        else:
            problems.append(
                Finding(
                    "source",
                    Severity.WARNING,
                    f"front matter ignore: {item!r} is not a check name or {{check, line}}",
                    document.file,
                    1,
                    None,
                    document.domain,
                )
            )
    return ignores, problems


def _is_ignored(finding: Finding, ignores: Sequence[tuple[str, int | None]]) -> bool:
    return any(check == finding.check and line in (None, finding.line) for check, line in ignores)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def format_text(report: CheckReport, console: Console) -> None:
    """Completeness per language, the gates, then the findings by file and line."""
    table = Table(title="Translation status", show_lines=False)
    for column in (
        "language",
        "complete",
        "minimum",
        "translated",
        "fuzzy",
        "untranslated",
        "gate",
    ):
        table.add_column(column, justify="left" if column in ("language", "gate") else "right")
    for gate in report.gates:
        mine = [s for s in report.stats if s.lang == gate.lang]
        verdict = (
            "[green]pass[/green]" if gate.passed else f"[bold red]fail[/bold red] {gate.reason}"
        )
        table.add_row(
            f"{gate.lang} ({language_name(gate.lang)})",
            f"{gate.percent_complete:.1f}%",
            f"{gate.minimum:g}%",
            str(sum(s.translated for s in mine)),
            str(sum(s.fuzzy for s in mine)),
            str(sum(s.untranslated for s in mine)),
            verdict,
        )
    if report.gates:
        console.print(table)
    for finding in report.findings:
        style = _SEVERITY_STYLE[finding.severity]
        where = f"{finding.file}:{finding.line}" if finding.line else finding.file or "l10n"
        lang = f" [{finding.lang}]" if finding.lang else ""
        console.print(
            f"{_escape(where)}:{_escape(lang)} [{style}]{finding.severity.value}[/{style}] "
            f"{_escape(finding.check)}: {_escape(finding.message)}",
            highlight=False,
            soft_wrap=True,
        )
    errors = len(report.errors)
    warnings = sum(f.severity is Severity.WARNING for f in report.findings)
    failed = [g.lang for g in report.gates if not g.passed]
    summary = f"{errors} error(s), {warnings} warning(s)"
    if failed:
        summary += f"; gate failed for {', '.join(failed)}"
    style = "bold red" if report.exit_code else "green"
    console.print(f"[{style}]{summary}[/{style}]")


def _escape(text: str) -> str:
    return escape(text)


def format_json(report: CheckReport) -> str:
    """The report as JSON with a stable schema (``version`` changes if it ever does)."""
    document = {
        "version": JSON_VERSION,
        "stats": [s.to_dict() for s in report.stats],
        "gates": [asdict(g) for g in report.gates],
        "findings": [
            {
                "check": f.check,
                "severity": f.severity.value,
                "lang": f.lang,
                "domain": f.domain,
                "file": f.file,
                "line": f.line,
                "message": f.message,
                "msgid": f.msgid,
            }
            for f in report.findings
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def format_github(report: CheckReport) -> str:
    """GitHub Actions workflow commands: one annotation per finding and failed gate."""
    lines: list[str] = []
    for finding in report.findings:
        kind = (
            "error"
            if finding.severity is Severity.ERROR
            else ("warning" if finding.severity is Severity.WARNING else "notice")
        )
        lang = f" [{finding.lang}]" if finding.lang else ""
        properties = []
        if finding.file:
            properties.append(f"file={_property(finding.file)}")
        if finding.line:
            properties.append(f"line={finding.line}")
        message = _data(f"{finding.check}{lang}: {finding.message}")
        lines.append(
            f"::{kind} {','.join(properties)}::{message}" if properties else f"::{kind}::{message}"
        )
    for gate in report.gates:
        if not gate.passed:
            lines.append(f"::error::{_data(f'gate {gate.lang}: {gate.reason}')}")
    return "\n".join(lines) + ("\n" if lines else "")


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
