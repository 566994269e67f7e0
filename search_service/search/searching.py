"""The search itself: which reports match a request (`find`), in what order
(BM25 over exact term counts), with which totals and facets, and the result
entries of one page (`hits_for`, `run_search`).

`run_search` is the one search the API, the page and the CLI all use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from search_service.citing.paragraphs import index_at, line_spans, paragraph_id
from search_service.model import (
    SECTION_KINDS,
    FacetValue,
    ReportHit,
    SearchRequest,
    SearchResult,
    SearchTotal,
    SectionHit,
)
from search_service.search.facets import FacetContext, facet_values
from search_service.search.filters import filter_masks
from search_service.search.query import ParsedQuery, QueryLimits, Term, parse_query
from search_service.search.reader import OpenIndex
from search_service.search.snippets import located_snippets

# BM25 over exact term occurrences; the title counts as a strong signal.
_K1 = 1.2
_B = 0.75
_TITLE_WEIGHT = 2.0


def _term_masks(index: OpenIndex, term: Term) -> tuple[np.ndarray, np.ndarray]:
    hits = index.hits(term.norm)
    reports = np.zeros(index.report_count, dtype=bool)
    reports[hits.reports] = True
    units = np.zeros(index.unit_count, dtype=bool)
    units[hits.units] = True
    return reports, units


def match_sets(index: OpenIndex, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
    """(reports whose whole text satisfies the query, sections that satisfy
    it on their own), as boolean masks."""
    report_ok = np.ones(index.report_count, dtype=bool)
    unit_ok = np.ones(index.unit_count, dtype=bool)
    for clause in parsed.clauses:
        report_any = np.zeros(index.report_count, dtype=bool)
        unit_any = np.zeros(index.unit_count, dtype=bool)
        for term in clause:
            r, u = _term_masks(index, term)
            report_any |= r
            unit_any |= u
        report_ok &= report_any
        unit_ok &= unit_any
    for term in parsed.excluded:
        r, u = _term_masks(index, term)
        report_ok &= ~r
        unit_ok &= ~u
    return report_ok, unit_ok


def _scores(index: OpenIndex, parsed: ParsedQuery, candidates: np.ndarray) -> np.ndarray:
    n = max(index.report_count, 1)
    lengths = index.report_length[candidates]
    avg = float(index.report_length.mean()) if index.report_count else 1.0
    score = np.zeros(len(candidates), dtype=np.float64)
    for term in parsed.positive_terms:
        hits = index.hits(term.norm)
        df = len(hits.reports)
        if df == 0:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        tf = np.zeros(index.report_count, dtype=np.float64)
        tf[hits.reports] = hits.counts
        tf = tf[candidates]
        score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * lengths / avg))
        in_title = np.zeros(index.report_count, dtype=bool)
        in_title[hits.title_reports] = True
        score += _TITLE_WEIGHT * idf * in_title[candidates]
    return score


@dataclass
class Matches:
    """A request's whole result set, before paging."""

    parsed: ParsedQuery
    ordered: np.ndarray  # report ordinals, in the requested order
    scores: np.ndarray  # relevance of each, same order
    total: SearchTotal
    facets: dict[str, list[FacetValue]]
    shown_units: np.ndarray  # sections to show under a result


