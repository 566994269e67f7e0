"""HTML views. They load parameters with params/ (as the API does) and
search with search.run_search, so the page never computes a search (nor
its suggestions when nothing matches) differently; the rest is layout
(results.py), the chart (trend_chart.py) and the marked report
(report_view.py). Failures become pages that say what to do next, in
Chinese, for browsers; a tool that asks for anything (curl's */*) gets the
contract's JSON error envelope instead (responses.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, Response, render_template, request, send_file
from marshmallow import ValidationError

from search_service.analysis.follow_through import adjacent_reports
from search_service.errors import BadQuery, ReportNotFound, SearchServiceError
from search_service.model import LEVEL_LABELS, SECTION_LABELS, SearchRequest, SearchResult
from search_service.search import OpenIndex, parse_query, run_search
from search_service.search.trend import trend
from search_service.service import current_index, query_limits, search_args_schema, settings
from search_service.web import links
from search_service.web.report_view import citation_href, report_view
from search_service.web.responses import error_page, failure, page_headers
from search_service.web.results import (
    facet_views,
    page_count,
    page_links,
    shown_hits,
    sort_links,
)
from search_service.web.trend_chart import TrendChart, trend_chart

web = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")
web.after_request(page_headers)

EXAMPLES = [
    ("法律顾问", {"q": "法律顾问"}),
    ("八五普法", {"q": "八五普法"}),
    ("枫桥经验 OR 三调联动", {"q": "枫桥经验 OR 三调联动"}),
    ("执法力量不足（只看“存在的问题”）", {"q": "执法力量不足", "section": "problems"}),
    ("行政复议 -行政诉讼", {"q": "行政复议 -行政诉讼"}),
]


def _chart(index: OpenIndex, search_request: SearchRequest, pairs: links.Pairs) -> TrendChart | None:
    """Matching reports per year over every year (the year filters are left
    out, as in the year facet, so the chart shows where a choice stands)."""
    wide = replace(search_request, year=(), year_from=None, year_to=None, page=1)
    points = trend(index, wide, "year", query_limits())
    chosen = set(search_request.year)
    if search_request.year_from is not None or search_request.year_to is not None:
        low = search_request.year_from or 0
        high = search_request.year_to or 9999
        chosen |= {int(p.value) for p in points if low <= int(p.value) <= high}
    hrefs = {int(p.value): links.toggle(pairs, "year", str(p.value)) for p in points}
    return trend_chart(points, chosen, hrefs)


@web.get("/")
def search_page() -> Response | tuple[str, int]:
    pairs = links.search_pairs(request.args)
    q = links.first(pairs, "q")
    context: dict = {
        "pairs": pairs,
        "q": q,
        "year_from": links.first(pairs, "year_from"),
        "year_to": links.first(pairs, "year_to"),
        "hidden": [(k, v) for k, v in pairs if k not in ("q", "page", "year_from", "year_to")],
        "chosen": links.chosen_filters(pairs),
        "clear_filters": links.href([(k, v) for k, v in pairs if k in ("q", "sort", "per_page")]),
        "result": None,
        "field_errors": [],
        "error": None,
        "labels": SECTION_LABELS,
    }
    try:
        index = current_index()
        context["years"] = index.all_years
    except SearchServiceError as exc:
        return error_page("search.html", context, pairs, exc)
    if not q:
        context["stats"] = index.meta
        context["examples"] = [(text, links.href(params.items())) for text, params in EXAMPLES]
        return render_template("search.html", **context), 200
    try:
        search_request = search_args_schema().load_args(links.as_multidict(pairs))
        if not links.first(pairs, "facet_size"):
            # The page lists facet values itself (8 shown, more behind 更多).
            search_request = replace(search_request, facet_size=0)
        result = run_search(index, search_request, query_limits())
    except (ValidationError, SearchServiceError) as exc:
        return error_page("search.html", context, pairs, exc)
    last = page_count(result.total.reports, search_request.per_page, settings().max_page)
    start = (search_request.page - 1) * search_request.per_page
    context.update(
        result=result,
        hits=shown_hits(result, pairs),
        facets=facet_views(result),
        sorts=sort_links(pairs, search_request.sort),
        pages=page_links(pairs, search_request.page, last) if last > 1 else [],
        page=search_request.page,
        last=last,
        first_shown=start + 1,
        last_shown=start + len(result.results),
        prev_href=links.with_changes(pairs, page=str(search_request.page - 1)) if search_request.page > 1 else "",
        next_href=links.with_changes(pairs, page=str(search_request.page + 1)) if search_request.page < last else "",
        first_page=links.with_changes(pairs, page=None),
        chart=None,
        help=None,
        other_documents=_other_documents(result, pairs),
    )
    if result.total.reports:
        context["chart"] = _chart(index, search_request, pairs)
    else:
        context["help"] = result.suggestions
        context["suggest_href"] = lambda new_q: links.with_changes(pairs, q=new_q)
        context["unfiltered_href"] = links.href([("q", q)])
    return render_template("search.html", **context), 200


def _other_documents(result: SearchResult, pairs: links.Pairs) -> tuple[int, str, str] | None:
    """When annual reports are searched, how many other documents (工作要点,
    news…) match too, with links to them alone and to everything."""
    if result.request.doc_type != "annual_report":
        return None
    count = next((fv.count for fv in result.facets.get("doc_type", []) if fv.value == "other"), 0)
    if not count:
        return None
    return count, links.with_changes(pairs, doc_type="other"), links.with_changes(pairs, doc_type="all")


def _not_found(report_id: str, pairs: links.Pairs) -> Response | tuple[str, int]:
    back = links.href(pairs) if pairs else "/"
    page = render_template("not_found.html", report_id=report_id, back=back, q=links.first(pairs, "q")), 404
    return failure(page, "not_found", f"no report with id {report_id!r}")


def _unavailable(exc: SearchServiceError) -> Response | tuple[str, int]:
    return failure((render_template("unavailable.html", message=exc.message), exc.http_status), exc.code, exc.message)


@web.get("/reports/<string:report_id>")
def report_page(report_id: str) -> Response | tuple[str, int]:
    pairs = links.search_pairs(request.args)
    try:
        index = current_index()
        report = index.report(index.ordinal(report_id))
    except ReportNotFound:
        return _not_found(report_id, pairs)
    except SearchServiceError as exc:
        return _unavailable(exc)
    q = links.first(pairs, "q")
    terms: list[str] = []
    query_problem = ""
    if q:
        try:
            terms = [t.norm for t in parse_query(q, query_limits()).positive_terms]
        except BadQuery as exc:
            query_problem = exc.fields.get("q", exc.message)
    view = report_view(report, terms)
    cite = citation_href(report_id)
    return (
        render_template(
            "report.html",
            report=report,
            view=view,
            q=q,
            query_problem=query_problem,
            back=links.href(pairs) if q else "/",
            hidden=[(k, v) for k, v in pairs if k != "q"],
            source_href=f"/reports/{report_id}/source" if _source_path(report.source) else "",
            level_label=LEVEL_LABELS.get(report.level or "", ""),
            # Only a web address is a link: a stored value is never trusted to be one.
            original_url=report.url if (report.url or "").startswith(("http://", "https://")) else "",
            cite_href=cite,
            cite_formats=[("BibTeX", f"{cite}?format=bibtex"), ("RIS", f"{cite}?format=ris")],
            adjacent=_adjacent_links(index, report_id),
        ),
        200,
    )


def _adjacent_links(index: OpenIndex, report_id: str) -> list[tuple[str, str, str]]:
    """(what, label, href) of the same unit's report of the year before (at
    its plans) and of the year after (at its measures), those that exist."""
    found = adjacent_reports(index, report_id)
    out = []
    for other, kind, what in (
        (found.previous, "plans", "上一年度报告的下一步安排"),
        (found.following, "measures", "下一年度报告的举措和成效"),
    ):
        if other is None:
            continue
        ordinal = index.ordinal(other)
        kinds = [index.section_head(ordinal, p)[0] for p in range(len(index.units_of(ordinal)))]
        anchor = f"#s{kinds.index(kind)}" if kind in kinds else ""
        out.append((what, index.fields_of(ordinal).label, f"/reports/{quote(other, safe='')}{anchor}"))
    return out


@web.get("/reports/<path:report_id>")
def report_path_not_found(report_id: str) -> Response | tuple[str, int]:
    """Report ids hold no "/": a link whose id was mangled into a path (an
    id pasted with a slash, %2F) still gets the page saying what to do."""
    return _not_found(report_id, links.search_pairs(request.args))


def _source_path(source: str) -> Path | None:
    """The report's file under the source folder, if it is still there (and
    really under it: a stored path is never trusted to stay inside)."""
    root = settings().source_dir.resolve()
    path = (root / source).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@web.get("/reports/<string:report_id>/source")
def report_source(report_id: str) -> Response | tuple[str, int]:
    """The file a report was read from, as a download: an HTML file from
    elsewhere must never run as a page of ours."""
    try:
        index = current_index()
        fields = index.fields_of(index.ordinal(report_id))
    except ReportNotFound:
        return _not_found(report_id, [])
    except SearchServiceError as exc:
        return _unavailable(exc)
    path = _source_path(fields.source)
    if path is None:
        return _not_found(report_id, [])
    response = send_file(path, as_attachment=True, download_name=path.name, max_age=0)
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
