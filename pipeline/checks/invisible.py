"""The ``invisible`` and ``lookalike`` checks: text that is not what a reader sees.

Zero-width spaces, Unicode tag characters, bidi overrides and control characters
(the escape that starts a terminal sequence among them) can hide text, reorder it
or drive a terminal that shows the report. The rule is the text layer's
(:func:`pipeline.text.invisible.hidden_problem`); the build refuses what it refuses.
A word spelled with look-alike letters of another script ("САR-T") is reported
the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.framework import Issue, Pair, QAContext
from pipeline.model import Entry
from pipeline.text.excerpt import escaped, quoted
from pipeline.text.invisible import hidden_problem
from pipeline.text.lookalikes import spoofed_words


def check_invisible(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    problem = hidden_problem(pair.source, pair.translation)
    if problem:
        yield Issue(problem, silenceable=False)


def check_lookalike(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    """A word that mixes scripts (see :mod:`pipeline.text.lookalikes`) the source does not have."""
    known = set(spoofed_words(pair.source))
    for word in dict.fromkeys(spoofed_words(pair.translation)):
        if word not in known:
            yield Issue(
                f"{quoted(escaped(word), 40)} mixes Latin, Cyrillic or Greek look-alike letters"
                " or holds a zero-width joiner",
                silenceable=False,
            )
