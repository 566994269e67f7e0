"""`search-service serve`: the development server."""

from __future__ import annotations

import click

from search_service.cli.options import setup_logging


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(host: str, port: int) -> None:
    """Development server (production: gunicorn wsgi:app)."""
    from search_service import create_app

    setup_logging(True)
    create_app().run(host=host, port=port)
