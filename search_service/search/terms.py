"""A term's hits and the classes that compute them: `TermHits` (each part,
reports, counts, sections, titles, computed when first read, and answers
for a few reports from those reports alone), `TermView`, the protocol of
their sources (a segment's positions in exact.py, its stored parts in
stored.py, several segments merged here) and the thread pool over segments.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

import numpy as np

from search_service.search.placing import gather_ranges, interleave, lookup, range_indices


class TermHits:
    """Where one normalised term occurs: per report, its overlapping
    occurrence count; per section, whether an occurrence lies wholly in it;
    per report, occurrences inside the title.

    Each of the four arrays is computed when it is first read, and kept: a
    term that only decides which reports match needs no section placed.
    `within(reports)` answers for those reports (sorted ordinals) and any of
    them without computing the whole arrays when they are few, which is
    what a query needs once a filter or a rarer term has narrowed its
    candidates; the `*_among` methods are `within(reports)`'s for one set.
    Safe across threads (a part computed twice at once is computed alike)."""

    def __init__(
        self,
        reports: np.ndarray | None = None,
        counts: np.ndarray | None = None,
        units: np.ndarray | None = None,
        title_reports: np.ndarray | None = None,
        *,
        source: TermSource | None = None,
    ) -> None:
        self._parts: dict[str, np.ndarray | None] = {
            "reports": reports,  # int32, sorted report ordinals
            "counts": counts,  # int32, occurrences per report in `reports`
            "units": units,  # int32, sorted section ordinals holding a whole occurrence
            "title_reports": title_reports,  # int32, report ordinals whose title holds one
        }
        self._source = source
        self._unit_mask: np.ndarray | None = None

    @property
    def reports(self) -> np.ndarray:
        return self._part("reports")

    def unit_mask(self, unit_count: int) -> np.ndarray:
        """`units` as a mask over the unit_count sections (read only): from
        the source's stored bits when it has them, without listing them."""
        mask = self._unit_mask
        if mask is None:
            mask = self._source.unit_mask() if self._source is not None else None
            if mask is None:
                mask = np.zeros(unit_count, dtype=bool)
                mask[self.units] = True
            mask.flags.writeable = False
            self._unit_mask = mask
        return mask

    @property
    def counts(self) -> np.ndarray:
        return self._part("counts")

    @property
    def units(self) -> np.ndarray:
        return self._part("units")

    @property
    def title_reports(self) -> np.ndarray:
        return self._part("title_reports")

    def expect_whole(self, counted: bool = True) -> None:
        """Say that the parts will be read for (nearly) every report, so
        that a longer term's first part asked for is computed with the
        others at once, from one finding of its occurrences; counted: the
        counts will be read too (a one-character term's reports then come
        with its counts rather than on their own)."""
        if self._source is not None:
            self._source.expect_whole(counted)

    @property
    def source(self) -> TermSource | None:
        """What computes the parts (None: they were given)."""
        return self._source

    @property
    def nbytes(self) -> int:
        """Bytes held by the parts computed so far (a commit's term also
        holds its segments' parts)."""
        own = sum(part.nbytes for part in self._parts.values() if part is not None)
        own += self._unit_mask.nbytes if self._unit_mask is not None else 0
        return own + (self._source.nbytes() if self._source is not None else 0)

    @property
    def estimate(self) -> int:
        """A cheap upper bound of the number of occurrences (the length of
        the term's rarest pair list), to choose which term to look for first."""
        if self._source is None:
            return int(self.counts.sum())
        return self._source.estimate()

    def _part(self, name: str) -> np.ndarray:
        value = self._parts[name]
        if value is None:
            assert self._source is not None
            self._parts.update(self._source.compute(name))
            value = self._parts[name]
            assert value is not None
        return value

    def within(self, reports: np.ndarray) -> TermView:
        """The term's answers for `reports` (sorted ordinals) and subsets of them."""
        return TermView(self, reports)

    def present_among(self, reports: np.ndarray) -> np.ndarray:
        """Per report of `reports` (sorted ordinals), whether it holds an occurrence."""
        return self.within(reports).present_among(reports)

    def counts_among(self, reports: np.ndarray) -> np.ndarray:
        """Per report of `reports` (sorted ordinals), its occurrence count (int64)."""
        return self.within(reports).counts_among(reports)

    def titles_among(self, reports: np.ndarray) -> np.ndarray:
        """Per report of `reports` (sorted ordinals), whether its title holds an occurrence."""
        return self.within(reports).titles_among(reports)

    def units_among(self, reports: np.ndarray) -> np.ndarray:
        """The sections of `reports` (sorted ordinals) holding a whole
        occurrence: sorted section ordinals (int64)."""
        return self.within(reports).units_among(reports)

    # ------------------------------------------------ from the whole parts

    def _at(self, keys: np.ndarray, values: np.ndarray | None, reports: np.ndarray) -> np.ndarray:
        """values (None: True) of the sorted report ordinals keys, read at
        `reports` (0 or False for those not in keys)."""
        if values is None:
            values = np.ones(len(keys), dtype=bool)
        out_type = bool if values.dtype == bool else np.int64
        if len(keys) == 0:
            return np.zeros(len(reports), dtype=out_type)
        if len(keys) == len(reports) and np.array_equal(keys, reports):
            return values.astype(out_type)  # the term's own reports (a common term's candidates)
        if self._source is not None and len(reports) * _DENSE_SHARE >= self._source.report_count:
            dense = np.zeros(self._source.report_count, dtype=out_type)
            dense[keys] = values
            return dense[reports]
        found, at = lookup(keys, reports)
        return np.where(found, values[at], 0).astype(out_type)

    def _units_of(self, reports: np.ndarray) -> np.ndarray:
        source = self._source
        if (
            source is not None
            and self._parts["units"] is None
            and len(reports) * _DENSE_SHARE < source.report_count
            and source.stored("units")
        ):
            # A few reports (a page): their stretches of the stored mask,
            # without listing every section of the term.
            first = source.first_of_report
            sections = range_indices(first[reports], first[reports + 1])
            return sections[self.unit_mask(int(first[-1]))[sections]]
        units = self.units.astype(np.int64)
        if len(units) == 0 or len(reports) == 0:
            return np.zeros(0, dtype=np.int64)
        if self._source is None:
            raise ValueError("hits given as arrays do not know which sections belong to which report")
        count = self._source.report_count
        if len(reports) == count:
            return units  # every report (ordinals are distinct)
        first = self._source.first_of_report
        if len(reports) * _DENSE_SHARE >= count:
            chosen = np.zeros(count, dtype=bool)
            chosen[reports] = True
            if chosen[self.reports].all():
                return units  # every report holding the term is chosen
            return units[np.repeat(chosen, np.diff(first))[units]]
        bounds = np.searchsorted(units, interleave(first[reports], first[reports + 1]))
        return gather_ranges(units, bounds[0::2], bounds[1::2])


