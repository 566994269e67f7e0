"""The search's answer and a report's, as the API gives them and the CLI
prints them with --json: marshmallow schemas that dump the model's
dataclasses (the OpenAPI document is made from them), and search_body, the
search's answer written out by hand (a test checks the two agree)."""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import Schema, fields, post_dump

from search_service.citing.paragraphs import paragraphs
from search_service.model import ReportFields, ReportHit, SearchRequest, SearchResult, Suggestion, Suggestions
from search_service.params.search import SearchArgsSchema
from search_service.search.facets import FACETS


def _echo_field(name: str) -> fields.Field:
    """How the answer echoes one search parameter: its type as SearchArgsSchema
    reads it, null where it has no default."""
    arg = SearchArgsSchema._declared_fields[name]
    if isinstance(arg, fields.List):
        return fields.List(type(arg.inner)())
    return type(arg)(allow_none=True) if arg.load_default is None else type(arg)()


QueryEchoSchema: type[Schema] = Schema.from_dict(
    {f.name: _echo_field(f.name) for f in dataclasses.fields(SearchRequest)}, name="QueryEchoSchema"
)
QueryEchoSchema.__doc__ = "Dumps a model.SearchRequest: every parameter, as understood."


class TotalSchema(Schema):
    reports = fields.Integer(metadata={"description": "matching reports, whole result set"})
    sections = fields.Integer(metadata={"description": "sections of matching reports that satisfy the query alone"})


class SectionHitSchema(Schema):
    kind = fields.String()
    heading = fields.String()
    snippets = fields.List(fields.String(), metadata={"description": "HTML-escaped; only <mark> is markup"})
    paragraphs = fields.List(
        fields.String(allow_none=True),
        metadata={
            "description": "per snippet, the id of the paragraph its first match is in (/reports/<id>#p17); "
            "null for a match in the heading or title"
        },
    )


def dataclass_field(field: dataclasses.Field) -> fields.Field:
    """The marshmallow field of one dataclass field (model.ReportFields',
    analysis.UnitKey's): an integer or a string, nullable when the type
    says None, described by the field's metadata (annotations are strings,
    see model.py)."""
    annotation = str(field.type)
    kind = fields.Integer if annotation.startswith("int") else fields.String
    options: dict[str, Any] = {"metadata": dict(field.metadata)} if field.metadata else {}
    if "None" in annotation:
        options["allow_none"] = True
    return kind(**options)


ReportFieldsSchema: type[Schema] = Schema.from_dict(
    {
        **{field.name: dataclass_field(field) for field in dataclasses.fields(ReportFields)},
        "label": fields.Function(
            lambda obj: obj.label, metadata={"description": "the title, else unit, year and kind"}
        ),
    },
    name="ReportFieldsSchema",
)
ReportFieldsSchema.__doc__ = "Dumps a model.ReportFields (or a Report, or a ReportHit): every field, and the label."


class ReportHitSchema(ReportFieldsSchema):
    score = fields.Float()
    mentions = fields.Dict(keys=fields.String(), values=fields.Integer())
    sections = fields.List(fields.Nested(SectionHitSchema))


class FacetValueSchema(Schema):
    value = fields.Raw(metadata={"description": "a year (integer) or a name"})
    count = fields.Integer()
    label = fields.String(metadata={"description": "how the value reads (乡镇街道 for township)"})
    selected = fields.Boolean(metadata={"description": "the request chose this value"})
    toggle = fields.String(
        metadata={"description": "the query string of this search with the value chosen, or undone when chosen"}
    )


FacetsSchema: type[Schema] = Schema.from_dict(
    {facet.name: fields.List(fields.Nested(FacetValueSchema)) for facet in FACETS}, name="FacetsSchema"
)


FacetsTruncatedSchema: type[Schema] = Schema.from_dict(
    {facet.name: fields.Boolean() for facet in FACETS}, name="FacetsTruncatedSchema"
)
FacetsTruncatedSchema.__doc__ = "Per facet, whether values with matching reports were left out at facet_size."


