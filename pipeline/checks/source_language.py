"""The source-language gate: which source segments, or sentences of them, are not in English.

``l10n check`` reports them (``source-language``); ``l10n source fix`` translates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.checks.langid import MIN_LETTERS, LanguageIdentifier, Verdict
from pipeline.checks.prose import foreign_script, letter_count, plain_text
from pipeline.config import Config
from pipeline.model import Segment
from pipeline.text.languages import base_language


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
    verdict = _verdict(segment.msgid, expected, threshold, ident, wide=False)
    if verdict is not None:
        return [ForeignText(segment, segment.msgid, 0, verdict)]
    sentences = ident.sentences(segment.msgid)
    found = []
    if len(sentences) > 1:
        for number, sentence in enumerate(sentences, start=1):
            verdict = _verdict(sentence, expected, threshold, ident)
            if verdict is not None:
                found.append(ForeignText(segment, sentence, number, verdict))
    if found:
        return found
    # Only then the whole block among every language and script: a sentence is the
    # more precise thing to report.
    verdict = _verdict(segment.msgid, expected, threshold, ident, narrow=False)
    return [ForeignText(segment, segment.msgid, 0, verdict)] if verdict is not None else []


# Words only English has among the languages lingua knows well. A sentence in which
# every fourth word is one of them is English, whatever names it carries ("the
# Bundesministerium für Gesundheit and the Gesundheitsamt regulate these clinics").
_ENGLISH_GRAMMAR = frozenset((
    "the", "and", "are", "were", "with", "this", "these", "those", "that", "which", "who",
    "from", "has", "have", "not", "can", "would", "should", "their", "they", "them", "you",
    "your", "our", "its", "than", "then", "there", "when", "where", "while", "into", "onto",
    "about", "after", "before",
))  # fmt: skip  (none of them a common word of Dutch, German or a Nordic language)
_ENGLISH_SHARE = 0.25
# In a text of fewer letters of prose than this, more than this share of the words must be
# likelier in the language found than in the source language (LanguageIdentifier.word_share).
_SHORT_LETTERS = 2 * MIN_LETTERS
_WORD_MAJORITY = 0.5
_WORD = re.compile(r"[^\W\d_]+")


def _english_share(text: str) -> float:
    words = [word.lower() for word in _WORD.findall(text)]
    return sum(w in _ENGLISH_GRAMMAR for w in words) / len(words) if words else 0.0


def _verdict(
    text: str,
    expected: str,
    threshold: float,
    ident: LanguageIdentifier,
    *,
    narrow: bool = True,
    wide: bool = True,
) -> Verdict | None:
    """Another of the project's languages (``narrow``), or another script or any other
    language lingua knows (``wide``), in most of the words."""
    english = _english_share(text) if expected == "en" else None
    if english is not None and english >= _ENGLISH_SHARE:
        return None
    verdict = ident.mismatch(text, expected, threshold) if narrow else None
    if verdict is not None and _in_most_words(verdict, text, ident):
        return verdict
    if not wide:
        return None
    script = foreign_script(text, expected, ident.ignore_terms)
    if script:
        return Verdict("", 1.0, expected, script)
    if english:  # some English grammar: names, not a fragment, make the rest look foreign
        return None
    verdict = ident.wide_mismatch(text, expected)
    return verdict if verdict is not None and _in_most_words(verdict, text, ident) else None


def _in_most_words(verdict: Verdict, text: str, ident: LanguageIdentifier) -> bool:
    """Whether most words are likelier in the language found than in the expected one.

    A short technical line the detectors place elsewhere ("Add official support for
    Python version 3.5." as French) is made of English words, one by one; a fragment
    in a language the project does not use, which the project's detector can only
    call one of its own languages, is not made of that language's words either, and
    goes on to the wide detector. Only short text is asked: on longer text the
    detectors are reliable, and a fragment that runs on into an English sentence
    (a missing full stop) is not outvoted by the English words around it.
    """
    if letter_count(plain_text(text, ident.ignore_terms)) >= _SHORT_LETTERS:
        return True
    return ident.word_share(text, verdict.found, verdict.expected) > _WORD_MAJORITY
