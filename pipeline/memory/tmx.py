"""TMX 1.4b import and export of the translation memory.

Export writes one ``<tu>`` per unit (source and one target), with the unit's
context and origin as ``<prop>`` elements so that a round trip through TMX
keeps texts, languages, levels, contexts and dates. Import reads what other
tools write: several languages per ``<tu>`` (one unit per source→target pair),
inline markup, ``srclang="*all*"``, ``xml:lang`` or the old ``lang`` attribute,
regional codes, UTF-16 files.

Provenance on import: every unit's origin is ``tmx:<file name>``, whatever the
file's ``x-origin`` says -- a file cannot make its own text "human" (ranked
first, accepted in context). The one claim believed is a machine origin
(``mt:<engine>``), which lowers trust. So exporting a memory and importing the
file turns its human (and other non-machine) units into ``tmx:<file name>``
units, by design; machine units stay machine units.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.exchange.document import xml_events
from pipeline.files import write_bytes_atomic
from pipeline.memory.base import TranslationMemory
from pipeline.memory.units import LEVELS, Unit
from pipeline.model import Origin, OriginKind, PipelineError
from pipeline.text.excerpt import excerpt, quoted
from pipeline.text.languages import normalise_lang
from pipeline.text.limits import MAX_SEGMENT_CHARS, too_long

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TMX_DATE = "%Y%m%dT%H%M%SZ"
ALL_LANGUAGES = "*all*"

# <prop type=...> names this module writes and reads; "x-context" is the msgctxt.
PROP_ORIGIN = "x-origin"
PROP_CONTEXT = "x-context"
PROP_DOMAIN = "x-domain"
PROP_PREV = "x-prev"
PROP_NEXT = "x-next"

# TMX segtype values and the memory's unit level.
_LEVEL_OF_SEGTYPE = {
    "block": "block",
    "paragraph": "block",
    "sentence": "sentence",
    "phrase": "sentence",
}


class TMXError(PipelineError, ValueError):
    """A TMX file that cannot be imported; the message names the file and line."""


# ---------------------------------------------------------------------------
# Language codes
# ---------------------------------------------------------------------------


def _tmx_lang(lang: str) -> str:
    return lang.replace("_", "-")


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------


def _tmx_date(iso: str) -> str | None:
    if not iso:
        return None
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(TMX_DATE)


def _iso_date(tmx: str | None, where: str) -> str:
    if not tmx:
        return ""
    for pattern in (TMX_DATE, "%Y%m%dT%H%M%S"):
        try:
            moment = datetime.strptime(tmx.strip(), pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
        return moment.isoformat(timespec="seconds")
    raise TMXError(f"{where}: date '{excerpt(tmx, 40)}' is not in TMX form YYYYMMDDThhmmssZ")


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------


def export_tmx(
    memory: TranslationMemory,
    path: Path | str,
    source_lang: str,
    target_langs: Iterable[str] | None = None,
) -> int:
    """Write the units from ``source_lang`` (to ``target_langs``, or all) as TMX 1.4b.

    The file is UTF-8, written atomically and left untouched when unchanged.
    Returns the number of ``<tu>`` elements.
    """
    wanted = set(target_langs) if target_langs is not None else None
    root = etree.Element("tmx", version="1.4")
    header = {
        "creationtool": "l10n-pipeline",
        "creationtoolversion": __version__,
        "segtype": "block",
        "o-tmf": "l10n-pipeline",
        "adminlang": "en",
        "srclang": _tmx_lang(source_lang),
        "datatype": "plaintext",
    }
    etree.SubElement(root, "header", header)
    body = etree.SubElement(root, "body")
    count = 0
    for unit in memory.units(source_lang=source_lang):
        if wanted is not None and unit.target_lang not in wanted:
            continue
        body.append(_unit_element(unit))
        count += 1
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, pretty_print=True)
    write_bytes_atomic(Path(path), data)
    return count


def _unit_element(unit: Unit) -> etree._Element:
    attributes = {"srclang": _tmx_lang(unit.source_lang)}
    if unit.level != "block":
        attributes["segtype"] = unit.level
    for name, value in (("creationdate", unit.created), ("changedate", unit.updated)):
        date = _tmx_date(value)
        if date:
            attributes[name] = date
    tu = etree.Element("tu", attributes)
    props = [(PROP_ORIGIN, str(unit.origin))]
    if unit.msgctxt is not None:
        props.append((PROP_CONTEXT, unit.msgctxt))
    props += [(PROP_DOMAIN, unit.domain), (PROP_PREV, unit.prev), (PROP_NEXT, unit.next)]
    for kind, value in props:
        if value or kind == PROP_CONTEXT:
            etree.SubElement(tu, "prop", type=kind).text = value
    for lang, text in ((unit.source_lang, unit.source), (unit.target_lang, unit.target)):
        tuv = etree.SubElement(tu, "tuv", {XML_LANG: _tmx_lang(lang)})
        etree.SubElement(tuv, "seg").text = text
    return tu


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def import_tmx(
    memory: TranslationMemory,
    path: Path | str,
    source_lang: str = "en",
    languages: Iterable[str] = (),
    notes: list[str] | None = None,
) -> int:
    """Add a TMX file's translations to ``memory`` in one transaction; return how many were new.

    ``source_lang`` is the project's source language (used when the file says
    ``srclang="*all*"``); ``languages`` are the project's codes that the file's
    codes are matched to. A malformed file raises :class:`TMXError` and adds
    nothing; a unit without a source-language side, or without another, is
    skipped, and said in ``notes``.
    """
    return memory.add(iter_tmx(path, source_lang, languages, notes))


def read_tmx(
    path: Path | str,
    source_lang: str = "en",
    languages: Iterable[str] = (),
    notes: list[str] | None = None,
) -> list[Unit]:
    """The units of a TMX file (see :func:`import_tmx`)."""
    return list(iter_tmx(path, source_lang, languages, notes))


def iter_tmx(
    path: Path | str,
    source_lang: str = "en",
    languages: Iterable[str] = (),
    notes: list[str] | None = None,
) -> Iterator[Unit]:
    """The units of a TMX file as they are read, one ``<tu>`` in memory at a time.

    The file may have a DOCTYPE but no entity declaration, internal or external
    (the rule defusedxml applies), and no entity reference: the parser expands
    none, and an unexpanded ``&name;`` is no translation.
    """
    path = Path(path)
    reader = _Reader(path, [source_lang, *languages], notes if notes is not None else [])
    try:
        events = xml_events(path)
        for event, element in events:
            yield from reader.handle(event, element)
    except etree.XMLSyntaxError as error:
        line = error.lineno or (error.position[0] if error.position else 0)
        raise TMXError(f"{path}:{line}: not well-formed XML: {excerpt(error.msg)}") from None
    except OSError as error:
        raise TMXError(f"{path}: cannot read: {error.strerror or error}") from None
    reader.finish()


class _Reader:
    """Where a streaming read of one TMX file stands."""

    def __init__(self, path: Path, known: list[str], notes: list[str]) -> None:
        self.path = path
        self.known = known
        self.notes = notes
        self.origin = Origin(OriginKind.TMX, path.name)
        self.root_where = f"{path}:0"
        self.default_src = ALL_LANGUAGES
        self.depth = 0
        self.has_body = False
        self.langs: dict[str, str] = {}  # each code as the file spells it, in the project's

    def lang(self, code: str) -> str:
        """``code`` in the project's spelling (a file of millions of units repeats a few)."""
        found = self.langs.get(code)
        if found is None:
            found = self.langs[code] = normalise_lang(code, self.known)
        return found

    def handle(self, event: str, element: etree._Element) -> Iterator[Unit]:
        if event == "start":
            self.depth += 1
            if self.depth == 1:
                self.start_root(element)
            elif self.depth == 2 and _local(str(element.tag)) == "body":
                self.has_body = True
            return
        self.depth -= 1
        name = _local(str(element.tag)) if isinstance(element.tag, str) else ""
        if self.depth == 1 and name == "header":
            self.default_src = element.get("srclang", ALL_LANGUAGES)
        elif self.depth == 2 and name == "tu":
            yield from self.unit(element)
            # Done with it: drop it and what came before, so memory stays one unit's worth.
            element.clear()
            parent = element.getparent()
            while parent is not None and element.getprevious() is not None:
                del parent[0]

    def start_root(self, root: etree._Element) -> None:
        where = self.root_where = f"{self.path}:{root.sourceline}"
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):  # type: ignore[attr-defined]
            raise TMXError(f"{where}: the file declares entities, which are not allowed")
        if not isinstance(root.tag, str) or _local(root.tag) != "tmx":
            raise TMXError(f"{where}: the root element is <{excerpt(str(root.tag))}>, not <tmx>")

    def unit(self, tu: etree._Element) -> list[Unit]:
        units, skipped = _tu_units(
            tu, self.path, self.known[0], self.lang, self.default_src, self.origin
        )
        if skipped:
            self.notes.append(skipped)
        return units

    def finish(self) -> None:
        if not self.has_body:
            raise TMXError(f"{self.root_where}: <tmx> has no <body>")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _child(element: etree._Element, name: str) -> etree._Element | None:
    for child in element:
        if isinstance(child.tag, str) and _local(child.tag) == name:
            return child
    return None


