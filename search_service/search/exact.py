"""The exact character index behind the "mentions" rule.

Every report's normalised text (CONTRACT.md's rule) is laid end to end in one
corpus, reports separated by U+0000. For every pair of adjacent characters
(the second may be the separator) the index keeps the sorted list of corpus
positions where it occurs. A term of n >= 2 characters occurs at position p
exactly when the pairs covering it occur at p, p+2, ...: intersecting a few
sorted position lists (by binary search or by merging, whichever is cheaper)
gives every occurrence, with no false match and none missed, whatever jieba
would make of the words. One-character terms read the lists of the pairs
the character starts, which lie side by side, without merging them.
Positions are then placed in reports, sections and titles (sorted ranges of
the corpus) by searching the ranges' bounds among the positions or the
positions among the bounds (`_count_in`, `_present_in`).

A term's `TermHits` computes each part (reports, counts, sections, titles)
when first read, and answers for a few reports (`TermHits.within`) from those
reports' stretches of the lists alone: a query reads a common term's sections
and counts only where a filter or a rarer term leaves candidates.

This is a positional n-gram index in the manner of code-search engines
(Google Code Search, zoekt), kept as flat numpy arrays that are memory-mapped
and shared between gunicorn workers through the page cache.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Protocol

import numpy as np

SEPARATOR = "\x00"
_PAIR_SHIFT = 21  # code points fit in 21 bits, so a pair fits in 42


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
        source: _TermSource | None = None,
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
    def source(self) -> _TermSource | None:
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
        found, at = _lookup(keys, reports)
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
            sections = _range_indices(first[reports], first[reports + 1])
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
        bounds = np.searchsorted(units, _interleave(first[reports], first[reports + 1]))
        return _gather_ranges(units, bounds[0::2], bounds[1::2])


class TermView:
    """One term's answers for a set of reports (sorted ordinals) and any
    subset of it: from the term's whole parts when they are known or the
    set is large (they are then computed and kept), else from the
    occurrences in those reports alone, found once for the set."""

    def __init__(self, hits: TermHits, reports: np.ndarray) -> None:
        self._hits = hits
        self._reports = reports
        self._narrow: _ScopedSource | None = None

    def _scoped(self, name: str) -> _ScopedSource | None:
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


class _ScopedSource(Protocol):
    """A term's answers for reports of one set (sorted ordinals)."""

    def present_among(self, reports: np.ndarray) -> np.ndarray: ...
    def counts_among(self, reports: np.ndarray) -> np.ndarray: ...
    def titles_among(self, reports: np.ndarray) -> np.ndarray: ...
    def units_among(self, reports: np.ndarray) -> np.ndarray: ...


class _TermSource(Protocol):
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
    def within(self, reports: np.ndarray) -> _ScopedSource: ...


# A TermHits answers for given reports alone when they are at most one in
# _SCOPED_SHARE of all reports; for more, computing the whole part (and
# keeping it for the next query) costs about as much.
_SCOPED_SHARE = 8

# Reading a whole part at more than one report in _DENSE_SHARE goes through
# an array over every report rather than a binary search per report.
_DENSE_SHARE = 16


