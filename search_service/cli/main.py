"""The search-service command line: one group, its commands added from the
modules named for them. Exit codes and messages live in this package
(options.py): 0 success, 1 the command failed (the index is then
unchanged), 2 bad usage, 3 the index was built but some files could not be
read (each listed), 75 another build or update holds the index."""

from __future__ import annotations

import click

from search_service.cli.analysis import coverage_command, follow_through_command, terms_command
from search_service.cli.curation import curation_command
from search_service.cli.index import index
from search_service.cli.parse import parse
from search_service.cli.search import search
from search_service.cli.serve import serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="search-service")
def main() -> None:
    """Search Chinese local governments' annual rule-of-law reports."""


for command in (
    index,
    parse,
    search,
    serve,
    coverage_command,
    follow_through_command,
    terms_command,
    curation_command,
):
    main.add_command(command)
