"""What a crawler knows about each file: the optional manifest of a source folder.

A crawler that saves pages knows each one's URL, and often its title or
date too. It can say so in `manifest.csv` or `manifest.jsonl` at the top of
the source folder (the root the build reads), one row per file:

- ``file`` (required): the file's path relative to the folder, with "/"
  (e.g. ``2024/dazhong.html``);
- ``url``: the original page's address (absolute http or https);
- any of ``title``, ``doc_type`` (annual_report | other), ``level``
  (township | county | city | province | department), ``unit``, ``town``,
  ``county``, ``city``, ``province``, ``year`` (an integer), ``published``
  (YYYY-MM-DD): it replaces what ingestion found in the file.

An empty value (or a JSON null) overrides nothing; other columns are
ignored. A row with a bad value (a year that is not a number, an unknown
level, a date that is not YYYY-MM-DD, a relative URL) is logged with its row
number and ignored whole. CSV may be UTF-8 (with or without BOM) or GBK, as
Excel saves it. With both files, a row of manifest.jsonl wins over one of
manifest.csv for the same file. The manifests themselves are never indexed:
.csv and .jsonl are not report formats.

A manifest is read once per folder and re-read when it changes (its
`manifest_signature`: name, mtime and size), so `index update` can re-parse
the files when it does.
"""

from __future__ import annotations

import csv
import datetime
import json
import logging
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from search_service.ingest.decoding import decode_bytes
from search_service.ingest.unreadable import Unreadable
from search_service.model import DOC_TYPES, LEVELS, Report

log = logging.getLogger(__name__)

MANIFEST_NAMES: tuple[str, ...] = ("manifest.csv", "manifest.jsonl")
TEXT_FIELDS: tuple[str, ...] = ("title", "unit", "town", "county", "city", "province")
OVERRIDABLE_FIELDS: tuple[str, ...] = ("url", *TEXT_FIELDS, "doc_type", "level", "year", "published")
# A manifest of 100,000 rows is a few MB; past this it is not read.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
_MAX_TEXT_CHARS = 500
_YEARS = range(1949, 2201)


class BadRow(ValueError):
    """A manifest row with a value that cannot be used; the message says which."""


@dataclass(frozen=True)
class Manifest:
    """Overrides by file path (relative to the folder, "/"-separated)."""

    rows: Mapping[str, Mapping[str, object]] = field(default_factory=dict)

    def overrides(self, source: str) -> Mapping[str, object]:
        return self.rows.get(source, {})


_EMPTY = Manifest()
_cache: dict[str, tuple[str, Manifest]] = {}
_cache_lock = threading.Lock()


def manifest_signature(root: Path) -> str | None:
    """Names, modification times and sizes of the folder's manifests; None
    when it has none. A change means the manifest may say something new."""
    parts = []
    for name in MANIFEST_NAMES:
        try:
            stat = (root / name).stat()
        except OSError:
            continue
        parts.append(f"{name}:{stat.st_mtime_ns}:{stat.st_size}")
    return ";".join(parts) or None


def load_manifest(root: Path) -> Manifest:
    """The folder's manifest, read once per signature (safe across threads)."""
    signature = manifest_signature(root)
    if signature is None:
        return _EMPTY
    key = str(root.resolve())
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == signature:
            return cached[1]
    manifest = Manifest(_read_rows(root))
    with _cache_lock:
        _cache[key] = (signature, manifest)
    return manifest


def apply_manifest(report: Report, root: Path) -> Report:
    """The report with what the folder's manifest says about its file."""
    overrides = load_manifest(root).overrides(report.source)
    if not overrides:
        return report
    # What the curator settled is no longer in doubt.
    doubts = tuple(doubt for doubt in report.doubts if doubt.field not in overrides)
    reason = f"清单（manifest）指定为 {overrides['doc_type']}" if "doc_type" in overrides else report.doc_type_reason
    return replace(report, **overrides, doubts=doubts, doc_type_reason=reason)


def _read_rows(root: Path) -> dict[str, dict[str, object]]:
    rows: dict[str, dict[str, object]] = {}
    for name in MANIFEST_NAMES:
        path = root / name
        if not path.is_file():
            continue
        try:
            if path.stat().st_size > MAX_MANIFEST_BYTES:
                log.warning("%s: larger than %d MB; not read", path, MAX_MANIFEST_BYTES // (1024 * 1024))
                continue
            data = path.read_bytes()
        except OSError as exc:
            log.warning("%s: cannot read: %s", path, exc.strerror or exc)
            continue
        for number, raw in _raw_rows(name, data):
            try:
                source, values = _validated(raw)
            except BadRow as exc:
                log.warning("%s row %d: %s; row ignored", name, number, exc)
                continue
            if source in rows:
                log.info("%s row %d: %s named again; this row wins", name, number, source)
            rows[source] = values
    return rows


def _raw_rows(name: str, data: bytes) -> Iterator[tuple[int, object]]:
    """(row number, row) of one manifest; a CSV row's number counts the
    header as row 1, a JSONL row's is its line number."""
    if name.endswith(".csv"):
        try:
            text = decode_bytes(data).text
        except Unreadable as exc:
            log.warning("%s: %s; not read", name, exc.reason)
            return
        reader = csv.DictReader(text.splitlines())
        for raw in reader:
            yield reader.line_num, raw
        return
    for number, line in enumerate(data.decode("utf-8-sig", errors="replace").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            log.warning("%s row %d: not JSON (%s); row ignored", name, number, exc.msg)


def _validated(raw: object) -> tuple[str, dict[str, object]]:
    if not isinstance(raw, dict):
        raise BadRow("not an object with a file")
    row = {str(key).strip().lower(): value for key, value in raw.items() if key is not None}
    source = _file(row.get("file"))
    values: dict[str, object] = {}
    for name in OVERRIDABLE_FIELDS:
        value = row.get(name)
        if isinstance(value, str):
            value = value.strip()
        if value is None or value == "":
            continue
        values[name] = _value(name, value)
    return source, values


def _file(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise BadRow("no file")
    path = PurePosixPath(value.strip().replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise BadRow(f"file {value!r} is not a path inside the folder")
    return path.as_posix()


def _value(name: str, value: object) -> object:
    if name == "year":
        year = value if isinstance(value, int) and not isinstance(value, bool) else None
        if isinstance(value, str) and value.isdigit():
            year = int(value)
        if year not in _YEARS:
            raise BadRow(f"year {value!r} is not a year")
        return year
    if not isinstance(value, str):
        raise BadRow(f"{name} {value!r} is not text")
    if name == "url":
        parts = urlsplit(value)
        if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
            raise BadRow(f"url {value!r} is not an absolute http(s) address")
        return value
    if name == "doc_type" and value not in DOC_TYPES:
        raise BadRow(f"doc_type {value!r} is not one of {', '.join(DOC_TYPES)}")
    if name == "level" and value not in LEVELS:
        raise BadRow(f"level {value!r} is not one of {', '.join(LEVELS)}")
    if name == "published":
        try:
            if len(value) != 10:
                raise ValueError(value)
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise BadRow(f"published {value!r} is not a YYYY-MM-DD date") from None
    if len(value) > _MAX_TEXT_CHARS:
        raise BadRow(f"{name} is longer than {_MAX_TEXT_CHARS} characters")
    # Titles and names are compared without whitespace, as ingestion gives them.
    return "".join(value.split()) if name in TEXT_FIELDS else value
