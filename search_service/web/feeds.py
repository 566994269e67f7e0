"""GET /feeds/search.atom?<search parameters>: the Atom feed of a search,
the matching reports newest first by the time each entered the index.

The search is the API's (the same parameters, the same `find`); the feed is
made by citing.feed. Its bytes depend only on the matching reports and
their first_seen times, so its ETag (a hash of the bytes) and Last-Modified
(its newest entry) move only when a build adds or changes a matching
report, not at every rebuild of the same files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlencode

import numpy as np
from flask import Blueprint, Response, request

from search_service.citing.feed import atom_feed, entry_from_hit, feed_id
from search_service.model import SearchRequest
from search_service.params import FeedArgsSchema
from search_service.search import OpenIndex, find, hits_for
from search_service.service import current_index, query_limits, search_args_schema
from search_service.web import links

feeds = Blueprint("feeds", __name__)

# Entries per feed: the newest matching reports. A reader polls often, so
# it sees every new one long before fifty more arrive.
FEED_SIZE = 50
FEED_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
SITE_NAME = "法治政府建设年度报告检索"


def feed_request() -> SearchRequest:
    """The search a feed follows, read from the request: with q, the API's
    search; without, the listing of every report under the filters."""
    return search_args_schema(FeedArgsSchema).load_args(request.args)


def canonical_query(search_request: SearchRequest) -> str:
    """The search's parameters in one order, without those that do not
    change which reports match (sort, paging, facet size): the feed's id."""
    return urlencode(sorted(_matching_pairs(search_request)))


def _matching_pairs(search_request: SearchRequest) -> links.Pairs:
    return search_request.query_pairs(sort="relevance", per_page=20, facet_size=0)


def newest(index: OpenIndex, ordinals: np.ndarray, size: int) -> list[int]:
    """The `size` newest of the report ordinals by first_seen, ties by
    report_id (as the feed orders them)."""
    times = index.first_seen_times[ordinals]
    if len(ordinals) > size:
        threshold = np.partition(times, len(times) - size)[len(times) - size]
        ordinals = ordinals[times >= threshold]
    chosen = sorted(ordinals.tolist(), key=lambda o: (-index.first_seen_times[o], str(index.report_id[o])))
    return chosen[:size]


def _title(search_request: SearchRequest, pairs: links.Pairs) -> str:
    filters = "、".join(f"{links.PARAM_LABELS.get(k, k)}：{v}" for k, v in pairs if k in links.FILTER_PARAMS)
    what = f"检索“{search_request.q}”" if search_request.q else "全部报告"
    return f"{what}{'（' + filters + '）' if filters else ''} — {SITE_NAME}"


@feeds.get("/feeds/search.atom")
def search_feed() -> Response:
    search_request = feed_request()
    pairs = _matching_pairs(search_request)
    index = current_index()
    matches = find(index, search_request, query_limits(), with_facets=False)
    chosen = newest(index, matches.ordered, FEED_SIZE)
    picked = matches.shown_as(chosen)
    root = request.url_root.rstrip("/")
    entries = [
        entry_from_hit(hit, index.first_seen(o), root)
        for o, hit in zip(chosen, hits_for(index, picked, 0, len(chosen), snippet_limit=1), strict=True)
    ]
    # An empty feed dates from the oldest report: a time a rebuild of the
    # same files does not move.
    times = index.first_seen_times
    quiet = dt.datetime.fromtimestamp(float(times.min()) if len(times) else 0.0, dt.timezone.utc)
    body = atom_feed(
        entries,
        feed_id(canonical_query(search_request)),
        _title(search_request, pairs),
        request.url,
        quiet,
        alternate_url=root + links.href(pairs) if search_request.q else root + "/",
    )
    response = Response(body, content_type=FEED_MEDIA_TYPE)
    response.set_etag(hashlib.sha1(body).hexdigest()[:32])
    response.last_modified = max((e.entered for e in entries), default=quiet)
    response.cache_control.no_cache = True
    return response.make_conditional(request)