class SuggestionSchema(Schema):
    term = fields.String(metadata={"description": "the term to search instead"})
    reports = fields.Integer(metadata={"description": "reports of the whole index mentioning it"})
    q = fields.String(metadata={"description": "the whole query with it"})


class MissingTermSchema(Schema):
    term = fields.String(metadata={"description": "a term of the query that no report mentions"})
    suggestions = fields.List(
        fields.Nested(SuggestionSchema),
        metadata={"description": "the closest terms some report mentions (words a character or two apart, parts)"},
    )


class SuggestionsSchema(Schema):
    """Dumps a model.Suggestions: what to search instead when nothing matches."""

    missing = fields.List(fields.Nested(MissingTermSchema), metadata={"description": "one per term no report mentions"})
    alone = fields.List(
        fields.Nested(SuggestionSchema),
        metadata={"description": "when every term occurs but never together: each term on its own"},
    )
    either = fields.String(metadata={"description": "then, the query with OR between the terms; else empty"})
    unfiltered = fields.Integer(
        allow_none=True,
        metadata={"description": "reports matching the query without its filters; null when not asked"},
    )


class SearchResponseSchema(Schema):
    """Dumps a model.SearchResult."""

    query = fields.Nested(QueryEchoSchema, attribute="request", metadata={"description": "the request as understood"})
    total = fields.Nested(TotalSchema)
    page = fields.Integer(attribute="request.page")
    per_page = fields.Integer(attribute="request.per_page")
    results = fields.List(fields.Nested(ReportHitSchema))
    facets = fields.Nested(FacetsSchema)
    facets_truncated = fields.Nested(
        FacetsTruncatedSchema,
        metadata={
            "description": "per facet, whether values with matching reports were left out at facet_size "
            "(the chosen values never are)"
        },
    )
    suggestions = fields.Nested(
        SuggestionsSchema,
        allow_none=True,
        metadata={"description": "when no report matches, what to search instead; null when some do"},
    )


class ParagraphSchema(Schema):
    id = fields.String(metadata={"description": "stable anchor: /reports/<report_id>#p17"})
    text = fields.String()


class SectionSchema(Schema):
    kind = fields.String()
    heading = fields.String()
    subheadings = fields.List(fields.String())
    text = fields.String(attribute="display_text")
    paragraphs = fields.List(
        fields.Nested(ParagraphSchema),
        dump_only=True,
        metadata={"description": "the section's paragraphs (its non-empty lines) with their stable ids"},
    )


class ReportSchema(ReportFieldsSchema):
    """A whole report, as GET /api/v1/reports/<id> and `parse --json` give it."""

    is_report = fields.Boolean(metadata={"description": "doc_type is annual_report"})
    encoding = fields.String(allow_none=True)
    traditional = fields.Boolean()
    sections = fields.List(fields.Nested(SectionSchema))

    @post_dump(pass_original=True)
    def _paragraphs(self, data: dict[str, Any], report: Any, **kwargs: Any) -> dict[str, Any]:
        """Each section's paragraphs, numbered across the whole report."""
        for section in data["sections"]:
            section["paragraphs"] = []
        for p in paragraphs(report):
            section = report.sections[p.section]
            shown = section.display_text if len(section.display_text) == len(section.text) else section.text
            data["sections"][p.section]["paragraphs"].append({"id": p.id, "text": shown[p.start : p.end]})
        return data


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
        "facets_truncated": {
            name: bool(getattr(result.facets[name], "truncated", False))
            for name in _FACET_ORDER
            if name in result.facets
        },
        "suggestions": None if result.suggestions is None else _suggestions_body(result.suggestions),
    }


def _suggestion_body(s: Suggestion) -> dict[str, Any]:
    return {"term": s.term, "reports": s.reports, "q": s.q}


def _suggestions_body(found: Suggestions) -> dict[str, Any]:
    return {
        "missing": [
            {"term": m.term, "suggestions": [_suggestion_body(s) for s in m.suggestions]} for m in found.missing
        ],
        "alone": [_suggestion_body(s) for s in found.alone],
        "either": found.either,
        "unfiltered": found.unfiltered,
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
