"""An import-linter contract that import-linter does not ship: no private name across packages.

A name with a leading underscore is a module's own business. Another package
that imports it couples itself to an implementation detail that its owner may
change without notice, so such a name is made public, with a name that says
what it is, or the code that needs it moves. Modules of one package may still
share their private helpers.
"""

from __future__ import annotations

import ast
import importlib.util
from dataclasses import dataclass

import grimp
from importlinter.application import output
from importlinter.domain.contract import Contract, ContractCheck


@dataclass(frozen=True)
class PrivateImport:
    importer: str
    line: int
    module: str
    name: str


def _package(module: str, graph: grimp.ImportGraph) -> str:
    return module if graph.find_children(module) else module.rpartition(".")[0]


def _source_module(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


def private_imports(module: str, graph: grimp.ImportGraph) -> list[PrivateImport]:
    """The private names ``module`` imports from modules of other packages."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return []
    with open(spec.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), spec.origin)
    own_package = _package(module, graph)
    is_package = spec.origin.endswith("__init__.py")
    found: list[PrivateImport] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = _source_module(node, module, is_package)
        if source not in graph.modules or _package(source, graph) == own_package:
            continue
        for alias in node.names:
            if alias.name.startswith("_") and not alias.name.startswith("__"):
                found.append(PrivateImport(module, node.lineno, source, alias.name))
    return found


class PrivateNamesContract(Contract):
    type_name = "private_names"

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        found = [
            found
            for module in sorted(graph.modules)
            for found in private_imports(module, graph)
        ]
        return ContractCheck(kept=not found, warnings=[], metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        output.print_error("Private names imported from another package:", bold=False)
        output.new_line()
        for item in check.metadata["found"]:
            output.print_error(
                f"- {item.importer} (l.{item.line}) imports {item.name} from {item.module}",
                bold=False,
            )
            output.new_line()
