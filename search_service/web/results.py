"""A result page laid out for people: each report with two or three snippets
(from as many different sections as possible), facets trimmed to what a
reader can scan, and the page links.

Everything here reads a SearchResult that search.run_search computed; the
page never searches differently from the API.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup

from search_service.model import PAGE_FACETS, SECTION_LABELS, FacetValue, ReportHit, SearchResult
from search_service.web.links import PARAM_LABELS, Pairs, report_href, with_changes

SNIPPETS_PER_REPORT = 3
FACET_SHOWN = 8  # values shown at once; the rest behind 更多
FACET_MAX = 60  # values listed at all (the town facet can have thousands)

# The facets in the order a reader scans them (model.FILTERS; labels: links.PARAM_LABELS).
FACET_ORDER = PAGE_FACETS

SORT_LABELS = {"relevance": "相关度", "-year": "年份（新→旧）", "year": "年份（旧→新）"}


@dataclass(frozen=True)
class ShownSnippet:
    label: str  # the section kind, in Chinese
    heading: str
    html: Markup  # escaped by the engine; only <mark> is markup
    href: str  # the section in the report page


@dataclass(frozen=True)
class ShownHit:
    hit: ReportHit
    href: str
    place: str
    snippets: list[ShownSnippet]
    more_sections: int  # matching sections whose snippets are not shown


@dataclass(frozen=True)
class FacetView:
    """One facet as the page lists it: the values the search computed
    (label, count, chosen, toggle), in a reader's order."""

    name: str
    label: str
    items: list[FacetValue]  # shown at once
    more: list[FacetValue]  # behind 更多
    left_out: int  # values not listed at all


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap (…)
    href: str
    current: bool


def place_of(hit: ReportHit) -> str:
    """省 市 县 镇, each once (直辖市 are their own province)."""
    parts: list[str] = []
    for value in (hit.province, hit.city, hit.county, hit.town):
        if value and value not in parts:
            parts.append(value)
    return " ".join(parts)


def _pick_snippets(hit: ReportHit, report_link: str) -> list[ShownSnippet]:
    """Up to SNIPPETS_PER_REPORT snippets: the first of each section, then
    the seconds, and so on, so that a reader sees where a term is used."""
    shown: list[ShownSnippet] = []
    depth = 0
    while len(shown) < SNIPPETS_PER_REPORT and any(len(s.snippets) > depth for s in hit.sections):
        for section in hit.sections:
            if depth < len(section.snippets) and len(shown) < SNIPPETS_PER_REPORT:
                # The snippet's paragraph, else (a match in the heading) its section.
                paragraph = section.paragraphs[depth] if depth < len(section.paragraphs) else None
                anchor = f"#s{section.position}" if section.position is not None else ""
                anchor = f"#{paragraph}" if paragraph else anchor
                shown.append(
                    ShownSnippet(
                        label=SECTION_LABELS.get(section.kind, section.kind),
                        heading=section.heading,
                        html=Markup(section.snippets[depth]),
                        href=report_link + anchor,
                    )
                )
        depth += 1
    return shown


def shown_hits(result: SearchResult, pairs: Pairs) -> list[ShownHit]:
    out = []
    for hit in result.results:
        link = report_href(hit.report_id, pairs)
        snippets = _pick_snippets(hit, link)
        # Every section of a hit has a snippet, and the first round takes one
        # from each: the sections left out are those past the third.
        more = max(0, len(hit.sections) - SNIPPETS_PER_REPORT)
        out.append(ShownHit(hit, link, place_of(hit), snippets, more))
    return out


def facet_views(result: SearchResult) -> list[FacetView]:
    views = []
    for name in FACET_ORDER:
        # The chosen values no report matches are among them (count 0), so
        # a choice can be undone here.
        items = list(result.facets.get(name, []))
        if not items:
            continue
        first = items[:FACET_SHOWN] + [i for i in items[FACET_SHOWN:] if i.selected]
        rest = [i for i in items[FACET_SHOWN:FACET_MAX] if not i.selected]
        left_out = max(0, len(items) - FACET_MAX)
        views.append(FacetView(name, PARAM_LABELS[name], first, rest, left_out))
    return views


def page_count(total: int, per_page: int, max_page: int) -> int:
    return min(max_page, max(1, math.ceil(total / per_page)))


def page_links(pairs: Pairs, current: int, last: int) -> list[PageLink]:
    """1 … 4 5 [6] 7 8 … 20"""
    wanted = {1, last, *range(current - 2, current + 3)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    links: list[PageLink] = []
    previous = 0
    for n in numbers:
        if n - previous > 1:
            links.append(PageLink(None, "", False))
        links.append(PageLink(n, with_changes(pairs, page=str(n)), n == current))
        previous = n
    return links


def sort_links(pairs: Pairs, current: str) -> list[tuple[str, str, bool]]:
    """(label, href, is_current) per order; relevance is the default, so its
    link drops the parameter."""
    return [
        (label, with_changes(pairs, sort=None if order == "relevance" else order), order == current)
        for order, label in SORT_LABELS.items()
    ]
