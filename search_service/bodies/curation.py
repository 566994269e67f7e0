"""The curation list's answer (issue 22), as GET /api/v1/curation gives
it and `search-service curation --json` prints it: marshmallow schemas (the
OpenAPI document is made from them) and the body, each item's manifest row
filled in."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from marshmallow import Schema, fields

from search_service.analysis.curation import CurationList, manifest_line
from search_service.model import DOUBT_FIELDS


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
