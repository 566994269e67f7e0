"""Ingestion: files -> Report.

`reading` turns a file of any supported format and encoding into clean text
plus the metadata the page around it carried; `parsing` finds the report's
fields and sections in that text.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from search_service.config import Settings
from search_service.errors import UnreadableFile
from search_service.ingest import budget
from search_service.ingest.document import SUPPORTED_SUFFIXES, RawDocument
from search_service.ingest.manifest import apply_manifest, manifest_signature
from search_service.model import Report

__all__ = ["SUPPORTED_SUFFIXES", "RawDocument", "iter_source_files", "manifest_signature", "parse_file"]

log = logging.getLogger(__name__)


def iter_source_files(root: Path) -> list[Path]:
    """Every file under root with a supported suffix, in a stable order
    (by path relative to root). Hidden files and folders (.git, editor
    backups) are ignored, and so are the folder's manifest.csv and
    manifest.jsonl (their suffixes are not report formats). os.walk reads
    each folder once, without a stat per entry: this runs on every cron
    update over the whole collection."""
    files: list[tuple[str, Path]] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(folder)
        prefix = base.relative_to(root).as_posix()
        for name in names:
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUPPORTED_SUFFIXES:
                continue
            path = base / name
            if path.is_file():  # a dangling link is not a file
                files.append((name if prefix == "." else f"{prefix}/{name}", path))
    files.sort(key=lambda item: item[0])
    return [path for _, path in files]


def parse_file(path: Path, root: Path | None = None, time_budget: float | None = None) -> Report:
    """Read and parse one file. Raises UnreadableFile with the reason when
    the file cannot give a report's text (corrupt, encrypted, empty...) or
    takes longer than `time_budget` seconds (None: the `file_time_budget`
    setting, 60 s unless SEARCH_SERVICE_FILE_TIME_BUDGET says otherwise;
    0: no limit). The budget interrupts the work on the main thread of a
    process (SIGALRM) and is checked between PDF pages everywhere.
    What the manifest of `root` (else of the file's folder) says about the
    file overrides what was found in it (see `manifest`)."""
    from search_service.ingest.parsing import parse_document
    from search_service.ingest.reading import read_document

    source = path.relative_to(root).as_posix() if root is not None else path.name
    if time_budget is None:
        time_budget = Settings.from_env().file_time_budget
    try:
        with budget.time_budget(time_budget) as deadline:
            document = read_document(path, source, deadline)
            report = parse_document(document)
            deadline.check()
    except budget.BudgetExpired as exc:
        log.info("%s: %s", source, exc.reason)
        raise UnreadableFile(source, exc.reason) from None
    return apply_manifest(report, root if root is not None else path.parent)
