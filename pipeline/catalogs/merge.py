"""The merge of a language's catalog from its template, as ``msgmerge --previous`` does it.

Translations are kept, a changed msgid becomes a fuzzy entry proposed by the
:class:`~pipeline.catalogs.fuzzy.FuzzyMatcher`, and removed entries become
obsolete; the entries the template leaves as they were are the old catalog's
own objects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pipeline.catalogs.fuzzy import FuzzyMatcher
from pipeline.collector import paused_cycle_collection
from pipeline.model import Catalog, Entry
from pipeline.text.languages import plural_forms


@dataclass
class MergeResult:
    catalog: Catalog
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0
    settled: int = 0  # reviewed entries whose proposal comments were removed
    carried: int = 0  # exact matches taken from another catalog (a compendium), as they were


# Called for each entry whose msgid is new to the catalog, with the old entry it
# was matched to (None if none): it may improve the proposal, e.g. from sentences.
# It changes only the new entry: the old one is as read from the file.
Leverage = Callable[[Entry, Entry | None], None]

_Key = tuple[str | None, str]

# The translation another catalog of the language has for a msgid and msgctxt, or None
# (see :class:`~pipeline.catalogs.compendium.Compendium`).
Compendium = Callable[[_Key], Entry | None]


def merge(
    old: Catalog,
    template: Catalog,
    threshold: float = 80.0,
    leverage: Leverage | None = None,
    compendium: Compendium | None = None,
) -> MergeResult:
    """Update ``old`` from ``template`` the way ``msgmerge --previous`` does.

    Translations are kept; a msgid ``old`` lacks is taken as it is from an
    exact match in ``compendium`` (as ``msgmerge --compendium`` does: reviewed
    stays reviewed); a changed msgid becomes a fuzzy entry with the previous
    msgid in ``#|``; removed entries become obsolete (``#~``), never silently
    lost. ``leverage`` then sees every entry whose text is new. An entry the
    template leaves as it was is ``old``'s own object.
    """
    with paused_cycle_collection():
        result, new_text = _merge(old, template, threshold, compendium)
    # Outside the pause: the hook may do much work of its own.
    if leverage is not None:
        for entry, source in new_text:
            leverage(entry, source)
    return result


def _merge(
    old: Catalog, template: Catalog, threshold: float, compendium: Compendium | None
) -> tuple[MergeResult, list[tuple[Entry, Entry | None]]]:
    """The merge, and for leverage each entry with new text and the old entry it came from."""
    old_index: dict[_Key, Entry] = {}
    old_obsolete: dict[_Key, Entry] = {}
    for entry in old.entries:
        (old_obsolete if entry.obsolete else old_index)[entry.msgctxt, entry.msgid] = entry
    result = MergeResult(
        Catalog(header=old.header, path=old.path, lang=old.lang, domain=old.domain)
    )
    gone = dict(old_index)  # the live old entries the template no longer has, by key
    merged, unmatched = _carry_same_msgids(
        template, _Known(old_index, old_obsolete, compendium), gone, result
    )
    candidates = [e for e in gone.values() if e.has_translation]
    new_text: list[tuple[Entry, Entry | None]] = []
    for number, candidate in _edits(template, unmatched, candidates, threshold):
        source = candidates[candidate]
        entry = _carry(template.entries[number], source, fuzzy=True, keep_previous=False)
        entry.previous_msgid = source.msgid
        entry.previous_msgctxt = source.msgctxt
        entry.previous_msgid_plural = source.msgid_plural
        merged[number] = entry
        result.fuzzy += 1
        new_text.append((entry, source))
        del gone[source.msgctxt, source.msgid]  # it lives on in the new entry
    for number in unmatched:
        if merged[number] is None:
            fresh = merged[number] = _fresh(template.entries[number], old.lang)
            result.new += 1
            new_text.append((fresh, None))
    entries: list[Entry] = [e for e in merged if e is not None]
    entries += _retired(gone.values(), result)
    if old_obsolete:
        revived_keys = {(e.msgctxt, e.msgid) for e in entries}
        entries += [e for e in old.entries if e.obsolete and e.key not in revived_keys]
    result.catalog.entries = entries
    return result, new_text


@dataclass(frozen=True)
class _Known:
    """Where a template's msgid may already have a translation."""

    live: dict[_Key, Entry]  # the old catalog's live entries
    obsolete: dict[_Key, Entry]  # and its obsolete ones
    compendium: Compendium | None  # another catalog of the language


def _carry_same_msgids(
    template: Catalog, known: _Known, gone: dict[_Key, Entry], result: MergeResult
) -> tuple[list[Entry | None], list[int]]:
    """The template's entries that keep an entry of the same msgid: the old catalog's,
    live, then the compendium's, then the old catalog's obsolete one.

    Returns them in template order, None where there is none (the unmatched,
    whose numbers follow); the live old entries kept leave ``gone``.
    """
    merged: list[Entry | None] = []
    unmatched: list[int] = []
    for number, new in enumerate(template.entries):
        key = (new.msgctxt, new.msgid)
        previous = known.live.get(key)
        if previous is not None:
            gone.pop(key, None)  # None: the template has this msgid twice
            merged.append(_kept(new, previous))
            result.kept += 1
            continue
        revived = known.obsolete.get(key)
        elsewhere = known.compendium(key) if known.compendium is not None else None
        if elsewhere is not None and not (elsewhere.fuzzy and revived is not None):
            merged.append(_carry(new, elsewhere, elsewhere.fuzzy, keep_previous=elsewhere.fuzzy))
            result.carried += 1
            continue
        if revived is not None and revived.has_translation:
            merged.append(_carry(new, revived, fuzzy=True, keep_previous=False))
            result.fuzzy += 1
            continue
        merged.append(None)
        unmatched.append(number)
    return merged, unmatched


