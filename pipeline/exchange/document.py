"""An XLIFF file as read, whatever its version, and the safe way to read one.

Both readers (:mod:`~pipeline.exchange.xliff12`, :mod:`~pipeline.exchange.xliff21`)
give an :class:`XliffDocument`: one :class:`XliffUnit` per translatable unit,
its segments joined, its codes kept (:mod:`~pipeline.exchange.codes`) and its
state said in the catalogs' terms (:class:`~pipeline.catalogs.review.ReviewState`).
A gettext plural entry is one :class:`XliffUnit` too, made of the group of one
unit per form that both versions write (:func:`plural_unit`).

XLIFF comes from outside and is treated like TMX: parsed as a stream, no
entity is expanded and nothing is fetched (no DTD, no network), a document
that declares entities is refused before its content is read, and any
malformed XML is one error naming the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from pipeline.catalogs.review import ReviewState
from pipeline.exchange.codes import Code, Piece, plain_text, target_text
from pipeline.model import PipelineError

XML_NS = "http://www.w3.org/XML/1998/namespace"
XML_LANG = f"{{{XML_NS}}}lang"
XML_SPACE = f"{{{XML_NS}}}space"


def xml_events(path: Path) -> Iterator[tuple[str, Any]]:
    """("start" | "end", element) events of an XML file from elsewhere (TMX, XLIFF), streamed.

    No entity is expanded, no DTD loaded, nothing fetched, and libxml2's limits on
    depth and text size stay on; a file that declares or uses entities is the
    reader's to refuse (as defusedxml does), since an unexpanded ``&name;`` is no text.
    """
    return etree.iterparse(  # type: ignore[no-any-return]
        str(path),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class XliffError(PipelineError, ValueError):
    """An XLIFF file that cannot be read or imported; the message names file and line."""


@dataclass(slots=True)
class XliffUnit:
    """One translatable unit: its segments joined into the text a catalog entry holds."""

    id: str
    line: int  # where the unit starts in the file
    original: str  # the enclosing <file>'s original (a catalog path for our own files)
    source: tuple[Piece, ...]
    target: tuple[Piece, ...] | None  # None: no target, or a segment without one
    state: ReviewState
    state_detail: str = ""  # what the file says, e.g. "needs-review-translation/leveraged-mt"
    machine: bool = False  # the file says a machine produced the target
    translate: bool = True
    msgctxt: str | None = None
    notes: tuple[str, ...] = ()
    target_line: int = 0
    header: bool = False  # a gettext header carried as a unit (Translate Toolkit)
    incomplete: str = ""  # why the target is not whole (a segment without a target)
    # A plural entry's forms, msgstr[0] first; then source is form 0's, target None and
    # state the least confirmed form's.
    forms: tuple[XliffUnit, ...] = ()

    @property
    def source_text(self) -> str:
        return plain_text(self.source)

    @property
    def plural_source_text(self) -> str | None:
        """A plural entry's ``msgid_plural`` as the file has it: form 1's source."""
        return plain_text(self.forms[1].source) if len(self.forms) > 1 else None

    @property
    def where(self) -> int:
        return self.target_line or self.line

    def target_text(self) -> str:
        """The translation, codes written as the source has them (raises ``CodeMismatch``)."""
        return target_text(self.source, self.target or ())


def group_entry(group: etree._Element, original: str, translate: str) -> XliffUnit:
    """The entry a plural group's forms will make, as the group opens."""
    return XliffUnit(
        id=group.get("id", ""),
        line=line_of(group),
        original=original,
        source=(),
        target=None,
        state=ReviewState.UNTRANSLATED,
        translate=translate != "no",
    )


def plural_unit(group: XliffUnit, forms: list[XliffUnit]) -> XliffUnit:
    """One plural entry from its group (id, line, notes, context) and its forms' units.

    The entry is as far as its least confirmed form, and was written by a machine
    if any form was.
    """
    group.forms = tuple(forms)
    group.source = forms[0].source if forms else ()
    group.target = None
    group.state = min((form.state for form in forms), default=ReviewState.UNTRANSLATED)
    group.state_detail = "; ".join(form.state_detail for form in forms if form.state_detail)
    group.machine = any(form.machine for form in forms)
    group.translate = group.translate and all(form.translate for form in forms)
    if group.msgctxt is None:
        group.msgctxt = next((f.msgctxt for f in forms if f.msgctxt is not None), None)
    group.notes += tuple(note for form in forms for note in form.notes)
    return group


@dataclass(slots=True)
class XliffDocument:
    path: Path
    version: str
    source_lang: str | None
    target_lang: str | None
    units: list[XliffUnit] = field(default_factory=list)


