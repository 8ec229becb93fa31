"""Which memory a location names, and copying every unit from one memory into another.

A location is a file path or ``sqlite:///path`` (:class:`SqliteMemory`, the
default) or a ``postgresql://`` URL (:class:`PostgresMemory`, which needs the
``postgresql`` extra only when such a memory is opened).
"""

from __future__ import annotations

from pipeline.memory.base import TranslationMemory
from pipeline.memory.sqlite import SqliteMemory
from pipeline.memory.units import TranslationMemoryError

POSTGRES_SCHEMES = frozenset({"postgres", "postgresql"})


def open_memory(location: str) -> TranslationMemory:
    """The memory at ``location``: a file path, ``sqlite:///path`` or ``postgresql://`` URL."""
    scheme, sep, rest = location.partition("://")
    if not sep:
        return SqliteMemory(location)
    if scheme == "sqlite":
        # As in SQLAlchemy: sqlite:///relative/path, sqlite:////absolute/path.
        path = rest[1:] if rest.startswith("/") else rest
        if not path:
            raise TranslationMemoryError(f"{location}: no database path in the URL")
        return SqliteMemory(path)
    if scheme in POSTGRES_SCHEMES:
        # Imported here, for start-up time only (no cycle): psycopg and what it brings
        # (asyncio, ssl, the pool) are about a quarter of the imports of every command,
        # and only a project whose memory is on a PostgreSQL server needs them.
        from pipeline.memory.postgres import PostgresMemory

        return PostgresMemory(location)
    raise TranslationMemoryError(f"{location}: unknown memory URL scheme {scheme!r}")


def migrate(source: TranslationMemory, target: TranslationMemory) -> int:
    """Copy every unit of ``source`` into ``target`` in one transaction; return how many were new.

    Units keep their origin, context, level and dates, and their order, so that
    a TMX export of either memory is the same file. Either side may be either backend.
    """
    return target.add(source.units())
