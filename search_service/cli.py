"""The search-service command line. Exit codes and messages live here:
0 success, 1 the command failed (the index is then unchanged), 2 bad usage,
3 the index was built but some files could not be read (each listed),
75 another build or update holds the index."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from search_service.api.schemas import SearchArgsSchema
from search_service.config import Settings
from search_service.errors import BadQuery, BadSetting, IndexLocked, SearchServiceError, UnreadableFile
from search_service.model import REPORT_FIELDS

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_LOCKED = 75


log = logging.getLogger("search_service.cli")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except BadSetting as exc:
        _fail(exc.message, EXIT_USAGE)
        raise  # not reached: _fail exits


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        stream=sys.stderr,
    )


def _fail(message: str, code: int) -> None:
    click.echo(f"search-service: {message}", err=True)
    sys.exit(code)


@contextmanager
def _errors_to_exit_codes() -> Iterator[None]:
    """The one place where our exceptions become exit statuses."""
    try:
        yield
    except IndexLocked as exc:
        _fail(exc.message, EXIT_LOCKED)
    except BadQuery as exc:
        _fail(exc.message, EXIT_USAGE)
    except SearchServiceError as exc:
        _fail(exc.message, EXIT_FAILED)


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="search-service")
def main() -> None:
    """Search Chinese local governments' annual rule-of-law reports."""


# ------------------------------------------------------------------- index


@main.group()
def index() -> None:
    """Build, update and inspect the index."""


_source_option = click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="folder of reports (default: $SEARCH_SERVICE_SOURCE or data/reports)",
)
_index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="index folder (default: $SEARCH_SERVICE_INDEX or index/)",
)


