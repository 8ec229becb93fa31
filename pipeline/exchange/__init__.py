"""Exchange formats: the catalogs out to translators' tools and back (XLIFF 1.2 and 2.1).

- ``codes``: a segment's markup as inline codes, and the check that they came back.
- ``document``: an XLIFF file as read (units, states, codes) and the safe XML stream.
- ``xliff12``, ``xliff21``: writing and reading each version; ``read``: either.
- ``export``, ``apply``: catalogs to a file, and a file into the catalogs.
"""
