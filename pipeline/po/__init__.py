"""PO stage: reading and writing PO/POT files byte for byte as GNU gettext does.

- ``reader``: parse PO text, bytes or files (``read_catalog``, ``read_catalog_file``).
- ``block_reader``: the fast reader, most entries read whole, the rest line by line.
- ``line_reader``: the strict line-by-line reader, with gettext's errors.
- ``syntax``: ``CatalogSyntaxError``, string literals and flag lists.
- ``catalog_file``: a file as read (``CatalogFile``) and its entries' lines (``KeptLines``).
- ``writer``: format and write catalogs as ``msgcat`` does (``format_catalog``).
- ``linebreak``: where long strings break (libunistring, or a simple fallback).
"""