def _progress_bar(
    verbose: bool,
) -> tuple[Callable[[int], None] | None, Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm bar on a terminal only; cron gets none."""
    if not sys.stderr.isatty():
        return None, None, lambda: None
    from tqdm import tqdm

    holder: dict[str, Any] = {}

    def start(total: int) -> None:
        holder["bar"] = tqdm(total=total, unit="file", desc="parsing", file=sys.stderr, leave=verbose)

    def step(n: int) -> None:
        holder["bar"].update(n)

    def close() -> None:
        if "bar" in holder:
            holder["bar"].close()

    return start, step, close


def _run_build(
    kind: str,
    source: Path | None,
    index_dir: Path | None,
    verbose: bool,
    report_file: Path | None,
    strict: bool,
    jobs: int | None,
) -> None:
    from search_service.indexing import BuildOptions, build_index, update_index

    _setup_logging(verbose)
    settings = _settings().with_overrides(source_dir=source, index_dir=index_dir)
    start, step, close = _progress_bar(verbose)
    options = BuildOptions(
        jobs=jobs,
        progress=step,
        on_start=start,
        strict=strict,
        time_budget=settings.file_time_budget,
        segment_reports=settings.segment_reports,
    )
    action = build_index if kind == "build" else update_index
    with _errors_to_exit_codes():
        try:
            summary = action(settings.source_dir, settings.index_dir, options)
        finally:
            close()
    data = summary.as_dict()
    if report_file is not None:
        report_file.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    # Through logging, so cron's mail and log files carry timestamps. Failed
    # and skipped files are always told (nothing disappears silently); the
    # summary only with -v, so a clean run prints nothing.
    for problem in summary.problems:
        if problem.kind == "failed":
            log.error("failed: %s: %s", problem.source, problem.reason)
        else:
            log.warning("skipped: %s: %s", problem.source, problem.reason)
    log.info(
        "%s: %d indexed, %d skipped, %d failed of %d files (%d unchanged); %d reports, %d sections in %.1f s -> %s",
        kind,
        summary.indexed,
        summary.skipped,
        summary.failed,
        summary.seen,
        summary.reused,
        summary.reports,
        summary.sections,
        summary.seconds,
        settings.index_dir / summary.generation,
    )
    if summary.failed:
        sys.exit(EXIT_PARTIAL)


_build_options = [
    _source_option,
    _index_option,
    click.option("-v", "--verbose", is_flag=True, help="print a summary and skipped files (quiet otherwise)"),
    click.option(
        "--report",
        "report_file",
        type=click.Path(path_type=Path),
        default=None,
        help="write the build summary, with every problem file, as JSON here",
    ),
    click.option("--strict", is_flag=True, help="fail, leaving the index unchanged, if any file cannot be read"),
    click.option("--jobs", type=click.IntRange(1, 64), default=None, help="parser processes (default: CPUs)"),
]


def _with_build_options(func: Callable) -> Callable:
    for option in reversed(_build_options):
        func = option(func)
    return func


def _build_command(kind: str, summary: str) -> Callable[..., None]:
    """The `index build` or `index update` command: the same options, run by _run_build."""

    @_with_build_options
    def command(**options: Any) -> None:
        _run_build(kind, **options)

    command.__doc__ = summary
    command.__name__ = f"index_{kind}"
    return command


index_build = index.command("build")(
    _build_command("build", "Full rebuild; searchers keep the old index until the new one is complete.")
)
index_update = index.command("update")(_build_command("update", "Add new and changed files, drop removed ones."))


@index.command("merge")
@_index_option
@click.option("--all", "everything", is_flag=True, help="merge every segment into one")
def index_merge(index_dir: Path | None, everything: bool) -> None:
    """Merge small segments (as `index update` does at its end), or all of them."""
    from search_service.indexing import merge_index
    from search_service.segments.writer import tiered_merge_policy

    settings = _settings().with_overrides(index_dir=index_dir)

    def merge_all(segments: tuple) -> list[list[str]]:
        return [[s.name for s in segments]] if len(segments) > 1 else []

    with _errors_to_exit_codes():
        name = merge_index(
            settings.index_dir, merge_all if everything else tiered_merge_policy, settings.segment_reports
        )
    log.info("merged into %s", name if name else "nothing to merge")


# How many documents in doubt `index stats` names (the `curation` command lists all).
STATS_DOUBTS_SHOWN = 10


@index.command("stats")
@_index_option
@click.option("--json", "as_json", is_flag=True, help="one JSON document on stdout")
def index_stats(index_dir: Path | None, as_json: bool) -> None:
    """Reports, sections, per-year counts, files, when built, with which tokenizer."""
    from search_service.analysis.curation import curation_summary
    from search_service.search import open_index

    settings = _settings().with_overrides(index_dir=index_dir)
    with _errors_to_exit_codes():
        opened = open_index(settings.index_dir)
    meta = opened.meta
    data = {
        "index": str(settings.index_dir),
        "generation": opened.generation,
        "built_at": meta["built_at"],
        "reports": meta["reports"],
        "documents": meta.get("documents", {}),
        "sections": meta["sections"],
        "per_year": meta["per_year"],
        "files": meta.get("files", {}),
        "tokenizer": meta["tokenizer"],
        "dictionary": meta["dictionary"],
        "source_dir": meta.get("source_dir"),
        # Documents whose classification, year, unit or place is in doubt
        # (`search-service curation` lists them).
        "curation": curation_summary(opened),
    }
    if as_json:
        _emit_json(data)
        return
    files = data["files"]
    click.echo(f"index      {data['index']} ({data['generation']})")
    click.echo(f"built at   {data['built_at']} from {data['source_dir']}")
    documents = data["documents"]
    click.echo(
        f"reports    {data['reports']} annual reports, {documents.get('other', 0)} other documents "
        f"({data['sections']} sections)"
    )
    click.echo("per year   " + ", ".join(f"{y}: {n}" for y, n in data["per_year"].items()))
    click.echo(
        f"files      seen {files.get('seen', 0)}, indexed {files.get('indexed', 0)}, "
        f"skipped {files.get('skipped', 0)}, failed {files.get('failed', 0)}"
    )
    click.echo(f"tokenizer  {data['tokenizer']} with {data['dictionary']}")
    curation = data["curation"]
    fields = ", ".join(f"{name} {n}" for name, n in curation["by_field"].items() if n)
    click.echo(
        f"in doubt   {curation['documents']} documents" + (f" ({fields}): search-service curation" if fields else "")
    )
    # The first of them, each with its fields and the first reason: enough
    # for a cron mail to say what needs a look.
    from search_service.analysis.curation import CurationRequest, curation_list

    shown = curation_list(opened, CurationRequest(per_page=STATS_DOUBTS_SHOWN))
    for item in shown.items:
        reasons = "; ".join(f"{doubt.field}: {doubt.reason}" for doubt in item.doubts)
        click.echo(f"           {item.source} [{item.doc_type}] {reasons}")
    if shown.documents > len(shown.items):
        click.echo(f"           … {shown.documents - len(shown.items)} more: search-service curation")


# ------------------------------------------------------------------- parse


@main.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="one JSON document on stdout")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """What ingestion extracts from each file: fields, sections, is_report,
    why its doc_type is what it is and the fields in doubt. A file that
    cannot be read or parsed gives an entry with its error and the others
    go on. Exits 1 when any file failed, else 0."""
    from search_service.api.schemas import ReportSchema
    from search_service.ingest import parse_file

    source_dir = Settings.from_env().source_dir.resolve()
    entries: list[dict[str, Any]] = []
    for path in files:
        try:
            if not path.is_file():
                raise UnreadableFile(str(path), "no such file")
            # A file inside the source folder is read as the build reads it,
            # with the folder's manifest; any other file with its own folder's.
            absolute = path.resolve()
            root = source_dir if absolute.is_relative_to(source_dir) else absolute.parent
            report = parse_file(absolute, root)
            data = ReportSchema().dump(report)
            data["source"] = str(path)
            # Why it is (not) an annual report, and what ingestion doubted:
            # what a curator settles in manifest.csv (`search-service curation`).
            data["doc_type_reason"] = report.doc_type_reason
            data["doubts"] = [{"field": d.field, "reason": d.reason} for d in report.doubts]
            del data["sections"]  # after them, as a short outline
            data["sections"] = [
                {"kind": s.kind, "heading": s.heading, "length": len(s.text), "subheadings": list(s.subheadings)}
                for s in report.sections
            ]
            entries.append(data)
        except UnreadableFile as exc:
            entries.append({"source": str(path), "error": exc.reason})
        except OSError as exc:
            entries.append({"source": str(path), "error": f"cannot read: {exc.strerror or exc}"})
        except Exception as exc:  # noqa: BLE001 - one bad file must not end the batch
            log.debug("parsing %s failed", path, exc_info=True)
            entries.append({"source": str(path), "error": f"parser error: {type(exc).__name__}: {exc}"})
    if as_json:
        _emit_json(entries)
    else:
        for entry in entries:
            if "error" in entry:
                click.echo(f"{entry['source']}: ERROR {entry['error']}")
                continue
            click.echo(f"{entry['source']}")
            for key in _PARSE_FIELDS:
                click.echo(f"  {key:10} {entry.get(key)}")
            if entry["doc_type_reason"]:
                click.echo(f"  {'why':10} {entry['doc_type_reason']}")
            for doubt in entry["doubts"]:
                click.echo(f"  {'doubt':10} {doubt['field']}: {doubt['reason']}")
            for s in entry["sections"]:
                click.echo(f"  - {s['kind']:10} {s['heading'] or '(导语)'} [{s['length']} 字]")
    if any("error" in e for e in entries):
        sys.exit(EXIT_FAILED)


# What `parse` lists under each file: the title, then the report's other
# fields in their order (model.REPORT_FIELDS), then is_report. Not the id,
# nor what the file itself tells (its name heads the entry; its format).
_PARSE_FIELDS: tuple[str, ...] = (
    "title",
    *(name for name in REPORT_FIELDS if name not in ("report_id", "title", "source", "format")),
    "is_report",
)


# ------------------------------------------------------------------- search


def _schema_options(schema_cls: type, skip: tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
    """One option per parameter of an API schema (the one definition of
    them), named by its query-string key (--year, --doc-type, --year-from,
    --from…); lists are repeatable; q is --query. Keys in `skip` are left
    to the command (its arguments)."""
    from marshmallow import fields

    def decorate(func: Callable) -> Callable:
        for name, field in reversed(list(schema_cls().fields.items())):
            key = field.data_key or name
            if key in skip:
                continue
            option = "--query" if key == "q" else "--" + key.replace("_", "-")
            description = (field.metadata or {}).get("description", "")
            if isinstance(field, fields.List):
                func = click.option(option, key, multiple=True, help=f"{description} (repeatable)".strip())(func)
            else:
                func = click.option(option, key, default=None, help=description or None)(func)
        return func

    return decorate


def _load_options(schema: Any, params: dict[str, Any]) -> Any:
    """The options as the API's query string would give them, loaded by its
    schema; invalid ones are a usage error naming each."""
    from marshmallow import ValidationError

    from search_service.api.errors import invalid_parameters

    args: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or value == ():
            continue
        args[key] = [str(v) for v in value] if isinstance(value, tuple) else str(value)
    try:
        return schema.load_args(args)
    except ValidationError as exc:
        _fail(invalid_parameters(exc)[0], EXIT_USAGE)


@main.command("search")
@click.argument("query")
@_schema_options(SearchArgsSchema, skip=("q",))
@_index_option
@click.option("--json", "as_json", is_flag=True, help="the API's JSON answer on stdout")
def search(query: str, index_dir: Path | None, as_json: bool, **params: Any) -> None:
    """The same search as GET /api/v1/search, printed."""
    from search_service.api.schemas import SearchResponseSchema, search_args_schema
    from search_service.search import QueryLimits, open_index, run_search

    settings = _settings().with_overrides(index_dir=index_dir)
    request = _load_options(search_args_schema(settings), {"q": query, **params})
    with _errors_to_exit_codes():
        result = run_search(open_index(settings.index_dir), request, QueryLimits.from_settings(settings))
    body = SearchResponseSchema().dump(result)
    if as_json:
        _emit_json(body)
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


# ------------------------------------------------------------------- serve


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
def serve(host: str, port: int) -> None:
    """Development server (production: gunicorn wsgi:app)."""
    from search_service import create_app

    _setup_logging(True)
    create_app().run(host=host, port=port)


# coverage, follow-through, terms, curation: registered on `main` by importing their modules.
from search_service import cli_analysis, cli_curation  # noqa: E402, F401

if __name__ == "__main__":
    main()
