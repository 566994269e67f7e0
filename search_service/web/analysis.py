"""Pages of the analyses (issue 14): the coverage grid at /coverage, a unit's
plans beside its next year's measures at /follow-through, and the
significant words under the search page's facets. They load parameters with
params/analysis.py and compute with the analysis package, as the API does,
so a page never says what the API would not."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from flask import Blueprint, Response, render_template, request
from marshmallow import ValidationError

from search_service.analysis import (
    REQUIRED_PARTS,
    Coverage,
    CoverageCell,
    CoverageRow,
    FollowThrough,
    Term,
    UnitKey,
    coverage,
    follow_through,
    significant_terms,
)
from search_service.analysis.coverage import (
    COVERAGE_ORDERS,
    UNIT_PLACES,
    UNIT_QUALIFIERS,
    main_report,
    ordered,
    reported_years,
)
from search_service.errors import SearchServiceError
from search_service.model import LEVEL_LABELS, LEVELS, SECTION_LABELS, SearchResult
from search_service.params.analysis import CoverageArgsSchema, FollowThroughArgsSchema, analysis_args_schema
from search_service.search import parse_query
from search_service.service import current_index, query_limits, settings
from search_service.web import links
from search_service.web.responses import error_page, page_headers

log = logging.getLogger(__name__)

analysis_web = Blueprint("analysis_web", __name__, template_folder="templates")
analysis_web.after_request(page_headers)

# The coverage page's parameters, as CoverageArgsSchema reads them.
COVERAGE_PARAMS: tuple[str, ...] = tuple(f.data_key or name for name, f in CoverageArgsSchema().fields.items())
# What the form has a box for (the unit's level and places, not its name);
# the other parameters ride along hidden.
FORM_PARAMS: tuple[str, ...] = ("q", "year_from", "year_to", *UNIT_QUALIFIERS, "order")
MAX_ROWS = 500  # rows shown on the page; the CSV has them all

STATUS_LABELS = {"on_time": "按时", "late": "逾期", "unknown": "日期不明", "missing": "未见报告"}
ORDER_LABELS = {"place": "按地区", "unit": "按单位名称", "reports": "报告最多", "-reports": "报告最少"}
# Short names of the required parts for the note inside a cell; the title
# attribute gives the full ones (SECTION_LABELS).
PART_SHORT = {"measures": "举措", "problems": "问题", "leadership": "履职", "plans": "安排"}
TERMS_SHOWN = 10


@dataclass(frozen=True)
class CellView:
    year: int
    status: str
    label: str
    title: str  # the hover text: report, date, timing, missing parts
    note: str  # the missing parts, short, shown in the cell
    href: str  # the main report's page ("" for a gap)
    more: int  # further reports of the same unit and year
    follow_href: str = ""  # this year's plans beside next year's measures, when both reports exist


@dataclass(frozen=True)
class RowView:
    unit: str
    place: str
    level: str
    reports: int
    cells: list[CellView]


def _cell_view(unit: str, cell: CoverageCell) -> CellView:
    label = STATUS_LABELS[cell.status]
    main = main_report(cell)
    if main is None:
        return CellView(cell.year, "missing", label, f"{unit} {cell.year} 年度：未见报告", "", "", 0)
    missing = main.missing_parts
    parts = "缺少：" + "、".join(SECTION_LABELS[p] for p in missing) if missing else "必备部分齐全"
    published = f"发布 {main.published}" if main.published else "发布日期不明"
    title = f"{unit} {cell.year} 年度：{label}（{published}，期限 {cell.year + 1}-04-01）；{parts}"
    if len(cell.reports) > 1:
        title += f"；共 {len(cell.reports)} 份报告"
    note = "缺" + "、".join(PART_SHORT[p] for p in missing) if missing else ""
    return CellView(cell.year, cell.status, label, title, note, f"/reports/{main.report_id}", len(cell.reports) - 1)


def _cells(row: CoverageRow) -> list[CellView]:
    """The row's cells; a year with a report followed by a year with one
    links to the follow-through of the two (the grid's years are consecutive)."""
    u = row.unit
    places = [(k, getattr(u, k)) for k in UNIT_PLACES if getattr(u, k)]
    out = []
    for cell, following in zip(row.cells, (*row.cells[1:], None), strict=True):
        view = _cell_view(u.unit, cell)
        if cell.reports and following is not None and following.reports:
            query = [("unit", u.unit), ("year", str(cell.year)), *places]
            view = replace(view, follow_href=links.href(query, "/follow-through"))
        out.append(view)
    return out


def place_line(unit: UnitKey | FollowThrough) -> str:
    """Where a unit is, widest place first (广东省 湛江市 廉江市), without the
    unit itself and each place once (a 直辖市 is city and province)."""
    places = (getattr(unit, k) for k in reversed(UNIT_PLACES))
    return " ".join(dict.fromkeys(p for p in places if p and p != unit.unit))


def _rows(grid: Coverage) -> list[RowView]:
    out = []
    for row in grid.rows[:MAX_ROWS]:
        u = row.unit
        out.append(
            RowView(u.unit, place_line(u), LEVEL_LABELS.get(u.level or "", ""), reported_years(row), _cells(row))
        )
    return out


def coverage_pairs() -> links.Pairs:
    return [(k, v.strip()) for k, v in request.args.items(multi=True) if k in COVERAGE_PARAMS and v.strip()]


@analysis_web.get("/coverage")
def coverage_page() -> Response | tuple[str, int]:
    pairs = coverage_pairs()
    order = links.first(pairs, "order", "place")
    context: dict = {
        "pairs": pairs,
        "form": {name: links.first(pairs, name) for name in FORM_PARAMS},
        "hidden": [(k, v) for k, v in pairs if k not in FORM_PARAMS],
        "levels": [(level, LEVEL_LABELS[level]) for level in LEVELS],
        "orders": [
            (
                ORDER_LABELS[o],
                links.href([*((k, v) for k, v in pairs if k != "order"), ("order", o)], "/coverage"),
                o == order,
            )
            for o in COVERAGE_ORDERS
        ],
        "csv_href": links.href(pairs, "/api/v1/coverage.csv"),
        "statuses": STATUS_LABELS,
        "required": [(p, SECTION_LABELS[p], PART_SHORT[p]) for p in REQUIRED_PARTS],
        "grid": None,
        "field_errors": [],
        "error": None,
    }
    try:
        index = current_index()
        search_request, order = analysis_args_schema(settings(), CoverageArgsSchema).load_args(
            links.as_multidict(pairs)
        )
        grid = ordered(coverage(index, search_request), order)
    except (ValidationError, SearchServiceError) as exc:
        return error_page("coverage.html", context, pairs, exc)
    context.update(grid=grid, rows=_rows(grid), shown=min(len(grid.rows), MAX_ROWS))
    return render_template("coverage.html", **context), 200


# ------------------------------------------------------------ follow-through

# The follow-through page's parameters, as FollowThroughArgsSchema reads them.
FOLLOW_PARAMS: tuple[str, ...] = tuple(f.data_key or name for name, f in FollowThroughArgsSchema().fields.items())


@dataclass(frozen=True)
class WordView:
    term: str
    plans: int
    measures: int
    href: str  # a search of the word within the unit


def _word_views(terms: tuple[Term, ...], unit_pairs: links.Pairs) -> list[WordView]:
    return [WordView(t.term, t.plans, t.measures, links.href([("q", t.term), *unit_pairs])) for t in terms]


@analysis_web.get("/follow-through")
def follow_through_page() -> Response | tuple[str, int]:
    """Without parameters, the form alone; with them, what the API's
    /api/v1/follow-through answers, as two columns and two word lists."""
    pairs = [(k, v.strip()) for k, v in request.args.items(multi=True) if k in FOLLOW_PARAMS and v.strip()]
    context: dict = {
        "form": {name: links.first(pairs, name) for name in FOLLOW_PARAMS},
        "found": None,
        "field_errors": [],
        "error": None,
        "json_href": links.href(pairs, "/api/v1/follow-through"),
        "csv_href": links.href(pairs, "/api/v1/follow-through.csv"),
    }
    if not pairs:
        return render_template("follow_through.html", **context), 200
    try:
        index = current_index()
        found = follow_through(index, **FollowThroughArgsSchema().load_args(links.as_multidict(pairs)))
    except (ValidationError, SearchServiceError) as exc:
        return error_page("follow_through.html", context, pairs, exc)
    unit_pairs = [("unit", found.unit), *((k, v) for k, v in pairs if k in UNIT_PLACES)]
    context.update(
        found=found,
        place=place_line(found),
        level=LEVEL_LABELS.get(found.level or "", ""),
        shared=_word_views(found.shared, unit_pairs),
        missing=_word_views(found.missing, unit_pairs),
        coverage_href=links.href(unit_pairs, "/coverage"),
    )
    return render_template("follow_through.html", **context), 200


# --------------------------------------------------------------------- terms


@dataclass(frozen=True)
class TermLink:
    term: str
    in_set: int
    in_collection: int
    href: str  # the search with the word added to q (AND)


def significant_term_links(result: SearchResult | None, pairs: links.Pairs) -> list[TermLink]:
    """The words most over-represented in a search's result set, each with
    the search narrowed by it; words of the query itself are left out (every
    matching report has them). Empty when they cannot be computed: the list
    is a help, it never stops the search page."""
    if result is None or not result.total.reports:
        return []
    q = result.request.q
    try:
        query_words = [t.norm for t in parse_query(q, query_limits()).positive_terms]
        found = significant_terms(current_index(), result.request, size=TERMS_SHOWN + len(query_words))
    except SearchServiceError as exc:
        log.warning("significant terms for %r: %s", q, exc.message)
        return []
    shown = [t for t in found.terms if not any(t.term in w or w in t.term for w in query_words)]
    return [
        TermLink(t.term, t.in_set, t.in_collection, links.with_changes(pairs, q=f"{q} {t.term}"))
        for t in shown[:TERMS_SHOWN]
    ]


@analysis_web.app_context_processor
def _analysis_helpers() -> dict:
    """search.html calls significant_term_links(result, pairs) under its facets."""
    return {"significant_term_links": significant_term_links}
