"""l10n-pipeline: Markdown source -> gettext catalogs -> memory and machine -> checks -> pages.

The stages, in the order the data flows through them, each a subpackage:

- ``source``: the English pages and their front matter;
- ``segments``: where a paragraph becomes a catalog entry;
- ``po`` and ``catalogs``: gettext files, and templates merged into each language's catalog;
- ``memory`` and ``machine``: the translation memory, machine translation and the prefill;
- ``checks``: statistics, gates, QA and the source-language gate;
- ``site``: where a translation is chosen and where a page is written;

then ``build`` (the stages in order), ``serve``, ``sourcefix`` and ``cli``. Below them all,
``text`` holds the text rules every stage shares, and ``model``, ``config`` and ``files`` the
dataclasses that flow, the typed configuration and atomic file writes.
"""

__version__ = "0.1.0"
