"""The intersection cost model: which of a term's pairs to intersect, and
how (binary search or merging), so that the work follows the rarest pair,
not the corpus. A term of n >= 2 characters occurs at p exactly when the
pairs covering it occur at p, p+2, ...
"""

from __future__ import annotations

import math

import numpy as np

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


def cheapest_cover(lists: list[tuple[int, np.ndarray]], length: int) -> list[tuple[int, np.ndarray]]:
    """Pairs (offset, positions) that cover every character of a term of
    `length` characters, rarest first: of the covers `covers` offers, the
    one with the lowest estimated cost of intersecting."""
    return min(covers(lists, length), key=_cover_cost)


def covers(lists: list[tuple[int, np.ndarray]], length: int) -> tuple[list[tuple[int, np.ndarray]], ...]:
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
