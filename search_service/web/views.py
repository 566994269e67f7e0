"""HTML views. They call the same schema and run_search as the JSON API, so
the page never computes a search differently; errors become friendly pages."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template, request
from markupsafe import Markup
from marshmallow import ValidationError

from search_service.api.errors import flatten_messages
from search_service.api.views import query_limits, search_args_schema
from search_service.errors import BadQuery, SearchServiceError
from search_service.model import SECTION_LABELS
from search_service.search import parse_query, run_search
from search_service.search.snippets import mark_all
from search_service.service import current_index

web = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static")

FACET_LABELS = {
    "year": "年份",
    "province": "省份",
    "city": "城市",
    "county": "区县",
    "town": "乡镇街道",
    "section": "章节",
}


def url_with(args: list[tuple[str, str]], **changes: str | None) -> str:
    """The current search URL with parameters changed (None removes one)."""
    kept = [(k, v) for k, v in args if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is not None:
            kept.append((key, value))
    return "/?" + urlencode(kept)


def toggle(args: list[tuple[str, str]], key: str, value: str) -> str:
    """URL that adds key=value, or removes it when already chosen."""
    pair = (key, value)
    kept = [(k, v) for k, v in args if k != "page"]
    kept = [p for p in kept if p != pair] if pair in kept else [*kept, pair]
    return "/?" + urlencode(kept)


@web.get("/")
def search_page() -> Response | str:
    args = [(k, v) for k, v in request.args.items(multi=True) if v != ""]
    context: dict = {
        "args": args,
        "q": request.args.get("q", ""),
        "labels": SECTION_LABELS,
        "facet_labels": FACET_LABELS,
        "url_with": url_with,
        "toggle": toggle,
        "result": None,
        "errors": {},
        "error": None,
    }
    if not request.args.get("q", "").strip():
        try:
            context["stats"] = current_index().meta
        except SearchServiceError as exc:
            context["error"] = exc.message
        return render_template("search.html", **context)
    try:
        search_request = search_args_schema().load_args(request.args)
        context["result"] = run_search(current_index(), search_request, query_limits())
        context["chosen"] = set(args)
    except ValidationError as exc:
        context["errors"] = {k: flatten_messages(v) for k, v in exc.normalized_messages().items()}
    except BadQuery as exc:
        context["errors"] = exc.fields or {"q": exc.message}
    except SearchServiceError as exc:
        context["error"] = exc.message
    status = 400 if context["errors"] else (503 if context["error"] else 200)
    return render_template("search.html", **context), status  # type: ignore[return-value]


@web.get("/reports/<string:report_id>")
def report_page(report_id: str) -> Response | str:
    index = current_index()
    report = index.report(index.ordinal(report_id))
    q = request.args.get("q", "").strip()
    terms: list[str] = []
    if q:
        try:
            terms = [t.norm for t in parse_query(q, query_limits()).positive_terms]
        except BadQuery:
            terms = []
    sections = []
    for number, section in enumerate(report.sections):
        sections.append(
            {
                "number": number,
                "kind": section.kind,
                "label": SECTION_LABELS[section.kind],
                "heading": section.heading,
                "html": Markup(mark_all(section.text, terms, display=section.original)),
            }
        )
    return render_template("report.html", report=report, sections=sections, q=q, labels=SECTION_LABELS)
