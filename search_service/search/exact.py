"""The exact character index behind the "mentions" rule.

Every report's normalised text (CONTRACT.md's rule) is laid end to end in one
corpus, reports separated by U+0000. For every character and every pair of
adjacent characters the index keeps the sorted list of corpus positions where
it occurs. A term of n >= 2 characters occurs at position p exactly when the
pairs covering it occur at p, p+2, ...: intersecting a few sorted position
lists (rarest first) gives every occurrence, with no false match and none
missed, whatever jieba would make of the words. One-character terms read the
character list directly. Positions then map to sections and reports with a
binary search over section starts.

This is a positional n-gram index in the manner of code-search engines
(Google Code Search, zoekt), kept as flat numpy arrays that are memory-mapped
and shared between gunicorn workers through the page cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

SEPARATOR = "\x00"
_PAIR_SHIFT = 21  # code points fit in 21 bits, so a pair fits in 42


@dataclass(frozen=True)
class TermHits:
    """Where one normalised term occurs: per report, its overlapping
    occurrence count; per section, whether an occurrence lies wholly in it;
    per report, occurrences inside the title."""

    reports: np.ndarray  # int32, sorted report ordinals
    counts: np.ndarray  # int32, occurrences per report in `reports`
    units: np.ndarray  # int32, sorted section ordinals holding a whole occurrence
    title_reports: np.ndarray  # int32, report ordinals whose title holds one


def _postings_table(values: np.ndarray, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Group positions by value: (sorted distinct values, offsets, positions)."""
    order = np.argsort(values, kind="stable")  # stable keeps positions ascending
    sorted_values = values[order]
    grouped = positions[order]
    keys, starts = np.unique(sorted_values, return_index=True)
    offsets = np.append(starts, len(sorted_values)).astype(np.int64)
    return keys, offsets, grouped


def build_exact_arrays(code_points: np.ndarray) -> dict[str, np.ndarray]:
    """The position lists of one corpus (uint32 code points, U+0000 between
    reports). Positions are uint32: a corpus up to 4 G characters."""
    cps = code_points.astype(np.uint32, copy=False)
    if len(cps) >= 2**32:
        raise ValueError("corpus larger than 4 G characters")
    positions = np.arange(len(cps), dtype=np.uint32)
    present = cps != 0
    uni_keys, uni_offsets, uni_pos = _postings_table(cps[present], positions[present])
    first = cps[:-1].astype(np.int64)
    second = cps[1:].astype(np.int64)
    pair_present = (first != 0) & (second != 0)
    pairs = (first[pair_present] << _PAIR_SHIFT) | second[pair_present]
    bi_keys, bi_offsets, bi_pos = _postings_table(pairs, positions[:-1][pair_present])
    return {
        "uni_keys": uni_keys.astype(np.uint32),
        "uni_offsets": uni_offsets,
        "uni_pos": uni_pos,
        "bi_keys": bi_keys.astype(np.int64),
        "bi_offsets": bi_offsets,
        "bi_pos": bi_pos,
    }


class ExactIndex:
    """Read side of the exact index of one generation (memory-mapped)."""

    ARRAYS = ("uni_keys", "uni_offsets", "uni_pos", "bi_keys", "bi_offsets", "bi_pos")

    def __init__(
        self,
        folder: Path,
        unit_start: np.ndarray,
        unit_end: np.ndarray,
        unit_report: np.ndarray,
        title_end: np.ndarray,
        report_count: int,
    ) -> None:
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in self.ARRAYS}
        self._uni_keys = arrays["uni_keys"]
        self._uni_offsets = arrays["uni_offsets"]
        self._uni_pos = arrays["uni_pos"]
        self._bi_keys = arrays["bi_keys"]
        self._bi_offsets = arrays["bi_offsets"]
        self._bi_pos = arrays["bi_pos"]
        self._unit_start = unit_start
        self._unit_end = unit_end
        self._unit_report = unit_report
        self._title_end = title_end
        self._report_count = report_count

    @staticmethod
    def save(folder: Path, arrays: dict[str, np.ndarray]) -> None:
        for name in ExactIndex.ARRAYS:
            np.save(folder / f"{name}.npy", arrays[name], allow_pickle=False)

    def _list(self, keys: np.ndarray, offsets: np.ndarray, positions: np.ndarray, key: int) -> np.ndarray:
        i = int(np.searchsorted(keys, key))
        if i >= len(keys) or int(keys[i]) != key:
            return positions[0:0]
        return positions[int(offsets[i]) : int(offsets[i + 1])]

    def _pair_list(self, a: str, b: str) -> np.ndarray:
        return self._list(self._bi_keys, self._bi_offsets, self._bi_pos, (ord(a) << _PAIR_SHIFT) | ord(b))

    def occurrences(self, term: str) -> np.ndarray:
        """Sorted corpus positions where the normalised term starts."""
        if not term or SEPARATOR in term:
            return np.zeros(0, dtype=np.uint32)
        if len(term) == 1:
            return np.asarray(self._list(self._uni_keys, self._uni_offsets, self._uni_pos, ord(term)))
        lists = [(offset, self._pair_list(term[offset], term[offset + 1])) for offset in range(len(term) - 1)]
        lists.sort(key=lambda item: len(item[1]))
        if len(lists[0][1]) == 0:
            return np.zeros(0, dtype=np.uint32)
        # Choose pairs rarest first until every character of the term is covered.
        chosen: list[tuple[int, np.ndarray]] = []
        covered: set[int] = set()
        for offset, plist in lists:
            if offset in covered and offset + 1 in covered:
                continue
            chosen.append((offset, plist))
            covered.update((offset, offset + 1))
            if len(covered) == len(term):
                break
        first_offset, first_list = chosen[0]
        starts = first_list.astype(np.int64) - first_offset
        starts = starts[starts >= 0].astype(np.uint32)
        for offset, plist in chosen[1:]:
            if len(starts) == 0:
                break
            wanted = starts + np.uint32(offset)
            found = np.searchsorted(plist, wanted)
            found[found >= len(plist)] = len(plist) - 1
            starts = starts[plist[found] == wanted]
        return starts

    def hits(self, term: str) -> TermHits:
        # Positions are sorted, so sections and reports come out sorted too:
        # runs replace np.unique's sort, and bincount counts per report.
        starts = self.occurrences(term).astype(np.int64)
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


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """np.unique for an already sorted array, without sorting again."""
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
