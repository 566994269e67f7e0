"""JSON and CSV endpoints of the three analyses (issue 14): coverage (who
reported, on time, with every required part), follow-through (year N's
plans beside year N+1's measures) and significant terms. Views only
translate: the analysis package computes, params/analysis.py loads the
parameters, bodies/analysis.py writes the JSON bodies (the CLI prints the
same), and the CSV rows are written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, jsonify, request

from search_service.analysis import (
    Coverage,
    FollowThrough,
    SignificantTerms,
    coverage,
    coverage_csv_rows,
    follow_through,
    significant_terms,
)
from search_service.analysis.coverage import UNIT_FIELDS, ordered
from search_service.api.export import csv_response
from search_service.bodies.analysis import coverage_body, follow_through_body, terms_body, unit_body
from search_service.params.analysis import (
    AnalysisArgsSchema,
    CoverageArgsSchema,
    FollowThroughArgsSchema,
    TermsArgsSchema,
    analysis_args_schema,
)
from search_service.search import OpenIndex
from search_service.service import current_index, settings

analysis_api = Blueprint("analysis_api", __name__)


def load_analysis_args(cls: type[AnalysisArgsSchema], args: Any) -> Any:
    """Parameters of an analysis endpoint (raises ValidationError: a 400 naming them)."""
    return analysis_args_schema(settings(), cls).load_args(args)


# ------------------------------------------------------------------ coverage


def coverage_for(index: OpenIndex, args: Any) -> tuple[Coverage, str]:
    """The ordered grid for query-string args."""
    search_request, order = load_analysis_args(CoverageArgsSchema, args)
    return ordered(coverage(index, search_request), order), order


@analysis_api.get("/api/v1/coverage")
def coverage_json() -> Response:
    grid, order = coverage_for(current_index(), request.args)
    return jsonify(coverage_body(grid, order))


@analysis_api.get("/api/v1/coverage.csv")
def coverage_csv() -> Response:
    grid, _ = coverage_for(current_index(), request.args)
    return csv_response(coverage_csv_rows(grid), "coverage.csv")


# ------------------------------------------------------------ follow-through


FOLLOW_THROUGH_CSV_COLUMNS = (
    *UNIT_FIELDS,
    "year",
    "next_year",
    "plans_report_id",
    "measures_report_id",
    "term",
    "status",
    "plans",
    "measures",
)


def follow_through_csv_rows(found: FollowThrough) -> Iterator[list[Any]]:
    """Header, then one row per word: the shared ones (status=shared), then
    the missing ones (status=missing), each in the JSON body's order, with
    the unit, its places and the two years on every row."""
    yield list(FOLLOW_THROUGH_CSV_COLUMNS)
    places = ["" if v is None else v for v in unit_body(found).values()]
    common = [*places, found.year, found.year + 1, found.plans.report_id, found.measures.report_id]
    for status, terms in (("shared", found.shared), ("missing", found.missing)):
        for t in terms:
            yield [*common, t.term, status, t.plans, t.measures]


def follow_through_for(index: OpenIndex, args: Any) -> FollowThrough:
    """The comparison for query-string args (JSON and CSV)."""
    return follow_through(index, **FollowThroughArgsSchema().load_args(args))


@analysis_api.get("/api/v1/follow-through")
def follow_through_json() -> Response:
    return jsonify(follow_through_body(follow_through_for(current_index(), request.args)))


@analysis_api.get("/api/v1/follow-through.csv")
def follow_through_csv() -> Response:
    return csv_response(
        follow_through_csv_rows(follow_through_for(current_index(), request.args)), "follow-through.csv"
    )


# --------------------------------------------------------------------- terms

TERMS_CSV_COLUMNS = ("list", "term", "score", "in_set", "in_collection", "change", "in_from", "in_to")


def terms_csv_rows(found: SignificantTerms) -> Iterator[list[Any]]:
    """Header, then the significant words (list=significant), then with
    by=year the risen and fallen ones (list=rose / fell)."""
    yield list(TERMS_CSV_COLUMNS)
    for t in found.terms:
        yield ["significant", t.term, t.score, t.in_set, t.in_collection, "", "", ""]
    if found.years is not None:
        for name, changes in (("rose", found.years.rose), ("fell", found.years.fell)):
            for c in changes:
                yield [name, c.term, "", "", "", c.change, c.in_from, c.in_to]


def terms_for(index: OpenIndex, args: Any) -> SignificantTerms:
    search_request, size, years = load_analysis_args(TermsArgsSchema, args)
    return significant_terms(index, search_request, size=size, by_year=years)


@analysis_api.get("/api/v1/terms")
def terms_json() -> Response:
    return jsonify(terms_body(terms_for(current_index(), request.args)))


@analysis_api.get("/api/v1/terms.csv")
def terms_csv() -> Response:
    return csv_response(terms_csv_rows(terms_for(current_index(), request.args)), "terms.csv")
