"""The analyses' answers (coverage, follow-through, terms), as the API
gives them and the CLI prints them with --json: marshmallow schemas that
describe them for the OpenAPI document, and the bodies written out by hand.

A coverage grid of a large collection has tens of thousands of cells, and
dumping through marshmallow costs about 10 µs a value; a test checks that
every body validates against its schema.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import Schema, fields, validate

from search_service.analysis import (
    PARTS,
    REQUIRED_PARTS,
    Coverage,
    CoverageCell,
    CoverageReport,
    FollowThrough,
    ReportSide,
    SignificantTerms,
    UnitKey,
)
from search_service.analysis.coverage import UNIT_FIELDS, main_report, reported_years
from search_service.bodies.search import QueryEchoSchema, dataclass_field, request_echo

STATUSES: tuple[str, ...] = ("on_time", "late", "unknown", "missing")


class CoverageReportSchema(Schema):
    report_id = fields.String()
    published = fields.String(allow_none=True)
    on_time = fields.Boolean(allow_none=True, metadata={"description": "null: the publication date is unknown"})
    parts = fields.List(fields.String(validate=validate.OneOf(PARTS)))
    missing_parts = fields.List(fields.String(validate=validate.OneOf(REQUIRED_PARTS)))
    complete = fields.Boolean()


class CoverageCellSchema(Schema):
    year = fields.Integer()
    status = fields.String(
        validate=validate.OneOf(STATUSES),
        metadata={"description": "with several reports the best known timing decides; missing: no report"},
    )
    complete = fields.Boolean(metadata={"description": "a report of the cell has every required part"})
    report_ids = fields.List(fields.String())
    report_id = fields.String(allow_none=True, metadata={"description": "the cell's main report (most parts)"})
    published = fields.String(allow_none=True)
    on_time = fields.Boolean(allow_none=True)
    parts = fields.List(fields.String(), metadata={"description": "the main report's parts"})
    missing_parts = fields.List(
        fields.String(), metadata={"description": "required parts the main report lacks (all of them for a gap)"}
    )
    reports = fields.List(fields.Nested(CoverageReportSchema))


UnitSchema: type[Schema] = Schema.from_dict(
    {field.name: dataclass_field(field) for field in dataclasses.fields(UnitKey)}, name="UnitSchema"
)
UnitSchema.__doc__ = "A unit and the places it belongs to (analysis.UnitKey): a coverage row's, follow-through's."


class CoverageRowSchema(UnitSchema):  # type: ignore[misc, valid-type]
    reports = fields.Integer(metadata={"description": "years with a report"})
    cells = fields.List(fields.Nested(CoverageCellSchema), metadata={"description": "one per year of `years`"})


class YearTotalsSchema(Schema):
    year = fields.Integer()
    units = fields.Integer()
    reporting = fields.Integer()
    on_time = fields.Integer()
    late = fields.Integer()
    unknown = fields.Integer()
    complete = fields.Integer()


class CoverageResponseSchema(Schema):
    query = fields.Nested(QueryEchoSchema)
    order = fields.String()
    required_parts = fields.List(fields.String())
    years = fields.List(fields.Integer(), metadata={"description": "earliest to latest year seen, gaps included"})
    units = fields.List(fields.Nested(CoverageRowSchema))
    totals = fields.List(fields.Nested(YearTotalsSchema))
    unplaced = fields.Integer(metadata={"description": "matching reports without a unit or year (not in the grid)"})
    unplaced_ids = fields.List(fields.String())


class TextSectionSchema(Schema):
    kind = fields.String()
    heading = fields.String()
    text = fields.String()


class FollowThroughSideSchema(Schema):
    report_id = fields.String()
    title = fields.String(allow_none=True)
    year = fields.Integer()
    published = fields.String(allow_none=True)
    sections = fields.List(fields.Nested(TextSectionSchema))


class FollowThroughTermSchema(Schema):
    term = fields.String()
    plans = fields.Integer(metadata={"description": "occurrences in year N's plans"})
    measures = fields.Integer(metadata={"description": "occurrences in year N+1's measures"})


class FollowThroughResponseSchema(UnitSchema):  # type: ignore[misc, valid-type]
    year = fields.Integer()
    plans = fields.Nested(FollowThroughSideSchema, metadata={"description": "year N's report, its plans sections"})
    measures = fields.Nested(
        FollowThroughSideSchema, metadata={"description": "year N+1's report, its measures sections"}
    )
    shared = fields.List(fields.Nested(FollowThroughTermSchema), metadata={"description": "words in both"})
    missing = fields.List(
        fields.Nested(FollowThroughTermSchema), metadata={"description": "words planned, not in the measures"}
    )


class SignificantTermSchema(Schema):
    term = fields.String()
    score = fields.Float()
    in_set = fields.Integer(metadata={"description": "reports of the result set containing the word"})
    in_collection = fields.Integer(metadata={"description": "reports of the collection containing it"})


class TermChangeSchema(Schema):
    term = fields.String()
    change = fields.Float(metadata={"description": "share of reports in `to` minus share in `from`"})
    in_from = fields.Integer()
    in_to = fields.Integer()


class YearComparisonSchema(Schema):
    year_from = fields.Integer(data_key="from")
    year_to = fields.Integer(data_key="to")
    from_size = fields.Integer()
    to_size = fields.Integer()
    rose = fields.List(fields.Nested(TermChangeSchema))
    fell = fields.List(fields.Nested(TermChangeSchema))


class TermsResponseSchema(Schema):
    query = fields.Nested(QueryEchoSchema)
    score = fields.String(metadata={"description": "the significance score: jlh"})
    set_size = fields.Integer()
    collection_size = fields.Integer()
    terms = fields.List(fields.Nested(SignificantTermSchema), metadata={"description": "best first"})
    years = fields.Nested(YearComparisonSchema, allow_none=True)


# ------------------------------------------------------------------ bodies


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
    return {field.name: getattr(item, field.name) for field in dataclasses.fields(item)}


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
