"""Stage 3: segments -> catalogs.

* :func:`build_templates` turns segments (and the UI strings of the Jinja2
  templates) into one POT template per domain.
* :func:`merge` updates a language's catalog from its template with
  ``msgmerge --previous`` semantics, using our own fuzzy matcher
  (:class:`FuzzyMatcher`): candidates from an inverted index, scored with
  rapidfuzz, proposed only above a threshold.
* :func:`update_catalogs` does both for the whole project, writing only the
  files whose content changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from operator import mul
from pathlib import Path

import jinja2.ext
from babel import Locale
from babel.messages.extract import extract_from_file
from babel.messages.plurals import get_plural
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from pipeline.config import PACKAGE_TEMPLATES, Config
from pipeline.files import FileVersion, read_bytes_if_present, write_text_atomic
from pipeline.model import Catalog, Entry, Segment
from pipeline.po.pofile import (
    CatalogFile,
    CatalogSyntaxError,
    format_catalog,
    format_entry,
    parse_catalog_bytes,
    paused_cycle_collection,
    read_catalog_file,
    written_entries,
)

# Functions the page templates call for UI strings; the extractor knows them.
UI_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "t": None}


# ---------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------


def ui_segments(config: Config) -> list[Segment]:
    """UI strings of the page templates, extracted by Babel's Jinja2 extractor."""
    segments: list[Segment] = []
    root = config.templates_path
    for path in sorted(root.rglob("*.html")):
        reference = config.relative(path)
        if Path(reference).is_absolute():  # the package's own templates, outside the project
            reference = path.relative_to(PACKAGE_TEMPLATES.parent.parent).as_posix()
        with path.open("rb") as handle:
            found = extract_from_file(
                jinja2.ext.babel_extract,  # type: ignore[arg-type]
                handle.name,
                keywords=UI_KEYWORDS,
                comment_tags=("Translators:",),
                options={"trimmed": "true", "extensions": "jinja2.ext.i18n"},
            )
            for line, message, comments, context in found:
                msgid = message if isinstance(message, str) else message[0]
                segments.append(
                    Segment(
                        msgid=msgid,
                        domain=config.ui_domain,
                        file=reference,
                        line=line,
                        role="ui",
                        note=" ".join(comments) or "interface text",
                        msgctxt=context,
                    )
                )
    return segments


def build_templates(segments: Iterable[Segment], config: Config) -> dict[str, Catalog]:
    """One template catalog per domain; a text used twice in a domain is one entry."""
    templates: dict[str, Catalog] = {}
    entries: dict[tuple[str, str | None, str], Entry] = {}
    for segment in segments:
        template = templates.get(segment.domain)
        if template is None:
            template = templates[segment.domain] = Catalog(
                header=_header(config, None, segment.domain),
                path=str(config.template_path(segment.domain)),
                domain=segment.domain,
            )
        entry = entries.get((segment.domain, *segment.key))
        if entry is None:
            entry = Entry(msgid=segment.msgid, msgctxt=segment.msgctxt, flags=list(segment.flags))
            entries[(segment.domain, *segment.key)] = entry
            template.entries.append(entry)
        _add_note(entry, segment.note)
        if segment.reference not in entry.references:
            entry.references.append(segment.reference)
    return templates


# ---------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------


_MAX_NOTES = 3


def _add_note(entry: Entry, note: str) -> None:
    # A cell like "CD19" sits in many places; a few say enough about where.
    if not note or note in entry.auto_comments:
        return
    if len(entry.auto_comments) < _MAX_NOTES:
        entry.auto_comments.append(note)
    elif len(entry.auto_comments) == _MAX_NOTES:
        entry.auto_comments.append("(and elsewhere)")


