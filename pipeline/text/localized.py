"""A link a translation localized: the same page of the same site, in the translation's language.

"https://docs.djangoproject.com/en/5.2/releases/" becomes ".../fr/5.2/releases/" in
French. Such a change is right, and a rule can tell it from a moved link: the
same scheme (http or https), host, port, query and fragment, and a path that
differs in exactly one segment, the source language's code there and the
translation's here. Anything else -- another host, another page, a code of a
third language -- is a changed link, as before.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from pipeline.text.languages import base_language

Languages = tuple[str, str]
"""(the source language, the translation's), as a project names them: ("en", "fr")."""


def _names(segment: str, lang: str) -> bool:
    """Whether a path segment is ``lang``'s code: "fr", "fr-ca", "FR_fr", "pt-br"."""
    match = re.fullmatch(r"(?P<base>[a-z]{2,3})(?:[-_][a-z0-9]{2,8})?", segment.lower())
    return match is not None and match["base"] == base_language(lang).lower()


def localized_url(before: str, after: str, languages: Languages | None) -> bool:
    """Whether ``after`` is ``before`` with its language segment set to the translation's."""
    if languages is None or before == after:
        return False
    try:
        old, new = urlsplit(before.strip()), urlsplit(after.strip())
    except ValueError:
        return False
    if old.scheme.lower() not in ("http", "https"):
        return False
    same = (old.scheme.lower(), old.netloc.lower(), old.query, old.fragment) == (
        new.scheme.lower(), new.netloc.lower(), new.query, new.fragment
    )  # fmt: skip
    old_path, new_path = old.path.split("/"), new.path.split("/")
    if not same or len(old_path) != len(new_path):
        return False
    changed = [(a, b) for a, b in zip(old_path, new_path, strict=True) if a != b]
    source, target = languages
    return (
        len(changed) == 1
        and _names(changed[0][0], source)
        and _names(changed[0][1], target)
        and base_language(source) != base_language(target)
    )


def localized_pairs(
    gone: Counter[str], added: Counter[str], languages: Languages | None
) -> list[tuple[str, str]]:
    """(source URL, translation's URL) pairs among what one lost and the other gained."""
    pairs: list[tuple[str, str]] = []
    if languages is None:
        return pairs
    left = Counter(added)
    for old in sorted(gone.elements()):
        new = next((url for url in sorted(+left) if localized_url(old, url, languages)), None)
        if new is not None:
            left[new] -= 1
            pairs.append((old, new))
    return pairs
