"""The Atom 1.0 feed of a search: the matching reports, newest first by the
time each entered the index.

A feed reader notices news by entry ids and `updated` times, so both are
pure functions of what does not change when the same files are indexed
again: an entry's id comes from its report_id, its `updated` is when the
report first entered the index (kept across rebuilds by the change log's
first_seen map), and the feed's own `updated` is its newest entry's. The
same entries therefore give the same bytes, which lets the caller derive
ETag and Last-Modified from them.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from feedgen.feed import FeedGenerator

from search_service.citing.citation import report_link
from search_service.model import ReportHit

# Ids are name-based UUIDs (RFC 4122 version 5) in this namespace: valid
# Atom ids (IRIs) that need no domain name, so they survive a move of the
# service to another host.
ID_NAMESPACE = uuid.UUID("5b0f6a5e-2f4c-5d8e-9c1a-7d3e4f2a1b60")
FEED_AUTHOR = "法治政府建设年度报告检索"
FEED_LANGUAGE = "zh-CN"
GENERATOR = "search-service"

# What XML 1.0 cannot carry (control characters, lone surrogates, U+FFFE/F):
# a report's text may hold them, lxml refuses them.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedEntry:
    """One report in a feed. `snippet` is HTML as the API gives snippets:
    escaped text in which only <mark> and </mark> are markup."""

    report_id: str
    title: str
    unit: str | None
    year: int | None
    entered: datetime
    link: str
    snippet: str | None = None


def entry_id(report_id: str) -> str:
    """The Atom id of a report's entry, the same in every feed."""
    return uuid.uuid5(ID_NAMESPACE, "report:" + report_id).urn


def feed_id(canonical_query: str) -> str:
    """The Atom id of the feed of a search, given its parameters in one
    canonical form (e.g. sorted `urlencode` of the request without page,
    per_page and sort), so the same search always has the same feed."""
    return uuid.uuid5(ID_NAMESPACE, "search:" + canonical_query).urn


def entry_from_hit(hit: ReportHit, entered: datetime, base_url: str) -> FeedEntry:
    """A search result as a feed entry: its label, unit, year, first
    snippet, and the link to its page on this service."""
    snippet = next((s for section in hit.sections for s in section.snippets), None)
    return FeedEntry(
        report_id=hit.report_id,
        title=hit.label,
        unit=hit.unit,
        year=hit.year,
        entered=entered,
        link=report_link(base_url, hit.report_id),
        snippet=snippet,
    )


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _utc(moment: datetime) -> datetime:
    """Naive times are taken as UTC; all are given in UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _summary(entry: FeedEntry) -> str:
    about = " · ".join(part for part in (entry.unit, f"{entry.year}年" if entry.year else None) if part)
    parts = [f"<p>{html.escape(about)}</p>" if about else ""]
    if entry.snippet:
        # Feed readers' sanitizers drop <mark> (feedparser's does), and with
        # it the marking: <strong> survives them.
        marked = entry.snippet.replace("<mark>", "<strong>").replace("</mark>", "</strong>")
        parts.append(f"<p>{marked}</p>")
    return _xml("".join(parts))


def newest_first(entries: Iterable[FeedEntry]) -> list[FeedEntry]:
    """Entries by the time they entered the index, newest first; ties by
    report_id, so the order is the same on every call."""
    by_id = sorted(entries, key=lambda e: e.report_id)
    return sorted(by_id, key=lambda e: _utc(e.entered), reverse=True)


def atom_feed(
    entries: Iterable[FeedEntry],
    feed_id: str,
    title: str,
    self_url: str,
    updated: datetime,
    *,
    alternate_url: str | None = None,
) -> bytes:
    """The Atom 1.0 document (UTF-8) of the entries, newest first.

    The feed's `updated` is its newest entry's time, so that it moves only
    when an entry is added or changed; `updated` is used for a feed without
    entries (e.g. the time the index was built). `alternate_url` is the
    search's HTML page."""
    ordered = newest_first(entries)
    fg = FeedGenerator()
    fg.id(feed_id)
    fg.title(_xml(title))
    fg.author({"name": FEED_AUTHOR})
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    if alternate_url:
        fg.link(href=alternate_url, rel="alternate", type="text/html")
    fg.language(FEED_LANGUAGE)
    fg.generator(GENERATOR)
    fg.updated(_utc(ordered[0].entered) if ordered else _utc(updated))
    for entry in ordered:
        fe = fg.add_entry(order="append")
        fe.id(entry_id(entry.report_id))
        fe.title(_xml(entry.title))
        if entry.unit:
            fe.author({"name": _xml(entry.unit)})
        fe.updated(_utc(entry.entered))
        fe.link(href=entry.link, rel="alternate", type="text/html")
        if entry.year:
            fe.category(term=str(entry.year), label=f"{entry.year}年")
        summary = _summary(entry)
        if summary:
            fe.summary(summary, type="html")
    return fg.atom_str(pretty=True)
