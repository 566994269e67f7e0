"""Facet values come most reports first, then by value; the section facet
counts the reports that have a satisfying section of each kind."""

from __future__ import annotations

import numpy as np
import pytest

from search_service.model import PLACE_FIELDS, SECTION_KINDS, SearchRequest
from search_service.search import find, match_sets, open_index, parse_query


@pytest.fixture(scope="module")
def index(sample_index):
    return open_index(sample_index)


QUERIES = ["法", "法治", "法律顾问", "八五普法 OR 综合行政执法办公室", "法治 -法律顾问", "的"]


@pytest.mark.parametrize("q", QUERIES)
def test_place_facets_are_counted_and_ordered_as_plain_python_does(index, q):
    matches = find(index, SearchRequest(q=q))
    matched = [index.records[int(o)] for o in matches.ordered]
    for name in PLACE_FIELDS:
        counts: dict[str, int] = {}
        for rec in matched:
            if rec[name] is not None:
                counts[rec[name]] = counts.get(rec[name], 0) + 1
        expected = sorted(counts.items(), key=lambda vc: (-vc[1], vc[0]))
        assert [(fv.value, fv.count) for fv in matches.facets[name]] == expected


def test_place_facets_break_ties_by_value(index):
    # Every sample report is in a different town: all counts tie at 1.
    towns = find(index, SearchRequest(q="法")).facets["town"]
    assert len(towns) > 1 and {fv.count for fv in towns} == {1}
    assert [fv.value for fv in towns] == sorted(fv.value for fv in towns)


@pytest.mark.parametrize("q", QUERIES)
def test_section_facet_counts_reports_with_a_satisfying_section_of_each_kind(index, q):
    _, unit_ok = match_sets(index, parse_query(q))
    expected = {}
    for code, kind in enumerate(SECTION_KINDS):
        reports = {int(index.units.report[u]) for u in np.flatnonzero(unit_ok) if index.units.kind[u] == code}
        if reports:
            expected[kind] = len(reports)
    facet = find(index, SearchRequest(q=q)).facets["section"]
    assert {fv.value: fv.count for fv in facet} == expected
    assert [fv.count for fv in facet] == sorted((fv.count for fv in facet), reverse=True)


@pytest.mark.parametrize("q", QUERIES)
def test_year_facet_is_latest_first_with_plain_counts(index, q):
    matches = find(index, SearchRequest(q=q))
    counts: dict[int, int] = {}
    for o in matches.ordered:
        year = index.records[int(o)]["year"]
        if year:
            counts[year] = counts.get(year, 0) + 1
    assert [(fv.value, fv.count) for fv in matches.facets["year"]] == sorted(counts.items(), reverse=True)


@pytest.mark.parametrize("q", QUERIES)
def test_facet_values_read_as_pairs_or_as_objects_alike(index, q):
    request = SearchRequest(q=q, level=("township",), facet_size=2)
    for name, values in find(index, request).facets.items():
        objects = list(values)
        assert list(values.pairs()) == [(fv.value, fv.count) for fv in objects]
        assert len(values) == len(objects) and values == objects and values[1:] == objects[1:]
        assert [values[i] for i in range(len(values))] == objects
        assert [fv.selected for fv in objects] == [fv.value in request.chosen(name) for fv in objects]
        assert all(fv.toggle for fv in objects)


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    """The fixtures in real reports' shapes, some with several sections of
    one kind, indexed; and the brute force over the same files."""
    from search_service.config import PROJECT_ROOT
    from search_service.indexing import BuildOptions, build_index
    from tests.bruteforce import BruteCorpus

    source = PROJECT_ROOT / "tests" / "fixtures" / "real_shapes"
    index_dir = tmp_path_factory.mktemp("shapes-index")
    build_index(source, index_dir, BuildOptions(jobs=1))
    index = open_index(index_dir)
    yield index, BruteCorpus.load(source)
    index.close()


@pytest.mark.parametrize("q", ["法治", "推进", "法律顾问", "依法 -顾问", "执法 OR 普法", "加强"])
def test_section_facet_counts_a_report_once_when_several_sections_of_a_kind_match(shapes, q):
    index, brute = shapes
    assert index.units.repeated_kind.any()  # the case is present
    for request in (SearchRequest(q=q, doc_type="all"), SearchRequest(q=q, doc_type="all", level=("township",))):
        facet = find(index, request).facets["section"]
        assert dict(facet.pairs()) == brute.evaluate(request).facets["section"]