def _lookup(sorted_values: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(whether each of wanted is in sorted_values, where)."""
    if len(sorted_values) == 0:
        return np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.int64)
    at = np.searchsorted(sorted_values, wanted)
    at[at >= len(sorted_values)] = len(sorted_values) - 1
    return sorted_values[at] == wanted, at


def _interleave(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """lo[0], hi[0], lo[1], hi[1], ...: the bounds of sorted disjoint ranges
    as one sorted array, so that one search finds both ends of each."""
    out = np.empty(2 * len(lo), dtype=np.result_type(lo, hi))
    out[0::2] = lo
    out[1::2] = hi
    return out


def _range_indices(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
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


def _gather_ranges(values: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """values[starts[0]:ends[0]], values[starts[1]:ends[1]], ... laid end to
    end, with one gather."""
    return np.asarray(values)[_range_indices(starts, ends)]


# Rows handled at a time while building, so that temporaries stay small:
# at 100,000 reports the corpus has about 440 M characters.
_CHUNK = 1 << 24


def build_exact_arrays(code_points: np.ndarray) -> dict[str, np.ndarray]:
    """The pair lists of one corpus (uint32 code points, U+0000 between
    reports and at the end). Positions are uint32: a corpus up to 4 G
    characters.

    Every character but U+0000 starts exactly one pair (its successor may be
    U+0000), so the pair lists hold every character position once: a
    character's own list is the union of its pairs' lists, which lie side by
    side (keys sort by first character), and no separate list is stored.
    """
    cps = code_points.astype(np.uint32, copy=False)
    if len(cps) >= 2**32:
        raise ValueError("corpus larger than 4 G characters")
    if len(cps) == 0 or cps[-1] != 0:
        cps = np.append(cps, np.uint32(0))
    alphabet = np.flatnonzero(np.bincount(cps)).astype(np.uint32)  # sorted, starts with U+0000
    if len(alphabet) >= 2**16:
        return _build_argsort(cps)
    entries = _dense_entries(cps, alphabet)
    # When the caller passed a temporary, this frees the corpus before the
    # sort: the peak is then 12 bytes a character (entries, then positions).
    del code_points, cps
    return _group_dense(entries, alphabet)


def _build_dense(cps: np.ndarray, alphabet: np.ndarray) -> dict[str, np.ndarray]:
    return _group_dense(_dense_entries(cps, alphabet), alphabet)


def _dense_entries(cps: np.ndarray, alphabet: np.ndarray) -> np.ndarray:
    """One 64-bit entry per pair, pair number << 32 | position, pairs
    numbered densely in code point order. Sorting them groups positions by
    pair, ascending within each: about twice as fast as a stable argsort of
    the keys plus a gather."""
    dense = np.zeros(int(alphabet[-1]) + 1, dtype=np.uint64)
    dense[alphabet] = np.arange(len(alphabet), dtype=np.uint64)
    size = np.uint64(len(alphabet))  # below 2**16, so a pair number fits in 32 bits
    pairs = len(cps) - 1
    entries = np.empty(pairs, dtype=np.uint64)
    for lo in range(0, pairs, _CHUNK):
        hi = min(pairs, lo + _CHUNK)
        part = entries[lo:hi]
        np.take(dense, cps[lo:hi], out=part)
        part *= size
        part += dense[cps[lo + 1 : hi + 1]]
        part <<= np.uint64(32)
        part |= np.arange(lo, hi, dtype=np.uint64)
    return entries


def _group_dense(entries: np.ndarray, alphabet: np.ndarray) -> dict[str, np.ndarray]:
    size = np.uint64(len(alphabet))
    entries.sort()
    # Pairs starting with U+0000 (dense number 0) sort first; they are not kept.
    entries = entries[int(np.searchsorted(entries, size << np.uint64(32))) :]
    positions, first_index, numbers = _group(entries)
    del entries
    first = alphabet[numbers // int(size)].astype(np.int64)
    second = alphabet[numbers % int(size)].astype(np.int64)
    return {
        "bi_keys": (first << _PAIR_SHIFT) | second,
        "bi_offsets": np.append(first_index, len(positions)).astype(np.int64),
        "bi_pos": positions,
    }


def _build_argsort(cps: np.ndarray) -> dict[str, np.ndarray]:
    """The same arrays for alphabets too large for dense pair numbers."""
    starts = np.flatnonzero(cps[:-1])
    keys = (cps[starts].astype(np.int64) << _PAIR_SHIFT) | cps[starts + 1].astype(np.int64)
    order = np.argsort(keys, kind="stable")  # stable keeps positions ascending
    keys = keys[order]
    first_index = (
        np.concatenate(([0], np.flatnonzero(keys[1:] != keys[:-1]) + 1)).astype(np.int64)
        if len(keys)
        else np.zeros(0, dtype=np.int64)
    )
    return {
        "bi_keys": keys[first_index].astype(np.int64),
        "bi_offsets": np.append(first_index, len(keys)).astype(np.int64),
        "bi_pos": starts[order].astype(np.uint32),
    }


def update_exact_arrays(
    old: dict[str, np.ndarray],
    old_report_start: np.ndarray,
    old_length: int,
    new_start: np.ndarray,
    added: list[tuple[int, np.ndarray]],
) -> dict[str, np.ndarray]:
    """The arrays of a corpus that keeps some reports of an old one (moved
    as a whole, in their old order) and adds others: equal to
    build_exact_arrays of the new corpus, at a fraction of its cost, since
    the old lists are already sorted and only the added reports' pairs are.

    old_report_start: where each old report began (its text, then U+0000);
    new_start: where it begins now, -1 when it is not kept; added: (start,
    code points ending with U+0000) of every other report of the new corpus.
    """
    old_keys = np.asarray(old["bi_keys"])
    old_offsets = np.asarray(old["bi_offsets"])
    old_pos = old["bi_pos"]
    add_keys, add_pos = _added_pairs(added)
    # The old lists, moved: every kept report shifts as one block and kept
    # reports keep their order, so each key's run stays sorted; a dropped
    # report's positions become negative and are filtered out.
    new_length = max([int(s) + len(c) for s, c in added] + [0])
    wide = max(old_length, new_length, int(new_start.max(initial=0)) + old_length) >= 2**31 - 1
    dtype = np.int64 if wide else np.int32
    old_starts = np.asarray(old_report_start, dtype=np.int64)
    shift = np.where(new_start >= 0, new_start - old_starts, -(old_length + 1)).astype(dtype)
    moved = np.repeat(shift, np.diff(np.append(old_starts, old_length)))
    kept_pos = np.empty(len(old_pos), dtype=np.uint32)
    kept = 0
    dropped_per_key = np.zeros(len(old_keys), dtype=np.int64)
    for lo in range(0, len(old_pos), _CHUNK):
        part = np.asarray(old_pos[lo : lo + _CHUNK]).astype(dtype)
        part += moved[part]
        keep = part >= 0
        dropped = np.flatnonzero(~keep) + lo  # few: the changed and removed reports' old text
        if len(dropped):
            keys_of_dropped = np.searchsorted(old_offsets, dropped, side="right") - 1
            dropped_per_key += np.bincount(keys_of_dropped, minlength=len(old_keys))
        chunk = part[keep]
        kept_pos[kept : kept + len(chunk)] = chunk
        kept += len(chunk)
    del moved
    kept_pos = kept_pos[:kept]
    # Runs of the union of old and added keys: the kept old positions, with
    # the added ones inserted where they belong in their key's sorted run.
    union = np.union1d(old_keys, add_keys)
    union_kept = np.zeros(len(union), dtype=np.int64)
    union_kept[np.searchsorted(union, old_keys)] = np.diff(old_offsets) - dropped_per_key
    kept_offsets = np.concatenate(([0], np.cumsum(union_kept)))
    order = np.lexsort((add_pos, add_keys))
    add_keys, add_pos = add_keys[order], add_pos[order].astype(np.uint32)
    add_rank = np.searchsorted(union, add_keys)
    insert_at = np.empty(len(add_pos), dtype=np.int64)
    run_starts = np.flatnonzero(np.diff(add_rank, prepend=-1))
    run_ends = np.append(run_starts[1:], len(add_rank)) if len(add_rank) else run_starts
    for a, b in zip(run_starts.tolist(), run_ends.tolist(), strict=True):
        rank = int(add_rank[a])
        lo, hi = int(kept_offsets[rank]), int(kept_offsets[rank + 1])
        insert_at[a:b] = np.searchsorted(kept_pos[lo:hi], add_pos[a:b]) + lo
    positions = np.insert(kept_pos, insert_at, add_pos)
    per_key = union_kept + np.bincount(add_rank, minlength=len(union))
    present = per_key > 0
    return {
        "bi_keys": union.astype(np.int64)[present],
        "bi_offsets": np.concatenate(([0], np.cumsum(per_key[present]))).astype(np.int64),
        "bi_pos": positions,
    }


def _added_pairs(added: list[tuple[int, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """(pair keys, positions) of the added reports' text."""
    if not added:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    cps = np.concatenate([c for _, c in added]).astype(np.int64)
    positions = np.concatenate([np.arange(s, s + len(c), dtype=np.int64) for s, c in added])
    starts = np.flatnonzero(cps[:-1])  # every piece ends with U+0000, so no pair spans two
    return (cps[starts] << _PAIR_SHIFT) | cps[starts + 1], positions[starts]


def _group(entries: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted entries (key number << 32 | position) as positions (uint32),
    the index where each key's run starts, and each run's key number."""
    positions = np.empty(len(entries), dtype=np.uint32)
    group_starts: list[np.ndarray] = []
    previous = None
    for lo in range(0, len(entries), _CHUNK):
        part = entries[lo : lo + _CHUNK]
        positions[lo : lo + len(part)] = part & np.uint64(0xFFFFFFFF)
        numbers = part >> np.uint64(32)
        if previous is None or numbers[0] != previous:
            group_starts.append(np.array([lo], dtype=np.int64))
        group_starts.append(np.flatnonzero(numbers[1:] != numbers[:-1]).astype(np.int64) + (lo + 1))
        previous = numbers[-1]
    first_index = np.concatenate(group_starts) if group_starts else np.zeros(0, dtype=np.int64)
    return positions, first_index, (entries[first_index] >> np.uint64(32)).astype(np.int64)


# Intersecting two sorted position lists of n and m entries costs about
# n * log2(m) * _SEARCH_COST by binary search, and about (n + m) *
# _MERGE_COST by one stable sort of the two lists laid end to end (timsort
# merges the two runs, and an entry present in both is then next to its
# twin). Measured on the 20,000-report bench index: 依法 (643,000) against
# 法行 (561,000) takes 11.6 ms by search and 3.1 ms by merging; 律明 (2,481)
# against 法律 (328,000) 0.08 ms by search and 0.36 ms by merging.
_SEARCH_COST = 1.3
_MERGE_COST = 1.0


def _step_cost(n: int, m: int) -> float:
    return min(n * math.log2(m + 2) * _SEARCH_COST, (n + m) * _MERGE_COST)


def _cheapest_cover(lists: list[tuple[int, np.ndarray]], length: int) -> list[tuple[int, np.ndarray]]:
    """Pairs (offset, positions) that cover every character of a term of
    `length` characters, rarest first: of the covers `_covers` offers, the
    one with the lowest estimated cost of intersecting."""
    return min(_covers(lists, length), key=_cover_cost)


def _covers(lists: list[tuple[int, np.ndarray]], length: int) -> tuple[list[tuple[int, np.ndarray]], ...]:
    """Two covers of a term by its pairs, each rarest first: the rarest
    pairs until every character is covered (the way when one pair is rare),
    and every other pair (the fewest lists, the way when every pair is
    common: 依法 and 行政 settle 依法行政 without 法行)."""
    by_offset = dict(lists)
    greedy: list[tuple[int, np.ndarray]] = []
    covered: set[int] = set()
    for offset, plist in sorted(lists, key=lambda item: len(item[1])):
        if offset in covered and offset + 1 in covered:
            continue
        greedy.append((offset, plist))
        covered.update((offset, offset + 1))
        if len(covered) == length:
            break
    alternate_offsets = sorted(set(range(0, length - 1, 2)) | {length - 2})
    alternate = sorted(((o, by_offset[o]) for o in alternate_offsets), key=lambda item: len(item[1]))
    return greedy, alternate


def _cover_cost(cover: list[tuple[int, np.ndarray]]) -> float:
    """Estimated cost of intersecting a cover's lists in order, taking the
    candidates left after each step as the smallest list so far."""
    cost = 0.0
    size = len(cover[0][1])
    for _, plist in cover[1:]:
        cost += _step_cost(size, len(plist))
        size = min(size, len(plist))
    return cost


def intersect_pairs(cover: list[tuple[int, np.ndarray]]) -> np.ndarray:
    """The sorted starts p (uint32) such that every (offset, positions) of
    cover holds p + offset: where a term covered by those pairs occurs."""
    first_offset, first_list = cover[0]
    starts = np.asarray(first_list)
    if first_offset:
        starts = starts[int(np.searchsorted(starts, first_offset)) :] - np.uint32(first_offset)
    for offset, plist in cover[1:]:
        if len(starts) == 0:
            break
        wanted = starts + np.uint32(offset) if offset else starts
        n, m = len(wanted), len(plist)
        if n * math.log2(m + 2) * _SEARCH_COST <= (n + m) * _MERGE_COST:
            found = np.searchsorted(plist, wanted)
            found[found >= m] = m - 1
            starts = starts[plist[found] == wanted]
        else:
            both = np.concatenate((wanted, plist))
            both.sort(kind="stable")  # timsort: one merge of two sorted runs
            twins = np.flatnonzero(both[1:] == both[:-1])  # each list holds a position at most once
            starts = both[twins] - np.uint32(offset) if offset else both[twins]
    return starts


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


class _Runs:
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
    def single(cls, positions: np.ndarray) -> _Runs:
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


def _count_in(runs: _Runs, bounds: np.ndarray) -> np.ndarray:
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


def _present_in(runs: _Runs, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
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


class ExactIndex:
    """Read side of the exact index of one generation (memory-mapped)."""

    ARRAYS = ("bi_keys", "bi_offsets", "bi_pos")

    def __init__(
        self,
        folder: Path,
        unit_start: np.ndarray,
        unit_end: np.ndarray,
        unit_report: np.ndarray,
        title_end: np.ndarray,
        report_count: int,
    ) -> None:
        arrays = self.load(folder)
        self._bi_keys = arrays["bi_keys"]
        self._bi_offsets = arrays["bi_offsets"]
        self._bi_pos = arrays["bi_pos"]
        self._unit_start = unit_start
        self._unit_end = unit_end
        self._unit_report = unit_report
        self._title_end = title_end
        self._report_count = report_count
        self.first_of_report = np.searchsorted(unit_report, np.arange(report_count + 1), side="left")
        # Report r spans [report_bounds[r], report_bounds[r + 1]) of the
        # corpus: its text and the separator after it.
        self._report_bounds = unit_start[self.first_of_report]

    @staticmethod
    def save(folder: Path, arrays: dict[str, np.ndarray]) -> None:
        for name in ExactIndex.ARRAYS:
            np.save(folder / f"{name}.npy", arrays[name], allow_pickle=False)

    @staticmethod
    def load(folder: Path) -> dict[str, np.ndarray]:
        """The saved arrays, memory-mapped (as plain ndarray views of the
        mapping: slicing a np.memmap costs a few microseconds in Python
        each time, and a query slices the pair lists hundreds of times)."""
        return {name: np.asarray(np.load(folder / f"{name}.npy", mmap_mode="r")) for name in ExactIndex.ARRAYS}

    def _list(self, keys: np.ndarray, offsets: np.ndarray, positions: np.ndarray, key: int) -> np.ndarray:
        i = int(np.searchsorted(keys, key))
        if i >= len(keys) or int(keys[i]) != key:
            return positions[0:0]
        return positions[int(offsets[i]) : int(offsets[i + 1])]

    def _character_list(self, code_point: int) -> np.ndarray:
        """Positions of one character: the union of the lists of the pairs
        it starts, which are adjacent; one sort merges these sorted runs."""
        runs = self._character_runs(code_point)
        found = np.array(runs.block)
        if len(runs.offsets) > 2:
            found.sort(kind="stable")  # timsort: merges the runs
        return found

    def _character_runs(self, code_point: int) -> _Runs:
        """The lists of the pairs a character starts, side by side."""
        keys = self._bi_keys
        lo = int(np.searchsorted(keys, code_point << _PAIR_SHIFT))
        hi = int(np.searchsorted(keys, (code_point + 1) << _PAIR_SHIFT))
        offsets = np.asarray(self._bi_offsets[lo : hi + 1], dtype=np.int64)
        return _Runs(self._bi_pos[int(offsets[0]) : int(offsets[-1])], offsets - offsets[0])

    def _pair_list(self, a: str, b: str) -> np.ndarray:
        return self._list(self._bi_keys, self._bi_offsets, self._bi_pos, (ord(a) << _PAIR_SHIFT) | ord(b))

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
        cover = _cheapest_cover(lists, len(term))
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
        found = np.searchsorted(positions, _interleave(bounds[reports], bounds[reports + 1]).astype(positions.dtype))
        return _gather_ranges(positions, found[0::2], found[1::2])

    def term_hits(self, term: str, per_section_factor: int = 4) -> TermHits:
        """Where a normalised term occurs, each part computed when asked for
        (TermHits). per_section_factor: above that many occurrences per
        section, occurrences are placed by searching the section boundaries
        among them (see `placed`)."""
        return TermHits(source=_SegmentTerm(self, term, per_section_factor))

    def hits(self, term: str) -> TermHits:
        """Every part at once, by the plain way (`place`): the reference the
        faster ways are tested against."""
        return self.place(term, self.occurrences(term))

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
            units=_distinct_sorted(whole_units).astype(np.int32),
            title_reports=_distinct_sorted(title_reports).astype(np.int32),
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
                per_report = _count_in(_Runs.single(found), index._report_bounds)
                return {"reports": np.flatnonzero(per_report).astype(np.int32)}
            return index.placed(self.term, found, self.per_section_factor)
        runs = index._character_runs(ord(self.term))
        bounds = index._report_bounds
        if name == "counts" or (name == "reports" and self._counted):
            per_report = _count_in(runs, bounds)
            reports = np.flatnonzero(per_report)
            return {"reports": reports.astype(np.int32), "counts": per_report[reports].astype(np.int32)}
        if name == "reports":
            found = _present_in(runs, bounds[:-1], bounds[1:])
        elif name == "units":
            found = _present_in(runs, index._unit_start[:-1], index._unit_end)
        else:
            found = _present_in(runs, bounds[:-1], index._title_end)
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
            runs = _Runs.single(np.zeros(0, dtype=np.uint32))
        elif self._runs:
            runs = self.index._character_runs(ord(self.term))
        else:
            runs = _Runs.single(self.index.occurrences(self.term, within=reports))
        return _SegmentScope(self.index, len(self.term), runs)


class _SegmentScope:
    """A term's answers for reports of one segment, from positions that
    include every occurrence in those reports (and maybe others)."""

    def __init__(self, index: ExactIndex, length: int, runs: _Runs) -> None:
        self.index = index
        self.length = length
        self.runs = runs

    def counts_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(len(reports), dtype=np.int64)
        bounds = self.index._report_bounds
        return _count_in(self.runs, _interleave(bounds[reports], bounds[reports + 1]))[0::2]

    def present_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(len(reports), dtype=bool)
        bounds = self.index._report_bounds
        return _present_in(self.runs, bounds[reports], bounds[reports + 1])

    def titles_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(len(reports), dtype=bool)
        lo = self.index._report_bounds[reports]
        return _present_in(self.runs, lo, self._last_start(lo, self.index._title_end[reports]))

    def units_among(self, reports: np.ndarray) -> np.ndarray:
        if len(reports) == 0 or len(self.runs) == 0:
            return np.zeros(0, dtype=np.int64)
        first = self.index.first_of_report
        units = _range_indices(first[reports], first[reports + 1])
        lo = self.index._unit_start[units]
        return units[_present_in(self.runs, lo, self._last_start(lo, self.index._unit_end[units]))]

    def _last_start(self, lo: np.ndarray, end: np.ndarray) -> np.ndarray:
        """The end of the range of starts whose occurrence ends by `end`."""
        return np.maximum(end - (self.length - 1), lo)


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


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """np.unique for an already sorted array, without sorting again."""
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
