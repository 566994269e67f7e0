"""Did they do what they promised: year N's plans beside year N+1's measures.

A report's 下一年度主要安排 names what the unit means to do; the next
report's 主要举措和成效 says what it did. Reading them side by side, with the
content words both share and those promised but not reported, is how
researchers check follow-through by hand.

Words are the project's jieba words (`text.words`, the tokenizer that built
the Whoosh word index) of the sections' text, counted per occurrence. The
headings are left out: they name the part (下一年度主要安排, 2025年工作计划)
and are not something promised.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from search_service.analysis.coverage import UNIT_QUALIFIERS
from search_service.errors import BadQuery, ReportNotFound
from search_service.model import SearchRequest, Section
from search_service.search import OpenIndex, find
from search_service.segments.content_words import is_content_word
from search_service.text import words


class FollowThroughUnavailable(ReportNotFound):
    """The unit has no report for year N or for year N+1 (`missing_years`)."""

    def __init__(self, unit: str, year: int, missing_years: tuple[int, ...]) -> None:
        shown = "、".join(str(y) for y in missing_years)
        super().__init__(
            f"{unit} has no annual report for {shown}: follow-through needs the reports of {year} and {year + 1}",
            {"year": shown},
        )
        self.unit = unit
        self.year = year
        self.missing_years = missing_years


class AmbiguousUnit(BadQuery):
    """Several units of that name (城关镇 in different counties): narrow it by
    county, city or province."""

    def __init__(self, unit: str, places: list[str]) -> None:
        super().__init__(
            f"{unit} names {len(places)} units ({'; '.join(places)}): choose one with county, city or province",
            {"unit": unit},
        )
        self.places = places


@dataclass(frozen=True)
class Term:
    """A content word with its occurrences in the plans and in the measures."""

    term: str
    plans: int
    measures: int


@dataclass(frozen=True)
class ReportSide:
    """One of the two reports and the sections of the kind compared."""

    report_id: str
    title: str | None
    year: int
    published: str | None
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class FollowThrough:
    unit: str
    level: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int  # N: the plans are of year N, the measures of year N+1
    plans: ReportSide
    measures: ReportSide
    shared: tuple[Term, ...]  # in both
    missing: tuple[Term, ...]  # in the plans, not in the measures


@dataclass(frozen=True)
class AdjacentReports:
    """For a report page: the same unit's reports of the year before and
    after (None when there is none), for links to last year's plans and next
    year's measures."""

    previous: str | None
    following: str | None


def content_word_counts(texts: Iterable[str]) -> Counter[str]:
    """Occurrences of each content word in texts."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(w for w, _, _ in words(text) if is_content_word(w))
    return counts


def compare_terms(plans: Counter[str], measures: Counter[str]) -> tuple[tuple[Term, ...], tuple[Term, ...]]:
    """(shared, missing): the plans' words found in the measures and those
    not, each by plans count (most first), then by the word."""
    terms = sorted((Term(w, n, measures.get(w, 0)) for w, n in plans.items()), key=lambda t: (-t.plans, t.term))
    return tuple(t for t in terms if t.measures), tuple(t for t in terms if not t.measures)


def _compatible(rec: dict, wanted: dict) -> bool:
    """The same unit: no place (or level) on which both say something and differ."""
    return all(rec.get(k) is None or wanted.get(k) is None or rec.get(k) == wanted.get(k) for k in UNIT_QUALIFIERS)


def _pick(records: list[dict], kind: str) -> dict:
    """Of several reports of one unit and year, the one with most text in the
    compared kind (most sections of it), then the lowest id: a stable choice."""
    return min(records, key=lambda rec: (-_kind_size(rec, kind), rec["report_id"]))


def _kind_size(rec: dict, kind: str) -> int:
    return sum(1 for s in rec["sections"] if s["kind"] == kind)


def _side(index: OpenIndex, ordinal: int, kind: str) -> ReportSide:
    report = index.report(ordinal)
    return ReportSide(
        report_id=report.report_id,
        title=report.title,
        year=int(report.year or 0),
        published=report.published,
        sections=tuple(s for s in report.sections if s.kind == kind),
    )


def follow_through(
    index: OpenIndex,
    unit: str,
    year: int,
    county: str | None = None,
    city: str | None = None,
    province: str | None = None,
) -> FollowThrough:
    """Year N's plans of `unit` beside its year N+1 measures, with the terms
    they share and the terms promised but missing. Annual reports only.

    Raises FollowThroughUnavailable when either report is missing, and
    AmbiguousUnit when the name (with the given places) fits several units.
    """
    request = SearchRequest(
        q="",
        unit=(unit,),
        year=(year, year + 1),
        county=(county,) if county else (),
        city=(city,) if city else (),
        province=(province,) if province else (),
    )
    found = find(index, request, with_facets=False).ordered.tolist()
    records = {ordinal: index.records[ordinal] for ordinal in sorted(found)}
    this_year = [o for o, rec in records.items() if rec.get("year") == year]
    next_year = [o for o, rec in records.items() if rec.get("year") == year + 1]
    if not this_year or not next_year:
        missing = tuple(y for y, got in ((year, this_year), (year + 1, next_year)) if not got)
        raise FollowThroughUnavailable(unit, year, missing)

    places = {tuple(records[o].get(k) for k in UNIT_QUALIFIERS) for o in this_year}
    if len(places) > 1:
        raise AmbiguousUnit(unit, sorted("/".join(p or "?" for p in place) for place in places))
    wanted = {k: records[this_year[0]].get(k) for k in UNIT_QUALIFIERS}
    next_year = [o for o in next_year if _compatible(records[o], wanted)]
    if not next_year:
        raise FollowThroughUnavailable(unit, year, (year + 1,))

    by_id = {records[o]["report_id"]: o for o in records}
    plans_ordinal = by_id[_pick([records[o] for o in this_year], "plans")["report_id"]]
    measures_ordinal = by_id[_pick([records[o] for o in next_year], "measures")["report_id"]]
    plans = _side(index, plans_ordinal, "plans")
    measures = _side(index, measures_ordinal, "measures")
    shared, missing_terms = compare_terms(
        content_word_counts(s.text for s in plans.sections),
        content_word_counts(s.text for s in measures.sections),
    )
    return FollowThrough(
        unit=unit,
        **wanted,
        year=year,
        plans=plans,
        measures=measures,
        shared=shared,
        missing=missing_terms,
    )


def adjacent_reports(index: OpenIndex, report_id: str) -> AdjacentReports:
    """The ids of the same unit's annual reports of the year before and the
    year after report_id's (raises ReportNotFound for an unknown id)."""
    rec = index.records[index.ordinal(report_id)]
    unit, year = rec.get("unit"), rec.get("year")
    if not unit or not year:
        return AdjacentReports(None, None)
    request = SearchRequest(q="", unit=(unit,), year=(year - 1, year + 1))
    neighbours: dict[int, list[dict]] = {}
    for ordinal in find(index, request, with_facets=False).ordered.tolist():
        other = index.records[ordinal]
        if _compatible(other, rec):
            neighbours.setdefault(other["year"], []).append(other)
    previous = _pick(neighbours[year - 1], "plans")["report_id"] if year - 1 in neighbours else None
    following = _pick(neighbours[year + 1], "measures")["report_id"] if year + 1 in neighbours else None
    return AdjacentReports(previous, following)
