"""Answering a query from a segment's stored parts (segments/stored.py
writes and reads them: the parts of its frequent terms, computed at build
time). A stored term's TermHits reads every part whole, its sections also
as a mask; what the stored parts do not answer (the estimate, answers for a
few reports) comes from the positional hits.
"""

from __future__ import annotations

import numpy as np

from search_service.search.terms import ScopedSource, TermHits, TermSource
from search_service.segments.stored import StoredTerms


def stored_hits(terms: StoredTerms, term: str, positional: TermHits) -> TermHits | None:
    """A stored term's TermHits, each part read when asked; positional:
    the segment's hits of the term from positions (for what the stored
    parts do not answer: the estimate, narrowed answers). None for a
    term that is not stored."""
    row = terms.row(term)
    if row is None or positional.source is None:
        return None
    return TermHits(source=_StoredTerm(terms, row, positional.source))


class _StoredTerm:
    """A TermHits source reading one stored term of a segment (terms.py's
    TermSource): every part is read whole, the sections also as a mask."""

    def __init__(self, terms: StoredTerms, row: int, positional: TermSource) -> None:
        self._terms = terms
        self._row = row
        self._positional = positional
        self.report_count = positional.report_count
        self.first_of_report = positional.first_of_report

    def compute(self, name: str) -> dict[str, np.ndarray]:
        return self._terms.part(self._row, name)

    def unit_mask(self) -> np.ndarray | None:
        return self._terms.unit_mask(self._row)

    def stored(self, name: str) -> bool:
        return True

    def estimate(self) -> int:
        return self._positional.estimate()

    def nbytes(self) -> int:
        return 0

    def expect_whole(self, counted: bool) -> None:
        pass  # every part is read whole anyway

    def within(self, reports: np.ndarray) -> ScopedSource:
        return self._positional.within(reports)
