"""Trend: for each year (or place), how many reports match and how many
there are, so that tools can plot counts and shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search_service.model import SearchRequest
from search_service.search.filters import filter_masks
from search_service.search.query import QueryLimits
from search_service.search.reader import OpenIndex
from search_service.search.searching import find

TREND_DIMENSIONS = ("year", "level", "province", "city", "county")


@dataclass(frozen=True)
class TrendPoint:
    value: int | str
    matching: int
    total: int

    @property
    def share(self) -> float:
        return round(self.matching / self.total, 6) if self.total else 0.0


def trend(index: OpenIndex, request: SearchRequest, by: str, limits: QueryLimits | None = None) -> list[TrendPoint]:
    """Matching and all reports per value of `by`, every filter applied.
    Values with no report at all are left out; years come in order."""
    matches = find(index, request, limits, with_facets=False)
    matching = np.zeros(index.report_count, dtype=bool)
    matching[matches.ordered] = True
    everything = filter_masks(index, request).all_but("", index.report_count)
    if by == "year":
        codes = index.reports.year
        values: list = []
        size = int(codes.max()) + 1 if len(codes) else 0
        all_counts = np.bincount(codes[everything & (codes > 0)], minlength=size)
        hit_counts = np.bincount(codes[matching & (codes > 0)], minlength=size)
        values = [int(y) for y in np.flatnonzero(all_counts)]
        return [TrendPoint(y, int(hit_counts[y]), int(all_counts[y])) for y in values]
    codes = index.reports.codes[by]
    names = index.reports.values[by]
    known = codes >= 0
    all_counts = np.bincount(codes[everything & known], minlength=len(names))
    hit_counts = np.bincount(codes[matching & known], minlength=len(names))
    points = [TrendPoint(names[i], int(hit_counts[i]), int(all_counts[i])) for i in np.flatnonzero(all_counts)]
    return sorted(points, key=lambda p: (-p.matching, -p.total, str(p.value)))
