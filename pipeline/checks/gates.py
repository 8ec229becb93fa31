"""The completeness gates: per language, enough translated words and, if required, no fuzzy entry.

The minimum is ``[tool.l10n.check] min_complete``, or the language's own in ``languages``;
``no_fuzzy`` fails a language with any fuzzy entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.checks.stats import Stats, completeness
from pipeline.config import Config


@dataclass(frozen=True)
class GateResult:
    lang: str
    passed: bool
    reason: str
    percent_complete: float = 100.0
    minimum: float = 0.0


def completeness_gates(
    config: Config, languages: Sequence[str], stats: Sequence[Stats]
) -> list[GateResult]:
    """One gate per language, over the statistics of all its catalogs."""
    return [_gate(config, lang, [s for s in stats if s.lang == lang]) for lang in languages]


def _gate(config: Config, lang: str, mine: Sequence[Stats]) -> GateResult:
    complete = completeness(lang, mine)
    percent, fuzzy = complete.percent, complete.fuzzy
    minimum = config.check.minimum(lang)
    problems: list[str] = []
    if not complete.reaches(minimum):
        problems.append(f"{percent:.1f}% complete, minimum {minimum:g}%")
    if config.check.no_fuzzy and fuzzy:
        problems.append(f"{fuzzy} fuzzy entr{'y' if fuzzy == 1 else 'ies'} (no_fuzzy is set)")
    reason = "; ".join(problems) or f"{percent:.1f}% complete (minimum {minimum:g}%)"
    return GateResult(lang, not problems, reason, percent, minimum)
