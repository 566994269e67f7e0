"""What to offer when a search finds nothing (model.Suggestions): the
closest terms that do occur. run_search adds them to its SearchResult, so
the API, the page and the CLI offer the same.

For a term that no report mentions, candidates come from two places, and
every candidate is counted by the exact index (the contract's rule), so a
suggestion always finds what it says:

* the jieba-word vocabulary of the segments' word indexes
  (OpenIndex.similar_words), within edit distance 1 (terms of up to three
  characters) or 2: a mistyped character (法律顾间 → 法律顾问, 八五普发 →
  八五普法);
* the longest parts of the term that do occur, and its jieba words: a term
  that is longer than anything written (法律顾问团队建设 → 法律顾问).

When every term occurs but not together, or not under the chosen filters,
they say so: each term alone, and the search without its filters.
"""

from __future__ import annotations

from dataclasses import replace

from search_service.model import MissingTerm, SearchRequest, Suggestion, Suggestions
from search_service.search.query import ParsedQuery, QueryLimits, Term
from search_service.search.reader import OpenIndex
from search_service.search.searching import find
from search_service.text import normalize_query_term, words

MAX_SUGGESTIONS = 6
# Parts of a term are tried for terms up to MAX_PART_SEARCH characters, and
# only parts missing at most MAX_DROPPED of them: the number of substrings
# grows with the square of the length, and two-character parts of a long
# term (法律) say little. Existence is checked on the raw position lists,
# which costs a few binary searches and fills no cache.
MAX_PART_SEARCH = 16
MAX_DROPPED = 4


def _reports(index: OpenIndex, norm: str) -> int:
    return len(index.hits(norm).reports) if norm else 0


def _occurs(index: OpenIndex, norm: str) -> bool:
    return len(index.exact.occurrences(norm)) > 0


def _vocabulary_neighbours(index: OpenIndex, norm: str) -> list[str]:
    """Words of the index within a small edit distance of norm (every
    segment's vocabulary; a word only a deleted report had is dropped by
    the caller, which checks that each suggestion occurs)."""
    maxdist = 1 if len(norm) <= 3 else 2
    found = index.similar_words(norm, maxdist, MAX_SUGGESTIONS * 2)
    return [w for w in found if len(w) >= 2 and len(w) >= len(norm) - maxdist]


def _parts(index: OpenIndex, norm: str) -> list[str]:
    """The longest substrings of norm that occur (at least two characters,
    at most MAX_DROPPED fewer than norm), then its jieba words."""
    out: list[str] = []
    if len(norm) <= MAX_PART_SEARCH:
        for length in range(len(norm) - 1, max(1, len(norm) - 1 - MAX_DROPPED), -1):
            found = {norm[i : i + length] for i in range(len(norm) - length + 1)}
            found = {part for part in found if _occurs(index, part)}
            if found:
                out += sorted(found, key=norm.index)
                break
    out += [w for w, _, _ in words(norm) if len(w) >= 2 and w != norm]
    return out


def closest_terms(index: OpenIndex, term: str) -> list[tuple[str, int]]:
    """(term, reports) of the closest terms that occur, best first."""
    norm = normalize_query_term(term)
    seen: dict[str, int] = {}
    for candidate in [*_vocabulary_neighbours(index, norm), *_parts(index, norm)]:
        if candidate in seen or candidate == norm or not _occurs(index, candidate):
            continue
        count = _reports(index, candidate)
        if count:
            seen[candidate] = count
        if len(seen) >= MAX_SUGGESTIONS:
            break
    return list(seen.items())


def _replace_term(q: str, term: Term, replacement: str) -> str:
    if term.shown and term.shown in q:
        return q.replace(term.shown, replacement, 1)
    return replacement


def suggestions_for(
    index: OpenIndex, request: SearchRequest, parsed: ParsedQuery, limits: QueryLimits | None = None
) -> Suggestions:
    """Why request found nothing, in terms a reader can act on."""
    missing = []
    for term in parsed.positive_terms:
        if _reports(index, term.norm):
            continue
        suggestions = [
            Suggestion(found, count, _replace_term(request.q, term, found))
            for found, count in closest_terms(index, term.shown)
        ]
        missing.append(MissingTerm(term.shown, suggestions))
    alone: list[Suggestion] = []
    if not missing and len(parsed.positive_terms) > 1:
        alone = [Suggestion(t.shown, _reports(index, t.norm), t.shown) for t in parsed.positive_terms]
    either = " OR ".join(f'"{t.shown}"' if " " in t.shown else t.shown for t in parsed.positive_terms) if alone else ""
    unfiltered = None
    bare = SearchRequest(q=request.q)
    if not missing and replace(request, page=1, per_page=20, sort="relevance") != bare:
        unfiltered = find(index, bare, limits, with_facets=False).total.reports
    return Suggestions(missing, alone, either, unfiltered)
