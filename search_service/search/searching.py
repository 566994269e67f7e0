"""The search itself: which reports match a request (`find`), in what order
(BM25 over exact term counts), with which totals and facets, and the result
entries of one page (`hits_for`, `run_search`).

`run_search` is the one search the API, the page and the CLI all use.
"""

from __future__ import annotations

import functools
import math
from functools import cached_property

import numpy as np

from search_service.model import (
    SECTION_KINDS,
    FacetValues,
    ReportHit,
    SearchRequest,
    SearchTotal,
    SectionHit,
)
from search_service.search.facets import FacetContext, facet_values
from search_service.search.filters import Filters, filter_masks, units_passing
from search_service.search.query import ParsedQuery, QueryLimits, Term, parse_query
from search_service.search.reader import OpenIndex
from search_service.search.snippets import located_snippets
from search_service.search.terms import TermView
from search_service.segments.paragraphs import index_at, line_spans, paragraph_count, paragraph_id

# BM25 over exact term occurrences; the title counts as a strong signal.
_K1 = 1.2
_B = 0.75
_TITLE_WEIGHT = 2.0

# A term whose sections and counts are read in at most one report in
# _NARROW_SHARE (those still matching that pass the filters) is read for
# those reports only; in more, whole (as exact._SCOPED_SHARE decides).
_NARROW_SHARE = 8


def _term_masks(index: OpenIndex, term: Term) -> tuple[np.ndarray, np.ndarray]:
    hits = index.hits(term.norm)
    reports = np.zeros(index.report_count, dtype=bool)
    reports[hits.reports] = True
    units = np.zeros(index.unit_count, dtype=bool)
    units[hits.units] = True
    return reports, units


def match_sets(index: OpenIndex, parsed: ParsedQuery) -> tuple[np.ndarray, np.ndarray]:
    """(reports whose whole text satisfies the query, sections that satisfy
    it on their own), as boolean masks over every report and section: the
    plain way, each term placed everywhere. `find` computes the same sets
    by narrowing (see _matching_reports and _satisfying_units)."""
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


def _rarest_first(index: OpenIndex, parsed: ParsedQuery) -> list[tuple[Term, ...]]:
    """The query's clauses, the one likely to match fewest reports first,
    by a cheap bound on each term's occurrences (the others are then only
    looked for among its reports; AND does not depend on the order)."""
    if len(parsed.clauses) < 2:
        return list(parsed.clauses)
    return sorted(parsed.clauses, key=lambda clause: sum(index.hits(t.norm).estimate for t in clause))


