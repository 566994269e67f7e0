"""`search-service search`: the same search as GET /api/v1/search, printed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from search_service.cli.options import (
    emit_json,
    errors_to_exit_codes,
    index_option,
    load_options,
    schema_options,
    settings_from_env,
)
from search_service.params import SearchArgsSchema


@click.command("search")
@click.argument("query")
@schema_options(SearchArgsSchema, skip=("q",))
@index_option
@click.option("--json", "as_json", is_flag=True, help="the API's JSON answer on stdout")
def search(query: str, index_dir: Path | None, as_json: bool, **params: Any) -> None:
    """The same search as GET /api/v1/search, printed."""
    from search_service.bodies.search import SearchResponseSchema
    from search_service.params import search_args_schema
    from search_service.search import QueryLimits, open_index, run_search

    settings = settings_from_env().with_overrides(index_dir=index_dir)
    request = load_options(search_args_schema(settings), {"q": query, **params})
    with errors_to_exit_codes():
        result = run_search(open_index(settings.index_dir), request, QueryLimits.from_settings(settings))
    body = SearchResponseSchema().dump(result)
    if as_json:
        emit_json(body)
        return
    noun = {"annual_report": "reports", "other": "other documents"}.get(request.doc_type, "documents")
    click.echo(f"{body['total']['reports']} {noun}, {body['total']['sections']} sections")
    for hit in body["results"]:
        mentions = ", ".join(f"{t} {n}" for t, n in hit["mentions"].items())
        click.echo(f"- {hit['year']} {hit['unit'] or ''} {hit['label']} [{hit['report_id']}] ({mentions})")
        for section in hit["sections"]:
            for snippet in section["snippets"][:1]:
                text = snippet.replace("<mark>", "[").replace("</mark>", "]")
                click.echo(f"    {section['kind']}: {text}")
    for name, values in body["facets"].items():
        if values:
            click.echo(f"{name}: " + ", ".join(f"{v['value']} ({v['count']})" for v in values))