def _seg_text(seg: etree._Element, path: Path) -> str:
    """The text of a ``<seg>``, inline elements included.

    ``<bpt>``/``<ept>``/``<ph>``/``<it>`` hold the original's inline code and
    ``<hi>``/``<sub>`` hold text: both are part of the string the source had,
    so all text content is kept in document order.
    """
    for node in seg.iter():
        if isinstance(node, etree._Entity):
            raise TMXError(
                f"{path}:{node.sourceline or seg.sourceline}: entity reference"
                f" {excerpt(str(node.text))} (entities are not allowed)"
            )
    text = "".join(str(text) for text in seg.itertext())
    if len(text) > MAX_SEGMENT_CHARS:
        raise TMXError(
            f"{path}:{seg.sourceline}: {too_long('a segment', len(text), MAX_SEGMENT_CHARS)}"
        )
    return text


def _imported_origin(claimed: str | None, file_origin: Origin, where: str) -> Origin:
    """The origin of an imported unit: the file, unless the file says a machine wrote it.

    A TMX file cannot vouch for itself: whoever wrote it may call anything
    ``human``, and a human origin ranks first and may be accepted unreviewed.
    A claim that lowers trust is believed, so machine output exported by this
    project stays machine output (and keeps needing review) when imported again.
    Another tool's word is no claim; a claim that is neither (a line break, a
    control character, an engine that is no name) is refused with the unit's line.
    """
    if not claimed or not claimed.strip():
        return file_origin
    claim = claimed.strip()
    try:
        origin = Origin.parse(claim)
    except ValueError as error:
        if _FOREIGN_WORD.fullmatch(claim) and not claim.startswith(_OUR_KINDS):
            return file_origin  # another tool's vocabulary
        raise TMXError(f"{where}: x-origin {quoted(claim)}: {error}") from None
    return origin if origin.is_machine else file_origin


