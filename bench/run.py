"""The benchmark of issues 7 and 12: ours against Tantivy, Groonga, SQLite FTS5, Whoosh+jieba and a scan.

    python -m bench.run [--n 20000] [--seed 0] [--repeat 5] [--skip-http] [--skip-baselines] [--skip ENGINE]

Steps: generate (or reuse) the corpus; parse it once for the baselines; build
every engine on the same parsed reports (ours from the files, with 2
processes); check every engine's answers against the scan's; time the query
mix in-process; load gunicorn over HTTP; time `index update` after 1% of the
files changed; time the analyses of issue 14 (significant terms of result
sets of about 5,000 reports, coverage of one province). Prints one table and
writes bench/results/bench-<N>.json.

Above 100,000 reports (or with --reference stream) no parsed report is held:
the reference is one streaming pass over the files (`scan.StreamingScan`),
only ours is built and timed, and the run first prints the disk and time it
expects, refusing to start when the disk cannot hold it.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import logging
import os
import platform
import shutil
import sqlite3
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bench.baselines import FACET_NAMES, Answer, Engine, ParsedCorpus
from bench.baselines.groonga import GroongaEngine, groonga_available, groonga_version
from bench.baselines.ours import OursEngine
from bench.baselines.scan import ScanEngine, StreamingScan
from bench.baselines.sqlite_fts5 import SqliteFts5Engine
from bench.baselines.tantivy_grams import TantivyGramsEngine, tantivy_available
from bench.baselines.whoosh_jieba import WhooshJiebaEngine
from bench.http_load import HttpFigures, measure_http
from bench.queries import QUERY_CLASSES, BenchQuery, CorpusProfile, build_mix
from search_service.analysis import coverage, significant_terms
from search_service.indexing import parse_sources
from search_service.ingest import iter_source_files
from search_service.model import DOC_TYPES, PLACE_FIELDS, Report, SearchRequest
from search_service.search import OpenIndex

log = logging.getLogger("bench")

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
MB = 1e6


def _progress(items: Sequence, desc: str) -> Iterable:
    """tqdm on a terminal, the plain sequence otherwise (logs stay clean)."""
    if not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=desc, leave=False)


# ------------------------------------------------------------------ corpus


def corpus_dir(n: int, seed: int, results: Path) -> Path:
    """The generated corpus, reused while the generator's code is unchanged
    (a `.complete` marker holds the hash of bench/corpus.py)."""
    from bench import corpus

    folder = results / f"corpus-n{n}-s{seed}"
    marker = folder / ".complete"
    digest = hashlib.sha1((BENCH_DIR / "corpus.py").read_bytes()).hexdigest()
    if marker.is_file() and marker.read_text() == digest:
        log.info("reusing the corpus in %s", folder)
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.monotonic()
    corpus.generate_corpus(folder, n, seed)
    marker.write_text(digest)
    log.info("generated %d reports in %.1f s into %s", n, time.monotonic() - started, folder)
    return folder


def linked_copy(source: Path, target: Path) -> None:
    """Hard-link every file of source into target: the benchmark changes 1%
    of target's files for `index update` without touching the cached corpus
    (a changed file is written anew, which breaks its link)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for path in source.iterdir():
        if path.is_file() and not path.name.startswith("."):
            os.link(path, target / path.name)


def parse_reports(source: Path, jobs: int) -> tuple[list[Report], float]:
    """The reports ours indexes, parsed once: readable reports, the first of
    identical contents, ordered by source (as a build keeps them)."""
    started = time.monotonic()
    paths = iter_source_files(source)
    kept: dict[str, Report] = {}
    for _, report, problem in parse_sources(paths, source, jobs):
        if problem is None and report is not None and report.report_id not in kept:
            kept[report.report_id] = report
    return sorted(kept.values(), key=lambda r: r.source), time.monotonic() - started


# ------------------------------------------------------------------ plan

# Above this many reports `--reference auto` takes the streaming path. The
# in-memory reference holds about 43 KB per report (861 MB at 20,000:
# parsed reports, then the scan's normalised texts), 4.3 GB at 100,000 and
# 43 GB at 1,000,000; the streaming one about 0.6 KB (measured at 50,000).
LARGE_N = 100_000
# Figures used when no earlier run of this results folder can tell
# (--n 50000 --reference stream, seed 0, 2026-11-25, the machine shared with
# other jobs): source bytes per report, index over text, ours' build and the
# reference's parse in MB of text per second (2 processes), generated
# reports per second (one process); disk blocks over bytes for files of
# about 13 KB (4 KB blocks). Text is about the source's size.
DEFAULT_SOURCE_PER_REPORT = 13_400
DEFAULT_INDEX_OVER_TEXT = 1.8
DEFAULT_BUILD_MB_S = 1.8
DEFAULT_PARSE_MB_S = 4.8
GENERATE_PER_S = 1_600
BLOCK_OVERHEAD = 1.16
# Room kept free besides the estimate: an update's new segment and a merge,
# logs, the machine's other users.
DISK_MARGIN = 1.25
DISK_SPARE_BYTES = 5e9


