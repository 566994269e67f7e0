"""A request's filters as boolean masks over reports, one per dimension, so
that a facet can apply every filter but its own and the trend can count all
reports the filters leave."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search_service.model import CODED_FIELDS, DOC_TYPES, SearchRequest
from search_service.search.reader import OpenIndex


@dataclass(frozen=True)
class Filters:
    """Boolean masks over reports, one per filter dimension (None: no
    filter), and what each was made from (`keys`: hashable, None for no
    filter), so that what depends on the filters alone can be kept."""

    masks: dict[str, np.ndarray | None]
    keys: dict[str, object]

    def key_but(self, name: str) -> tuple:
        """What every filter except `name` was made from, as one hashable value."""
        return tuple((k, v) for k, v in sorted(self.keys.items()) if k != name and v is not None)

    def all_but(self, name: str, size: int) -> np.ndarray:
        """Reports that pass every filter except `name` ("": every filter)."""
        out = np.ones(size, dtype=bool)
        for key, mask in self.masks.items():
            if key != name and mask is not None:
                out &= mask
        return out


def filter_masks(index: OpenIndex, request: SearchRequest) -> Filters:
    """A mask per dimension of model.FILTERS: the year (year, year_from and
    year_to together), the doc_type, and each coded field by its codes; the
    section is not a mask (it decides which sections satisfy the query)."""
    masks: dict[str, np.ndarray | None] = {"year": None, "doc_type": None}
    keys: dict[str, object] = {"year": None, "doc_type": None}
    if request.doc_type != "all":
        masks["doc_type"] = index.reports.doc_type == DOC_TYPES.index(request.doc_type)
        keys["doc_type"] = request.doc_type
    years = index.reports.year
    if request.year or request.year_from is not None or request.year_to is not None:
        keys["year"] = (tuple(request.year), request.year_from, request.year_to)
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
            keys[name] = None
            continue
        keys[name] = tuple(wanted)
        lookup = index.reports.code_of[name]
        wanted_codes = np.array([lookup[w] for w in wanted if w in lookup], dtype=np.int32)
        masks[name] = np.isin(index.reports.codes[name], wanted_codes)
    return Filters(masks, keys)


def units_passing(index: OpenIndex, filters: Filters) -> np.ndarray:
    """The sections of the reports passing every filter, as a mask (kept
    per commit and filters: a gather over every section)."""
    return index.kept(
        ("sections passing", filters.key_but("")),
        lambda: filters.all_but("", index.report_count)[index.units.report],
    )
