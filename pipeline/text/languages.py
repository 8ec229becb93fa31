"""Language codes: the one way every stage reads a code such as ``pt_BR`` or ``de-AT``."""

from __future__ import annotations

from collections.abc import Iterable


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