class DiskTooSmall(Exception):
    """The disk cannot hold the corpus and the index of the run asked for."""


@dataclass
class RunPlan:
    """What a run is expected to take, from the nearest earlier run."""

    n: int
    streaming: bool
    basis: str  # which run the ratios come from
    corpus_cached: bool
    source_bytes: float
    text_bytes: float
    index_bytes: float
    free_bytes: float
    generate_s: float
    parse_s: float  # the reference's parse (the streaming pass, or parse_reports)
    build_s: float  # ours' build, parsing included
    update_s: float

    @property
    def needed_bytes(self) -> float:
        corpus = 0.0 if self.corpus_cached else self.source_bytes * BLOCK_OVERHEAD
        return corpus + self.index_bytes * DISK_MARGIN + DISK_SPARE_BYTES

    @property
    def fits(self) -> bool:
        return self.needed_bytes <= self.free_bytes

    def lines(self) -> list[str]:
        gb, minutes = 1e9, 60
        corpus = "cached" if self.corpus_cached else f"to generate, about {self.generate_s / minutes:.0f} min"
        total = self.generate_s * (not self.corpus_cached) + self.parse_s + self.build_s + self.update_s
        path = "streaming reference, ours only" if self.streaming else "in-memory reference"
        return [
            f"plan for N={self.n:,} ({path}; ratios from {self.basis}):",
            f"  source {self.source_bytes / gb:.1f} GB ({corpus}), text about {self.text_bytes / gb:.1f} GB",
            f"  ours' index about {self.index_bytes / gb:.1f} GB; disk needed about {self.needed_bytes / gb:.1f} GB"
            f" (index x {DISK_MARGIN} + {DISK_SPARE_BYTES / gb:.0f} GB spare), free {self.free_bytes / gb:.1f} GB",
            f"  expected: reference parse {self.parse_s / minutes:.0f} min, ours' build {self.build_s / minutes:.0f} min,"
            f" update {self.update_s / minutes:.0f} min; about {total / minutes:.0f} min before the queries,"
            " HTTP and analyses",
        ]

    def refusal(self) -> str:
        gb = 1e9
        return (
            f"not starting: N={self.n:,} needs about {self.needed_bytes / gb:.1f} GB of disk "
            f"(corpus {0 if self.corpus_cached else self.source_bytes * BLOCK_OVERHEAD / gb:.1f} GB, "
            f"index about {self.index_bytes / gb:.1f} GB x {DISK_MARGIN}, {DISK_SPARE_BYTES / gb:.0f} GB spare) "
            f"and the results folder's disk has {self.free_bytes / gb:.1f} GB free; free some space "
            "or pass --results on a larger disk"
        )


