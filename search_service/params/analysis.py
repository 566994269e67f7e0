"""The parameters of the analyses (coverage, follow-through, terms): the
search's filters (FilterArgsSchema, the one definition) with `q` optional
and without paging, plus each one's own."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, ValidationError, fields, post_load, validate, validates_schema

from search_service.analysis.coverage import COVERAGE_ORDERS
from search_service.config import DEFAULT_LIMITS, Settings
from search_service.model import SearchRequest
from search_service.params.query_string import NAME, YEAR_RANGE, QueryArgsSchema
from search_service.params.search import FilterArgsSchema

TERMS_BY: tuple[str, ...] = ("year",)


class AnalysisArgsSchema(FilterArgsSchema):
    """The search's filters with an optional q (empty: every report under the
    filters); paging and facet size do not apply to a whole-set analysis."""

    class Meta:
        unknown = EXCLUDE
        exclude = ("page", "per_page", "facet_size")

    q = fields.String(
        load_default="",
        validate=validate.Length(max=DEFAULT_LIMITS.max_query_length),
        metadata={
            "description": 'optional query (terms, A OR B, -term, "quoted term"); empty or absent: every report '
            "under the filters"
        },
    )

    def __init__(self, max_query_length: int = DEFAULT_LIMITS.max_query_length, **kwargs: Any) -> None:
        # FilterArgsSchema.__init__ sets the paging limits, which are excluded here.
        QueryArgsSchema.__init__(self, **kwargs)
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


class FollowThroughArgsSchema(QueryArgsSchema):
    """GET /api/v1/follow-through: one unit and year N (its plans beside its
    year N+1 measures); county, city or province tell apart units of one name."""

    unit = fields.String(required=True, validate=NAME, metadata={"description": "issuing unit as named (吉水镇)"})
    year = fields.Integer(
        required=True,
        validate=validate.Range(min=1949, max=2099, error="must be a year between {min} and {max}"),
        metadata={"description": "year N: its plans against the measures of year N+1"},
    )
    county = fields.String(validate=NAME, load_default=None)
    city = fields.String(validate=NAME, load_default=None)
    province = fields.String(validate=NAME, load_default=None)


def analysis_args_schema(settings: Settings, cls: type[AnalysisArgsSchema]) -> AnalysisArgsSchema:
    """An analysis endpoint's schema with the settings' query length limit."""
    return cls(max_query_length=settings.max_query_length)
