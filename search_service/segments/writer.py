"""Writing segments and commit points (the format is in format.py).

A segment is written once, by `SegmentWriter`, from reports in any order:
it sorts them by source, lays their normalised texts end to end in its own
corpus (positions are per segment, so the collection has no size ceiling),
and writes the exact index, texts, arrays, records, word index and word
presence matrix into a hidden folder that is fsynced and renamed into place.
Nothing modifies it afterwards: deletions are tombstones in a commit point.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import shutil
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search_service import words_index
from search_service.model import CODED_FIELDS, DOC_TYPES, SECTION_KINDS, Report
from search_service.segments import stored, toc
from search_service.segments.format import (
    DEFAULT_SEGMENT_REPORTS,
    FORMAT_VERSION,
    REPORTS,
    UNITS,
    Commit,
    SegmentEntry,
    doubt_bits,
    fsync_dir,
    fsync_tree,
    new_name,
    published_day,
    save_arrays,
    segment_folder,
    write_commit,
    write_json,
    write_manifest,
)
from search_service.segments.frames import write_records, write_texts
from search_service.segments.pairs import SEPARATOR, PairIndex, build_pair_arrays, save_pairs
from search_service.segments.paragraphs import paragraph_count
from search_service.segments.presence import PresenceCollector
from search_service.segments.reader import Segment, SegmentSet
from search_service.segments.records import report_record
from search_service.text import normalize, tokenizer_identity
from search_service.words_index import ReportWords, report_words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Normalised:
    """A report's text as the exact index lays it out: its units normalised
    end to end, with the separator after them."""

    text: str
    unit_lengths: tuple[int, ...]
    title_length: int

    @classmethod
    def of(cls, report: Report) -> Normalised:
        return cls.from_units(report, normalised_units(report))

    @classmethod
    def from_units(cls, report: Report, units: list[str]) -> Normalised:
        return cls("".join(units) + SEPARATOR, tuple(len(u) for u in units), len(normalize(report.title or "")))


def normalised_units(report: Report) -> list[str]:
    return [normalize(raw) for _, raw in report.searchable_units()]


class SegmentWriter:
    """One segment being written in index_dir. add() reports (with their
    words and normalised text when the parsing workers computed them), then
    finish() or cancel()."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.name = new_name(toc.SEGMENT_PREFIX)
        self.building = index_dir / f"{toc.BUILDING_PREFIX}{self.name}"
        self.building.mkdir()
        self._words = words_index.writer(words_index.create(self.building / toc.WORDS))
        self._add_words = words_index.add_report
        self._presence = PresenceCollector()
        self._reports: list[Report] = []
        self._normalised: dict[str, Normalised] = {}

    def __len__(self) -> int:
        return len(self._reports)

    def add(self, report: Report, words: ReportWords | None = None, normalised: Normalised | None = None) -> None:
        if words is None or normalised is None:
            units = normalised_units(report)
            words = words or report_words(report, units)
            normalised = normalised or Normalised.from_units(report, units)
        self._add_words(self._words, report, words)
        # The fields add_report gives Whoosh: none for a report without sections.
        self._presence.add(report.report_id, [words.title, *words.sections] if report.sections else [])
        self._normalised[report.report_id] = normalised
        self._reports.append(report)

    def finish(self) -> SegmentEntry:
        """Write every file, fsync and rename the segment into place."""
        reports = sorted(self._reports, key=lambda r: r.source)
        # The word index's commit (Python, mostly sorting postings) runs in a
        # thread beside the exact index (numpy, which releases the GIL).
        committing = _Background(self._words.commit)
        try:
            write_arrays(self.building, reports, self._normalised, self._presence.report_counts())
        finally:
            committing.join()
        committing.raise_error()
        self._presence.write(self.building, [r.report_id for r in reports])
        fsync_tree(self.building)
        os.rename(self.building, self.index_dir / self.name)
        fsync_dir(self.index_dir)
        self._reports, self._normalised = [], {}
        return SegmentEntry(self.name, len(reports))

    def cancel(self) -> None:
        """Give up the segment (a failure here must not hide the error that
        caused it)."""
        from whoosh.writing import IndexingError

        try:
            self._words.cancel()
        except (OSError, IndexingError) as exc:  # IndexingError: it had committed already
            log.warning("could not cancel the word index writer: %s", exc)
        shutil.rmtree(self.building, ignore_errors=True)


