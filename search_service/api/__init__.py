"""The JSON API (version 1): blueprint, schemas, error envelope."""

from search_service.api.views import api

__all__ = ["api"]
