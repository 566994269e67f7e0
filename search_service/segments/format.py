"""The on-disk format of segments and commit points (writer.py writes it,
reader.py reads it; this module names every file and its fields).

An index folder holds immutable segments and commit points:

    index/
      CURRENT                 name of the live commit point (replaced atomically)
      .lock                   the writer lock (indexing/lock.py)
      seg-20261125T184501…/   one segment: a set of reports, never modified
        meta.json             format, tokenizer identity, counts, facet values
        records.*             one record per report, in ordinal order
                              (store.report_record), compressed (frames.py)
        reports.*.npy         per report: year, doc type, facet codes, corpus start,
                              title end, report_id, source, published day and
                              the fields in doubt (doubt_bits; absent from
                              segments written before: then none)
                              (one file per array, memory-mapped by readers)
        units.*.npy           per section: report ordinal, kind, start and end in
                              the segment's corpus, and how many paragraphs of
                              its report come before it (paragraph_start;
                              absent from segments written before: then counted)
        bi_*.npy              the exact pair index over the segment's corpus
                              (search/exact.py): positions are per segment
        stored.*.npy          the parts of its frequent terms (characters, pairs,
                              common words: counts per report, a bit per section
                              and per title), read by queries instead of
                              positions (search/stored.py); only in segments
                              of stored.MIN_REPORTS reports or more, and
                              absent from segments written before
        texts.*               section texts for display and snippets, each
                              a zstd frame with the segment's dictionary (frames.py)
        whoosh/               the jieba-word index of its sections
        presence.*            report x content-word matrix, memory-mapped
                              (analysis/word_presence.py; word_presence.npz,
                              loaded whole, in segments written before)
      gen-20261125T184502…/   one commit point
        commit.json           the segments it is made of, in order, and per
                              segment the file of its deleted reports
        deleted-<segment>.npy sorted local ordinals deleted in that segment
                              (a tombstone: the segment itself is not rewritten)
        meta.json             counts over the live reports, how it was built
        manifest.json         every source file: size, modification time, report id
        first_seen.json       report_id -> when it first entered the index
      changes.jsonl           what each build added, changed, removed

A build writes one segment per `segment_reports` reports; an update writes one
segment for new and changed files and tombstones for the reports it replaces;
a merge (merge_policy in writer.py) rewrites a few small segments as one.
Every segment and commit is written under a hidden name, fsynced, renamed,
and only then named by CURRENT: a reader sees the old commit or the new one.

Format history: 1 first layout; 2 pair-only exact index; 3 every readable
document indexed with doc_type, level, unit and url (titles may be null);
4 segments and commit points (a generation was one folder with every file);
5 records and section texts compressed one by one, read when needed (a
worker no longer holds a dict per report), the published day and format
codes as arrays, one memory-mapped file per array (a worker's private
memory then holds only what it gathers across segments), and the file
manifest apart from meta.json.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search_service.model import DOUBT_FIELDS, Doubt

FORMAT_VERSION = 5
SEGMENT_PREFIX = "seg-"
COMMIT_FILE = "commit.json"
SEGMENT_META = "meta.json"
TOMBSTONE_PREFIX = "deleted-"
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
    import datetime as dt

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return f"{prefix}{stamp}-{os.getpid()}"


def segment_folder(commit_folder: Path, name: str) -> Path:
    """Segments live beside the commits that name them."""
    if "/" in name or not name.startswith(SEGMENT_PREFIX):
        raise ValueError(f"not a segment name: {name!r}")
    return commit_folder.parent / name


def write_commit(folder: Path, commit: Commit) -> None:
    """commit.json and the tombstones into a commit folder being written."""
    entries = []
    for seg in commit.segments:
        entry: dict[str, object] = {"name": seg.name, "reports": seg.reports, "deleted": len(seg.deleted)}
        if len(seg.deleted):
            tombstone = f"{TOMBSTONE_PREFIX}{seg.name}.npy"
            np.save(folder / tombstone, np.asarray(seg.deleted, dtype=np.int32), allow_pickle=False)
            entry["tombstone"] = tombstone
        entries.append(entry)
    from search_service import store

    store.write_json(folder / COMMIT_FILE, {"format_version": FORMAT_VERSION, "segments": entries})


def read_commit(folder: Path) -> Commit:
    """The commit point in folder. OSError/ValueError/KeyError when it is
    not one (of this format)."""
    from search_service import store

    data = store.read_json(folder / COMMIT_FILE)
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


def is_commit(folder: Path) -> bool:
    return (folder / COMMIT_FILE).is_file()


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
REPORTS = "reports"
UNITS = "units"


def save_arrays(folder: Path, group: str, **arrays: np.ndarray) -> None:
    for name, array in arrays.items():
        np.save(folder / f"{group}.{name}.npy", array, allow_pickle=False)


def load_array(folder: Path, group: str, name: str) -> np.ndarray:
    """One saved array, memory-mapped (read-only; a plain ndarray view of
    the mapping, which slices faster than a np.memmap)."""
    return np.asarray(np.load(folder / f"{group}.{name}.npy", mmap_mode="r", allow_pickle=False))
