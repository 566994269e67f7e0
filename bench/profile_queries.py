"""Per-query latency of our engine on a built index, as the benchmark times it.

    python -m bench.profile_queries [--work bench/results/work-n20000-s0/ours]
        [--generation first|current] [--repeat 7] [--only NAME ...] [--profile NAME]

For each query of the benchmark's mix (bench-<n>.json's "mix"), the median of
`repeat` runs of `run_search` (find, facets and the first page of hits with
snippets) and of `find` alone, the term cache cleared before each run as
`bench.run` clears it (OursEngine.clear_cache). The cyclic garbage collector
is off while timing: its full passes over the per-report record dicts are a
separate matter (they land on whichever query happens to trigger them).

`--generation first` (the default) opens the oldest commit point of the work
folder, which is the one-segment index `bench.run` times; `current` opens
the live one (after the benchmark's update: two segments, deletions).
`--profile NAME` prints cProfile's top functions for one query instead;
`--cpu` times the process's CPU time rather than the wall clock (the machine
is shared: what other processes take then counts less).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import statistics
import time
from pathlib import Path

from search_service.model import SearchRequest
from search_service.search import find, open_index, run_search
from search_service.search.reader import OpenIndex
from search_service.segments import toc

DEFAULT_WORK = Path("bench/results/work-n20000-s0/ours")
DEFAULT_MIX = Path("bench/results/bench-20000.json")


def load_mix(path: Path) -> list[tuple[str, SearchRequest]]:
    """(name, request) of every query of a benchmark summary's mix."""
    mix = json.loads(path.read_text(encoding="utf-8"))["mix"]
    return [
        (q["name"], SearchRequest(**{k: tuple(v) if isinstance(v, list) else v for k, v in q["request"].items()}))
        for q in mix
    ]


def open_work_index(work: Path, generation: str) -> OpenIndex:
    if generation == "current":
        return open_index(work)
    first = sorted(p for p in work.iterdir() if p.name.startswith(toc.COMMIT_PREFIX))[0]
    return OpenIndex(first)


def timed_ms(call, index: OpenIndex, repeat: int, clock=time.perf_counter) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds of `repeat` calls, the term cache cleared before each."""
    runs = []
    for _ in range(repeat):
        index._hits_cache.clear()
        started = clock()
        call()
        runs.append((clock() - started) * 1000)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="ours' index folder")
    parser.add_argument("--mix", type=Path, default=DEFAULT_MIX, help="benchmark summary holding the mix")
    parser.add_argument("--generation", choices=("first", "current"), default="first")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", nargs="*", default=None, help="query names to time")
    parser.add_argument("--profile", default=None, help="cProfile one query (by name)")
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time the process's CPU (time.process_time) instead of the wall clock: steadier when other work shares the cores",
    )
    args = parser.parse_args()

    index = open_work_index(args.work, args.generation)
    mix = load_mix(args.mix)
    if args.only:
        mix = [(name, r) for name, r in mix if name in args.only]
    gc.collect()
    gc.disable()
    if args.profile:
        (request,) = [r for name, r in mix if name == args.profile]
        run_search(index, request)
        profiler = cProfile.Profile()
        for _ in range(args.repeat):
            index._hits_cache.clear()
            profiler.enable()
            run_search(index, request)
            profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        return
    # The machine is shared: the minimum shows what the code costs when
    # nothing else runs, the median what the benchmark reports.
    clock = time.process_time if args.cpu else time.perf_counter
    print(f"ms ({'CPU' if args.cpu else 'wall'}) over {args.repeat} runs, term cache cleared before each")
    print(f"{'query':<18}{'search p50':>11}{'min':>8}{'find p50':>10}{'min':>8}")
    rows = []
    for name, request in mix:
        run_search(index, request)  # warm the page cache
        s = timed_ms(lambda r=request: run_search(index, r), index, args.repeat, clock)
        f = timed_ms(lambda r=request: find(index, r), index, args.repeat, clock)
        row = (statistics.median(s), min(s), statistics.median(f), min(f))
        rows.append(row)
        print(f"{name:<18}{row[0]:>11.1f}{row[1]:>8.1f}{row[2]:>10.1f}{row[3]:>8.1f}")
    widths = (11, 8, 10, 8)
    for label, summary in (("p50 of queries", statistics.median), ("mean of queries", statistics.mean)):
        figures = [summary([row[i] for row in rows]) for i in range(4)]
        print(f"{label:<18}" + "".join(f"{v:>{w}.1f}" for v, w in zip(figures, widths, strict=True)))


if __name__ == "__main__":
    main()
