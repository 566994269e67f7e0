"""The page's state lives in the URL: these build the links that change it.

A search is the list of its query-string pairs, in the order they came. Every
link (a facet, its undo, a sort order, a page, a suggestion) is that list with
one change, so back, forward and shared links all work without JavaScript.
Changing anything but the page sends the reader back to page 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from marshmallow import fields
from werkzeug.datastructures import MultiDict

from search_service.model import FILTERS, value_label
from search_service.params import SearchArgsSchema

# Parameters of the search, as SearchArgsSchema defines them; anything else
# is dropped from the links the page builds.
SEARCH_PARAMS: tuple[str, ...] = tuple(SearchArgsSchema._declared_fields)
SINGLE_VALUED: tuple[str, ...] = tuple(
    name for name, field in SearchArgsSchema._declared_fields.items() if not isinstance(field, fields.List)
)
# What the chips above the results show (and undo): the filters.
FILTER_PARAMS: tuple[str, ...] = tuple(f.name for f in FILTERS)

# How the page names each parameter (the filters' labels are in model.FILTERS).
PARAM_LABELS = {
    "q": "检索词",
    **{f.name: f.label for f in FILTERS},
    "facet_size": "筛选项数",
    "sort": "排序",
    "page": "页码",
    "per_page": "每页条数",
}

Pairs = list[tuple[str, str]]


def search_pairs(args: MultiDict[str, str]) -> Pairs:
    """The search parameters of a request, empty values dropped (a GET form
    sends year_from= when the box is left empty)."""
    return [(k, v.strip()) for k, v in args.items(multi=True) if k in SEARCH_PARAMS and v.strip()]


def as_multidict(pairs: Pairs) -> MultiDict[str, str]:
    return MultiDict(pairs)


def href(pairs: Iterable[tuple[str, str]], path: str = "/") -> str:
    query = urlencode(list(pairs))
    return f"{path}?{query}" if query else path


def with_changes(pairs: Pairs, **changes: str | None) -> str:
    """The search with single-valued parameters set (None removes one).
    Back to page 1 unless `page` is among the changes."""
    kept = [(k, v) for k, v in pairs if k not in changes and k != "page"]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return href(kept)


def without(pairs: Pairs, key: str, value: str | None = None) -> str:
    """The search without key=value (or without every value of key)."""
    return href((k, v) for k, v in pairs if k != "page" and not (k == key and (value is None or v == value)))


def toggle(pairs: Pairs, key: str, value: str) -> str:
    """Choose key=value, or undo the choice when it is already made. A
    single-valued parameter (section) is replaced rather than repeated."""
    if (key, value) in pairs:
        return without(pairs, key, value)
    if key in SINGLE_VALUED:
        return with_changes(pairs, **{key: value})
    return href([*((k, v) for k, v in pairs if k != "page"), (key, value)])


@dataclass(frozen=True)
class Chosen:
    """One filter in force, shown with a link that undoes it."""

    key: str
    label: str
    value: str
    undo: str


def chosen_filters(pairs: Pairs) -> list[Chosen]:
    out = []
    for key, value in pairs:
        if key not in FILTER_PARAMS:
            continue
        shown = value_label(key, value)
        if key == "year_from":
            shown = f"{value} 年起"
        elif key == "year_to":
            shown = f"至 {value} 年"
        out.append(Chosen(key, PARAM_LABELS[key], shown, without(pairs, key, value)))
    return out


def report_href(report_id: str, pairs: Pairs) -> str:
    """A report's page, carrying the search so its terms are marked and the
    way back leads to the same result page."""
    return href(pairs, f"/reports/{report_id}")


def first(pairs: Pairs, key: str, default: str = "") -> str:
    """The first value of key (single-valued parameters)."""
    return next((v for k, v in pairs if k == key), default)
