"""GET /api/v1/curation (issue 22): the documents whose classification,
year, unit or place ingestion decided on weak evidence, with the reasons,
for a curator to settle in the source folder's manifest.csv. The listing
is analysis/curation.py's; its parameters and body are described here by
marshmallow schemas, and the OpenAPI document is made from them."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import quote

from apispec import APISpec
from flask import Blueprint, Response, jsonify, request
from marshmallow import Schema, fields, post_load, validate

from search_service.analysis.curation import CurationList, CurationRequest, curation_list, manifest_line
from search_service.api.schemas import _QueryArgsSchema
from search_service.config import Settings
from search_service.model import DOC_TYPE_CHOICES, DOUBT_FIELDS
from search_service.service import current_index, settings

curation_api = Blueprint("curation_api", __name__)

# Deep pages cost nothing here (a slice of the documents in doubt), so the
# search's 500-page limit does not apply; this one keeps the numbers sane.
MAX_PAGE = 1_000_000


class CurationArgsSchema(_QueryArgsSchema):
    """GET /api/v1/curation parameters; loads into a CurationRequest."""

    field = fields.String(
        load_default=None,
        validate=validate.OneOf(DOUBT_FIELDS),
        metadata={"description": "only the documents in doubt about this field: " + ", ".join(DOUBT_FIELDS)},
    )
    doc_type = fields.String(
        load_default="all",
        validate=validate.OneOf(DOC_TYPE_CHOICES),
        metadata={"description": "annual_report, other or all (default: both, a doubt may be about doc_type)"},
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    def __init__(self, max_per_page: int = 100, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields["per_page"].validators = [validate.Range(min=1, max=max_per_page)]

    @post_load
    def _to_request(self, data: dict[str, Any], **kwargs: Any) -> CurationRequest:
        return CurationRequest(**data)


def curation_args_schema(config: Settings) -> CurationArgsSchema:
    """The parameters' schema with the settings' per_page limit."""
    return _args_schema(config.max_per_page)


@lru_cache(maxsize=8)
def _args_schema(max_per_page: int) -> CurationArgsSchema:
    # Making a schema copies every field; loading keeps no state on it.
    return CurationArgsSchema(max_per_page=max_per_page)


class CurationDoubtSchema(Schema):
    field = fields.String(metadata={"description": "one of " + ", ".join(DOUBT_FIELDS)})
    reason = fields.String(metadata={"description": "why it is in doubt, in Chinese (正文未写报告年份)"})
    value = fields.Raw(allow_none=True, metadata={"description": "what the rules decided for the field; null: nothing"})


class CurationItemSchema(Schema):
    report_id = fields.String()
    source = fields.String(metadata={"description": "the file, relative to the source folder: manifest.csv's file"})
    label = fields.String(metadata={"description": "the title, else unit, year and kind"})
    doc_type = fields.String(metadata={"description": "annual_report or other, as the rules (or the manifest) decided"})
    doc_type_reason = fields.String(metadata={"description": "what decided doc_type; empty when not recorded"})
    doubts = fields.List(fields.Nested(CurationDoubtSchema))
    href = fields.Function(
        serialize=lambda item: report_href(item.report_id),
        deserialize=str,  # so that a body validates against the schema
        metadata={"description": "this service's page of the report's text (/reports/<report_id>)"},
    )
    manifest_row = fields.String(
        metadata={"description": "a manifest.csv row for the file under manifest_columns, the fields left empty"}
    )


class CurationQuerySchema(Schema):
    field = fields.String(allow_none=True)
    doc_type = fields.String()
    page = fields.Integer()
    per_page = fields.Integer()


class CurationResponseSchema(Schema):
    """Dumps a CurationList (with each item's manifest_row)."""

    query = fields.Nested(CurationQuerySchema, attribute="request", metadata={"description": "the request"})
    total = fields.Integer(metadata={"description": "documents in doubt under field and doc_type"})
    documents = fields.Integer(metadata={"description": "documents in doubt about any field, under doc_type alone"})
    by_field = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={"description": "documents in doubt about each field, under doc_type alone"},
    )
    page = fields.Integer(attribute="request.page")
    per_page = fields.Integer(attribute="request.per_page")
    manifest_columns = fields.List(
        fields.String(),
        metadata={"description": "the header of a manifest.csv settling the fields in doubt: file, then the fields"},
    )
    items = fields.List(fields.Nested(CurationItemSchema), metadata={"description": "one page, in source order"})


def report_href(report_id: str) -> str:
    return f"/reports/{quote(report_id, safe='')}"


def curation_body(found: CurationList) -> dict[str, Any]:
    """CurationResponseSchema's dump, each item's manifest_row filled in
    under the list's manifest_columns."""
    body = CurationResponseSchema().dump(found)
    columns = found.manifest_columns
    for data, item in zip(body["items"], found.items, strict=True):
        data["manifest_row"] = manifest_line(item.source, columns)
    return body


def curation_for(args: Any) -> CurationList:
    """The listing for query-string args (the page and the API share it)."""
    return curation_list(current_index(), curation_args_schema(settings()).load_args(args))


@curation_api.get("/api/v1/curation")
def curation_json() -> Response:
    return jsonify(curation_body(curation_for(request.args)))


def add_curation_paths(spec: APISpec) -> None:
    from search_service.api.openapi import _query, _responses

    spec.components.schema("Curation", schema=CurationResponseSchema)
    spec.path(
        path="/api/v1/curation",
        operations={
            "get": {
                "summary": "Documents whose classification, year, unit or place is in doubt, with the reasons, "
                "for a curator to settle in the source folder's manifest.csv",
                "operationId": "curation",
                "parameters": _query(CurationArgsSchema),
                "responses": _responses(
                    "Curation", "one page of the documents in doubt and counts per field", "400", "503"
                ),
            }
        },
    )
