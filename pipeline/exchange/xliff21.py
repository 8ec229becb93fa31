"""XLIFF 2.1 (and 2.0): written and read.

Written with the core namespace and ``version="2.1"``: one ``<file>`` per
catalog, one ``<unit>`` with one ``<segment>`` per entry; markup as ``<pc>``
(emphasis, links) and ``<ph>`` whose original text is in the unit's
``<originalData>``, marked ``canCopy="no" canDelete="no"``; notes by category
(``developer``, ``translator``, ``location``, ``msgctxt``); the review state as
the segment's ``state`` (``initial`` for a proposal, with ``subState``
``l10n:machine``, ``l10n:memory`` or ``l10n:fuzzy``).

A plural entry is a ``<group type="l10n:gettext-plurals">`` holding the entry's
notes, then one ``<unit>`` per form (ids ``…-0``, ``…-1``: 2.x ids are NMTOKENs),
each with one segment: the msgid is form 0's source, msgid_plural the others'.
Not one unit with a segment per form: in XLIFF 2 the segments of a unit are
consecutive parts of one text, which a conforming tool joins (as our reader
does) and may merge or split again (``canResegment``), and Translate Toolkit
exposes each segment as a separate unit (``unitId::segmentId``). A group of
units, one per form, each translated and confirmed on its own, is what
``po2xliff`` writes for XLIFF 1.2 (``<group restype="x-gettext-plurals">``);
XLIFF 2.1 has no plural markup (2.2 adds a Plural, Gender and Select module,
``pgs:switch``/``pgs:case``), so the group says what it is with its ``type``.

Read as the specification says: a unit's segments and ignorables are joined
(an ignorable without a target stands for itself), ``<sc>``/``<ec>`` pairs may
span segments, ``translate`` is inherited from ``<file>`` and ``<group>``, a
segment without ``state`` is ``initial``, and a unit is as far as its least
advanced segment. A unit with a segment left without a target is incomplete.
A group whose ``type`` names gettext plurals is one entry, its units the forms
in order, as far as its least confirmed form.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from pipeline.catalogs.review import ReviewState
from pipeline.exchange.codes import Code, CodeKind, Piece
from pipeline.exchange.document import (
    XML_SPACE,
    ExportFile,
    ExportUnit,
    OpenGroups,
    XliffDocument,
    XliffUnit,
    fill,
    group_entry,
    indent,
    line_of,
    local_name,
    release,
)

NS = "urn:oasis:names:tc:xliff:document:2.0"
SUBSTATE_PREFIX = "l10n"
PLURALS = f"{SUBSTATE_PREFIX}:gettext-plurals"  # a group's type for a gettext plural entry

# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_STATE_OUT = {
    ReviewState.UNTRANSLATED: "initial",
    ReviewState.PROPOSED: "initial",
    ReviewState.TRANSLATED: "translated",
    ReviewState.REVIEWED: "reviewed",
}
_FORMATTING = {"bold": "xlf:b", "italic": "xlf:i", "bold-italic": "", "strikethrough": ""}


def write(files: list[ExportFile], source_lang: str, target_lang: str) -> bytes:
    """The XLIFF 2.1 document for ``files``, UTF-8 with an XML declaration."""
    root = etree.Element(
        f"{{{NS}}}xliff",
        nsmap={None: NS},  # type: ignore[dict-item]
        version="2.1",
        srcLang=source_lang.replace("_", "-"),
        trgLang=target_lang.replace("_", "-"),
    )
    for exported in files:
        file_element = etree.SubElement(
            root, f"{{{NS}}}file", id=exported.id, original=exported.original
        )
        for unit in exported.units:
            file_element.append(_plural_group(unit) if unit.forms else _unit_element(unit))
    indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _unit_element(unit: ExportUnit) -> etree._Element:
    element = etree.Element(f"{{{NS}}}unit", id=unit.id)
    _notes(element, unit)
    _segment(element, unit, unit.source, unit.target)
    return element


def _plural_group(unit: ExportUnit) -> etree._Element:
    """A plural entry: the group with the entry's notes, then a unit per form."""
    group = etree.Element(f"{{{NS}}}group", id=unit.id, type=PLURALS)
    _notes(group, unit)
    for index, form in enumerate(unit.forms):
        element = etree.SubElement(group, f"{{{NS}}}unit", id=f"{unit.id}-{index}")
        _segment(element, unit, form.source, form.target)
    return group


def _notes(element: etree._Element, unit: ExportUnit) -> None:
    notes = [("msgctxt", unit.msgctxt)] if unit.msgctxt is not None else []
    notes += [("location", location) for location in unit.locations]
    notes += [("developer", text) for text in unit.developer_notes]
    notes += [("translator", text) for text in unit.translator_notes]
    if notes:
        holder = etree.SubElement(element, f"{{{NS}}}notes")
        for category, text in notes:
            etree.SubElement(holder, f"{{{NS}}}note", category=category).text = text


