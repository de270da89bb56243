"""The simulator's modules import one way: no import circle, type-only imports included."""

from __future__ import annotations

import ast
from pathlib import Path

SIM_DIR = Path(__file__).resolve().parents[2] / "zalo_simulator"


def _local_imports(path: Path) -> set[str]:
    """Simulator modules imported by ``path``, wherever the import statement is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                names.add(node.module.split(".")[0])
            elif node.level == 1:
                names.update(alias.name for alias in node.names)
            elif (node.module or "").startswith("zalo_simulator."):
                names.add(node.module.split(".")[1])
    return names


def _graph() -> dict[str, set[str]]:
    modules = {p.stem: p for p in SIM_DIR.glob("*.py") if p.stem != "__init__"}
    return {name: _local_imports(path) & set(modules) - {name} for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                return [*stack[stack.index(dep) :], dep]
            if dep not in state:
                found = visit(dep)
                if found:
                    return found
        stack.pop()
        state[name] = 2
        return None

    for name in sorted(graph):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def test_graph_sees_the_server_imports():
    graph = _graph()
    assert {"actions", "api_openapi", "api_business", "api_oauth", "control"} <= graph["server"]
    assert "actions" in graph["api_openapi"]


def test_no_import_circle():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)
