"""What a request needs from the application: its settings, the open
index (reached through one function that notices a rebuilt index), the
search parameters' schema and query limits those settings give, and the
contract's error envelope, which the API and the pages (for a tool) answer
with."""

from __future__ import annotations

import gc
import logging
import time
from functools import partial
from typing import Any

from flask import Flask, Response, current_app, g, jsonify

from search_service import params
from search_service.config import Settings
from search_service.params import SearchArgsSchema
from search_service.search import IndexHandle, OpenIndex, QueryLimits

log = logging.getLogger(__name__)


def settings() -> Settings:
    return current_app.extensions["search_service.settings"]


# The flask.g attribute holding the generation a request reads.
_PINNED = "search_service_index"
# app.extensions key, present when the process keeps the garbage collector
# off the index (freeze_collector_after_switch): the last generation frozen.
_FROZEN = "search_service.frozen_generation"


def current_index() -> OpenIndex:
    """The index generation this request reads; IndexMissing (503) when
    there is none.

    The first call in a request asks the IndexHandle (which notices a rebuilt
    index) and pins what it gives to the request: every later call in the
    same request, the view's and the ETag's alike, gets that same OpenIndex,
    even when CURRENT switches meanwhile. `unpin_index` (a teardown) lets the
    next request ask again."""
    pinned: OpenIndex | None = g.get(_PINNED)
    if pinned is not None:
        return pinned
    handle: IndexHandle = current_app.extensions["search_service.index"]
    index = handle.get()
    setattr(g, _PINNED, index)
    return index


def unpin_index(exc: BaseException | None = None) -> None:
    """Forget the request's generation (a teardown_request function): the
    app context, and so flask.g, can outlive one request in tests."""
    g.pop(_PINNED, None)


def freeze_collector_after_switch(app: Flask, generation: str = "") -> None:
    """Keep the cyclic garbage collector off every generation app opens.

    An open index is a few hundred thousand long-lived objects (a dict per
    report and per section) that a full collection walks: at 3,000 reports
    one request in about 200 waited 70 ms for it, at 20,000 200-260 ms.
    With this, once the first response read from a newly opened generation
    has been sent (the WSGI server closes it), the process collects once
    and calls gc.freeze(): later collections walk only what requests
    allocate. The generation it replaces is still freed, by reference
    counting, when its last request ends.

    For a long-lived server process only (wsgi.py): frozen objects are never
    collected, so a test process that creates many short-lived apps (each in
    a reference cycle) would keep every one. generation names one the caller
    has already frozen (gunicorn.conf.py's when_ready)."""
    app.extensions[_FROZEN] = generation


def settle_collector(response: Response) -> Response:
    """An after_request function: when the request read a generation not
    yet frozen (see freeze_collector_after_switch), collect and freeze after
    the response has been sent, off the request path."""
    index: OpenIndex | None = g.get(_PINNED)
    frozen = current_app.extensions.get(_FROZEN)
    if index is not None and frozen is not None and frozen != index.generation:
        response.call_on_close(partial(_freeze, current_app._get_current_object(), index.generation))
    return response


def _freeze(app: Flask, generation: str) -> None:
    if app.extensions.get(_FROZEN) == generation:
        return
    started = time.perf_counter()
    # Collected first: cyclic garbage frozen now would never be freed, and
    # some of it (the frames of a first import) can hold the index itself.
    gc.collect()
    gc.freeze()
    app.extensions[_FROZEN] = generation
    log.info(
        "generation %s: %d objects kept from the garbage collector (%.0f ms)",
        generation,
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )


def search_args_schema(cls: type[SearchArgsSchema] | None = None) -> SearchArgsSchema:
    """The search parameters' schema (or a subclass's) with the settings' limits."""
    return params.search_args_schema(settings(), cls)


def query_limits() -> QueryLimits:
    return QueryLimits.from_settings(settings())


def error_response(status: int, code: str, message: str, fields: dict[str, str] | None = None) -> Response:
    """The contract's error envelope: {"error": {"code", "message", "fields"}}
    (fields only when some parameters are named)."""
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    response = jsonify({"error": body})
    response.status_code = status
    return response
