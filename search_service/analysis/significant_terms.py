"""What is distinctive about a result set: the words over-represented in it
against the whole collection, and the words that rose and fell between two
years.

Counts are of REPORTS containing a word (not occurrences), from the word
index (word_presence.py); only content words count (content_words.py).

The score is JLH, as Elasticsearch's `significant_terms` computes it by
default: with p_set = in_set / set_size and p_coll = in_collection /
collection_size,

    JLH = (p_set - p_coll) * (p_set / p_coll)   when p_set > p_coll, else 0.

The absolute change favours common words, the relative change rare ones;
their product ranks a word that is both frequent in the set and much more
frequent than usual first. As in Elasticsearch, a word must occur in at
least `min_in_set` reports of the set (3 by default, or the set's size when
smaller), so one odd report does not fill the list.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from search_service.analysis.word_presence import WordPresence, word_presence
from search_service.model import SearchRequest
from search_service.search import OpenIndex, find

SCORE_NAME = "jlh"
MIN_IN_SET = 3


@dataclass(frozen=True)
class SignificantTerm:
    term: str
    score: float
    in_set: int  # reports of the set containing the word
    in_collection: int  # reports of the collection containing it


@dataclass(frozen=True)
class TermChange:
    """A word's share of reports in one year against another."""

    term: str
    change: float  # share in year_to minus share in year_from (0.25: 25 points more)
    in_from: int  # reports of year_from (in the set) containing it
    in_to: int


@dataclass(frozen=True)
class YearComparison:
    year_from: int
    year_to: int
    from_size: int  # reports of the set in year_from (the request's year filters ignored)
    to_size: int
    rose: tuple[TermChange, ...]  # most risen first
    fell: tuple[TermChange, ...]  # most fallen first


@dataclass(frozen=True)
class SignificantTerms:
    request: SearchRequest
    score: str  # the scoring's name: "jlh"
    set_size: int  # reports in the result set
    collection_size: int  # reports in the collection (every report of the request's doc_type)
    terms: tuple[SignificantTerm, ...]  # best first
    years: YearComparison | None = None


def jlh(in_set: np.ndarray, set_size: int, in_collection: np.ndarray, collection_size: int) -> np.ndarray:
    """Elasticsearch's JLH score of each word (0 where not over-represented)."""
    if set_size == 0 or collection_size == 0:
        return np.zeros(len(in_set), dtype=np.float64)
    p_set = in_set / set_size
    p_coll = in_collection / collection_size
    with np.errstate(divide="ignore", invalid="ignore"):
        score = (p_set - p_coll) * (p_set / p_coll)
    return np.where((p_set > p_coll) & (in_collection > 0), score, 0.0)


def _ordinals(index: OpenIndex, request: SearchRequest) -> np.ndarray:
    return find(index, request, with_facets=False).ordered


def significant_terms(
    index: OpenIndex,
    request: SearchRequest,
    size: int = 30,
    by_year: tuple[int, int] | None = None,
    min_in_set: int = MIN_IN_SET,
) -> SignificantTerms:
    """The `size` words most over-represented in the reports matching request
    (an empty q: the reports under its filters) against every report of the
    request's doc_type. With by_year=(y1, y2), also the words whose share of
    the set's reports rose and fell most from y1 to y2. Raises BadQuery for
    a query that does not parse."""
    presence = word_presence(index)
    members = _ordinals(index, request)
    background = SearchRequest(q="", doc_type=request.doc_type)
    in_collection, collection_size = presence.collection_counts(
        f"doc_type={request.doc_type}", lambda: _ordinals(index, background)
    )
    in_set = presence.counts(members)
    set_size = len(members)
    score = jlh(in_set, set_size, in_collection, collection_size)
    eligible = np.flatnonzero((score > 0) & (in_set >= min(min_in_set, max(set_size, 1))))
    top = _best(eligible, score, in_set, presence, size)
    terms = tuple(
        SignificantTerm(presence.vocabulary[w], round(float(score[w]), 6), int(in_set[w]), int(in_collection[w]))
        for w in top
    )
    years = _compare_years(index, presence, request, by_year, size, min_in_set) if by_year else None
    return SignificantTerms(request, SCORE_NAME, set_size, collection_size, terms, years)


def _best(candidates: np.ndarray, key: np.ndarray, in_set: np.ndarray, presence: WordPresence, size: int) -> list[int]:
    """The `size` candidates of highest key, ties by in_set (more first), then
    by the word. Only the best few are sorted in Python."""
    if size and len(candidates) > size:
        # Keep every candidate tied with the size-th best, so ties sort fully.
        cut = np.partition(key[candidates], len(candidates) - size)[len(candidates) - size]
        candidates = candidates[key[candidates] >= cut]
    ordered = sorted(candidates.tolist(), key=lambda w: (-key[w], -in_set[w], presence.vocabulary[w]))
    return ordered[:size] if size else ordered


def _compare_years(
    index: OpenIndex,
    presence: WordPresence,
    request: SearchRequest,
    by_year: tuple[int, int],
    size: int,
    min_in_set: int,
) -> YearComparison:
    """Share of the set's reports containing each word in y1 and in y2 (the
    request's own year filters replaced by each year). A rising word must be
    in `min_in_set` reports of y2, a falling one in as many of y1."""
    y1, y2 = by_year
    sets = [_ordinals(index, replace(request, year=(y,), year_from=None, year_to=None)) for y in (y1, y2)]
    (from_counts, to_counts) = (presence.counts(s) for s in sets)
    from_size, to_size = len(sets[0]), len(sets[1])
    share_from = from_counts / from_size if from_size else np.zeros(len(from_counts))
    share_to = to_counts / to_size if to_size else np.zeros(len(to_counts))
    change = share_to - share_from
    rose = _best(
        np.flatnonzero((change > 0) & (to_counts >= min(min_in_set, max(to_size, 1)))),
        change,
        to_counts,
        presence,
        size,
    )
    fell = _best(
        np.flatnonzero((change < 0) & (from_counts >= min(min_in_set, max(from_size, 1)))),
        -change,
        from_counts,
        presence,
        size,
    )

    def entry(w: int) -> TermChange:
        return TermChange(presence.vocabulary[w], round(float(change[w]), 6), int(from_counts[w]), int(to_counts[w]))

    return YearComparison(y1, y2, from_size, to_size, tuple(map(entry, rose)), tuple(map(entry, fell)))
