"""GET /api/v1/curation (issue 22): the documents whose classification,
year, unit or place ingestion decided on weak evidence, with the reasons,
for a curator to settle in the source folder's manifest.csv. The listing
is analysis/curation.py's, its parameters params/curation.py's and its
body bodies/curation.py's (the CLI prints the same)."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from flask import Blueprint, Response, jsonify, request

from search_service.analysis.curation import CurationList, curation_list
from search_service.api.openapi_operations import query, responses
from search_service.bodies.curation import CurationResponseSchema, curation_body
from search_service.params.curation import CurationArgsSchema, curation_args_schema
from search_service.service import current_index, settings

curation_api = Blueprint("curation_api", __name__)


def curation_for(args: Any) -> CurationList:
    """The listing for query-string args."""
    return curation_list(current_index(), curation_args_schema(settings()).load_args(args))


@curation_api.get("/api/v1/curation")
def curation_json() -> Response:
    return jsonify(curation_body(curation_for(request.args)))


def add_curation_paths(spec: APISpec) -> None:
    spec.components.schema("Curation", schema=CurationResponseSchema)
    spec.path(
        path="/api/v1/curation",
        operations={
            "get": {
                "summary": "Documents whose classification, year, unit or place is in doubt, with the reasons, "
                "for a curator to settle in the source folder's manifest.csv",
                "operationId": "curation",
                "parameters": query(CurationArgsSchema),
                "responses": responses(
                    "Curation", "one page of the documents in doubt and counts per field", "400", "503"
                ),
            }
        },
    )