def _segment(
    element: etree._Element,
    unit: ExportUnit,
    source: tuple[Piece, ...],
    target: tuple[Piece, ...] | None,
) -> None:
    """The unit's original data and its one segment, with the entry's state."""
    data = _DataRefs()
    state = unit.state if target is not None else ReviewState.UNTRANSLATED
    segment = etree.Element(f"{{{NS}}}segment", state=_STATE_OUT[state])
    sub_state = _sub_state(unit) if target is not None else ""
    if sub_state:
        segment.set("subState", f"{SUBSTATE_PREFIX}:{sub_state}")
    _content(segment, "source", source, data)
    if target is not None:
        _content(segment, "target", target, data)
    if data.refs:
        original = etree.SubElement(element, f"{{{NS}}}originalData")
        for text, ref in data.refs.items():
            etree.SubElement(original, f"{{{NS}}}data", id=ref).text = text
    element.append(segment)


def _sub_state(unit: ExportUnit) -> str:
    if unit.origin:
        return unit.origin
    return "fuzzy" if unit.state is ReviewState.PROPOSED else ""


class _DataRefs:
    """The unit's ``<data>`` ids, one per distinct original text."""

    def __init__(self) -> None:
        self.refs: dict[str, str] = {}

    def ref(self, text: str) -> str:
        return self.refs.setdefault(text, f"d{len(self.refs) + 1}")


def _content(
    segment: etree._Element, name: str, pieces: tuple[Piece, ...], data: _DataRefs
) -> None:
    """``<source>``/``<target>`` with ``<pc>`` for well-nested pairs, ``<ph>`` for the rest."""
    element = etree.SubElement(segment, f"{{{NS}}}{name}")
    element.set(XML_SPACE, "preserve")
    holders = [element]
    pending: list[Piece] = []

    def flush() -> None:
        fill(holders[-1], tuple(pending), lambda parent, code: _ph(parent, code, data))
        pending.clear()

    for piece in pieces:
        if isinstance(piece, Code) and piece.kind is not CodeKind.PLACEHOLDER:
            flush()
            if piece.kind is CodeKind.OPEN:
                holders.append(_pc(holders[-1], piece, pieces, data))
            else:
                holders.pop()
        else:
            pending.append(piece)
    flush()


def _ph(parent: etree._Element, code: Code, data: _DataRefs) -> etree._Element:
    attributes = {"id": code.id, "canCopy": "no", "canDelete": "no"}
    if code.data is not None:
        attributes |= {"dataRef": data.ref(code.data), "disp": code.data}
    if code.role in ("link", "image"):
        attributes["type"] = code.role
    return etree.SubElement(parent, f"{{{NS}}}ph", attributes)


def _pc(
    parent: etree._Element, code: Code, pieces: tuple[Piece, ...], data: _DataRefs
) -> etree._Element:
    closing = next(
        piece for piece in pieces
        if isinstance(piece, Code) and piece.kind is CodeKind.CLOSE and piece.id == code.id
    )  # fmt: skip
    attributes = {"id": code.id, "canCopy": "no", "canDelete": "no"}
    if code.data is not None and closing.data is not None:
        attributes |= {
            "dataRefStart": data.ref(code.data),
            "dataRefEnd": data.ref(closing.data),
            "dispStart": code.data,
            "dispEnd": closing.data,
        }
    if code.role in _FORMATTING:
        attributes["type"] = "fmt"
        if _FORMATTING[code.role]:
            attributes["subType"] = _FORMATTING[code.role]
    elif code.role in ("link", "image"):
        attributes["type"] = code.role
    # Tail text after the <pc> is written by the enclosing holder's fill.
    element = etree.SubElement(parent, f"{{{NS}}}pc", attributes)
    return element


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_STATE_IN = {
    "initial": ReviewState.PROPOSED,
    "translated": ReviewState.TRANSLATED,
    "reviewed": ReviewState.REVIEWED,
    "final": ReviewState.REVIEWED,
}


def read(
    path: Path, events: Iterator[tuple[str, etree._Element]], root: etree._Element
) -> XliffDocument:
    """The units of an XLIFF 2.x document whose root element ``root`` was just read."""
    document = XliffDocument(path, root.get("version", "2.0"), root.get("srcLang"),
                             root.get("trgLang"))  # fmt: skip
    original = ""
    translate = ["yes"]
    groups = OpenGroups(document)
    for event, element in events:
        name = local_name(element)
        if event == "start":
            if name == "file":
                original = element.get("original") or element.get("id") or ""
            _opened(element, name, original, translate, groups)
            continue
        if name == "unit":
            groups.add(_unit(element, original, translate[-1]))
            release(element)
        elif name == "group":
            translate.pop()
            groups.close()
        elif name == "file":
            translate.pop()
        elif name == "notes" and (entry := groups.owns(element)) is not None:
            _group_notes(entry, element)
        elif name == "skeleton":
            release(element)
    return document


