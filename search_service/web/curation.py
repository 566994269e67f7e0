"""The curation page (issue 22) at /curation: the documents whose
classification, year, unit or place the rules decided on weak evidence,
with the reasons, links to their text, and the manifest.csv line that
settles each at the next `index update`. It loads its parameters with
params/curation.py and lists with analysis/curation.py, as the API does, so
it never says what GET /api/v1/curation would not."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, render_template, request
from marshmallow import ValidationError

from search_service.analysis.curation import CurationItem, curation_list, manifest_header, manifest_line
from search_service.bodies.curation import report_href
from search_service.errors import SearchServiceError
from search_service.model import DOC_TYPE_CHOICES, DOC_TYPE_LABELS, DOUBT_FIELD_LABELS, DOUBT_FIELDS, FILTERS_BY_NAME
from search_service.params.curation import CurationArgsSchema, curation_args_schema
from search_service.params.errors import invalid_parameters
from search_service.service import current_index, settings
from search_service.web import links
from search_service.web.responses import error_page, failure, limit_hints, page_headers

curation_web = Blueprint("curation_web", __name__, template_folder="templates")
curation_web.after_request(page_headers)

# The page's parameters, as CurationArgsSchema reads them.
CURATION_PARAMS: tuple[str, ...] = tuple(f.data_key or name for name, f in CurationArgsSchema().fields.items())
PAGE_SIZE = "50"  # the page lists more than the API's default of 20
DOC_TYPE_CHOICE_LABELS = FILTERS_BY_NAME["doc_type"].values

PARAM_LABELS = {"field": "存疑字段", "doc_type": "文件类型", "page": "页码", "per_page": "每页条数"}
PARAM_HINTS = {
    "field": "可选的存疑字段：" + "、".join(f"{name}（{DOUBT_FIELD_LABELS[name]}）" for name in DOUBT_FIELDS) + "。",
    "doc_type": "可选的文件类型："
    + "、".join(f"{value}（{DOC_TYPE_CHOICE_LABELS[value]}）" for value in DOC_TYPE_CHOICES)
    + "，默认 all。",
}


@dataclass(frozen=True)
class DoubtLine:
    field: str
    label: str
    value: str  # what the rules decided, as shown ("未定" for nothing)
    reason: str


@dataclass(frozen=True)
class ItemView:
    report_id: str
    label: str
    href: str  # the report's text on this service
    source: str
    doc_type: str
    doc_type_label: str
    doc_type_reason: str
    doubts: list[DoubtLine]
    manifest_row: str


@dataclass(frozen=True)
class Choice:
    label: str
    count: int | None
    href: str
    chosen: bool


def _shown(field: str, value: object) -> str:
    if value is None or value == "":
        return "未定"
    if field == "doc_type":
        return DOC_TYPE_LABELS.get(str(value), str(value))
    if field == "level":
        return FILTERS_BY_NAME["level"].values.get(str(value), str(value))
    return str(value)


def _item_view(item: CurationItem, columns: list[str]) -> ItemView:
    return ItemView(
        report_id=item.report_id,
        label=item.label,
        href=report_href(item.report_id),
        source=item.source,
        doc_type=item.doc_type,
        doc_type_label=DOC_TYPE_LABELS.get(item.doc_type, item.doc_type),
        doc_type_reason=item.doc_type_reason,
        doubts=[
            DoubtLine(d.field, DOUBT_FIELD_LABELS.get(d.field, d.field), _shown(d.field, d.value), d.reason)
            for d in item.doubts
        ],
        manifest_row=manifest_line(item.source, columns),
    )


def _with(pairs: links.Pairs, **changes: str | None) -> str:
    """The page with single-valued parameters changed (None removes one),
    back to its first page unless `page` is among the changes."""
    kept = [(k, v) for k, v in pairs if k not in changes and k != "page"]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return links.href(kept, "/curation")


def _field_errors(messages: dict[str, str], pairs: links.Pairs) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "label": PARAM_LABELS.get(name, name),
            "given": "、".join(v for k, v in pairs if k == name),
            "message": message,
            "hint": {**PARAM_HINTS, **limit_hints(settings())}.get(name, ""),
        }
        for name, message in messages.items()
    ]


@curation_web.get("/curation")
def curation_page() -> Response | tuple[str, int]:
    pairs = [(k, v.strip()) for k, v in request.args.items(multi=True) if k in CURATION_PARAMS and v.strip()]
    context: dict = {
        "found": None,
        "field_errors": [],
        "error": None,
        "json_href": links.href(pairs, "/api/v1/curation"),
    }
    args = pairs if links.first(pairs, "per_page") else [*pairs, ("per_page", PAGE_SIZE)]
    try:
        found = curation_list(current_index(), curation_args_schema(settings()).load_args(links.as_multidict(args)))
    except ValidationError as exc:
        message, fields = invalid_parameters(exc)
        context["field_errors"] = _field_errors(fields, pairs)
        return failure((render_template("curation.html", **context), 400), "bad_request", message, fields)
    except SearchServiceError as exc:
        return error_page("curation.html", context, pairs, exc)
    chosen = found.request
    columns = found.manifest_columns
    last = max(1, -(-found.total // chosen.per_page))
    context.update(
        found=found,
        items=[_item_view(item, columns) for item in found.items],
        header=manifest_header(columns),
        fields=[Choice("全部", found.documents, _with(pairs, field=None), chosen.field is None)]
        + [
            Choice(DOUBT_FIELD_LABELS[name], count, _with(pairs, field=name), chosen.field == name)
            for name, count in found.by_field.items()
            if count or chosen.field == name
        ],
        doc_types=[
            Choice(DOC_TYPE_CHOICE_LABELS[value], None, _with(pairs, doc_type=value), chosen.doc_type == value)
            for value in DOC_TYPE_CHOICES
        ],
        field_label=DOUBT_FIELD_LABELS.get(chosen.field or "", ""),
        first_shown=(chosen.page - 1) * chosen.per_page + 1,
        last_shown=(chosen.page - 1) * chosen.per_page + len(found.items),
        prev_href=_with(pairs, page=str(chosen.page - 1) if chosen.page > 2 else None) if chosen.page > 1 else "",
        next_href=_with(pairs, page=str(chosen.page + 1)) if chosen.page < last else "",
        page=chosen.page,
        last=last,
    )
    return render_template("curation.html", **context), 200
