"""Check stage: ``l10n check``, may this be published? Statistics, gates, QA and source checks.

- ``run``: orchestration: read catalogs and templates, run every check, one report.
- ``report``: ``CheckReport`` and its output formats (text, json, github).
- ``stats``: entries and source words per catalog state (``word_count``, ``Stats``).
- ``gates``: the completeness gates per language (``min_complete``, ``no_fuzzy``).
- ``qa``: translation QA of an entry: the checks by name and severity, ``ignore-<check>`` flags.
- ``framework``: what an entry check gets and yields (``QAContext``, ``Pair``, ``Issue``).
- ``entry_checks``: the entry checks (markup, numbers, terms, language, provenance, style).
- ``punctuation``: how a text ends (``ending_punctuation``), for QA and the source checks.
- ``headers``: catalog checks of the header and plural forms.
- ``msgfmt``: GNU ``msgfmt --check`` diagnostics as findings.
- ``source_lint``: editorial checks of the English source pages.
- ``source_language``: the source-language gate (``foreign_text``), shared with ``l10n source fix``.
- ``urls``: malformed link targets and look-alike characters (``url_problem``).
- ``langid``: language identification (lingua), with a cache that outlives the process.
"""
