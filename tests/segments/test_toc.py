"""The table of contents (segments/toc.py) names every file of a segment and
of a commit point, and no other module spells one."""

from __future__ import annotations

import ast
from pathlib import Path

from search_service.segments import toc
from search_service.segments.format import current_commit, read_commit
from tests.test_layers import CHECKED_UP_TO, MODULES, floor

# File names a module must take from toc.py rather than spell.
NAMES = {
    toc.CURRENT,
    toc.LOCK,
    toc.CHANGES,
    toc.SEGMENT_PREFIX,
    toc.COMMIT_PREFIX,
    toc.BUILDING_PREFIX,
    toc.META,
    toc.WORDS,
    toc.COMMIT,
    toc.TOMBSTONE_PREFIX,
    toc.MANIFEST,
    toc.FIRST_SEEN,
    toc.PRESENCE_WORDS,
    toc.LEGACY_PRESENCE,
    *(toc.pair_file(name) for name in toc.PAIRS),
}


def test_every_file_of_a_built_index_is_in_the_table_of_contents(sample_index: Path):
    live = current_commit(sample_index)
    assert live is not None
    for path in live.iterdir():
        assert toc.component(toc.COMMIT_COMPONENTS, path.name) is not None, path.name
    for entry in read_commit(live).segments:
        folder = sample_index / entry.name
        names = [path.name for path in folder.iterdir()]
        for name in names:
            assert toc.component(toc.SEGMENT_COMPONENTS, name) is not None, name
        for component in toc.SEGMENT_COMPONENTS:
            if not component.optional:
                assert any(component.matches(name) for name in names), component.pattern


def test_no_module_of_the_lower_floors_spells_a_file_name():
    spelled = []
    for module, path in MODULES.items():
        if module == "search_service.segments.toc" or floor(module) > CHECKED_UP_TO:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            literal = isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            if literal and node.value in NAMES:
                spelled.append(f"{module}:{node.lineno} {node.value!r}")
    assert spelled == []
