"""The analysis endpoints in the OpenAPI document, from the schemas of
params/analysis.py and bodies/analysis.py (openapi.py calls add_analysis_paths)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec

from search_service.api.openapi_operations import query, responses
from search_service.bodies.analysis import CoverageResponseSchema, FollowThroughResponseSchema, TermsResponseSchema
from search_service.params.analysis import CoverageArgsSchema, FollowThroughArgsSchema, TermsArgsSchema

# path, operationId, summary, parameters, (200 schema, description, error statuses...)
_JSON: tuple[tuple[str, str, str, type, tuple[str, ...]], ...] = (
    (
        "/api/v1/coverage",
        "coverage",
        "Unit x year grid: who reported, on time (by 1 April of the next year), with which required parts",
        CoverageArgsSchema,
        ("Coverage", "one row per unit, one cell per year, totals per year", "400", "503"),
    ),
    (
        "/api/v1/follow-through",
        "followThrough",
        "A unit's plans of year N beside its measures of year N+1, with shared and missing words",
        FollowThroughArgsSchema,
        ("FollowThrough", "both reports' sections and the compared words", "400", "404", "503"),
    ),
    (
        "/api/v1/terms",
        "significantTerms",
        "Words over-represented in the result set against the collection (JLH); by=year: risen and fallen",
        TermsArgsSchema,
        ("Terms", "words best first", "400", "503"),
    ),
)

# path, operationId, what the rows are, parameters, error statuses
_CSV: tuple[tuple[str, str, str, type, tuple[str, ...]], ...] = (
    (
        "/api/v1/coverage.csv",
        "coverageCsv",
        "one row per unit and year (a further row per further report): unit, level, county, city, province, "
        "year, report_id, published, on_time, measures, problems, leadership, plans, other",
        CoverageArgsSchema,
        ("400", "503"),
    ),
    (
        "/api/v1/follow-through.csv",
        "followThroughCsv",
        "one row per word, shared then missing: unit, level, county, city, province, year, next_year, "
        "plans_report_id, measures_report_id, term, status (shared or missing), plans, measures",
        FollowThroughArgsSchema,
        ("400", "404", "503"),
    ),
    (
        "/api/v1/terms.csv",
        "significantTermsCsv",
        "list (significant, rose, fell), term, score, in_set, in_collection, change, in_from, in_to",
        TermsArgsSchema,
        ("400", "503"),
    ),
)


def add_analysis_paths(spec: APISpec) -> None:
    for name, schema in (
        ("Coverage", CoverageResponseSchema),
        ("FollowThrough", FollowThroughResponseSchema),
        ("Terms", TermsResponseSchema),
    ):
        spec.components.schema(name, schema=schema)
    for path, operation_id, summary, args, (schema, description, *errors) in _JSON:
        _get(spec, path, operation_id, summary, args, responses(schema, description, *errors))
    for path, operation_id, rows, args, errors in _CSV:
        csv_responses = responses("Error", "", *errors)
        csv_responses["200"] = {
            "description": f"CSV, UTF-8 with BOM: {rows}",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
        _get(spec, path, operation_id, f"The same as {path.removesuffix('.csv')}, as CSV", args, csv_responses)


def _get(spec: APISpec, path: str, operation_id: str, summary: str, args: type, answers: dict[str, Any]) -> None:
    spec.path(
        path=path,
        operations={
            "get": {"summary": summary, "operationId": operation_id, "parameters": query(args), "responses": answers}
        },
    )
