"""The analysis commands of search-service (issue 14): `coverage`,
`follow-through` and `terms`. Each prints the API's JSON body (bodies/)
with --json and a readable table otherwise; options come from params/
through options.schema_options and are loaded by options.load_options, as
the `search` command's are."""

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
from search_service.params.analysis import (
    CoverageArgsSchema,
    FollowThroughArgsSchema,
    TermsArgsSchema,
    analysis_args_schema,
)


def _open(index_dir: Path | None) -> Any:
    from search_service.search import open_index

    settings = settings_from_env().with_overrides(index_dir=index_dir)
    with errors_to_exit_codes():
        return settings, open_index(settings.index_dir)


_STATUS_MARKS = {"on_time": "ok", "late": "late", "unknown": "?", "missing": "-"}


@click.command("coverage")
@schema_options(CoverageArgsSchema)
@index_option
@click.option("--json", "as_json", is_flag=True, help="the API's JSON answer on stdout")
def coverage_command(index_dir: Path | None, as_json: bool, **params: Any) -> None:
    """Who reported for which year, on time (by 1 April of the next year),
    with which required parts: GET /api/v1/coverage."""
    from search_service.analysis import coverage
    from search_service.analysis.coverage import ordered
    from search_service.bodies.analysis import coverage_body

    settings, opened = _open(index_dir)
    search_request, order = load_options(analysis_args_schema(settings, CoverageArgsSchema), params)
    with errors_to_exit_codes():
        body = coverage_body(ordered(coverage(opened, search_request), order), order)
    if as_json:
        emit_json(body)
        return
    click.echo(f"{len(body['units'])} units, years {', '.join(map(str, body['years'])) or 'none'}")
    click.echo("cells: ok on time, late, ? date unknown, - no report; +parts missing (m p l n: measures, problems,")
    click.echo("       leadership, next year's plans)")
    width = max([len(u["unit"]) for u in body["units"]] + [5]) * 2 + 2
    click.echo("unit".ljust(width) + "".join(f"{y:>12}" for y in body["years"]))
    for row in body["units"]:
        cells = []
        for cell in row["cells"]:
            mark = _STATUS_MARKS[cell["status"]]
            if cell["report_id"] and cell["missing_parts"]:
                mark += "+" + "".join(
                    {"measures": "m", "problems": "p", "leadership": "l", "plans": "n"}[p]
                    for p in cell["missing_parts"]
                )
            cells.append(f"{mark:>12}")
        click.echo(_pad(row["unit"], width) + "".join(cells))
    for name in ("reporting", "on_time", "late", "unknown", "complete"):
        click.echo(name.ljust(width) + "".join(f"{t[name]:>12}" for t in body["totals"]))
    if body["unplaced"]:
        click.echo(f"{body['unplaced']} matching reports have no unit or year: {', '.join(body['unplaced_ids'])}")


def _pad(text: str, width: int) -> str:
    """Left-justify text counting a Chinese character as two columns."""
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(width - shown, 1)


@click.command("follow-through")
@click.argument("unit")
@click.argument("year")
@schema_options(FollowThroughArgsSchema, skip=("unit", "year"))
@index_option
@click.option("--json", "as_json", is_flag=True, help="the API's JSON answer on stdout")
def follow_through_command(unit: str, year: str, index_dir: Path | None, as_json: bool, **params: Any) -> None:
    """UNIT's plans of YEAR beside its measures of YEAR+1, with the words
    both share and those planned but missing: GET /api/v1/follow-through."""
    from search_service.analysis import follow_through
    from search_service.analysis.coverage import UNIT_PLACES
    from search_service.bodies.analysis import follow_through_body

    _, opened = _open(index_dir)
    args = load_options(FollowThroughArgsSchema(), {"unit": unit, "year": year, **params})
    with errors_to_exit_codes():
        body = follow_through_body(follow_through(opened, **args))
    if as_json:
        emit_json(body)
        return
    place = " ".join(p for p in (body[k] for k in reversed(UNIT_PLACES)) if p and p != body["unit"])
    click.echo(f"{body['unit']} ({place}) {body['year']} plans -> {body['year'] + 1} measures")
    for side in ("plans", "measures"):
        s = body[side]
        click.echo(f"{side:9} {s['year']} [{s['report_id']}] {s['title'] or ''}")
        for section in s["sections"]:
            click.echo(f"    {section['heading'] or '(no heading)'}: {len(section['text'])} characters")
    for name in ("shared", "missing"):
        terms = body[name]
        shown = ", ".join(f"{t['term']} {t['plans']}/{t['measures']}" for t in terms) or "none"
        click.echo(f"{name} ({len(terms)}, plans/measures): {shown}")


@click.command("terms")
@schema_options(TermsArgsSchema)
@index_option
@click.option("--json", "as_json", is_flag=True, help="the API's JSON answer on stdout")
def terms_command(index_dir: Path | None, as_json: bool, **params: Any) -> None:
    """The words over-represented in the matching reports against the whole
    collection (JLH score); with --by year --from Y1 --to Y2 also the words
    that rose and fell most: GET /api/v1/terms."""
    from search_service.analysis import significant_terms
    from search_service.bodies.analysis import terms_body

    settings, opened = _open(index_dir)
    search_request, size, years = load_options(analysis_args_schema(settings, TermsArgsSchema), params)
    with errors_to_exit_codes():
        body = terms_body(significant_terms(opened, search_request, size=size, by_year=years))
    if as_json:
        emit_json(body)
        return
    click.echo(f"{body['set_size']} of {body['collection_size']} reports; score {body['score']}")
    for t in body["terms"]:
        click.echo(f"{t['score']:10.4f}  {_pad(t['term'], 16)}{t['in_set']:>6} in set {t['in_collection']:>7} in all")
    if body["years"]:
        y = body["years"]
        click.echo(f"{y['from']} ({y['from_size']} reports) -> {y['to']} ({y['to_size']} reports)")
        for name in ("rose", "fell"):
            click.echo(f"{name}:")
            for c in y[name]:
                click.echo(f"  {c['change']:+8.3f}  {_pad(c['term'], 16)}{c['in_from']:>6} -> {c['in_to']}")