def write_arrays(
    folder: Path,
    reports: list[Report],
    normalised: dict[str, Normalised],
    word_reports: Mapping[str, int] | None = None,
) -> None:
    """Every file of a segment but the word index (not yet fsynced); reports
    sorted by source, each with its normalised text in `normalised` (by
    report id) or normalised here; word_reports: how many reports hold each
    content word, to choose the words whose parts are stored (stored.py)."""
    position = 0
    chunks: list[tuple[int, str]] = []
    unit_start: list[int] = []
    unit_end: list[int] = []
    report_start: list[int] = []
    title_end: list[int] = []
    unit_report: list[int] = []
    unit_kind: list[int] = []
    paragraph_start: list[int] = []  # paragraphs of the report before each section (p<n+1> is its first)
    section_texts: list[str] = []
    for ordinal, report in enumerate(reports):
        known = normalised.get(report.report_id) or Normalised.of(report)
        chunks.append((position, known.text))
        report_start.append(position)
        title_end.append(position + known.title_length)
        for length in known.unit_lengths:
            unit_start.append(position)
            position += length
            unit_end.append(position)
        position += 1
        before = 0
        for section in report.sections:
            unit_report.append(ordinal)
            unit_kind.append(SECTION_KINDS.index(section.kind))
            section_texts.append(section.text)
            paragraph_start.append(before)
            before += paragraph_count(section.text)
    write_texts(folder, section_texts)
    del section_texts
    corpus = np.empty(position, dtype=np.uint32)
    for start, text in chunks:
        corpus[start : start + len(text)] = np.frombuffer(text.encode("utf-32-le"), dtype="<u4")
    del chunks
    pair_arrays = build_pair_arrays(corpus)
    save_pairs(folder, pair_arrays)
    units = {
        "unit_start": np.array(unit_start + [position], dtype=np.int64),
        "unit_end": np.array(unit_end, dtype=np.int64),
        "unit_report": np.array(unit_report, dtype=np.int32),
    }
    save_arrays(
        folder,
        UNITS,
        **units,
        unit_kind=np.array(unit_kind, dtype=np.int8),
        paragraph_start=np.array(paragraph_start, dtype=np.uint32),
    )
    starts = np.array(report_start, dtype=np.int64)
    ends = np.array(title_end, dtype=np.int64)
    if len(reports) >= stored.MIN_REPORTS:
        first_of_report = np.searchsorted(units["unit_report"], np.arange(len(reports) + 1), side="left")
        stored.compute_stored(
            corpus,
            PairIndex(pair_arrays),
            units["unit_start"],
            units["unit_end"],
            units["unit_report"],
            first_of_report,
            starts,
            ends,
            word_reports or {},
        ).save(folder)
    del corpus, pair_arrays
    facet_values: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for name in CODED_FIELDS:
        values = sorted({getattr(r, name) for r in reports if getattr(r, name)})
        lookup = {v: i for i, v in enumerate(values)}
        facet_values[name] = values
        codes[name] = np.array([lookup.get(getattr(r, name), -1) for r in reports], dtype=np.int32)
    save_arrays(
        folder,
        REPORTS,
        year=np.array([r.year or 0 for r in reports], dtype=np.int32),
        report_start=starts,
        title_end=ends,
        doc_type=np.array([DOC_TYPES.index(r.doc_type) for r in reports], dtype=np.int8),
        report_id=np.array([r.report_id for r in reports], dtype=str),
        source=np.array([r.source for r in reports], dtype=str),
        published=np.array([published_day(r.published) for r in reports], dtype=np.int32),
        doubts=np.array([doubt_bits(r.doubts) for r in reports], dtype=np.uint16),
        **{f"{name}_code": codes[name] for name in CODED_FIELDS},
    )
    write_records(folder, [report_record(r) for r in reports])
    meta = {
        "format_version": FORMAT_VERSION,
        **tokenizer_identity(),
        "reports": len(reports),
        "sections": len(unit_report),
        "corpus_characters": position,
        "facet_values": facet_values,
    }
    write_json(folder / toc.META, meta)


