"""Translation quality checks: per entry, and per catalog file.

Every check has a stable name and a severity. One entry silences one check with
the flag ``ignore-<name>`` in its ``#,`` line (Weblate's convention), e.g.
``#, ignore-punctuation``; a project turns a check off everywhere with
``[tool.l10n.check] disable = ["length"]``. The safety checks -- ``markup``,
``numbers``, ``provenance`` and the do-not-translate part of ``terms`` -- cannot
be silenced from the catalog a translator edits: such a flag is reported as an
``ignore-refused`` warning and the check runs anyway.

Entry checks (run on translated and fuzzy entries):

=====================  ========  ==========================================================
``markup``             error     links, emphasis, code, ``{placeholders}`` as in the source;
                                 no added URL, raw HTML, autolink or script link
``numbers``            error     the same numbers, percentages and ranges (locale-aware)
``terms``              error     a do-not-translate term is missing
                       warning   a glossary term does not use the approved translation
``language``           error     the translation is confidently in another language
``provenance``         error     machine output marked translated without human review
``unchanged``          warning   translation identical to the source (beyond names, numbers)
``whitespace``         warning   leading/trailing whitespace differs
``double-space``       warning   two spaces in a row that the source does not have
``punctuation``        warning   ending punctuation differs (locale equivalents accepted)
``length``             warning   far longer or shorter than translations usually are
``required-fragment``  warning   the text of a ``# keep: <text>`` comment is missing
=====================  ========  ==========================================================

Catalog checks: ``header`` (Content-Type charset, Language, Plural-Forms),
``plurals`` (each plural entry has nplurals forms) and ``msgfmt`` (GNU
``msgfmt --check``'s own diagnostics).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from babel.numbers import get_decimal_symbol, get_group_symbol

from pipeline.checks.langid import LanguageIdentifier, language_name, plain_text
from pipeline.memory.sentences import base_language
from pipeline.model import (
    REVIEWED_COMMENT,
    Entry,
    Finding,
    Severity,
    human_reviewed,
    machine_origin,
)
from pipeline.segments.blocks import (
    BARE_URL,
    PLACEHOLDER,
    inline_markup,
    inline_parser,
    markup_problems,
    quoted,
)
from pipeline.text.glossary import Glossary

# ---------------------------------------------------------------------------
# Framework
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QAContext:
    """Everything an entry check needs besides the entry itself."""

    lang: str
    domain: str
    file: str  # project-relative path of the catalog
    source_language: str = "en"
    identifier: LanguageIdentifier | None = None  # None: no language check
    glossary: Glossary = field(default_factory=Glossary.empty)
    language_confidence: float = 0.75
    mt_policy: bool = True
    disabled: frozenset[str] = frozenset()

    @property
    def base_lang(self) -> str:
        return base_language(self.lang)


@dataclass(frozen=True)
class Issue:
    """A problem a check found; ``severity`` overrides the check's default."""

    message: str
    severity: Severity | None = None
    silenceable: bool = True  # False: an ``ignore-<check>`` flag does not hide it


@dataclass(frozen=True)
class Pair:
    """A source text and one of its translations (plural forms give several pairs)."""

    source: str
    translation: str


PairCheck = Callable[[Pair, Entry, QAContext], Iterator[Issue]]
EntryCheck = Callable[[Entry, QAContext], Iterator[Issue]]


@dataclass(frozen=True)
class Check:
    name: str
    severity: Severity
    run: PairCheck | None = None  # once per (source, translation) pair
    run_entry: EntryCheck | None = None  # once per entry


# Checks whose errors put a wrong number, link or unreviewed machine text in front
# of patients: the catalog a translator edits cannot switch them off.
SAFETY_CHECKS = frozenset({"markup", "numbers", "provenance"})
# Checks with some such issues (terms: a missing do-not-translate term); those stay.
_PARTLY_SAFETY_CHECKS = frozenset({"terms"})
IGNORE_REFUSED = "ignore-refused"


