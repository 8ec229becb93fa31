"""XLIFF 1.2 (and 1.0/1.1, and files without the namespace): written and read.

Written as Translate Toolkit and every CAT tool read it: one ``<file>`` per
catalog, one ``<trans-unit>`` per entry, markup as ``<ph>``/``<bpt>``/``<ept>``
holding the original text, ``#.`` notes as ``<note from="developer">``,
translator comments as ``<note from="translator">``, locations and the
``msgctxt`` in Translate Toolkit's context groups, and the review state as the
target's ``state`` and ``state-qualifier`` and the unit's ``approved``. A plural
entry is written as Translate Toolkit's ``po2xliff`` writes it: a ``<group
restype="x-gettext-plurals">`` holding the entry's context groups and notes,
then one ``<trans-unit>`` per form (ids ``…[0]``, ``…[1]``; the msgid is form
0's source, msgid_plural the others').

Read as the specification says, with the quirks of real tools: ``<mrk
mtype="seg">`` segments are joined; a ``x-gettext-plurals`` group is one entry
whose forms are its trans-units in order (Translate Toolkit writes its notes
after them, and leaves the first form's state as translated when the entry is
fuzzy, so the entry is as far as its least confirmed form); a unit with
``translate="no"`` is not for translating; ``approved="yes"`` without a state
is a signed-off translation but does not lift an explicit
``state="translated"`` (Translate Toolkit writes both for every translated
entry); a state the specification does not define, or a
``state-qualifier`` without a state, says the text is a proposal. Trados
(SDLXLIFF) and memoQ keep their confirmation levels in extensions, which are
read when present: a unit is as far as its least confirmed segment.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.catalogs.review import ReviewState
from pipeline.exchange.codes import Code, CodeKind, Piece
from pipeline.exchange.document import (
    XML_SPACE,
    ExportFile,
    ExportUnit,
    OpenGroups,
    XliffDocument,
    XliffError,
    XliffUnit,
    all_text,
    fill,
    group_entry,
    indent,
    line_of,
    local_name,
    namespace_of,
    release,
)

NS = "urn:oasis:names:tc:xliff:document:1.2"
NAMESPACES = frozenset(
    {"", NS, "urn:oasis:names:tc:xliff:document:1.1", "urn:oasis:names:tc:xliff:document:1.0"}
)
SDL = "http://sdl.com/FileTypes/SdlXliff/1.0"
MEMOQ = "MQXliff"
PLURALS = "x-gettext-plurals"  # a group's restype for a gettext plural entry

# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

_STATE_OUT = {
    ReviewState.PROPOSED: "needs-review-translation",
    ReviewState.TRANSLATED: "translated",
    ReviewState.REVIEWED: "signed-off",
}
_QUALIFIER_OUT = {"machine": "leveraged-mt", "memory": "leveraged-tm"}
_PAIRED_CTYPES = frozenset({"bold", "italic", "link"})


def write(files: list[ExportFile], source_lang: str, target_lang: str) -> bytes:
    """The XLIFF 1.2 document for ``files``, UTF-8 with an XML declaration."""
    namespaces: dict[str | None, str] = {None: NS}
    root = etree.Element(f"{{{NS}}}xliff", nsmap=namespaces, version="1.2")  # type: ignore[arg-type]
    for exported in files:
        attributes = {
            "original": exported.original,
            "source-language": source_lang.replace("_", "-"),
            "target-language": target_lang.replace("_", "-"),
            "datatype": "po",
        }
        file_element = etree.SubElement(root, f"{{{NS}}}file", attributes)
        header = etree.SubElement(file_element, f"{{{NS}}}header")
        etree.SubElement(
            header,
            f"{{{NS}}}tool",
            {"tool-id": "l10n-pipeline", "tool-name": "l10n-pipeline", "tool-version": __version__},
        )
        body = etree.SubElement(file_element, f"{{{NS}}}body")
        for unit in exported.units:
            body.append(_plural_group(unit) if unit.forms else _unit_element(unit))
    indent(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _unit_element(unit: ExportUnit) -> etree._Element:
    element = _trans_unit(unit.id, unit.source, unit.target, unit)
    _entry_context(element, unit)
    return element


def _plural_group(unit: ExportUnit) -> etree._Element:
    """A plural entry: its context and notes on the group (the schema puts them before the
    units), then one trans-unit per form, each with the entry's state when it has a target."""
    group = etree.Element(f"{{{NS}}}group", id=unit.id, restype=PLURALS)
    if any(form.target is not None for form in unit.forms):
        group.set("approved", "yes" if unit.state >= ReviewState.TRANSLATED else "no")
    _entry_context(group, unit)
    for form in unit.forms:
        group.append(_trans_unit(form.id, form.source, form.target, unit))
    return group


