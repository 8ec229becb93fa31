"""What no translation may carry, whatever its source: the rules the build and ``l10n check`` share.

A translation may not carry template syntax its source does not have, or be far
longer than any translation of its source. The ``markup`` check reports these
(:func:`screening_problems`) and the build refuses to publish them through that
same check, so ``l10n check`` fails whatever the build would show in English.
Invisible characters (bidi overrides, isolates, controls) are the ``invisible``
check's, by the one rule of :mod:`pipeline.text.invisible`.
"""

from __future__ import annotations

_TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
_MAX_GROWTH, _MAX_EXTRA_CHARS = 4, 200  # a translation longer than this is not a translation


def screening_problems(source: str, translation: str) -> list[str]:
    """Why ``translation`` may not be shown whatever its markup, or an empty list."""
    problems: list[str] = []
    syntax = [s for s in _TEMPLATE_SYNTAX if s in translation and s not in source]
    if syntax:
        problems.append(f"template syntax {syntax[0]!r}")
    if len(translation) > _MAX_GROWTH * len(source) + _MAX_EXTRA_CHARS:
        problems.append(f"{len(translation)} characters for a {len(source)}-character source")
    return problems