def ignore_requested(entry: Entry, check: str) -> bool:
    """The entry carries the flag ``ignore-<check>``, whether or not it is honoured."""
    return f"ignore-{check}" in entry.flags


def ignored(entry: Entry, check: str) -> bool:
    """The entry silences ``check`` with a flag, and ``check`` may be silenced."""
    return check not in SAFETY_CHECKS and ignore_requested(entry, check)


def pairs(entry: Entry) -> list[Pair]:
    if entry.msgid_plural is None:
        return [Pair(entry.msgid, entry.msgstr)]
    return [
        Pair(entry.msgid if index == 0 else entry.msgid_plural, text)
        for index, text in sorted(entry.msgstr_plural.items())
        if text
    ]


def check_entry(entry: Entry, context: QAContext) -> list[Finding]:
    """Every enabled check on one translated or fuzzy entry."""
    if entry.obsolete or entry.is_header or not any(entry.translations):
        return []
    findings: list[Finding] = []
    entry_pairs = pairs(entry)
    for check in CHECKS:
        if check.name in context.disabled:
            continue
        silenced = ignored(entry, check.name)
        if silenced and check.name not in _PARTLY_SAFETY_CHECKS:
            continue
        issues: list[Issue] = []
        if check.run_entry is not None:
            issues.extend(check.run_entry(entry, context))
        if check.run is not None:
            for pair in entry_pairs:
                issues.extend(check.run(pair, entry, context))
        kept = [i for i in dict.fromkeys(issues) if not silenced or not i.silenceable]
        findings += [_finding(check.name, i, check.severity, entry, context) for i in kept]
        if ignore_requested(entry, check.name) and (not silenced or kept):
            refused = Issue(f"ignore-{check.name} cannot silence a safety check")
            findings.append(_finding(IGNORE_REFUSED, refused, Severity.WARNING, entry, context))
    return findings


def _finding(
    name: str, issue: Issue, default: Severity, entry: Entry, context: QAContext
) -> Finding:
    return Finding(
        check=name,
        severity=issue.severity or default,
        message=issue.message,
        file=context.file,
        line=entry.lineno,
        lang=context.lang,
        domain=context.domain,
        msgid=entry.msgid,
    )


# ---------------------------------------------------------------------------
# markup
# ---------------------------------------------------------------------------


