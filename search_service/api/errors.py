"""The one place where failures become the contract's error envelope:
{"error": {"code": ..., "message": ..., "fields": {...}}}. No answer ever
carries a traceback."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from search_service.errors import SearchServiceError

log = logging.getLogger(__name__)


def flatten_messages(messages: Any) -> str:
    """marshmallow's nested messages ({0: ['Not a valid integer.']}) as one line."""
    if isinstance(messages, dict):
        return "; ".join(flatten_messages(v) for v in messages.values())
    if isinstance(messages, (list, tuple)):
        return "; ".join(flatten_messages(v) for v in messages)
    return str(messages)


def error_response(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    return response


def invalid_parameters(exc: ValidationError) -> tuple[str, dict[str, str]]:
    """The envelope's message and fields for bad parameters, as the API, the
    pages and the CLI all word them: "invalid parameters: year: …; level: …"."""
    fields = {name: flatten_messages(msgs) for name, msgs in exc.normalized_messages().items()}
    return "invalid parameters: " + "; ".join(f"{name}: {msg}" for name, msg in fields.items()), fields


def validation_error(exc: ValidationError) -> Response:
    message, fields = invalid_parameters(exc)
    return error_response(400, "bad_request", message, fields)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Response:
        return validation_error(exc)

    @app.errorhandler(SearchServiceError)
    def _ours(exc: SearchServiceError) -> Response:
        if exc.http_status >= 500:
            log.warning("%s: %s", exc.code, exc.message)
        return error_response(exc.http_status, exc.code, exc.message, exc.fields)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        code = (exc.name or "error").lower().replace(" ", "_")
        response = error_response(exc.code or 500, code, exc.description or exc.name)
        if exc.code == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("unexpected error")
        return error_response(500, "internal_error", "the service failed to answer; the error was logged")
