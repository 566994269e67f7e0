"""The engines the benchmark compares, behind one small interface.

Every engine is built from the same parsed reports (`ParsedCorpus`) and
answers the same `BenchQuery` list with an `Answer`: the matching report ids,
the totals and every facet, as the API answers it. `scan` is the reference;
`ours` wraps the engine under test; `whoosh_jieba`, `sqlite_fts5`,
`tantivy_grams` and `groonga` are what a user would pick instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from bench.queries import BenchQuery
from search_service.model import PLACE_FIELDS, Report

FACET_NAMES: tuple[str, ...] = ("year", *PLACE_FIELDS, "section")


@dataclass
class Answer:
    """An engine's answer to one query. `report_ids` is the whole result set
    when the engine was asked for it (`full=True`), else only the first page.
    Facets map each facet name to {value: count} (order is not compared)."""

    report_ids: list[str]
    total_reports: int
    total_sections: int
    facets: dict[str, dict[str | int, int]] = field(default_factory=dict)
    # Per report of the first page: snippets cut from the engine's stored text
    # (not compared: every engine cuts them the same way, see cut_snippets).
    snippets: list[list[str]] = field(default_factory=list)


@dataclass
class ParsedCorpus:
    """The parsed reports every engine is built from, in a fixed order.

    `units` are (report ordinal, kind, raw text) of every report's
    `searchable_units()`; a report's text is the concatenation of its units."""

    reports: list[Report]
    units: list[tuple[int, str, str]]
    text_bytes: int  # UTF-8 size of all units' raw text: the "MB" of MB/s

    @classmethod
    def from_reports(cls, reports: list[Report]) -> ParsedCorpus:
        units: list[tuple[int, str, str]] = []
        size = 0
        for ordinal, report in enumerate(reports):
            for kind, raw in report.searchable_units():
                units.append((ordinal, kind, raw))
                size += len(raw.encode("utf-8"))
        return cls(reports, units, size)


class Engine(Protocol):
    """What the benchmark needs of an engine."""

    name: str

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        """Index the corpus, writing whatever it keeps on disk under folder."""

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        """Answer one query as the API does (totals, every facet, a page of
        results); with full=True, `report_ids` holds the whole result set."""

    def size_bytes(self) -> int:
        """Bytes the index takes on disk (0 for an in-memory engine)."""

    def close(self) -> None:
        """Release files and connections."""


def folder_size(path: Path) -> int:
    """Total size of the regular files under path."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def cut_snippets(text: str, terms: Sequence[str], limit: int = 3, width: int = 60) -> list[str]:
    """Up to `limit` windows of about `width` characters around the first
    occurrences of any of terms in a normalised text, each occurrence marked
    with brackets: what the peers return as a hit's snippets, cut in Python
    from the text the engine stored (the same for every peer)."""
    found: list[tuple[int, int]] = []
    for term in terms:
        start = text.find(term)
        while start >= 0 and len(found) < 4 * limit:
            found.append((start, start + len(term)))
            start = text.find(term, start + len(term))
    found.sort()
    out: list[str] = []
    last_end = -1
    for start, end in found:
        if start < last_end:
            continue
        left = max(0, start - width // 2)
        right = min(len(text), end + width // 2)
        out.append(text[left:start] + "[" + text[start:end] + "]" + text[end:right])
        last_end = right
        if len(out) == limit:
            break
    return out
