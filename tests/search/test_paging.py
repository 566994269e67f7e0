"""A page orders only what comes before its end (Matches.window): it must
be the slice of the whole order, ties included."""

from __future__ import annotations

import numpy as np
import pytest

from search_service.model import SearchRequest
from search_service.search import find, open_index
from search_service.search.searching import _first, _sorted_by


@pytest.mark.parametrize("seed", range(30))
def test_first_of_an_order_is_the_start_of_the_whole_order(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 400))
    # Few distinct values: many ties, which the whole order breaks by index.
    scores = -rng.integers(0, int(rng.integers(1, 60)), n).astype(np.float64) / 7
    years = rng.integers(2019, 2026, n)
    for keys in ((scores,), (scores, years), (scores, -years)):
        whole = _sorted_by(keys)
        for count in (0, 1, 2, 5, 20, 49, n // 3, n, n + 5):
            assert _first(keys, count).tolist() == whole[:count].tolist(), (n, count)


@pytest.fixture(scope="module")
def index(sample_index):
    return open_index(sample_index)


@pytest.mark.parametrize("sort", ["relevance", "year", "-year"])
@pytest.mark.parametrize("q", ["法", "法治", "法律顾问 OR 依法", ""])
def test_a_window_is_the_slice_of_the_whole_order(index, q, sort):
    request = SearchRequest(q=q, sort=sort, doc_type="all")
    for start, stop in ((0, 1), (0, 2), (1, 3), (2, 4), (0, 20)):
        shown, scores = find(index, request).window(start, stop)  # ordered only up to stop
        whole = find(index, request)
        assert shown.tolist() == whole.ordered[start:stop].tolist()
        assert scores.tolist() == whole.scores[start:stop].tolist()
        assert whole.window(start, stop)[0].tolist() == shown.tolist()  # after the whole order
