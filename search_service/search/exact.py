"""The exact character index behind the "mentions" rule: where a term
occurs in one segment, from its pair index (segments/pairs.py), and in a
commit point's segments together.

Every report's normalised text (CONTRACT.md's rule) is laid end to end in a
segment's corpus, reports separated by U+0000, and for every pair of
adjacent characters the segment keeps the sorted positions where it occurs.
A term of n >= 2 characters occurs at position p exactly when the pairs
covering it occur at p, p+2, ...: intersecting a few sorted position lists
(intersecting.py: by binary search or by merging, whichever is cheaper)
gives every occurrence, with no false match and none missed, whatever jieba
would make of the words. One-character terms read the lists of the pairs
the character starts, which lie side by side, without merging them.
Positions are then placed in reports, sections and titles (placing.py).

A term's `TermHits` (terms.py) computes each part (reports, counts,
sections, titles) when first read, and answers for a few reports
(`TermHits.within`) from those reports' stretches of the lists alone: a
query reads a common term's sections and counts only where a filter or a
rarer term leaves candidates. A segment that stores a term's parts
(segments/stored.py) answers from them instead (stored.py).

This is a positional n-gram index in the manner of code-search engines
(Google Code Search, zoekt), kept as flat numpy arrays that are memory-mapped
and shared between gunicorn workers through the page cache.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search_service.search.intersecting import cheapest_cover, intersect_pairs
from search_service.search.placing import (
    Runs,
    count_in,
    distinct_sorted,
    gather_ranges,
    interleave,
    present_in,
    range_indices,
)
from search_service.search.stored import stored_hits
from search_service.search.terms import TermHits, merged_hits
from search_service.segments.pairs import SEPARATOR, PairIndex
from search_service.segments.reader import Segment, SegmentSet


class ExactIndex:
    """Where terms occur in one segment, from its pair index (memory-mapped),
    in local ordinals."""

    def __init__(
        self,
        folder: Path,
        unit_start: np.ndarray,
        unit_end: np.ndarray,
        unit_report: np.ndarray,
        title_end: np.ndarray,
        report_count: int,
    ) -> None:
        self._pairs = PairIndex.open(folder)
        self._unit_start = unit_start
        self._unit_end = unit_end
        self._unit_report = unit_report
        self._title_end = title_end
        self._report_count = report_count
        self.first_of_report = np.searchsorted(unit_report, np.arange(report_count + 1), side="left")
        # Report r spans [report_bounds[r], report_bounds[r + 1]) of the
        # corpus: its text and the separator after it.
        self._report_bounds = unit_start[self.first_of_report]

    def _character_list(self, code_point: int) -> np.ndarray:
        """Positions of one character: the union of the lists of the pairs
        it starts, which are adjacent; one sort merges these sorted runs."""
        runs = self._character_runs(code_point)
        found = np.array(runs.block)
        if len(runs.offsets) > 2:
            found.sort(kind="stable")  # timsort: merges the runs
        return found

    def _character_runs(self, code_point: int) -> Runs:
        """The lists of the pairs a character starts, side by side."""
        return Runs(*self._pairs.character_lists(code_point))

    def _pair_list(self, a: str, b: str) -> np.ndarray:
        return self._pairs.pair_list(a, b)

    def occurrences(self, term: str, within: np.ndarray | None = None) -> np.ndarray:
        """Sorted corpus positions where the normalised term starts; only
        those in the reports `within` (sorted ordinals) when given, found
        by intersecting only those reports' stretches of the pair lists."""
        if not term or SEPARATOR in term:
            return np.zeros(0, dtype=np.uint32)
        if len(term) == 1:
            found = self._character_list(ord(term))
            return found if within is None else self._only_within(found, within)
        lists = [(offset, self._pair_list(term[offset], term[offset + 1])) for offset in range(len(term) - 1)]
        if min(len(plist) for _, plist in lists) == 0:
            return np.zeros(0, dtype=np.uint32)
        cover = cheapest_cover(lists, len(term))
        if within is not None:
            # Every pair of an occurrence lies in the report it starts in.
            cover = [(offset, self._only_within(plist, within)) for offset, plist in cover]
            cover.sort(key=lambda item: len(item[1]))
        return intersect_pairs(cover)

    def estimate(self, term: str) -> int:
        """The length of the term's rarest pair list (of its character's
        positions for a one-character term): at least its occurrences."""
        if not term or SEPARATOR in term:
            return 0
        if len(term) == 1:
            return len(self._character_runs(ord(term)))
        return min(len(self._pair_list(term[i], term[i + 1])) for i in range(len(term) - 1))

    def _only_within(self, positions: np.ndarray, reports: np.ndarray) -> np.ndarray:
        """The stretches of sorted positions that lie in the given reports."""
        bounds = self._report_bounds
        found = np.searchsorted(positions, interleave(bounds[reports], bounds[reports + 1]).astype(positions.dtype))
        return gather_ranges(positions, found[0::2], found[1::2])

    def term_hits(self, term: str, per_section_factor: int = 4) -> TermHits:
        """Where a normalised term occurs, each part computed when asked for
        (TermHits). per_section_factor: above that many occurrences per
        section, occurrences are placed by searching the section boundaries
        among them (see `placed`)."""
        return TermHits(source=_SegmentTerm(self, term, per_section_factor))

    def placed(self, term: str, found: np.ndarray, per_section_factor: int) -> dict[str, np.ndarray]:
        """What `place` answers, with a second way for terms that occur far
        more often than there are sections (依法行政 occurs about 560,000
        times in 20,000 reports): binary-searching every section boundary
        in the sorted occurrences costs sections x log occurrences instead
        of occurrences x log sections. The answer is the same either way."""
        if len(found) <= per_section_factor * len(self._unit_end):
            hits = self.place(term, found)
            return {name: getattr(hits, name) for name in ("reports", "counts", "units", "title_reports")}
        size = len(term)
        first = np.searchsorted(found, self._unit_start.astype(found.dtype))  # with the sentinel
        per_unit = np.diff(first)
        per_report = np.bincount(self._unit_report, weights=per_unit, minlength=self._report_count)
        report_ids = np.flatnonzero(per_report)
        # A section (a title) holds a whole occurrence when its first
        # occurrence ends inside it: the others start later.
        earliest = found[np.minimum(first[:-1], len(found) - 1)].astype(np.int64)
        whole = (per_unit > 0) & (earliest + size <= self._unit_end)
        report_first = self.first_of_report[:-1]
        in_title = (per_report > 0) & (earliest[report_first] + size <= self._title_end)
        return {
            "reports": report_ids.astype(np.int32),
            "counts": per_report[report_ids].astype(np.int32),
            "units": np.flatnonzero(whole).astype(np.int32),
            "title_reports": np.flatnonzero(in_title).astype(np.int32),
        }

    def place(self, term: str, occurrences: np.ndarray) -> TermHits:
        """The sections and reports of the term's sorted occurrences, each
        looked up on its own: the way for terms rarer than sections."""
        # Positions are sorted, so sections and reports come out sorted too:
        # runs replace np.unique's sort, and bincount counts per report.
        starts = occurrences.astype(np.int64)
        units = np.searchsorted(self._unit_start, starts, side="right") - 1
        reports = self._unit_report[units]
        per_report = np.bincount(reports, minlength=self._report_count) if len(reports) else np.zeros(0, np.int64)
        report_ids = np.flatnonzero(per_report)
        whole_units = units[starts + len(term) <= self._unit_end[units]]
        title_reports = reports[starts + len(term) <= self._title_end[reports]]
        return TermHits(
            reports=report_ids.astype(np.int32),
            counts=per_report[report_ids].astype(np.int32),
            units=distinct_sorted(whole_units).astype(np.int32),
            title_reports=distinct_sorted(title_reports).astype(np.int32),
        )


