"""The engine under test, behind the benchmark's engine interface.

Unlike the baselines it is built from the source files (its build parses
them, in `jobs` processes), because that is the build a user runs; its
reports are the same parsed reports the others index, which the benchmark
checks by comparing report ids.
"""

from __future__ import annotations

from pathlib import Path

from bench.baselines import Answer, ParsedCorpus, folder_size
from bench.queries import BenchQuery
from search_service.indexing import BuildOptions, BuildSummary, build_index, update_index
from search_service.model import FacetValues
from search_service.search import OpenIndex, find, open_index, run_search
from search_service.segments.format import current_commit


def _facet_dict(values: FacetValues) -> dict[str | int, int]:
    """value -> count, as the peers answer (labels and toggles are the
    page's and the API body's, made for the values they show); a chosen
    value no matching report has (listed with count 0, so that it can be
    undone) is left out, as the peers have no such value."""
    return {value: count for value, count in values.pairs() if count}


class OursEngine:
    name = "ours"

    def __init__(self, source_dir: Path, jobs: int = 2) -> None:
        self.source_dir = source_dir
        self.jobs = jobs
        self.index_dir: Path | None = None
        self.index: OpenIndex | None = None
        self.summary: BuildSummary | None = None

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        """Full build from the source files (corpus is only for the interface)."""
        self.index_dir = folder
        self.summary = build_index(self.source_dir, folder, BuildOptions(jobs=self.jobs))
        self.index = open_index(folder)

    def update(self) -> BuildSummary:
        """`index update` over the (changed) source files."""
        assert self.index_dir is not None
        return update_index(self.source_dir, self.index_dir, BuildOptions(jobs=self.jobs))

    def clear_cache(self) -> None:
        """Forget the per-generation term cache, so the next query computes
        every term's positions again (the OS page cache stays warm)."""
        assert self.index is not None
        self.index._hits_cache.clear()

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        assert self.index is not None
        if not full:
            result = run_search(self.index, query.request)
            return Answer(
                report_ids=[hit.report_id for hit in result.results],
                total_reports=result.total.reports,
                total_sections=result.total.sections,
                facets={name: _facet_dict(values) for name, values in result.facets.items()},
            )
        matches = find(self.index, query.request)
        return Answer(
            report_ids=self.index.report_id[matches.ordered].tolist(),
            total_reports=matches.total.reports,
            total_sections=matches.total.sections,
            facets={name: _facet_dict(values) for name, values in matches.facets.items()},
        )

    def find_only(self, query: BenchQuery) -> None:
        """The result set, totals and facets without rendering the page
        (no report loading, mentions or snippets): where the index's own
        work ends."""
        assert self.index is not None
        find(self.index, query.request)

    def size_bytes(self) -> int:
        """The live commit's size: its own folder and its segments'."""
        assert self.index_dir is not None
        generation = current_commit(self.index_dir)
        if generation is None:
            return 0
        from search_service.segments.format import read_commit

        segments = [self.index_dir / s.name for s in read_commit(generation).segments]
        return folder_size(generation) + sum(folder_size(s) for s in segments)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()
            self.index = None
