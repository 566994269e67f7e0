"""`search-service parse`: what ingestion extracts from files."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from search_service.cli.options import EXIT_FAILED, emit_json
from search_service.config import Settings
from search_service.errors import UnreadableFile
from search_service.model import REPORT_FIELDS

log = logging.getLogger("search_service.cli")


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="one JSON document on stdout")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """What ingestion extracts from each file: fields, sections, is_report,
    why its doc_type is what it is and the fields in doubt. A file that
    cannot be read or parsed gives an entry with its error and the others
    go on. Exits 1 when any file failed, else 0."""
    from search_service.bodies.search import ReportSchema
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
        emit_json(entries)
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
