"""Which language is this text in? Language identification for the check gates.

Built on lingua (``lingua-language-detector``), restricted to the languages a
project uses plus a few that are easily confused with them. Restricting the
candidate set makes the detector faster and far more accurate on the short
strings of a website; adding the confusables keeps it honest: with Russian
alone among the Cyrillic languages, a Ukrainian paragraph pasted into a Russian
catalog would be called Russian with high confidence, and Portuguese left in a
Spanish catalog would be called Spanish.

Text is reduced to prose before detection (:mod:`pipeline.checks.prose`).

On Django's own translations (tests/tool/test_langid.py measures it), strings of at
least :data:`MIN_LETTERS` letters are identified reliably; below that, accuracy
drops quickly, so a short string is judged only when the detector is very sure
(:data:`SHORT_CONFIDENCE`).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from babel import Locale
from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from pipeline.checks.prose import LETTER, language_script, letter_count, plain_text, script_of
from pipeline.files import write_text_atomic
from pipeline.text.languages import base_language
from pipeline.text.sentences import split_sentences

# Languages added to every detector because a target language is easily mistaken
# for them (or they for it). Only those lingua supports are used.
CONFUSABLES: dict[str, tuple[str, ...]] = {
    "ru": ("uk", "bg"),
    "uk": ("ru",),
    "bg": ("ru",),
    "es": ("pt", "it"),
    "pt": ("es",),
    "it": ("es",),
    "fr": ("it",),
}

# Shorter prose than this (in letters) is judged only when the detector is very sure.
MIN_LETTERS = 30
SHORT_CONFIDENCE = 0.97
# The quick detector's confidence above which its "as expected" is taken as final.
SCREEN_TRUST = 0.9
# Fewer letters than this (a word or two: "Afrikaans", "Ouïghour") are never judged.
MIN_JUDGED_LETTERS = 12

_ALL_CODES = {language.iso_code_639_1.name.lower() for language in Language.all()}
# The source gate asks of every language lingua knows (its quick models: all of them
# load in about a second), except Latin: "in vivo" or "primum non nocere" in an
# English text is English usage, not a fragment to translate.
WIDE_EXCLUDED = frozenset({"la", "eo"})  # Esperanto: what the quick models call some Czech
WIDE_CODES = tuple(sorted(_ALL_CODES - WIDE_EXCLUDED))
# How likely the expected language may still be, by the full models of the few languages
# in question, for the wide detector to call a text another language. (The source gate
# asks it only of text without a word of English grammar.)
WIDE_EXPECTED_AT_MOST = 0.25
_WIDE_SUSPECT = 0.05  # the same for the quick models: below it, the full models are asked
# Names that look like no language or like the wrong one, taken out before the wide
# detector looks: a brand in parentheses, "(Kymriah)", and drug names by their INN
# stems: tisagenlecleucel, nivolumab, imatinib, axicabtagene, bortezomib, cisplatin.
_DRUG_OR_BRAND = re.compile(
    r"\(\s*[A-Z][\w-]*\s*\)"
    r"|(?i:\b\w{3,}(?:leucel|cel|mab|nib|parib|ciclib|lisib|degib|zomib|lidomide|vec|gene"
    r"|cept|platin|taxel|rubicin|mustine|trexate)s?\b)"
)
# A line with inline code or an issue number ("Fix `<ul>` rendering. (#171)") is
# technical: its few words are judged as a short text's are.
_TECHNICAL = re.compile(r"`[^`]+`|\(#\d+\)|\b[a-z]+[A-Z]\w*\b")
# Words of three letters or more: shorter ones ("to", "in", "de") belong to too many languages.
_PROSE_WORD = re.compile(r"[^\W\d_]{3,}")

def language_name(code: str) -> str:
    """The English name of a language code: ``ru`` -> ``Russian``."""
    name = Locale("en").languages.get(code)
    return str(name) if name else code


@dataclass(frozen=True)
class Verdict:
    """A confident statement that text is not in the expected language."""

    found: str
    confidence: float
    expected: str
    script: str = ""  # set when the verdict is of a script, not of a language

    def describe(self) -> str:
        if self.script:
            return f"in {self.script} script, expected {language_name(self.expected)}"
        return (
            f"{language_name(self.found)} ({self.confidence:.2f}), "
            f"expected {language_name(self.expected)}"
        )


_Answer = tuple[str, float]
# Every answer of an identifier: the full and the quick detector's, and the wide one's.
Answers = tuple[dict[str, _Answer], dict[str, _Answer], dict[str, tuple[str, float, float]]]


@dataclass
class LanguageIdentifier:
    """Detectors for a fixed set of languages, with a cache of their answers per text.

    Two detectors, because loading lingua's full models for ten languages takes
    seconds while its trigram-only ("low accuracy") models load in a fraction of
    one: the quick detector screens every text, and only a text it does not
    confidently place in the expected language goes to the full detector, whose
    models are then loaded on demand (only those of that text's script). The
    verdicts are the full detector's, so screening changes speed, not results.
    Build one through :func:`identifier`.
    """

    languages: tuple[str, ...]
    ignore_terms: tuple[str, ...] = ()
    segmenter_language: str = "en"
    _detectors: dict[str, LanguageDetector] = field(init=False, default_factory=dict, repr=False)
    _cache: dict[str, _Answer] = field(init=False, default_factory=dict, repr=False)
    _screen_cache: dict[str, _Answer] = field(init=False, default_factory=dict, repr=False)
    # The wide detector's answer: (best code, its confidence, the expected's confidence)
    _wide_cache: dict[str, tuple[str, float, float]] = field(
        init=False, default_factory=dict, repr=False
    )
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock, repr=False)
    # The cache file as last read or written (path, size and mtime), and the number of
    # answers held when it was last read or written.
    _cache_file: tuple[Path, tuple[int, int] | None] | None = field(
        init=False, default=None, repr=False
    )
    _saved: tuple[Path, int] | None = field(init=False, default=None, repr=False)

    def _built(self, kind: str) -> LanguageDetector:
        # Built on first use: a run whose answers are all cached loads no model at all.
        with self._lock:
            if kind not in self._detectors:
                languages = WIDE_CODES if kind == "wide" else self.languages
                codes = [IsoCode639_1.from_str(code) for code in languages]
                builder = LanguageDetectorBuilder.from_iso_codes_639_1(*codes)
                if kind in ("screen", "wide"):
                    builder = builder.with_low_accuracy_mode().with_preloaded_language_models()
                self._detectors[kind] = builder.build()
            return self._detectors[kind]

    def load_models(self) -> None:
        """Load the full models of this identifier's languages now, in this thread only.

        Processes forked afterwards share them (the models are read, never written),
        where each would otherwise load its own: a second or more of work for every
        process screening a site's languages. lingua loads a language's models the
        first time a text could be in it; a call that is not ``…_in_parallel``
        starts no thread, so this process may still fork.
        """
        detector = self._built("full")
        for code in self.languages:
            # Its own name in each language: texts in every script of the detector.
            detector.compute_language_confidence_values(_own_name(code))

    # -- detection -----------------------------------------------------------

    def identify(self, text: str) -> _Answer:
        """(ISO 639-1 code, confidence 0-1) of a line of inline Markdown; ("", 0.0) if no prose."""
        self.prefetch([text])
        return self._cache[text]

    def prefetch(self, texts: Iterable[str]) -> None:
        """Identify many texts at once, in parallel, so that later calls hit the cache."""
        self._run("full", self._cache, texts)

    def screen(self, texts: Iterable[str]) -> None:
        """Run the quick detector over many texts at once (see the class docstring)."""
        self._run("screen", self._screen_cache, texts)

    def _wide_prose(self, text: str) -> str:
        return _DRUG_OR_BRAND.sub(" ", plain_text(text, self.ignore_terms))

    def _wide_judgeable(self, text: str) -> bool:
        letters = letter_count(self._wide_prose(text))
        technical = _TECHNICAL.search(text) is not None
        return letters >= (2 * MIN_LETTERS if technical else MIN_LETTERS)

    def prepare_wide(self, texts: Iterable[str], expected: str) -> None:
        """Run the wide detector (see :meth:`wide_mismatch`) over many texts at once.

        The project's own quick detector is no screen here: it knows only the
        project's languages and calls Dutch or Finnish English.
        """
        pending = [
            t for t in dict.fromkeys(texts) if t not in self._wide_cache and self._wide_judgeable(t)
        ]
        if not pending:
            return
        prose = [self._wide_prose(text) for text in pending]
        results = self._built("wide").compute_language_confidence_values_in_parallel(prose)
        answers: dict[str, tuple[str, float, float]] = {}
        for text, words, values in zip(pending, prose, results, strict=True):
            ranked = [(v.language.iso_code_639_1.name.lower(), v.value) for v in values]
            answers[text] = _answer(ranked, expected)
            found, _, as_expected = answers[text]
            if found and found != expected and as_expected <= _WIDE_SUSPECT:
                # The quick models of seventy languages are often wrong on a short text:
                # what they say is asked again of the full models of the few in question.
                candidates = {expected, *(code for code, _ in ranked[:2])} - WIDE_EXCLUDED
                confirmed = self._confirmer(
                    frozenset(candidates)
                ).compute_language_confidence_values(words)
                ranked = [(v.language.iso_code_639_1.name.lower(), v.value) for v in confirmed]
                answers[text] = _answer(ranked, expected)
        with self._lock:
            self._wide_cache.update(answers)

    def word_share(self, text: str, found: str, expected: str) -> float:
        """The share of the words of ``text``'s prose that ``found`` is likelier for than
        ``expected``, each word asked of the full models of these two languages alone.

        A real fragment is made of the other language's words; a short English line that
        a detector calls Romanian or French ("Update colors to increase contrast") is not:
        its words, one by one, are English. 1.0 when there is no word to ask.
        """
        words = _PROSE_WORD.findall(plain_text(text, self.ignore_terms))
        if not words or found == expected:
            return 1.0
        detector = self._confirmer(frozenset({found, expected}))
        wanted = IsoCode639_1.from_str(found)
        likelier = 0
        for word in words:
            values = {
                v.language.iso_code_639_1: v.value
                for v in detector.compute_language_confidence_values(word)
            }
            likelier += values.get(wanted, 0.0) > 0.5
        return likelier / len(words)

    def _confirmer(self, codes: frozenset[str]) -> LanguageDetector:
        key = "confirm:" + ",".join(sorted(codes))
        with self._lock:
            if key not in self._detectors:
                isos = [IsoCode639_1.from_str(code) for code in sorted(codes)]
                self._detectors[key] = LanguageDetectorBuilder.from_iso_codes_639_1(*isos).build()
            return self._detectors[key]

    def _judgeable(self, text: str) -> bool:
        return letter_count(plain_text(text, self.ignore_terms)) >= MIN_JUDGED_LETTERS

    def _screened_as(self, text: str, expected: str) -> bool:
        screened, confidence = self._screen_cache[text]
        return screened == expected and confidence >= SCREEN_TRUST

    def prepare(self, checks: Iterable[tuple[str, str]]) -> None:
        """Batch the detection behind many :meth:`mismatch` calls of (text, expected language).

        Text too short to be judged is not sent to the detectors: :meth:`mismatch` never
        asks about it, and most such strings (a name, a number, a heading of two words) are
        ones the quick detector cannot place: they would go to the full detector for nothing.
        """
        pairs = list(checks)
        # Whether a text may be judged is asked only of texts with no answer yet: a build
        # after an edit passes every shown entry, nearly all answered before.
        self.screen(t for t, _ in pairs if t not in self._screen_cache and self._judgeable(t))
        self.prefetch(
            text
            for text, expected in pairs
            if text in self._screen_cache
            and text not in self._cache
            and (
                self._screen_cache[text][0] != expected
                or self._screen_cache[text][1] < SCREEN_TRUST
            )
            and self._judgeable(text)
        )

    def _run(self, kind: str, cache: dict[str, _Answer], texts: Iterable[str]) -> None:
        pending = list(dict.fromkeys(t for t in texts if t not in cache))
        if not pending:
            return
        detector = self._built(kind)
        prose = [plain_text(text, self.ignore_terms) for text in pending]
        to_detect = [i for i, p in enumerate(prose) if LETTER.search(p)]
        results = detector.compute_language_confidence_values_in_parallel(
            [prose[i] for i in to_detect]
        )
        answers: dict[str, _Answer] = {text: ("", 0.0) for text in pending}
        for i, values in zip(to_detect, results, strict=True):
            if values:
                best = values[0]
                answers[pending[i]] = (best.language.iso_code_639_1.name.lower(), best.value)
        with self._lock:
            cache.update(answers)

    # -- a cache that outlives the process ------------------------------------

    def _cache_key(self) -> str:
        return f"{version('lingua-language-detector')}:{','.join(sorted(self.languages))}"

    def _answers(self) -> int:
        return len(self._cache) + len(self._screen_cache) + len(self._wide_cache)

    def answers(self) -> Answers:
        """A copy of every answer known, for another process's identifier to :meth:`absorb`."""
        with self._lock:
            return dict(self._cache), dict(self._screen_cache), dict(self._wide_cache)

    def absorb(self, answers: Answers) -> None:
        """Take in the answers of another identifier of the same languages."""
        full, screen, wide = answers
        with self._lock:
            for cache, found in ((self._cache, full), (self._screen_cache, screen)):
                for text, answer in found.items():
                    cache.setdefault(text, answer)
            for text, wide_answer in wide.items():
                self._wide_cache.setdefault(text, wide_answer)

    def load_cache(self, path: Path) -> None:
        """Reuse answers of earlier runs: a pre-commit hook then costs no model loading.

        A file this identifier read or wrote, unchanged since, is not read again.
        """
        if self._cache_file is not None and self._cache_file == (path, _stamp(path)):
            return
        stamp = _stamp(path)
        try:
            stored = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return
        if not isinstance(stored, dict) or stored.get("key") != self._cache_key():
            return
        with self._lock:
            for name, cache in (("full", self._cache), ("screen", self._screen_cache)):
                for text, (code, confidence) in stored.get(name, {}).items():
                    cache.setdefault(text, (str(code), float(confidence)))
            for text, (code, confidence, expected) in stored.get("wide", {}).items():
                self._wide_cache.setdefault(text, (str(code), float(confidence), float(expected)))
            self._cache_file = (path, stamp)
            in_file = sum(len(stored.get(name, {})) for name in ("full", "screen", "wide"))
            if self._answers() == in_file:  # the file holds every answer known
                self._saved = (path, in_file)

    def save_cache(self, path: Path) -> None:
        """Keep the full detector's answers for texts still in use (the cache never grows stale).

        Nothing is written when no answer was added since this file was read or written.
        """
        if self._saved == (path, self._answers()) and self._cache_file == (path, _stamp(path)):
            return
        with self._lock:
            data = {
                "key": self._cache_key(),
                "full": dict(sorted(self._cache.items())),
                "screen": dict(sorted(self._screen_cache.items())),
                "wide": dict(sorted(self._wide_cache.items())),
            }
            answers = self._answers()
        write_text_atomic(path, json.dumps(data, ensure_ascii=False, indent=0) + "\n")
        self._saved, self._cache_file = (path, answers), (path, _stamp(path))

    def sentences(self, text: str) -> list[str]:
        """The sentences of a line of text (see :func:`pipeline.text.sentences.split_sentences`)."""
        return split_sentences(text, self.segmenter_language)

    def identify_sentences(self, text: str) -> list[tuple[str, str, float]]:
        """(sentence, language code, confidence) for each sentence of ``text``."""
        sentences = self.sentences(text)
        self.prefetch(sentences)
        return [(sentence, *self._cache[sentence]) for sentence in sentences]

    # -- judgement -------------------------------------------------------------

    def mismatch(self, text: str, expected: str, min_confidence: float) -> Verdict | None:
        """A verdict if ``text`` is confidently in another language than ``expected``.

        Text with fewer than :data:`MIN_LETTERS` letters of prose, or a technical
        line with fewer than twice as many, needs :data:`SHORT_CONFIDENCE`; text with
        only a handful of letters is never judged.
        """
        if not self._judgeable(text):
            return None
        self.screen([text])
        if self._screened_as(text, expected):
            return None
        letters = letter_count(plain_text(text, self.ignore_terms))
        found, confidence = self.identify(text)
        if not found or found == expected:
            return None
        short = letters < MIN_LETTERS or (
            letters < 2 * MIN_LETTERS and _TECHNICAL.search(text) is not None
        )
        needed = max(min_confidence, SHORT_CONFIDENCE) if short else min_confidence
        if confidence < needed or not _mostly_in_script_of(found, expected, text, self):
            return None
        return Verdict(found, confidence, expected)

    def wide_mismatch(self, text: str, expected: str) -> Verdict | None:
        """A verdict if ``text`` is, among every language lingua knows, surely another.

        For the source gate: a fragment in a language the project does not use
        is found too. Judged only on :data:`MIN_LETTERS` letters of prose or more
        (twice as many on a technical line), and only when the project's own
        detector does not place the text in ``expected``.
        """
        if not self._wide_judgeable(text):
            return None
        self.prepare_wide([text], expected)
        found, _, as_expected = self._wide_cache[text]
        if not found or found == expected or found in WIDE_EXCLUDED:
            return None
        if as_expected > WIDE_EXPECTED_AT_MOST:
            return None
        # Sure that it is not the expected language; the language named is the likeliest.
        return Verdict(found, 1.0 - as_expected, expected)


def _answer(ranked: list[tuple[str, float]], expected: str) -> tuple[str, float, float]:
    """(best code, its confidence, the expected language's confidence) of a ranking."""
    if not ranked:
        return ("", 0.0, 0.0)
    return (ranked[0][0], ranked[0][1], dict(ranked).get(expected, 0.0))


def _own_name(code: str) -> str:
    try:
        return Locale.parse(code).get_display_name(code) or code
    except Exception:  # a locale Babel lacks
        return code


def _mostly_in_script_of(found: str, expected: str, text: str, ident: LanguageIdentifier) -> bool:
    """Whether most letters are in ``found``'s script, when it differs from ``expected``'s.

    Russian prose with two English option names ("заданы tabularcolumns и опция")
    is not English, however the detector scores the Latin words.
    """
    found_script, expected_script = language_script(found), language_script(expected)
    if not found_script or found_script == expected_script:
        return True
    letters = LETTER.findall(plain_text(text, ident.ignore_terms))
    in_found = sum(script_of(letter) == found_script for letter in letters)
    return in_found * 2 > len(letters)


def detector_languages(languages: Iterable[str]) -> tuple[str, ...]:
    """The project's languages plus their confusables, limited to what lingua knows, sorted."""
    wanted: set[str] = set()
    for code in languages:
        base = base_language(code)
        wanted.add(base)
        wanted.update(CONFUSABLES.get(base, ()))
    return tuple(sorted(wanted & _ALL_CODES))


_IDENTIFIERS: dict[tuple[tuple[str, ...], tuple[str, ...], str], LanguageIdentifier] = {}
_IDENTIFIERS_LOCK = threading.Lock()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def identifier(
    languages: Iterable[str], ignore_terms: Iterable[str] = (), segmenter_language: str = "en"
) -> LanguageIdentifier:
    """The shared identifier for these languages (plus confusables), built once per process."""
    key = (detector_languages(languages), tuple(sorted(set(ignore_terms))), segmenter_language)
    with _IDENTIFIERS_LOCK:
        if key not in _IDENTIFIERS:
            _IDENTIFIERS[key] = LanguageIdentifier(*key)
        return _IDENTIFIERS[key]


# The shipped project's languages, for callers that do not pass their own.
DEFAULT_LANGUAGES = ("en", "ru", "de", "es", "ar", "fr")


def _default() -> LanguageIdentifier:
    return identifier(DEFAULT_LANGUAGES)


def identify(text: str, languages: Sequence[str] | None = None) -> tuple[str, float]:
    """(ISO 639-1 code, confidence) of ``text`` among ``languages``, by default the shipped
    project's."""
    return (identifier(languages) if languages else _default()).identify(text)


def identify_sentences(
    text: str, languages: Sequence[str] | None = None
) -> list[tuple[str, str, float]]:
    """(sentence, code, confidence) per sentence of ``text`` among ``languages``."""
    return (identifier(languages) if languages else _default()).identify_sentences(text)
