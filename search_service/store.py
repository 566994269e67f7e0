"""The index folder's pointer to its live commit, and the records and
first-seen times written into it.

The layout of segments and commit points is described, written and read in
search_service/segments/ (format.py, writer.py, reader.py). Here: CURRENT
(names the live commit point, replaced atomically), the lock file's name,
the JSON helpers, and the report records (the records frames of each segment) and
first-seen times (first_seen.json of each commit), writer and reader side by
side. A commit point and its segments are never modified after CURRENT names
it, so a reader that opened one keeps a consistent view until it switches to
the next.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from search_service.model import REPORT_FIELDS, Doubt, Report, ReportFields, Section
from search_service.segments.format import FORMAT_VERSION  # noqa: F401 - its history is there

CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
GENERATION_PREFIX = "gen-"
FIRST_SEEN_FILE = "first_seen.json"
BUILDING_PREFIX = ".building-"


def current_generation(index_dir: Path) -> Path | None:
    """The live commit point's folder, or None when no index was ever built."""
    try:
        name = (index_dir / CURRENT_FILE).read_text("utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name or "/" in name or not name.startswith(GENERATION_PREFIX):
        return None
    path = index_dir / name
    return path if path.is_dir() else None


def switch_current(index_dir: Path, generation: Path) -> None:
    """Point CURRENT at generation in one atomic rename (readers see the old
    name or the new one, never a partial file)."""
    tmp = index_dir / f".{CURRENT_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(generation.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT_FILE)
    fsync_dir(index_dir)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: object) -> None:
    # json.dumps, not json.dump: dump streams through the pure-Python
    # encoder, dumps uses the C one (5x faster on a 25 MB file of records).
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def read_json(path: Path) -> object:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


# ------------------------------------------------------------------ records
# A report's record (segments/frames.py stores it): its fields, how it was read,
# why its doc_type is what it is and what ingestion doubted (for the curator),
# and the outline of its sections (kind, heading, subheadings, original text);
# the section texts themselves are stored apart. Writer and reader side by
# side. A record written before doc_type_reason and doubts existed has
# neither key: it reads as "" and no doubts.


def report_record(report: Report) -> dict[str, object]:
    """A report's fields and section outline as stored in its segment."""
    return {
        **{name: getattr(report, name) for name in REPORT_FIELDS},
        "format": report.format,
        "encoding": report.encoding,
        "traditional": report.traditional,
        "doc_type_reason": report.doc_type_reason,
        "doubts": [{"field": d.field, "reason": d.reason} for d in report.doubts],
        "sections": [
            {"kind": s.kind, "heading": s.heading, "subheadings": list(s.subheadings), "original": s.original}
            for s in report.sections
        ],
    }


def record_fields(record: dict) -> ReportFields:
    """The report fields of a record."""
    return ReportFields(**{name: record.get(name) for name in REPORT_FIELDS})


def record_doubts(record: dict) -> tuple[Doubt, ...]:
    """The doubts of a record (none in a record written before they were kept)."""
    return tuple(Doubt(str(d["field"]), str(d["reason"])) for d in record.get("doubts") or ())


def record_report(record: dict, texts: Iterable[str]) -> Report:
    """The Report a record was written from, given its section texts in order."""
    sections = [
        Section(s["kind"], s["heading"], text, tuple(s["subheadings"]), s.get("original"))
        for s, text in zip(record["sections"], texts, strict=True)
    ]
    fields = {name: record.get(name) for name in (*REPORT_FIELDS, "format", "encoding")}
    return Report(
        **fields,
        sections=sections,
        traditional=bool(record.get("traditional")),
        doc_type_reason=str(record.get("doc_type_reason") or ""),
        doubts=record_doubts(record),
    )


# ------------------------------------------------------------- first seen
# When each report first entered the index. A generation without the file
# (built before it existed, or by write_generation) has no times: readers
# fall back to the generation's build time. Writer and reader side by side.


# The file manifest of a commit ({source: size, mtime, report_id}): what an
# update compares the source folder with. Apart from meta.json, which every
# serving worker reads: at a million files it is some 100 MB of JSON.
MANIFEST_FILE = "manifest.json"


def write_manifest(folder: Path, manifest: dict[str, dict[str, object]]) -> None:
    write_json(folder / MANIFEST_FILE, manifest)


def read_manifest(folder: Path) -> dict[str, dict[str, object]]:
    """The commit's manifest; empty when it has none."""
    try:
        data = read_json(folder / MANIFEST_FILE)
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


def write_first_seen(folder: Path, first_seen: dict[str, str]) -> None:
    """{report_id: ISO time} of every report of the generation in folder."""
    write_json(folder / FIRST_SEEN_FILE, dict(sorted(first_seen.items())))


def read_first_seen(folder: Path) -> dict[str, str]:
    """The generation's {report_id: ISO time}; empty when it has none."""
    try:
        data = read_json(folder / FIRST_SEEN_FILE)
    except FileNotFoundError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
