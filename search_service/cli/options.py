"""What the commands share: exit codes and the one place our exceptions
become them, settings from the environment, logging, JSON output, the
--source and --index options, and options made from a params/ schema (the
one definition of a parameter, which the API reads too)."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from marshmallow import ValidationError, fields

from search_service.config import Settings
from search_service.errors import BadQuery, BadSetting, IndexLocked, SearchServiceError
from search_service.params.errors import invalid_parameters

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_LOCKED = 75


def settings_from_env() -> Settings:
    try:
        return Settings.from_env()
    except BadSetting as exc:
        fail(exc.message, EXIT_USAGE)
        raise  # not reached: fail exits


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        stream=sys.stderr,
    )


def fail(message: str, code: int) -> None:
    click.echo(f"search-service: {message}", err=True)
    sys.exit(code)


@contextmanager
def errors_to_exit_codes() -> Iterator[None]:
    """The one place where our exceptions become exit statuses."""
    try:
        yield
    except IndexLocked as exc:
        fail(exc.message, EXIT_LOCKED)
    except BadQuery as exc:
        fail(exc.message, EXIT_USAGE)
    except SearchServiceError as exc:
        fail(exc.message, EXIT_FAILED)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


source_option = click.option(
    "--source",
    type=click.Path(path_type=Path),
    default=None,
    help="folder of reports (default: $SEARCH_SERVICE_SOURCE or data/reports)",
)
index_option = click.option(
    "--index",
    "index_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="index folder (default: $SEARCH_SERVICE_INDEX or index/)",
)


def schema_options(schema_cls: type, skip: tuple[str, ...] = ()) -> Callable[[Callable], Callable]:
    """One option per parameter of a params/ schema (the one definition of
    them), named by its query-string key (--year, --doc-type, --year-from,
    --from…); lists are repeatable; q is --query. Keys in `skip` are left
    to the command (its arguments)."""

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


def load_options(schema: Any, params: dict[str, Any]) -> Any:
    """The options as the API's query string would give them, loaded by its
    schema; invalid ones are a usage error naming each."""
    args: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or value == ():
            continue
        args[key] = [str(v) for v in value] if isinstance(value, tuple) else str(value)
    try:
        return schema.load_args(args)
    except ValidationError as exc:
        fail(invalid_parameters(exc)[0], EXIT_USAGE)
