"""Stage 4: fill empty catalog entries from the memory, then by machine translation.

- ``prefill``: :func:`prefill` (memory first, then the engine; every proposal fuzzy),
  :func:`apply_match`, :func:`make_translator` from the configuration.
- ``translator``: :class:`MachineTranslator`, concurrent, retried requests; :class:`MachineResult`.
- ``engines``: the engine table and clients (deep-translator, the official DeepL package).
- ``protect``: :func:`protect` and :func:`restore`, masking what an engine must not touch.
- ``failures``: :class:`MachineError` and one line for every way a request can fail.
- ``transport``: deep-translator's requests through a per-worker session with a timeout.
- ``pseudo``: :func:`pseudo_translate` into ``en-XA`` and ``ar-XB``, every protected token kept;
  :func:`not_pseudo`, what of a page's text is not pseudo-translated.
"""
