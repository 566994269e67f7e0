"""How a build or an update runs: the one definition of its options, read
by the build and update (building.py) and the parsing workers (parsing.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    """How a build or an update runs, the one definition both take. None of
    them changes what a search answers: the same files give the same
    reports whatever the jobs, callbacks or segment size (`strict` may only
    refuse to write, `time_budget` may only fail a slow file)."""

    jobs: int | None = None  # parser processes; None: one per CPU, at most 8
    progress: Callable[[int], None] | None = None  # called with how many more files are parsed
    on_start: Callable[[int], None] | None = None  # called once with how many files there are
    strict: bool = False  # any file that cannot be read fails the write, leaving the index unchanged
    time_budget: float | None = None  # seconds one file may take; None: the file_time_budget setting
    segment_reports: int | None = None  # reports a segment holds at most; None: segments.format.DEFAULT_SEGMENT_REPORTS