class _SegmentTerm:
    """The parts of one term's TermHits in one segment (local ordinals).

    A term of two or more characters is found whole (its occurrences, then
    every part from them at once) or, for a few reports, only in those
    reports' stretches of its pair lists. A one-character term is never
    merged into one sorted list (法 occurs 3.9 million times in 20,000
    reports): its pair lists are counted or searched where they lie."""

    _NAMES = ("reports", "counts", "units", "title_reports")

    def __init__(self, index: ExactIndex, term: str, per_section_factor: int) -> None:
        self.index = index
        self.term = term
        self.per_section_factor = per_section_factor
        self.report_count = index._report_count
        self.first_of_report = index.first_of_report
        self._absent = not term or SEPARATOR in term
        # A character no more frequent than a longer term that is placed
        # occurrence by occurrence is handled as one: its lists merged into
        # one sorted list (诉: 14,000 places, under a millisecond) and every
        # part computed from it at once.
        self._runs = (
            not self._absent and len(term) == 1 and index.estimate(term) > per_section_factor * len(index._unit_end)
        )
        self._whole = False
        self._counted = False

    def expect_whole(self, counted: bool) -> None:
        self._whole = True
        self._counted = self._counted or counted

    def compute(self, name: str) -> dict[str, np.ndarray]:
        index = self.index
        if self._absent:
            return {n: np.zeros(0, dtype=np.int32) for n in self._NAMES}
        if not self._runs:
            found = index.occurrences(self.term)
            if name == "reports" and not self._whole:
                # Which reports hold it, without placing it in sections.
                per_report = count_in(Runs.single(found), index._report_bounds)
                return {"reports": np.flatnonzero(per_report).astype(np.int32)}
            return index.placed(self.term, found, self.per_section_factor)
        runs = index._character_runs(ord(self.term))
        bounds = index._report_bounds
        if name == "counts" or (name == "reports" and self._counted):
            per_report = count_in(runs, bounds)
            reports = np.flatnonzero(per_report)
            return {"reports": reports.astype(np.int32), "counts": per_report[reports].astype(np.int32)}
        if name == "reports":
            found = present_in(runs, bounds[:-1], bounds[1:])
        elif name == "units":
            found = present_in(runs, index._unit_start[:-1], index._unit_end)
        else:
            found = present_in(runs, bounds[:-1], index._title_end)
        return {name: np.flatnonzero(found).astype(np.int32)}

    def estimate(self) -> int:
        return 0 if self._absent else self.index.estimate(self.term)

    def stored(self, name: str) -> bool:
        return False

    def unit_mask(self) -> np.ndarray | None:
        return None  # made from the units

    def nbytes(self) -> int:
        return 0  # nothing kept beyond the TermHits' parts

    def within(self, reports: np.ndarray) -> _SegmentScope:
        """Answers for `reports` alone: a character's pair lists are searched
        as they are; a longer term is found in those reports' stretches of
        its pair lists, once for every question about them."""
        if self._absent:
            runs = Runs.single(np.zeros(0, dtype=np.uint32))
        elif self._runs:
            runs = self.index._character_runs(ord(self.term))
        else:
            runs = Runs.single(self.index.occurrences(self.term, within=reports))
        return _SegmentScope(self.index, len(self.term), runs)


