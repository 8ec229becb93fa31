"""The source-language gate: which source segments, or sentences of them, are not in English.

``l10n check`` reports them (``source-language``); ``l10n source fix`` translates them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.checks.langid import LanguageIdentifier, Verdict
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
