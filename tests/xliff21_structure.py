"""The constraints of the XLIFF 2.1 core specification, checked on a document's structure.

No package ships the OASIS schemas, so the rules the schema and the spec's
processing requirements state for the core namespace are checked here: element
order and cardinality (of groups too), id uniqueness and syntax, the value lists of ``state``,
``type``, ``canCopy``..., ``subState``/``subType`` syntax and dependencies,
``dataRef`` references, and target codes corresponding to source codes.
"""

from __future__ import annotations

import re

from lxml import etree

NS = "urn:oasis:names:tc:xliff:document:2.0"
NMTOKEN = re.compile(r"^[\w.\-:]+$")
PREFIXED = re.compile(r"^[^\s:]+:[^\s:]+$")
STATES = {"initial", "translated", "reviewed", "final"}
TYPES = {"fmt", "ui", "quote", "link", "image", "other"}
INLINE = {"ph", "pc", "sc", "ec", "mrk", "sm", "em", "cp"}


def q(name: str) -> str:
    return f"{{{NS}}}{name}"


def core_children(element: etree._Element) -> list[str]:
    return [
        child.tag[len(NS) + 2 :]
        for child in element
        if isinstance(child.tag, str) and child.tag.startswith(f"{{{NS}}}")
    ]


def order_problems(where: str, names: list[str], pattern: str) -> list[str]:
    return [] if re.fullmatch(pattern, " ".join(names) + " ") else [f"{where}: order {names}"]


def validate(root: etree._Element) -> list[str]:
    problems: list[str] = []
    if root.tag != q("xliff") or root.get("version") not in ("2.0", "2.1"):
        return [f"root {root.tag} version {root.get('version')}"]
    if not root.get("srcLang"):
        problems.append("xliff: srcLang is required")
    problems += order_problems("xliff", core_children(root), r"(file )+")
    file_ids = [f.get("id", "") for f in root.iter(q("file"))]
    if len(set(file_ids)) != len(file_ids) or not all(NMTOKEN.match(i) for i in file_ids):
        problems.append(f"file ids {file_ids}")
    for file in root.iter(q("file")):
        problems += order_problems(
            f"file {file.get('id')}", core_children(file), r"(skeleton )?(notes )?((unit|group) )+"
        )
        for group in file.iter(q("group")):
            problems += order_problems(
                f"group {group.get('id')}", core_children(group), r"(notes )?((unit|group) )*"
            )
            kind = group.get("type")
            if kind is not None and (not PREFIXED.match(kind) or kind.startswith("xlf:")):
                problems.append(f"group {group.get('id')}: type {kind}")
        unit_ids = [u.get("id", "") for u in file.iter(q("unit"), q("group"))]
        if len(set(unit_ids)) != len(unit_ids) or not all(NMTOKEN.match(i) for i in unit_ids):
            problems.append(f"file {file.get('id')}: unit and group ids not unique NMTOKENs")
        for unit in file.iter(q("unit")):
            problems += unit_problems(unit, root.get("trgLang"))
    return problems


def unit_problems(unit: etree._Element, target_lang: str | None) -> list[str]:
    where = f"unit {unit.get('id')}"
    problems = order_problems(
        where, core_children(unit), r"(notes )?(originalData )?((segment|ignorable) )+"
    )
    if "segment" not in core_children(unit):
        problems.append(f"{where}: no segment")
    problems += [
        f"{where}: note outside notes"
        for note in unit.iter(q("note"))
        if note.getparent().tag != q("notes")
    ]
    data_ids = {d.get("id") for d in unit.iter(q("data"))}
    codes: dict[str, set[tuple[str, str | None]]] = {q("source"): set(), q("target"): set()}
    for part in unit:
        if part.tag in (q("segment"), q("ignorable")):
            problems += part_problems(where, part)
            for content in part:
                if content.tag == q("target") and not target_lang:
                    problems.append(f"{where}: target without trgLang")
                problems += inline_problems(where, content, data_ids, codes[content.tag])
    extra = codes[q("target")] - codes[q("source")]
    if extra:
        problems.append(f"{where}: target codes {extra} not in the source")
    return problems


def part_problems(where: str, part: etree._Element) -> list[str]:
    problems = order_problems(where, core_children(part), r"source (target )?")
    state, sub_state = part.get("state"), part.get("subState")
    if state is not None and state not in STATES:
        problems.append(f"{where}: state {state}")
    if sub_state is not None and (state is None or not PREFIXED.match(sub_state)):
        problems.append(f"{where}: subState {sub_state} without a state or prefix")
    return problems


def inline_problems(
    where: str,
    content: etree._Element,
    data_ids: set[str | None],
    codes: set[tuple[str, str | None]],
) -> list[str]:
    problems = []
    space = content.get("{http://www.w3.org/XML/1998/namespace}space")
    if space not in (None, "default", "preserve"):
        problems.append(f"{where}: xml:space")
    seen: list[str] = []
    for code in content.iter():
        if code is content or not isinstance(code.tag, str):
            continue
        name = code.tag[len(NS) + 2 :] if code.tag.startswith(f"{{{NS}}}") else ""
        if name not in INLINE:
            problems.append(f"{where}: {code.tag} inside {content.tag}")
            continue
        if name in ("ph", "pc", "sc"):
            seen.append(code.get("id", ""))
            codes.add((name, code.get("id")))
        problems += code_problems(where, code, data_ids)
    if len(set(seen)) != len(seen):
        problems.append(f"{where}: inline ids repeated in {content.tag}")
    return problems


def code_problems(where: str, code: etree._Element, data_ids: set[str | None]) -> list[str]:
    problems = [
        f"{where}: {attribute} {code.get(attribute)} has no <data>"
        for attribute in ("dataRef", "dataRefStart", "dataRefEnd")
        if code.get(attribute) is not None and code.get(attribute) not in data_ids
    ]
    problems += [
        f"{where}: {attribute}={code.get(attribute)}"
        for attribute in ("canCopy", "canDelete", "canReorder", "canOverlap")
        if code.get(attribute) not in (None, "yes", "no", "firstNo")
    ]
    kind, sub_type = code.get("type"), code.get("subType")
    if kind is not None and kind not in TYPES:
        problems.append(f"{where}: type {kind}")
    if sub_type is not None and (kind is None or not PREFIXED.match(sub_type)):
        problems.append(f"{where}: subType {sub_type} without type")
    if sub_type in ("xlf:b", "xlf:i", "xlf:u") and kind != "fmt":
        problems.append(f"{where}: {sub_type} needs type fmt")
    return problems