class OpenGroups:
    """The groups a reader is inside, each a plural entry being gathered or None.

    A unit read inside a plural group is one of its forms; when the group
    closes, the entry goes into the document in its place.
    """

    def __init__(self, document: XliffDocument) -> None:
        self.document = document
        self.stack: list[tuple[etree._Element, XliffUnit, list[XliffUnit]] | None] = []

    def open(self, group: etree._Element, entry: XliffUnit | None) -> None:
        self.stack.append((group, entry, []) if entry is not None else None)

    @property
    def plural(self) -> XliffUnit | None:
        """The plural entry whose group the reader is directly in."""
        return self.stack[-1][1] if self.stack and self.stack[-1] is not None else None

    def owns(self, element: etree._Element) -> XliffUnit | None:
        """The plural entry ``element`` (a note, a context) belongs to directly, if any."""
        top = self.stack[-1] if self.stack else None
        return top[1] if top is not None and element.getparent() is top[0] else None

    def add(self, unit: XliffUnit) -> None:
        top = self.stack[-1] if self.stack else None
        (top[2] if top is not None else self.document.units).append(unit)

    def close(self) -> None:
        top = self.stack.pop()
        if top is not None:
            self.document.units.append(plural_unit(top[1], top[2]))


@dataclass(frozen=True, slots=True)
class ExportForm:
    """One plural form of an entry: msgid (form 0) or msgid_plural, and msgstr[i]."""

    id: str
    source: tuple[Piece, ...]
    target: tuple[Piece, ...] | None  # None: the form is not translated


@dataclass(frozen=True, slots=True)
class ExportUnit:
    """One catalog entry as an exchange file writes it."""

    id: str
    msgctxt: str | None
    source: tuple[Piece, ...]
    target: tuple[Piece, ...] | None
    state: ReviewState
    origin: str = ""  # "machine" or "memory" for a proposal's or translation's provenance
    developer_notes: tuple[str, ...] = ()  # "#." comments
    translator_notes: tuple[str, ...] = ()  # "# " comments: provenance, review, remarks
    locations: tuple[str, ...] = ()  # "file:line"
    forms: tuple[ExportForm, ...] = ()  # a plural entry's forms: one unit each, in a group


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One catalog (a domain) of one language as an exchange file's ``<file>``."""

    id: str
    original: str  # the catalog's project-relative path
    units: tuple[ExportUnit, ...]


STRUCTURAL = frozenset(
    {"xliff", "file", "header", "body", "group", "trans-unit", "context-group", "notes", "unit"}
    | {"segment", "ignorable", "originalData"}
)


def indent(element: etree._Element, level: int = 0) -> None:
    """Indent the elements that hold only elements; text content is never touched."""
    if local_name(element) not in STRUCTURAL or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def fill(
    element: etree._Element,
    pieces: tuple[Piece, ...],
    code: Callable[[etree._Element, Code], etree._Element],
) -> None:
    """Write text pieces as text and each code as the element ``code`` appends."""
    last: etree._Element | None = element[-1] if len(element) else None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            last = code(element, piece)


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def line_of(element: etree._Element) -> int:
    line = element.sourceline
    return line if isinstance(line, int) else 0


def all_text(element: etree._Element) -> str:
    return "".join(text for text in element.itertext() if isinstance(text, str))


def namespace_of(element: etree._Element) -> str:
    tag = element.tag
    return tag[1:].partition("}")[0] if isinstance(tag, str) and tag.startswith("{") else ""


def stream(path: Path) -> Iterator[tuple[str, etree._Element]]:
    """("start" | "end", element) events of a file, refusing DTD entities and bad XML."""
    events = xml_events(path)
    first = True
    try:
        for event, element in events:
            if first:
                first = False
                _refuse_entities(path, element)
            if event == "end":
                _refuse_entity_references(path, element)
            yield event, element
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        raise XliffError(f"{path}:{line}: not well-formed XML: {error.msg}") from None
    except OSError as error:
        raise XliffError(f"{path}: cannot read: {error}") from None


def _refuse_entities(path: Path, root: etree._Element) -> None:
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):  # type: ignore[attr-defined]
        raise XliffError(f"{path}:1: the document declares entities; XLIFF needs none")


def _refuse_entity_references(path: Path, element: etree._Element) -> None:
    """An entity left unexpanded (declared in an external DTD, never read) is refused."""
    for child in element:
        if isinstance(child, etree._Entity):
            raise XliffError(
                f"{path}:{line_of(child)}: entity reference {child.text} is not expanded; "
                "XLIFF needs none"
            )


def release(element: etree._Element) -> None:
    """Free a processed element and the siblings before it: the stream stays small."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
