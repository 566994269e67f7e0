"""marshmallow schemas: request parameters in, response bodies out.

They are the single description of the API: the views load and dump with
them, and the OpenAPI document is generated from them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, post_load, validate, validates_schema
from werkzeug.datastructures import MultiDict

from search_service.citing.changes import parse_time
from search_service.citing.citation import CITATION_FORMATS
from search_service.citing.paragraphs import paragraph_number, paragraphs
from search_service.config import Settings
from search_service.model import (
    FILTERS,
    FILTERS_BY_NAME,
    SORT_ORDERS,
    YEAR,
    Filter,
    ReportFields,
    SearchRequest,
)
from search_service.search.facets import FACETS
from search_service.search.trend import TREND_DIMENSIONS

YEAR_RANGE = validate.Range(min=1949, max=2100, error="must be a year between {min} and {max}")


class _QueryArgsSchema(Schema):
    """Reads a query string: list fields take every value, others the first."""

    class Meta:
        unknown = EXCLUDE

    def load_args(self, args: MultiDict | Mapping[str, Any]) -> Any:
        data: dict[str, Any] = {}
        for name, field in self.fields.items():
            key = field.data_key or name
            if isinstance(args, MultiDict):
                values = args.getlist(key)
            else:
                raw = args.get(key)
                values = [] if raw is None else (list(raw) if isinstance(raw, (list, tuple)) else [raw])
            if not values:
                continue
            data[key] = values if isinstance(field, fields.List) else values[-1]
        return self.load(data)


_NAME = validate.Length(min=1, max=50)
_REQUEST_FIELDS = frozenset(f.name for f in dataclasses.fields(SearchRequest))


def filter_arg(spec: Filter) -> fields.Field:
    """The query-string parameter of one filter (model.FILTERS): a list when
    it repeats; a value outside a closed set is a 400 naming the parameter."""
    options: dict[str, Any] = {"metadata": {"description": spec.description}} if spec.description else {}
    kind: type[fields.Field] = fields.Integer if spec.kind == YEAR else fields.String
    validator = YEAR_RANGE if spec.kind == YEAR else validate.OneOf(tuple(spec.values)) if spec.values else _NAME
    if spec.repeatable:
        return fields.List(kind(validate=validator), load_default=list, **options)
    return kind(validate=validator, load_default=spec.default, **options)


# The filters' parameters, made from model.FILTERS in their order: the base
# of every schema that takes them.
_FilterParams = _QueryArgsSchema.from_dict({spec.name: filter_arg(spec) for spec in FILTERS}, name="FilterParams")


class FilterArgsSchema(_FilterParams):  # type: ignore[misc, valid-type]
    """The filters, paging and facet size every listing and search shares;
    loads into a model.SearchRequest (the one definition the API, the page,
    the CLI and the exports read)."""

    page = fields.Integer(validate=validate.Range(min=1, max=500), load_default=1)
    per_page = fields.Integer(validate=validate.Range(min=1, max=100), load_default=20)
    facet_size = fields.Integer(
        validate=validate.Range(min=0, max=100_000),
        load_default=30,
        metadata={"description": "values per facet, highest counts first, chosen values always included; 0: all"},
    )

    def __init__(self, max_page: int = 500, max_per_page: int = 100, **kwargs: Any):
        super().__init__(**kwargs)
        self.fields["page"].validators = [validate.Range(min=1, max=max_page)]
        self.fields["per_page"].validators = [validate.Range(min=1, max=max_per_page)]

    @validates_schema
    def _year_range_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("year_from"), data.get("year_to")
        if low is not None and high is not None and low > high:
            raise ValidationError("must not be after year_to", "year_from")

    @post_load
    def _to_request(self, data: dict[str, Any], **kwargs: Any) -> SearchRequest:
        values = {
            name: tuple(value) if isinstance(value, list) else value
            for name, value in data.items()
            if name in _REQUEST_FIELDS
        }
        values["q"] = (values.get("q") or "").strip()
        return SearchRequest(**values)


class SearchArgsSchema(FilterArgsSchema):
    """GET /api/v1/search parameters."""

    q = fields.String(
        required=True,
        metadata={
            "description": 'query, 1-200 characters after trimming: terms (AND), A OR B, -term, "quoted term"',
            "pattern": r"\S",
        },
    )
    sort = fields.String(validate=validate.OneOf(SORT_ORDERS), load_default="relevance")

    def __init__(self, max_query_length: int = 200, max_page: int = 500, max_per_page: int = 100, **kwargs: Any):
        super().__init__(max_page=max_page, max_per_page=max_per_page, **kwargs)
        self.max_query_length = max_query_length

    @validates_schema
    def _query_length(self, data: dict[str, Any], **kwargs: Any) -> None:
        q = data.get("q")
        if q is None:
            return
        stripped = q.strip()
        if not stripped:
            raise ValidationError("must not be empty", "q")
        if len(stripped) > self.max_query_length:
            raise ValidationError(f"must be at most {self.max_query_length} characters (got {len(stripped)})", "q")


@lru_cache(maxsize=32)
def _args_schema(
    cls: type[SearchArgsSchema], max_query_length: int, max_page: int, max_per_page: int
) -> SearchArgsSchema:
    """One schema per kind and limits: making one copies every field (about
    1 ms), and loading keeps no state on the schema, so it can be shared."""
    return cls(max_query_length=max_query_length, max_page=max_page, max_per_page=max_per_page)


def search_args_schema(settings: Settings, cls: type[SearchArgsSchema] | None = None) -> SearchArgsSchema:
    """The search parameters' schema (or a subclass's) with the settings' limits."""
    return _args_schema(cls or SearchArgsSchema, settings.max_query_length, settings.max_page, settings.max_per_page)


