"""Ingestion: files -> Report.

`reading` turns a file of any supported format and encoding into clean text
plus the metadata the page around it carried; `parsing` finds the report's
fields and sections in that text.
"""

from __future__ import annotations

from pathlib import Path

from search_service.ingest.document import SUPPORTED_SUFFIXES, RawDocument
from search_service.model import Report

__all__ = ["SUPPORTED_SUFFIXES", "RawDocument", "iter_source_files", "parse_file"]


def iter_source_files(root: Path) -> list[Path]:
    """Every file under root with a supported suffix, in a stable order.
    Hidden files and folders (.git, editor backups) are ignored."""
    files = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(path)
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def parse_file(path: Path, root: Path | None = None) -> Report:
    """Read and parse one file. Raises UnreadableFile with the reason when
    the file cannot give a report's text (corrupt, encrypted, empty...)."""
    from search_service.ingest.parsing import parse_document
    from search_service.ingest.reading import read_document

    source = path.relative_to(root).as_posix() if root is not None else path.name
    document = read_document(path, source)
    return parse_document(document)
