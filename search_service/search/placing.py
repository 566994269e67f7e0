"""Placing sorted positions (a term's occurrences, or the pair lists a
character starts) in sorted ranges of a segment's corpus: reports, sections,
titles. Each list goes the cheapest of three ways, by estimated
nanoseconds: search the ranges' bounds among the positions, merge them, or
search the positions among the bounds (`count_in`, `present_in`); and the
small array helpers the term classes share.
"""

from __future__ import annotations

import math

import numpy as np


def lookup(sorted_values: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each of wanted is in sorted_values, where)."""
    if len(sorted_values) == 0:
        return np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.int64)
    at = np.searchsorted(sorted_values, wanted)
    at[at >= len(sorted_values)] = len(sorted_values) - 1
    return sorted_values[at] == wanted, at


def interleave(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """lo[0], hi[0], lo[1], hi[1], ...: the bounds of sorted disjoint ranges
    as one sorted array, so that one search finds both ends of each."""
    out = np.empty(2 * len(lo), dtype=np.result_type(lo, hi))
    out[0::2] = lo
    out[1::2] = hi
    return out


def range_indices(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """starts[0]..ends[0]-1, starts[1]..ends[1]-1, ... laid end to end (int64)."""
    lengths = (ends - starts).astype(np.int64)
    keep = lengths > 0
    starts, lengths = starts[keep].astype(np.int64), lengths[keep]
    if len(lengths) == 0:
        return np.zeros(0, dtype=np.int64)
    steps = np.ones(int(lengths.sum()), dtype=np.int64)
    ends_at = np.cumsum(lengths)
    steps[0] = starts[0]
    steps[ends_at[:-1]] = starts[1:] - (starts[:-1] + lengths[:-1]) + 1
    return np.cumsum(steps)


def gather_ranges(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """values[starts[0]:ends[0]], values[starts[1]:ends[1]], ... laid end to
    end, with one gather."""
    return np.asarray(values)[range_indices(starts, ends)]


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """np.unique for an already sorted array, without sorting again."""
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


# Placing sorted positions (a term's occurrences, or the pair lists of a
# character) in sorted ranges (reports, sections, titles) goes one of three
# ways per position list, by estimated nanoseconds (measured on the
# 20,000-report bench index, the lists of 法 against 20,000 report bounds):
# search each bound among the positions (about 2 ns a step of the binary
# search, 0.9 ms for 法治's 1.6 million places), merge the bounds into the
# positions by one stable sort (2.5 ns a position: 0.4 ms for 110,000
# places, against 0.5 ms by search), or search each position among the
# bounds (0.6 ns a step in the small array of bounds, plus a few passes: 9 ns
# a position, the way for the many short lists, taken together).
_CALL_NS = 3000.0
_STEP_NS = 2.0
_MERGE_NS = 2.5
_MERGE_BOUND_NS = 3.5
_BOUND_STEP_NS = 0.6
_PER_POSITION_NS = 3.0


def _search_bounds_ns(bounds: int, positions: int) -> float:
    return _CALL_NS + bounds * math.log2(positions + 2) * _STEP_NS


def _merge_bounds_ns(bounds: int, positions: int) -> float:
    return _CALL_NS + bounds * _MERGE_BOUND_NS + positions * _MERGE_NS


def _search_positions_ns(bounds: int, positions: int) -> float:
    return positions * (math.log2(bounds + 2) * _BOUND_STEP_NS + _PER_POSITION_NS)


class Runs:
    """Sorted position lists lying side by side in one array: the pair
    lists a character starts (法治, 法律, 法规, ...; a common character starts
    thousands of pairs in a large corpus), or a longer term's occurrences as
    one list."""

    def __init__(self, block: np.ndarray, offsets: np.ndarray) -> None:
        self.block = block
        self.offsets = offsets  # into block: run i is block[offsets[i]:offsets[i + 1]]
        lengths = np.diff(offsets)
        self._longest_first = np.argsort(-lengths, kind="stable").tolist()
        self._lengths = lengths.tolist()

    @classmethod
    def single(cls, positions: np.ndarray) -> Runs:
        return cls(positions, np.array([0, len(positions)], dtype=np.int64))

    def __len__(self) -> int:
        return int(self.offsets[-1] - self.offsets[0])

    def run(self, i: int) -> np.ndarray:
        return self.block[int(self.offsets[i]) : int(self.offsets[i + 1])]

    def longest_first(self) -> list[tuple[int, int]]:
        """(run number, length) of every non-empty run, longest first."""
        return [(i, self._lengths[i]) for i in self._longest_first if self._lengths[i]]

    def all_but(self, taken: list[int]) -> np.ndarray:
        """Every position outside the runs `taken`, unsorted, in one array:
        the stretches of the block between them."""
        taken = sorted(taken)
        cuts = [int(self.offsets[0])]
        for i in taken:
            cuts += [int(self.offsets[i]), int(self.offsets[i + 1])]
        cuts.append(int(self.offsets[-1]))
        pieces = [self.block[a:b] for a, b in zip(cuts[0::2], cuts[1::2], strict=True) if b > a]
        if not pieces:
            return np.asarray(self.block[0:0])
        return np.concatenate(pieces) if len(pieces) > 1 else np.asarray(pieces[0])


def _ranks_by_merge(run: np.ndarray, encoded_bounds: np.ndarray) -> np.ndarray:
    """np.searchsorted(run, bounds) by merging: bounds encoded as 2 * bound,
    positions as 2 * position + 1, so that a bound sorts before a position
    equal to it; a bound's rank among positions is then its place in the
    merged order less the bounds before it."""
    both = np.concatenate((np.asarray(run).astype(np.uint64) * np.uint64(2) + np.uint64(1), encoded_bounds))
    both.sort(kind="stable")  # timsort: one merge of two sorted runs
    return np.flatnonzero((both & np.uint64(1)) == 0) - np.arange(len(encoded_bounds))


def count_in(runs: Runs, bounds: np.ndarray) -> np.ndarray:
    """How many positions of runs lie in [bounds[i], bounds[i+1]), for every
    i (bounds sorted; int64 counts)."""
    ranges = len(bounds) - 1
    if ranges <= 0:
        return np.zeros(max(ranges, 0), dtype=np.int64)
    keys = len(bounds)
    searched = np.zeros(keys, dtype=np.int64)  # per bound, positions before it, over the runs taken
    taken: list[int] = []
    encoded: np.ndarray | None = None
    typed = bounds.astype(runs.block.dtype, copy=False)
    order = runs.longest_first()
    for i, length in order:
        search = _search_bounds_ns(keys, length)
        merge = _merge_bounds_ns(keys, length)
        if _search_positions_ns(keys, length) < min(search, merge):
            break  # this run and every shorter one: their positions are searched, together
        if search <= merge:
            searched += np.searchsorted(runs.run(i), typed)
        else:
            if encoded is None:
                encoded = typed.astype(np.uint64) * np.uint64(2)
            searched += _ranks_by_merge(runs.run(i), encoded)
        taken.append(i)
    out = np.diff(searched)
    if len(taken) < len(order):
        rest = runs.all_but(taken)
        which = np.searchsorted(bounds, rest.astype(bounds.dtype, copy=False), side="right") - 1
        which = which[(which >= 0) & (which < ranges)]
        out += np.bincount(which, minlength=ranges)
    return out


def present_in(runs: Runs, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Whether some position of runs lies in [lo[i], hi[i]), for each of the
    sorted disjoint ranges (an empty range, hi <= lo, holds none). Runs are
    read longest first and only for the ranges not yet settled: after the
    longest run of a common character few are left, and the shorter runs
    are then searched for those few."""
    present = np.zeros(len(lo), dtype=bool)
    open_ranges = np.flatnonzero(hi > lo)
    dtype = runs.block.dtype
    taken: list[int] = []
    order = runs.longest_first()
    for i, length in order:
        if len(open_ranges) == 0:
            return present
        if _search_positions_ns(len(open_ranges), length) < _search_bounds_ns(len(open_ranges), length):
            break  # this run and every shorter one: their positions are searched, together
        # The first position at or after each range's start, if inside it.
        run = np.asarray(runs.run(i))
        first = np.searchsorted(run, lo[open_ranges].astype(dtype, copy=False))
        inside = first < len(run)
        held = np.zeros(len(open_ranges), dtype=bool)
        held[inside] = run[first[inside]] < hi[open_ranges[inside]]
        present[open_ranges[held]] = True
        open_ranges = open_ranges[~held]
        taken.append(i)
    if len(open_ranges) and len(taken) < len(order):
        positions = runs.all_but(taken)
        run_lo = lo[open_ranges].astype(dtype, copy=False)
        which = np.searchsorted(run_lo, positions, side="right") - 1
        valid = which >= 0
        which = which[valid]
        present[open_ranges[which[positions[valid] < hi[open_ranges[which]]]]] = True
    return present