class _SegmentScope:
    """A term's answers for reports of one segment, from positions that
    include every occurrence in those reports (and maybe others)."""

    def __init__(self, index: ExactIndex, length: int, runs: Runs) -> None:
        self.index = index
        self.length = length
        self.runs = runs

    def counts_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(len(reports), dtype=np.int64)
        bounds = self.index._report_bounds
        return count_in(self.runs, interleave(bounds[reports], bounds[reports + 1]))[0::2]

    def present_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(len(reports), dtype=bool)
        bounds = self.index._report_bounds
        return present_in(self.runs, bounds[reports], bounds[reports + 1])

    def titles_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(len(reports), dtype=bool)
        lo = self.index._report_bounds[reports]
        return present_in(self.runs, lo, self._last_start(lo, self.index._title_end[reports]))

    def units_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(0, dtype=np.int64)
        first = self.index.first_of_report
        units = range_indices(first[reports], first[reports + 1])
        lo = self.index._unit_start[units]
        return units[present_in(self.runs, lo, self._last_start(lo, self.index._unit_end[units]))]

    def _last_start(self, lo: np.ndarray, end: np.ndarray) -> np.ndarray:
        """The end of the range of starts whose occurrence ends by `end`."""
        return np.maximum(end - (self.length - 1), lo)


# Above this many occurrences per section, a term's occurrences are placed
# in sections by searching the section boundaries among them.
_PER_SECTION_FACTOR = 4


class SegmentTerms:
    """The terms of one segment opened for reading: its exact index
    answering with local ordinals, and its stored parts when it has them.
    Immutable; safe across threads."""

    def __init__(self, segment: Segment) -> None:
        self.segment = segment
        self.exact = ExactIndex(
            segment.folder,
            segment.unit_start,
            segment.unit_end,
            segment.unit_report,
            segment.title_end,
            segment.report_count,
        )
        self.stored = segment.stored  # None for a segment written without them

    def hits(self, norm_term: str) -> TermHits:
        """What ExactIndex.hits answers (local ordinals), each part computed
        when first read, and for terms that occur far more often than there
        are sections placed by searching the section boundaries among the
        occurrences (ExactIndex.term_hits, ExactIndex.placed); a term whose
        parts the segment stores reads them instead (stored.py)."""
        hits = self.exact.term_hits(norm_term, _PER_SECTION_FACTOR)
        found = stored_hits(self.stored, norm_term, hits) if self.stored is not None else None
        return found if found is not None else hits


class CommitTerms:
    """The terms of every live report of a commit point (a SegmentSet), in
    global ordinals: each segment's hits, deleted reports dropped, merged in
    order. Holds the segments, not an OpenIndex: no reference cycle."""

    def __init__(self, segments: SegmentSet) -> None:
        self.segments = segments
        self.parts = [SegmentTerms(part.segment) for part in segments.parts]

    def hits(self, norm_term: str) -> TermHits:
        """Where a normalised term occurs, in global ordinals (each part
        when first read, see terms.merged_hits)."""
        segments = self.segments
        if len(self.parts) == 1 and segments.identity:
            return self.parts[0].hits(norm_term)  # one segment, nothing deleted: ordinals agree
        if not self.parts:
            empty = np.zeros(0, dtype=np.int32)
            return TermHits(empty, empty, empty, empty)
        return merged_hits(
            [
                (terms.hits(norm_term), part.report_global, part.unit_global)
                for terms, part in zip(self.parts, segments.parts, strict=True)
            ],
            segments.report_segment,
            segments.report_local,
            segments.first_of_report,
            segments.shifts,
        )
