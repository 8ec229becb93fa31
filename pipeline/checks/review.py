"""Review states as the checks and the site judge them, and the review policy.

The ``.po`` file records a state (:mod:`pipeline.catalogs.review`). One more
thing decides how far an entry has come: whether a machine's proposal was
accepted verbatim. The memory holds what each engine sent
(:func:`machine_sent`); an entry whose comments say a machine proposed it,
whose ``fuzzy`` flag a translator cleared (Poedit's "Needs work") and whose
text is not what the machine sent, was edited by a human: it is *translated*.
One whose text is the machine's is still a *proposal* until someone approves
it (``l10n review approve``, which writes the ``reviewed`` line).

The policy (``[tool.l10n.review]``) gives the state an entry needs, per page
group: to be published, and to pass ``l10n check``. A group's page is published
in a language only when every entry of it may be shown (``withhold = "page"``);
why one is not is said in the same words by ``l10n check`` (a ``withheld``
warning), the build and the status page (:func:`withheld_reason`).
"""

from __future__ import annotations

import enum
from collections import Counter
from pathlib import Path

from pipeline.catalogs.review import ReviewState, entry_state
from pipeline.config import Config
from pipeline.memory.backends import open_memory
from pipeline.memory.base import TranslationMemory
from pipeline.memory.machine_sent import MachineSent, edited_after_machine
from pipeline.memory.units import TranslationMemoryError
from pipeline.model import Entry, machine_origin


def review_state(entry: Entry, sent: MachineSent) -> ReviewState:
    """The entry's state, a machine's text accepted verbatim counting as a proposal."""
    state = entry_state(entry)
    if state is ReviewState.TRANSLATED and machine_origin(entry):
        return ReviewState.TRANSLATED if edited_after_machine(entry, sent) else ReviewState.PROPOSED
    return state


def required_state(level: str) -> ReviewState:
    return ReviewState.parse(level)


def below_review(state: ReviewState, required: ReviewState) -> bool:
    """A translation (not a proposal: those are never published) short of the review
    its pages need."""
    return ReviewState.PROPOSED < state < required


class Shortfall(enum.Enum):
    """Why an entry keeps its page from being published in a language."""

    UNTRANSLATED = "untranslated"
    PROPOSED = "proposed (fuzzy)"
    REJECTED = "failing a check"
    UNREVIEWED = "translated but not reviewed"


def shortfall(
    *, translated: bool, fuzzy: bool, rejected: bool, unreviewed: bool
) -> Shortfall | None:
    """How an entry falls short of being shown, in the order the site decides it; None if
    it is shown. ``rejected``: an error other than ``review``; ``unreviewed``: a ``review``
    error at the publish level."""
    if not translated:
        return Shortfall.UNTRANSLATED
    if fuzzy:
        return Shortfall.PROPOSED
    if rejected:
        return Shortfall.REJECTED
    return Shortfall.UNREVIEWED if unreviewed else None


def withheld_reason(found: Counter[Shortfall], level: str) -> str:
    """Why a page is withheld: "1 entry translated but not reviewed (publish needs reviewed)"."""
    parts = [
        f"{found[kind]} {'entry' if found[kind] == 1 else 'entries'} {kind.value}"
        for kind in Shortfall
        if found[kind]
    ]
    return f"{', '.join(parts)} (publish needs {level})"


def project_memory(config: Config) -> TranslationMemory | None:
    """The project's memory if there is one to ask; None when none exists or it cannot open."""
    location = config.memory_location
    if "://" not in location and not Path(location).is_file():
        return None
    try:
        return open_memory(location)
    except (TranslationMemoryError, OSError):
        return None
