"""The entry checks themselves, one function per check (see :mod:`pipeline.checks.qa`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pipeline.checks.framework import Issue, Pair, QAContext
from pipeline.checks.langid import language_name, plain_text
from pipeline.checks.punctuation import ending_punctuation
from pipeline.model import (
    REVIEWED_COMMENT,
    Entry,
    Severity,
    human_reviewed,
    machine_origin,
    provenance_problem,
)
from pipeline.text.excerpt import excerpt, quoted
from pipeline.text.inline import inline_markup, markup_problems
from pipeline.text.numbers import Number, numbers_in

# ---------------------------------------------------------------------------
# markup
# ---------------------------------------------------------------------------

_EMPHASIS_NAMES = {"strong": "bold", "em": "emphasis", "s": "strikethrough"}


def check_markup(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    # What may be published is decided by markup_problems, which the renderer
    # applies too; emphasis and code only matter to the reader.
    for problem in markup_problems(pair.source, pair.translation):
        yield Issue(problem)
    source, target = inline_markup(pair.source), inline_markup(pair.translation)
    source_code, target_code = Counter(source.code), Counter(target.code)
    for item in sorted((source_code - target_code).keys()):
        yield Issue(f"code {excerpt(item)} is missing")
    for item in sorted((target_code - source_code).keys()):
        yield Issue(f"code {excerpt(item)} is not in the source")
    yield from _emphasis_issues(Counter(source.emphasis), Counter(target.emphasis))


def _emphasis_issues(source: Counter[str], target: Counter[str]) -> Iterator[Issue]:
    for kind in sorted(set(source) | set(target)):
        if source[kind] != target[kind]:
            name = _EMPHASIS_NAMES[kind]
            yield Issue(f"{name} used {target[kind]} time(s), {source[kind]} in the source")


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------


def _describe(number: Number) -> str:
    # "90" of the range "70–90%" is reported as "90%".
    has_sign = "%" in number.text or "٪" in number.text
    text = excerpt(number.text)
    return f"{text}%" if number.percent and not has_sign else text


# Comparing numbers takes time with the product of their counts; no text has more.
MAX_NUMBERS = 500


def check_numbers(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    source = list(numbers_in(pair.source, context.source_language))
    unmatched = list(numbers_in(pair.translation, context.lang))
    if max(len(source), len(unmatched)) > MAX_NUMBERS:
        yield Issue(f"more than {MAX_NUMBERS} numbers: too many to compare")
        return
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
    problem = provenance_problem(entry)
    if problem:
        yield Issue(problem)
    if not context.mt_policy or not entry.translated:
        return
    if machine_origin(entry) and not human_reviewed(entry):
        yield Issue(
            "machine translation is marked translated but nobody reviewed it: "
            f"mark it fuzzy, or add the comment line '# {REVIEWED_COMMENT}' after review"
        )


KEEP_PREFIX = "keep:"


def contains_fragment(text: str, fragment: str) -> bool:
    """``fragment`` word for word in ``text``; its first letter may be capitalised
    to start a sentence."""
    return fragment in text or fragment[:1].upper() + fragment[1:] in text


def check_required_fragment(entry: Entry, context: QAContext) -> Iterator[Issue]:
    for line in entry.translator_comments:
        if line.strip().startswith(KEEP_PREFIX):
            fragment = line.strip()[len(KEEP_PREFIX) :].strip()
            if fragment and not all(
                contains_fragment(text, fragment) for text in entry.translations if text
            ):
                yield Issue(f"translation must contain {quoted(fragment, 60)} verbatim (# keep:)")
