"""Search service for Chinese local governments' annual rule-of-law reports."""

from __future__ import annotations

import logging

from flask import Flask

from search_service.config import Settings
from search_service.version import __version__

__all__ = ["__version__", "create_app"]

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Flask:
    """Application factory: settings from the environment unless given."""
    from search_service.api import api, http
    from search_service.api.analysis import analysis_api
    from search_service.api.citing import citing_api
    from search_service.api.curation import curation_api
    from search_service.api.docs import docs_blueprint
    from search_service.api.errors import register_error_handlers
    from search_service.search import IndexHandle
    from search_service.web import web
    from search_service.web.analysis import analysis_web
    from search_service.web.curation import curation_web
    from search_service.web.feeds import feeds

    settings = settings or Settings.from_env()
    app = Flask(__name__, static_folder=None)  # the page serves its own /assets
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["search_service.settings"] = settings
    app.extensions["search_service.index"] = IndexHandle(settings.index_dir)
    app.register_blueprint(api)
    app.register_blueprint(web)
    app.register_blueprint(analysis_api)
    app.register_blueprint(analysis_web)
    app.register_blueprint(curation_web)
    app.register_blueprint(citing_api)
    app.register_blueprint(curation_api)
    app.register_blueprint(feeds)
    app.register_blueprint(docs_blueprint())
    register_error_handlers(app)
    http.install(app, settings)
    return app
