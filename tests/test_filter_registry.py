"""model.FILTERS is the one definition of the search's filters: each entry
reaches the request, the API's parameters and their validation, the OpenAPI
document, the CLI, the index's codes, the masks, the facets and the page's
labels. These tests walk every entry, so a filter added there is checked
without a test of its own for each place."""

from __future__ import annotations

import dataclasses
import json

import pytest
from marshmallow import fields

from search_service.cli import main
from search_service.model import (
    CODED,
    CODED_FIELDS,
    FACET_FILTERS,
    FILTERS,
    PAGE_FACETS,
    REPORT_FIELDS,
    SearchRequest,
    value_label,
)
from search_service.params import (
    ExportArgsSchema,
    FeedArgsSchema,
    FilterArgsSchema,
    ReportListArgsSchema,
    SearchArgsSchema,
    TrendArgsSchema,
)
from search_service.search.facets import FACETS
from search_service.web.links import FILTER_PARAMS, PARAM_LABELS

NAMES = [f.name for f in FILTERS]
CLOSED = [f for f in FILTERS if f.values]
CODED_FILTERS = [f for f in FILTERS if f.kind == CODED]
SCHEMAS = (FilterArgsSchema, SearchArgsSchema, ReportListArgsSchema, ExportArgsSchema, FeedArgsSchema, TrendArgsSchema)


def test_request_fields_are_q_the_filters_in_their_order_then_order_and_page():
    names = [f.name for f in dataclasses.fields(SearchRequest)]
    assert names == ["q", *NAMES, "sort", "page", "per_page", "facet_size"]


@pytest.mark.parametrize("spec", FILTERS, ids=NAMES)
def test_a_filter_is_a_request_field_with_its_default(spec):
    request = SearchRequest(q="法治")
    expected = () if spec.repeatable else spec.default
    assert getattr(request, spec.name) == expected
    assert request.chosen(spec.name) == ()


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.__name__)
def test_every_schema_takes_every_filter_as_a_list_when_it_repeats(schema):
    declared = schema._declared_fields
    for spec in FILTERS:
        assert spec.name in declared, f"{schema.__name__} lacks {spec.name}"
        assert isinstance(declared[spec.name], fields.List) == spec.repeatable, spec.name


def test_filter_parameters_come_first_in_their_order():
    assert list(FilterArgsSchema._declared_fields)[: len(NAMES)] == NAMES


@pytest.mark.parametrize("spec", CLOSED, ids=[f.name for f in CLOSED])
def test_a_value_outside_a_closed_set_is_a_400_naming_the_parameter(client, spec):
    response = client.get("/api/v1/search", query_string={"q": "法治", spec.name: "nonsense"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert list(error["fields"]) == [spec.name]


@pytest.mark.parametrize("spec", CLOSED, ids=[f.name for f in CLOSED])
def test_every_value_of_a_closed_set_is_accepted(client, spec):
    for value in spec.values:
        response = client.get("/api/v1/search", query_string={"q": "法治", spec.name: value})
        assert response.status_code == 200, (spec.name, value)
        echoed = response.get_json()["query"][spec.name]
        assert echoed == ([value] if spec.repeatable else value)


def test_openapi_document_lists_every_filter_with_its_values(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/search"]["get"]["parameters"]}
    for f in FILTERS:
        schema = params[f.name]["schema"]
        if f.repeatable:
            assert schema["type"] == "array" and params[f.name]["explode"] is True, f.name
            schema = schema["items"]
        if f.values:
            assert [v for v in schema["enum"] if v is not None] == list(f.values), f.name
        if f.description:
            assert params[f.name]["description"] == f.description


def test_cli_search_has_an_option_per_filter(runner):
    help_text = runner.invoke(main, ["search", "--help"]).output
    for name in NAMES:
        assert f"--{name.replace('_', '-')} " in help_text, name


def test_page_names_every_filter_with_its_label():
    assert set(FILTER_PARAMS) == set(NAMES)
    for spec in FILTERS:
        assert PARAM_LABELS[spec.name] == spec.label


def test_facets_are_the_facet_filters_in_the_api_order_and_all_on_the_page():
    names = [f.name for f in FACET_FILTERS]
    assert [facet.name for facet in FACETS] == names
    assert names[:9] == ["year", "doc_type", "level", "province", "city", "county", "town", "unit", "section"]
    assert list(PAGE_FACETS[:9]) == [
        "year",
        "section",
        "level",
        "province",
        "city",
        "county",
        "town",
        "unit",
        "doc_type",
    ]
    assert sorted(PAGE_FACETS) == sorted(names)
    assert {f.name for f in FILTERS if f.facet} == set(names)


def test_api_gives_every_facet_in_order(client):
    body = client.get("/api/v1/search", query_string={"q": "法", "doc_type": "all"}).get_json()
    assert list(body["facets"]) == [f.name for f in FACET_FILTERS]
    listing = client.get("/api/v1/reports", query_string={"doc_type": "all"}).get_json()
    assert list(listing["facets"]) == [f.name for f in FACET_FILTERS]


def test_coded_filters_are_report_fields_stored_as_codes(sample_index):
    from search_service.search import open_index

    assert tuple(f.name for f in CODED_FILTERS) == CODED_FIELDS
    assert set(CODED_FIELDS) <= set(REPORT_FIELDS)
    index = open_index(sample_index)
    try:
        for name in CODED_FIELDS:
            assert len(index.reports.codes[name]) == index.report_count
            stored = {getattr(index.fields_of(i), name) for i in range(index.report_count)} - {None}
            assert set(index.reports.values[name]) == stored, name
    finally:
        index.close()


@pytest.mark.parametrize("spec", CODED_FILTERS, ids=[f.name for f in CODED_FILTERS])
def test_choosing_a_facet_value_gives_its_count_and_only_reports_with_it(client, spec):
    """The facet's count is the total one gets by choosing the value, and
    every result has it; the value's label is the registry's."""
    base = {"q": "法", "doc_type": "all", "facet_size": 0, "per_page": 100}
    facet = client.get("/api/v1/search", query_string=base).get_json()["facets"][spec.name]
    assert facet, f"the samples have no {spec.name}"
    for entry in facet:
        assert (
            entry["label"] == value_label(spec.name, entry["value"]) == spec.values.get(entry["value"], entry["value"])
        )
        body = client.get("/api/v1/search", query_string={**base, spec.name: entry["value"]}).get_json()
        assert body["total"]["reports"] == entry["count"]
        assert {hit[spec.name] for hit in body["results"]} == {entry["value"]}


@pytest.mark.parametrize("spec", CODED_FILTERS, ids=[f.name for f in CODED_FILTERS])
def test_cli_search_with_a_filter_equals_the_api(runner, sample_index, client, spec):
    facet = client.get("/api/v1/search", query_string={"q": "法", "doc_type": "all"}).get_json()["facets"][spec.name]
    value = facet[0]["value"]
    option = "--" + spec.name.replace("_", "-")
    result = runner.invoke(
        main, ["search", "法", option, value, "--doc-type", "all", "--index", str(sample_index), "--json"]
    )
    assert result.exit_code == 0, result.output
    api = client.get("/api/v1/search", query_string={"q": "法", spec.name: value, "doc_type": "all"}).get_json()
    assert json.loads(result.stdout) == api
    assert api["query"][spec.name] == [value]
