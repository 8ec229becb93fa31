"""Source checks: editorial checks of the English pages under ``source/``.

``source-language`` (error)
    a segment, or a sentence inside one, is not in the source language
``source-unconfirmed`` (error)
    English that ``l10n source fix`` took from a machine, not yet confirmed by an editor
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
``not-built`` (warning)
    a file under the source folder that is not a page: not ``.md``, or without front matter
``link``, ``link-moved``, ``redirect``
    links between pages and the redirects (:mod:`pipeline.checks.links`)

Raw HTML is off in the source, so a source finding cannot be silenced with an
HTML comment. Instead the page's front matter lists what to ignore::

    ignore:
      - check: url          # this check on the segment that starts on line 12
        line: 12
      - heading-skip        # this check anywhere in the file
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from pipeline.checks.langid import LanguageIdentifier
from pipeline.checks.links import link_findings, redirect_findings
from pipeline.checks.punctuation import CLOSING_MARKS, ending_punctuation
from pipeline.checks.source_language import foreign_text
from pipeline.checks.urls import url_problem
from pipeline.config import Config
from pipeline.model import Finding, Segment, Severity
from pipeline.segments.blocks import document_segments
from pipeline.source.documents import Document, SourceError, read_source_tree
from pipeline.source.links import SiteLinks
from pipeline.source.redirects import read_redirects
from pipeline.text.excerpt import excerpt
from pipeline.text.inline import InlineMarkup, inline_markup
from pipeline.text.languages import base_language
from pipeline.text.markdown import markdown

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

Message = tuple[str, Severity, str]  # (check, severity, message) about one segment


def check_sources(config: Config, ident: LanguageIdentifier) -> list[Finding]:
    """The source-language gate and the editor's warnings, on every source page."""
    try:
        tree = read_source_tree(config)
    except SourceError as error:
        return [
            Finding("source", Severity.ERROR, str(one).split(": ", 1)[-1], one.file, one.line)
            for one in getattr(error, "errors", [error])
        ]
    pages = [(document, document_segments(document)) for document in tree.documents]
    expected = base_language(config.source_language)
    texts = [
        text
        for _, segments in pages
        for segment in segments
        for text in (segment.msgid, *ident.sentences(segment.msgid))
    ]
    ident.prepare((text, expected) for text in texts)
    ident.prepare_wide(texts, expected)
    findings = [
        Finding("not-built", Severity.WARNING, f"not built: {skipped.reason}", skipped.file, 1)
        for skipped in tree.skipped
    ]
    redirects = read_redirects(config, tree.documents)
    findings += redirect_findings(redirects)
    links = SiteLinks(tree.documents, redirects, config.source_dir)
    for document, segments in pages:
        ignores, problems = _ignores(document)
        found = [*problems, *_heading_skips(document), *_unconfirmed(document)]
        found += link_findings([(document, segments)], links)
        for segment in segments:
            found.extend(check_segment(segment, config, ident))
        findings.extend(f for f in found if not _is_ignored(f, ignores))
    return findings


def check_segment(segment: Segment, config: Config, ident: LanguageIdentifier) -> list[Finding]:
    """Every source check on one segment of a page."""
    markup = inline_markup(segment.msgid)
    messages = [
        *_source_language(segment, config, ident),
        *_url_messages(markup),
        *_empty_links(markup),
        *_truncation(segment),
        *_placeholder_text(segment.msgid),
    ]
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


def _source_language(
    segment: Segment, config: Config, ident: LanguageIdentifier
) -> Iterator[Message]:
    for foreign in foreign_text(segment, config, ident):
        found = foreign.verdict.describe()
        if foreign.sentence:
            message = f"sentence {foreign.sentence} is {found}: «{excerpt(foreign.text, 30)}»"
        else:
            message = f"segment is {found}"
        yield ("source-language", Severity.ERROR, message)


def _url_messages(markup: InlineMarkup) -> Iterator[Message]:
    for url in markup.urls:
        problem = url_problem(url)
        if problem:
            yield ("url", Severity.WARNING, problem)


def _empty_links(markup: InlineMarkup) -> Iterator[Message]:
    for url in markup.textless_links:
        yield ("empty-link", Severity.WARNING, f"link to {excerpt(url) or '(nothing)'} has no text")
    for href, _title in markup.links:
        if not href.strip():
            yield ("empty-link", Severity.WARNING, "link has no target")


def _truncation(segment: Segment) -> Iterator[Message]:
    if segment.role in _PARAGRAPH_ROLES and _ends_mid_sentence(segment.msgid):
        tail = excerpt(segment.msgid[-40:].lstrip(), 40)
        yield ("truncated", Severity.WARNING, f"{segment.role} ends mid-sentence: «…{tail}»")


def _ends_mid_sentence(msgid: str) -> bool:
    if ending_punctuation(msgid) is not None:
        return False
    last = _LAST_WORD.search(msgid.rstrip(CLOSING_MARKS + " "))
    return last is not None and msgid.rstrip()[-1:].isalpha() and last.group(1).islower()


def _placeholder_text(msgid: str) -> Iterator[Message]:
    for match in PLACEHOLDER_TEXT.finditer(msgid):
        message = f"placeholder or assistant text «{excerpt(match.group(), 40)}»"
        yield ("placeholder-text", Severity.WARNING, message)


# ---------------------------------------------------------------------------
# Per page
# ---------------------------------------------------------------------------


def _unconfirmed(document: Document) -> list[Finding]:
    """English that ``l10n source fix`` took from a machine waits for an editor's confirmation."""
    listed = document.meta.get("unconfirmed") or []
    return [
        Finding(
            "source-unconfirmed",
            Severity.ERROR,
            f"machine-translated English ({excerpt(str(item.get('origin', 'mt')), 30)}) awaits an"
            f" editor: «{excerpt(str(item.get('text', '')), 30)}»; confirm by removing it from"
            " 'unconfirmed'",
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


# ---------------------------------------------------------------------------
# What the front matter says to ignore
# ---------------------------------------------------------------------------

Ignore = tuple[str, int | None]  # (check, line or None for the whole file)


def _ignores(document: Document) -> tuple[list[Ignore], list[Finding]]:
    """The front matter's ``ignore`` list, and a finding for each item that is neither form."""
    raw = document.meta.get("ignore", [])
    items = raw if isinstance(raw, list) else [raw]
    ignores: list[Ignore] = []
    problems: list[Finding] = []
    for item in items:
        ignore = _ignore(item)
        if ignore is not None:
            ignores.append(ignore)
            continue
        problems.append(
            Finding(
                "source",
                Severity.WARNING,
                f"front matter ignore: {excerpt(repr(item))}"
                " is not a check name or {check, line}",
                document.file,
                1,
                None,
                document.domain,
            )
        )
    return ignores, problems


def _ignore(item: object) -> Ignore | None:
    if isinstance(item, str):
        return (item, None)
    if (
        isinstance(item, Mapping)
        and isinstance(item.get("check"), str)
        and (item.get("line") is None or isinstance(item.get("line"), int))
    ):
        return (item["check"], item.get("line"))
    return None


def _is_ignored(finding: Finding, ignores: Sequence[Ignore]) -> bool:
    return any(check == finding.check and line in (None, finding.line) for check, line in ignores)
