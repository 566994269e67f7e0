"""How a page answers: its security headers, and a failure as a page that
says what to do next, in Chinese, for a browser, or as the contract's JSON
envelope for a tool that asks for anything (curl's */*). The search, report,
coverage, follow-through and curation pages share them."""

from __future__ import annotations

from flask import Response, render_template, request
from marshmallow import ValidationError

from search_service.config import Settings
from search_service.errors import BadQuery, SearchServiceError
from search_service.model import FILTERS, Filter
from search_service.params.errors import invalid_parameters
from search_service.service import error_response, settings
from search_service.web import links

# Only our own files: no inline script, no resource from elsewhere. Inline
# SVG is markup, not a resource, and uses presentation attributes, not style.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _choices_hint(spec: Filter) -> str:
    """What to do about a bad value of a filter with a closed set of values
    (model.FILTERS): each allowed value with how it reads, and the default
    (可选的级别：township（乡镇街道）、county（县区）…). A new closed filter
    gets its hint from its entry."""
    choices = "、".join(f"{value}（{label}）" for value, label in spec.values.items())
    default = f"，默认 {spec.default}" if spec.default is not None else ""
    return f"可选的{spec.label}：{choices}{default}。"


# What to do about a bad parameter, per parameter: written for the query,
# the years (their range and order) and paging; made from the registry for
# every filter with a closed set of values.
PARAM_HINTS = {
    "year": "请填写四位年份，如 2024（1949–2100）。",
    "year_from": "请填写四位年份，如 2020，且不晚于截止年份。",
    "year_to": "请填写四位年份，如 2024，且不早于起始年份。",
    "sort": "可选的排序：relevance（相关度）、year（年份旧→新）、-year（年份新→旧）。",
    "facet_size": "筛选项数须为不小于 0 的整数（0 表示全部）。",
    **{spec.name: _choices_hint(spec) for spec in FILTERS if spec.values},
}


def limit_hints(config: Settings) -> dict[str, str]:
    """The hints that state a request limit, made from the settings the
    app runs with (config.SETTINGS), so a deployment's own limits read right."""
    return {
        "q": '检索词写法：空格分隔的词须同时出现；A OR B 出现其一即可；-词 表示不含；"…" 内为一个词。'
        f"长度 1–{config.max_query_length} 字。",
        "page": "页码须为正整数。",
        "per_page": f"每页条数须为 1–{config.max_per_page} 的整数。",
    }


def page_headers(response: Response) -> Response:
    """A page's security headers (an after_request function of every page's blueprint)."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def field_errors(messages: dict[str, str], pairs: links.Pairs) -> list[dict[str, str]]:
    """Each bad parameter: its Chinese name, the value given, what is wrong,
    what to do, and the search without it."""
    hints = {**PARAM_HINTS, **limit_hints(settings())}
    out = []
    for name, message in messages.items():
        given = [v for k, v in pairs if k == name]
        out.append(
            {
                "name": name,
                "label": links.PARAM_LABELS.get(name, name),
                "given": "、".join(given),
                "message": message,
                "hint": hints.get(name, ""),
                "drop": links.without(pairs, name) if name != "q" else "",
            }
        )
    return out


def wants_html() -> bool:
    """Browsers name text/html; */* or application/json means a tool."""
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def failure(
    page: tuple[str, int], code: str, message: str, fields: dict[str, str] | None = None
) -> Response | tuple[str, int]:
    """The page for a browser, else the contract's JSON envelope with the same status."""
    if wants_html():
        return page
    return error_response(page[1], code, message, fields)


def error_page(
    template: str, context: dict, pairs: links.Pairs, exc: ValidationError | SearchServiceError
) -> Response | tuple[str, int]:
    """A form page (search, coverage) that could not answer: bad parameters
    or a bad query are listed by field under the form (400), any other
    failure is said once, with its status."""
    if isinstance(exc, ValidationError):
        message, fields = invalid_parameters(exc)
        context["field_errors"] = field_errors(fields, pairs)
        return failure((render_template(template, **context), 400), "bad_request", message, fields)
    if isinstance(exc, BadQuery):
        fields = exc.fields or {"q": exc.message}
        context["field_errors"] = field_errors(fields, pairs)
        return failure((render_template(template, **context), 400), exc.code, exc.message, fields)
    context["error"] = exc.message
    page = render_template(template, **context), exc.http_status
    return failure(page, exc.code, exc.message, exc.fields or None)