def _opened(
    element: etree._Element, name: str, original: str, translate: list[str], groups: OpenGroups
) -> None:
    """A ``<file>`` or ``<group>`` opened: what it says of translate, and whether a plural
    entry starts."""
    if name in ("file", "group"):
        translate.append(element.get("translate", translate[-1]))
    if name == "group":
        groups.open(element, _plural_entry(element, original, translate[-1]))


def _group_notes(entry: XliffUnit, holder: etree._Element) -> None:
    notes = _notes_of(holder)
    entry.msgctxt = next((text for text, category in notes if category == "msgctxt"), None)
    entry.notes = tuple(text for text, category in notes if category != "msgctxt")


def _plural_entry(group: etree._Element, original: str, translate: str) -> XliffUnit | None:
    """The entry a group of gettext plural forms makes (our type, or one naming gettext
    plurals as 1.2's ``restype`` does), or None for any other group."""
    kind = group.get("type", "")
    if kind != PLURALS and not kind.endswith("gettext-plurals"):
        return None
    return group_entry(group, original, translate)


def _notes_of(holder: etree._Element) -> list[tuple[str, str]]:
    """(text, category) of each note in a ``<notes>``."""
    return [("".join(_text(note)), note.get("category", "")) for note in holder]


def _unit(element: etree._Element, original: str, inherited: str) -> XliffUnit:
    data = {
        item.get("id", ""): "".join(_text(item))
        for holder in element
        if local_name(holder) == "originalData"
        for item in holder
    }
    source: list[Piece] = []
    target: list[Piece] = []
    states: list[ReviewState] = []
    details: list[str] = []
    missing: list[str] = []
    target_line = 0
    for part in (p for p in element if local_name(p) in ("segment", "ignorable")):
        part_source = next((c for c in part if local_name(c) == "source"), None)
        part_target = next((c for c in part if local_name(c) == "target"), None)
        if part_source is not None:
            source += _pieces(part_source, data)
        if part_target is not None:
            target += _pieces(part_target, data)
            target_line = target_line or line_of(part_target)
        if local_name(part) == "ignorable":
            if part_target is None and part_source is not None:
                target += _pieces(part_source, data)
            continue
        state = part.get("state", "initial")
        details.append(state + (f"/{part.get('subState')}" if part.get("subState") else ""))
        if part_target is None:
            missing.append(part.get("id") or str(len(states) + 1))
            states.append(ReviewState.UNTRANSLATED)
        else:
            states.append(_STATE_IN.get(state, ReviewState.PROPOSED))
    has_target = len(missing) < len(states)
    notes = [
        note for holder in element if local_name(holder) == "notes" for note in _notes_of(holder)
    ]
    return XliffUnit(
        id=element.get("id", ""),
        line=line_of(element),
        original=original,
        source=tuple(source),
        target=tuple(target) if has_target and not missing else None,
        state=min(states, default=ReviewState.UNTRANSLATED),
        state_detail=", ".join(details),
        machine=any("machine" in detail or ":mt" in detail for detail in details),
        translate=element.get("translate", inherited) != "no",
        msgctxt=next((text for text, category in notes if category == "msgctxt"), None),
        notes=tuple(text for text, category in notes if category != "msgctxt"),
        target_line=target_line,
        incomplete=f"segment {', '.join(missing)} has no target" if has_target and missing else "",
    )


def _text(element: etree._Element) -> Iterator[str]:
    """Text with ``<cp hex="…"/>`` written as its character."""
    if element.text:
        yield element.text
    for child in element:
        if local_name(child) == "cp":
            yield chr(int(child.get("hex", "0"), 16))
        else:
            yield from _text(child)
        if child.tail:
            yield child.tail


def _pieces(element: etree._Element, data: dict[str, str]) -> Iterator[Piece]:
    if element.text:
        yield element.text
    for child in element:
        name = local_name(child)
        code_id = child.get("id", "")
        if name == "ph" or (name in ("sc", "ec") and child.get("isolated") == "yes"):
            yield Code(CodeKind.PLACEHOLDER, code_id, _data(child, "dataRef", data),
                       child.get("equiv", ""))  # fmt: skip
        elif name == "pc":
            yield Code(CodeKind.OPEN, code_id, _data(child, "dataRefStart", data),
                       child.get("equivStart", ""))  # fmt: skip
            yield from _pieces(child, data)
            yield Code(CodeKind.CLOSE, code_id, _data(child, "dataRefEnd", data),
                       child.get("equivEnd", ""))  # fmt: skip
        elif name == "sc":
            yield Code(CodeKind.OPEN, code_id, _data(child, "dataRef", data),
                       child.get("equiv", ""))  # fmt: skip
        elif name == "ec":
            yield Code(CodeKind.CLOSE, child.get("startRef", code_id),
                       _data(child, "dataRef", data), child.get("equiv", ""))  # fmt: skip
        elif name == "cp":
            yield chr(int(child.get("hex", "0"), 16))
        elif name == "mrk":
            yield from _pieces(child, data)
        if child.tail:
            yield child.tail


def _data(element: etree._Element, attribute: str, data: dict[str, str]) -> str | None:
    ref = element.get(attribute)
    return data.get(ref) if ref is not None else None
