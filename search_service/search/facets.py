"""Facets: for a result set, the values of one field and how many matching
reports have each. One class per kind of facet (as Datasette does), each
answering `counts(index, context)`; each is computed with every filter
applied except its own, so a choice can be widened.

`facet_values` runs them all and gives each value what a page or a client
needs to show it: its label, whether it is chosen, and the query string that
toggles it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

import numpy as np

from search_service.model import (
    CODED,
    DOC_TYPE,
    DOC_TYPES,
    FACET_FILTERS,
    SECTION,
    SECTION_KINDS,
    VALUE_LABELS,
    YEAR,
    FacetValue,
    Filter,
    SearchRequest,
    value_label,
)
from search_service.search.filters import Filters
from search_service.search.reader import OpenIndex

# What a facet's counts are: (value, matching reports), in the facet's order.
Counts = list[tuple[str | int, int]]


@dataclass(frozen=True)
class FacetContext:
    """What every facet may read about one search."""

    request: SearchRequest
    matched: np.ndarray  # reports satisfying the query (and the chosen section), before filters
    satisfied_units: np.ndarray  # sections that satisfy the query on their own
    filters: Filters

    def matching_but(self, name: str, size: int) -> np.ndarray:
        """Matching reports with every filter applied except `name`."""
        return self.matched & self.filters.all_but(name, size)


class YearFacet:
    name = "year"
    trimmed = True  # facet_size applies

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        years = index.reports.year[context.matching_but(self.name, index.report_count)]
        years = years[years > 0]
        if len(years) == 0:
            return []
        values, counts = np.unique(years, return_counts=True)
        return [(int(v), int(c)) for v, c in sorted(zip(values, counts, strict=True), key=lambda vc: -vc[0])]


class CodedFacet:
    """A coded string field: level, unit, a place."""

    trimmed = True

    def __init__(self, name: str) -> None:
        self.name = name

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        codes = index.reports.codes[self.name][context.matching_but(self.name, index.report_count)]
        codes = codes[codes >= 0]
        if len(codes) == 0:
            return []
        values = index.reports.values[self.name]
        counts = np.bincount(codes, minlength=len(values))
        nonzero = np.flatnonzero(counts)
        # Most reports first, then by value: a sort over arrays, as a town
        # facet can have a value for each of thousands of towns.
        order = nonzero[np.lexsort((index.reports.ranks[self.name][nonzero], -counts[nonzero]))]
        return list(zip((values[i] for i in order.tolist()), counts[order].tolist(), strict=True))


class DocTypeFacet:
    """How many documents of each kind match: the page tells how many other
    documents a search of annual reports leaves out."""

    name = "doc_type"
    trimmed = True

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        matching = context.matching_but(self.name, index.report_count)
        per_kind = np.bincount(index.reports.doc_type[matching], minlength=len(DOC_TYPES))
        return [(kind, int(per_kind[code])) for code, kind in enumerate(DOC_TYPES) if per_kind[code]]


class SectionFacet:
    """For each kind, the reports having a section of that kind that
    satisfies the query on its own (so the count equals the total one gets
    by choosing that kind). Every kind is always given (there are six)."""

    name = "section"
    trimmed = False

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        units = np.flatnonzero(context.satisfied_units)
        eligible = context.filters.all_but("", index.report_count)  # the section filter is not a mask
        kinds = len(SECTION_KINDS)
        # One (report, kind) table instead of a sort per kind.
        has = np.zeros(index.report_count * kinds, dtype=bool)
        has[index.units.report[units].astype(np.int64) * kinds + index.units.kind[units]] = True
        per_kind = (has.reshape(index.report_count, kinds) & eligible[:, None]).sum(axis=0)
        out = [(kind, int(per_kind[code])) for code, kind in enumerate(SECTION_KINDS) if per_kind[code]]
        return sorted(out, key=lambda vc: (-vc[1], SECTION_KINDS.index(str(vc[0]))))


Facet = YearFacet | DocTypeFacet | CodedFacet | SectionFacet


def facet_of(spec: Filter) -> Facet:
    """The facet that counts a filter's values (model.FILTERS)."""
    if spec.kind == CODED:
        return CodedFacet(spec.name)
    return {YEAR: YearFacet, DOC_TYPE: DocTypeFacet, SECTION: SectionFacet}[spec.kind]()


# In the order the API gives them (model.FACET_FILTERS).
FACETS: tuple[Facet, ...] = tuple(facet_of(spec) for spec in FACET_FILTERS)


def facet_values(index: OpenIndex, context: FacetContext) -> dict[str, list[FacetValue]]:
    """Every facet's values for one search, trimmed to the request's
    facet_size where the facet is, each with its label, chosen state and
    toggle."""
    request = context.request
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        counts = facet.counts(index, context)
        if facet.trimmed:
            counts = top_values(counts, request.facet_size, _named(request, facet.name))
        out[facet.name] = Toggles(request, facet.name).values(counts)
    return out


def _named(request: SearchRequest, name: str) -> tuple[str | int, ...]:
    """Every value the request names for `name`, its default included."""
    value = getattr(request, name)
    return value if isinstance(value, tuple) else (value,)


def top_values(counts: Counts, size: int, chosen: tuple[str | int, ...]) -> Counts:
    """The first `size` values (0: all), and the chosen ones wherever they
    stand, in the facet's order."""
    if not size or len(counts) <= size:
        return counts
    wanted = set(chosen)
    return [vc for i, vc in enumerate(counts) if i < size or vc[0] in wanted]


class Toggles:
    """The FacetValues of one facet of one request. The query string around
    the facet's own parameter is encoded once: a town facet can have a value
    for each of thousands of towns."""

    def __init__(self, request: SearchRequest, name: str) -> None:
        self.request = request
        self.name = name
        self.chosen = request.chosen(name)
        self.multiple = isinstance(getattr(request, name), tuple)
        pairs = request.query_pairs(**{name: None})
        names = list(_FIELD_ORDER)
        before = [(k, v) for k, v in pairs if names.index(k) < names.index(name)]
        after = [(k, v) for k, v in pairs if names.index(k) > names.index(name)]
        self._before = urlencode(before)
        self._after = urlencode(after)
        self._own = urlencode([(name, str(v)) for v in self.chosen])

    def value(self, value: str | int, count: int) -> FacetValue:
        return FacetValue(value, count, value_label(self.name, value), value in self.chosen, self.query)

    def values(self, counts: Counts) -> list[FacetValue]:
        """value() of every (value, count), in one pass: with facet_size=0 a
        town facet has thousands of values, and this is most of what a
        search costs after the term lookups."""
        labels = VALUE_LABELS.get(self.name, {})
        chosen, query = self.chosen, self.query
        return [FacetValue(v, c, labels.get(str(v), str(v)), v in chosen, query) for v, c in counts]

    def query(self, value: str | int) -> str:
        """The request's query string with value chosen, or undone if it is."""
        if value in self.chosen:
            own = urlencode([(self.name, str(v)) for v in self.chosen if v != value]) if self.multiple else ""
        else:
            added = f"{self.name}={quote_plus(str(value))}" if value != _DEFAULTS.get(self.name) else ""
            own = "&".join(part for part in (self._own, added) if part) if self.multiple else added
        return "&".join(part for part in (self._before, own, self._after) if part)


_FIELD_ORDER = tuple(SearchRequest.__dataclass_fields__)
_DEFAULTS = {name: f.default for name, f in SearchRequest.__dataclass_fields__.items()}
