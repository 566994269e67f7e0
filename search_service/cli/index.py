"""`search-service index`: build, update, merge and inspect the index."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from search_service.cli.options import (
    EXIT_PARTIAL,
    emit_json,
    errors_to_exit_codes,
    index_option,
    settings_from_env,
    setup_logging,
    source_option,
)

# The commands' logger keeps the name it had when the CLI was one module:
# cron mails and log files are read by it.
log = logging.getLogger("search_service.cli")


@click.group()
def index() -> None:
    """Build, update and inspect the index."""


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

    setup_logging(verbose)
    settings = settings_from_env().with_overrides(source_dir=source, index_dir=index_dir)
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
    with errors_to_exit_codes():
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
    source_option,
    index_option,
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
@index_option
@click.option("--all", "everything", is_flag=True, help="merge every segment into one")
def index_merge(index_dir: Path | None, everything: bool) -> None:
    """Merge small segments (as `index update` does at its end), or all of them."""
    from search_service.indexing import merge_index
    from search_service.segments.writer import tiered_merge_policy

    settings = settings_from_env().with_overrides(index_dir=index_dir)

    def merge_all(segments: tuple) -> list[list[str]]:
        return [[s.name for s in segments]] if len(segments) > 1 else []

    with errors_to_exit_codes():
        name = merge_index(
            settings.index_dir, merge_all if everything else tiered_merge_policy, settings.segment_reports
        )
    log.info("merged into %s", name if name else "nothing to merge")


# How many documents in doubt `index stats` names (the `curation` command lists all).
STATS_DOUBTS_SHOWN = 10


@index.command("stats")
@index_option
@click.option("--json", "as_json", is_flag=True, help="one JSON document on stdout")
def index_stats(index_dir: Path | None, as_json: bool) -> None:
    """Reports, sections, per-year counts, files, when built, with which tokenizer."""
    from search_service.analysis.curation import curation_summary
    from search_service.search import open_index

    settings = settings_from_env().with_overrides(index_dir=index_dir)
    with errors_to_exit_codes():
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
        emit_json(data)
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
