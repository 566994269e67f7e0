"""gunicorn settings read by `gunicorn wsgi:app` from the project folder.

The request line limit is lifted so that an over-long query reaches the app,
which answers it in the contract's JSON error shape (400 for q, 413 beyond
Settings.max_request_bytes) instead of gunicorn's own HTML page.

The app is loaded, and the live index opened, once in the master before the
workers are forked (`preload_app`, `when_ready`): every worker answers its
first request at once instead of opening the index then, and the workers
share the index's pages until they write to them. Each worker still notices a
rebuilt index by itself (search.IndexHandle), and keeps the garbage collector
off it too once it has answered from it (wsgi.py,
service.freeze_collector_after_switch): no request waits for a full
collection walking the index's objects."""

import gc
import logging

limit_request_line = 0
limit_request_field_size = 16384
timeout = 60
graceful_timeout = 10
preload_app = True


def when_ready(server) -> None:  # noqa: ANN001 - gunicorn's Arbiter
    """Open the index and load the query-side tables in the master."""
    from search_service.errors import SearchServiceError
    from search_service.service import freeze_collector_after_switch
    from search_service.text import normalize_query_term

    app = server.app.wsgi()
    # The index's millions of small objects live as long as the master: the
    # collector is kept from scanning them now (0.5 s at 100,000 reports)
    # and, once frozen, in every worker (where scanning would also copy
    # the pages the workers share).
    gc.disable()
    generation = ""
    try:
        generation = app.extensions["search_service.index"].get().generation
    except SearchServiceError as exc:  # no index yet: workers answer 503 until there is one
        logging.getLogger("search_service").warning("index not opened at start: %s", exc)
    normalize_query_term("法治")  # OpenCC's tables
    gc.freeze()
    gc.enable()
    freeze_collector_after_switch(app, generation)