def check_markup(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    # What may be published is decided by segment.markup_problems, which the
    # renderer applies too; emphasis and code only matter to the reader.
    for problem in markup_problems(pair.source, pair.translation):
        yield Issue(problem)
    source, target = inline_markup(pair.source), inline_markup(pair.translation)
    source_code, target_code = Counter(source.code), Counter(target.code)
    for item in sorted((source_code - target_code).keys()):
        yield Issue(f"code {item} is missing")
    for item in sorted((target_code - source_code).keys()):
        yield Issue(f"code {item} is not in the source")
    source_emphasis, target_emphasis = Counter(source.emphasis), Counter(target.emphasis)
    for kind in sorted(set(source_emphasis) | set(target_emphasis)):
        if source_emphasis[kind] != target_emphasis[kind]:
            name = {"strong": "bold", "em": "emphasis", "s": "strikethrough"}[kind]
            yield Issue(
                f"{name} used {target_emphasis[kind]} time(s), {source_emphasis[kind]} in the source"
            )


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------

_SPACES = " \u00a0\u202f\u2009"
_NUMBER = re.compile(rf"\d+(?:[.,'’٫٬{_SPACES}]\d+)*")
_PERCENT_AFTER = re.compile(rf"[{_SPACES}]?[%٪]")
_RANGE_DASH = re.compile(rf"[{_SPACES}]?[-–—‒−][{_SPACES}]?")


@dataclass(frozen=True)
class Number:
    text: str
    values: frozenset[Decimal]  # more than one when the separators are ambiguous
    percent: bool

    def __str__(self) -> str:
        return self.text


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return re.sub(r"\d", lambda match: str(unicodedata.decimal(match.group())), text)


@cache
def _separators(lang: str) -> tuple[str, str]:
    try:
        decimal, group = get_decimal_symbol(lang), get_group_symbol(lang)
    except Exception:  # babel raises several types for unknown locales
        decimal, group = ".", ","
    return decimal, group


def _readings(token: str, lang: str) -> list[frozenset[Decimal]]:
    """The numbers in one run of digits and separators, each as its possible values."""
    decimal, group = _separators(lang)
    token = token.replace("٫", decimal).replace("٬", group)
    parts = re.split(r"(\D)", token)
    numbers: list[frozenset[Decimal]] = []
    # Each candidate reading of the current number: (integer digits, fraction digits or None).
    current: list[tuple[str, str | None]] = [(parts[0], None)]

    def close() -> None:
        numbers.append(frozenset(Decimal(f"{i}.{f}" if f else i) for i, f in current))

    for separator, digits in zip(parts[1::2], parts[2::2], strict=True):
        grouping = len(digits) == 3 and all(f is None for _, f in current)
        if separator in _SPACES or separator in "'’":
            if grouping:
                current = [(i + digits, None) for i, _ in current]
                continue
        elif separator == decimal:
            if all(f is None for _, f in current):
                current = [(i, digits) for i, _ in current]
                continue
        elif separator == group:
            if grouping:
                current = [(i + digits, None) for i, _ in current]
                continue
        elif all(f is None for _, f in current):
            # The separator this language does not use: "20.000" in French reads
            # as twenty thousand to some and as twenty to others; accept both.
            as_decimal = [(i, digits) for i, _ in current]
            current = as_decimal + ([(i + digits, None) for i, _ in current] if grouping else [])
            continue
        close()
        current = [(digits, None)]
    close()
    return numbers


@lru_cache(maxsize=65536)
def numbers_in(text: str, lang: str) -> tuple[Number, ...]:
    """Numbers of a text as written in ``lang``; ranges share their percent sign."""
    text = prose(text)
    found: list[tuple[int, int, Number]] = []
    for match in _NUMBER.finditer(_ascii_digits(text)):
        end = match.end()
        percent = _PERCENT_AFTER.match(text, end)
        if percent:
            end = percent.end()
        before = text[max(0, match.start() - 1) : match.start()]
        is_percent = bool(percent) or before in ("%", "٪")
        for values in _readings(match.group(), lang):
            found.append(
                (match.start(), end, Number(text[match.start() : end], values, is_percent))
            )
    numbers = [number for _, _, number in found]
    for index in range(len(found) - 1):
        (_, end, left), (start, _, right) = found[index], found[index + 1]
        if (left.percent or right.percent) and _RANGE_DASH.fullmatch(text[end:start]):
            numbers[index] = Number(left.text, left.values, True)
            numbers[index + 1] = Number(right.text, right.values, True)
    return tuple(numbers)


@lru_cache(maxsize=65536)
def prose(text: str) -> str:
    """The visible words of inline Markdown: text and link text, not URLs, code or placeholders."""
    parts: list[str] = []
    for block in inline_parser().parseInline(text):
        for token in block.children or ():
            if token.type == "text":
                parts.append(PLACEHOLDER.sub(" ", BARE_URL.sub(" ", token.content)))
            elif token.type in ("softbreak", "hardbreak", "code_inline", "link_open", "link_close"):
                parts.append(" ")
    return "".join(parts)


_WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def word_count(text: str) -> int:
    """Words of a msgid as statistics count them (numbers and acronyms included)."""
    return len(_WORD.findall(prose(text)))


def _describe(number: Number) -> str:
    # "90" of the range "70–90%" is reported as "90%".
    has_sign = "%" in number.text or "٪" in number.text
    return f"{number.text}%" if number.percent and not has_sign else number.text


def check_numbers(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    source = list(numbers_in(pair.source, context.source_language))
    unmatched = list(numbers_in(pair.translation, context.lang))
    missing: list[Number] = []
    for number in source:
        for index, candidate in enumerate(unmatched):
            if candidate.percent == number.percent and candidate.values & number.values:
                del unmatched[index]
                break
        else:
            missing.append(number)
    for number in missing:
        yield Issue(f"number {_describe(number)} is missing")
    for number in unmatched:
        yield Issue(f"number {_describe(number)} is not in the source")


# ---------------------------------------------------------------------------
# terms
# ---------------------------------------------------------------------------


def check_terms(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    glossary = context.glossary
    for term in glossary.terms_in(pair.source):
        if not glossary.missing_in(term, context.lang, pair.translation):
            continue
        if term.do_not_translate:
            yield Issue(
                f"do-not-translate term {quoted(term.source)} is missing",
                Severity.ERROR,
                silenceable=False,
            )
        else:
            approved = term.approved(context.lang) or ""
            yield Issue(
                f"glossary term {quoted(term.source)} should be translated as {quoted(approved)}",
                Severity.WARNING,
            )


# ---------------------------------------------------------------------------
# language
# ---------------------------------------------------------------------------


def check_language(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    if context.identifier is None:
        return
    verdict = context.identifier.mismatch(
        pair.translation, context.base_lang, context.language_confidence
    )
    if verdict is not None:
        yield Issue(f"translation is {verdict.describe()}")


# ---------------------------------------------------------------------------
# unchanged
# ---------------------------------------------------------------------------


def check_unchanged(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    if pair.translation.strip() != pair.source.strip():
        return
    # What may stay as it is: terms, numbers, acronyms, URLs, placeholders, code
    # (all removed by plain_text) and a single capitalised name.
    remaining = plain_text(pair.source, context.glossary.do_not_translate)
    words = [w for w in re.findall(r"[^\W\d_]+", remaining) if len(w) > 1]
    if not words or (len(words) == 1 and words[0][0].isupper()):
        return
    yield Issue("translation is identical to the source")


# ---------------------------------------------------------------------------
# whitespace, double-space, punctuation, length
# ---------------------------------------------------------------------------

_LEADING = re.compile(r"^\s*")
_TRAILING = re.compile(r"\s*$")


def check_whitespace(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    for where, pattern in (("leading", _LEADING), ("trailing", _TRAILING)):
        source_space = pattern.search(pair.source)
        target_space = pattern.search(pair.translation)
        if source_space and target_space and source_space.group() != target_space.group():
            yield Issue(f"{where} whitespace differs from the source")
    if pair.translation.count("\n") != pair.source.count("\n"):
        yield Issue("line breaks differ from the source")


def check_double_space(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    if "  " in pair.translation.strip() and "  " not in pair.source.strip():
        yield Issue("two spaces in a row")


# Ending punctuation by meaning; each language's own marks count as the same.
_ENDING_KIND = {
    ".": "full stop", "。": "full stop", "।": "full stop", "۔": "full stop", "．": "full stop",
    "?": "question mark", "？": "question mark", "؟": "question mark",
    "!": "exclamation mark", "！": "exclamation mark",
    ":": "colon", "：": "colon",
    ";": "semicolon", "；": "semicolon", "؛": "semicolon",
    ",": "comma", "，": "comma", "、": "comma", "،": "comma",
    "…": "ellipsis",
}  # fmt: skip
# Closing marks that may follow the sentence's own punctuation.
CLOSING_MARKS = "*_`)]}»«\"'”“’›‹」』）"


# A full stop that ends an abbreviation, not a sentence: "(breast, lung, etc.)".
_ABBREVIATION_END = re.compile(
    r"(?<!\w)(?:etc|e\.g|i\.e|vs|approx|cf|al|usw|bzw|z\.\s?B|ecc|т\.\s?д|т\.\s?п|др)\.$",
    re.IGNORECASE,
)


def ending_punctuation(text: str) -> str | None:
    """The kind of punctuation ``text`` ends with, "abbreviation" or None."""
    text = text.rstrip().rstrip(CLOSING_MARKS + _SPACES).rstrip()
    if text.endswith("..."):
        return "ellipsis"
    if _ABBREVIATION_END.search(text):
        return "abbreviation"
    return _ENDING_KIND.get(text[-1:]) if text else None


def check_punctuation(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    source, target = ending_punctuation(pair.source), ending_punctuation(pair.translation)
    if source == target or "abbreviation" in (source, target):
        return
    if source is None:
        yield Issue(f"translation ends with a {target}, the source does not")
    elif target is None:
        yield Issue(f"translation does not end with a {source} like the source")
    else:
        yield Issue(f"translation ends with a {target}, the source with a {source}")


# Typical length of a translation from English, as a multiple of the source's.
_EXPANSION = {"de": 1.25, "fr": 1.2, "es": 1.2, "it": 1.15, "pt": 1.15, "ru": 1.1, "uk": 1.1,
              "ar": 0.95, "fa": 0.95, "he": 0.85, "zh": 0.35, "ja": 0.5, "ko": 0.55}  # fmt: skip
_LENGTH_FACTOR = 2.5  # how far from the usual ratio a translation may be
_MIN_LENGTH = 20  # shorter sources vary too much to judge


def check_length(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    source, target = len(pair.source.strip()), len(pair.translation.strip())
    if source < _MIN_LENGTH or not target:
        return
    usual = _EXPANSION.get(context.base_lang, 1.1)
    ratio = target / source
    if ratio > usual * _LENGTH_FACTOR or ratio < usual / _LENGTH_FACTOR:
        yield Issue(
            f"translation is {ratio:.1f}× the source length "
            f"(usual for {language_name(context.base_lang)}: about {usual:g}×)"
        )


# ---------------------------------------------------------------------------
# provenance, required-fragment
# ---------------------------------------------------------------------------


def check_provenance(entry: Entry, context: QAContext) -> Iterator[Issue]:
    # The rule: machine output may be published only after a human touched it.
    # A fuzzy entry is not published, so it is fine; a translated one needs the
    # "reviewed" comment line that the reviewer (or review tool) adds.
    if not context.mt_policy or not entry.translated:
        return
    if machine_origin(entry) and not human_reviewed(entry):
        yield Issue(
            "machine translation is marked translated but nobody reviewed it: "
            f"mark it fuzzy, or add the comment line '# {REVIEWED_COMMENT}' after review"
        )


KEEP_PREFIX = "keep:"


def contains_fragment(text: str, fragment: str) -> bool:
    """``fragment`` word for word in ``text``; its first letter may be capitalised to start a sentence."""
    return fragment in text or fragment[:1].upper() + fragment[1:] in text


def check_required_fragment(entry: Entry, context: QAContext) -> Iterator[Issue]:
    for line in entry.translator_comments:
        if line.strip().startswith(KEEP_PREFIX):
            fragment = line.strip()[len(KEEP_PREFIX) :].strip()
            if fragment and not all(
                contains_fragment(text, fragment) for text in entry.translations if text
            ):
                yield Issue(f"translation must contain {quoted(fragment, 60)} verbatim (# keep:)")


CHECKS: tuple[Check, ...] = (
    Check("markup", Severity.ERROR, run=check_markup),
    Check("numbers", Severity.ERROR, run=check_numbers),
    Check("terms", Severity.ERROR, run=check_terms),
    Check("language", Severity.ERROR, run=check_language),
    Check("provenance", Severity.ERROR, run_entry=check_provenance),
    Check("unchanged", Severity.WARNING, run=check_unchanged),
    Check("whitespace", Severity.WARNING, run=check_whitespace),
    Check("double-space", Severity.WARNING, run=check_double_space),
    Check("punctuation", Severity.WARNING, run=check_punctuation),
    Check("length", Severity.WARNING, run=check_length),
    Check("required-fragment", Severity.WARNING, run_entry=check_required_fragment),
)
CHECK_NAMES = tuple(check.name for check in CHECKS)


# ---------------------------------------------------------------------------
# Catalog validity
# ---------------------------------------------------------------------------

_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")
_CHARSET = re.compile(r"charset\s*=\s*([\w.-]+)", re.IGNORECASE)


def check_header(
    metadata: dict[str, str], lang: str, file: str, line: int, domain: str
) -> tuple[list[Finding], int | None]:
    """Findings about the header, and the catalog's nplurals if it declares one."""
    problems: list[str] = []
    charset = _CHARSET.search(metadata.get("Content-Type", ""))
    if not charset:
        problems.append("Content-Type has no charset")
    elif charset.group(1).upper() not in ("UTF-8", "UTF8"):
        problems.append(f"charset is {charset.group(1)}, expected UTF-8")
    declared = metadata.get("Language", "")
    if not declared:
        problems.append("Language is missing")
    elif base_language(declared) != base_language(lang):
        problems.append(f"Language is {declared}, but the catalog is for {lang}")
    nplurals_match = _NPLURALS.search(metadata.get("Plural-Forms", ""))
    if not nplurals_match or "plural=" not in metadata.get("Plural-Forms", ""):
        problems.append("Plural-Forms is missing or has no nplurals/plural")
    findings = [
        Finding("header", Severity.ERROR, f"header: {p}", file, line, lang, domain)
        for p in problems
    ]
    return findings, int(nplurals_match.group(1)) if nplurals_match else None


def check_plurals(
    entries: Sequence[Entry], nplurals: int, lang: str, file: str, domain: str
) -> list[Finding]:
    return [
        Finding(
            "plurals",
            Severity.ERROR,
            f"{len(entry.msgstr_plural)} plural form(s), the header says nplurals={nplurals}",
            file,
            entry.lineno,
            lang,
            domain,
            entry.msgid,
        )
        for entry in entries
        if entry.msgid_plural is not None
        and not entry.obsolete
        and entry.msgstr_plural
        and sorted(entry.msgstr_plural) != list(range(nplurals))
    ]


_MSGFMT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?:\d+:)?\s*(?P<message>.*)$")


def run_msgfmt(path: Path, file: str, lang: str | None, domain: str) -> list[Finding]:
    """GNU ``msgfmt --check``'s diagnostics for one catalog, as findings."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return [msgfmt_missing()]
    result = subprocess.run(
        [
            msgfmt,
            "--check-format",
            "--check-header",
            "--check-domain",
            "-o",
            "/dev/null",
            str(path),
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    )
    findings: list[Finding] = []
    for raw in result.stderr.splitlines():
        match = _MSGFMT_LINE.match(raw)
        if match is None:
            if "fatal error" in raw or not raw.strip():
                continue
            line, message = 1, raw.removeprefix(f"{msgfmt}: ").removeprefix("msgfmt: ")
        else:
            line, message = int(match.group("line")), match.group("message")
        severity = Severity.WARNING if "warning:" in message else Severity.ERROR
        findings.append(Finding("msgfmt", severity, message.strip(), file, line, lang, domain))
    if result.returncode != 0 and not any(f.severity is Severity.ERROR for f in findings):
        findings.append(
            Finding("msgfmt", Severity.ERROR, "msgfmt --check failed", file, 1, lang, domain)
        )
    return findings


def msgfmt_missing() -> Finding:
    return Finding(
        "msgfmt",
        Severity.WARNING,
        "msgfmt (GNU gettext) is not installed; catalogs were not checked with msgfmt --check",
        "",
        0,
    )
