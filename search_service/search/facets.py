"""Facets: for a result set, the values of one field and how many matching
reports have each. One class per kind of facet (as Datasette does), each
answering `counts(index, context)`; each is computed with every filter
applied except its own, so a choice can be widened.

`facet_values` runs them all and gives each value what a page or a client
needs to show it: its label, whether it is chosen, and the query string that
toggles it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    FacetValues,
    Filter,
    SearchRequest,
    value_label,
)
from search_service.search.filters import Filters, units_passing
from search_service.search.reader import OpenIndex


@dataclass(frozen=True, slots=True)
class Counts:
    """A facet's values and how many matching reports have each, in the
    facet's order: two lists, not a pair per value (a town facet has one for
    each of thousands of towns, and nothing needs them paired but the page)."""

    values: list[str | int]
    counts: list[int]

    def __len__(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class FacetContext:
    """What every facet may read about one search."""

    request: SearchRequest
    matched: np.ndarray  # reports satisfying the query (and the chosen section), before filters
    satisfied_units: np.ndarray  # sections that satisfy the query on their own
    filters: Filters
    units_within_filters: bool = False  # satisfied_units lie in reports passing every filter already
    _selections: dict[tuple, tuple[np.ndarray, np.ndarray, bool]] = field(default_factory=dict)

    def selection(self, name: str, size: int) -> tuple[np.ndarray, np.ndarray, bool]:
        """(the reports every filter but `name` leaves, as a mask; the
        ordinals to count; whether those are the ones left that do *not*
        match, the fewer when the matching reports are most of them).
        Facets without a filter of their own share one selection."""
        key = self.filters.key_but(name)
        found = self._selections.get(key)
        if found is None:
            others = self.filters.all_but(name, size)
            within = self.matched & others
            matching = int(np.count_nonzero(within))
            if 2 * matching <= int(np.count_nonzero(others)):
                found = (others, np.flatnonzero(within), False)
            else:
                found = (others, np.flatnonzero(others & ~self.matched), True)
            self._selections[key] = found
        return found


def tally(index: OpenIndex, context: FacetContext, name: str, codes: np.ndarray, size: int) -> np.ndarray:
    """How many matching reports (every filter but `name` applied) have each
    code (codes >= -1 per report; the count of code c at c + 1, of -1 at 0).

    When the matching reports are most of those the other filters leave (a
    common term), the counts are those of all the reports left, kept per
    index and filters (`OpenIndex.kept`), less those of the few that
    do not match: both ways count the same reports."""
    others, chosen, complement = context.selection(name, index.report_count)
    counted = np.bincount(codes[chosen] + 1, minlength=size + 1)
    if not complement:
        return counted
    base = index.kept(
        ("facet", name, context.filters.key_but(name)), lambda: np.bincount(codes[others] + 1, minlength=size + 1)
    )
    return base - counted


class YearFacet:
    name = "year"
    trimmed = True  # facet_size applies

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        # A few thousand slots (0: no year): cheaper than sorting the years.
        per_year = tally(index, context, self.name, index.reports.year, (index.all_years or [0])[-1] + 1)[2:]
        present = np.flatnonzero(per_year)[::-1]  # latest first
        return Counts((present + 1).tolist(), per_year[present].tolist())


class CodedFacet:
    """A coded string field: level, unit, a place."""

    trimmed = True

    def __init__(self, name: str) -> None:
        self.name = name

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        by_value = index.reports.by_value[self.name]  # every code, its values in sorted order
        per_code = tally(index, context, self.name, index.reports.codes[self.name], len(by_value))[1:][by_value]
        present = np.flatnonzero(per_code)
        # Most reports first, then by value: a stable sort of the counts of
        # the values present, taken in value order (a town facet can have a
        # value for each of thousands of towns).
        order = present[np.argsort(-per_code[present], kind="stable")]
        return Counts(index.reports.value_array[self.name][by_value[order]].tolist(), per_code[order].tolist())


class DocTypeFacet:
    """How many documents of each kind match: the page tells how many other
    documents a search of annual reports leaves out."""

    name = "doc_type"
    trimmed = True

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        per_kind = tally(index, context, self.name, index.reports.doc_type, len(DOC_TYPES))[1:]
        present = [code for code in range(len(DOC_TYPES)) if per_kind[code]]
        return Counts([DOC_TYPES[code] for code in present], [int(per_kind[code]) for code in present])


class SectionFacet:
    """For each kind, the reports having a section of that kind that
    satisfies the query on its own (so the count equals the total one gets
    by choosing that kind). Every kind is always given (there are six)."""

    name = "section"
    trimmed = False

    def counts(self, index: OpenIndex, context: FacetContext) -> Counts:
        satisfied = context.satisfied_units
        if not context.units_within_filters:
            satisfied = satisfied & units_passing(index, context.filters)  # the section filter is not a mask
        kinds = len(SECTION_KINDS)
        # A section that is its report's only one of its kind counts its
        # report once; the (report, kind) pairs of the others (few) are
        # made distinct first.
        per_kind = np.array(
            [np.count_nonzero(satisfied & alone) for alone in index.units.single_of_kind], dtype=np.int64
        )
        rest = index.units.repeated_units[satisfied[index.units.repeated_units]]
        if len(rest):
            pairs = np.unique(index.units.report[rest].astype(np.int64) * kinds + index.units.kind[rest])
            per_kind += np.bincount(pairs % kinds, minlength=kinds)
        present = sorted((code for code in range(kinds) if per_kind[code]), key=lambda code: -per_kind[code])
        return Counts([SECTION_KINDS[code] for code in present], [int(per_kind[code]) for code in present])


Facet = YearFacet | DocTypeFacet | CodedFacet | SectionFacet


def facet_of(spec: Filter) -> Facet:
    """The facet that counts a filter's values (model.FILTERS)."""
    if spec.kind == CODED:
        return CodedFacet(spec.name)
    return {YEAR: YearFacet, DOC_TYPE: DocTypeFacet, SECTION: SectionFacet}[spec.kind]()


