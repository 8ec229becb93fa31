"""What no translation may carry, whatever its source: the rules the build and ``l10n check`` share.

A translation may not reorder text with bidi overrides, carry control characters
or template syntax its source does not have, or be far longer than any translation
of its source. The ``markup`` check reports these (:func:`screening_problems`) and
the build refuses to publish them through that same check, so ``l10n check`` fails
whatever the build would show in English.
"""

from __future__ import annotations

import re

_TEMPLATE_SYNTAX = ("{{", "}}", "{%", "%}", "{#", "#}")
_MAX_GROWTH, _MAX_EXTRA_CHARS = 4, 200  # a translation longer than this is not a translation

# Characters that reorder or hide text (the bidi overrides, which display "5-10 mg" as
# "gm 01-5", the isolates of "Trojan Source" text; C0/C1 controls but tab and newline): a
# translation may carry them only where the source does. The marks and embeddings
# (U+200E/F, U+202A-C) only set the direction of a run, and Arabic catalogs use them.
_INVISIBLE = re.compile(r"[\u202d\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def screening_problems(source: str, translation: str) -> list[str]:
    """Why ``translation`` may not be shown whatever its markup, or an empty list."""
    problems: list[str] = []
    hidden = sorted(set(_INVISIBLE.findall(translation)) - set(_INVISIBLE.findall(source)))
    if hidden:
        problems.append(f"invisible control character U+{ord(hidden[0]):04X}")
    syntax = [s for s in _TEMPLATE_SYNTAX if s in translation and s not in source]
    if syntax:
        problems.append(f"template syntax {syntax[0]!r}")
    if len(translation) > _MAX_GROWTH * len(source) + _MAX_EXTRA_CHARS:
        problems.append(f"{len(translation)} characters for a {len(source)}-character source")
    return problems