class _Background(threading.Thread):
    """Run work in a thread; its exception is raised again by raise_error."""

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__(name="segment-writer", daemon=True)
        self._work = work
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc

    def raise_error(self) -> None:
        if self._error is not None:
            raise self._error


# ------------------------------------------------------------ commit points


def write_commit_folder(folder: Path, commit: Commit, info: dict[str, object]) -> dict[str, object]:
    """commit.json, tombstones and meta.json (counts over the live reports,
    then `info`) into a new commit folder; segments with no live report are
    left out. Returns the meta written."""
    commit = Commit(tuple(s for s in commit.segments if s.live > 0))
    write_commit(folder, commit)
    info = dict(info)
    write_manifest(folder, info.pop("manifest", {}))  # type: ignore[arg-type]
    opened = SegmentSet(folder)
    try:
        meta = {"format_version": FORMAT_VERSION, **tokenizer_identity(), **opened.statistics(), **info}
    finally:
        opened.close()
    write_json(folder / toc.META, meta)
    return meta


def write_commit_point(folder: Path, reports: list[Report], info: dict[str, object]) -> None:
    """A commit point in folder (which must be new) over one new segment of
    reports, written beside it; not switched to."""
    folder.mkdir(parents=True)
    writer = SegmentWriter(folder.parent)
    try:
        for report in reports:
            writer.add(report)
        entry = writer.finish()
    except BaseException:
        writer.cancel()
        raise
    built = dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")
    write_commit_folder(folder, Commit((entry,)), {"built_at": built, **info})
    fsync_tree(folder)


# ------------------------------------------------------------ merging

# A tier holds segments whose live report counts have the same order of
# magnitude (base MERGE_FACTOR); more than MERGE_WIDTH segments in one tier
# are merged into one, which then sits in the tier above. A segment of half
# a build's segment size or more is full: it is never merged with others
# (as Lucene's tiered policy has a largest merged segment), only rewritten
# when more than half of it is deleted, and a merge stops short of that
# size. A build of 1,000,000 reports writes 20 segments of 50,000: merging
# them into one at the next update rewrote the whole index.
MERGE_FACTOR = 10
MERGE_WIDTH = 8


def tiered_merge_policy(
    segments: Sequence[SegmentEntry],
    width: int = MERGE_WIDTH,
    factor: int = MERGE_FACTOR,
    full: int = DEFAULT_SEGMENT_REPORTS // 2,
) -> list[list[str]]:
    """The groups of segments to merge (by name): in every tier with more
    than `width` segments that are not full, the smallest of them up to a
    merged size under `full` (at least two); the segments more than half
    deleted (merged together, or rewritten alone without their deleted
    reports). Empty when the index is fine as it is."""
    tiers: dict[int, list[SegmentEntry]] = {}
    for seg in segments:
        tiers.setdefault(int(math.log(max(seg.live, 1), factor)), []).append(seg)
    groups = []
    for members in tiers.values():
        open_ = sorted((s for s in members if s.live < full), key=lambda s: (s.live, s.name))
        merged: list[SegmentEntry] = []
        if len(open_) > width:
            for seg in open_:
                if merged and sum(s.live for s in merged) + seg.live >= full:
                    break
                merged.append(seg)
        if len(merged) < 2:
            merged = []
        else:
            groups.append([s.name for s in merged])
        taken = {s.name for s in merged}
        emptied = [s.name for s in members if len(s.deleted) > s.live and s.name not in taken]
        if emptied:
            groups.append(emptied)  # rewritten without their deleted reports
    return groups


def merge_segments(index_dir: Path, commit_folder: Path, commit: Commit, names: Sequence[str]) -> Commit:
    """Write one segment holding the live reports of the named segments of
    commit; the commit with them replaced by it (not yet written)."""
    chosen = [s for s in commit.segments if s.name in set(names)]
    writer = SegmentWriter(index_dir)
    try:
        for entry in chosen:
            segment = Segment(segment_folder(commit_folder, entry.name))
            try:
                deleted = set(entry.deleted.tolist())
                for local in range(segment.report_count):
                    if local not in deleted:
                        writer.add(segment.report(local))
            finally:
                segment.close()
        merged = writer.finish()
    except BaseException:
        writer.cancel()
        raise
    kept = [s for s in commit.segments if s.name not in set(names)]
    return Commit((*kept, merged))
