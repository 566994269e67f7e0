"""HTTP concerns shared by every endpoint: request size limits (413), CORS
for GET, one index generation per request and cache validators tied to it,
compression."""

from __future__ import annotations

import hashlib
from email.utils import format_datetime, parsedate_to_datetime

from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.exceptions import RequestEntityTooLarge

from search_service.config import Settings
from search_service.errors import SearchServiceError
from search_service.service import current_index, settle_collector, unpin_index

_CACHEABLE_PREFIXES = ("/api/", "/healthz")


def install(app: Flask, settings: Settings) -> None:
    """Register the before/after hooks and compression on app."""
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "application/json",
            "text/html",
            "text/css",
            "text/csv",
            "application/x-ndjson",
            "image/svg+xml",
            "text/javascript",
        ],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["gzip", "deflate"])
    app.config.setdefault("COMPRESS_STREAMS", True)
    app.teardown_request(unpin_index)
    app.after_request(settle_collector)  # registered first: runs last, on the final response

    @app.before_request
    def _limit_size() -> None:
        if len(request.query_string) > settings.max_request_bytes:
            raise RequestEntityTooLarge(
                f"the query string is {len(request.query_string)} bytes; at most {settings.max_request_bytes} "
                "are accepted"
            )

    @app.after_request
    def _cors(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if request.method in ("GET", "HEAD", "OPTIONS") and origin and settings.cors_origins:
            if "*" in settings.cors_origins:
                response.headers["Access-Control-Allow-Origin"] = "*"
            elif origin in settings.cors_origins:
                response.headers["Access-Control-Allow-Origin"] = origin
                response.vary.add("Origin")
        return response

    @app.after_request
    def _validators(response: Response) -> Response:
        """ETag and Last-Modified from the index generation: an answer can
        only change when the index does. current_index() is the generation
        the view read (pinned to the request), not whatever CURRENT names by
        now, so a body is never tagged with the generation after it."""
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if (
            not request.path.startswith(_CACHEABLE_PREFIXES)
            and request.path != "/"
            and not request.path.startswith("/reports/")
        ):
            return response
        try:
            index = current_index()
        except SearchServiceError:
            return response
        encoding = response.headers.get("Content-Encoding", "identity")
        tag = hashlib.sha1(f"{index.generation}|{request.full_path}|{encoding}".encode()).hexdigest()[:32]
        response.set_etag(tag)
        built = parsedate_or_none(index.meta.get("built_at"))
        if built is not None:
            response.headers["Last-Modified"] = format_datetime(built, usegmt=True)
        response.cache_control.no_cache = True  # revalidate each time: cheap with the ETag
        return response.make_conditional(request)

    # Registered last so that it runs first: the validators above then see
    # (and tag) the compressed body.
    Compress(app)


def parsedate_or_none(value: object):  # noqa: ANN201 - datetime or None
    import datetime as dt

    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
    return parsed.astimezone(dt.timezone.utc)
