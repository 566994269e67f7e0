"""JSON endpoints of CONTRACT.md. Views only translate: parameters are
loaded by the schemas, the search is search.run_search, bodies are dumped by
the schemas."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from search_service.analysis.curation import curation_summary
from search_service.api.export import csv_response, export_jsonl, export_rows
from search_service.api.schemas import (
    ExportArgsSchema,
    FacetsSchema,
    HealthSchema,
    QueryEchoSchema,
    ReportListArgsSchema,
    ReportListSchema,
    ReportSchema,
    StatsSchema,
    TrendArgsSchema,
    TrendResponseSchema,
)
from search_service.errors import SearchServiceError
from search_service.model import ReportHit, SearchRequest, SearchResult
from search_service.search import OpenIndex, find, run_search
from search_service.search.trend import trend as compute_trend
from search_service.service import current_index, query_limits, search_args_schema

api = Blueprint("api", __name__)


@api.get("/api/v1/search")
def search() -> Response:
    search_request = search_args_schema().load_args(request.args)
    result = run_search(current_index(), search_request, query_limits())
    return jsonify(search_body(result))


def search_body(result: SearchResult) -> dict[str, Any]:
    """SearchResponseSchema().dump(result), written out by hand.

    The schema stays the definition (the OpenAPI document is made from it,
    and a test checks that the two give the same JSON); dumping through it
    cost as much as the search itself, about 10 µs per value, and a common
    term's town facet alone has a value per town."""
    r = result.request
    return {
        "query": request_echo(r),
        "total": {"reports": result.total.reports, "sections": result.total.sections},
        "page": r.page,
        "per_page": r.per_page,
        "results": [_hit_body(hit) for hit in result.results],
        "facets": {
            name: [
                {"value": fv.value, "count": fv.count, "label": fv.label, "selected": fv.selected, "toggle": fv.toggle}
                for fv in result.facets[name]
            ]
            for name in _FACET_ORDER
            if name in result.facets
        },
    }


_FACET_ORDER = tuple(FacetsSchema._declared_fields)


def request_echo(r: SearchRequest) -> dict[str, Any]:
    """The request as QueryEchoSchema dumps it: tuples become lists."""
    return {
        name: list(getattr(r, name)) if isinstance(getattr(r, name), tuple) else getattr(r, name)
        for name in QueryEchoSchema._declared_fields
    }


def _hit_body(hit: ReportHit) -> dict[str, Any]:
    return {
        **hit.field_values(),
        "label": hit.label,
        "score": float(hit.score),
        "mentions": {str(term): int(count) for term, count in hit.mentions.items()},
        "sections": [
            {
                "kind": section.kind,
                "heading": section.heading,
                "snippets": list(section.snippets),
                "paragraphs": list(section.paragraphs),
            }
            for section in hit.sections
        ],
    }


@api.get("/api/v1/search.csv")
def search_csv() -> Response:
    search_request = search_args_schema(ExportArgsSchema).load_args(request.args)
    index = current_index()
    matches = find(index, search_request, query_limits(), with_facets=False)
    return csv_response(export_rows(index, matches), "search.csv")


@api.get("/api/v1/search.jsonl")
def search_jsonl() -> Response:
    search_request = search_args_schema(ExportArgsSchema).load_args(request.args)
    index = current_index()
    matches = find(index, search_request, query_limits(), with_facets=False)
    return Response(export_jsonl(index, matches), mimetype="application/x-ndjson")


@api.get("/api/v1/trend")
def trend() -> Response:
    search_request, by = search_args_schema(TrendArgsSchema).load_args(request.args)
    points = compute_trend(current_index(), search_request, by, query_limits())
    return jsonify(TrendResponseSchema().dump({"query": search_request, "by": by, "values": points}))


@api.get("/api/v1/reports")
def reports() -> Response:
    list_request = ReportListArgsSchema().load_args(request.args)
    index = current_index()
    matches = find(index, list_request)
    start = (list_request.page - 1) * list_request.per_page
    rows = [index.fields_of(int(o)) for o in matches.window(start, start + list_request.per_page)[0]]
    body = {"request": list_request, "total": matches.total, "results": rows, "facets": matches.facets}
    return jsonify(ReportListSchema().dump(body))


@api.get("/api/v1/reports/<string:report_id>")
def report(report_id: str) -> Response:
    index = current_index()
    found = index.report(index.ordinal(report_id))
    return jsonify(ReportSchema().dump(found))


def stats_body(index: OpenIndex) -> dict:
    meta = index.meta
    return StatsSchema().dump(
        {
            "reports": meta["reports"],
            "documents": meta.get("documents", {}),
            "sections": meta["sections"],
            "per_year": meta["per_year"],
            "built_at": meta["built_at"],
            "generation": index.generation,
            "tokenizer": meta["tokenizer"],
            "dictionary": meta["dictionary"],
            "files": meta.get("files", {}),
            "curation": curation_summary(index),
        }
    )


@api.get("/api/v1/stats")
def stats() -> Response:
    return jsonify(stats_body(current_index()))


@api.get("/healthz")
def healthz() -> Response:
    try:
        index = current_index()
    except SearchServiceError as exc:
        response = jsonify({"status": "unavailable", "error": {"code": exc.code, "message": exc.message}})
        response.status_code = 503
        return response
    return jsonify(HealthSchema().dump({"status": "ok", "generation": index.generation, "reports": index.report_count}))


@api.get("/api/v1/openapi.json")
def openapi() -> Response:
    from search_service import __version__
    from search_service.api.openapi import openapi_document

    return jsonify(openapi_document(__version__))
