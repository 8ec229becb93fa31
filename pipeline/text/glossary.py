"""The medical glossary: approved translations and do-not-translate terms.

``glossary.csv`` has a header row with the columns ``term`` (English),
``dnt`` (``yes`` for a do-not-translate term, else empty), one column per
target language (``ru``, ``de``, ...) and an optional ``note``. A language
cell may hold several accepted forms separated by `` | ``; the first one is
the approved form, the others are tolerated.

Two questions are answered here:

* which glossary terms occur in an English source text (:meth:`Glossary.terms_in`):
  whole words, case-insensitive for ordinary words, case-sensitive for
  abbreviations and gene names (``ALL`` is a leukaemia, "all" is not), the
  longest term winning where terms overlap ("cytotoxic T cell" hides the
  "T cell" inside it), with a plain English plural (``-s``, ``-es``, ``-ies``);
* whether a translation lacks every accepted form of a term
  (:meth:`Glossary.missing_in`). Russian, German, Spanish, French and Arabic
  inflect, so a form is compared word by word, in order, on Snowball stems
  (the ``snowballstemmer`` package) with a few deliberately narrow tolerances,
  described at :func:`_stems_agree` and :func:`_arabic_candidates`.
  Abbreviation-like forms (``СВЦ``, ``IL-6``) and do-not-translate terms must
  appear exactly, up to the kind of hyphen.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import snowballstemmer  # type: ignore[import-untyped]
from babel import Locale, UnknownLocaleError

from pipeline.config import Config
from pipeline.text.glossary_file import (
    DNT_COLUMN,
    HYPHEN_CLASS,
    NOTE_COLUMN,
    SEPARATOR,
    TERM_COLUMN,
    VARIANT_SEPARATOR,
    GlossaryError,
    Term,
    is_plain_word,
    read_terms,
)
from pipeline.text.languages import base_language

__all__ = [
    "DNT_COLUMN", "NOTE_COLUMN", "TERM_COLUMN", "VARIANT_SEPARATOR",
    "Glossary", "GlossaryError", "Term", "project_glossary",
]  # fmt: skip

_HYPHENS = HYPHEN_CLASS
# Letters and digits (no underscore), as the edges of a word.
_WORD_CHAR = r"[^\W_]"
_BEFORE = rf"(?<!{_WORD_CHAR})"
_AFTER = rf"(?!{_WORD_CHAR})"
_SEPARATOR = SEPARATOR
# A word of a translation, read with its hyphenated parts joined or apart.
_JOINED_WORD = re.compile(rf"{_WORD_CHAR}+(?:[{_HYPHENS}]{_WORD_CHAR}+)*")
_SPLIT_WORD = re.compile(rf"{_WORD_CHAR}+")
# What may stand between two words of one term in a translation: spaces, a
# hyphen, the French elision apostrophe, the comma of "синдром нейротоксичности,
# ассоциированный ...", and Markdown emphasis around part of the term.
_WORD_GAP = re.compile(rf"[\s{_HYPHENS}'’ʼ,*_]+")

_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي"})
# Proclitics written together with the next word: a conjunction (و, ف), then a
# preposition (ب, ك, ل), then the article; ل + ال is written لل.
_ARABIC_PROCLITICS = tuple(
    conjunction + ("لل" if preposition == "ل" and article else preposition + article)
    for conjunction in ("", "و", "ف")
    for preposition in ("", "ب", "ك", "ل")
    for article in ("", "ال")
)
# Latin letters that look like Cyrillic ones; a mixed-script word is usually a
# Russian word typed with a Latin "T" or "B" ("T-клетки", "B-клеточная").
_LATIN_TO_CYRILLIC = str.maketrans("ABCEHKMOPTXaceopxy", "АВСЕНКМОРТХасеорху")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
# Russian nouns lose or gain a vowel before the last consonant of the stem in
# the genitive plural: клетка -> клеток, точка -> точек.
_FLEETING_VOWELS = "оеё"
_MIN_PREFIX_STEM = 4  # shorter stems must be equal; "ал" is a prefix of too much
_MAX_STEM_SLACK = 2  # "синдр" (синдром) vs "синдром" (синдрома)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    _source_patterns: tuple[tuple[re.Pattern[str], Term], ...] = field(
        init=False, repr=False, compare=False
    )
    # Per pattern, text every match contains, and whether it is compared casefolded.
    _source_keys: tuple[tuple[str, bool], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns = tuple((_english_pattern(t.source, plural=True), t) for t in self.terms)
        object.__setattr__(self, "_source_patterns", patterns)
        keys = tuple(_literal_key(t.source) for t in self.terms)
        object.__setattr__(self, "_source_keys", keys)

    @classmethod
    def load(
        cls, path: Path, languages: Collection[str] | None = None, root: Path | None = None
    ) -> Glossary:
        """Read ``path``; with ``languages``, a column for any other language is an error.

        With ``root``, a link that leads out of it is refused.
        """
        return cls(tuple(read_terms(path, languages, root)))

    @classmethod
    def empty(cls) -> Glossary:
        return cls(())

    @property
    def do_not_translate(self) -> tuple[str, ...]:
        """Do-not-translate terms, longest first, so a caller protecting them in a
        text replaces "CAR-T" before "CAR"."""
        terms = {t.source for t in self.terms if t.do_not_translate}
        return tuple(sorted(terms, key=lambda s: (-len(s), s)))

    def get(self, source: str) -> Term | None:
        """The term whose English text is ``source`` (same matching rules as a text)."""
        for pattern, term in self._source_patterns:
            if pattern.fullmatch(source.strip()):
                return term
        return None

    def terms_in(self, source_text: str) -> list[Term]:
        """Glossary terms in an English text, in order of first occurrence.

        Where matches overlap the longest wins, so "cytotoxic T cell" is
        reported and the "T cell" inside it is not; a do-not-translate term is
        reported wherever it is, inside a longer term too.
        """
        found: list[tuple[int, int, Term]] = []
        folded = source_text.casefold()
        # Most terms are absent from most texts: a substring test rules them out
        # before their regular expression runs (once per term and entry, it was
        # the largest part of a check).
        for (pattern, term), (key, caseless) in zip(
            self._source_patterns, self._source_keys, strict=True
        ):
            if key in (folded if caseless else source_text):
                found.extend((m.start(), m.end(), term) for m in pattern.finditer(source_text))
        found.sort(key=lambda hit: (hit[0] - hit[1], hit[0]))
        taken: list[tuple[int, int]] = []
        chosen: list[tuple[int, Term]] = []
        for start, end, term in found:
            if all(end <= s or start >= e for s, e in taken):
                taken.append((start, end))
                chosen.append((start, term))
            elif term.do_not_translate:
                # Inside a longer term ("CAR-T" in "CAR-T therapy") it must still be kept
                # as written: the longer term's translation says nothing about it.
                chosen.append((start, term))
        terms: list[Term] = []
        for _, term in sorted(chosen, key=lambda hit: hit[0]):
            if term not in terms:
                terms.append(term)
        return terms

    def missing_in(self, term: Term, lang: str, target_text: str) -> bool:
        """True if no accepted form of ``term`` occurs in a ``lang`` translation.

        A do-not-translate term must appear as written (hyphen kinds aside). A
        term with no form for ``lang`` is not in the glossary for that language
        and is never reported missing; :meth:`Term.approved` tells the two apart.
        """
        if term.do_not_translate:
            return not _english_pattern(term.source, plural=False).search(target_text)
        forms = term.translations.get(lang, ())
        return bool(forms) and not any(_form_occurs(form, lang, target_text) for form in forms)


# ---------------------------------------------------------------------------
# English source side
# ---------------------------------------------------------------------------


def _literal_key(source: str) -> tuple[str, bool]:
    """Text that every match of ``_english_pattern(source, plural=True)`` contains.

    The first word: casefolded if the pattern ignores its case (a plain word,
    without the "y" a plural may change to "ies"), as written if not.
    """
    tokens = re.split(_SEPARATOR, source.strip())
    first = tokens[0]
    if not is_plain_word(first):
        return first, False
    if len(tokens) == 1 and first.endswith("y"):
        first = first[:-1]
    return first.casefold(), True


@functools.lru_cache(maxsize=1024)
def _english_pattern(source: str, plural: bool) -> re.Pattern[str]:
    tokens = re.split(_SEPARATOR, source.strip())
    parts: list[str] = []
    for index, token in enumerate(tokens):
        if not is_plain_word(token):
            parts.append(re.escape(token))
            continue
        if plural and index == len(tokens) - 1:
            if token.endswith("y") and len(token) > 2 and token[-2] not in "aeiou":
                body = re.escape(token[:-1]) + "(?:y|ies)"
            else:
                body = re.escape(token) + "(?:e?s)?"
        else:
            body = re.escape(token)
        parts.append(f"(?i:{body})")
    return re.compile(_BEFORE + _SEPARATOR.join(parts) + _AFTER)


# ---------------------------------------------------------------------------
# Translation side
# ---------------------------------------------------------------------------


def _is_code(form: str) -> bool:
    """An abbreviation-like form ("СВЦ", "IL-6", "IFN-γ"): one word with no two
    lower-case or caseless (Arabic) letters in a row."""
    if any(c.isspace() for c in form):
        return False
    return not any(_is_small_letter(a) and _is_small_letter(b) for a, b in itertools.pairwise(form))


def _is_small_letter(char: str) -> bool:
    return char.isalpha() and not char.isupper()


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    stems: frozenset[str]


def _form_occurs(form: str, lang: str, text: str) -> bool:
    if _is_code(form):
        return _english_pattern(form, plural=False).search(text) is not None
    compounds = base_language(lang) == "de"
    if compounds and " " not in form and form.casefold() in text.casefold():
        # German writes a one-word term inside compounds ("Tumorantigene"), where
        # the stemmer cuts the compound somewhere else.
        return True
    for joined in (True, False):
        normal, words = _analyse(lang, text, joined)
        if _sequence_in(_form_words(lang, form, joined), words, normal, compounds):
            return True
    return False


def _sequence_in(
    form: tuple[frozenset[str], ...], words: tuple[_Word, ...], text: str, compounds: bool
) -> bool:
    for first in range(len(words) - len(form) + 1):
        window = words[first : first + len(form)]
        if all(
            _any_agree(wanted, word.stems, compounds)
            for wanted, word in zip(form, window, strict=True)
        ) and all(_WORD_GAP.fullmatch(text, a.end, b.start) for a, b in itertools.pairwise(window)):
            return True
    return False


@functools.lru_cache(maxsize=1024)
def _form_words(lang: str, form: str, joined: bool) -> tuple[frozenset[str], ...]:
    """The form's words as stem candidates, hyphenated words joined or apart.

    Both readings are tried against the same reading of the text: joined,
    "Zytokin-Freisetzungssyndrom" also matches "Zytokinfreisetzungssyndroms";
    apart, "интерферон-гамма" also matches "интерферона-гамма" and
    "интерферон гамма".
    """
    pattern = _JOINED_WORD if joined else _SPLIT_WORD
    return tuple(
        _stem_candidates(lang, w.group()) for w in pattern.finditer(_normalise(lang, form))
    )


@functools.lru_cache(maxsize=8192)
def _analyse(lang: str, text: str, joined: bool) -> tuple[str, tuple[_Word, ...]]:
    """The normalised text and its words; word offsets refer to the normalised text."""
    normal = _normalise(lang, text)
    pattern = _JOINED_WORD if joined else _SPLIT_WORD
    words = tuple(
        _Word(m.start(), m.end(), _stem_candidates(lang, m.group()))
        for m in pattern.finditer(normal)
    )
    return normal, words


def _normalise(lang: str, text: str) -> str:
    """The text in a comparable spelling: composed accents, no soft hyphens, and for
    Arabic no optional vowel marks or tatweel, one alef."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    if base_language(lang) == "ar":
        text = _ARABIC_DIACRITICS.sub("", text).translate(_ARABIC_LETTERS)
    return text