def _earlier_run(results: Path, n: int) -> dict | None:
    """The summary of the largest earlier run of at most n reports in results
    (its ratios scale best to n), or None."""
    best: tuple[int, dict] | None = None
    for path in results.glob("bench-*.json"):
        try:
            summary = json.loads(path.read_text("utf-8"))
            size = int(summary["n"])
            usable = bool(summary["engines"]["ours"]["size_mb"] and summary["reports"] and summary["parse_s"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if usable and size <= n and (best is None or size > best[0]):
            best = (size, summary)
    return best[1] if best else None


def plan_run(n: int, seed: int, results: Path, stream: bool) -> RunPlan:
    """The disk and time a run of n reports should take, scaled linearly
    from the largest earlier run in results (the defaults above without one)."""
    folder = results / f"corpus-n{n}-s{seed}"
    cached = (folder / ".complete").is_file()
    earlier = _earlier_run(results, n)
    if earlier:
        scale = n / earlier["reports"]
        ours = earlier["engines"]["ours"]
        source = earlier["source_mb"] * MB * n / earlier["n"]
        text = earlier["text_mb"] * MB * scale
        index = ours["size_mb"] * MB * scale
        parse_s, build_s = earlier["parse_s"] * scale, ours["build_s"] * scale
        update_s = (earlier.get("update") or {}).get("seconds", 0.1 * ours["build_s"]) * scale
        basis = f"bench-{earlier['n']}.json of {earlier['machine'].get('date', '?')}"
    else:
        source = DEFAULT_SOURCE_PER_REPORT * n
        text = source
        index = text * DEFAULT_INDEX_OVER_TEXT
        parse_s, build_s = text / MB / DEFAULT_PARSE_MB_S, text / MB / DEFAULT_BUILD_MB_S
        update_s = 0.1 * build_s
        basis = "defaults (no earlier run in the results folder)"
    return RunPlan(
        n=n,
        streaming=stream,
        basis=basis,
        corpus_cached=cached,
        source_bytes=source,
        text_bytes=text,
        index_bytes=index,
        free_bytes=shutil.disk_usage(results).free,
        generate_s=n / GENERATE_PER_S,
        parse_s=parse_s,
        build_s=build_s,
        update_s=update_s,
    )


# ------------------------------------------------------------------ answers


def differences(answer: Answer, reference: Answer) -> list[str]:
    """Which parts of answer differ from the reference (empty: identical)."""
    out = []
    if set(answer.report_ids) != set(reference.report_ids):
        out.append("results")
    if answer.total_reports != reference.total_reports:
        out.append("total.reports")
    if answer.total_sections != reference.total_sections:
        out.append("total.sections")
    out += [f"facet.{name}" for name in FACET_NAMES if answer.facets.get(name, {}) != reference.facets.get(name, {})]
    return out


@dataclass
class EngineFigures:
    """Everything measured of one engine."""

    name: str
    build_s: float = 0.0
    size_bytes: int = 0
    differing_queries: int = 0
    diff_details: dict[str, list[str]] = field(default_factory=dict)
    first_ms: dict[str, float] = field(default_factory=dict)  # query name -> first run
    repeat_ms: dict[str, list[float]] = field(default_factory=dict)  # query name -> later runs
    cached_ms: dict[str, list[float]] = field(default_factory=dict)  # ours only: term cache kept
    find_ms: dict[str, list[float]] = field(default_factory=dict)  # ours only: no page rendering


def check(engine: Engine, mix: Sequence[BenchQuery], reference: dict[str, Answer], figures: EngineFigures) -> None:
    for query in mix:
        diff = differences(engine.answer(query, full=True), reference[query.name])
        if diff:
            figures.diff_details[query.name] = diff
    figures.differing_queries = len(figures.diff_details)


def time_queries(engine: Engine, mix: Sequence[BenchQuery], repeat: int, figures: EngineFigures) -> None:
    """First run and `repeat` more runs of every query. For ours the term
    cache is cleared before each of those runs, and `repeat` further runs
    keep it (what a server answering the same query again does), and
    `repeat` runs of `find` alone (cache cleared) time the index's part
    without rendering the page of hits."""
    ours = isinstance(engine, OursEngine)
    clear: Callable[[], None] = engine.clear_cache if ours else (lambda: None)

    def timed(query: BenchQuery, call: Callable[[BenchQuery], object] = engine.answer) -> float:
        started = time.perf_counter()
        call(query)
        return (time.perf_counter() - started) * 1000

    for query in _progress(mix, engine.name):
        clear()
        figures.first_ms[query.name] = timed(query)
        runs = []
        for _ in range(repeat):
            clear()
            runs.append(timed(query))
        figures.repeat_ms[query.name] = runs
        if ours:
            engine.answer(query)
            figures.cached_ms[query.name] = [timed(query) for _ in range(repeat)]
            runs = []
            for _ in range(repeat):
                clear()
                runs.append(timed(query, engine.find_only))
            figures.find_ms[query.name] = runs


def freeze_setup() -> None:
    """Keep what the run has set up (the parsed corpus, the reference, every
    engine's open index) out of the cyclic garbage collector's passes, as
    the service does once a worker has opened an index (service.py): else a
    full pass over millions of the bench's own objects, about 200 ms at
    20,000 reports, lands on whichever query's allocations trigger it (one
    run in twenty), whatever the engine."""
    gc.collect()
    gc.freeze()


def percentiles(samples: Sequence[float]) -> dict[str, float]:
    if not samples:
        return {}
    p50, p95, p99 = np.percentile(np.asarray(samples), [50, 95, 99])
    return {"p50": float(p50), "p95": float(p95), "p99": float(p99), "n": len(samples)}


def by_class(mix: Sequence[BenchQuery], runs: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Latency percentiles per query class (and "all") over every run."""
    out = {}
    for cls in (*QUERY_CLASSES, "all"):
        samples = [ms for q in mix if cls in ("all", q.cls) for ms in runs.get(q.name, [])]
        out[cls] = percentiles(samples)
    return out


# ------------------------------------------------------------------ update


def change_one_percent(source: Path) -> int:
    """Rewrite every 100th file (at least one) with one sentence added to its
    preamble; returns how many files changed."""
    paths = iter_source_files(source)
    chosen = paths[::100] or paths[:1]
    for path in chosen:
        text = path.read_text("utf-8")
        path.unlink()  # a new inode: the cached corpus keeps its copy
        path.write_text(text.replace("。", "。本年度另组织开展法治体检活动。", 1), "utf-8")
    return len(chosen)


# ------------------------------------------------------------------ analyses

# Issue 14: "at 20,000 reports a terms request for a result set of 5,000
# reports answers in under 300 ms". A smaller corpus keeps the ratio (a
# quarter of the reports).
TERMS_SET_SIZE = 5000
TERMS_SET_SHARE = 0.25
TERMS_SETS = 3


def year_windows(year_counts: Counter[int], target: int, how_many: int = TERMS_SETS) -> list[tuple[int, int]]:
    """The `how_many` runs of consecutive years (a single year or a range)
    whose report counts are nearest `target`, nearest first (ties: earlier)."""
    years = sorted(year_counts)
    windows = [(a, b) for i, a in enumerate(years) for b in years[i:]]
    total = {w: sum(n for y, n in year_counts.items() if w[0] <= y <= w[1]) for w in windows}
    return sorted(windows, key=lambda w: (abs(total[w] - target), w))[:how_many]


def _year_request(window: tuple[int, int]) -> SearchRequest:
    a, b = window
    return SearchRequest(q="", year=(a,)) if a == b else SearchRequest(q="", year_from=a, year_to=b)


def time_analyses(index: OpenIndex, repeat: int, clear: Callable[[], None] = lambda: None) -> dict:
    """Significant terms (30 words, JLH) of a few result sets of about 5,000
    reports (a quarter of a smaller collection), chosen by year filters from
    the index's annual reports per year; and the coverage grid of the
    province with most reports. The first terms request also loads the word
    presence (once per index generation, as a server's first request does);
    each set then runs `repeat` more times, the term cache cleared before
    each run."""
    annual = index.reports.doc_type == DOC_TYPES.index("annual_report")
    annual_years = index.reports.year[annual]
    target = min(TERMS_SET_SIZE, round(len(annual_years) * TERMS_SET_SHARE))
    windows = year_windows(Counter(y for y in annual_years.tolist() if y), target)

    def timed(call: Callable[[], object]) -> tuple[float, object]:
        clear()
        started = time.perf_counter()
        out = call()
        return (time.perf_counter() - started) * 1000, out

    sets, runs = [], []
    for window in windows:
        request = _year_request(window)
        first_ms, found = timed(lambda r=request: significant_terms(index, r, size=30))
        set_runs = [timed(lambda r=request: significant_terms(index, r, size=30))[0] for _ in range(repeat)]
        runs += set_runs
        sets.append(
            {
                "years": list(window),
                "set_size": found.set_size,  # type: ignore[attr-defined]
                "first_ms": first_ms,
                "latency_ms": percentiles(set_runs),
                "top_terms": [t.term for t in found.terms[:5]],  # type: ignore[attr-defined]
            }
        )
    province_codes = index.reports.codes["province"][annual]
    provinces = Counter(index.reports.values["province"][c] for c in province_codes[province_codes >= 0].tolist())
    grid: dict = {}
    if provinces:
        province, reports = provinces.most_common(1)[0]
        request = SearchRequest(q="", province=(province,))
        first_ms, found = timed(lambda: coverage(index, request))
        cov_runs = [timed(lambda: coverage(index, request))[0] for _ in range(repeat)]
        grid = {
            "province": province,
            "reports": reports,
            "units": len(found.rows),  # type: ignore[attr-defined]
            "years": len(found.years),  # type: ignore[attr-defined]
            "first_ms": first_ms,
            "latency_ms": percentiles(cov_runs),
        }
    return {
        "terms": {"target": target, "sets": sets, "latency_ms": percentiles(runs)},
        "coverage": grid,
    }


# ------------------------------------------------------------------ report


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        mem_kb = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        mem_kb = 0
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "tantivy": _version_of("tantivy"),
        "groonga": groonga_version(),
        "date": time.strftime("%Y-%m-%d"),
    }


def _version_of(package: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or not theirs:
        return "-"
    return f"{ours / theirs:.2f}"


# Columns of the table after ours' three: the other engines, in this order.
OTHERS: tuple[str, ...] = ("whoosh_jieba", "sqlite_fts5", "tantivy", "groonga", "scan")
# Engines that can be "the best peer": exact (0 queries differing) and not the scan.
PEERS: tuple[str, ...] = ("sqlite_fts5", "tantivy", "groonga", "whoosh_jieba")
DIFFERING = "queries differing from scan"  # a count: no ratio
HIGHER_IS_BETTER = ("build MB/s", "build MB/s incl. parse")


def table_columns(summary: dict) -> list[str]:
    """ours, ours cached, ours find, then every other engine of the run."""
    return ["ours", "ours cached", "ours find", *(n for n in OTHERS if n in summary["engines"])]


def table_rows(summary: dict) -> list[tuple[str, list[float | None], int]]:
    """(label, [value per table_columns(summary)], digits) of every row."""
    engines = summary["engines"]
    others = table_columns(summary)[3:]
    width = 3 + len(others)

    def row(label: str, get: Callable[[dict], float | None], digits: int = 1, extra: bool = False):
        ours = engines["ours"]
        values = [get(ours)]
        values += [get(ours | {"latency": ours[k]}) if extra else None for k in ("latency_cached", "latency_find")]
        values += [get(engines[n]) for n in others]
        return label, values, digits

    def ours_only(label: str, value: float | None, digits: int):
        return label, [value] + [None] * (width - 1), digits

    rows = [
        row("build s (ours: parse+index, 2 procs)", lambda e: e["build_s"]),
        row("build MB/s", lambda e: e["build_mb_s"], 2),
        row("build MB/s incl. parse", lambda e: e["build_mb_s_with_parse"], 2),
        row("index MB on disk", lambda e: e["size_mb"]),
        row("index / text", lambda e: e["size_over_text"], 2),
        row("first run p50 ms (all)", lambda e: e["first_run"]["all"].get("p50")),
    ]
    for cls in (*QUERY_CLASSES, "all"):
        for p in ("p50", "p95", "p99"):
            rows.append(row(f"{cls} {p} ms", lambda e, c=cls, p=p: e["latency"][c].get(p), extra=True))
    rows.append(row(DIFFERING, lambda e: e["differing_queries"], 0))
    http = summary.get("http")
    if http:
        for load in http["loads"]:
            rows.append(ours_only(f"HTTP req/s, {load['clients']} client(s)", load["per_second"], 1))
            rows.append(ours_only(f"HTTP errors, {load['clients']} client(s)", load["errors"], 0))
        rows.append(ours_only("gunicorn start to first answer s", http["first_answer_s"], 2))
        rows.append(ours_only("worker RSS MB (max)", max(http["worker_rss_mb"], default=None), 0))
        if "worker_private_mb" in http:
            private, dirty = http["worker_private_mb"], http["worker_private_dirty_mb"]
            rows.append(ours_only("worker private MB (max, USS)", max(private, default=None), 0))
            rows.append(ours_only("worker private dirty MB (max)", max(dirty, default=None), 0))
    analysis = summary.get("analysis")
    if analysis:
        terms = analysis["terms"]
        sizes = "/".join(f"{s['set_size']:,}" for s in terms["sets"])
        for p in ("p50", "p95"):
            rows.append(ours_only(f"terms {p} ms (sets of {sizes})", terms["latency_ms"].get(p), 1))
        grid = analysis["coverage"]
        if grid:
            for p in ("p50", "p95"):
                label = f"coverage {p} ms ({grid['reports']:,} reports, {grid['units']:,} units)"
                rows.append(ours_only(label, grid["latency_ms"].get(p), 1))
    update = summary.get("update")
    if update:
        rows.append(ours_only(f"index update s ({update['changed_files']} files changed)", update["seconds"], 1))
        rows.append(ours_only("update / full build", update["over_build"], 3))
        if "written_over_index" in update:
            rows.append(ours_only("update bytes written / index bytes", update["written_over_index"], 3))
    return rows


def best_peer(summary: dict, label: str, values: list[float | None]) -> tuple[str, float | None]:
    """The best exact peer's (name, value) on one row: lowest time or size,
    highest MB/s; ("-", None) when no exact peer has the figure."""
    columns = table_columns(summary)
    engines = summary["engines"]
    candidates = [
        (name, value)
        for name, value in zip(columns, values, strict=True)
        if name in PEERS and value is not None and engines[name]["differing_queries"] == 0
    ]
    if not candidates or label == DIFFERING:
        return "-", None
    pick = max if label in HIGHER_IS_BETTER else min
    return pick(candidates, key=lambda nv: nv[1])


def render_table(summary: dict) -> str:
    """The one table: figures per engine, the best exact peer on each row,
    then ours divided by that peer, by FTS5 and by the scan."""
    columns = table_columns(summary)
    headers = ["", *columns, "best peer", "ours/best", "ours/fts5", "ours/scan"]
    lines = [headers]
    for label, values, digits in table_rows(summary):
        name, best = best_peer(summary, label, values)
        by_name = dict(zip(columns, values, strict=True))
        if label == DIFFERING:
            ratios = ["-"] * 3
        else:
            ratios = [_ratio(values[0], v) for v in (best, by_name.get("sqlite_fts5"), by_name.get("scan"))]
        lines.append([label, *(_fmt(v, digits) for v in values), name, *ratios])
    widths = [max(len(line[i]) for line in lines) for i in range(len(headers))]
    lines.insert(1, ["-" * w for w in widths])
    return "\n".join(
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


def engine_summary(fig: EngineFigures, mix: Sequence[BenchQuery], text_bytes: int, parse_s: float) -> dict:
    with_parse = fig.build_s if fig.name == "ours" else fig.build_s + parse_s
    return {
        "build_s": fig.build_s,
        "build_mb_s": text_bytes / MB / fig.build_s if fig.build_s else None,
        "build_mb_s_with_parse": text_bytes / MB / with_parse if with_parse else None,
        "size_mb": fig.size_bytes / MB if fig.size_bytes else None,
        "size_over_text": fig.size_bytes / text_bytes if fig.size_bytes else None,
        "differing_queries": fig.differing_queries,
        "differences": fig.diff_details,
        "first_run": by_class(mix, {k: [v] for k, v in fig.first_ms.items()}),
        "latency": by_class(mix, fig.repeat_ms),
        "latency_cached": by_class(mix, fig.cached_ms),
        "latency_find": by_class(mix, fig.find_ms),
        "per_query_ms": {q.name: {"first": fig.first_ms.get(q.name), "repeat": fig.repeat_ms.get(q.name)} for q in mix},
    }


def other_engines(skip: Sequence[str] = ()) -> tuple[list[Engine], list[str]]:
    """FTS5, Whoosh+jieba and the peers that are installed (Tantivy from the
    `bench` extra, Groonga from Debian's groonga-bin), less those skipped;
    and the names of peers that are not installed (the run says so)."""
    engines: list[Engine] = [SqliteFts5Engine(), WhooshJiebaEngine()]
    missing = []
    if tantivy_available():
        engines.append(TantivyGramsEngine())
    else:
        missing.append("tantivy (pip install -e '.[bench]')")
    if groonga_available():
        engines.append(GroongaEngine())
    else:
        missing.append("groonga (apt-get install groonga-bin)")
    for name in missing:
        log.warning("peer not installed, left out: %s", name)
    return [e for e in engines if e.name not in skip], missing


def build_engines(engines: Sequence[Engine], corpus: ParsedCorpus, work: Path) -> dict[str, EngineFigures]:
    """Build each engine in turn (never two at once: they share 2 cores)."""
    figures = {}
    for engine in engines:
        log.info("building %s", engine.name)
        fig = figures[engine.name] = EngineFigures(engine.name)
        started = time.monotonic()
        engine.build(corpus, work / engine.name)
        fig.build_s = time.monotonic() - started
        fig.size_bytes = engine.size_bytes()
        log.info("built %s in %.1f s", engine.name, fig.build_s)
    return figures


def http_summary(http: HttpFigures) -> dict:
    return {
        "first_answer_s": http.first_answer_s,
        "worker_rss_mb": http.worker_rss_mb,
        "worker_private_mb": [w.private for w in http.workers],
        "worker_private_dirty_mb": [w.private_dirty for w in http.workers],
        "worker_memory_mb": [dataclasses.asdict(w) for w in http.workers],
        "loads": [
            {
                "clients": load.clients,
                "seconds": load.seconds,
                "requests": load.requests,
                "errors": load.errors,
                "per_second": load.per_second,
                "latency_ms": percentiles(load.latencies_ms),
            }
            for load in http.loads
        ],
    }


# ------------------------------------------------------------------ main


# What a streaming reference pass's answers depend on besides the corpus:
# the parser (as the build's), normalisation, the fields and the terms.
REFERENCE_CODE = (
    "search_service/ingest",
    "search_service/indexing/parsing.py",
    "search_service/text.py",
    "search_service/model.py",
    "search_service/data",
    "bench/baselines/scan.py",
    "bench/queries.py",
)


def reference_key(corpus: Path) -> str:
    """The corpus's marker (the generator's hash) and a hash of every file
    of REFERENCE_CODE: a saved pass is reused only while both are unchanged."""
    digest = hashlib.sha1()
    marker = corpus / ".complete"
    digest.update(marker.read_bytes() if marker.is_file() else b"no corpus marker")
    root = BENCH_DIR.parent
    for name in REFERENCE_CODE:
        path = root / name
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def streaming(args: argparse.Namespace) -> bool:
    """Whether this run takes the memory-bounded path (see `--reference`)."""
    return args.reference == "stream" or (args.reference == "auto" and args.n > LARGE_N)


def run(args: argparse.Namespace) -> dict:
    results: Path = args.results
    results.mkdir(parents=True, exist_ok=True)
    work = results / f"work-n{args.n}-s{args.seed}"
    shutil.rmtree(work, ignore_errors=True)  # before measuring free space: it is recreated anyway
    plan = plan_run(args.n, args.seed, results, streaming(args))
    for line in plan.lines():
        log.info("%s", line)
    if not plan.fits:
        raise DiskTooSmall(plan.refusal())
    cached_corpus = corpus_dir(args.n, args.seed, results)
    source = work / "src"
    linked_copy(cached_corpus, source)
    if streaming(args):
        return run_streaming(args, source, work)

    reports, parse_s = parse_reports(source, args.jobs)
    corpus = ParsedCorpus.from_reports(reports)
    log.info("parsed %d reports (%.1f MB of text) in %.1f s", len(reports), corpus.text_bytes / MB, parse_s)

    ours = OursEngine(source, jobs=args.jobs)
    scan = ScanEngine()
    engines: list[Engine] = [ours, scan]
    missing_peers: list[str] = []
    if not args.skip_baselines:
        others, missing_peers = other_engines(args.skip)
        engines += others
    figures = build_engines(engines, corpus, work)
    assert ours.index is not None
    ours_ids = set(ours.index.report_id.tolist())
    missing = len({r.report_id for r in reports} ^ ours_ids)
    if missing:
        log.warning("ours indexed a different set of reports: %d ids differ", missing)

    profile = CorpusProfile(
        texts=scan.report_texts,
        years=[r.year for r in reports],
        places={name: [getattr(r, name) for r in reports] for name in PLACE_FIELDS},
    )
    mix, shares = build_mix(profile)
    reference = {q.name: scan.answer(q, full=True) for q in mix}
    freeze_setup()
    for engine in engines:
        if engine is not scan:
            log.info("checking %s against the scan", engine.name)
            check(engine, mix, reference, figures[engine.name])
        log.info("timing %s", engine.name)
        time_queries(engine, mix, args.repeat, figures[engine.name])

    summary: dict = {
        "n": args.n,
        "seed": args.seed,
        "repeat": args.repeat,
        "machine": machine(),
        "reports": len(reports),
        "sections": len(corpus.units),
        "ours_report_set_differences": missing,
        "text_mb": corpus.text_bytes / MB,
        "source_mb": sum(p.stat().st_size for p in source.iterdir()) / MB,
        "parse_s": parse_s,
        "reference": {"mode": "memory"},
        "mix": mix_summary(mix, reference),
        "term_shares": shares,
        "peers_missing": missing_peers,
        "engines": {name: engine_summary(fig, mix, corpus.text_bytes, parse_s) for name, fig in figures.items()},
    }
    checkpoint(args, summary, "queries")
    for engine in engines:
        if engine is not ours:
            engine.close()
    return finish_with_ours(args, summary, ours, mix, source, figures["ours"].build_s)


def run_streaming(args: argparse.Namespace, source: Path, work: Path) -> dict:
    """The memory-bounded path: the reference is one streaming pass over the
    files (parse in `jobs` processes, every term of any mix looked up in each
    report and section, a few bytes kept per report), then ours is built from
    the files, checked against the reference and timed; no baseline runs and
    no parsed report is held, so memory grows with N by those few bytes (and
    by what ours' build and open index hold)."""
    saved = args.results / f"reference-n{args.n}-s{args.seed}.pkl"
    key = reference_key(args.results / f"corpus-n{args.n}-s{args.seed}")
    scan = StreamingScan.load(saved, key)
    reused = scan is not None
    if scan is not None:
        log.info("reference: the pass saved in %s (same corpus and code; it took %.1f s)", saved, scan.seconds)
    else:
        log.info("reference: one streaming pass over %s", source)
        scan = StreamingScan()
        scan.scan(source, args.jobs)
        scan.save(saved, key)
    log.info(
        "reference pass: %d reports (%.1f MB of text) in %.1f s", len(scan.ids), scan.text_bytes / MB, scan.seconds
    )
    mix, shares = build_mix(scan.profile)
    reference = {q.name: scan.answer(q, full=True) for q in mix}
    scan.close()

    ours = OursEngine(source, jobs=args.jobs)
    # Ours builds from the files: the parsed corpus it is handed is unused.
    figures = build_engines([ours], ParsedCorpus([], [], 0), work)
    assert ours.index is not None
    missing = len(set(scan.ids) ^ set(ours.index.report_id.tolist()))
    if missing:
        log.warning("ours indexed a different set of reports: %d ids differ", missing)
    summary: dict = {
        "n": args.n,
        "seed": args.seed,
        "repeat": args.repeat,
        "machine": machine(),
        "reports": len(scan.ids),
        "sections": scan.units,
        "ours_report_set_differences": missing,
        "text_mb": scan.text_bytes / MB,
        "source_mb": sum(p.stat().st_size for p in source.iterdir()) / MB,
        "parse_s": scan.seconds,
        "reference": {"mode": "stream", "seconds": scan.seconds, "terms": len(scan.terms), "reused": reused},
        "mix": mix_summary(mix, reference),
        "term_shares": shares,
        "peers_missing": [],
    }

    def keep(stage: str) -> None:
        summary["engines"] = {"ours": engine_summary(figures["ours"], mix, scan.text_bytes, scan.seconds)}
        checkpoint(args, summary, stage)

    keep("build")
    freeze_setup()
    log.info("checking ours against the reference")
    check(ours, mix, reference, figures["ours"])
    keep("check")
    log.info("timing ours")
    time_queries(ours, mix, args.repeat, figures["ours"])
    keep("queries")
    return finish_with_ours(args, summary, ours, mix, source, figures["ours"].build_s)


def mix_summary(mix: Sequence[BenchQuery], reference: dict[str, Answer]) -> list[dict]:
    return [
        {
            "name": q.name,
            "class": q.cls,
            "request": dataclasses.asdict(q.request),
            "total": reference[q.name].total_reports,
        }
        for q in mix
    ]


def finish_with_ours(
    args: argparse.Namespace, summary: dict, ours: OursEngine, mix: Sequence[BenchQuery], source: Path, build_s: float
) -> dict:
    """The steps on ours alone, after the query mix: HTTP, analyses, update."""
    if not args.skip_http:
        log.info("HTTP load: gunicorn, 2 workers, %.0f s per concurrency level", args.http_seconds)
        try:
            summary["http"] = http_summary(measure_http(ours.index_dir, mix, args.http_seconds))  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - the in-process figures are kept whatever gunicorn does
            log.error("HTTP load failed, left out of the table: %s", exc)
            summary["http_error"] = str(exc)[-2000:]
        checkpoint(args, summary, "http")

    log.info("analyses: significant terms and coverage")
    summary["analysis"] = time_analyses(ours.index, args.repeat, ours.clear_cache)
    checkpoint(args, summary, "analyses")

    changed = change_one_percent(source)
    log.info("index update after %d changed files", changed)
    existing = _files(ours.index_dir)  # type: ignore[arg-type]
    update = ours.update()
    written = sum(size for path, size in _files(ours.index_dir).items() if path not in existing)  # type: ignore[arg-type]
    summary["update"] = {
        "changed_files": changed,
        "seconds": update.seconds,
        "reused": update.reused,
        "over_build": update.seconds / build_s,
        "bytes_written": written,
        "written_over_index": written / max(ours.size_bytes(), 1),
    }
    ours.close()
    return summary


def partial_path(args: argparse.Namespace) -> Path:
    """Where a run keeps the figures of the phases it has finished."""
    return args.results / f"bench-{args.n}.partial.json"


def write_summary(path: Path, summary: dict) -> None:
    """Write a summary whole or not at all (a run stopped mid-write keeps the
    previous file)."""
    scratch = path.with_name(path.name + ".tmp")
    scratch.write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), "utf-8")
    os.replace(scratch, path)


def checkpoint(args: argparse.Namespace, summary: dict, stage: str) -> None:
    """Keep what the run has measured so far: a run of hours stopped in a
    later phase (a full disk, a merge that runs too long, the machine taken
    back) still leaves its build and query figures in bench-<N>.partial.json,
    `stage` naming the last phase finished."""
    summary["stage"] = stage
    write_summary(partial_path(args), summary)
    log.info("figures so far written to %s (after %s)", partial_path(args), stage)


def analysis_lines(summary: dict) -> list[str]:
    """The analyses' figures in words, under the table."""
    analysis = summary.get("analysis")
    if not analysis:
        return []
    terms = analysis["terms"]
    sets = ", ".join(
        f"{'-'.join(dict.fromkeys(str(y) for y in s['years']))}: {s['set_size']:,} reports" for s in terms["sets"]
    )
    first = max((s["first_ms"] for s in terms["sets"]), default=None)
    lines = [
        f"terms (30 words, JLH), target {terms['target']:,} reports ({sets}): "
        f"p50 {_fmt(terms['latency_ms'].get('p50'))} ms, p95 {_fmt(terms['latency_ms'].get('p95'))} ms, "
        f"first request (loads the word presence) {_fmt(first)} ms"
    ]
    grid = analysis["coverage"]
    if grid:
        lines.append(
            f"coverage of {grid['province']} ({grid['reports']:,} reports, {grid['units']:,} units x "
            f"{grid['years']} years): p50 {_fmt(grid['latency_ms'].get('p50'))} ms, "
            f"p95 {_fmt(grid['latency_ms'].get('p95'))} ms"
        )
    return lines


def reference_lines(summary: dict) -> list[str]:
    """How the reference was computed, when it is not the in-memory scan
    (whose figures are the table's scan column)."""
    reference = summary.get("reference") or {}
    if reference.get("mode") != "stream":
        return []
    return [
        f"reference: streaming scan, one pass over {summary['reports']:,} reports in {reference['seconds']:.1f} s "
        f"{'(saved by an earlier run with the same corpus and code) ' if reference.get('reused') else ''}"
        f"(parse in worker processes, {reference['terms']} terms looked up in every report and section); "
        f"ours differs on {summary['engines']['ours']['differing_queries']} of {len(summary['mix'])} queries"
    ]


def _files(folder: Path) -> dict[tuple[int, str], int]:
    """(inode, path) -> size of every file under folder: what an update
    writes is what was not there before."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            st = path.stat()
            found[(st.st_ino, str(path))] = st.st_size
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="number of reports (default 20000)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query after the first (default 5)")
    parser.add_argument("--skip-http", action="store_true", help="no gunicorn load test")
    parser.add_argument("--skip-baselines", action="store_true", help="only ours and the reference scan")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="ENGINE",
        help="leave one engine out (whoosh_jieba, sqlite_fts5, tantivy, groonga); repeatable",
    )
    parser.add_argument("--http-seconds", type=float, default=10.0, help="load time per concurrency level")
    parser.add_argument("--jobs", type=int, default=2, help="processes for parsing and ours' build (default 2)")
    parser.add_argument("--results", type=Path, default=RESULTS_DIR, help="cache and output folder")
    parser.add_argument(
        "--reference",
        choices=("auto", "memory", "stream"),
        default="auto",
        help=f"how the reference scan holds the corpus: memory (every parsed report and text held; needed by the "
        f"baselines), stream (one streaming pass, a few bytes per report kept; only ours is built and timed; "
        f"needs --skip-baselines), auto (stream above {LARGE_N:,} reports, else memory; default). "
        "A streaming run prints its expected disk and time first and refuses to start when the disk is too small",
    )
    args = parser.parse_args(argv)
    if streaming(args) and not args.skip_baselines:
        parser.error(
            f"the baselines need every parsed report in memory: above {LARGE_N:,} reports (or with --reference "
            "stream) pass --skip-baselines"
        )
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    try:
        summary = run(args)
    except DiskTooSmall as exc:
        print(exc, file=sys.stderr)
        return 2
    out = args.results / f"bench-{args.n}.json"
    table = render_table(summary)
    m = summary["machine"]
    print(
        f"N={summary['n']} reports={summary['reports']} sections={summary['sections']} "
        f"text={summary['text_mb']:.1f} MB parse={summary['parse_s']:.1f} s (2 procs), "
        f"{m['cpu']} x{m['cores']}, python {m['python']}, sqlite {m['sqlite']}, "
        f"tantivy {m['tantivy']}, groonga {m['groonga']}, {time.strftime('%Y-%m-%d')}"
    )
    for name in summary.get("peers_missing", []):
        print(f"peer not installed, left out: {name}")
    print(table)
    for line in analysis_lines(summary) + reference_lines(summary):
        print(line)
    summary["table"] = table
    summary["stage"] = "complete"
    write_summary(out, summary)
    partial_path(args).unlink(missing_ok=True)
    print(f"written {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