class TermView:
    """One term's answers for a set of reports (sorted ordinals) and any
    subset of it: from the term's whole parts when they are known or the
    set is large (they are then computed and kept), else from the
    occurrences in those reports alone, found once for the set."""

    def __init__(self, hits: TermHits, reports: np.ndarray) -> None:
        self._hits = hits
        self._reports = reports
        self._narrow: ScopedSource | None = None

    def _scoped(self, name: str) -> ScopedSource | None:
        """The answers for the set alone, or None to read whole part `name`."""
        source = self._hits._source
        if (
            source is None
            or self._hits._parts[name] is not None
            or len(self._reports) * _SCOPED_SHARE > source.report_count
            or source.stored(name)
            or source.estimate() <= len(self._reports)
        ):
            # Whole: known, asked for in many reports, read rather than
            # computed, or rarer than the reports (its few occurrences found
            # whole cost less than narrowing its pair lists to them).
            return None
        if self._narrow is None:
            self._narrow = source.within(self._reports)
        return self._narrow

    def present_among(self, reports: np.ndarray) -> np.ndarray:
        scoped = self._scoped("reports")
        if scoped is not None:
            return scoped.present_among(reports)
        if self._hits._parts["reports"] is None:
            # A large set: the term's sections will be read in much of it too.
            self._hits.expect_whole(counted=False)
        return self._hits._at(self._hits.reports, None, reports)

    def counts_among(self, reports: np.ndarray) -> np.ndarray:
        scoped = self._scoped("counts")
        if scoped is not None:
            return scoped.counts_among(reports)
        return self._hits._at(self._hits.reports, self._hits.counts, reports)

    def titles_among(self, reports: np.ndarray) -> np.ndarray:
        scoped = self._scoped("title_reports")
        if scoped is not None:
            return scoped.titles_among(reports)
        return self._hits._at(self._hits.title_reports, None, reports)

    def units_among(self, reports: np.ndarray) -> np.ndarray:
        scoped = self._scoped("units")
        if scoped is not None:
            return scoped.units_among(reports)
        return self._hits._units_of(reports)

    def unit_mask_among(self, reports: Callable[[], np.ndarray], unit_count: int, restrict: bool) -> np.ndarray:
        """The sections holding a whole occurrence, as a mask over the
        unit_count sections (read only). Those of the reports `reports()`
        gives (sorted, of this view's set) are exact; restrict: no section
        outside them (else any may be, when the caller intersects with a
        mask within them anyway). Reports are asked for only when the
        term is read for them alone."""
        scoped = self._scoped("units")
        if scoped is not None:
            mask = np.zeros(unit_count, dtype=bool)
            mask[scoped.units_among(reports())] = True
            return mask
        whole = self._hits.unit_mask(unit_count)
        if not restrict:
            return whole
        chosen = reports()
        source = self._hits._source
        if source is None:
            raise ValueError("hits given as arrays do not know which sections belong to which report")
        count = source.report_count
        if len(chosen) == count:
            return whole
        picked = np.zeros(count, dtype=bool)
        picked[chosen] = True
        if picked[self._hits.reports].all():
            return whole  # every report holding the term is chosen
        return whole & np.repeat(picked, np.diff(source.first_of_report))


