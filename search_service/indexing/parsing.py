"""Parsing source files into reports, in worker processes.

Workers read, parse, normalise and count each report's jieba words, so the
process that writes the index receives what it writes (see segments/).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from search_service.errors import UnreadableFile
from search_service.indexing.options import BuildOptions
from search_service.ingest import parse_file
from search_service.model import FileProblem, Report, Section
from search_service.segments.writer import Normalised
from search_service.text import normalize
from search_service.words_index import ReportWords, report_words

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """What the worker that parsed a report also computes for the writer:
    its words for the word index and its normalised text."""

    words: ReportWords
    normalised: Normalised


# What parsing one file gives: its source, the report or the problem, and
# (when asked for) what the index writer needs of the report beyond it.
Parsed = tuple[str, Report | None, FileProblem | None, Prepared | None]


# One file to parse: its path, the source folder, its time budget in seconds
# (None: the file_time_budget setting).
Task = tuple[str, str, float | None]


def _parse_one(args: Task) -> tuple[str, Report | None, FileProblem | None]:
    path_s, root_s, budget = args
    path, root = Path(path_s), Path(root_s)
    source = path.relative_to(root).as_posix()
    try:
        report = parse_file(path, root, budget)
    except UnreadableFile as exc:
        return source, None, FileProblem(source, exc.reason, "failed")
    except OSError as exc:
        return source, None, FileProblem(source, f"cannot read: {exc.strerror or exc}", "failed")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the build
        log.exception("parsing %s failed", source)
        return source, None, FileProblem(source, f"parser error: {type(exc).__name__}: {exc}", "failed")
    return source, report, None


def _parse_and_count(args: Task) -> Parsed:
    """Parse one file, count its words and normalise its text: jieba and
    normalisation run here, in the worker processes, not in the process
    that writes the index."""
    source, report, problem = _parse_one(args)
    if report is None:
        return source, None, problem, None
    report = with_preamble(report)
    units = [normalize(raw) for _, raw in report.searchable_units()]
    return source, report, None, Prepared(report_words(report, units), Normalised.from_units(report, units))


def _run_tasks(
    function: Callable[[Task], object], paths: list[Path], root: Path, options: BuildOptions
) -> Iterator[object]:
    jobs = options.jobs or min(os.cpu_count() or 1, 8)
    progress = options.progress
    tasks = [(str(p), str(root), options.time_budget) for p in paths]
    if jobs <= 1 or len(tasks) < 64:
        for task in tasks:
            yield function(task)
            if progress:
                progress(1)
        return
    # forkserver, not fork: forked workers would inherit the writer lock's
    # open file and keep holding it if this process were killed.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(
        ["search_service.ingest.parsing", "search_service.ingest.reading", "search_service.words_index"]
    )
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_end_with, initargs=(_process_identity(os.getpid()),)
    ) as pool:
        for result in pool.map(function, tasks, chunksize=8):
            yield result
            if progress:
                progress(1)


def _process_identity(pid: int) -> tuple[int, str]:
    """A process id with the process's start time (so that a reused id is
    not mistaken for it), or '' where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            start = fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return pid, ""
    return pid, start


def _end_with(parent: tuple[int, str]) -> None:
    """Pool worker initializer: exit when the build's process is gone.

    A worker blocks on its task queue, which it holds both ends of, so it
    never sees the parent die; after a `kill -9` of a build it would wait
    forever, and with it the forkserver (which lives while any worker holds
    its pipe). Polling the parent once a second ends both."""

    def watch() -> None:
        while _process_identity(parent[0]) == parent and _alive(parent[0]):
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parse_sources(
    paths: list[Path],
    root: Path,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    time_budget: float | None = None,
) -> Iterator[tuple[str, Report | None, FileProblem | None]]:
    """Parse files, in worker processes when there are many of them; results
    come in the order of paths."""
    options = BuildOptions(jobs=jobs, progress=progress, time_budget=time_budget)
    yield from _run_tasks(_parse_one, paths, root, options)  # type: ignore[misc]


def parse_with_words(paths: list[Path], root: Path, options: BuildOptions) -> Iterator[Parsed]:
    """As a build parses: each report with what the writer needs of it (Prepared)."""
    yield from _run_tasks(_parse_and_count, paths, root, options)  # type: ignore[misc]


def with_preamble(report: Report) -> Report:
    """Every indexed report starts with a preamble section (maybe empty), so
    that sections and matching units correspond one to one."""
    if report.sections and report.sections[0].kind == "preamble":
        return report
    return replace(report, sections=[Section("preamble", "", ""), *report.sections])
