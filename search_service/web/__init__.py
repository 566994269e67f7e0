"""The search page for people: same search as the API, rendered as HTML."""

from search_service.web.views import web

__all__ = ["web"]
