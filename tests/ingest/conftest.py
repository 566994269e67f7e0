"""Fixtures for the reading tests: the checked-in files under
tests/fixtures/reading and the texts they were generated from."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from search_service.config import PROJECT_ROOT

READING_FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "reading"


@pytest.fixture(scope="session")
def reading_fixtures() -> Path:
    return READING_FIXTURES


@pytest.fixture(scope="session")
def fixture_source() -> ModuleType:
    """make_fixtures.py, for the texts the fixtures hold (its generators
    import their libraries lazily, so loading it needs none of them)."""
    spec = importlib.util.spec_from_file_location("reading_make_fixtures", READING_FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
