"""Both ways of placing a term's occurrences in sections and reports give
what the exact index itself answers."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from search_service.search import open_index
from search_service.text import normalize

exact = importlib.import_module("search_service.search.exact")


@pytest.fixture(scope="module")
def index(sample_index):
    return open_index(sample_index)


def _terms(index) -> list[str]:
    """Every character of the sample reports, and words, line-broken terms
    and title words of several lengths."""
    text = normalize("".join(index.unit_text(u) for u in range(index.unit_count)))
    across_title_end = []  # pieces that end at, or cross, the end of a title
    for ordinal in range(index.report_count):
        preamble = normalize(index.searchable_text(ordinal, 0))
        end = len(normalize(index.records[ordinal]["title"]))
        across_title_end += [preamble[end - k : end + j] for k in (1, 2, 3) for j in (0, 1, 2)]
    return (
        sorted(set(text))
        + across_title_end
        + [
            "法律顾问",
            "综合行政执法办公室",
            "八五普法",
            "法治政府建设",
            "年度",
            "报告",
            "2024",
            text[:30],
            "没有这个词",
        ]
    )


@pytest.mark.parametrize("factor", [0, 10**9])
def test_term_hits_equal_the_exact_index(index, monkeypatch, factor):
    monkeypatch.setattr(exact, "_PER_SECTION_FACTOR", factor)
    (segment,) = index.terms.parts  # the samples make one segment
    for term in _terms(index):
        ours = segment.hits(term)
        theirs = segment.exact.place(term, segment.exact.occurrences(term))  # the plain way
        for name in ("reports", "counts", "units", "title_reports"):
            assert np.array_equal(getattr(ours, name), getattr(theirs, name)), (term, name)
            assert getattr(ours, name).dtype == np.int32


def test_the_term_cache_is_bounded_by_the_bytes_of_its_terms(sample_index):
    """A worker's private memory must not grow with the collection through
    its term cache: past the byte budget the least recently used terms go,
    and the newest stays whatever its size."""
    from search_service.model import SearchRequest
    from search_service.search import find

    index = open_index(sample_index)
    try:
        terms = ["法", "法治", "法律顾问", "行政", "政府", "建设", "年度"]
        sizes = {}
        for term in terms:
            find(index, SearchRequest(q=term))
            sizes[term] = index._hits_cache[normalize(term)].nbytes
        assert index._hits_cache.keys() == [normalize(t) for t in terms]
        assert all(size > 0 for size in sizes.values())

        budget = sizes["年度"] + sizes["建设"]
        index._hits_cache.max_bytes = budget
        index._hits_cache.clear()
        for term in terms:
            find(index, SearchRequest(q=term))
            # The newest term's parts are computed after it is cached: the
            # others fit the budget.
            newest = index._hits_cache[normalize(term)].nbytes
            assert sum(hits.nbytes for hits in index._hits_cache.values()) - newest <= budget
            assert index._hits_cache.keys()[-1] == normalize(term)
        assert normalize("法") not in index._hits_cache

        index._hits_cache.max_bytes = 1
        find(index, SearchRequest(q="法"))
        assert index._hits_cache.keys() == [normalize("法")]
    finally:
        index.close()
