"""JSON endpoints of CONTRACT.md. Views only translate: parameters are
loaded by params/, the search is search.run_search, bodies are written by
bodies/ and api/schemas.py."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from search_service.analysis.curation import curation_summary
from search_service.api.export import csv_response, export_jsonl, export_rows
from search_service.api.openapi import openapi_document
from search_service.api.schemas import HealthSchema, ReportListSchema, StatsSchema, TrendResponseSchema
from search_service.bodies.search import ReportSchema, search_body
from search_service.errors import SearchServiceError
from search_service.params import ExportArgsSchema, ReportListArgsSchema, TrendArgsSchema
from search_service.search import OpenIndex, find, run_search
from search_service.search.trend import trend as compute_trend
from search_service.service import current_index, query_limits, search_args_schema
from search_service.version import __version__

api = Blueprint("api", __name__)


@api.get("/api/v1/search")
def search() -> Response:
    search_request = search_args_schema().load_args(request.args)
    result = run_search(current_index(), search_request, query_limits())
    return jsonify(search_body(result))


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
    body = {
        "request": list_request,
        "total": matches.total,
        "results": rows,
        "facets": matches.facets,
        "facets_truncated": {name: values.truncated for name, values in matches.facets.items()},
    }
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
    return jsonify(openapi_document(__version__))
