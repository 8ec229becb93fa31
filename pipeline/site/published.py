"""The site as every page sees it: the published languages and the pages, with their URLs."""

from __future__ import annotations

from dataclasses import dataclass

from babel import Locale

from pipeline.source.documents import Document


@dataclass
class Language:
    """A language as the site shows it: its code, its name in itself, its direction."""

    code: str
    name: str
    direction: str

    @classmethod
    def of(cls, code: str) -> Language:
        locale = Locale.parse(code)
        name = locale.get_display_name(code) or code
        return cls(code, name[:1].upper() + name[1:], locale.text_direction)


@dataclass(frozen=True)
class Site:
    """What every page needs to know about the whole site."""

    base_url: str
    source: Language
    languages: tuple[Language, ...]  # published, source first
    documents: tuple[Document, ...]

    def url(self, lang: str, path: str) -> str:
        """The absolute URL of the page at ``path`` (``guide/nested``) in ``lang``."""
        return f"{self.base_url}{lang}/{path}.html"
