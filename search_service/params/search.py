"""The search's parameters: the filters (made from model.FILTERS), paging,
facet size, q and sort, loaded from a query string into a
model.SearchRequest, the one definition the API, the page, the feeds and
the CLI's options read; and the variants of the listing, the exports, the
feed and the trend."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from search_service.config import DEFAULT_LIMITS, Settings
from search_service.model import FILTERS, FILTERS_BY_NAME, SORT_ORDERS, YEAR, Filter, SearchRequest
from search_service.params.query_string import NAME, YEAR_RANGE, QueryArgsSchema
from search_service.search.trend import TREND_DIMENSIONS

_REQUEST_FIELDS = frozenset(f.name for f in dataclasses.fields(SearchRequest))


def filter_arg(spec: Filter) -> fields.Field:
    """The query-string parameter of one filter (model.FILTERS): a list when
    it repeats; a value outside a closed set is a 400 naming the parameter."""
    options: dict[str, Any] = {"metadata": {"description": spec.description}} if spec.description else {}
    kind: type[fields.Field] = fields.Integer if spec.kind == YEAR else fields.String
    validator = YEAR_RANGE if spec.kind == YEAR else validate.OneOf(tuple(spec.values)) if spec.values else NAME
    if spec.repeatable:
        return fields.List(kind(validate=validator), load_default=list, **options)
    return kind(validate=validator, load_default=spec.default, **options)


# The filters' parameters, made from model.FILTERS in their order: the base
# of every schema that takes them.
_FilterParams = QueryArgsSchema.from_dict({spec.name: filter_arg(spec) for spec in FILTERS}, name="FilterParams")


class FilterArgsSchema(_FilterParams):  # type: ignore[misc, valid-type]
    """The filters, paging and facet size every listing and search shares;
    loads into a model.SearchRequest (the one definition the API, the page,
    the CLI and the exports read)."""

    page = fields.Integer(
        validate=validate.Range(min=1, max=DEFAULT_LIMITS.max_page),
        load_default=1,
        metadata={"description": f"page of results, 1-{DEFAULT_LIMITS.max_page} (SEARCH_SERVICE_MAX_PAGE)"},
    )
    per_page = fields.Integer(
        validate=validate.Range(min=1, max=DEFAULT_LIMITS.max_per_page),
        load_default=20,
        metadata={"description": f"results per page, 1-{DEFAULT_LIMITS.max_per_page} (SEARCH_SERVICE_MAX_PER_PAGE)"},
    )
    facet_size = fields.Integer(
        validate=validate.Range(min=0, max=100_000),
        load_default=30,
        metadata={"description": "values per facet, highest counts first, chosen values always included; 0: all"},
    )

    def __init__(
        self, max_page: int = DEFAULT_LIMITS.max_page, max_per_page: int = DEFAULT_LIMITS.max_per_page, **kwargs: Any
    ):
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
            "description": f"query, 1-{DEFAULT_LIMITS.max_query_length} characters after trimming: "
            'terms (AND), A OR B, -term, "quoted term"',
            "pattern": r"\S",
        },
    )
    sort = fields.String(validate=validate.OneOf(SORT_ORDERS), load_default="relevance")

    def __init__(
        self,
        max_query_length: int = DEFAULT_LIMITS.max_query_length,
        max_page: int = DEFAULT_LIMITS.max_page,
        max_per_page: int = DEFAULT_LIMITS.max_per_page,
        **kwargs: Any,
    ):
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
