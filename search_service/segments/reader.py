"""Reading segments and commit points (the format is in format.py).

`Segment` is one segment opened for reading: its per-report and per-section
arrays memory-mapped, its stored parts, its records and texts read from disk
one at a time when asked (its pair index is opened by search/exact.py, which
finds terms in it). `SegmentSet` opens every segment a commit point names
and presents them as one collection: a global ordinal per live report, in
source order (the order a build of the same files gives, so answers and
ties do not depend on how the reports are split into segments), with the
maps from each segment's local ordinals to global ones (deleted reports
map to -1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search_service.model import CODED_FIELDS, Report
from search_service.segments import toc
from search_service.segments.format import (
    FORMAT_VERSION,
    REPORTS,
    UNITS,
    Commit,
    load_array,
    read_commit,
    read_json,
    segment_folder,
)
from search_service.segments.frames import Frames
from search_service.segments.records import record_report
from search_service.segments.stored import StoredTerms


class Segment:
    """One segment opened for reading. Immutable; safe across threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = folder.name
        meta = read_json(folder / toc.META)
        if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(f"segment {folder} has another format")
        self.meta = meta
        self.year = load_array(folder, REPORTS, "year")
        self.doc_type = load_array(folder, REPORTS, "doc_type")
        self.codes = {name: load_array(folder, REPORTS, f"{name}_code") for name in CODED_FIELDS}
        self.report_start = load_array(folder, REPORTS, "report_start")
        self.title_end = load_array(folder, REPORTS, "title_end")
        self.report_id = load_array(folder, REPORTS, "report_id")
        self.published = load_array(folder, REPORTS, "published")
        self.report_count = len(self.year)
        # The fields in doubt (format.doubt_bits); none in a segment written
        # before they were kept.
        doubts = _optional_array(folder, REPORTS, "doubts")
        self.doubts = doubts if doubts is not None else np.zeros(self.report_count, dtype=np.uint16)
        self.values = {name: list(meta["facet_values"][name]) for name in CODED_FIELDS}
        self.unit_start = load_array(folder, UNITS, "unit_start")
        self.unit_end = load_array(folder, UNITS, "unit_end")
        self.unit_report = load_array(folder, UNITS, "unit_report")
        self.unit_kind = load_array(folder, UNITS, "unit_kind")
        # Paragraphs of the report before each section (None in a segment
        # written before they were stored: then they are counted).
        self.paragraph_start = _optional_array(folder, UNITS, "paragraph_start")
        self.first_of_report = np.searchsorted(self.unit_report, np.arange(self.report_count + 1), side="left")
        self.unit_count = len(self.unit_report)
        # Records and section texts stay on disk until asked for (frames.py).
        self._records = Frames(folder, toc.RECORDS)
        self._texts = Frames(folder, toc.TEXTS)
        # The parts of its frequent terms, stored when it was written (None
        # for a segment written before they were).
        self.stored = StoredTerms.load(folder, self.report_count, self.unit_count)
        lengths = self.unit_end - self.unit_start[:-1]
        self.report_length = np.bincount(self.unit_report, weights=lengths, minlength=self.report_count)

    def sources(self) -> np.ndarray:
        """Each report's source file (read when asked: only the order of a
        set of segments needs them)."""
        return load_array(self.folder, REPORTS, "source")

    def record(self, local: int) -> dict:
        """A report's record as report_record wrote it."""
        return self._records.record(local)

    def unit_text(self, unit: int) -> str:
        return self._texts.text(unit)

    def report(self, local: int) -> Report:
        units = range(int(self.first_of_report[local]), int(self.first_of_report[local + 1]))
        return record_report(self.record(local), (self.unit_text(u) for u in units))

    def close(self) -> None:
        self._texts.close()
        self._records.close()


@dataclass
class _Part:
    """A segment of the set and how its local ordinals map to global ones
    (-1: deleted)."""

    segment: Segment
    report_global: np.ndarray  # local report -> global report
    unit_global: np.ndarray  # local unit -> global unit
    live: np.ndarray  # bool per local report


