"""Documents in the shapes governments really publish (tests/fixtures/real_shapes):
titleless bodies and salutations, every level from 苏木 to province and
departments, chrome around the title, dates in every labelled form, places
by short, old and traditional names, and the look-alikes that are not annual
reports. Every field is checked against expectations written by hand."""

from __future__ import annotations

import csv
import json

import pytest

from search_service.config import PROJECT_ROOT
from search_service.ingest import SUPPORTED_SUFFIXES, parse_file

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "real_shapes"
EXPECTED = {
    name: value
    for name, value in json.loads((FIXTURES / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}
FIELDS = (
    "doc_type",
    "title",
    "level",
    "unit",
    "town",
    "county",
    "city",
    "province",
    "year",
    "published",
    "url",
)
REPORTS = sorted(name for name, expected in EXPECTED.items() if expected["doc_type"] == "annual_report")


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_file(FIXTURES / name, FIXTURES) for name in EXPECTED}


def test_every_fixture_has_expectations():
    files = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in SUPPORTED_SUFFIXES)
    assert files == sorted(EXPECTED)


def test_fixtures_cover_every_format():
    assert {name.rsplit(".", 1)[1] for name in EXPECTED} >= {"txt", "html", "docx", "pdf"}


def test_manifest_names_only_fixtures():
    with (FIXTURES / "manifest.csv").open(encoding="utf-8", newline="") as manifest:
        rows = list(csv.DictReader(manifest))
    assert rows, "the manifest names some files"
    for row in rows:
        assert row["file"] in EXPECTED
        assert EXPECTED[row["file"]]["url"] == row["url"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("field", FIELDS)
def test_real_shape_field(parsed, name, field):
    expected = EXPECTED[name]
    assert field in expected, "every field has an expectation"
    value = getattr(parsed[name], field)
    if field == "title" and value is not None:
        value = "".join(value.split())
    assert value == expected[field], expected["shape"]


@pytest.mark.parametrize("name", REPORTS)
def test_real_shape_section_kinds(parsed, name):
    kinds = [section.kind for section in parsed[name].sections]
    if kinds and kinds[0] == "preamble":  # a report may open with its first part
        kinds = kinds[1:]
    assert kinds == EXPECTED[name]["sections"], EXPECTED[name]["shape"]