def find(
    index: OpenIndex, request: SearchRequest, limits: QueryLimits | None = None, with_facets: bool = True
) -> Matches:
    """Every report matching request, ordered, with totals and facets.
    Exact under CONTRACT.md's rule. An empty q (listing reports, not an API
    search) matches every report. Raises BadQuery."""
    parsed = parse_query(request.q, limits) if request.q else ParsedQuery((), ())
    report_ok, unit_ok = match_sets(index, parsed)
    kind_code = SECTION_KINDS.index(request.section) if request.section else None
    if kind_code is not None:
        unit_scope = unit_ok & (index.units.kind == kind_code)
        matched = np.zeros(index.report_count, dtype=bool)
        matched[index.units.report[unit_scope]] = True
    else:
        unit_scope = unit_ok
        matched = report_ok
    filters = filter_masks(index, request)
    everything = filters.all_but("", index.report_count)
    final = matched & everything

    facets: dict[str, list[FacetValue]] = {}
    if with_facets:
        facets = facet_values(index, FacetContext(request, matched, unit_ok, filters))

    candidates = np.flatnonzero(final)
    scores = _scores(index, parsed, candidates)
    if request.sort == "relevance":
        order = np.argsort(-scores, kind="stable")
    else:
        sign = 1 if request.sort == "year" else -1
        order = np.lexsort((-scores, sign * index.reports.year[candidates]))
    unit_in_final = unit_scope & final[index.units.report]
    total = SearchTotal(reports=int(final.sum()), sections=int(unit_in_final.sum()))
    # Sections shown under a result: those where a searched term occurs (of
    # the chosen kind when filtering by section).
    shown_units = np.zeros(index.unit_count, dtype=bool)
    for term in parsed.positive_terms:
        shown_units[index.hits(term.norm).units] = True
    if kind_code is not None:
        shown_units &= index.units.kind == kind_code
    return Matches(parsed, candidates[order], scores[order], total, facets, shown_units)


def hits_for(index: OpenIndex, matches: Matches, start: int, stop: int, snippet_limit: int = 3) -> list[ReportHit]:
    """The result entries of matches.ordered[start:stop]."""
    return [
        _hit(index, matches.parsed, int(o), float(s), matches.shown_units, snippet_limit)
        for o, s in zip(matches.ordered[start:stop], matches.scores[start:stop], strict=True)
    ]


def run_search(index: OpenIndex, request: SearchRequest, limits: QueryLimits | None = None) -> SearchResult:
    """One page of results with totals and facets: what the API answers."""
    matches = find(index, request, limits)
    start = (request.page - 1) * request.per_page
    results = hits_for(index, matches, start, start + request.per_page)
    return SearchResult(request=request, total=matches.total, results=results, facets=matches.facets)


def _hit(
    index: OpenIndex, parsed: ParsedQuery, ordinal: int, score: float, shown_units: np.ndarray, snippet_limit: int
) -> ReportHit:
    terms = parsed.positive_terms
    mentions = {}
    for term in terms:
        hits = index.hits(term.norm)
        i = int(np.searchsorted(hits.reports, ordinal))
        count = int(hits.counts[i]) if i < len(hits.reports) and hits.reports[i] == ordinal else 0
        mentions[term.shown] = count
    norm_terms = [t.norm for t in terms]
    sections = []
    units = shown_units[int(index.units.first_of_report[ordinal]) : int(index.units.first_of_report[ordinal + 1])]
    # Only the sections shown are read and searched for snippets.
    paragraph_starts: list[int] | None = None
    for position in np.flatnonzero(units).tolist():
        searchable = index.searchable_text(ordinal, position)
        shown = located_snippets(searchable, norm_terms, snippet_limit)
        if shown:
            if paragraph_starts is None:
                paragraph_starts = index.paragraph_starts(ordinal)
            kind, heading = index.section_head(ordinal, position)
            sections.append(
                SectionHit(
                    kind=kind,
                    heading=heading,
                    snippets=[html for html, _ in shown],
                    position=position,
                    paragraphs=_paragraphs_of(
                        searchable,
                        index.searchable_prefix_length(ordinal, position),
                        [at for _, at in shown],
                        paragraph_starts[position],
                    ),
                )
            )
    return ReportHit(
        **index.fields_of(ordinal).field_values(),
        score=round(score, 4),
        mentions=mentions,
        sections=sections,
    )


def _paragraphs_of(searchable: str, prefix: int, offsets: list[int], first: int) -> list[str | None]:
    """The paragraph id of each offset into a section's searchable text,
    whose text starts after `prefix` characters (heading and line break),
    given the number of the section's first paragraph; None inside the
    heading."""
    spans = line_spans(searchable[prefix:])
    ids: list[str | None] = []
    for offset in offsets:
        i = index_at(spans, offset - prefix) if offset >= prefix else None
        ids.append(None if i is None else paragraph_id(first + i))
    return ids
