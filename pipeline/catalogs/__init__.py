"""Stage 3: segments -> catalogs, one POT template per domain and a PO catalog per language.

* :mod:`~pipeline.catalogs.extract`: the UI strings of the Jinja2 templates, and the templates
  (:func:`build_templates`).
* :mod:`~pipeline.catalogs.headers`: PO/POT headers, revision stamps, a new language's catalog.
* :mod:`~pipeline.catalogs.fuzzy`: :class:`FuzzyMatcher`, which finds the old entry an edited
  msgid came from (candidates from an inverted index, scored with rapidfuzz).
* :mod:`~pipeline.catalogs.merge`: :func:`merge`, ``msgmerge --previous`` semantics.
* :mod:`~pipeline.catalogs.writing`: :func:`write_if_changed`, timestamps compared out.
* :mod:`~pipeline.catalogs.update`: :func:`update_catalogs` for the whole project (incremental),
  :func:`update_catalog` for one file, reading a language's catalogs, creating a new language's.
"""
