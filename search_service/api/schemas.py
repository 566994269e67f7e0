"""marshmallow schemas of the API's own answers: stats, health, the
listing, the trend, the changes and the error envelope. The OpenAPI
document is made from them; the answers the CLI prints too (the search, a
report, the analyses, the curation list) are described in bodies/, the
request parameters in params/."""

from __future__ import annotations

from marshmallow import Schema, fields

from search_service.bodies.search import QueryEchoSchema, ReportFieldsSchema, SearchResponseSchema


class ChangesSchema(Schema):
    """What the builds after `since` did, folded (citing/changes.py)."""

    added = fields.List(fields.String(), metadata={"description": "report ids now in the index, new since then"})
    changed = fields.List(
        fields.String(), metadata={"description": "report ids now in the index whose file held another report"}
    )
    removed = fields.List(fields.String(), metadata={"description": "report ids no longer in the index"})
    until = fields.String(
        allow_none=True, metadata={"description": "the time of the last build logged: the next call's since"}
    )
    complete = fields.Boolean(metadata={"description": "false when the log begins after since (older index)"})


class ReportListSchema(SearchResponseSchema):
    """Dumps a model.SearchResult of a listing (no q): the search's answer
    without the query echo and the suggestions, the total of reports alone,
    and the hits' report fields."""

    class Meta:
        exclude = ("query", "suggestions")

    total = fields.Integer(attribute="total.reports")
    results = fields.List(fields.Nested(ReportFieldsSchema))


class TrendPointSchema(Schema):
    value = fields.Raw(metadata={"description": "a year (integer) or a place name"})
    matching = fields.Integer(metadata={"description": "reports that match the query"})
    total = fields.Integer(metadata={"description": "all reports (with the same filters)"})
    share = fields.Float(metadata={"description": "matching / total"})


class TrendResponseSchema(Schema):
    query = fields.Nested(QueryEchoSchema)
    by = fields.String()
    values = fields.List(fields.Nested(TrendPointSchema))


class ErrorBodySchema(Schema):
    code = fields.String()
    message = fields.String()
    fields_ = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields")


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)


class CurationSummarySchema(Schema):
    documents = fields.Integer(metadata={"description": "documents in doubt about any field"})
    by_field = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "per field"})


class StatsSchema(Schema):
    reports = fields.Integer(metadata={"description": "annual reports"})
    documents = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "indexed documents per doc_type"}
    )
    sections = fields.Integer()
    per_year = fields.Dict(keys=fields.String(), values=fields.Integer())
    built_at = fields.String()
    generation = fields.String()
    tokenizer = fields.String()
    dictionary = fields.String()
    files = fields.Dict(keys=fields.String(), values=fields.Integer())
    curation = fields.Nested(
        CurationSummarySchema,
        metadata={"description": "documents whose classification, year, unit or place is in doubt (/api/v1/curation)"},
    )


class HealthSchema(Schema):
    status = fields.String()
    generation = fields.String()
    reports = fields.Integer()
