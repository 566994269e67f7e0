"""JSON and CSV endpoints of the three analyses (issue 14): coverage (who
reported, on time, with every required part), follow-through (year N's
plans beside year N+1's measures) and significant terms. Views only
translate: the analysis package computes, the schemas in analysis_schemas.py
load the parameters and describe the bodies.

The bodies are written out here rather than dumped through the schemas: a
coverage grid of a large collection has tens of thousands of cells, and
dumping through marshmallow costs about 10 µs a value. A test checks that
every body validates against its schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, replace
from typing import Any

from flask import Blueprint, Response, jsonify, request

from search_service.analysis import (
    REQUIRED_PARTS,
    Coverage,
    CoverageCell,
    CoverageReport,
    CoverageRow,
    FollowThrough,
    ReportSide,
    SignificantTerms,
    UnitKey,
    coverage,
    coverage_csv_rows,
    follow_through,
    significant_terms,
)
from search_service.analysis.coverage import UNIT_FIELDS
from search_service.api.analysis_schemas import (
    AnalysisArgsSchema,
    CoverageArgsSchema,
    FollowThroughArgsSchema,
    TermsArgsSchema,
    analysis_args_schema,
)
from search_service.api.export import csv_response
from search_service.api.views import request_echo
from search_service.search import OpenIndex
from search_service.service import current_index, settings

analysis_api = Blueprint("analysis_api", __name__)


def load_analysis_args(cls: type[AnalysisArgsSchema], args: Any) -> Any:
    """Parameters of an analysis endpoint (raises ValidationError: a 400 naming them)."""
    return analysis_args_schema(settings(), cls).load_args(args)


# ------------------------------------------------------------------ coverage


def ordered(grid: Coverage, order: str) -> Coverage:
    """The grid with its rows in `order` (see analysis_schemas.COVERAGE_ORDERS);
    ties keep the place order."""
    rows = list(grid.rows)  # already in place order; sorted() is stable
    if order == "unit":
        rows.sort(key=lambda row: row.unit.unit)
    elif order == "reports":
        rows.sort(key=lambda row: -reported_years(row))
    elif order == "-reports":
        rows.sort(key=reported_years)
    return replace(grid, rows=tuple(rows))


def reported_years(row: CoverageRow) -> int:
    return sum(1 for cell in row.cells if cell.reports)


def main_report(cell: CoverageCell) -> CoverageReport | None:
    """The report a cell shows first: most required parts, then on time
    before unknown before late, then the lowest id."""
    if not cell.reports:
        return None
    timing = {True: 0, None: 1, False: 2}
    return min(cell.reports, key=lambda r: (len(r.missing_parts), timing[r.on_time], r.report_id))


def _report_body(report: CoverageReport) -> dict[str, Any]:
    return {
        "report_id": report.report_id,
        "published": report.published,
        "on_time": report.on_time,
        "parts": list(report.parts),
        "missing_parts": list(report.missing_parts),
        "complete": report.complete,
    }


def unit_body(unit: UnitKey | FollowThrough) -> dict[str, Any]:
    """A unit and its places (UnitSchema): a coverage row's, a follow-through's."""
    return {name: getattr(unit, name) for name in UNIT_FIELDS}


def _values_of(item: Any) -> dict[str, Any]:
    """A flat dataclass's fields by name, in its order (YearTotals, Term,
    SignificantTerm, TermChange): their bodies are exactly their fields."""
    return {field.name: getattr(item, field.name) for field in fields(item)}


def cell_body(cell: CoverageCell) -> dict[str, Any]:
    main = main_report(cell)
    return {
        "year": cell.year,
        "status": cell.status,
        "complete": cell.complete,
        "report_ids": [r.report_id for r in cell.reports],
        "report_id": main.report_id if main else None,
        "published": main.published if main else None,
        "on_time": main.on_time if main else None,
        "parts": list(main.parts) if main else [],
        "missing_parts": list(main.missing_parts) if main else list(REQUIRED_PARTS),
        "reports": [_report_body(r) for r in cell.reports],
    }


def coverage_body(grid: Coverage, order: str) -> dict[str, Any]:
    return {
        "query": request_echo(grid.request),
        "order": order,
        "required_parts": list(REQUIRED_PARTS),
        "years": list(grid.years),
        "units": [
            {
                **unit_body(row.unit),
                "reports": reported_years(row),
                "cells": [cell_body(cell) for cell in row.cells],
            }
            for row in grid.rows
        ],
        "totals": [_values_of(t) for t in grid.totals],
        "unplaced": len(grid.unplaced),
        "unplaced_ids": list(grid.unplaced),
    }


def coverage_for(index: OpenIndex, args: Any) -> tuple[Coverage, str]:
    """The ordered grid for query-string args (the page and the API share it)."""
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


def _side_body(side: ReportSide) -> dict[str, Any]:
    return {
        "report_id": side.report_id,
        "title": side.title,
        "year": side.year,
        "published": side.published,
        "sections": [{"kind": s.kind, "heading": s.heading, "text": s.display_text} for s in side.sections],
    }


def follow_through_body(found: FollowThrough) -> dict[str, Any]:
    return {
        **unit_body(found),
        "year": found.year,
        "plans": _side_body(found.plans),
        "measures": _side_body(found.measures),
        "shared": [_values_of(t) for t in found.shared],
        "missing": [_values_of(t) for t in found.missing],
    }


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
    """The comparison for query-string args (the page, JSON and CSV share it)."""
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


def terms_body(found: SignificantTerms) -> dict[str, Any]:
    years = found.years
    return {
        "query": request_echo(found.request),
        "score": found.score,
        "set_size": found.set_size,
        "collection_size": found.collection_size,
        "terms": [_values_of(t) for t in found.terms],
        "years": None
        if years is None
        else {
            "from": years.year_from,
            "to": years.year_to,
            "from_size": years.from_size,
            "to_size": years.to_size,
            "rose": [_values_of(c) for c in years.rose],
            "fell": [_values_of(c) for c in years.fell],
        },
    }


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
