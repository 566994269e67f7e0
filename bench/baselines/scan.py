"""The reference: every query answered by scanning the normalised texts.

Nothing is indexed: each report's and each section's text is normalised once
and held in memory, and a term is looked up with Python's `in` in every one of
them. It is as plainly CONTRACT.md's rule as code can be, so its answers are
the ones the other engines are checked against (and its speed is the floor an
index has to beat).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.baselines import Answer, ParsedCorpus
from bench.queries import BenchQuery
from search_service.model import PLACE_FIELDS, SECTION_KINDS, SearchRequest
from search_service.text import normalize


def _year_ok(year: int | None, request: SearchRequest) -> bool:
    if request.year and year not in request.year:
        return False
    if request.year_from is not None and (not year or year < request.year_from):
        return False
    return not (request.year_to is not None and (not year or year > request.year_to))


class ScanEngine:
    name = "scan"

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._years: list[int | None] = []
        self._places: dict[str, list[str | None]] = {}
        self._report_text: list[str] = []
        self._unit_text: list[str] = []
        self._unit_kind: list[str] = []
        self._unit_report: list[int] = []

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        reports = corpus.reports
        self._ids = [r.report_id for r in reports]
        self._years = [r.year for r in reports]
        self._places = {name: [getattr(r, name) for r in reports] for name in PLACE_FIELDS}
        per_report: list[list[str]] = [[] for _ in reports]
        for ordinal, kind, raw in corpus.units:
            norm = normalize(raw)
            self._unit_text.append(norm)
            self._unit_kind.append(kind)
            self._unit_report.append(ordinal)
            per_report[ordinal].append(norm)
        self._report_text = ["".join(parts) for parts in per_report]

    @property
    def report_texts(self) -> list[str]:
        """Each report's normalised text, by ordinal (what the mix is chosen from)."""
        return self._report_text

    def _passes(self, request: SearchRequest, ordinal: int, skip: str) -> bool:
        """Whether a report passes every filter of request except `skip`."""
        if skip != "year" and not _year_ok(self._years[ordinal], request):
            return False
        for name in PLACE_FIELDS:
            wanted = getattr(request, name)
            if skip != name and wanted and self._places[name][ordinal] not in wanted:
                return False
        return True

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        request = query.request
        terms = query.terms
        report_ok = [terms.satisfied_by(text) for text in self._report_text]
        unit_ok = [terms.satisfied_by(text) for text in self._unit_text]
        kinds_ok: list[set[str]] = [set() for _ in self._ids]
        for unit, ok in enumerate(unit_ok):
            if ok:
                kinds_ok[self._unit_report[unit]].add(self._unit_kind[unit])
        matched = [request.section in kinds for kinds in kinds_ok] if request.section else report_ok
        n = len(self._ids)
        final = [matched[i] and self._passes(request, i, "") for i in range(n)]

        facets: dict[str, dict[str | int, int]] = {}
        years: Counter[str | int] = Counter(
            self._years[i] for i in range(n) if matched[i] and self._years[i] and self._passes(request, i, "year")
        )
        facets["year"] = dict(years)
        for name in PLACE_FIELDS:
            values = self._places[name]
            counts: Counter[str | int] = Counter(
                values[i] for i in range(n) if matched[i] and values[i] and self._passes(request, i, name)
            )
            facets[name] = dict(counts)
        sections: Counter[str | int] = Counter()
        for i in range(n):
            if kinds_ok[i] and self._passes(request, i, ""):
                sections.update(kinds_ok[i])
        facets["section"] = {k: sections[k] for k in SECTION_KINDS if sections[k]}

        total_sections = sum(
            1
            for unit, ok in enumerate(unit_ok)
            if ok
            and final[self._unit_report[unit]]
            and (not request.section or self._unit_kind[unit] == request.section)
        )
        ids = [self._ids[i] for i in range(n) if final[i]]
        return Answer(
            report_ids=ids if full else ids[: request.per_page],
            total_reports=len(ids),
            total_sections=total_sections,
            facets=facets,
        )

    def size_bytes(self) -> int:
        return 0

    def close(self) -> None:
        self._report_text = []
        self._unit_text = []