class ScopedSource(Protocol):
    """A term's answers for reports of one set (sorted ordinals)."""

    def present_among(self, reports: np.ndarray) -> np.ndarray: ...
    def counts_among(self, reports: np.ndarray) -> np.ndarray: ...
    def titles_among(self, reports: np.ndarray) -> np.ndarray: ...
    def units_among(self, reports: np.ndarray) -> np.ndarray: ...


class TermSource(Protocol):
    """What computes a TermHits' parts: one segment's exact index, or the
    segments of a commit mapped to global ordinals."""

    report_count: int
    first_of_report: np.ndarray  # report ordinal -> its first section (and a sentinel)

    def compute(self, name: str) -> dict[str, np.ndarray]: ...
    def unit_mask(self) -> np.ndarray | None: ...
    def stored(self, name: str) -> bool: ...
    def estimate(self) -> int: ...
    def nbytes(self) -> int: ...
    def expect_whole(self, counted: bool) -> None: ...
    def within(self, reports: np.ndarray) -> ScopedSource: ...


# A TermHits answers for given reports alone when they are at most one in
# _SCOPED_SHARE of all reports; for more, computing the whole part (and
# keeping it for the next query) costs about as much.
_SCOPED_SHARE = 8

# Reading a whole part at more than one report in _DENSE_SHARE goes through
# an array over every report rather than a binary search per report.
_DENSE_SHARE = 16


class _MergedTerm:
    """The parts of one term's TermHits over the segments of a commit, in
    global ordinals: each segment's answer mapped, deleted reports left out."""

    def __init__(
        self,
        parts: list[tuple[TermHits, np.ndarray, np.ndarray]],
        report_segment: np.ndarray,
        report_local: np.ndarray,
        first_of_report: np.ndarray,
        shifts: list[tuple[int, int] | None] | None = None,
    ) -> None:
        self.parts = parts  # per segment: its hits, local report -> global (-1: deleted), local unit -> global
        self.report_segment = report_segment
        self.report_local = report_local
        self.first_of_report = first_of_report
        self.report_count = len(report_segment)
        # Per segment, when its reports are numbered as one run of global
        # ordinals (nothing deleted) and every segment's run comes after the
        # one before: (first global report, first global section), so that
        # mapping is an addition and the segments' answers laid end to end
        # are in order; None otherwise (they are then mapped and sorted).
        self.shifts = shifts if shifts is not None and all(s is not None for s in shifts) else None

    def compute(self, name: str) -> dict[str, np.ndarray]:
        names = ("reports", "counts") if name in ("reports", "counts") else (name,)
        on_threads(lambda hits: [getattr(hits, n) for n in names], [hits for hits, _, _ in self.parts])
        if self.shifts is not None:
            return self._shifted(name)
        if name in ("reports", "counts"):
            reports, counts = [], []
            for hits, report_global, _ in self.parts:
                local = hits.reports
                mapped = report_global[local]
                keep = mapped >= 0
                reports.append(mapped[keep])
                if name == "counts":
                    counts.append(hits.counts[keep])
            merged = np.concatenate(reports).astype(np.int32)
            order = np.argsort(merged, kind="stable")
            out = {"reports": merged[order]}
            if name == "counts":
                out["counts"] = np.concatenate(counts)[order].astype(np.int32)
            return out
        pieces = []
        for hits, report_global, unit_global in self.parts:
            table = unit_global if name == "units" else report_global
            mapped = table[getattr(hits, name)]
            pieces.append(mapped[mapped >= 0])
        # Each piece is sorted: a stable sort (timsort) merges the runs.
        return {name: np.sort(np.concatenate(pieces).astype(np.int32), kind="stable")}

    def _shifted(self, name: str) -> dict[str, np.ndarray]:
        """compute(name) when each segment's ordinals map by an addition and
        the segments come in order: their answers, shifted, end to end."""
        assert self.shifts is not None
        names = ("reports", "counts") if name in ("reports", "counts") else (name,)
        pieces = {n: [getattr(hits, n) for hits, _, _ in self.parts] for n in names}
        out = {}
        for n, arrays in pieces.items():
            merged = np.empty(sum(len(a) for a in arrays), dtype=np.int32)
            at = 0
            for i, array in enumerate(arrays):
                shift = 0 if n == "counts" else self.shifts[i][1 if n == "units" else 0]
                np.add(array, shift, out=merged[at : at + len(array)], casting="unsafe")
                at += len(array)
            out[n] = merged
        return out

    def estimate(self) -> int:
        return sum(hits.estimate for hits, _, _ in self.parts)

    def stored(self, name: str) -> bool:
        """Whether every segment has the part or reads it rather than
        computing it (its stored parts, or a part computed with the others
        at once): merging it whole is then cheaper than narrowing."""
        return all(
            hits._parts[name] is not None or (hits._source is not None and hits._source.stored(name))
            for hits, _, _ in self.parts
        )

    def unit_mask(self) -> np.ndarray | None:
        """The segments' section masks end to end, when they come in order
        (None: made from the merged units)."""
        if self.shifts is None:
            return None
        sizes = [len(unit_global) for _, _, unit_global in self.parts]
        mask = np.empty(sum(sizes), dtype=bool)
        at = 0
        for (hits, _, _), size in zip(self.parts, sizes, strict=True):
            mask[at : at + size] = hits.unit_mask(size)
            at += size
        return mask

    def nbytes(self) -> int:
        return sum(hits.nbytes for hits, _, _ in self.parts)

    def expect_whole(self, counted: bool) -> None:
        for hits, _, _ in self.parts:
            hits.expect_whole(counted)

    def within(self, reports: np.ndarray) -> _MergedScope:
        return _MergedScope(self, reports)