_FOREIGN_WORD = re.compile(r"[A-Za-z][\w.-]{0,63}")
_OUR_KINDS = tuple(f"{kind.value}:" for kind in OriginKind)


def _tu_units(
    tu: etree._Element,
    path: Path,
    project_source: str,
    lang_of: Callable[[str], str],
    default_src: str,
    default_origin: Origin,
) -> tuple[list[Unit], str]:
    """The units of one ``<tu>``, and the note if it has none to give (else "")."""
    where = f"{path}:{tu.sourceline}"
    src_code = tu.get("srclang", default_src)
    source_lang = project_source if src_code == ALL_LANGUAGES else lang_of(src_code)
    # The header's segtype is not a default: CAT tools write "sentence" for any file (Translate
    # Toolkit even for PO entries), and a unit of unknown level serves best as a block, which
    # sentence lookups fall back to. Only a <tu>'s own segtype says it is a sentence.
    segtype = tu.get("segtype", "block").strip().lower()
    level = _LEVEL_OF_SEGTYPE.get(segtype)
    if level is None:
        raise TMXError(
            f"{where}: segtype {quoted(segtype)} is not block, paragraph, sentence or phrase"
        )
    props: dict[str, str] = {}
    variants: list[tuple[str, str, etree._Element]] = []
    for child in tu:
        if not isinstance(child.tag, str):
            continue
        name = _local(child.tag)
        if name == "prop" and child.get("type"):
            props.setdefault(child.get("type", ""), child.text or "")
        elif name == "tuv":
            code = child.get(XML_LANG) or child.get("lang")
            if not code:
                raise TMXError(f"{path}:{child.sourceline}: <tuv> without xml:lang")
            seg = _child(child, "seg")
            text = _seg_text(seg, path) if seg is not None else ""
            variants.append((lang_of(code), text, child))
    origin = _imported_origin(props.get(PROP_ORIGIN), default_origin, where)
    sources = [text for lang, text, _ in variants if lang == source_lang and text]
    targets = [(lang, text, tuv) for lang, text, tuv in variants if lang != source_lang and text]
    if not sources or not targets:
        found = ", ".join(sorted({lang for lang, text, _ in variants if text})) or "none"
        side = "no text in another language" if sources else f"no {source_lang} text"
        return [], f"{where}: <tu> skipped: {side} (languages with text: {excerpt(found)})"
    created = _iso_date(tu.get("creationdate"), where)
    updated = _iso_date(tu.get("changedate"), where) or created
    assert level in LEVELS
    units = [
        Unit(
            source=sources[0],
            target=text,
            source_lang=source_lang,
            target_lang=lang,
            origin=origin,
            msgctxt=props.get(PROP_CONTEXT),
            domain=props.get(PROP_DOMAIN, ""),
            prev=props.get(PROP_PREV, ""),
            next=props.get(PROP_NEXT, ""),
            level=level,
            created=_iso_date(tuv.get("creationdate"), where) or created,
            updated=_iso_date(tuv.get("changedate"), where) or updated,
        )
        for lang, text, tuv in targets
    ]
    return units, ""
