"""Facets: for a result set, the values of one field and how many matching
reports have each. One class per kind of facet (as Datasette does); each is
computed with every filter applied except its own, so a choice can be widened.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search_service.model import CODED_FIELDS, DOC_TYPES, SECTION_KINDS, FacetValue, SearchRequest
from search_service.search.reader import OpenIndex


@dataclass(frozen=True)
class Filters:
    """Boolean masks over reports, one per filter dimension (None: no filter)."""

    masks: dict[str, np.ndarray | None]

    def all_but(self, name: str, size: int) -> np.ndarray:
        out = np.ones(size, dtype=bool)
        for key, mask in self.masks.items():
            if key != name and mask is not None:
                out &= mask
        return out


def filter_masks(index: OpenIndex, request: SearchRequest) -> Filters:
    masks: dict[str, np.ndarray | None] = {"year": None, "doc_type": None}
    if request.doc_type != "all":
        masks["doc_type"] = index.reports.doc_type == DOC_TYPES.index(request.doc_type)
    years = index.reports.year
    if request.year or request.year_from is not None or request.year_to is not None:
        mask = np.ones(index.report_count, dtype=bool)
        if request.year:
            mask &= np.isin(years, np.array(request.year, dtype=np.int32))
        if request.year_from is not None:
            mask &= (years >= request.year_from) & (years > 0)
        if request.year_to is not None:
            mask &= (years <= request.year_to) & (years > 0)
        masks["year"] = mask
    for name in CODED_FIELDS:
        wanted = getattr(request, name)
        if not wanted:
            masks[name] = None
            continue
        lookup = index.reports.code_of[name]
        wanted_codes = np.array([lookup[w] for w in wanted if w in lookup], dtype=np.int32)
        masks[name] = np.isin(index.reports.codes[name], wanted_codes)
    return Filters(masks)


class YearFacet:
    name = "year"

    def counts(self, index: OpenIndex, matching: np.ndarray) -> list[FacetValue]:
        years = index.reports.year[matching]
        years = years[years > 0]
        if len(years) == 0:
            return []
        values, counts = np.unique(years, return_counts=True)
        return [FacetValue(int(v), int(c)) for v, c in sorted(zip(values, counts, strict=True), key=lambda vc: -vc[0])]


class PlaceFacet:
    def __init__(self, name: str) -> None:
        self.name = name

    def counts(self, index: OpenIndex, matching: np.ndarray) -> list[FacetValue]:
        codes = index.reports.codes[self.name][matching]
        codes = codes[codes >= 0]
        if len(codes) == 0:
            return []
        values = index.reports.values[self.name]
        counts = np.bincount(codes, minlength=len(values))
        nonzero = np.flatnonzero(counts)
        # Most reports first, then by value: a sort over arrays, as a town
        # facet can have a value for each of thousands of towns.
        order = nonzero[np.lexsort((index.reports.ranks[self.name][nonzero], -counts[nonzero]))]
        return [FacetValue(values[i], c) for i, c in zip(order.tolist(), counts[order].tolist(), strict=True)]


class DocTypeFacet:
    """How many documents of each kind match: the page tells how many other
    documents a search of annual reports leaves out."""

    name = "doc_type"

    def counts(self, index: OpenIndex, matching: np.ndarray) -> list[FacetValue]:
        per_kind = np.bincount(index.reports.doc_type[matching], minlength=len(DOC_TYPES))
        return [FacetValue(kind, int(per_kind[code])) for code, kind in enumerate(DOC_TYPES) if per_kind[code]]


def top_values(values: list[FacetValue], size: int, chosen: tuple[str | int, ...]) -> list[FacetValue]:
    """The first `size` values (0: all), and the chosen ones wherever they
    stand, in the facet's order."""
    if not size or len(values) <= size:
        return values
    wanted = set(chosen)
    return [fv for i, fv in enumerate(values) if i < size or fv.value in wanted]


class SectionFacet:
    """For each kind, the reports having a section of that kind that
    satisfies the query on its own (so the count equals the total one gets
    by choosing that kind)."""

    name = "section"

    def counts(self, index: OpenIndex, satisfied_units: np.ndarray, eligible: np.ndarray) -> list[FacetValue]:
        units = np.flatnonzero(satisfied_units)
        kinds = len(SECTION_KINDS)
        # One (report, kind) table instead of a sort per kind.
        has = np.zeros(index.report_count * kinds, dtype=bool)
        has[index.units.report[units].astype(np.int64) * kinds + index.units.kind[units]] = True
        per_kind = (has.reshape(index.report_count, kinds) & eligible[:, None]).sum(axis=0)
        out = [FacetValue(kind, int(per_kind[code])) for code, kind in enumerate(SECTION_KINDS) if per_kind[code]]
        return sorted(out, key=lambda fv: (-fv.count, SECTION_KINDS.index(str(fv.value))))


FIELD_FACETS = (YearFacet(), DocTypeFacet(), *(PlaceFacet(name) for name in CODED_FIELDS))