class _MergedScope:
    """A term's answers for reports of several segments (global ordinals):
    each segment's answers for its own reports among them."""

    def __init__(self, term: _MergedTerm, reports: np.ndarray) -> None:
        self.term = term
        self.views: dict[int, TermView] = {}
        for i, _, local in self._by_segment(reports):
            self.views[i] = term.parts[i][0].within(local)

    def _by_segment(self, reports: np.ndarray):  # type: ignore[no-untyped-def]
        """(segment, where in `reports`, sorted local ordinals) per segment holding some."""
        segment = self.term.report_segment[reports]
        for i in np.unique(segment).tolist():
            where = np.flatnonzero(segment == i)
            local = self.term.report_local[reports[where]]
            order = np.argsort(local, kind="stable")
            yield i, where[order], local[order]

    def counts_among(self, reports: np.ndarray) -> np.ndarray:
        out = np.zeros(len(reports), dtype=np.int64)
        for i, where, local in self._by_segment(reports):
            out[where] = self.views[i].counts_among(local)
        return out

    def present_among(self, reports: np.ndarray) -> np.ndarray:
        out = np.zeros(len(reports), dtype=bool)
        for i, where, local in self._by_segment(reports):
            out[where] = self.views[i].present_among(local)
        return out

    def titles_among(self, reports: np.ndarray) -> np.ndarray:
        out = np.zeros(len(reports), dtype=bool)
        for i, where, local in self._by_segment(reports):
            out[where] = self.views[i].titles_among(local)
        return out

    def units_among(self, reports: np.ndarray) -> np.ndarray:
        pieces = [np.zeros(0, dtype=np.int64)]
        for i, _, local in self._by_segment(reports):
            pieces.append(self.term.parts[i][2][self.views[i].units_among(local)])
        return np.sort(np.concatenate(pieces))


# Segments are independent: a term's parts in each are computed on this many
# threads (numpy's sorting, searching and gathering release the GIL), as
# Lucene's IndexSearcher takes an executor over its segments.
SEGMENT_THREADS = min(2, os.cpu_count() or 1)
_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def on_threads(work: Callable[[TermHits], object], items: Sequence[TermHits]) -> None:
    """work(item) for every item, on SEGMENT_THREADS threads. The pool is
    made per process: a forked process (a gunicorn worker) gets its own."""
    global _pool
    if SEGMENT_THREADS < 2 or len(items) < 2:
        for item in items:
            work(item)
        return
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(SEGMENT_THREADS, thread_name_prefix="segments"))
        pool = _pool[1]
    for _ in pool.map(work, items):
        pass


def merged_hits(
    parts: list[tuple[TermHits, np.ndarray, np.ndarray]],
    report_segment: np.ndarray,
    report_local: np.ndarray,
    first_of_report: np.ndarray,
    shifts: list[tuple[int, int] | None] | None = None,
) -> TermHits:
    """One TermHits over several segments: parts holds, per segment, its
    hits (local ordinals), its local report -> global report map (-1 for a
    deleted report) and its local unit -> global unit map; report_segment
    and report_local give each global report's segment and local ordinal;
    shifts, per segment, (first global report, first global section) when
    its ordinals map by adding them and the segments come in order (None:
    mapped through the maps)."""
    return TermHits(source=_MergedTerm(parts, report_segment, report_local, first_of_report, shifts))
