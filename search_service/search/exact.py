"""The exact character index behind the "mentions" rule.

Every report's normalised text (CONTRACT.md's rule) is laid end to end in one
corpus, reports separated by U+0000. For every pair of adjacent characters
(the second may be the separator) the index keeps the sorted list of corpus
positions where it occurs. A term of n >= 2 characters occurs at position p exactly when the
pairs covering it occur at p, p+2, ...: intersecting a few sorted position
lists (rarest first) gives every occurrence, with no false match and none
missed, whatever jieba would make of the words. One-character terms read the
lists of the pairs the character starts, which lie side by side. Positions then map to sections and reports with a
binary search over section starts.

This is a positional n-gram index in the manner of code-search engines
(Google Code Search, zoekt), kept as flat numpy arrays that are memory-mapped
and shared between gunicorn workers through the page cache.
"""

from __future__ import annotations

import math
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

    @staticmethod
    def save(folder: Path, arrays: dict[str, np.ndarray]) -> None:
        for name in ExactIndex.ARRAYS:
            np.save(folder / f"{name}.npy", arrays[name], allow_pickle=False)

    @staticmethod
    def load(folder: Path) -> dict[str, np.ndarray]:
        """The saved arrays, memory-mapped."""
        return {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in ExactIndex.ARRAYS}

    def _list(self, keys: np.ndarray, offsets: np.ndarray, positions: np.ndarray, key: int) -> np.ndarray:
        i = int(np.searchsorted(keys, key))
        if i >= len(keys) or int(keys[i]) != key:
            return positions[0:0]
        return positions[int(offsets[i]) : int(offsets[i + 1])]

    def _character_list(self, code_point: int) -> np.ndarray:
        """Positions of one character: the union of the lists of the pairs
        it starts, which are adjacent; one sort merges these sorted runs."""
        keys = self._bi_keys
        lo = int(np.searchsorted(keys, code_point << _PAIR_SHIFT))
        hi = int(np.searchsorted(keys, (code_point + 1) << _PAIR_SHIFT))
        found = np.array(self._bi_pos[int(self._bi_offsets[lo]) : int(self._bi_offsets[hi])])
        if hi - lo > 1:
            found.sort(kind="stable")  # timsort: merges the runs
        return found

    def _pair_list(self, a: str, b: str) -> np.ndarray:
        return self._list(self._bi_keys, self._bi_offsets, self._bi_pos, (ord(a) << _PAIR_SHIFT) | ord(b))

    def occurrences(self, term: str) -> np.ndarray:
        """Sorted corpus positions where the normalised term starts."""
        if not term or SEPARATOR in term:
            return np.zeros(0, dtype=np.uint32)
        if len(term) == 1:
            return self._character_list(ord(term))
        lists = [(offset, self._pair_list(term[offset], term[offset + 1])) for offset in range(len(term) - 1)]
        if min(len(plist) for _, plist in lists) == 0:
            return np.zeros(0, dtype=np.uint32)
        return intersect_pairs(_cheapest_cover(lists, len(term)))

    def hits(self, term: str) -> TermHits:
        return self.place(term, self.occurrences(term))

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


def _distinct_sorted(values: np.ndarray) -> np.ndarray:
    """np.unique for an already sorted array, without sorting again."""
    if len(values) == 0:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]
