"""`search-service curation` (issue 22): the documents whose classification,
year, unit or place is in doubt, with the reasons, and the manifest.csv
lines that settle them at the next `index update`. --json prints the body of
GET /api/v1/curation with every document (no paging). Options come from
params/curation.py (options.schema_options), as the other commands' do."""

from __future__ import annotations

from dataclasses import replace
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
from search_service.params.curation import CurationArgsSchema


@click.command("curation")
@schema_options(CurationArgsSchema, skip=("page", "per_page"))
@index_option
@click.option("--json", "as_json", is_flag=True, help="GET /api/v1/curation's JSON body, every document, on stdout")
def curation_command(index_dir: Path | None, as_json: bool, **params: Any) -> None:
    """Documents whose classification, year, unit or place the rules could
    not settle, with each reason: write a manifest.csv row for each in the
    source folder, then run `search-service index update`."""
    from search_service.analysis.curation import curation_list, in_doubt, manifest_header
    from search_service.bodies.curation import curation_body
    from search_service.search import open_index

    settings = settings_from_env().with_overrides(index_dir=index_dir)
    request = load_options(CurationArgsSchema(), params)
    with errors_to_exit_codes():
        opened = open_index(settings.index_dir)
        everything = max(len(in_doubt(opened, request.field, request.doc_type)), 1)
        found = curation_list(opened, replace(request, page=1, per_page=everything))
    body = curation_body(found)
    if as_json:
        emit_json(body)
        return
    counts = ", ".join(f"{name} {n}" for name, n in body["by_field"].items() if n) or "none"
    chosen = f"about {request.field}, " if request.field else ""
    click.echo(f"{body['total']} documents in doubt ({chosen}doc_type {request.doc_type}); by field: {counts}")
    for item in body["items"]:
        click.echo(f"{item['source']} [{item['report_id']}] {item['label']} ({item['doc_type']})")
        if item["doc_type_reason"]:
            click.echo(f"    doc_type_reason: {item['doc_type_reason']}")
        for doubt in item["doubts"]:
            value = "none" if doubt["value"] is None else doubt["value"]
            click.echo(f"    {doubt['field']}: {doubt['reason']} (now: {value})")
    if body["items"]:
        click.echo("")
        source = Path(str(opened.meta.get("source_dir") or settings.source_dir))
        click.echo(f"settle them in {source / 'manifest.csv'}, then run `search-service index update`:")
        click.echo(manifest_header(body["manifest_columns"]))
        for item in body["items"]:
            click.echo(item["manifest_row"])
