"""run_search: the one search the API, the page and the CLI answer with, a
model.SearchResult: one page of hits, the totals and facets of the whole
result set, and, when nothing matches, what to search instead."""

from __future__ import annotations

from search_service.model import SearchRequest, SearchResult
from search_service.search.query import QueryLimits
from search_service.search.reader import OpenIndex
from search_service.search.searching import find, hits_for
from search_service.search.suggestions import suggestions_for


def run_search(
    index: OpenIndex, request: SearchRequest, limits: QueryLimits | None = None, with_suggestions: bool = True
) -> SearchResult:
    """One page of results with totals and facets, and the suggestions when
    no report matches (unless with_suggestions is False): what the API
    answers."""
    matches = find(index, request, limits)
    start = (request.page - 1) * request.per_page
    results = hits_for(index, matches, start, start + request.per_page)
    suggestions = None
    if with_suggestions and request.q and not matches.total.reports:
        suggestions = suggestions_for(index, request, matches.parsed, limits)
    return SearchResult(
        request=request, total=matches.total, results=results, facets=matches.facets, suggestions=suggestions
    )
