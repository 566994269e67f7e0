"""The one place where the app's failures become the contract's error
envelope (service.error_response). No answer ever carries a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from search_service.errors import SearchServiceError
from search_service.params.errors import invalid_parameters
from search_service.service import error_response

log = logging.getLogger(__name__)


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