def _trans_unit(
    unit_id: str,
    source: tuple[Piece, ...],
    target_pieces: tuple[Piece, ...] | None,
    unit: ExportUnit,
) -> etree._Element:
    element = etree.Element(f"{{{NS}}}trans-unit", id=unit_id)
    element.set(XML_SPACE, "preserve")
    if target_pieces is not None:
        element.set("approved", "yes" if unit.state >= ReviewState.TRANSLATED else "no")
    fill(etree.SubElement(element, f"{{{NS}}}source"), source, _code_element)
    if target_pieces is not None:
        target = etree.SubElement(element, f"{{{NS}}}target", state=_STATE_OUT[unit.state])
        if unit.origin in _QUALIFIER_OUT:
            target.set("state-qualifier", _QUALIFIER_OUT[unit.origin])
        fill(target, target_pieces, _code_element)
    return element


def _entry_context(element: etree._Element, unit: ExportUnit) -> None:
    """Locations and msgctxt as Translate Toolkit's context groups, then the notes."""
    for location in unit.locations:
        file, _, line = location.rpartition(":")
        contexts = [("sourcefile", file), ("linenumber", line)] if file else [("sourcefile", line)]
        _context_group(element, "po-reference", "location", contexts)
    if unit.msgctxt is not None:
        _context_group(element, "po-entry", "information", [("x-po-msgctxt", unit.msgctxt)])
    notes = [("developer", text) for text in unit.developer_notes]
    notes += [("translator", text) for text in unit.translator_notes]
    for origin, text in notes:
        etree.SubElement(element, f"{{{NS}}}note", {"from": origin}).text = text


def _context_group(
    unit: etree._Element, name: str, purpose: str, contexts: list[tuple[str, str]]
) -> None:
    group = etree.SubElement(unit, f"{{{NS}}}context-group", name=name, purpose=purpose)
    for kind, text in contexts:
        etree.SubElement(group, f"{{{NS}}}context", {"context-type": kind}).text = text


def _code_element(parent: etree._Element, code: Code) -> etree._Element:
    name = {CodeKind.OPEN: "bpt", CodeKind.CLOSE: "ept"}.get(code.kind, "ph")
    element = etree.SubElement(parent, f"{{{NS}}}{name}", id=code.id)
    if code.kind is CodeKind.OPEN:
        element.set("ctype", code.role if code.role in _PAIRED_CTYPES else f"x-{code.role}")
    elif code.kind is CodeKind.PLACEHOLDER:
        element.set("ctype", f"x-{code.role}")
    element.text = code.data
    return element


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

_PROPOSALS = frozenset(
    {"new", "needs-translation", "needs-adaptation", "needs-l10n"}
    | {"needs-review-translation", "needs-review-adaptation", "needs-review-l10n"}
)
_MACHINE_QUALIFIERS = frozenset({"leveraged-mt", "mt-suggestion"})
_SDL_CONFIRMATION = {
    "Draft": ReviewState.PROPOSED,
    "Translated": ReviewState.TRANSLATED,
    "RejectedTranslation": ReviewState.PROPOSED,
    "ApprovedTranslation": ReviewState.REVIEWED,
    "RejectedSignOff": ReviewState.PROPOSED,
    "ApprovedSignOff": ReviewState.REVIEWED,
}
_MEMOQ_STATUS = {
    "NotStarted": ReviewState.UNTRANSLATED,
    "ManuallyConfirmed": ReviewState.TRANSLATED,
    "Confirmed": ReviewState.TRANSLATED,
    "Proofread": ReviewState.REVIEWED,
    "Reviewer1Confirmed": ReviewState.REVIEWED,
    "Reviewer2Confirmed": ReviewState.REVIEWED,
}


def read(
    path: Path, events: Iterator[tuple[str, etree._Element]], root: etree._Element
) -> XliffDocument:
    """The units of an XLIFF 1.x document whose root element ``root`` was just read."""
    document = XliffDocument(path, root.get("version", "1.2"), None, None)
    original = ""
    translate = ["yes"]
    groups = OpenGroups(document)
    for event, element in events:
        name = local_name(element)
        if event == "start":
            if name == "file":
                original = element.get("original", "")
                _languages(document, element)
            elif name == "group":
                translate.append(element.get("translate", translate[-1]))
                plural = element.get("restype") == PLURALS
                groups.open(element, group_entry(element, original, translate[-1]) if plural
                            else None)  # fmt: skip
            continue
        if name == "trans-unit":
            groups.add(_unit(element, original, translate[-1]))
            release(element)
        elif name == "group":
            translate.pop()
            groups.close()
        elif (entry := groups.owns(element)) is not None:
            _plural_context(entry, element, name)
        elif name in ("header", "skl"):
            release(element)
    return document


def _plural_context(entry: XliffUnit, element: etree._Element, name: str) -> None:
    """A plural group's own context group or note, read as it closes (its forms' units are
    released as they are read, and with them what came before them)."""
    if name == "note":
        entry.notes += (all_text(element),)
    elif name == "context-group":
        for context in element:
            if context.get("context-type") == "x-po-msgctxt":
                entry.msgctxt = all_text(context)


