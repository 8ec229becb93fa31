"""Review states of a catalog entry, as the ``.po`` file keeps them.

untranslated → proposed → translated → reviewed. The states are written in
what every PO editor keeps when it saves a file (Poedit, Lokalize, Translate
Toolkit, Weblate): no ``msgstr`` is *untranslated*; the ``fuzzy`` flag is
*proposed* (a memory or machine proposal, or a translation whose source
changed); a translation without it is *translated*; a translator comment line
``reviewed`` (optionally followed by who and when) is *reviewed*. Clearing
"Needs work" in Poedit makes an entry *translated*; ``l10n review approve``
writes the ``reviewed`` line.
"""

from __future__ import annotations

import enum

from pipeline.model import REVIEWED_COMMENT, Entry, human_reviewed


class ReviewState(enum.IntEnum):
    """How far an entry has come; a higher state never goes back without a new text."""

    UNTRANSLATED = 0
    PROPOSED = 1
    TRANSLATED = 2
    REVIEWED = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> ReviewState:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(state.label for state in cls)
            raise ValueError(f"unknown review state {text!r} (one of {names})") from None


def entry_state(entry: Entry) -> ReviewState:
    """The state the ``.po`` file records for ``entry``."""
    if not entry.has_translation:
        return ReviewState.UNTRANSLATED
    if entry.fuzzy:
        return ReviewState.PROPOSED
    if human_reviewed(entry):
        return ReviewState.REVIEWED
    return ReviewState.TRANSLATED


def is_review_line(comment: str) -> bool:
    text = comment.strip()
    return text == REVIEWED_COMMENT or text.startswith(REVIEWED_COMMENT + " ")


def set_entry_state(entry: Entry, state: ReviewState, reviewed_by: str = "") -> None:
    """Record ``state`` on ``entry`` (whose text is already set) the way editors do.

    Leaving *proposed* drops the previous source (``#|``), as Poedit does when
    "Needs work" is cleared; anything below *reviewed* drops the ``reviewed``
    line, which vouched for another text or state. ``reviewed_by`` follows the
    word ``reviewed`` on its line (a name, a date, a file).
    """
    if state is ReviewState.UNTRANSLATED:
        raise ValueError("an entry becomes untranslated by clearing its text, not its state")
    entry.fuzzy = state is ReviewState.PROPOSED
    if state is not ReviewState.PROPOSED:
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    reviewed = [line for line in entry.translator_comments if is_review_line(line)]
    if state is ReviewState.REVIEWED:
        if not reviewed:
            line = f"{REVIEWED_COMMENT} {reviewed_by}".rstrip()
            entry.translator_comments.append(line)
    elif reviewed:
        entry.translator_comments = [
            line for line in entry.translator_comments if not is_review_line(line)
        ]
