"""Search: query language, exact membership, facets, ranking, snippets.

This package only re-exports; each piece lives in the module named for it:

    reader.py     OpenIndex, IndexHandle, open_index: one commit point opened for reading
    query.py      the query language (parse_query, QueryLimits)
    exact.py      where a term occurs: a segment's ExactIndex, a commit point's CommitTerms
    intersecting.py  the intersection cost model (which pairs, search or merge)
    placing.py    placing positions in reports, sections and titles
    terms.py      TermHits and its sources over segments, and their thread pool
    stored.py     a term's hits read from a segment's stored parts
    filters.py    the request's filters as masks over reports
    facets.py     one class per facet, each answering counts(index, context)
    searching.py  find, hits_for: a request's matches, ranked, and one page of hits
    suggestions.py  what to search instead when nothing matches
    results.py    run_search: the one search the API, the page and the CLI answer with
    snippets.py   the marked excerpts shown under a result
    trend.py      matching and all reports per year or place
"""

from __future__ import annotations

from search_service.search.query import QueryLimits, parse_query
from search_service.search.reader import IndexHandle, OpenIndex, open_index
from search_service.search.results import run_search
from search_service.search.searching import Matches, find, hits_for, match_sets

__all__ = [
    "IndexHandle",
    "Matches",
    "OpenIndex",
    "QueryLimits",
    "find",
    "hits_for",
    "match_sets",
    "open_index",
    "parse_query",
    "run_search",
]
