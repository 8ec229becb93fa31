"""Inline codes: a segment's markup as XLIFF codes, and back, exactly.

What a renderer reads in a segment -- emphasis, links, code spans, HTML,
``{placeholders}``, URLs (:func:`pipeline.text.protected.markup_spans`) -- goes
out as inline codes, so that a CAT tool shows it as tags the translator moves
but cannot mistype. Emphasis and links become paired codes (``<pc>`` in XLIFF
2, ``<bpt>``/``<ept>`` in 1.2) around their translatable text; everything else
is a placeholder code (``<ph>``). Numbers and terms stay text: a translator
writes them the locale's way, and the QA checks compare them.

On the way back, the translation's codes are matched with the source's by id
and replaced by the source's own text, whatever a tool wrote inside them. A
translation that lost, repeated or invented a code, or closed one before it
opened (or across another), is refused (:class:`CodeMismatch`).
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.text.excerpt import quoted
from pipeline.text.protected import EMPHASIS, markup_spans


class CodeKind(enum.StrEnum):
    PLACEHOLDER = "ph"
    OPEN = "open"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Code:
    """One inline code; an opening and its closing code share the id."""

    kind: CodeKind
    id: str
    data: str | None = None  # the original text; None when a file gives none
    equiv: str = ""  # what a file says stands in for it (equiv-text, equiv)
    role: str = ""  # what the markup does: bold, italic, link, code, placeholder...

    @property
    def text(self) -> str:
        return self.data if self.data is not None else self.equiv


Piece = str | Code


class CodeMismatch(ValueError):
    """A translation's codes are not the source's: lost, repeated, invented or misnested."""


def plain_text(pieces: Iterable[Piece]) -> str:
    """The text the pieces stand for, each code by its original text."""
    return "".join(piece if isinstance(piece, str) else piece.text for piece in pieces)


# ---------------------------------------------------------------------------
# Out: a segment as text and codes
# ---------------------------------------------------------------------------

_EMPHASIS = re.compile(EMPHASIS)
_EMPHASIS_ROLES = {"*": "italic", "_": "italic", "**": "bold", "__": "bold", "~~": "strikethrough"}


def _role(token: str) -> str:
    """What a markup token does, for the tool's tag display."""
    if token in ("[", "](") or token.startswith("]("):
        return "link"
    if token == "![":
        return "image"
    if _EMPHASIS.fullmatch(token):
        return _EMPHASIS_ROLES.get(token, "bold-italic" if len(token) == 3 else "emphasis")
    first = token[0]
    roles = {"`": "code", "{": "placeholder", "%": "placeholder", "&": "entity", "\\": "escape"}
    if first in roles:
        return roles[first]
    if first == "<":
        return "link" if re.match(r"<(?:https?|mailto):", token) else "html"
    return "url" if "@" not in token or "://" in token else "email"


def _is_link_open(token: str) -> bool:
    return token in ("[", "![")


