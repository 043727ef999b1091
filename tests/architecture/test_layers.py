"""The shape of src/: no package imports in a circle, and no code outside storage/ names a
concrete storage backend (a third backend must touch only storage/)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "brandkit"
BACKENDS = {"LocalStorage", "S3Storage", "MultipartWriter"}
BACKEND_MODULES = {"brandkit.storage.local", "brandkit.storage.s3", "brandkit.storage.s3_multipart"}


def _modules() -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield path, ast.parse(path.read_text(), str(path))


def _unit(path: Path) -> str:
    """The package a module belongs to (``exports``), or the root module's own name (``app``)."""
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[0]


def _imported(tree: ast.Module) -> Iterator[tuple[str, list[str]]]:
    """Every ``brandkit.*`` module imported anywhere in the module (also inside functions and
    ``TYPE_CHECKING`` blocks: a dependency is one wherever it is written), with the names."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("brandkit."):
                    yield alias.name, []
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "brandkit"
        ):
            yield node.module or "", [a.name for a in node.names]


def _target(module: str, names: list[str]) -> list[str]:
    parts = module.split(".")
    if len(parts) >= 2:
        return [parts[1]]
    return names  # from brandkit import app, tasks


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path, tree in _modules():
        unit = _unit(path)
        edges = graph.setdefault(unit, set())
        for module, names in _imported(tree):
            edges.update(t for t in _target(module, names) if t != unit)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_package_imports_in_a_circle() -> None:
    graph = import_graph()
    # The graph is real: the domains are there and depend on the shared layers.
    assert {"accounts", "designs", "exports", "media", "storage", "uploads", "jobs", "kit"} <= set(
        graph
    )
    assert "storage" in graph["uploads"]
    assert "jobs" in graph["exports"]
    assert cycles(graph) == []


def test_the_cycle_finder_finds_cycles() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_only_storage_names_a_concrete_backend() -> None:
    offenders = []
    for path, tree in _modules():
        if _unit(path) == "storage":
            continue
        for module, names in _imported(tree):
            if module in BACKEND_MODULES or BACKENDS & set(names):
                offenders.append(f"{path.relative_to(SRC)} imports {module} {names}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in BACKENDS:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} names {node.id}")
            if isinstance(node, ast.Attribute) and node.attr in BACKENDS:
                offenders.append(f"{path.relative_to(SRC)}:{node.lineno} names {node.attr}")
    assert offenders == []