@functools.lru_cache(maxsize=65536)
def _stem_candidates(lang: str, word: str) -> frozenset[str]:
    word = re.sub(f"[{_HYPHENS}]", "", word)
    if _CYRILLIC.search(word):
        word = word.translate(_LATIN_TO_CYRILLIC)
    word = word.casefold().replace("ё", "е")
    if base_language(lang) == "ar":
        return frozenset(_stem(lang, w) for w in _arabic_candidates(word))
    return frozenset({_stem(lang, word)})


def _arabic_candidates(word: str) -> set[str]:
    """The word and the word without its proclitics (و/ف, ب/ك/ل, ال).

    Snowball's Arabic stemmer strips most of them, but not و + ال or a bare
    ل; offering both readings lets "والخلايا" and "لمتلازمة" match while a
    word that merely starts with و ("ورم") still matches itself.
    """
    return {
        word[len(prefix) :]
        for prefix in _ARABIC_PROCLITICS
        if word.startswith(prefix) and len(word) - len(prefix) >= 2
    }


def _any_agree(wanted: frozenset[str], found: frozenset[str], compounds: bool) -> bool:
    return any(_stems_agree(a, b, compounds) for a in wanted for b in found)


def _stems_agree(wanted: str, found: str, compounds: bool = False) -> bool:
    """Whether two stems are the same word, inflection aside.

    Equal stems agree. Snowball sometimes over-strips one form of a word and not
    another (Russian "синдром" -> "синдр", "синдрома" -> "синдром"), so a stem
    of at least four letters also agrees with one that extends it by at most
    two letters of the same script (not "интерферон" for "интерферон-γ"). A
    Russian genitive plural with a fleeting vowel (клеток for клетка) agrees
    with its stem. With ``compounds`` (German, which writes terms
    inside compounds) a text word that starts with the term's stem
    ("Zytokinspiegel" for "Zytokin"), or ends with it ("Tumorantigene" for
    "Antigen"), agrees too -- the only open-ended rules.
    """
    if wanted == found:
        return True
    short, long_ = sorted((wanted, found), key=len)
    if (
        len(short) >= _MIN_PREFIX_STEM
        and long_.startswith(short)
        and len(long_) - len(short) <= _MAX_STEM_SLACK
        and all(_script(c) == _script(short[-1]) for c in long_[len(short) :])
    ):
        return True
    if (
        len(long_) == len(short) + 1
        and long_[-2] in _FLEETING_VOWELS
        and long_[:-2] + long_[-1] == short
    ):
        return True
    return (
        compounds
        and len(wanted) >= _MIN_PREFIX_STEM
        and (found.startswith(wanted) or found.endswith(wanted))
    )


