"""Language codes: the one way every stage reads a code such as ``pt_BR`` or ``de-AT``.

:func:`parse_language_code` is the gate a code passes before it names a
directory or a file; :func:`plural_forms` is the ``Plural-Forms`` rule a new
catalog gets, the one GNU gettext's ``msginit`` writes. The pseudo-locales
``en-XA`` and ``ar-XB`` (:data:`PSEUDO_LOCALES`) are no project language: the gate
refuses them, and :func:`locale_data` gives the locale whose data they are shown with.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers
from babel.messages.plurals import get_plural

from pipeline.text.excerpt import excerpt
from pipeline.text.limits import MAX_PLURAL_FORMS


class LanguageCodeError(ValueError):
    """A language code that is malformed or that no locale data knows; the message says which."""


# language, optional script, optional territory, optional gettext modifier: "it", "pt_BR",
# "sr_Latn", "zh_Hant_TW", "es_419", "sr@latin". Only this form ever becomes a path (it
# names locales/<code>/ and output/<code>/): no separator, dot or case variant gets through.
_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|\d{3}))?(?:@[a-z0-9]{1,8})?")


@dataclass(frozen=True)
class PseudoLocale:
    """A pseudo-locale as Chromium and Android name it: a test of layout, never a language."""

    code: str  # the BCP 47 tag: the lang attribute and the folder of its pages
    gettext: str  # the same in gettext's form
    name: str
    direction: str  # "ltr" or "rtl"
    data: str = "en"  # the locale whose dates, numbers and plural rules it uses


PSEUDO_LOCALES = {
    locale.code: locale
    for locale in (
        PseudoLocale("en-XA", "en_XA", "English (pseudo-accents)", "ltr"),
        PseudoLocale("ar-XB", "ar_XB", "Pseudo-bidi (mirrored)", "rtl"),
    )
}
"""Accented and about a third longer (``en-XA``); mirrored and right-to-left (``ar-XB``)."""


def pseudo_locale(code: str) -> PseudoLocale | None:
    """The pseudo-locale ``code`` names, in either form (``en-XA``, ``en_XA``); else None."""
    folded = code.replace("_", "-").lower()
    return next((p for p in PSEUDO_LOCALES.values() if p.code.lower() == folded), None)


def locale_data(lang: str) -> str:
    """The Babel locale whose data (names, dates, numbers, direction) ``lang`` is shown with."""
    pseudo = pseudo_locale(lang)
    return pseudo.data if pseudo is not None else lang


@cache
def regional_locales(lang: str) -> tuple[Locale, ...]:
    """``lang``'s locale and its language's regional variants (``en``: ``en_GB``, ``en_AU``…),
    whose data a text in the language may follow too ("31 May 2017", "5 per cent")."""
    for code in (locale_data(lang).replace("-", "_").partition("@")[0], base_language(lang)):
        try:
            own = Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            continue
        regional = re.compile(rf"{own.language}_(?:[A-Z]{{2}}|\d{{3}})")
        others = [Locale.parse(c) for c in locale_identifiers() if regional.fullmatch(c)]
        return (own, *(other for other in others if other != own))
    return ()


def text_direction(lang: str) -> str:
    """``rtl`` or ``ltr``: a pseudo-locale's own, or its locale's."""
    pseudo = pseudo_locale(lang)
    if pseudo is not None:
        return pseudo.direction
    return str(Locale.parse(lang).text_direction)


def parse_language_code(code: str) -> str:
    """``code`` if it is a language code in gettext's form that Babel knows; else
    :class:`LanguageCodeError`.

    The form is strict (``pt_BR``, not ``pt-br`` or ``PT_BR``) because the code
    names the catalog directory ``locales/<code>/``.
    """
    if not _CODE.fullmatch(code):
        raise LanguageCodeError(
            f"'{excerpt(code, 40)}' is not a language code "
            "(expected a form like 'it', 'pt_BR', 'sr_Latn' or 'sr@latin')"
        )
    if pseudo_locale(code) is not None:
        raise LanguageCodeError(
            f"{code!r} is a pseudo-locale, not a language: `l10n pseudo` builds it"
        )
    try:
        Locale.parse(code.partition("@")[0])
    except (UnknownLocaleError, ValueError):
        raise LanguageCodeError(f"unknown language code {code!r}") from None
    return code


def base_language(lang: str) -> str:
    """The primary language subtag, lower case: ``pt_BR`` and ``pt-br`` are ``pt``."""
    return lang.replace("-", "_").split("_")[0].lower()


def _subtags(code: str) -> list[str]:
    """A code's Babel-style subtags: ``en-us`` → ``en US``, ``zh-hant-tw`` → ``zh Hant TW``."""
    parts = code.strip().replace("_", "-").split("-")
    tags = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            tags.append(part.title())
        elif part:
            tags.append(part.upper())
    return tags


