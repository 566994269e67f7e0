"""Facets and totals from matched report and section ordinals, with numpy.

The peers answer the term part of a query in their own index; when a query
needs what their native counting cannot give exactly and cheaply (reports
counted once per section kind when several sections of one kind match, or
"one section satisfies every clause"), they hand the matching ordinals here,
and the facets are counted over per-report columns as the scan defines them:
each facet with every filter but its own, the section facet over reports
with at least one matching section of the kind, `total_sections` over the
matching sections of the final reports.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search_service.model import PLACE_FIELDS, SECTION_KINDS, Report, SearchRequest

KIND_CODE: dict[str, int] = {kind: code for code, kind in enumerate(SECTION_KINDS)}


class ReportTable:
    """Per-report filter columns: year (0 = none) and a code per place
    field (-1 = none), plus each section's report and kind code."""

    def __init__(self, reports: list[Report], units: list[tuple[int, str, str]]) -> None:
        """From parsed reports and ParsedCorpus.units."""
        self._set_columns(
            ids=[r.report_id for r in reports],
            years=[r.year for r in reports],
            places={name: [getattr(r, name) or None for r in reports] for name in PLACE_FIELDS},
            unit_report=[o for o, _, _ in units],
            unit_kind=[KIND_CODE[k] for _, k, _ in units],
        )

    @classmethod
    def from_columns(
        cls,
        ids: list[str],
        years: Sequence[int | None],
        places: dict[str, Sequence[str | None]],
        unit_report: Sequence[int] | np.ndarray,
        unit_kind: Sequence[int] | np.ndarray,
    ) -> ReportTable:
        """From per-report columns (report ids, years, each place field) and
        the (report ordinal, kind code) of each section: no Report objects
        or texts, which the streaming scan does not keep."""
        table = cls.__new__(cls)
        table._set_columns(ids, years, places, unit_report, unit_kind)
        return table

    def _set_columns(
        self,
        ids: list[str],
        years: Sequence[int | None],
        places: dict[str, Sequence[str | None]],
        unit_report: Sequence[int] | np.ndarray,
        unit_kind: Sequence[int] | np.ndarray,
    ) -> None:
        self.ids = ids
        self.years = np.array([y or 0 for y in years], dtype=np.int64)
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        self.code_of: dict[str, dict[str, int]] = {}
        for name in PLACE_FIELDS:
            column = places[name]
            values = sorted({v for v in column if v})
            lookup = {v: i for i, v in enumerate(values)}
            self.values[name] = values
            self.code_of[name] = lookup
            self.codes[name] = np.array([lookup[v] if v else -1 for v in column], dtype=np.int32)
        self.unit_report = np.asarray(unit_report, dtype=np.int64)
        self.unit_kind = np.asarray(unit_kind, dtype=np.int64)

    def passes(self, request: SearchRequest, skip: str) -> np.ndarray:
        """Which reports pass every filter of request except `skip`."""
        ok = np.ones(len(self.ids), dtype=bool)
        if skip != "year":
            if request.year:
                ok &= np.isin(self.years, np.array(request.year, dtype=np.int64))
            if request.year_from is not None:
                ok &= (self.years != 0) & (self.years >= request.year_from)
            if request.year_to is not None:
                ok &= (self.years != 0) & (self.years <= request.year_to)
        for name in PLACE_FIELDS:
            wanted = getattr(request, name)
            if wanted and skip != name:
                codes = [self.code_of[name][v] for v in wanted if v in self.code_of[name]]
                ok &= np.isin(self.codes[name], np.array(codes, dtype=np.int32))
        return ok

    def answer(
        self, request: SearchRequest, report_hits: np.ndarray | None, unit_hits: np.ndarray
    ) -> tuple[np.ndarray, dict[str, dict[str | int, int]], int]:
        """(final report ordinals ascending, facets, total_sections) from the
        ordinals of the reports whose whole text satisfies the query
        (`report_hits`, unused when the request names a section) and of the
        sections that satisfy it on their own (`unit_hits`)."""
        n = len(self.ids)
        unit_reports = self.unit_report[unit_hits]
        unit_kinds = self.unit_kind[unit_hits]
        matched = np.zeros(n, dtype=bool)
        if request.section:
            matched[unit_reports[unit_kinds == KIND_CODE[request.section]]] = True
        else:
            assert report_hits is not None
            matched[report_hits] = True
        every = self.passes(request, "")
        final = matched & every
        facets: dict[str, dict[str | int, int]] = {}
        mask = matched & (self.years != 0) & self.passes(request, "year")
        years, counts = np.unique(self.years[mask], return_counts=True)
        facets["year"] = {int(y): int(c) for y, c in zip(years, counts, strict=True)}
        for name in PLACE_FIELDS:
            codes = self.codes[name]
            mask = matched & (codes >= 0) & self.passes(request, name)
            found, counts = np.unique(codes[mask], return_counts=True)
            facets[name] = {self.values[name][int(v)]: int(c) for v, c in zip(found, counts, strict=True)}
        pairs = np.unique(unit_reports * len(SECTION_KINDS) + unit_kinds)
        pair_reports, pair_kinds = np.divmod(pairs, len(SECTION_KINDS))
        kinds = np.bincount(pair_kinds[every[pair_reports]], minlength=len(SECTION_KINDS))
        facets["section"] = {SECTION_KINDS[k]: int(c) for k, c in enumerate(kinds) if c}
        in_final = final[unit_reports]
        if request.section:
            in_final &= unit_kinds == KIND_CODE[request.section]
        return np.flatnonzero(final), facets, int(in_final.sum())
