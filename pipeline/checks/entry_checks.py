"""The entry checks themselves, one function per check (see :mod:`pipeline.checks.qa`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from pipeline.catalogs.review import ReviewState
from pipeline.checks.framework import Issue, Pair, QAContext
from pipeline.checks.langid import language_name
from pipeline.checks.prose import language_script, plain_text, script_of
from pipeline.checks.punctuation import ending_punctuation
from pipeline.checks.review import review_state
from pipeline.checks.screening import screening_problems
from pipeline.model import REVIEWED_COMMENT, Entry, Severity, provenance_problem
from pipeline.text.excerpt import excerpt, quoted
from pipeline.text.inline import code_spans, inline_markup, markup_problems, markup_warnings
from pipeline.text.numbers import number_differences, numbers_in

# ---------------------------------------------------------------------------
# markup
# ---------------------------------------------------------------------------

_EMPHASIS_NAMES = {"strong": "bold", "em": "emphasis", "s": "strikethrough"}


def check_markup(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    # What may be published is decided by markup_problems and screening_problems,
    # which the build applies through this check; emphasis and code spans only
    # change how text looks, so they are warnings unless code text is lost.
    languages = (context.source_language, context.lang)
    problems = markup_problems(
        pair.source,
        pair.translation,
        context.inline_tags,
        sources=pair.sources,
        required=pair.required,
        languages=languages,
    )
    for problem in (*problems, *screening_problems(pair.source, pair.translation)):
        yield Issue(problem)
    for warning in markup_warnings(pair.source, pair.translation, context.inline_tags, languages):
        yield Issue(warning, Severity.WARNING)
    yield from _code_issues(pair)
    source, target = inline_markup(pair.source), inline_markup(pair.translation)
    yield from _emphasis_issues(Counter(source.emphasis), Counter(target.emphasis))


def _code_issues(pair: Pair) -> Iterator[Issue]:
    """Code the translation lost (an error) or only stopped marking as code (a warning)."""
    source_code, target_code = code_spans(pair.source), code_spans(pair.translation)
    for item in sorted((source_code - target_code).keys()):
        if item.strip() in pair.translation:
            yield Issue(f"code {excerpt(item)} is no longer marked as code", Severity.WARNING)
        else:
            yield Issue(f"code {excerpt(item)} is missing")
    for item in sorted((target_code - source_code).keys()):
        if item.strip() in pair.source:
            yield Issue(
                f"code {excerpt(item)} is marked as code in the translation only", Severity.WARNING
            )
        else:
            yield Issue(f"code {excerpt(item)} is not in the source")


def _emphasis_issues(source: Counter[str], target: Counter[str]) -> Iterator[Issue]:
    for kind in sorted(set(source) | set(target)):
        if source[kind] != target[kind]:
            name = _EMPHASIS_NAMES[kind]
            yield Issue(
                f"{name} used {target[kind]} time(s), {source[kind]} in the source",
                Severity.WARNING,
            )


# ---------------------------------------------------------------------------
# numbers
# ---------------------------------------------------------------------------


# Comparing numbers takes time with the product of their counts; no text has more.
MAX_NUMBERS = 500


def check_numbers(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    counts = (
        len(numbers_in(pair.source, context.source_language)),
        len(numbers_in(pair.translation, context.lang)),
    )
    if max(counts) > MAX_NUMBERS:
        yield Issue(f"more than {MAX_NUMBERS} numbers: too many to compare")
        return
    for problem in number_differences(
        pair.source, pair.translation, context.source_language, context.lang,
        singular=pair.singular,
    ):  # fmt: skip
        yield Issue(problem)


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
    if _kept_name(pair, context):
        return
    if context.identifier is not None:
        verdict = context.identifier.mismatch(
            pair.translation, context.base_lang, context.language_confidence
        )
        if verdict is not None:
            yield Issue(f"translation is {verdict.describe()}")
            return
    if _source_left_in_another_script(pair, context):
        name, source = language_name(context.base_lang), language_name(context.source_language)
        yield Issue(f"translation is the {source} source, not {name}")


_FUNCTION_WORDS = frozenset({"and", "of", "the", "for", "in", "on", "to", "a", "an", "or", "de"})


def _kept_name(pair: Pair, context: QAContext) -> bool:
    """A name kept as the source has it, with its acronym: "Common Weakness Enumeration; CWE"."""
    if pair.translation.strip() != pair.source.strip():
        return False
    if not re.search(r"\b[A-Z]{2,}\b", pair.source):
        return False
    words = re.findall(r"[^\W\d_]+", plain_text(pair.source, context.glossary.do_not_translate))
    return bool(words) and all(w[0].isupper() or w in _FUNCTION_WORDS for w in words)


def _source_left_in_another_script(pair: Pair, context: QAContext) -> bool:
    """The source copied unchanged into a language of another script: "Delete 1 image" as
    Arabic. Too short for the detector, yet not Arabic; a single name may stay as it is."""
    expected = language_script(context.base_lang)
    if pair.translation.strip() != pair.source.strip() or not expected:
        return False
    if expected == language_script(context.source_language):
        return False
    remaining = plain_text(pair.source, context.glossary.do_not_translate)
    if any(script_of(letter) == expected for letter in remaining if letter.isalpha()):
        return False
    return len([w for w in re.findall(r"[^\W\d_]{2,}", remaining)]) >= 2


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
    # A fuzzy entry is not published, so it is fine; a translated one is fine when
    # its text is not what the machine sent (the memory knows), or once approved
    # (the "reviewed" line that `l10n review approve` writes).
    # A provenance comment the pipeline cannot parse (a forged or broken line) is an
    # error whatever the entry's state.
    problem = provenance_problem(entry)
    if problem:
        yield Issue(problem)
    if not context.mt_policy or not entry.translated:
        return
    if review_state(entry, context.machine_sent) is ReviewState.PROPOSED:
        yield Issue(
            "machine translation accepted as it came, and nobody approved it: approve it "
            f"with 'l10n review approve {context.file}:{entry.lineno}' (it adds "
            f"'# {REVIEWED_COMMENT}'), edit it, or mark it fuzzy"
        )


def check_review(entry: Entry, context: QAContext) -> Iterator[Issue]:
    # The policy: some pages need more than a translation. Fuzzy entries are never
    # published, and machine text accepted as it came is the provenance check's.
    if entry.fuzzy or context.required <= ReviewState.TRANSLATED:
        return
    state = review_state(entry, context.machine_sent)
    if ReviewState.PROPOSED < state < context.required:
        pages = f"the {context.group} pages" if context.group else "these pages"
        yield Issue(
            f"{state.label}, but {pages} need {context.required.label}: approve it with "
            f"'l10n review approve {context.file}:{entry.lineno}' after review"
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
