"""Templates: the UI strings of the Jinja2 page templates, and one POT catalog per domain."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import jinja2.ext

from pipeline.catalogs.headers import catalog_header
from pipeline.config import PACKAGE_TEMPLATES, Config
from pipeline.files import inside
from pipeline.model import Catalog, Entry, Segment

# Functions the page templates call for UI strings; the extractor knows them.
UI_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2), "t": None}


def ui_segments(config: Config) -> list[Segment]:
    """UI strings of the page templates, extracted by Babel's Jinja2 extractor."""
    # Imported here, for start-up time only (no cycle): a build whose templates did not
    # change keeps their strings (see pipeline.build), and this is the one extractor.
    from babel.messages.extract import extract_from_file

    segments: list[Segment] = []
    root = config.templates_path
    for path in sorted(root.rglob("*.html")):
        inside(path, root)
        reference = config.relative(path)
        if Path(reference).is_absolute():  # the package's own templates, outside the project
            reference = path.relative_to(PACKAGE_TEMPLATES.parent.parent).as_posix()
        with path.open("rb") as handle:
            found = extract_from_file(
                jinja2.ext.babel_extract,  # type: ignore[arg-type]
                handle.name,
                keywords=UI_KEYWORDS,
                comment_tags=("Translators:",),
                options={"trimmed": "true", "extensions": "jinja2.ext.i18n"},
            )
            for line, message, comments, context in found:
                msgid = message if isinstance(message, str) else message[0]
                segments.append(
                    Segment(
                        msgid=msgid,
                        domain=config.ui_domain,
                        file=reference,
                        line=line,
                        role="ui",
                        note=" ".join(comments) or "interface text",
                        msgctxt=context,
                    )
                )
    return segments


def build_templates(segments: Iterable[Segment], config: Config) -> dict[str, Catalog]:
    """One template catalog per domain; a text used twice in a domain is one entry."""
    templates: dict[str, Catalog] = {}
    entries: dict[tuple[str, str | None, str], Entry] = {}
    for segment in segments:
        template = templates.get(segment.domain)
        if template is None:
            template = templates[segment.domain] = Catalog(
                header=catalog_header(config, None, segment.domain),
                path=str(config.template_path(segment.domain)),
                domain=segment.domain,
            )
        entry = entries.get((segment.domain, *segment.key))
        if entry is None:
            entry = Entry(msgid=segment.msgid, msgctxt=segment.msgctxt, flags=list(segment.flags))
            entries[(segment.domain, *segment.key)] = entry
            template.entries.append(entry)
        _add_note(entry, segment.note)
        if segment.reference not in entry.references:
            entry.references.append(segment.reference)
    return templates


_MAX_NOTES = 3


def _add_note(entry: Entry, note: str) -> None:
    # A cell like "CD19" sits in many places; a few say enough about where.
    if not note or note in entry.auto_comments:
        return
    if len(entry.auto_comments) < _MAX_NOTES:
        entry.auto_comments.append(note)
    elif len(entry.auto_comments) == _MAX_NOTES:
        entry.auto_comments.append("(and elsewhere)")
