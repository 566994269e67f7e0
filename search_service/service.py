"""What a request needs from the application: its settings and the open
index, reached through one function that notices a rebuilt index."""

from __future__ import annotations

from flask import current_app

from search_service.config import Settings
from search_service.search import IndexHandle, OpenIndex


def settings() -> Settings:
    return current_app.extensions["search_service.settings"]


def current_index() -> OpenIndex:
    """The live index generation; IndexMissing (503) when there is none."""
    handle: IndexHandle = current_app.extensions["search_service.index"]
    return handle.get()
