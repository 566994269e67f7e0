"""The human-readable API reference: Swagger UI from the flask-swagger-ui
package, served from our own host (no CDN), reading /api/v1/openapi.json."""

from __future__ import annotations

from flask import Blueprint
from flask_swagger_ui import get_swaggerui_blueprint

DOCS_URL = "/api/docs"
SPEC_URL = "/api/v1/openapi.json"


def docs_blueprint() -> Blueprint:
    """Swagger UI at DOCS_URL; validatorUrl off, as it would call swagger.io."""
    return get_swaggerui_blueprint(
        DOCS_URL,
        SPEC_URL,
        config={"app_name": "法治政府建设年度报告检索 API", "validatorUrl": None},
        blueprint_name="api_docs",
    )
