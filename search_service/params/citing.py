"""The parameters of citing and following (issue 15): a citation's
paragraph, format and date consulted; the time the changes are asked from."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from search_service.citing.changes import parse_time
from search_service.citing.citation import CITATION_FORMATS
from search_service.citing.paragraphs import paragraph_number
from search_service.params.query_string import QueryArgsSchema


def _paragraph_ref(ref: str) -> bool:
    try:
        paragraph_number(ref)
    except ValueError:
        raise ValidationError("must be a paragraph id such as p17, or its number 17") from None
    return True


class CitationArgsSchema(QueryArgsSchema):
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


class ChangesArgsSchema(QueryArgsSchema):
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
