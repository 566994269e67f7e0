"""marshmallow schemas of the analysis endpoints (coverage, follow-through,
terms): their parameters in, their bodies described for the OpenAPI document.

The parameters are the search's filters (FilterArgsSchema, the one
definition) with `q` optional and without paging, plus each endpoint's own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates_schema

from search_service.analysis import PARTS, REQUIRED_PARTS, UnitKey
from search_service.api.schemas import YEAR_RANGE, FilterArgsSchema, QueryEchoSchema, _QueryArgsSchema, dataclass_field
from search_service.config import Settings
from search_service.model import SearchRequest

COVERAGE_ORDERS: tuple[str, ...] = ("place", "unit", "reports", "-reports")
TERMS_BY: tuple[str, ...] = ("year",)
STATUSES: tuple[str, ...] = ("on_time", "late", "unknown", "missing")
_NAME = validate.Length(min=1, max=50)


class AnalysisArgsSchema(FilterArgsSchema):
    """The search's filters with an optional q (empty: every report under the
    filters); paging and facet size do not apply to a whole-set analysis."""

    class Meta:
        unknown = EXCLUDE
        exclude = ("page", "per_page", "facet_size")

    q = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={
            "description": 'optional query (terms, A OR B, -term, "quoted term"); empty or absent: every report '
            "under the filters"
        },
    )

    def __init__(self, max_query_length: int = 200, **kwargs: Any) -> None:
        # FilterArgsSchema.__init__ sets the paging limits, which are excluded here.
        _QueryArgsSchema.__init__(self, **kwargs)
        self.max_query_length = max_query_length
        self.fields["q"].validators = [validate.Length(max=max_query_length)]


class CoverageArgsSchema(AnalysisArgsSchema):
    """GET /api/v1/coverage and /api/v1/coverage.csv: the filters, and the
    order of the units (rows)."""

    order = fields.String(
        validate=validate.OneOf(COVERAGE_ORDERS),
        load_default="place",
        metadata={
            "description": "rows by place (province, city, county, unit), by unit name, by reports (most years "
            "reported first) or -reports (fewest first)"
        },
    )

    @post_load
    def _to_request(self, data: dict[str, Any], **kwargs: Any) -> tuple[SearchRequest, str]:  # type: ignore[override]
        return super()._to_request(data, **kwargs), data["order"]


class TermsArgsSchema(AnalysisArgsSchema):
    """GET /api/v1/terms and /api/v1/terms.csv: the filters, how many words,
    and by=year with the two years compared."""

    size = fields.Integer(
        validate=validate.Range(min=1, max=200), load_default=30, metadata={"description": "words in each list"}
    )
    by = fields.String(
        validate=validate.OneOf(TERMS_BY),
        load_default=None,
        metadata={"description": "year: also the words that rose and fell most from year `from` to year `to`"},
    )
    year_a = fields.Integer(
        data_key="from", validate=YEAR_RANGE, load_default=None, metadata={"description": "with by=year: earlier year"}
    )
    year_b = fields.Integer(
        data_key="to", validate=YEAR_RANGE, load_default=None, metadata={"description": "with by=year: later year"}
    )

    @validates_schema
    def _years_with_by(self, data: dict[str, Any], **kwargs: Any) -> None:
        by, a, b = data.get("by"), data.get("year_a"), data.get("year_b")
        if by == "year":
            missing = {key: "required with by=year" for key, v in (("from", a), ("to", b)) if v is None}
            if missing:
                raise ValidationError(missing)
        elif a is not None or b is not None:
            raise ValidationError("must be year when from or to is given", "by")

    @post_load
    def _to_request(self, data: dict[str, Any], **kwargs: Any) -> tuple[SearchRequest, int, tuple[int, int] | None]:  # type: ignore[override]
        years = (data["year_a"], data["year_b"]) if data.get("by") == "year" else None
        return super()._to_request(data, **kwargs), data["size"], years


class FollowThroughArgsSchema(_QueryArgsSchema):
    """GET /api/v1/follow-through: one unit and year N (its plans beside its
    year N+1 measures); county, city or province tell apart units of one name."""

    unit = fields.String(required=True, validate=_NAME, metadata={"description": "issuing unit as named (吉水镇)"})
    year = fields.Integer(
        required=True,
        validate=validate.Range(min=1949, max=2099, error="must be a year between {min} and {max}"),
        metadata={"description": "year N: its plans against the measures of year N+1"},
    )
    county = fields.String(validate=_NAME, load_default=None)
    city = fields.String(validate=_NAME, load_default=None)
    province = fields.String(validate=_NAME, load_default=None)


def analysis_args_schema(settings: Settings, cls: type[AnalysisArgsSchema]) -> AnalysisArgsSchema:
    """An analysis endpoint's schema with the settings' query length limit."""
    return cls(max_query_length=settings.max_query_length)


# ------------------------------------------------------------------ responses


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
