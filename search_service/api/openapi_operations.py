"""The pieces every operation of the OpenAPI document is made of: its
query parameters (from a params/ schema) and its responses (the error
envelope for each error status). openapi.py and the modules that add their
own paths (analysis_openapi.py, citing.py, curation.py) read them."""

from __future__ import annotations

from typing import Any

ERRORS = {
    "400": "a parameter is invalid; error.fields names it",
    "404": "unknown report or route",
    "413": "the request (its query string) is too large",
    "503": "no index has been built, or it was built with another tokenizer",
}


def responses(ok_schema: str, ok_description: str, *errors: str) -> dict[str, Any]:
    """An operation's responses: 200 with ok_schema (a component's name), then
    each error status and 413, each with the error envelope."""
    responses: dict[str, Any] = {
        "200": {"description": ok_description, "content": {"application/json": {"schema": ok_schema}}}
    }
    for status in (*errors, "413"):
        responses[status] = {"description": ERRORS[status], "content": {"application/json": {"schema": "Error"}}}
    return responses


def query(schema: type) -> list[dict[str, Any]]:
    """An operation's parameters: every field of a params/ schema, in the query string."""
    return [{"in": "query", "schema": schema}]
