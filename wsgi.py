"""WSGI entry point: `gunicorn wsgi:app`.

A long-lived server process: the garbage collector is kept off each index
generation the app opens (service.freeze_collector_after_switch)."""

from search_service import create_app
from search_service.service import freeze_collector_after_switch

app = create_app()
freeze_collector_after_switch(app)