class SegmentSet:
    """Every live report of a commit point, numbered in source order.

    Global arrays (per report and per section) are gathered from the
    segments when the set is opened: O(reports + sections) numpy work."""

    def __init__(self, commit_folder: Path) -> None:
        self.folder = commit_folder
        self.commit: Commit = read_commit(commit_folder)
        self.parts: list[_Part] = []
        segments: list[Segment] = []
        try:
            for entry in self.commit.segments:
                segments.append(Segment(segment_folder(commit_folder, entry.name)))
        except BaseException:
            for s in segments:
                s.close()
            raise
        lives = []
        for entry, seg in zip(self.commit.segments, segments, strict=True):
            live = np.ones(seg.report_count, dtype=bool)
            live[np.asarray(entry.deleted, dtype=np.int64)] = False
            lives.append(live)
        # Global order: live reports by source (sources are unique among them).
        seg_of = np.concatenate([np.full(int(lv.sum()), i, dtype=np.int32) for i, lv in enumerate(lives)] or [_i32()])
        local_of = np.concatenate([np.flatnonzero(lv) for lv in lives] or [_i64()]).astype(np.int64)
        sources = np.concatenate([s.sources()[lv] for s, lv in zip(segments, lives, strict=True)] or [np.zeros(0, str)])
        order = np.argsort(sources, kind="stable")
        del sources
        ids = np.concatenate([s.report_id[lv] for s, lv in zip(segments, lives, strict=True)] or [np.zeros(0, str)])
        self.report_id: np.ndarray = ids[order]  # str, per global ordinal
        self.report_segment = seg_of[order]
        self.report_local = local_of[order]
        self.report_count = len(order)
        # Sections of global report g: its segment's units first..first+count.
        firsts = np.zeros(self.report_count, dtype=np.int64)
        counts = np.zeros(self.report_count, dtype=np.int64)
        for i, seg in enumerate(segments):
            mine = self.report_segment == i
            loc = self.report_local[mine]
            firsts[mine] = seg.first_of_report[loc]
            counts[mine] = seg.first_of_report[loc + 1] - seg.first_of_report[loc]
        self.first_of_report = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.unit_count = int(self.first_of_report[-1])
        self.unit_report = np.repeat(np.arange(self.report_count, dtype=np.int32), counts)
        self.unit_segment = np.repeat(self.report_segment, counts)
        shift = np.repeat(firsts - self.first_of_report[:-1], counts)
        self.unit_local = np.arange(self.unit_count, dtype=np.int64) + shift
        self.unit_kind = np.zeros(self.unit_count, dtype=np.int8)
        for i, (seg, live) in enumerate(zip(segments, lives, strict=True)):
            report_global = np.full(seg.report_count, -1, dtype=np.int64)
            mine = np.flatnonzero(self.report_segment == i)
            report_global[self.report_local[mine]] = mine
            unit_global = np.full(seg.unit_count, -1, dtype=np.int64)
            units = np.flatnonzero(self.unit_segment == i)
            unit_global[self.unit_local[units]] = units
            self.unit_kind[units] = seg.unit_kind[self.unit_local[units]]
            self.parts.append(_Part(seg, report_global, unit_global, live))
        self.year = self._gather(lambda seg: seg.year, np.int32)
        self.doc_type = self._gather(lambda seg: seg.doc_type, np.int8)
        self.report_length = self._gather(lambda seg: seg.report_length, np.float64)
        self.published = self._gather(lambda seg: seg.published, np.int32)  # days (format.published_day)
        self.doubts = self._gather(lambda seg: seg.doubts, np.uint16)  # format.doubt_bits
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for name in CODED_FIELDS:
            used: set[str] = set()
            for part in self.parts:
                codes = part.segment.codes[name][part.live]
                used.update(part.segment.values[name][c] for c in np.unique(codes[codes >= 0]).tolist())
            values = sorted(used)
            lookup = {v: i for i, v in enumerate(values)}
            self.values[name] = values
            remapped = []
            for part in self.parts:
                table = np.array([lookup.get(v, -1) for v in part.segment.values[name]] + [-1], dtype=np.int32)
                remapped.append(table[part.segment.codes[name]])  # code -1 reads the last entry, -1
            self.codes[name] = self._gather_arrays(remapped, np.int32)
        # One segment with nothing deleted: local and global ordinals agree.
        self.identity = len(self.parts) == 1 and bool(self.parts[0].live.all())
        self.shifts = _shifts(self.parts)

    def _gather(self, array_of, dtype) -> np.ndarray:  # type: ignore[no-untyped-def]
        return self._gather_arrays([array_of(p.segment) for p in self.parts], dtype)

    def _gather_arrays(self, arrays: list[np.ndarray], dtype) -> np.ndarray:  # type: ignore[no-untyped-def]
        out = np.zeros(self.report_count, dtype=dtype)
        for i, array in enumerate(arrays):
            mine = self.report_segment == i
            out[mine] = array[self.report_local[mine]]
        return out

    # ---------------------------------------------------------------- texts

    def record(self, ordinal: int) -> dict:
        """The record of the report with this global ordinal."""
        part = self.parts[int(self.report_segment[ordinal])]
        return part.segment.record(int(self.report_local[ordinal]))

    def unit_text(self, unit: int) -> str:
        part = self.parts[int(self.unit_segment[unit])]
        return part.segment.unit_text(int(self.unit_local[unit]))

    def paragraph_start(self, unit: int) -> int | None:
        """How many paragraphs of its report come before a section, as its
        segment stored them (None: not stored)."""
        starts = self.parts[int(self.unit_segment[unit])].segment.paragraph_start
        return None if starts is None else int(starts[int(self.unit_local[unit])])

    def statistics(self) -> dict[str, object]:
        """The counts meta.json holds, over the live reports."""
        from search_service.model import DOC_TYPES

        per_year: dict[str, int] = {}
        documents = dict.fromkeys(DOC_TYPES, 0)
        for doc_type, year in zip(self.doc_type.tolist(), self.year.tolist(), strict=True):
            kind = DOC_TYPES[doc_type]
            documents[kind] += 1
            if kind == "annual_report":
                key = str(year) if year else "unknown"
                per_year[key] = per_year.get(key, 0) + 1
        characters = 0
        for part in self.parts:
            seg = part.segment
            ends = np.append(seg.report_start[1:], int(seg.meta["corpus_characters"]))
            characters += int((ends - seg.report_start)[part.live].sum())
        return {
            "reports": documents["annual_report"],
            "documents": documents,
            "sections": self.unit_count,
            "corpus_characters": characters,
            "per_year": dict(sorted(per_year.items())),
            "facet_values": self.values,
        }

    def close(self) -> None:
        for part in self.parts:
            part.segment.close()


def _shifts(parts: list[_Part]) -> list[tuple[int, int] | None]:
    """Per segment, (its first global report, its first global section)
    when its reports are one run of global ordinals, nothing deleted, the
    run after the previous segment's (a build's segments: consecutive
    sources); else None (an update's segment, whose sources fall among the
    others', or deletions)."""
    shifts: list[tuple[int, int] | None] = []
    following = 0
    for part in parts:
        count = len(part.report_global)
        first = int(part.report_global[0]) if count else following
        run = bool(part.live.all()) and first == following
        if run and count:
            run = bool(np.array_equal(part.report_global, np.arange(first, first + count)))
        shifts.append((first, int(part.unit_global[0]) if len(part.unit_global) else 0) if run else None)
        following = first + count
    return shifts


def _i32() -> np.ndarray:
    return np.zeros(0, dtype=np.int32)


def _i64() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _optional_array(folder: Path, group: str, name: str) -> np.ndarray | None:
    try:
        return load_array(folder, group, name)
    except FileNotFoundError:
        return None