def _edits(
    template: Catalog, unmatched: list[int], candidates: Sequence[Entry], threshold: float
) -> list[tuple[int, int]]:
    """(template entry number, candidate number) of each new text and the old one it edits."""
    if not unmatched or not candidates:
        return []
    matcher = FuzzyMatcher(candidates, threshold)
    proposals = matcher.proposals([(n, template.entries[n]) for n in unmatched])

    # Greedy one-to-one: each old entry is the previous version of at most one new entry.
    # Among equal scores the closer spelling wins: "One/two/few/other" and "Other/one/two/few."
    # both score 100 with "Other/one/two/few" (the same words), but only one is its edit.
    def rank(proposal: tuple[float, int, int]) -> tuple[float, float, int, int]:
        score, number, candidate = proposal
        return (-score, -matcher.spelling(template.entries[number].msgid, candidate), number,
                candidate)  # fmt: skip

    pairs: list[tuple[int, int]] = []
    taken: set[int] = set()
    used: set[int] = set()
    for _score, number, candidate in sorted(proposals, key=rank):
        if number in taken or candidate in used:
            continue
        taken.add(number)
        used.add(candidate)
        pairs.append((number, candidate))
    return pairs


def _retired(gone: Iterable[Entry], result: MergeResult) -> list[Entry]:
    """Obsolete copies of the old entries no longer in the template, worth keeping.

    One with neither a translation nor a translator's comment is dropped.
    """
    retired: list[Entry] = []
    for entry in gone:
        if not (entry.has_translation or entry.translator_comments):
            continue
        retired.append(_obsolete(entry))
        result.obsolete += 1
    return retired


_CARRIED_FLAGS = re.compile(r"^(fuzzy|no-wrap|ignore-.*|no-.*-format)$")


def _carried_flags(new: Entry, old: Entry, fuzzy: bool) -> list[str]:
    """The template's flags, the translator's flags that are kept, and ``fuzzy``."""
    flags = ["fuzzy"] if fuzzy else []
    flags += [f for f in new.flags if f != "fuzzy"]
    flags += [f for f in old.flags if _CARRIED_FLAGS.match(f) and f != "fuzzy" and f not in flags]
    return flags


def _kept(new: Entry, old: Entry) -> Entry:
    """``old`` carried over to the template's entry of the same msgid.

    Nearly every entry of an update is unchanged: its own object is reused
    rather than copied field by field.
    """
    fuzzy = "fuzzy" in old.flags
    if (
        new.references == old.references
        and new.auto_comments == old.auto_comments
        and new.msgid_plural == old.msgid_plural
        and (new.msgid_plural is None or old.msgstr_plural or not old.msgstr)
        and (fuzzy or (old.previous_msgid is None and old.previous_msgctxt is None
                       and old.previous_msgid_plural is None))
        and ((not new.flags and not old.flags) or _carried_flags(new, old, fuzzy) == old.flags)
    ):  # fmt: skip
        return old
    return _carry(new, old, fuzzy, keep_previous=fuzzy)


def _carry(new: Entry, old: Entry, fuzzy: bool, keep_previous: bool) -> Entry:
    """The template's entry with the translation and translator data of ``old``."""
    entry = Entry(
        new.msgid,
        old.msgstr,
        new.msgctxt,
        new.msgid_plural,
        dict(old.msgstr_plural),
        list(old.translator_comments),
        list(new.auto_comments),
        list(new.references),
        _carried_flags(new, old, fuzzy),
        old.previous_msgctxt if keep_previous else None,
        old.previous_msgid if keep_previous else None,
        old.previous_msgid_plural if keep_previous else None,
        False,
        old.lineno,
    )
    if new.msgid_plural is not None and not entry.msgstr_plural and entry.msgstr:
        entry.msgstr_plural = {0: entry.msgstr}
        entry.msgstr = ""
    return entry


def _fresh(new: Entry, lang: str | None) -> Entry:
    entry = Entry(
        msgid=new.msgid,
        msgctxt=new.msgctxt,
        msgid_plural=new.msgid_plural,
        auto_comments=list(new.auto_comments),
        references=list(new.references),
        flags=[f for f in new.flags if f != "fuzzy"],
    )
    if new.msgid_plural is not None and lang:
        entry.msgstr_plural = dict.fromkeys(range(plural_forms(lang).nplurals), "")
    return entry


def _obsolete(entry: Entry) -> Entry:
    return Entry(
        msgid=entry.msgid,
        msgctxt=entry.msgctxt,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        translator_comments=list(entry.translator_comments),
        flags=list(entry.flags),
        previous_msgid=entry.previous_msgid,
        previous_msgctxt=entry.previous_msgctxt,
        obsolete=True,
    )
