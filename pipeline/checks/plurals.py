"""A plural entry is screened against the template's msgid and msgid_plural, never its own.

A translator's catalog may claim any ``msgid_plural``: compared with that claim, a
plural form could carry a link, a number or markup the source never had. The
template is what the source says; the build and ``l10n check`` both take the
English to compare with from it (:func:`as_in_template`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from pipeline.model import Catalog, Entry
from pipeline.text.excerpt import quoted

PluralSources = Mapping[tuple[str | None, str], str | None]
"""A template's ``msgid_plural`` by (msgctxt, msgid): None for a message without plural."""


def plural_sources(template: Catalog | None) -> PluralSources:
    """What :func:`as_in_template` needs of a template (empty without one)."""
    if template is None:
        return {}
    return {entry.key: entry.msgid_plural for entry in template.active()}


def as_in_template(entry: Entry, sources: PluralSources) -> tuple[Entry, str]:
    """``entry`` with the template's msgid_plural, and why it may not be used ("" if it may).

    An entry without plural forms is returned as it is.
    """
    if entry.msgid_plural is None:
        return entry, ""
    expected = sources.get(entry.key)
    if expected is None:
        problem = f"the template has no plural message {quoted(entry.msgid, 40)}"
        return entry, problem
    if expected == entry.msgid_plural:
        return entry, ""
    problem = (
        f"msgid_plural {quoted(entry.msgid_plural, 40)} is not the template's"
        f" {quoted(expected, 40)}"
    )
    return dataclasses.replace(entry, msgid_plural=expected), problem