def _matching_reports(index: OpenIndex, parsed: ParsedQuery, everything: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(the reports whose whole text satisfies every clause, those of them
    that also mention no excluded term), as boolean masks; everything: the
    reports passing the filters. Every positive term's reports are read
    whole (ranking needs how many reports hold each); an excluded term is
    looked for only among the reports still matching.

    A term whose sections and counts will be read in many reports (those
    still matching that pass the filters) is told so before it is first
    read, so that all its parts are computed at once (TermHits.expect_whole)."""
    if not parsed.clauses:
        every = np.ones(index.report_count, dtype=bool)
        return every, every
    matching = np.ones(index.report_count, dtype=bool)
    for clause in _rarest_first(index, parsed):
        wide = int((matching & everything).sum()) * _NARROW_SHARE > index.report_count
        held = np.zeros(index.report_count, dtype=bool)
        for term in clause:
            hits = index.hits(term.norm)
            if wide:
                hits.expect_whole(counted=True)
            held[hits.reports] = True
        matching &= held
    if not parsed.excluded:
        return matching, matching
    positive = matching.copy()
    for term in parsed.excluded:
        candidates = np.flatnonzero(matching)
        matching[candidates[index.hits(term.norm).present_among(candidates)]] = False
    return positive, matching


def _satisfying_units(
    index: OpenIndex, parsed: ParsedQuery, reports: np.ndarray, views: dict[str, TermView]
) -> np.ndarray:
    """The sections of `reports` (sorted ordinals, at least every report of
    interest whose whole text satisfies every clause) that satisfy the
    query on their own, as a boolean mask over every section (False
    outside those reports). views: each term's answers within `reports`.

    Each clause's sections are a mask (TermView.unit_mask_among); a term
    read for some reports alone is read for the reports still having a
    satisfying section."""
    count = index.unit_count
    if not parsed.clauses or len(reports) == 0:
        return np.full(count, not parsed.clauses, dtype=bool)
    clauses = _rarest_first(index, parsed)
    satisfied = np.zeros(count, dtype=bool)
    for term in clauses[0]:
        satisfied |= views[term.norm].unit_mask_among(lambda: reports, count, restrict=True)
    rest = [(clause, True) for clause in clauses[1:]] + [((term,), False) for term in parsed.excluded]
    for clause, wanted in rest:
        scope = functools.cache(lambda satisfied=satisfied: _distinct_reports(index, np.flatnonzero(satisfied)))
        held = np.zeros(count, dtype=bool)
        for term in clause:
            held |= views[term.norm].unit_mask_among(scope, count, restrict=False)
        if wanted:
            satisfied &= held
        else:
            satisfied &= ~held
    return satisfied


def _distinct_reports(index: OpenIndex, units: np.ndarray) -> np.ndarray:
    """The sorted reports of sorted sections."""
    reports = index.units.report[units]
    if len(reports) == 0:
        return reports.astype(np.int64)
    keep = np.empty(len(reports), dtype=bool)
    keep[0] = True
    np.not_equal(reports[1:], reports[:-1], out=keep[1:])
    return reports[keep].astype(np.int64)


def _scores(index: OpenIndex, parsed: ParsedQuery, candidates: np.ndarray, views: dict[str, TermView]) -> np.ndarray:
    """BM25 of each candidate (sorted ordinals); views: each positive
    term's answers within a set holding the candidates."""
    n = max(index.report_count, 1)
    norm = index.kept(("bm25 length norm",), lambda: _length_norm(index))[candidates]
    score = np.zeros(len(candidates), dtype=np.float64)
    for term in parsed.positive_terms:
        df = len(index.hits(term.norm).reports)
        if df == 0:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        view = views[term.norm]
        tf = view.counts_among(candidates).astype(np.float64)
        score += idf * tf * (_K1 + 1) / (tf + norm)
        score += _TITLE_WEIGHT * idf * view.titles_among(candidates)
    return score


def _length_norm(index: OpenIndex) -> np.ndarray:
    """Per report, BM25's length part of the denominator, the same for
    every term: k1 * (1 - b + b * length / mean length)."""
    avg = float(index.report_length.mean()) if index.report_count else 1.0
    return _K1 * (1 - _B + _B * index.report_length / avg)


class Matches:
    """A request's whole result set, before paging. The whole order is made
    when `ordered` or `scores` is read (exports, listings, analyses); a page
    (`window`) orders only what comes before its end, unless that is a good
    part of the set: sorting every one of a common term's matches was 11 ms
    at 100,000 reports, 140 ms at 1,000,000."""

    def __init__(
        self,
        parsed: ParsedQuery,
        candidates: np.ndarray,
        scores: np.ndarray,
        keys: tuple[np.ndarray, ...],
        total: SearchTotal,
        facets: dict[str, FacetValues],
        section_kind: int | None,
    ) -> None:
        self.parsed = parsed
        self.total = total
        self.facets = facets
        self.section_kind = section_kind  # the chosen section's code: only such sections are shown under a result
        self._candidates = candidates  # report ordinals, sorted
        self._scores = scores  # relevance of each
        self._keys = keys  # np.lexsort's keys of the requested order, the first key last

    @cached_property
    def _order(self) -> np.ndarray:
        return _sorted_by(self._keys)

    @cached_property
    def ordered(self) -> np.ndarray:
        """Report ordinals, in the requested order."""
        return self._candidates[self._order]

    @cached_property
    def scores(self) -> np.ndarray:
        """The relevance of each of `ordered`."""
        return self._scores[self._order]

    def shown_as(self, ordinals: list[int]) -> Matches:
        """These matches alone (some of `ordered`), in the order given (a
        feed shows the newest first), with their scores."""
        position = {int(o): i for i, o in enumerate(self.ordered.tolist())}
        scores = np.array([self.scores[position[o]] for o in ordinals], dtype=np.float64)
        keys = (np.arange(len(ordinals)),)
        picked = Matches(
            self.parsed, np.array(ordinals, dtype=np.int64), scores, keys, self.total, {}, self.section_kind
        )
        picked.facets = self.facets
        return picked

    def window(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """ordered[start:stop] and their scores."""
        whole = "_order" in self.__dict__  # already ordered
        chosen = self._order[start:stop] if whole else _first(self._keys, stop)[start:stop]
        return self._candidates[chosen], self._scores[chosen]


def _sorted_by(keys: tuple[np.ndarray, ...]) -> np.ndarray:
    """The stable order of lexsort keys (the last is the first key)."""
    return np.argsort(keys[0], kind="stable") if len(keys) == 1 else np.lexsort(keys)


# A page orders only the matches whose first key is at most its last one's,
# unless they are more than this many times the page's end (ties, small sets).
_FIRST_SHARE = 8


def _first(keys: tuple[np.ndarray, ...], count: int) -> np.ndarray:
    """_sorted_by(keys)[:count]: the matches whose first key is at most the
    count-th smallest, in their stable order (they are taken in index order,
    so ties keep the order a full sort gives them)."""
    first = keys[-1]
    if count <= 0:
        return np.zeros(0, dtype=np.int64)
    if count * _FIRST_SHARE >= len(first):
        return _sorted_by(keys)[:count]
    bound = np.partition(first, count - 1)[count - 1]
    subset = np.flatnonzero(first <= bound)
    if len(subset) > count * _FIRST_SHARE:
        return _sorted_by(keys)[:count]
    return subset[_sorted_by(tuple(key[subset] for key in keys))][:count]


def find(
    index: OpenIndex, request: SearchRequest, limits: QueryLimits | None = None, with_facets: bool = True
) -> Matches:
    """Every report matching request, ordered, with totals and facets.
    Exact under CONTRACT.md's rule. An empty q (listing reports, not an API
    search) matches every report. Raises BadQuery."""
    parsed = parse_query(request.q, limits) if request.q else ParsedQuery((), ())
    filters = filter_masks(index, request)
    everything = filters.all_but("", index.report_count)
    positive_ok, report_ok = _matching_reports(index, parsed, everything)
    kind_code = SECTION_KINDS.index(request.section) if request.section else None
    # Sections are placed only where they are read: in the reports that
    # satisfy every clause (a section of a report that mentions an excluded
    # term elsewhere may still satisfy the query on its own). Under a
    # section filter a report matches by its sections, whatever the other
    # filters; without one, sections are read for the section facet and
    # the total only, which count reports passing every filter: unit_ok is
    # exact there and False elsewhere.
    scope = np.flatnonzero(positive_ok if kind_code is not None else positive_ok & everything)
    # Every term's sections and counts are read within that scope (the
    # candidates below are among them): each term found there once.
    views = {t.norm: index.hits(t.norm).within(scope) for t in (*parsed.positive_terms, *parsed.excluded)}
    unit_ok = _satisfying_units(index, parsed, scope, views)
    if kind_code is not None:
        unit_scope = unit_ok & index.kept(("sections of kind", kind_code), lambda: index.units.kind == kind_code)
        matched = np.zeros(index.report_count, dtype=bool)
        matched[index.units.report[unit_scope]] = True
    else:
        unit_scope = unit_ok
        matched = report_ok
    final = matched & everything

    facets: dict[str, FacetValues] = {}
    if with_facets:
        facets = facet_values(index, FacetContext(request, matched, unit_ok, filters, kind_code is None))

    candidates = np.flatnonzero(final)
    scores = _scores(index, parsed, candidates, views)
    if request.sort == "relevance":
        keys: tuple[np.ndarray, ...] = (-scores,)
    else:
        sign = 1 if request.sort == "year" else -1
        keys = (-scores, sign * index.reports.year[candidates])
    total = SearchTotal(
        reports=int(np.count_nonzero(final)),
        sections=_sections_in(index, unit_scope, final, filters, kind_code, parsed),
    )
    return Matches(parsed, candidates, scores, keys, total, facets, kind_code)


def _sections_in(
    index: OpenIndex, units: np.ndarray, final: np.ndarray, filters: Filters, kind_code: int | None, parsed: ParsedQuery
) -> int:
    """How many of the sections `units` (a mask) lie in the `final` reports."""
    if kind_code is None and not parsed.excluded:
        # The final reports are the scope, outside which none is satisfied.
        return int(np.count_nonzero(units))
    if kind_code is not None:
        # Their reports match by them: the final ones are those passing the filters.
        return int(np.count_nonzero(units & units_passing(index, filters)))
    chosen = np.flatnonzero(units)
    return int(np.count_nonzero(final[index.units.report[chosen]]))


def hits_for(index: OpenIndex, matches: Matches, start: int, stop: int, snippet_limit: int = 3) -> list[ReportHit]:
    """The result entries of matches.ordered[start:stop]."""
    shown, shown_scores = matches.window(start, stop)
    page = np.unique(shown).astype(np.int64)
    # Each term's counts and sections for the whole page at once.
    mentions: dict[int, dict[str, int]] = {int(o): {} for o in page.tolist()}
    shown_units: list[np.ndarray] = []
    for term in matches.parsed.positive_terms:
        hits = index.hits(term.norm)
        for o, count in zip(page.tolist(), hits.counts_among(page).tolist(), strict=True):
            mentions[o][term.shown] = count
        shown_units.append(hits.units_among(page))
    units = np.unique(np.concatenate(shown_units)) if shown_units else np.zeros(0, dtype=np.int64)
    if matches.section_kind is not None:
        units = units[index.units.kind[units] == matches.section_kind]
    # Sections shown under a result, per report: those where a searched
    # term occurs (of the chosen kind when filtering by section).
    positions: dict[int, list[int]] = {int(o): [] for o in page.tolist()}
    first = index.units.first_of_report
    for unit, report in zip(units.tolist(), index.units.report[units].tolist(), strict=True):
        positions[report].append(unit - int(first[report]))
    return [
        _hit(index, matches.parsed, int(o), float(s), mentions[int(o)], positions[int(o)], snippet_limit)
        for o, s in zip(shown, shown_scores, strict=True)
    ]


def _hit(
    index: OpenIndex,
    parsed: ParsedQuery,
    ordinal: int,
    score: float,
    mentions: dict[str, int],
    shown_positions: list[int],
    snippet_limit: int,
) -> ReportHit:
    """One result entry: mentions as counted, snippets of the sections at
    shown_positions (in order)."""
    norm_terms = [t.norm for t in parsed.positive_terms]
    sections = []
    for position in shown_positions:
        searchable = index.searchable_text(ordinal, position)
        prefix = index.searchable_prefix_length(ordinal, position)
        shown = located_snippets(searchable, norm_terms, snippet_limit)
        if shown:
            text = searchable[prefix:]
            kind, heading = index.section_head(ordinal, position)
            # Paragraphs are numbered across the report (citing.paragraphs).
            first = index.paragraphs_before(ordinal, position) + 1
            sections.append(
                SectionHit(
                    kind=kind,
                    heading=heading,
                    snippets=[html for html, _ in shown],
                    position=position,
                    paragraphs=_paragraphs_of(text, paragraph_count(text), [at - prefix for _, at in shown], first),
                )
            )
    return ReportHit(
        **index.fields_of(ordinal).field_values(),
        score=round(score, 4),
        mentions=mentions,
        sections=sections,
    )


def _paragraphs_of(text: str, count: int, offsets: list[int], first: int) -> list[str | None]:
    """The paragraph id of each offset into a section's text (negative:
    inside its heading, None), which holds `count` paragraphs, the first
    numbered `first`. Only the lines up to the last offset's are split
    (line_spans), as the offsets are those of snippets, mostly early on."""
    inside = [offset for offset in offsets if offset >= 0]
    if not inside or count == 0:
        return [None] * len(offsets)
    cut = text.find("\n", max(inside))
    spans = line_spans(text if cut < 0 else text[:cut])
    ids: list[str | None] = []
    for offset in offsets:
        if offset < 0:
            ids.append(None)
            continue
        # index_at over every span: the spans after these end after the
        # cut, so only an offset past these spans' last end (trailing
        # whitespace) belongs to the next paragraph, if there is one.
        i = index_at(spans, offset) if spans else None
        if i is None or offset >= spans[-1][1]:
            i = min(len(spans), count - 1)
        ids.append(paragraph_id(first + i))
    return ids