def _script(char: str) -> str:
    """The script of a letter, as the first word of its Unicode name (LATIN, CYRILLIC, ...)."""
    return unicodedata.name(char, "").partition(" ")[0]


class _Stemmer(Protocol):
    def stemWord(self, word: str) -> str: ...  # snowballstemmer's method name


_stemmer_lock = threading.Lock()


@functools.lru_cache(maxsize=32)
def _stemmer(lang: str) -> _Stemmer | None:
    """The Snowball stemmer for ``lang`` (found by its English name), if there is one."""
    try:
        name = Locale.parse(base_language(lang)).english_name
    except (UnknownLocaleError, ValueError):
        return None
    algorithm = (name or "").lower()
    if algorithm not in snowballstemmer.algorithms():
        return None
    stemmer: _Stemmer = snowballstemmer.stemmer(algorithm)
    return stemmer


@functools.lru_cache(maxsize=65536)
def _stem(lang: str, word: str) -> str:
    stemmer = _stemmer(lang)
    if stemmer is None:
        return _fold_latin_accents(word)
    # A Snowball stemmer keeps its current word in the object: one caller at a time.
    with _stemmer_lock:
        stem = stemmer.stemWord(word)
    return _fold_latin_accents(stem)


def _fold_latin_accents(word: str) -> str:
    """Drop accents on Latin letters only ("aigüe" = "aiguë"), never on Cyrillic й or Arabic."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFD", word):
        if unicodedata.combining(char) and kept and kept[-1].isascii():
            continue
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept))


def project_glossary(config: Config) -> Glossary:
    """The glossary named in ``[tool.l10n]``; empty when the project has none."""
    path = config.glossary_path
    if path is None or not path.is_file():
        return Glossary.empty()
    return Glossary.load(path, root=config.root)