def revision_stamp(now: dt.datetime | None = None) -> str:
    """A PO header date (``POT-Creation-Date``, ``PO-Revision-Date``), as gettext writes it."""
    return (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M+0000")


def _header(config: Config, lang: str | None, domain: str, now: dt.datetime | None = None) -> Entry:
    stamp = revision_stamp(now)
    fields = [
        ("Project-Id-Version", f"{config.project_name} {domain}"),
        ("Report-Msgid-Bugs-To", ""),
        ("POT-Creation-Date", stamp),
        ("PO-Revision-Date", stamp if lang else "YEAR-MO-DA HO:MI+ZONE"),
        ("Last-Translator", config.team if lang else "FULL NAME <EMAIL@ADDRESS>"),
        (
            "Language-Team",
            f"{Locale.parse(lang).english_name} ({config.team})" if lang else "LANGUAGE",
        ),
    ]
    if lang:
        fields.append(("Language", lang))
    fields += [
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    if lang:
        fields.append(("Plural-Forms", str(get_plural(lang)).rstrip(";") + ";"))
    language = Locale.parse(lang).english_name if lang else "LANGUAGE"
    header = Entry(
        msgid="",
        msgstr="".join(f"{name}: {value}\n" for name, value in fields),
        translator_comments=[
            f"{language} translation of {config.project_name}, domain {domain}.",
            f"This file is distributed under the same license as the {config.project_name} project.",
        ],
    )
    if not lang:
        header.flags.append("fuzzy")
    return header


def set_header_field(header: Entry, name: str, value: str) -> None:
    """Replace one ``Name: value`` line of a header, or append it."""
    lines = header.msgstr.split("\n")
    for number, line in enumerate(lines):
        if line.split(":", 1)[0].strip() == name:
            lines[number] = f"{name}: {value}"
            break
    else:
        lines.insert(
            len(lines) - 1 if lines and lines[-1] == "" else len(lines), f"{name}: {value}"
        )
    header.msgstr = "\n".join(lines)


# ---------------------------------------------------------------------------
# Fuzzy matching for updates
# ---------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
_SHORT_KEYS = 40  # characters: below this, a string is indexed by trigrams too


def _grams(text: str) -> set[str]:
    """Index keys: words for prose, words and character trigrams for short UI strings.

    Words carry the same key in both, so a four-word string still finds the
    five-word string it was cut from. A string is short if it has at most four
    words or fewer than 40 characters: an edit of a short string is then short
    too, and the two share most of their keys.
    """
    lowered = text.lower()
    words = {f"w:{w}" for w in _WORD.findall(lowered)}
    if len(words) > 4 and len(text) >= _SHORT_KEYS:
        return words
    padded = f"  {lowered} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)} | words


def threshold_for(length: int, threshold: float) -> float:
    """The similarity a text of ``length`` characters needs to count as an edit of another.

    Two unrelated paragraphs of a few hundred characters share well under half
    of their characters, while one rewritten sentence out of five leaves three
    quarters: long texts can be trusted at a lower ratio than short UI strings,
    where 70% similar is often a different message ("Save file" / "Save files?").
    Down to 15 points lower from 100 characters to 400 and beyond.
    """
    return threshold - min(15.0, max(0.0, (length - 100) / 20))


_SHORT = 100  # characters: below this, word order and case are forgiven

# A short string edited twice ("Open the trash" -> "Open this trash can") falls
# below the threshold. It is still proposed when it keeps this much of the
# characters and of the words, and no other candidate does: unrelated strings
# that share characters ("Cursor color" / "Cursor Position") share few words.
_SECOND_CHANCE_CHARACTERS = 65.0
_SECOND_CHANCE_WORDS = 70.0
# Paragraphs: 60% of the characters, and one text's words nearly all in the other.
_SECOND_CHANCE_PARAGRAPH = 60.0
_SECOND_CHANCE_SUBSET = 95.0


_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def _shared_sentences(a: str, b: str) -> float:
    """The share of the shorter text's sentences found unchanged in the other."""
    first, second = set(_SENTENCE_END.split(a)), set(_SENTENCE_END.split(b))
    return len(first & second) / min(len(first), len(second))


# Postings longer than this are left out of candidate selection (see scored).
# At 150, a short string's candidates took counting some 530 postings; at 40,
# some 200, and scoring takes a third less time with the same or better recall
# on the update bench's short messages and paragraphs.
_COMMON_KEY = 40


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _sorted_words(text: str) -> str:
    """What rapidfuzz's token_sort_ratio compares: the processed words, sorted."""
    return " ".join(sorted(default_process(text).split()))


@dataclass
class FuzzyMatcher:
    """Finds the old entry an edited msgid came from.

    Only old entries that lost their exact match are candidates: an entry that
    still exists unchanged is not the previous version of another one. That
    keeps the index small (the edited and removed entries) and keeps brand-new
    strings from borrowing the translation of an unrelated live string, the
    mistake that makes teams switch msgmerge's fuzzy matching off.
    """

    candidates: Sequence[Entry]
    threshold: float = 80.0
    limit: int = 24  # candidates scored per query, best by shared index keys
    # By msgctxt, then by index key: a candidate in another context is never one.
    _postings: dict[str | None, dict[str, list[int]]] = field(default_factory=dict, init=False)
    _weights: list[float] = field(default_factory=list, init=False)
    _sorted: list[str] = field(default_factory=list, init=False)
    # By msgctxt and sorted words: the one short candidate with those words, or
    # None if several have them.
    _same_words: dict[tuple[str | None, str], int | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for number, entry in enumerate(self.candidates):
            keys = _grams(entry.msgid)
            # Shared keys are discounted by the candidate's own key count: a
            # long candidate shares many keys with anything, which alone says little.
            self._weights.append(1 / math.sqrt(len(keys) or 1))
            postings = self._postings.setdefault(entry.msgctxt, {})
            for key in keys:
                found = postings.get(key)
                if found is None:
                    postings[key] = [number]
                else:
                    found.append(number)
            words = _sorted_words(entry.msgid) if len(entry.msgid) < _SHORT else ""
            self._sorted.append(words)
            if words:
                same = (entry.msgctxt, words)
                self._same_words[same] = None if same in self._same_words else number

    def proposals(self, queries: Sequence[tuple[int, Entry]]) -> list[tuple[float, int, int]]:
        """(score, query number, candidate number) for every pair worth proposing.

        ``queries`` pairs each entry with its number, which the result repeats.
        A short string that is one candidate recased, repunctuated or with its
        words reordered is proposed that candidate alone, unscored: it scores
        100 with it, and no other candidate can. This holds only if no other
        query has the same words, since that query would score 100 too.
        """
        keys = [
            (entry.msgctxt, _sorted_words(entry.msgid)) if len(entry.msgid) < _SHORT else None
            for _, entry in queries
        ]
        queries_per_key = Counter(keys)
        found: list[tuple[float, int, int]] = []
        for (number, entry), key in zip(queries, keys, strict=True):
            if key is not None and queries_per_key[key] == 1:
                candidate = self._same_words.get(key)
                if candidate is not None:
                    found.append((100.0, number, candidate))
                    continue
            found += [(score, number, c) for score, c in self.scored(entry.msgid, entry.msgctxt)]
        return found

    def scored(self, msgid: str, msgctxt: str | None) -> list[tuple[float, int]]:
        """(score, candidate number) pairs worth proposing, best first.

        Those at or above the threshold; failing any, the one candidate that
        passes the second-chance test, if only one does: for a short string,
        similar words; for a paragraph, a sentence added, removed or rewritten
        (60% of the characters, and one text holding nearly all the other's
        words, or half of its sentences unchanged).
        """
        postings = self._postings.get(msgctxt)
        if postings is None:
            return []
        found = sorted((postings[k] for k in _grams(msgid) if k in postings), key=len)
        # A key most candidates share (" th", "w:the") says little and costs the
        # most to count: only the rarer keys are counted, at least a third of them.
        keep = max(bisect_right(found, _COMMON_KEY, key=len), (len(found) + 2) // 3)
        shared = Counter(chain.from_iterable(found[:keep]))  # counted in C
        if not shared:
            return []
        # Sharing under a third of the keys the best candidate shares: not an edit of this.
        cut = max(shared.values()) // 3
        close = [number for number, count in shared.items() if count >= cut]
        # Ranked by weighted shared keys, computed and sorted without a Python call each.
        weighted = map(mul, map(shared.__getitem__, close), map(self._weights.__getitem__, close))
        best = sorted(zip(weighted, close, strict=True), reverse=True)[: self.limit]
        length = len(msgid)
        needed = threshold_for(length, self.threshold)
        short = length < _SHORT
        floor = min(needed, _SECOND_CHANCE_CHARACTERS if short else _SECOND_CHANCE_PARAGRAPH)
        sorted_words = _sorted_words(msgid) if short else ""
        results: list[tuple[float, float, int]] = []
        near: list[tuple[float, int]] = []
        for _, number in best:
            text = self.candidates[number].msgid
            other = len(text)
            # fuzz.ratio cannot exceed 200*min/(sum); skip what cannot reach the floor.
            if 200.0 * min(length, other) / (length + other) < floor:
                continue
            spelling = fuzz.ratio(msgid, text, score_cutoff=floor)
            score = spelling
            if short and score < 100:
                # A UI string recased or with its words reordered is still the same message.
                score = max(
                    score, fuzz.ratio(sorted_words, self._sorted[number], score_cutoff=floor)
                )
            if score >= needed:
                results.append((score, spelling, number))  # a tie goes to the closer spelling
            elif score:
                near.append((score, number))
        if results:
            results.sort(reverse=True)
            return [(score, number) for score, _, number in results]
        if not near:
            return []
        if short:
            words = _words(msgid)
            passing = [
                (score, number)
                for score, number in near
                if fuzz.ratio(words, _words(self.candidates[number].msgid)) >= _SECOND_CHANCE_WORDS
            ]
        else:
            # A paragraph with a sentence added, removed or rewritten: one text holds the
            # other's words, or most of its sentences are still there word for word.
            passing = [
                (score, number)
                for score, number in near
                if fuzz.token_set_ratio(msgid, self.candidates[number].msgid)
                >= _SECOND_CHANCE_SUBSET
                or _shared_sentences(msgid, self.candidates[number].msgid) >= 0.5
            ]
        return passing if len(passing) == 1 else []


# ---------------------------------------------------------------------------
# Merge
# ---------------------------------------------------------------------------


@dataclass
class MergeResult:
    catalog: Catalog
    kept: int = 0
    fuzzy: int = 0
    new: int = 0
    obsolete: int = 0


# Called for each entry whose msgid is new to the catalog, with the old entry it
# was matched to (None if none): it may improve the proposal, e.g. from sentences.
# It changes only the new entry: the old one is as read from the file.
Leverage = Callable[[Entry, Entry | None], None]


def merge(
    old: Catalog,
    template: Catalog,
    threshold: float = 80.0,
    leverage: Leverage | None = None,
) -> MergeResult:
    """Update ``old`` from ``template`` the way ``msgmerge --previous`` does.

    Translations are kept; a changed msgid becomes a fuzzy entry with the
    previous msgid in ``#|``; removed entries become obsolete (``#~``), never
    silently lost. ``leverage`` then sees every entry whose text is new.
    An entry the template leaves as it was is ``old``'s own object.
    """
    with paused_cycle_collection():
        result, new_text = _merge(old, template, threshold)
    # Outside the pause: the hook may do much work of its own.
    if leverage is not None:
        for entry, source in new_text:
            leverage(entry, source)
    return result


def _merge(
    old: Catalog, template: Catalog, threshold: float
) -> tuple[MergeResult, list[tuple[Entry, Entry | None]]]:
    """The merge, and for leverage each entry with new text and the old entry it came from."""
    old_index: dict[tuple[str | None, str], Entry] = {}
    old_obsolete: dict[tuple[str | None, str], Entry] = {}
    for entry in old.entries:
        (old_obsolete if entry.obsolete else old_index)[entry.msgctxt, entry.msgid] = entry
    result = MergeResult(
        Catalog(header=old.header, path=old.path, lang=old.lang, domain=old.domain)
    )
    merged: list[Entry | None] = []
    unmatched: list[int] = []
    new_text: list[tuple[Entry, Entry | None]] = []
    found: set[int] = set()  # id() of the old entries the template still has
    for number, new in enumerate(template.entries):
        key = (new.msgctxt, new.msgid)
        previous = old_index.get(key)
        if previous is not None:
            found.add(id(previous))
            merged.append(_kept(new, previous))
            result.kept += 1
            continue
        revived = old_obsolete.get(key)
        if revived is not None and revived.has_translation:
            merged.append(_carry(new, revived, fuzzy=True, keep_previous=False))
            result.fuzzy += 1
            continue
        merged.append(None)
        unmatched.append(number)

    gone = [e for e in old_index.values() if id(e) not in found]
    candidates = [e for e in gone if e.has_translation]
    used: set[int] = set()
    if unmatched and candidates:
        matcher = FuzzyMatcher(candidates, threshold)
        proposals = matcher.proposals([(n, template.entries[n]) for n in unmatched])
        # Greedy one-to-one: each old entry is the previous version of at most one new entry.
        taken: set[int] = set()
        for _score, number, candidate in sorted(proposals, key=lambda p: (-p[0], p[1], p[2])):
            if number in taken or candidate in used:
                continue
            taken.add(number)
            used.add(candidate)
            entry = _carry(
                template.entries[number], candidates[candidate], fuzzy=True, keep_previous=False
            )
            source = candidates[candidate]
            entry.previous_msgid = source.msgid
            entry.previous_msgctxt = source.msgctxt
            entry.previous_msgid_plural = source.msgid_plural
            merged[number] = entry
            result.fuzzy += 1
            new_text.append((entry, source))
    for number in unmatched:
        if merged[number] is None:
            fresh = merged[number] = _fresh(template.entries[number], old.lang)
            result.new += 1
            new_text.append((fresh, None))

    used_entries = {id(candidates[c]) for c in used}
    entries: list[Entry] = [e for e in merged if e is not None]
    for entry in gone:
        if id(entry) in used_entries or not (entry.has_translation or entry.translator_comments):
            continue
        entries.append(_obsolete(entry))
        result.obsolete += 1
    if old_obsolete:
        revived_keys = {(e.msgctxt, e.msgid) for e in entries}
        entries += [e for e in old.entries if e.obsolete and e.key not in revived_keys]
    result.catalog.entries = entries
    return result, new_text


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
        entry.msgstr_plural = dict.fromkeys(range(get_plural(lang).num_plurals), "")
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


# ---------------------------------------------------------------------------
# The whole project
# ---------------------------------------------------------------------------


@dataclass
class UpdateReport:
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "file:line: message"
    merges: dict[str, MergeResult] = field(default_factory=dict)  # by project-relative path


def new_catalog(config: Config, lang: str, domain: str) -> Catalog:
    return Catalog(
        header=_header(config, lang, domain),
        path=str(config.catalog_path(lang, domain)),
        lang=lang,
        domain=domain,
    )


def write_if_changed(
    catalog: Catalog,
    path: Path,
    *,
    stamp: str | None = None,
    as_read: CatalogFile | None = None,
    made_from: FileVersion | None = None,
) -> bool:
    """Write ``catalog`` unless the file already holds the same content.

    Only the timestamp header fields differ between otherwise equal runs, so
    they are compared out; a run that changes nothing leaves the file's bytes
    and mtime alone.

    ``as_read`` is the file as read, its catalog's entries untouched since
    (this stamps the header it may share). An entry ``catalog`` shares with it
    is then the same without comparing, and is written with the lines it had
    (see :func:`update_catalog`).

    If someone saved the file since the version it was made from (``as_read``'s,
    or else ``made_from``), it is not written and
    :class:`~pipeline.files.FileChangedError` is raised.
    """
    if as_read is not None:
        if _same_entries(as_read.catalog, catalog):
            return False
    else:
        existing = read_bytes_if_present(path)
        if existing is not None and _same_content(existing, catalog):
            return False
    if stamp:
        field_name = "PO-Revision-Date" if catalog.lang else "POT-Creation-Date"
        set_header_field(catalog.header, field_name, stamp)
    if as_read is not None:
        return write_text_atomic(path, format_catalog(catalog, as_read.lines), as_read.version)
    return write_text_atomic(path, format_catalog(catalog), made_from)


_VOLATILE = re.compile(r"^(POT-Creation-Date|PO-Revision-Date):.*$", re.MULTILINE)
_STAMPS = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): ([^"\\]*)\\n"$', re.MULTILINE)


def _same_content(existing: bytes, catalog: Catalog) -> bool:
    """Whether the file's bytes say what ``catalog`` says, timestamps aside.

    The catalog is formatted with the file's own timestamps and compared byte
    for byte, which settles the usual case without parsing; a file another
    editor laid out differently is parsed and compared entry by entry, so it is
    not rewritten for its layout alone.
    """
    header = replace(catalog.header)
    for name, value in _STAMPS.findall(existing[: existing.find(b"\n\n")]):
        set_header_field(header, name.decode("ascii"), value.decode("utf-8", "replace"))
    if format_catalog(replace(catalog, header=header)).encode("utf-8") == existing:
        return True
    try:
        parsed = parse_catalog_bytes(existing, catalog.path, catalog.lang, catalog.domain)
    except CatalogSyntaxError:
        return False
    return _same_entries(parsed, catalog)


def _same_entries(parsed: Catalog, catalog: Catalog) -> bool:
    """Whether ``catalog`` writes the entries ``parsed`` has, header timestamps aside.

    Compared as we would write both, entry by entry, so that another editor's
    line wrapping is no difference; an entry both share is the same.
    """
    ours = written_entries(replace(catalog, header=_without_stamps(catalog.header)))
    theirs = written_entries(replace(parsed, header=_without_stamps(parsed.header)))
    return len(ours) == len(theirs) and all(
        mine is their or format_entry(mine) == format_entry(their)
        for mine, their in zip(ours, theirs, strict=True)
    )


def _without_stamps(header: Entry) -> Entry:
    return replace(header, msgstr=_VOLATILE.sub("", header.msgstr))


def update_catalog(
    path: Path,
    template: Catalog,
    blank: Catalog,
    threshold: float = 80.0,
    leverage: Leverage | None = None,
    stamp: str | None = None,
) -> tuple[MergeResult, bool]:
    """Merge the catalog at ``path`` from ``template``, and write it if its content changed.

    A missing file starts from ``blank``, whose header also replaces an empty
    one. Returns the merge and whether the file was written. A file that is
    not valid PO raises :class:`CatalogSyntaxError` naming its line, one that
    cannot be read or written :class:`OSError` (``FileChangedError`` if it was
    saved meanwhile); either way it is left as it is.

    The entries the merge keeps are the old catalog's own objects, unchanged:
    they need no comparing with the file, and are written with the lines they
    had in it. A file another editor laid out keeps that layout where the
    update changed nothing, so its diff shows only what changed; a file the
    pipeline wrote reads back as the same lines formatting would give.
    """
    as_read = read_catalog_file(path, blank.lang, blank.domain)
    if as_read is None:
        result = merge(blank, template, threshold, leverage)
        no_file = FileVersion(path, None)  # nor may one appear before the write
        return result, write_if_changed(result.catalog, path, stamp=stamp, made_from=no_file)
    result = merge(as_read.catalog, template, threshold, leverage)
    if not result.catalog.header.msgstr.strip():
        result.catalog.header = blank.header
    return result, write_if_changed(result.catalog, path, stamp=stamp, as_read=as_read)


# The cycle collector stays paused for the whole stage, leverage included.
# Paused stage by stage only, it walked every entry read and merged each time a
# stage ended: a tenth of the update of a large catalog. The stage makes next to
# no reference cycles; what it keeps is walked once, after the pause.
@paused_cycle_collection()
def update_catalogs(
    config: Config,
    segments: Sequence[Segment],
    languages: Sequence[str] | None = None,
    leverage_for: Callable[[str], Leverage | None] | None = None,
    recorded: dict[str, str] | None = None,
) -> UpdateReport:
    """Write the templates, then merge every language's catalogs from them.

    ``leverage_for(lang)`` gives the hook that improves proposals for new text.

    ``recorded`` (kept by an incremental build) maps each file to the digest of
    its template's segments and of its bytes after the last update. A file
    whose template and bytes are both as recorded is what merging would make
    again (a merge of a merged catalog changes nothing), so it is neither read,
    merged nor written, and is absent from ``merges``.
    """
    report = UpdateReport()
    stamp = revision_stamp()
    templates = build_templates(segments, config)
    by_domain: dict[str, list[Segment]] = defaultdict(list)
    for segment in segments:
        by_domain[segment.domain].append(segment)
    template_digests = {
        domain: hashlib.sha256(
            repr((config.project_name, config.team, by_domain[domain])).encode("utf-8")
        ).hexdigest()
        for domain in templates
    }

    def current(path: Path, domain: str) -> bool:
        if recorded is None:
            return False
        try:
            data = path.read_bytes()
        except OSError:
            return False
        digest = f"{template_digests[domain]} {hashlib.sha256(data).hexdigest()}"
        return recorded.get(str(path)) == digest

    def record(path: Path, domain: str) -> None:
        if recorded is not None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            recorded[str(path)] = f"{template_digests[domain]} {digest}"

    for domain, template in sorted(templates.items()):
        path = config.template_path(domain)
        if current(path, domain):
            continue
        if write_if_changed(template, path, stamp=stamp):
            report.written.append(path)
        record(path, domain)
    for lang in languages if languages is not None else config.languages:
        for domain, template in sorted(templates.items()):
            path = config.catalog_path(lang, domain)
            if current(path, domain):
                continue
            leverage = leverage_for(lang) if leverage_for is not None else None
            try:
                result, written = update_catalog(
                    path,
                    template,
                    new_catalog(config, lang, domain),
                    config.merge_threshold,
                    leverage,
                    stamp,
                )
            except CatalogSyntaxError as error:
                # Never overwrite a translator's file we could not read.
                report.errors.append(f"{config.relative(path)}:{error.line}: {error.reason}")
                continue
            except OSError as error:
                report.errors.append(f"{config.relative(path)}: {error.strerror or error}")
                continue
            report.merges[config.relative(path)] = result
            if written:
                report.written.append(path)
            record(path, domain)
    return report


def read_catalogs(config: Config, lang: str) -> tuple[list[CatalogFile], list[str]]:
    """Every readable catalog file of ``lang``, and one "file:line: why" per unreadable one."""
    catalogs: list[CatalogFile] = []
    unreadable: list[str] = []
    for path in sorted((config.locales_path / lang / "LC_MESSAGES").glob("*.po")):
        try:
            as_read = read_catalog_file(path, lang, path.stem)
        except CatalogSyntaxError as error:
            unreadable.append(f"{config.relative(path)}:{error.line}: {error.reason}")
            continue
        if as_read is not None:  # None: removed since the listing
            catalogs.append(as_read)
    return catalogs, unreadable


def init_language(config: Config, lang: str, segments: Sequence[Segment]) -> list[Path]:
    """Create the catalogs ``lang`` lacks, from the templates; existing ones are left alone."""
    created = []
    for domain, template in sorted(build_templates(segments, config).items()):
        path = config.catalog_path(lang, domain)
        if not path.exists():
            write_if_changed(merge(new_catalog(config, lang, domain), template).catalog, path)
            created.append(path)
    return created
