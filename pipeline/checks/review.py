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
group: to be published, and to pass ``l10n check``.
"""

from __future__ import annotations

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


def project_memory(config: Config) -> TranslationMemory | None:
    """The project's memory if there is one to ask; None when none exists or it cannot open."""
    location = config.memory_location
    if "://" not in location and not Path(location).is_file():
        return None
    try:
        return open_memory(location)
    except (TranslationMemoryError, OSError):
        return None
