"""The sample corpus answers the first issue's questions exactly."""

import pytest

from search_service.errors import BadQuery
from search_service.model import SearchRequest
from search_service.search import open_index, run_search


@pytest.fixture(scope="module")
def index(sample_index):
    return open_index(sample_index)


def towns(index, **kwargs):
    result = run_search(index, SearchRequest(**kwargs, per_page=100))
    return sorted(hit.town for hit in result.results), result


def test_legal_adviser_in_2024_is_exactly_two_towns(index):
    found, result = towns(index, q="法律顾问", year=(2024,))
    assert found == ["仙溪镇", "吉水镇"]
    assert result.total.reports == 2


def test_line_broken_term_is_found(index):
    found, _ = towns(index, q="综合行政执法办公室")
    assert found == ["仙溪镇", "遂城街道"]


def test_quoted_term_is_found_without_its_quotes(index):
    found, _ = towns(index, q="八五普法")
    assert found == ["黄溪镇"]


def test_year_facet_ignores_year_filter(index):
    _, result = towns(index, q="法律顾问", year=(2024,))
    years = {fv.value: fv.count for fv in result.facets["year"]}
    assert years[2024] == 2 and sum(years.values()) > 2


def test_snippets_mark_the_term_and_escape_the_rest(index):
    _, result = towns(index, q="综合行政执法办公室")
    snippets = [s for hit in result.results for sec in hit.sections for s in sec.snippets]
    assert snippets and all("<mark>综合行政执法办公室</mark>" in s for s in snippets)


def test_mentions_count_every_occurrence(index):
    _, result = towns(index, q="法律顾问")
    for hit in result.results:
        report = index.report(index.ordinal(hit.report_id))
        from search_service.text import normalize

        text = normalize("".join(raw for _, raw in report.searchable_units()))
        assert hit.mentions["法律顾问"] == text.count("法律顾问")


def test_excluded_term_removes_reports(index):
    with_all, _ = towns(index, q="法治")
    without, _ = towns(index, q="法治 -法律顾问")
    have_adviser, _ = towns(index, q="法律顾问")
    assert sorted(without) == sorted(t for t in with_all if t not in have_adviser)


def test_query_of_only_exclusions_is_refused(index):
    with pytest.raises(BadQuery):
        run_search(index, SearchRequest(q="-法律顾问"))
