"""How large an input may be: the limits every reader applies, documented in SECURITY.md.

Input comes from people the project does not control (translators, TMX files from
another tool) and from careless hands. Each reader refuses what is beyond a limit
with a one-line error naming the file and line, before the work that follows
could grow with it; within the limits, work and memory grow linearly with input.
"""

from __future__ import annotations

MAX_SEGMENT_CHARS = 20_000
"""A source block, a msgid, a msgstr, a translator comment line, a TMX segment."""

MAX_PAGE_BYTES = 2 * 1024 * 1024
"""A source page (``source/*.md``)."""

MAX_FRONT_MATTER_BYTES = 64 * 1024
"""The YAML front matter of a page."""

MAX_FRONT_MATTER_DEPTH = 16
"""How deeply the front matter's lists and mappings may nest."""

MAX_CATALOG_BYTES = 32 * 1024 * 1024
"""A PO or POT file."""

MAX_HEADER_FIELD_CHARS = 1_000
"""One field of a PO header (``Plural-Forms: ...``)."""

MAX_PLURAL_FORMS = 6
"""``nplurals``: no language has more plural forms (Arabic and Welsh have six)."""

MAX_GLOSSARY_BYTES = 8 * 1024 * 1024
"""The glossary CSV file."""

MAX_TEMPLATE_BYTES = 4 * 1024 * 1024
"""A page template or asset."""


def too_long(what: str, length: int, limit: int) -> str:
    """The message for text beyond a limit: "msgstr is 80,000 characters, more than ..."."""
    return f"{what} is {length:,} characters, more than the limit of {limit:,}"