def _languages(document: XliffDocument, file: etree._Element) -> None:
    for attribute, field in (
        ("source-language", "source_lang"),
        ("target-language", "target_lang"),
    ):
        value = file.get(attribute)
        known = getattr(document, field)
        if value and known and value.lower() != known.lower():
            raise XliffError(
                f"{document.path}:{file.sourceline}: {attribute} {value} differs from an "
                f"earlier <file>'s {known}"
            )
        if value and not known:
            setattr(document, field, value)


def _child(
    element: etree._Element, name: str, namespace: str | None = None
) -> etree._Element | None:
    for child in element:
        if local_name(child) == name and namespace in (None, namespace_of(child)):
            return child
    return None


def _unit(element: etree._Element, original: str, inherited: str) -> XliffUnit:
    source = _child(element, "source")
    target = _child(element, "target")
    target_pieces = tuple(_pieces(target)) if target is not None else ()
    has_target = any(not isinstance(piece, str) or piece for piece in target_pieces)
    state, detail, machine = _state(element, target if has_target else None)
    return XliffUnit(
        id=element.get("id", ""),
        line=line_of(element),
        original=original,
        source=tuple(_pieces(source)) if source is not None else (),
        target=target_pieces if has_target else None,
        state=state,
        state_detail=detail,
        machine=machine,
        translate=element.get("translate", inherited) != "no",
        msgctxt=_msgctxt(element),
        notes=tuple(all_text(note) for note in element if local_name(note) == "note"),
        target_line=line_of(target) if target is not None else 0,
        header=element.get("restype") == "x-gettext-domain-header",
    )


def _msgctxt(unit: etree._Element) -> str | None:
    for group in unit:
        if local_name(group) == "context-group":
            for context in group:
                if context.get("context-type") == "x-po-msgctxt":
                    return all_text(context)
    return None


def _pieces(element: etree._Element) -> Iterator[Piece]:
    """Text and codes of a ``<source>``/``<target>``, ``<mrk>`` and ``<g>`` opened up."""
    if element.text:
        yield element.text
    for child in element:
        name = local_name(child)
        code_id = child.get("id", "")
        pair_id = child.get("rid") or code_id
        equiv = child.get("equiv-text", "")
        if name in ("ph", "it"):
            yield Code(CodeKind.PLACEHOLDER, code_id, all_text(child), equiv)
        elif name in ("bpt", "ept"):
            kind = CodeKind.OPEN if name == "bpt" else CodeKind.CLOSE
            yield Code(kind, pair_id, all_text(child), equiv)
        elif name == "x":
            yield Code(CodeKind.PLACEHOLDER, code_id, None, equiv)
        elif name in ("bx", "ex"):
            yield Code(CodeKind.OPEN if name == "bx" else CodeKind.CLOSE, pair_id, None, equiv)
        elif name == "g":
            yield Code(CodeKind.OPEN, code_id, None, equiv)
            yield from _pieces(child)
            yield Code(CodeKind.CLOSE, code_id, None)
        else:  # <mrk> (segments, terms, protected text), <sub>
            yield from _pieces(child)
        if child.tail:
            yield child.tail


def _state(
    unit: etree._Element, target: etree._Element | None
) -> tuple[ReviewState, str, bool]:
    """The unit's review state, what the file said, and whether a machine wrote it."""
    if target is None:
        return ReviewState.UNTRANSLATED, "", False
    extension = _sdl_state(unit) or _memoq_state(unit)
    if extension is not None:
        return extension
    state, qualifier = target.get("state"), target.get("state-qualifier")
    approved = unit.get("approved")
    detail = "/".join(part for part in (state, qualifier) if part)
    if approved:
        detail = f"{detail} approved={approved}".strip()
    machine = qualifier in _MACHINE_QUALIFIERS
    if state in ("signed-off", "final"):
        result = ReviewState.TRANSLATED if approved == "no" else ReviewState.REVIEWED
    elif state == "translated":
        result = ReviewState.TRANSLATED
    elif state is None and not qualifier:
        result = ReviewState.REVIEWED if approved == "yes" else ReviewState.TRANSLATED
    else:  # a proposal state, a qualifier without a state, or a state XLIFF does not define
        result = ReviewState.PROPOSED
    return result, detail, machine


def _sdl_state(unit: etree._Element) -> tuple[ReviewState, str, bool] | None:
    definitions = _child(unit, "seg-defs", SDL)
    if definitions is None:
        return None
    segments = [seg for seg in definitions if local_name(seg) == "seg"]
    if not segments:
        return None
    levels = [seg.get("conf", "") for seg in segments]
    state = min(_SDL_CONFIRMATION.get(level, ReviewState.PROPOSED) for level in levels)
    machine = any(seg.get("origin") == "mt" for seg in segments)
    return state, "sdl:" + ",".join(level or "none" for level in levels), machine


def _memoq_state(unit: etree._Element) -> tuple[ReviewState, str, bool] | None:
    status = unit.get(f"{{{MEMOQ}}}status")
    if status is None:
        return None
    return _MEMOQ_STATUS.get(status, ReviewState.PROPOSED), f"memoq:{status}", False
