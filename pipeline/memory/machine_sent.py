"""What machine engines sent, as the memory keeps it: how an edited proposal is told apart.

Prefill writes a machine's proposal into a catalog with a comment naming the
engine, and keeps the text in the memory. A translator who edits the text
and clears ``fuzzy`` (Poedit's "Needs work") leaves the comment behind; the
memory tells the two apart: a text that is not what the machine sent is the
translator's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from pipeline.memory.base import TranslationMemory
from pipeline.model import HUMAN, Entry, Origin, entry_origin, human_reviewed, machine_origin

MachineSent = Mapping[str, frozenset[str]]
"""By source text: the translations machine engines sent for it."""


def awaits_machine_knowledge(entry: Entry) -> bool:
    """A translated entry whose comments say a machine proposed it, and nobody approved it."""
    return entry.translated and machine_origin(entry) and not human_reviewed(entry)


def machine_sent(
    memory: TranslationMemory | None, entries: Iterable[Entry], source_lang: str, target_lang: str
) -> dict[str, frozenset[str]]:
    """What the machine sent for the sources of the entries that need to know it."""
    sent: dict[str, frozenset[str]] = {}
    if memory is None:
        return sent
    for entry in entries:
        if awaits_machine_knowledge(entry) and entry.msgid not in sent:
            matches = memory.lookup(
                entry.msgid, source_lang, target_lang, threshold=100.0, limit=20
            )
            sent[entry.msgid] = frozenset(
                match.target
                for match in matches
                if match.origin.is_machine and match.source == entry.msgid
            )
    return sent


def edited_after_machine(entry: Entry, sent: MachineSent) -> bool:
    """The memory knows what the machine sent for the entry's source, and this is not it."""
    texts = sent.get(entry.msgid, frozenset())
    return bool(texts) and entry.msgstr not in texts


def origin_knowing(sent: MachineSent) -> Callable[[Entry], Origin]:
    """:func:`~pipeline.model.entry_origin`, with a machine's proposal a translator edited
    counted as the translator's."""

    def origin(entry: Entry) -> Origin:
        return HUMAN if edited_after_machine(entry, sent) else entry_origin(entry)

    return origin
