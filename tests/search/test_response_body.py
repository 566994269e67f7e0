"""The search answer written out by hand is the schema's dump, key for key."""

from __future__ import annotations

import json

import pytest

from search_service.bodies.search import SearchResponseSchema, search_body
from search_service.model import (
    FacetValue,
    ReportHit,
    SearchRequest,
    SearchResult,
    SearchTotal,
    SectionHit,
)
from search_service.search import open_index, run_search


@pytest.fixture(scope="module")
def index(sample_index):
    return open_index(sample_index)


def _same_json(result: SearchResult) -> None:
    by_hand = json.dumps(search_body(result), ensure_ascii=False)
    by_schema = json.dumps(SearchResponseSchema().dump(result), ensure_ascii=False)
    assert by_hand == by_schema


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(q="法律顾问"),
        SearchRequest(q="法律顾问", year=(2024,)),
        SearchRequest(q="法", per_page=100),
        SearchRequest(q="八五普法 OR 综合行政执法办公室 -信访", sort="-year"),
        SearchRequest(q="法治", section="problems", year_from=2020, year_to=2024, page=2, per_page=1),
        SearchRequest(q="法治", province=("广东省",), city=("湛江市",), county=("廉江市",), town=("吉水镇",)),
        SearchRequest(q="没有这个词语"),
    ],
)
def test_search_body_equals_the_schema_dump(index, request_):
    _same_json(run_search(index, request_))


def test_search_body_equals_the_schema_dump_with_unknown_fields():
    hit = ReportHit(
        report_id="x",
        title=None,
        doc_type="annual_report",
        level="township",
        unit="某镇",
        url=None,
        town=None,
        county=None,
        city=None,
        province=None,
        year=None,
        published=None,
        source="a/b.txt",
        score=3,
        mentions={"法律顾问": 2, "A&B": 0},
        sections=[SectionHit(kind="measures", heading="一、主要工作", snippets=["…<mark>法律顾问</mark>&amp;…"])],
    )
    result = SearchResult(
        request=SearchRequest(q='"法律 顾问"', year=(2023, 2024), section="measures"),
        total=SearchTotal(reports=1, sections=1),
        results=[hit],
        facets={
            "section": [FacetValue("measures", 1)],
            "year": [FacetValue(2024, 1)],
            "town": [],
        },
    )
    _same_json(result)
