"""Reading any XLIFF file: 1.x or 2.x, told apart by the root element."""

from __future__ import annotations

from pathlib import Path

from pipeline.exchange import xliff12, xliff21
from pipeline.exchange.document import (
    XliffDocument,
    XliffError,
    local_name,
    namespace_of,
    stream,
)


def read_xliff(path: Path) -> XliffDocument:
    """Every unit of the XLIFF file at ``path``; raises :class:`XliffError` naming file and line."""
    path = Path(path)
    events = stream(path)
    root = next((element for event, element in events if event == "start"), None)
    if root is None:
        raise XliffError(f"{path}:1: empty document")
    if local_name(root) != "xliff":
        raise XliffError(f"{path}:{root.sourceline}: the root element is <{root.tag}>, not <xliff>")
    namespace = namespace_of(root)
    version = root.get("version", "")
    if namespace == xliff21.NS or (not namespace and version.startswith("2")):
        document = xliff21.read(path, events, root)
    elif namespace in xliff12.NAMESPACES:
        document = xliff12.read(path, events, root)
    else:
        raise XliffError(f"{path}:{root.sourceline}: unknown XLIFF namespace {namespace!r}")
    return document
