"""Real translation corpora for tests and benchmarks, built from Django's shipped catalogs.

Django ships reviewed gettext catalogs for about a hundred languages; its
English msgids paired with each language's msgstrs are real UI text with real
human translations, neighbours and contexts -- a fair stand-in for a project's
memory without shipping one.
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.memory.units import Unit, catalog_units
from pipeline.model import Catalog, Origin, OriginKind
from pipeline.po.reader import read_catalog

DJANGO_ROOT = Path(str(importlib.util.find_spec("django").origin)).parent  # type: ignore[union-attr]

# Languages in order of catalog completeness; enough of them reach any corpus size the tests need.
DEFAULT_LANGS = (
    "de", "fr", "ru", "es", "ar", "it", "nl", "pl", "pt_BR", "ja",
    "uk", "cs", "sv", "tr", "fi", "ko", "el", "hu", "da", "ro",
)  # fmt: skip


@dataclass(frozen=True)
class CatalogFile:
    path: Path
    lang: str
    domain: str  # "django" for the core catalog, the app's name for contrib catalogs


def django_catalog_files(langs: Iterable[str] | None = None) -> list[CatalogFile]:
    """Every ``django.po`` shipped with Django (core and contrib apps), or some languages'."""
    wanted = set(langs) if langs is not None else None
    found: list[CatalogFile] = []
    for path in sorted(DJANGO_ROOT.glob("**/locale/*/LC_MESSAGES/django.po")):
        lang = path.parent.parent.name
        if wanted is not None and lang not in wanted:
            continue
        parts = path.relative_to(DJANGO_ROOT).parts
        domain = parts[1] if parts[0] == "contrib" else "django"
        found.append(CatalogFile(path, lang, domain))
    return found


@functools.cache
def read_django_catalog(path: Path, lang: str, domain: str) -> Catalog:
    """A Django ``.po`` file as a :class:`Catalog` (cached: callers must not change it)."""
    return read_catalog(path, lang, domain)


def django_catalogs(langs: Iterable[str] | None = None) -> Iterator[Catalog]:
    for file in django_catalog_files(langs):
        yield read_django_catalog(file.path, file.lang, file.domain)


def django_units(minimum: int = 10_000, langs: Iterable[str] = DEFAULT_LANGS) -> list[Unit]:
    """At least ``minimum`` real en→xx units, adding whole languages until the count is reached."""
    units: list[Unit] = []
    for lang in langs:
        for catalog in django_catalogs([lang]):
            units.extend(catalog_units(catalog, "en"))
        if len(units) >= minimum:
            return units
    raise ValueError(f"Django's catalogs for {list(langs)} hold only {len(units)} units")


# ---------------------------------------------------------------------------
# Edited queries
# ---------------------------------------------------------------------------

FILLER_WORDS = ("new", "all", "the", "selected", "current", "this", "your", "2", "other")


def lightly_edit(text: str, rng: random.Random) -> str:
    """One or two small edits of the kind a source revision makes."""
    for _ in range(rng.choice((1, 1, 2))):
        words = text.split(" ")
        edit = rng.choice(("typo", "drop word", "add word", "swap words", "case", "punctuation"))
        if edit == "typo" and len(text) > 3:
            at = rng.randrange(len(text))
            text = text[:at] + rng.choice("aeioustnrl") + text[at + 1 :]
        elif edit == "drop word" and len(words) > 3:
            del words[rng.randrange(len(words))]
            text = " ".join(words)
        elif edit == "add word" and len(words) > 1:
            words.insert(rng.randrange(len(words) + 1), rng.choice(FILLER_WORDS))
            text = " ".join(words)
        elif edit == "swap words" and len(words) > 2:
            at = rng.randrange(len(words) - 1)
            words[at], words[at + 1] = words[at + 1], words[at]
            text = " ".join(words)
        elif edit == "case":
            text = text.swapcase() if len(text) < 12 else text[0].swapcase() + text[1:]
        else:
            text = text.rstrip(".!?:") if text[-1:] in ".!?:" else text + "."
    return text


# ---------------------------------------------------------------------------
# Large corpora for the lookup benchmark
# ---------------------------------------------------------------------------

SYSTEM_LOCALE_DIR = Path("/usr/share/locale")
# This project's languages, and Italian: the five alone hold just under 200,000 units.
BENCH_LANGS = ("ru", "de", "es", "ar", "fr", "it")


def _system_pairs(langs: Iterable[str] | None) -> Iterator[tuple[str, str, str, str]]:
    """(lang, domain, msgid, msgstr) from the compiled catalogs the operating system ships.

    Code lists (``iso_*``: country and language names) are left out: they are
    names, not the sentences a memory holds.
    """
    pattern = "*/LC_MESSAGES/*.mo"
    for path in sorted(SYSTEM_LOCALE_DIR.glob(pattern)):
        lang = path.parent.parent.name
        if (langs is not None and lang not in langs) or path.name.startswith("iso_"):
            continue
        try:
            catalog = polib.mofile(str(path))
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        for item in catalog:
            if item.msgid and item.msgstr and not item.msgid_plural:
                yield lang, path.stem, item.msgid, item.msgstr


def _django_pairs(langs: Iterable[str] | None) -> Iterator[tuple[str, str, str, str]]:
    for catalog in django_catalogs(langs):
        for entry in catalog.active():
            if entry.translated and entry.msgid_plural is None and not entry.is_header:
                yield str(catalog.lang), catalog.domain, entry.msgid, entry.msgstr


def large_corpus(size: int = 200_000, single_pair: bool = False, seed: int = 0) -> list[Unit]:
    """``size`` real human translations from Django's and the operating system's catalogs.

    By default: en→ru/de/es/ar/fr/it, the shape of this project's memory (one
    English source text has up to six translations). With ``single_pair``:
    ``size`` *distinct* source texts under one language pair -- every language's
    msgstr translated back to its English msgid, labelled ``mul``→``en`` --
    the worst case for fuzzy lookup, which searches within one pair.
    """
    origin = Origin(OriginKind.TMX, "corpus")
    langs = None if single_pair else BENCH_LANGS
    seen: set[tuple[str, str, str]] = set()
    units: list[Unit] = []
    for lang, domain, msgid, msgstr in itertools.chain(_django_pairs(langs), _system_pairs(langs)):
        if single_pair:
            key, unit = ("", msgstr, ""), Unit(msgstr, msgid, "mul", "en", origin, domain=domain)
        else:
            key, unit = (
                (lang, msgid, msgstr),
                Unit(msgid, msgstr, "en", lang, origin, domain=domain),
            )
        if key not in seen:
            seen.add(key)
            units.append(unit)
    if len(units) < size:
        raise ValueError(f"only {len(units)} real translation units found, {size} wanted")
    return random.Random(seed).sample(units, size)