class ReportListArgsSchema(FilterArgsSchema):
    """GET /api/v1/reports parameters: the search filters, no q."""

    section = filter_arg(
        dataclasses.replace(FILTERS_BY_NAME["section"], description="only reports having a section of this kind")
    )
    sort = fields.String(validate=validate.OneOf(SORT_ORDERS), load_default="-year")


class ExportArgsSchema(SearchArgsSchema):
    """GET /api/v1/search.csv and .jsonl: the search parameters; paging is
    ignored, the whole result set is written."""


class FeedArgsSchema(SearchArgsSchema):
    """GET /feeds/search.atom: the search's parameters; q may be left out
    for a feed of every new report under the filters. Sort and paging are
    ignored: a feed is the newest matching reports."""

    q = fields.String(
        load_default=None,
        metadata={"description": SearchArgsSchema._declared_fields["q"].metadata["description"], "pattern": r"\S"},
    )


class TrendArgsSchema(SearchArgsSchema):
    """GET /api/v1/trend parameters: the search's, plus `by`."""

    by = fields.String(validate=validate.OneOf(TREND_DIMENSIONS), load_default="year")

    @post_load
    def _to_request(self, data: dict[str, Any], **kwargs: Any) -> tuple[SearchRequest, str]:  # type: ignore[override]
        return super()._to_request(data, **kwargs), data["by"]


# ------------------------------------------------------------------ responses


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


class SearchResponseSchema(Schema):
    """Dumps a model.SearchResult."""

    query = fields.Nested(QueryEchoSchema, attribute="request", metadata={"description": "the request as understood"})
    total = fields.Nested(TotalSchema)
    page = fields.Integer(attribute="request.page")
    per_page = fields.Integer(attribute="request.per_page")
    results = fields.List(fields.Nested(ReportHitSchema))
    facets = fields.Nested(FacetsSchema)


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


def _paragraph_ref(ref: str) -> bool:
    try:
        paragraph_number(ref)
    except ValueError:
        raise ValidationError("must be a paragraph id such as p17, or its number 17") from None
    return True


class CitationArgsSchema(_QueryArgsSchema):
    """GET /api/v1/reports/<id>/citation parameters."""

    paragraph = fields.String(
        load_default=None,
        validate=_paragraph_ref,
        metadata={
            "description": "a paragraph id (p17) or number (17); the whole report when absent",
            "pattern": r"^p?[1-9][0-9]{0,8}$",
        },
    )
    format = fields.String(
        validate=validate.OneOf(CITATION_FORMATS),
        load_default="text",
        metadata={"description": "text: GB/T 7714-2015 (default); bibtex; ris"},
    )
    consulted = fields.Date(
        load_default=None, metadata={"description": "the date consulted (YYYY-MM-DD); today when absent"}
    )


class ChangesArgsSchema(_QueryArgsSchema):
    """GET /api/v1/changes parameters."""

    since = fields.String(
        required=True,
        metadata={"description": "an ISO 8601 time (UTC when without offset), e.g. the `until` of the last answer"},
    )

    @validates_schema
    def _since_is_a_time(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "since" in data:
            try:
                parse_time(data["since"])
            except ValueError:
                raise ValidationError("must be an ISO 8601 time such as 2025-01-31T08:00:00Z", "since") from None


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
    without the query echo, the total of reports alone, and the hits'
    report fields."""

    class Meta:
        exclude = ("query",)

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
