"""gunicorn settings read by `gunicorn wsgi:app` from the project folder.

The request line limit is lifted so that an over-long query reaches the app,
which answers it in the contract's JSON error shape (400 for q, 413 beyond
Settings.max_request_bytes) instead of gunicorn's own HTML page."""

limit_request_line = 0
limit_request_field_size = 16384
timeout = 60
graceful_timeout = 10
