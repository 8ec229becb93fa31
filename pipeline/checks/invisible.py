"""The ``invisible`` check: characters a reader cannot see, which a translation may not add.

Zero-width spaces, Unicode tag characters, bidi overrides and control characters
(the escape that starts a terminal sequence among them) can hide text, reorder it
or drive a terminal that shows the report. The rule is the text layer's
(:func:`pipeline.text.invisible.hidden_problem`); the build refuses what it refuses.
"""

from __future__ import annotations

from collections.abc import Iterator

from pipeline.checks.framework import Issue, Pair, QAContext
from pipeline.model import Entry
from pipeline.text.invisible import hidden_problem


def check_invisible(pair: Pair, entry: Entry, context: QAContext) -> Iterator[Issue]:
    problem = hidden_problem(pair.source, pair.translation)
    if problem:
        yield Issue(problem, silenceable=False)
