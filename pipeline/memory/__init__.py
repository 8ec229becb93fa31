"""The translation memory: every reviewed, machine and imported translation, found by source.

- ``units``: what is stored (:class:`Unit`), where a lookup sits (:class:`LookupContext`),
  a catalog's entries as units.
- ``scoring``: text normalisation, length bounds, scoring and ranking, the same for every backend.
- ``base``: :class:`TranslationMemory`, the interface, with what all backends do the same way.
- ``sqlite``: the default backend, one SQLite file with an n-gram candidate index.
- ``postgres``, ``postgres_schema``: the shared PostgreSQL backend (optional extra) and its SQL.
- ``backends``: :func:`open_memory` for a path or URL; :func:`migrate` between two memories.
- ``tmx``: TMX 1.4b import and export.
- ``sentences``: sentence-level units and reassembling a changed block from them.
- ``sync``: :func:`remember_reviewed`, the build's sync of reviewed catalogs into the memory.
"""
