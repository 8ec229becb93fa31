"""The translations a language's other catalogs had, for text that moved between pages.

When a page is renamed, moved, split or merged, its paragraphs land in another
catalog. ``msgmerge --compendium`` takes an exact match (same msgid and msgctxt)
from a compendium as it is: a reviewed translation stays reviewed, a fuzzy one
stays fuzzy. The :class:`Compendium` of one language's update holds what such a
move can take from:

- the entries that leave a catalog in this update (its template no longer has them);
- every entry of the catalogs being retired (no page makes their domain any more).

Both are the same in a full and an incremental build, so the result is too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pipeline.model import Catalog, Entry
from pipeline.po.reader import read_catalog
from pipeline.po.syntax import CatalogSyntaxError

_Key = tuple[str | None, str]


def leaving(catalog: Catalog, template: Catalog) -> list[Entry]:
    """The translated live entries of ``catalog`` that ``template`` no longer has."""
    keys = {entry.key for entry in template.entries}
    return [
        entry
        for entry in catalog.active()
        if entry.has_translation and not entry.is_header and entry.key not in keys
    ]


class Compendium:
    """Exact matches for one language: the entries leaving its catalogs, then its retired ones.

    The retired catalogs are read on the first lookup, never when no entry needs one.
    """

    def __init__(self, lang: str, moving: Iterable[Entry], retired: Sequence[Path]) -> None:
        self.lang = lang
        self._moving = list(moving)
        self._retired = list(retired)
        self._index: dict[_Key, Entry] | None = None

    def __call__(self, key: _Key) -> Entry | None:
        """The translation of ``key`` to carry over, a reviewed one first; None if none."""
        if self._index is None:
            self._index = self._build()
        return self._index.get(key)

    def _build(self) -> dict[_Key, Entry]:
        index: dict[_Key, Entry] = {}
        for entry in [*self._moving, *self._retired_entries()]:
            known = index.get(entry.key)
            if known is None or (known.fuzzy and not entry.fuzzy):
                index[entry.key] = entry
        return index

    def _retired_entries(self) -> Iterable[Entry]:
        for path in self._retired:
            try:
                catalog = read_catalog(path, self.lang)
            except (CatalogSyntaxError, OSError):
                continue  # retiring it reports why it cannot be read
            yield from (
                entry
                for entry in catalog.active()
                if entry.has_translation and not entry.is_header
            )
