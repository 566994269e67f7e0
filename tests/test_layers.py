"""The package's floors run one way (../shared/STYLE.md's layout, issue 23):
every module's imports, read from its source (every `import`, at the top
or inside a function), reach only its own floor or the floors below, and
no modules import one another in a circle.

Floors, bottom up:

    0  model, text, config, errors, segmenter,    the ground
       version
    1  ingest, words_index                         files -> Report, jieba words
    2  segments                                    the on-disk format
    3  indexing, search                            writing it, reading it
    4  analysis, citing                            computed over search results
    5  params, bodies, service                     request parameters, the JSON
                                                   answers, a request's index
    6  api, web, cli, the package itself           the front doors (and the
                                                   application factory)

Every module's imports are checked, and circles among every module; the
front doors do not import one another.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "search_service"

FLOORS: dict[str, int] = {
    "model": 0,
    "text": 0,
    "config": 0,
    "errors": 0,
    "segmenter": 0,
    "version": 0,
    "ingest": 1,
    "words_index": 1,
    "segments": 2,
    "indexing": 3,
    "search": 3,
    "analysis": 4,
    "citing": 4,
    "params": 5,
    "bodies": 5,
    "service": 5,
    "api": 6,
    "web": 6,
    "cli": 6,
    "__main__": 6,
}
UNCLASSIFIED = 5
TOP = 6
# The floors whose imports are checked (see the module's docstring): all.
CHECKED_UP_TO = TOP
# The three front doors: none imports another.
FRONT_DOORS = ("api", "web", "cli")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def floor(module: str) -> int:
    """The floor of a module of the package (the package itself: the top,
    as the application factory)."""
    parts = module.split(".")
    if len(parts) == 1:
        return TOP
    return FLOORS.get(parts[1], UNCLASSIFIED)


def imports(module: str) -> set[str]:
    """The package's modules that `module` imports, anywhere in its source
    (`from search_service.segments import toc` imports the module toc)."""
    tree = ast.parse(MODULES[module].read_text("utf-8"), filename=str(MODULES[module]))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name if name in MODULES else node.module for name in names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith(PACKAGE) and name != module:
                found.add(name)
    return found


GRAPH = {module: imports(module) for module in MODULES}


def test_every_name_of_a_floor_is_a_module_or_package():
    named = {module.split(".")[1] for module in MODULES if "." in module}
    assert set(FLOORS) <= named


@pytest.mark.parametrize("module", sorted(m for m in MODULES if floor(m) <= CHECKED_UP_TO))
def test_a_module_imports_no_floor_above_its_own(module):
    above = sorted(f"{name} (floor {floor(name)})" for name in GRAPH[module] if floor(name) > floor(module))
    assert not above, f"{module} (floor {floor(module)}) imports {above}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("door", FRONT_DOORS)
def test_a_front_door_imports_no_other(door):
    others = [f"{PACKAGE}.{other}" for other in FRONT_DOORS if other != door]
    inside = [m for m in MODULES if m == f"{PACKAGE}.{door}" or m.startswith(f"{PACKAGE}.{door}.")]
    crossing = sorted(
        f"{m} -> {n}" for m in inside for n in GRAPH[m] if any(n == o or n.startswith(o + ".") for o in others)
    )
    assert not crossing


def test_no_modules_import_one_another_in_a_circle():
    lower = {
        m: {n for n in names if floor(n) <= CHECKED_UP_TO} for m, names in GRAPH.items() if floor(m) <= CHECKED_UP_TO
    }
    assert _cycles(lower) == []


def test_the_check_sees_a_circle_and_a_climb():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert floor("search_service.segments.writer") < floor("search_service.search.exact")
    assert "search_service.segments.toc" in GRAPH["search_service.segments.writer"]