def _pairs(text: str, spans: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Which tokens open and close one span (both ways), by index into ``spans``.

    Link brackets pair with the nearest open link (emphasis left open inside a
    link stays a placeholder, as Markdown reads it); an emphasis run closes the
    same run on top of the stack when it follows a non-space, else opens when
    a non-space follows it.
    """
    stack: list[int] = []
    partner: dict[int, int] = {}
    for index, (start, end) in enumerate(spans):
        token = text[start:end]
        if _is_link_open(token):
            stack.append(index)
        elif token.startswith("]("):
            links = [i for i in stack if _is_link_open(text[slice(*spans[i])])]
            if links:
                opener = links[-1]
                del stack[stack.index(opener) :]
                partner[opener], partner[index] = index, opener
        elif _EMPHASIS.fullmatch(token):
            before = text[start - 1] if start else " "
            after = text[end] if end < len(text) else " "
            top = text[slice(*spans[stack[-1]])] if stack else None
            if top == token and not before.isspace():
                opener = stack.pop()
                partner[opener], partner[index] = index, opener
            elif not after.isspace():
                stack.append(index)
    return partner


def markup_codes(text: str) -> list[Piece]:
    """``text`` as text pieces and codes numbered from 1 in order of appearance."""
    spans = markup_spans(text)
    partner = _pairs(text, spans)
    pieces: list[Piece] = []
    ids: dict[int, str] = {}
    position = 0
    for index, (start, end) in enumerate(spans):
        if position < start:
            pieces.append(text[position:start])
        token = text[start:end]
        if index in partner and partner[index] < index:
            kind, code_id = CodeKind.CLOSE, ids[partner[index]]
        else:
            kind = CodeKind.OPEN if index in partner else CodeKind.PLACEHOLDER
            code_id = ids[index] = str(len(ids) + 1)
        pieces.append(Code(kind, code_id, token, role=_role(token)))
        position = end
    if position < len(text):
        pieces.append(text[position:])
    return pieces


# ---------------------------------------------------------------------------
# Back: a translation's codes checked against the source's
# ---------------------------------------------------------------------------


def _describe(code: Code) -> str:
    shown = f" {quoted(code.text)}" if code.text else ""
    what = {CodeKind.OPEN: "opening ", CodeKind.CLOSE: "closing "}.get(code.kind, "")
    return f"{what}code {code.id}{shown}"


def _order_problems(target: Sequence[Code]) -> list[str]:
    problems: list[str] = []
    open_ids: list[str] = []
    closed: set[str] = set()
    for code in target:
        if code.kind is CodeKind.OPEN:
            open_ids.append(code.id)
        elif code.kind is CodeKind.CLOSE:
            if open_ids and open_ids[-1] == code.id:
                open_ids.pop()
                closed.add(code.id)
            elif code.id in open_ids:
                inner = open_ids[open_ids.index(code.id) + 1 :]
                problems.append(f"code {code.id} closes across code {', '.join(inner)}")
                open_ids.remove(code.id)
            elif code.id not in closed:
                problems.append(f"code {code.id} closes before it opens")
    return problems


def target_text(source: Sequence[Piece], target: Sequence[Piece]) -> str:
    """The translation with each code written as the source's code of that id.

    Raises :class:`CodeMismatch` naming every code lost, repeated, invented or
    out of order; a translation may move a whole code or span elsewhere.
    """
    source_codes = [piece for piece in source if isinstance(piece, Code)]
    target_codes = [piece for piece in target if isinstance(piece, Code)]
    table = {(code.id, code.kind): code for code in source_codes}
    wanted = Counter((code.id, code.kind) for code in source_codes)
    found = Counter((code.id, code.kind) for code in target_codes)
    problems = [f"lost {_describe(table[key])}" for key in wanted if found[key] < wanted[key]]
    for key in found:
        if key not in table:
            problems.append(f"code {key[0]} ({key[1].value}) is not in the source")
        elif found[key] > wanted[key]:
            problems.append(f"repeated {_describe(table[key])}")
    if not problems:
        problems = _order_problems(target_codes)
    if problems:
        raise CodeMismatch("; ".join(problems))
    return "".join(
        piece if isinstance(piece, str) else table[(piece.id, piece.kind)].text
        for piece in target
    )


def aligned_codes(source: Sequence[Piece], translation: str) -> list[Piece]:
    """``translation`` split like its source: each markup token the source has as a code
    becomes that code (same id, same original text); any other token stays text."""
    pieces = markup_codes(translation)
    closing = {p.id: p for p in pieces if isinstance(p, Code) and p.kind is CodeKind.CLOSE}
    source_closing = {
        p.id: p for p in source if isinstance(p, Code) and p.kind is CodeKind.CLOSE
    }
    free: dict[tuple[CodeKind, str, str], list[str]] = {}
    for code in source:
        if isinstance(code, Code) and code.kind is not CodeKind.CLOSE:
            end = source_closing[code.id].text if code.kind is CodeKind.OPEN else ""
            free.setdefault((code.kind, code.text, end), []).append(code.id)
    renamed: dict[str, str] = {}
    for code in pieces:
        if isinstance(code, Code) and code.kind is not CodeKind.CLOSE:
            end = closing[code.id].text if code.kind is CodeKind.OPEN else ""
            ids = free.get((code.kind, code.text, end))
            if ids:
                renamed[code.id] = ids.pop(0)
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Code) and piece.id in renamed:
            out.append(Code(piece.kind, renamed[piece.id], piece.data, role=piece.role))
        elif out and isinstance(out[-1], str):
            out[-1] += piece if isinstance(piece, str) else piece.text
        else:
            out.append(piece if isinstance(piece, str) else piece.text)
    return out


def lenient_text(source: Sequence[Piece], target: Sequence[Piece]) -> str:
    """The translation with every code the source has written as the source's, others as
    the file wrote them: what an unchanged translation reads back as, codes checked or not."""
    table = {(p.id, p.kind): p for p in source if isinstance(p, Code)}
    return "".join(
        piece if isinstance(piece, str) else table.get((piece.id, piece.kind), piece).text
        for piece in target
    )
