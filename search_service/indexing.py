"""Building and updating the index: one writer at a time, atomic switch.

A build parses every source file, writes a complete new generation in a
hidden folder, renames it into place and only then points CURRENT at it
(store.switch_current). Whatever kills a build before that last rename leaves
the served index exactly as it was; the next build removes the leftovers.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import logging
import multiprocessing
import os
import shutil
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from search_service import store
from search_service.errors import BuildFailed, IndexLocked, UnreadableFile
from search_service.ingest import iter_source_files, parse_file
from search_service.model import PLACE_FIELDS, SECTION_KINDS, FileProblem, Report, Section
from search_service.search.exact import SEPARATOR, ExactIndex, build_exact_arrays
from search_service.text import normalize, tokenizer_identity

log = logging.getLogger(__name__)

# Old generations are kept this long after being replaced, so that a worker
# that opened one a moment before the switch can finish its request.
KEEP_REPLACED_SECONDS = 600


@dataclass
class BuildSummary:
    """What a build or update did; every file seen is accounted for."""

    generation: str
    seen: int = 0
    indexed: int = 0
    skipped: int = 0
    failed: int = 0
    reused: int = 0
    reports: int = 0
    sections: int = 0
    seconds: float = 0.0
    problems: list[FileProblem] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "generation": self.generation,
            "files": {
                "seen": self.seen,
                "indexed": self.indexed,
                "skipped": self.skipped,
                "failed": self.failed,
                "reused": self.reused,
            },
            "reports": self.reports,
            "sections": self.sections,
            "seconds": round(self.seconds, 3),
            "problems": [{"source": p.source, "kind": p.kind, "reason": p.reason} for p in self.problems],
        }


# ------------------------------------------------------------------- the lock


@contextmanager
def writer_lock(index_dir: Path) -> Iterator[None]:
    """Hold the index's single-writer lock (flock: released by the kernel
    when the holder dies, so a crashed build never leaves it stuck)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / store.LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            raise IndexLocked(f"the index at {index_dir} is being written by {holder}") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {_now_iso()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


# ------------------------------------------------------------------- parsing


def _parse_one(args: tuple[str, str]) -> tuple[str, Report | None, FileProblem | None]:
    path_s, root_s = args
    path, root = Path(path_s), Path(root_s)
    source = path.relative_to(root).as_posix()
    try:
        report = parse_file(path, root)
    except UnreadableFile as exc:
        return source, None, FileProblem(source, exc.reason, "failed")
    except OSError as exc:
        return source, None, FileProblem(source, f"cannot read: {exc.strerror or exc}", "failed")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the build
        log.exception("parsing %s failed", source)
        return source, None, FileProblem(source, f"parser error: {type(exc).__name__}: {exc}", "failed")
    if not report.is_report:
        return source, None, FileProblem(source, "not an annual rule-of-law report", "skipped")
    return source, report, None


def parse_sources(
    paths: list[Path], root: Path, jobs: int | None = None, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[str, Report | None, FileProblem | None]]:
    """Parse files, in worker processes when there are many of them."""
    jobs = jobs or min(os.cpu_count() or 1, 8)
    tasks = [(str(p), str(root)) for p in paths]
    if jobs <= 1 or len(tasks) < 64:
        for task in tasks:
            yield _parse_one(task)
            if progress:
                progress(1)
        return
    # forkserver, not fork: forked workers would inherit the writer lock's
    # open file and keep holding it if this process were killed.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["search_service.ingest.parsing", "search_service.ingest.reading"])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for result in pool.map(_parse_one, tasks, chunksize=16):
            yield result
            if progress:
                progress(1)


# ------------------------------------------------------------------- writing


def _with_preamble(report: Report) -> Report:
    """Every indexed report starts with a preamble section (maybe empty), so
    that sections and matching units correspond one to one."""
    if report.sections and report.sections[0].kind == "preamble":
        return report
    return replace(report, sections=[Section("preamble", "", ""), *report.sections])


def report_record(report: Report) -> dict[str, object]:
    """A report's fields and section outline as stored in reports.json."""
    return {
        "report_id": report.report_id,
        "title": report.title,
        "town": report.town,
        "county": report.county,
        "city": report.city,
        "province": report.province,
        "year": report.year,
        "published": report.published,
        "source": report.source,
        "format": report.format,
        "encoding": report.encoding,
        "traditional": report.traditional,
        "sections": [
            {"kind": s.kind, "heading": s.heading, "subheadings": list(s.subheadings), "original": s.original}
            for s in report.sections
        ],
    }


def write_generation(folder: Path, reports: list[Report], info: dict[str, object]) -> None:
    """Write every file of one generation into folder (which must be new)."""
    folder.mkdir(parents=True)
    unit_start: list[int] = []
    unit_end: list[int] = []
    unit_report: list[int] = []
    unit_kind: list[int] = []
    report_start: list[int] = []
    title_end: list[int] = []
    pieces: list[str] = []
    texts: list[bytes] = []
    position = 0
    for ordinal, report in enumerate(reports):
        report_start.append(position)
        title_end.append(position + len(normalize(report.title)))
        for (kind, raw), section in zip(report.searchable_units(), report.sections, strict=True):
            norm = normalize(raw)
            unit_start.append(position)
            position += len(norm)
            unit_end.append(position)
            unit_report.append(ordinal)
            unit_kind.append(SECTION_KINDS.index(kind))
            pieces.append(norm)
            texts.append(section.text.encode("utf-8"))
        pieces.append(SEPARATOR)
        position += 1
    corpus = "".join(pieces)
    code_points = np.frombuffer(corpus.encode("utf-32-le"), dtype="<u4")
    ExactIndex.save(folder, build_exact_arrays(code_points))

    text_offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum([len(t) for t in texts], out=text_offsets[1:])
    with open(folder / "texts.bin", "wb") as fh:
        for t in texts:
            fh.write(t)
    np.save(folder / "text_offsets.npy", text_offsets)
    np.savez(
        folder / "units.npz",
        unit_start=np.array(unit_start + [position], dtype=np.int64),
        unit_end=np.array(unit_end, dtype=np.int64),
        unit_report=np.array(unit_report, dtype=np.int32),
        unit_kind=np.array(unit_kind, dtype=np.int8),
    )
    facet_values: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for name in PLACE_FIELDS:
        values = sorted({getattr(r, name) for r in reports if getattr(r, name)})
        lookup = {v: i for i, v in enumerate(values)}
        facet_values[name] = values
        codes[name] = np.array([lookup.get(getattr(r, name), -1) for r in reports], dtype=np.int32)
    np.savez(
        folder / "reports.npz",
        year=np.array([r.year or 0 for r in reports], dtype=np.int32),
        report_start=np.array(report_start, dtype=np.int64),
        title_end=np.array(title_end, dtype=np.int64),
        **{f"{name}_code": codes[name] for name in PLACE_FIELDS},
    )
    store.write_json(folder / "reports.json", [report_record(r) for r in reports])
    _write_words(folder / "whoosh", reports)

    per_year: dict[str, int] = {}
    for r in reports:
        key = str(r.year) if r.year else "unknown"
        per_year[key] = per_year.get(key, 0) + 1
    meta = {
        "format_version": store.FORMAT_VERSION,
        **tokenizer_identity(),
        "built_at": _now_iso(),
        "reports": len(reports),
        "sections": len(unit_report),
        "corpus_characters": position,
        "per_year": dict(sorted(per_year.items())),
        "facet_values": facet_values,
        **info,
    }
    store.write_json(folder / "meta.json", meta)
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    store.fsync_dir(folder)


def _write_words(folder: Path, reports: list[Report]) -> None:
    from search_service import words_index

    ix = words_index.create(folder)
    writer = ix.writer(limitmb=256)
    unit = 0
    try:
        for report in reports:
            for position, section in enumerate(report.sections):
                writer.add_document(
                    report_id=report.report_id,
                    unit=unit,
                    town=report.town or "",
                    year=report.year or 0,
                    kind=section.kind,
                    title=report.title if position == 0 else "",
                    content=section.heading + "\n" + section.text,
                    source=report.source,
                )
                unit += 1
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


# ------------------------------------------------------------------- build


def _new_generation_name() -> str:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    return f"{store.GENERATION_PREFIX}{stamp}-{os.getpid()}"


def clean_leftovers(index_dir: Path) -> None:
    """Remove half-written generations of killed builds, and generations
    replaced more than KEEP_REPLACED_SECONDS ago. Call with the lock held."""
    live = store.current_generation(index_dir)
    now = time.time()
    for path in index_dir.iterdir():
        if path.name.startswith(store.BUILDING_PREFIX):
            shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(store.GENERATION_PREFIX) and path.is_dir() and path != live:
            if now - path.stat().st_mtime > KEEP_REPLACED_SECONDS:
                shutil.rmtree(path, ignore_errors=True)
        elif path.name.startswith(f".{store.CURRENT_FILE}.") and path.name.endswith(".tmp"):
            path.unlink(missing_ok=True)


def _commit_generation(index_dir: Path, reports: list[Report], info: dict[str, object]) -> str:
    name = _new_generation_name()
    building = index_dir / f"{store.BUILDING_PREFIX}{name}"
    try:
        write_generation(building, reports, info)
        final = index_dir / name
        os.rename(building, final)
        store.fsync_dir(index_dir)
        previous = store.current_generation(index_dir)
        store.switch_current(index_dir, final)
        if previous is not None:
            os.utime(previous)  # start its grace period now
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise BuildFailed(f"could not write the index in {index_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return name


def _collect(
    results: Iterator[tuple[str, Report | None, FileProblem | None]],
    summary: BuildSummary,
    manifest: dict[str, dict[str, object]],
    stats: dict[str, os.stat_result],
) -> list[Report]:
    reports: dict[str, Report] = {}
    for source, report, problem in results:
        st = stats[source]
        entry: dict[str, object] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
        if problem is not None:
            summary.problems.append(problem)
            if problem.kind == "skipped":
                summary.skipped += 1
            else:
                summary.failed += 1
            entry["problem"] = {"kind": problem.kind, "reason": problem.reason}
        elif report is not None:
            if report.report_id in reports:
                other = reports[report.report_id].source
                summary.problems.append(FileProblem(source, f"same content as {other}", "skipped"))
                summary.skipped += 1
                entry["problem"] = {"kind": "skipped", "reason": f"same content as {other}"}
            else:
                reports[report.report_id] = _with_preamble(report)
                summary.indexed += 1
                entry["report_id"] = report.report_id
        manifest[source] = entry
    return sorted(reports.values(), key=lambda r: r.source)


def build_index(
    source_dir: Path,
    index_dir: Path,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    strict: bool = False,
) -> BuildSummary:
    """Full rebuild from source_dir. Raises IndexLocked when another writer
    holds the index, BuildFailed when nothing could be written; in both cases
    the served index is unchanged."""
    if not source_dir.is_dir():
        raise BuildFailed(f"source folder {source_dir} does not exist")
    started = time.monotonic()
    with writer_lock(index_dir):
        clean_leftovers(index_dir)
        paths = iter_source_files(source_dir)
        if on_start:
            on_start(len(paths))
        stats = {p.relative_to(source_dir).as_posix(): p.stat() for p in paths}
        summary = BuildSummary(generation="", seen=len(paths))
        manifest: dict[str, dict[str, object]] = {}
        reports = _collect(parse_sources(paths, source_dir, jobs, progress), summary, manifest, stats)
        summary.reports = len(reports)
        summary.sections = sum(len(r.sections) for r in reports)
        _check_strict(summary, strict)
        info = _build_info(source_dir, summary, manifest, started)
        summary.generation = _commit_generation(index_dir, reports, info)
        summary.seconds = time.monotonic() - started
    return summary


def _check_strict(summary: BuildSummary, strict: bool) -> None:
    if strict and summary.failed:
        names = ", ".join(f"{p.source} ({p.reason})" for p in summary.problems if p.kind == "failed")
        raise BuildFailed(f"--strict: {summary.failed} file(s) could not be read, index left unchanged: {names}")


def _build_info(
    source_dir: Path, summary: BuildSummary, manifest: dict[str, dict[str, object]], started: float
) -> dict[str, object]:
    return {
        "source_dir": str(source_dir),
        "files": {
            "seen": summary.seen,
            "indexed": summary.indexed,
            "skipped": summary.skipped,
            "failed": summary.failed,
        },
        "problems": [{"source": p.source, "kind": p.kind, "reason": p.reason} for p in summary.problems],
        "manifest": manifest,
        "build_seconds": round(time.monotonic() - started, 3),
    }


# ------------------------------------------------------------------- update


def load_reports(generation: Path) -> list[Report]:
    """The reports of a generation, as they were indexed."""
    records = store.read_json(generation / "reports.json")
    offsets = np.load(generation / "text_offsets.npy")
    blob = (generation / "texts.bin").read_bytes()
    reports: list[Report] = []
    unit = 0
    for rec in records:  # type: ignore[union-attr]
        sections = []
        for s in rec["sections"]:
            text = blob[offsets[unit] : offsets[unit + 1]].decode("utf-8")
            sections.append(Section(s["kind"], s["heading"], text, tuple(s["subheadings"]), s.get("original")))
            unit += 1
        fields = {
            k: rec[k]
            for k in (
                "report_id",
                "title",
                "town",
                "county",
                "city",
                "province",
                "year",
                "published",
                "source",
                "format",
                "encoding",
                "traditional",
            )
        }
        reports.append(Report(**fields, sections=sections))
    return reports


def update_index(
    source_dir: Path,
    index_dir: Path,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    strict: bool = False,
) -> BuildSummary:
    """Bring the index up to date with source_dir: files whose size and
    modification time are unchanged keep their parsed report; new and changed
    files are parsed; removed files are dropped. Same guarantees as a build."""
    if not source_dir.is_dir():
        raise BuildFailed(f"source folder {source_dir} does not exist")
    started = time.monotonic()
    with writer_lock(index_dir):
        clean_leftovers(index_dir)
        live = store.current_generation(index_dir)
        old_meta = store.read_json(live / "meta.json") if live else {}
        old_manifest: dict[str, dict[str, object]] = old_meta.get("manifest", {}) if isinstance(old_meta, dict) else {}
        old_reports = {r.report_id: r for r in load_reports(live)} if live else {}
        paths = iter_source_files(source_dir)
        if on_start:
            on_start(len(paths))
        stats = {p.relative_to(source_dir).as_posix(): p.stat() for p in paths}
        summary = BuildSummary(generation="", seen=len(paths))
        reused: list[tuple[str, Report | None, FileProblem | None]] = []
        changed: list[Path] = []
        for path in paths:
            source = path.relative_to(source_dir).as_posix()
            before = old_manifest.get(source)
            st = stats[source]
            if before and before.get("size") == st.st_size and before.get("mtime_ns") == st.st_mtime_ns:
                if "report_id" in before and before["report_id"] in old_reports:
                    reused.append((source, old_reports[str(before["report_id"])], None))
                    continue
                if "problem" in before:
                    problem = before["problem"]
                    reused.append((source, None, FileProblem(source, problem["reason"], problem["kind"])))
                    continue
            changed.append(path)
        summary.reused = len(reused)

        def results() -> Iterator[tuple[str, Report | None, FileProblem | None]]:
            yield from reused
            yield from parse_sources(changed, source_dir, jobs, progress)

        manifest: dict[str, dict[str, object]] = {}
        reports = _collect(results(), summary, manifest, stats)
        summary.reports = len(reports)
        summary.sections = sum(len(r.sections) for r in reports)
        _check_strict(summary, strict)
        info = _build_info(source_dir, summary, manifest, started)
        summary.generation = _commit_generation(index_dir, reports, info)
        summary.seconds = time.monotonic() - started
    return summary
