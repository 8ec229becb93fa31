"""Language codes: the one way every stage reads a code such as ``pt_BR`` or ``de-AT``."""

from __future__ import annotations


def base_language(lang: str) -> str:
    """The primary language subtag, lower case: ``pt_BR`` and ``pt-br`` are ``pt``."""
    return lang.replace("-", "_").split("_")[0].lower()
