"""The curation list's parameters (issue 22): the field in doubt, the
documents' type and paging, loaded into an analysis.curation.CurationRequest."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from marshmallow import fields, post_load, validate

from search_service.analysis.curation import CurationRequest
from search_service.config import DEFAULT_LIMITS, Settings
from search_service.model import DOC_TYPE_CHOICES, DOUBT_FIELDS
from search_service.params.query_string import QueryArgsSchema

# Deep pages cost nothing here (a slice of the documents in doubt), so the
# search's 500-page limit does not apply; this one keeps the numbers sane.
MAX_PAGE = 1_000_000


class CurationArgsSchema(QueryArgsSchema):
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
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=DEFAULT_LIMITS.max_per_page))

    def __init__(self, max_per_page: int = DEFAULT_LIMITS.max_per_page, **kwargs: Any) -> None:
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