def normalise_lang(code: str, known: Iterable[str] = ()) -> str:
    """A language code from another tool's file (TMX, XLIFF) in the project's spelling.

    With the project's codes in ``known``: the longest known prefix (``en-US`` →
    ``en``, ``pt-BR`` → ``pt_BR`` if known, else ``pt``). Without them, or when
    nothing matches: the primary language subtag.
    """
    tags = _subtags(code)
    by_folded = {"_".join(_subtags(lang)).lower(): lang for lang in known}
    for end in range(len(tags), 0, -1):
        match = by_folded.get("_".join(tags[:end]).lower())
        if match is not None:
            return match
    return tags[0]


@dataclass(frozen=True)
class PluralForms:
    """A ``Plural-Forms`` header value: how many forms and which one a number takes."""

    nplurals: int
    plural: str  # a C expression of n

    def __str__(self) -> str:
        return f"nplurals={self.nplurals}; plural={self.plural};"


_TWO_FORMS = (
    "bg", "da", "de", "el", "en", "eo", "es", "et", "fi", "fo", "he", "hu", "it", "nb", "nl", "nn",
    "no", "pt", "sv", "tr",
)  # fmt: skip

# GNU gettext's own table (gettext-tools/src/plural-table.c), which msginit and Poedit
# use: where it and the CLDR differ (Italian, Spanish: 2 forms, not 3), translators'
# tools follow it. A code is looked up whole, then by its language.
_GETTEXT_TABLE: dict[str, tuple[int, str]] = {
    **dict.fromkeys(("ja", "ko", "vi"), (1, "0")),
    **dict.fromkeys(_TWO_FORMS, (2, "(n != 1)")),
    **dict.fromkeys(("fr", "pt_BR"), (2, "(n > 1)")),
    **dict.fromkeys(
        ("be", "hr", "ru", "sr", "uk"),
        (3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    ),
    **dict.fromkeys(("cs", "sk"), (3, "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2")),
    "ga": (3, "n==1 ? 0 : n==2 ? 1 : 2"),
    "lt": (3, "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    "lv": (3, "(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2)"),
    "pl": (3, "(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
    "ro": (3, "n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2"),
    "sl": (4, "(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3)"),
}


@cache
def plural_forms(lang: str) -> PluralForms:
    """The ``Plural-Forms`` of a new catalog of ``lang``: gettext's table, else the CLDR rule.

    msginit does the same: its own table first, then the CLDR's plural rules
    (Arabic: 6 forms) for the languages the table lacks.
    """
    lang = locale_data(lang)
    known = _GETTEXT_TABLE.get(lang) or _GETTEXT_TABLE.get(base_language(lang))
    if known is not None:
        return PluralForms(*known)
    rule = get_plural(lang)
    return PluralForms(rule.num_plurals, rule.plural_expr)


_NPLURALS = re.compile(r"nplurals\s*=\s*(\d+)")


def declared_nplurals(header: str) -> str | None:
    """The digits of a ``Plural-Forms`` header's ``nplurals``, as written; None when the
    header has no ``nplurals`` or no ``plural`` expression."""
    found = _NPLURALS.search(header)
    if found is None or "plural=" not in header:
        return None
    return found.group(1)


def valid_nplurals(digits: str) -> int | None:
    """``digits`` as a count of plural forms a language can have (1 to 6), else None.

    Read without ``int`` on the whole string, which refuses thousands of digits."""
    significant = digits.lstrip("0")
    if len(significant) != 1 or int(significant) > MAX_PLURAL_FORMS:
        return None
    return int(significant)


def plural_count(header: str, lang: str) -> int:
    """How many plural forms a catalog of ``lang`` has: its ``Plural-Forms`` header's
    ``nplurals`` when that is a count a language can have, else what a new catalog of
    ``lang`` gets (:func:`plural_forms`)."""
    digits = declared_nplurals(header)
    count = valid_nplurals(digits) if digits is not None else None
    return count if count is not None else plural_forms(lang).nplurals