# In the order the API gives them (model.FACET_FILTERS).
FACETS: tuple[Facet, ...] = tuple(facet_of(spec) for spec in FACET_FILTERS)


def facet_values(index: OpenIndex, context: FacetContext) -> dict[str, FacetValues]:
    """Every facet's values for one search, trimmed to the request's
    facet_size where the facet is (and then `truncated`), the chosen values
    no matching report has added with a count of 0 (so a choice can always
    be undone), each with its label, chosen state and toggle."""
    request = context.request
    out: dict[str, FacetValues] = {}
    for facet in FACETS:
        counts = facet.counts(index, context)
        truncated = False
        if facet.trimmed:
            trimmed = top_values(counts, request.facet_size, _named(request, facet.name))
            truncated = len(trimmed) < len(counts)
            counts = trimmed
        counts = with_chosen(counts, request.chosen(facet.name))
        out[facet.name] = Toggles(request, facet.name).values(counts, truncated)
    return out


# Choices that are not values of their facet: doc_type=all asks for every
# document, it is not a kind of one.
_NOT_VALUES = frozenset({"all"})


def with_chosen(counts: Counts, chosen: tuple[str | int, ...]) -> Counts:
    """counts, with each chosen value that no matching report has put first
    with a count of 0, the last chosen first (as the page listed them
    before the facets did)."""
    present = set(counts.values)
    empty = [value for value in reversed(chosen) if value not in present and value not in _NOT_VALUES]
    if not empty:
        return counts
    return Counts([*empty, *counts.values], [*(0 for _ in empty), *counts.counts])


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
    kept = list(range(size)) + [i for i in range(size, len(counts)) if counts.values[i] in wanted]
    return Counts([counts.values[i] for i in kept], [counts.counts[i] for i in kept])


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

    def values(self, counts: Counts, truncated: bool = False) -> FacetValues:
        """value() of every (value, count), made when read: with
        facet_size=0 a town facet has thousands of values, which a caller
        that wants the counts (pairs()) never needs as objects."""
        return FacetValues(
            counts.values, counts.counts, VALUE_LABELS.get(self.name, {}), self.chosen, self.query, truncated
        )

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
