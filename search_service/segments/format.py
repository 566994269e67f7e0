"""The on-disk format of segments and commit points: its version and
history, the commit point (commit.json and tombstones, CURRENT, the file
manifest, first-seen times), the JSON and array helpers every file of it is
written and read with. Every file name is in toc.py; writer.py writes a
segment, reader.py reads it, side by side with the parts' own modules
(pairs.py, stored.py, frames.py, records.py, presence.py).

An index folder holds immutable segments (seg-*/) and commit points (gen-*/):

    seg-…/    meta.json, reports.*.npy (per report), units.*.npy (per
              section), records.* and texts.* (zstd frames), bi_*.npy (the
              pair index: positions are per segment), stored.*.npy (the
              parts of frequent terms, in segments of stored.MIN_REPORTS
              reports or more), whoosh/ (the word index), presence.*
              (report x content-word matrix; word_presence.npz before)
    gen-…/    commit.json (its segments in order and per segment the file
              of its deleted reports), deleted-<segment>.npy (a tombstone:
              the segment itself is not rewritten), meta.json (counts over
              the live reports), manifest.json, first_seen.json

A build writes one segment per `segment_reports` reports; an update writes one
segment for new and changed files and tombstones for the reports it replaces;
a merge (tiered_merge_policy in writer.py) rewrites a few small segments as
one. Every segment and commit point is written under a hidden name, fsynced,
renamed, and only then named by CURRENT: a reader sees the old commit point
or the new one. A commit point and its segments are never modified after
CURRENT names it, so a reader that opened one keeps a consistent view until
it switches to the next.

Format history: 1 first layout; 2 pair-only exact index; 3 every readable
document indexed with doc_type, level, unit and url (titles may be null);
4 segments and commit points (before, one folder held every file of the
index); 5 records and section texts compressed one by one, read when
needed (a worker no longer holds a dict per report), the published day and
format codes as arrays, one memory-mapped file per array (a worker's
private memory then holds only what it gathers across segments), and the
file manifest apart from meta.json.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search_service.model import DOUBT_FIELDS, Doubt
from search_service.segments import toc

FORMAT_VERSION = 5
# A build starts a new segment after this many reports (the
# SEARCH_SERVICE_SEGMENT_REPORTS setting).
DEFAULT_SEGMENT_REPORTS = 50_000


@dataclass(frozen=True)
class SegmentEntry:
    """One segment as a commit names it: its folder's name, its report
    count, and its deleted local ordinals (sorted)."""

    name: str
    reports: int
    deleted: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @property
    def live(self) -> int:
        return self.reports - len(self.deleted)


@dataclass(frozen=True)
class Commit:
    """A commit point: the segments of one state of the index."""

    segments: tuple[SegmentEntry, ...]

    def live(self) -> int:
        return sum(s.live for s in self.segments)


def new_name(prefix: str) -> str:
    """A folder name that sorts by creation time and is unique per process."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return f"{prefix}{stamp}-{os.getpid()}"


def segment_folder(commit_folder: Path, name: str) -> Path:
    """Segments live beside the commits that name them."""
    if "/" in name or not name.startswith(toc.SEGMENT_PREFIX):
        raise ValueError(f"not a segment name: {name!r}")
    return commit_folder.parent / name


def write_commit(folder: Path, commit: Commit) -> None:
    """commit.json and the tombstones into a commit folder being written."""
    entries = []
    for seg in commit.segments:
        entry: dict[str, object] = {"name": seg.name, "reports": seg.reports, "deleted": len(seg.deleted)}
        if len(seg.deleted):
            tombstone = toc.tombstone_file(seg.name)
            np.save(folder / tombstone, np.asarray(seg.deleted, dtype=np.int32), allow_pickle=False)
            entry["tombstone"] = tombstone
        entries.append(entry)
    write_json(folder / toc.COMMIT, {"format_version": FORMAT_VERSION, "segments": entries})


def read_commit(folder: Path) -> Commit:
    """The commit point in folder. OSError/ValueError/KeyError when it is
    not one (of this format)."""
    data = read_json(folder / toc.COMMIT)
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{folder} is not a commit point of format {FORMAT_VERSION}")
    segments = []
    for entry in data["segments"]:
        deleted = np.zeros(0, dtype=np.int32)
        if entry.get("tombstone"):
            name = str(entry["tombstone"])
            if "/" in name:
                raise ValueError(f"bad tombstone name {name!r}")
            deleted = np.load(folder / name, allow_pickle=False)
        segment_folder(folder, str(entry["name"]))  # checks the name
        segments.append(SegmentEntry(str(entry["name"]), int(entry["reports"]), deleted))
    return Commit(tuple(segments))


