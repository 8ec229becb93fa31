"""Language codes: the one way every stage reads a code such as ``pt_BR`` or ``de-AT``."""

from __future__ import annotations

import re

from pipeline.text.excerpt import excerpt

# A POSIX locale name or a BCP 47 tag without extensions: language, then an optional
# script, region and (POSIX) variant. Nothing else: a code names folders and files
# (locales/<code>/, output/<code>/), so it may hold no "/", "." or other character
# that a path would read.
_LANGUAGE_CODE = re.compile(
    r"[A-Za-z]{2,3}"  # language: de, pt, ast
    r"(?:[_-][A-Za-z]{4})?"  # script: Hant, Latn
    r"(?:[_-](?:[A-Za-z]{2}|[0-9]{3}))?"  # region: BR, AT, 419
    r"(?:@[A-Za-z0-9]{1,8})?"  # variant: sr@latin, ca@valencia
)


def parse_language_code(code: str) -> str:
    """``code`` if it is a language code by the strict grammar above; else ValueError.

    ``de``, ``pt_BR``, ``de-AT``, ``zh_Hant_TW``, ``es-419`` and ``sr@latin`` are
    codes; ``de@/../x``, ``de.UTF-8`` and ``../de`` are not. Whether the language
    exists is Babel's to say; this decides whether the code is safe to use in a path.
    """
    if not _LANGUAGE_CODE.fullmatch(code):
        raise ValueError(
            f"'{excerpt(code, 40)}' is not a language code such as de, pt_BR, es-419 or sr@latin"
        )
    return code


def base_language(lang: str) -> str:
    """The primary language subtag, lower case: ``pt_BR`` and ``pt-br`` are ``pt``."""
    return lang.replace("-", "_").split("_")[0].lower()
