"""The text rules every stage shares: placeholders, URLs, printf variables, HTML-like tags.

One definition each. The segmenter flags placeholders with these, the QA
checks and the renderer compare markup with them, machine translation
protects them and language identification removes them; if two stages read a
link or a placeholder differently, a translation could pass one and fail the
other, so none of them keeps its own copy.
"""

from __future__ import annotations

import re

PLACEHOLDER_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
PLACEHOLDER = re.compile(rf"\{{{PLACEHOLDER_NAME}\}}")
"""A ``{name}`` the renderer fills in: a translation must keep each one as it is."""
PLACEHOLDER_FIELD = re.compile(rf"\{{({PLACEHOLDER_NAME})\}}")
""":data:`PLACEHOLDER` with the name as group 1."""

URL_START = r"(?:https?://|ftp://|mailto:|www\.)"
_URL_CHAR = r"[^\s<>()\[\]]"
# Sentence punctuation and quotes after a URL close the sentence, not the URL.
_URL_TRAILING = r".,;:!?'\"«»“”‘’"
BARE_URL = re.compile(rf"(?i:{URL_START}{_URL_CHAR}*[^\s<>()\[\]{_URL_TRAILING}])")
"""A URL written as text (the dialect has no linkify, so it renders as text)."""

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
"""An e-mail address written as text."""

UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
"""Link schemes that run code or embed content: never a link target in a translation."""

HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
"""One complete HTML tag, opening or closing."""
HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")

HTML_LIKE = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>?")
"""Anything a browser or a later renderer could take for a tag, closed or not."""

HYPHENS = "-\u2010\u2011"
"""The ASCII hyphen, U+2010 and the non-breaking hyphen translators type in codes such as CAR-T."""
GENE_SYMBOL = re.compile(rf"(?<!\w)[A-Z][A-Z0-9]*(?:[{HYPHENS}][A-Z0-9]+)*(?!\w)")
"""A gene, protein or marker symbol written in capitals: CD19, HER2, IL-6, PD-L1."""

# No space flag: "50 % des patients" holds no variable "% d".
PRINTF_VARIABLE = re.compile(r"%(?:\([\w]+\))?[-#0+]*\d*(?:\.\d+)?[sdifrxXeEgGc]")
"""A printf-style variable of a UI string: ``%s``, ``%(name)s``, ``%.2f``."""

BRACE_VARIABLE = re.compile(r"\{(?:[A-Za-z_]\w*|\d+)?(?:\.\w+|\[\w+\])*(?:![rsa])?(?::[^{}\s]*)?\}")
"""A ``str.format`` field: ``{}``, ``{0}``, ``{name}``, ``{obj.attr}``, ``{value:.2f}``."""

BROKEN_URL = re.compile(
    rf"(?i:\b(?:https?|ftp)(?:\s*:\s+|\s+:\s*)//(?:{_URL_CHAR}*[^\s<>()\[\]{_URL_TRAILING}])?)"
)
"""A URL a space broke in two ("https: //example.org"): neither a link nor text a reader can use."""

FUNCTION_NAME = re.compile(r"(?<![\w.])[A-Za-z_][\w.]*\(\)")
"""A function named in running text, ``get_absolute_url()``: code, whether or not in backticks."""

TEX_QUOTE = re.compile(r"`(?P<name>[^`'\s][^`'\n]*?)'(?!\w)")
"""A name in TeX-style quotes, `name', as Sphinx and GNU tools write them: not a code span."""