_EPOCH = dt.date(1970, 1, 1)
NO_DAY = -(2**31)  # no published date (any real date fits int32 days)


def published_day(published: str | None) -> int:
    """A published date (YYYY-MM-DD) as days since 1970-01-01; NO_DAY for none."""
    if not published:
        return NO_DAY
    try:
        return (dt.date.fromisoformat(published) - _EPOCH).days
    except ValueError:
        return NO_DAY


def day_published(day: int) -> str | None:
    """published_day's inverse."""
    return None if day == NO_DAY else (_EPOCH + dt.timedelta(days=int(day))).isoformat()


# The fields of a report in doubt (model.Doubt), a bit each in the order of
# model.DOUBT_FIELDS (so that order is part of the format: fields are only
# ever appended, 15 at most in a uint16), and DOUBT_OTHER for a doubt about
# any other field: the curation list is found and counted from these bits
# (analysis/curation.py) without reading a record.
DOUBT_OTHER = 1 << 15


def doubt_bit(name: str) -> int:
    """The bit of a field in doubt_bits (DOUBT_OTHER for a field not in
    model.DOUBT_FIELDS)."""
    return 1 << DOUBT_FIELDS.index(name) if name in DOUBT_FIELDS else DOUBT_OTHER


def doubt_bits(doubts: Iterable[Doubt]) -> int:
    """The bits of a report's doubts (0: nothing in doubt)."""
    bits = 0
    for doubt in doubts:
        bits |= doubt_bit(doubt.field)
    return bits


# Per-report and per-section arrays: one .npy file each, named
# `<group>.<name>.npy`, so readers memory-map them (the pages are the page
# cache's, shared by every worker, not each worker's own copy).
REPORTS = toc.REPORTS
UNITS = toc.UNITS


def save_arrays(folder: Path, group: str, **arrays: np.ndarray) -> None:
    for name, array in arrays.items():
        np.save(folder / toc.array_file(group, name), array, allow_pickle=False)


def load_array(folder: Path, group: str, name: str) -> np.ndarray:
    """One saved array, memory-mapped (read-only; a plain ndarray view of
    the mapping, which slices faster than a np.memmap)."""
    return np.asarray(np.load(folder / toc.array_file(group, name), mmap_mode="r", allow_pickle=False))


# ------------------------------------------------------------ CURRENT and files


def current_commit(index_dir: Path) -> Path | None:
    """The live commit point's folder, or None when no index was ever built."""
    try:
        name = (index_dir / toc.CURRENT).read_text("utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name or "/" in name or not name.startswith(toc.COMMIT_PREFIX):
        return None
    path = index_dir / name
    return path if path.is_dir() else None


def switch_current(index_dir: Path, commit_folder: Path) -> None:
    """Point CURRENT at a commit point in one atomic rename (readers see the old
    name or the new one, never a partial file)."""
    tmp = index_dir / f".{toc.CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(commit_folder.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / toc.CURRENT)
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


def fsync_tree(folder: Path) -> None:
    """Every file and folder under folder on disk."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        fsync_dir(path)


# The file manifest of a commit ({source: size, mtime, report_id}): what an
# update compares the source folder with. Apart from meta.json, which every
# serving worker reads: at a million files it is some 100 MB of JSON.
def write_manifest(folder: Path, manifest: dict[str, dict[str, object]]) -> None:
    write_json(folder / toc.MANIFEST, manifest)


def read_manifest(folder: Path) -> dict[str, dict[str, object]]:
    """The commit's manifest; empty when it has none."""
    try:
        data = read_json(folder / toc.MANIFEST)
    except FileNotFoundError:
        return {}
    return data if isinstance(data, dict) else {}


# When each report first entered the index. A commit point without the file
# (built before it existed, or by write_commit_point) has no times: readers
# fall back to its build time.


def write_first_seen(folder: Path, first_seen: dict[str, str]) -> None:
    """{report_id: ISO time} of every report of the commit point in folder."""
    write_json(folder / toc.FIRST_SEEN, dict(sorted(first_seen.items())))


def read_first_seen(folder: Path) -> dict[str, str]:
    """The commit point's {report_id: ISO time}; empty when it has none."""
    try:
        data = read_json(folder / toc.FIRST_SEEN)
    except FileNotFoundError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
