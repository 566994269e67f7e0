"""The pair index of a segment: for every pair of adjacent characters of
its corpus (the second may be the separator), the sorted positions where it
occurs. Built, saved and read here; search/exact.py finds terms in it.

Every report's normalised text is laid end to end in the segment's corpus,
each followed by SEPARATOR (U+0000). A pair is keyed by its two code points,
`first << PAIR_SHIFT | second`; three arrays hold the index:

    bi_keys.npy      the keys, sorted (int64)
    bi_offsets.npy   where each key's positions start in bi_pos, and the end (int64)
    bi_pos.npy       every key's positions, ascending, end to end (uint32)

Every character but U+0000 starts exactly one pair, so the lists hold every
character position once: a character's own positions are the union of the
lists of the pairs it starts, which lie side by side (keys sort by first
character), and no separate list is stored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search_service.segments import toc

SEPARATOR = "\x00"
PAIR_SHIFT = 21  # code points fit in 21 bits, so a pair fits in 42


# Rows handled at a time while building, so that temporaries stay small:
# at 100,000 reports the corpus has about 440 M characters.
_CHUNK = 1 << 24


def build_pair_arrays(code_points: np.ndarray) -> dict[str, np.ndarray]:
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
        "bi_keys": (first << PAIR_SHIFT) | second,
        "bi_offsets": np.append(first_index, len(positions)).astype(np.int64),
        "bi_pos": positions,
    }


def _build_argsort(cps: np.ndarray) -> dict[str, np.ndarray]:
    """The same arrays for alphabets too large for dense pair numbers."""
    starts = np.flatnonzero(cps[:-1])
    keys = (cps[starts].astype(np.int64) << PAIR_SHIFT) | cps[starts + 1].astype(np.int64)
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


def save_pairs(folder: Path, arrays: dict[str, np.ndarray]) -> None:
    for name in toc.PAIRS:
        np.save(folder / toc.pair_file(name), arrays[name], allow_pickle=False)


def load_pairs(folder: Path) -> dict[str, np.ndarray]:
    """The saved arrays, memory-mapped (as plain ndarray views of the
    mapping: slicing a np.memmap costs a few microseconds in Python each
    time, and a query slices the pair lists hundreds of times)."""
    return {name: np.asarray(np.load(folder / toc.pair_file(name), mmap_mode="r")) for name in toc.PAIRS}


class PairIndex:
    """A segment's pair index opened for reading: the list of a pair, the
    lists of the pairs a character starts. Immutable; safe across threads."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.keys = arrays["bi_keys"]
        self.offsets = arrays["bi_offsets"]
        self.positions = arrays["bi_pos"]

    @classmethod
    def open(cls, folder: Path) -> PairIndex:
        return cls(load_pairs(folder))

    def pair_list(self, a: str, b: str) -> np.ndarray:
        """The sorted positions of the pair ab (empty when it never occurs)."""
        key = (ord(a) << PAIR_SHIFT) | ord(b)
        i = int(np.searchsorted(self.keys, key))
        if i >= len(self.keys) or int(self.keys[i]) != key:
            return self.positions[0:0]
        return self.positions[int(self.offsets[i]) : int(self.offsets[i + 1])]

    def character_lists(self, code_point: int) -> tuple[np.ndarray, np.ndarray]:
        """The lists of the pairs a character starts, side by side: their
        positions in one block and where each list starts in it (one more
        offset than lists)."""
        lo = int(np.searchsorted(self.keys, code_point << PAIR_SHIFT))
        hi = int(np.searchsorted(self.keys, (code_point + 1) << PAIR_SHIFT))
        offsets = np.asarray(self.offsets[lo : hi + 1], dtype=np.int64)
        return self.positions[int(offsets[0]) : int(offsets[-1])], offsets - offsets[0]

    def occurrences(self, term: str) -> np.ndarray:
        """Sorted positions where a term of two or more characters starts,
        by the plain way: the rarest pair's positions kept where every other
        pair follows at its offset (binary search). The writer finds the
        words whose parts it stores this way; queries take the cheaper
        covers of search/intersecting.py, with the same answer."""
        lists = [(offset, self.pair_list(term[offset], term[offset + 1])) for offset in range(len(term) - 1)]
        lists.sort(key=lambda item: len(item[1]))
        first_offset, first_list = lists[0]
        starts = np.asarray(first_list).astype(np.int64) - first_offset
        starts = starts[starts >= 0]
        for offset, plist in lists[1:]:
            if len(starts) == 0 or len(plist) == 0:
                return np.zeros(0, dtype=np.uint32)
            wanted = starts + offset
            found = np.searchsorted(plist, wanted)
            found[found >= len(plist)] = len(plist) - 1
            starts = starts[plist[found] == wanted]
        return starts.astype(np.uint32)
