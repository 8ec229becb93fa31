"""The ``url`` source check: link targets that are malformed or hide look-alike characters."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, unquote, urlsplit

from pipeline.text.excerpt import excerpt


def url_problem(url: str) -> str | None:
    """Why a link target looks wrong, or None.

    Look-alike characters (dashes other than "-", odd spaces, invisible format
    characters, full-width forms) are flagged anywhere, also percent-encoded, as
    the Markdown parser leaves them; other non-ASCII letters only in the host name,
    where they are the stuff of homograph domains.
    """
    decoded = unquote(url)
    problem = _character_problem(decoded)
    if problem is not None:
        return problem
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError for a bad port)
    except ValueError as error:
        return f"link {excerpt(url)} is malformed: {error}"
    problem = _host_problem(url, decoded, parts)
    if problem is not None:
        return problem
    if re.search(r"%(?![0-9A-Fa-f]{2})", url):
        return f"link {excerpt(url)} has a bad percent escape"
    return None


def _character_problem(decoded: str) -> str | None:
    """A look-alike, control or format character, or whitespace, in the decoded URL."""
    for char in decoded:
        if char.isascii() and unicodedata.category(char) != "Cc":
            continue
        lookalike = _lookalike(char)
        if lookalike is not None or unicodedata.category(char) in ("Cc", "Cf"):
            hint = f" (looks like “{lookalike}”)" if lookalike and lookalike.strip() else ""
            name = unicodedata.name(char, "control character")
            return f"link {excerpt(decoded)} contains U+{ord(char):04X} {name}{hint}"
    if any(c.isspace() for c in decoded):
        return f"link {excerpt(decoded)} contains whitespace"
    return None


def _lookalike(char: str) -> str | None:
    category = unicodedata.category(char)
    if category == "Pd":
        return "-"
    if category == "Zs":
        return " "
    folded = unicodedata.normalize("NFKC", char)
    return folded if folded.isascii() and folded != char else None


def _host_problem(url: str, decoded: str, parts: SplitResult) -> str | None:
    """A host name with non-ASCII letters, a web link without a host, or "www." without scheme."""
    host = parts.hostname or ""
    if not host.isascii():
        return f"link {excerpt(decoded)} has non-ASCII letters in its host name {excerpt(host)}"
    if parts.scheme in ("http", "https"):
        if not host or ("." not in host and host != "localhost"):
            return f"link {excerpt(url)} has no valid host"
    elif url.lower().startswith("www."):
        return f"link {excerpt(url)} has no scheme (https://)"
    return None
