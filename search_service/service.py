"""What a request needs from the application: its settings, the open
index (reached through one function that notices a rebuilt index), and the
search parameters' schema and query limits those settings give."""

from __future__ import annotations

from flask import current_app

from search_service.api import schemas
from search_service.api.schemas import SearchArgsSchema
from search_service.config import Settings
from search_service.search import IndexHandle, OpenIndex, QueryLimits


def settings() -> Settings:
    return current_app.extensions["search_service.settings"]


def current_index() -> OpenIndex:
    """The live index generation; IndexMissing (503) when there is none."""
    handle: IndexHandle = current_app.extensions["search_service.index"]
    return handle.get()


def search_args_schema(cls: type[SearchArgsSchema] | None = None) -> SearchArgsSchema:
    """The search parameters' schema (or a subclass's) with the settings' limits."""
    return schemas.search_args_schema(settings(), cls)


def query_limits() -> QueryLimits:
    return QueryLimits.from_settings(settings())
