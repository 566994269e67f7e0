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
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from search_service import store
from search_service.citing.changes import LOG_NAME, BuildChanges, append_build, diff_generations
from search_service.errors import BuildFailed, IndexLocked, UnreadableFile
from search_service.ingest import iter_source_files, manifest_signature, parse_file
from search_service.model import CODED_FIELDS, DOC_TYPES, SECTION_KINDS, FileProblem, Report, Section
from search_service.search.exact import SEPARATOR, ExactIndex, build_exact_arrays, update_exact_arrays
from search_service.text import normalize, tokenizer_identity
from search_service.words_index import ReportWords, report_words

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


@dataclass(frozen=True)
class _Normalised:
    """A report's text as the exact index lays it out: its units normalised
    end to end, with the separator after them."""

    text: str
    unit_lengths: tuple[int, ...]
    title_length: int

    @classmethod
    def of(cls, report: Report) -> _Normalised:
        return cls.from_units(report, [normalize(raw) for _, raw in report.searchable_units()])

    @classmethod
    def from_units(cls, report: Report, units: list[str]) -> _Normalised:
        return cls("".join(units) + SEPARATOR, tuple(len(u) for u in units), len(normalize(report.title or "")))


@dataclass(frozen=True)
class _Prepared:
    """What the worker that parsed a report also computes for the writer:
    its words for the word index and its normalised text."""

    words: ReportWords
    normalised: _Normalised


# What parsing one file gives: its source, the report or the problem, and
# (when asked for) what the index writer needs of the report beyond it.
Parsed = tuple[str, Report | None, FileProblem | None, _Prepared | None]


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
    report = _with_preamble(report)
    units = [normalize(raw) for _, raw in report.searchable_units()]
    return source, report, None, _Prepared(report_words(report, units), _Normalised.from_units(report, units))


def _run_tasks(
    function: Callable[[Task], object],
    paths: list[Path],
    root: Path,
    jobs: int | None,
    progress: Callable[[int], None] | None,
    time_budget: float | None = None,
) -> Iterator[object]:
    jobs = jobs or min(os.cpu_count() or 1, 8)
    tasks = [(str(p), str(root), time_budget) for p in paths]
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
    yield from _run_tasks(_parse_one, paths, root, jobs, progress, time_budget)  # type: ignore[misc]


def _parse_with_words(
    paths: list[Path],
    root: Path,
    jobs: int | None,
    progress: Callable[[int], None] | None,
    time_budget: float | None = None,
) -> Iterator[Parsed]:
    yield from _run_tasks(_parse_and_count, paths, root, jobs, progress, time_budget)  # type: ignore[misc]


# ------------------------------------------------------------------- writing


def _with_preamble(report: Report) -> Report:
    """Every indexed report starts with a preamble section (maybe empty), so
    that sections and matching units correspond one to one."""
    if report.sections and report.sections[0].kind == "preamble":
        return report
    return replace(report, sections=[Section("preamble", "", ""), *report.sections])


class _WordsWriter:
    """The generation's word index while it is written (see words_index)."""

    def __init__(self, folder: Path, copy_of: Path | None = None) -> None:
        from search_service import words_index

        if copy_of is not None:
            shutil.copytree(copy_of, folder)
            self._writer = words_index.writer(words_index.open_words(folder))
        else:
            self._writer = words_index.writer(words_index.create(folder))
        self._add = words_index.add_report

    def add(self, report: Report, found: ReportWords) -> None:
        self._add(self._writer, report, found)

    def delete(self, report_ids: Iterable[str]) -> None:
        for report_id in report_ids:
            self._writer.delete_by_term("report_id", report_id)

    def commit(self) -> None:
        self._writer.commit()

    def cancel(self) -> None:
        """Give up the writer (the generation is being thrown away: a failure
        here must not hide the error that caused it)."""
        try:
            self._writer.cancel()
        except OSError as exc:
            log.warning("could not cancel the word index writer: %s", exc)


@dataclass
class _Reusable:
    """What an update takes from the live generation instead of computing
    it again: parsed reports, the exact index's sorted lists and the word
    index to copy."""

    folder: Path
    reports: dict[str, Report]
    records: list[dict[str, object]]  # as in reports.json, by ordinal
    ordinal: dict[str, int]
    corpus_characters: int
    report_start: np.ndarray
    unit_start: np.ndarray
    unit_end: np.ndarray
    first_unit: np.ndarray
    title_end: np.ndarray

    @classmethod
    def load(cls, folder: Path) -> _Reusable | None:
        """None when the live generation cannot be reused (another format,
        tokenizer or dictionary, or unreadable): the update then parses
        everything again, as a build does."""
        try:
            return cls._load(folder)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("the live index %s cannot be reused, parsing every file again: %s", folder, exc)
            return None

    @classmethod
    def _load(cls, folder: Path) -> _Reusable | None:
        meta = store.read_json(folder / "meta.json")
        if not isinstance(meta, dict) or meta.get("format_version") != store.FORMAT_VERSION:
            log.info("the live index %s has another format: parsing every file again", folder)
            return None
        if any(meta.get(key) != value for key, value in tokenizer_identity().items()):
            log.info("the live index %s has another tokenizer: parsing every file again", folder)
            return None
        if not (folder / "whoosh").is_dir():
            return None
        records, reports = _load_reports(folder)
        with np.load(folder / "units.npz") as u:
            unit_start, unit_end, unit_report = u["unit_start"], u["unit_end"], u["unit_report"]
        with np.load(folder / "reports.npz") as r:
            report_start, title_end = r["report_start"], r["title_end"]
        return cls(
            folder=folder,
            reports={r.report_id: r for r in reports},
            records=records,
            ordinal={r.report_id: i for i, r in enumerate(reports)},
            corpus_characters=int(meta["corpus_characters"]),
            report_start=report_start,
            unit_start=unit_start,
            unit_end=unit_end,
            first_unit=np.searchsorted(unit_report, np.arange(len(reports) + 1), side="left"),
            title_end=title_end,
        )


@dataclass
class _Layout:
    """Where each report and section lies in the corpus being assembled:
    the text of new reports, and where reused ones moved."""

    chunks: list[tuple[int, str]] = field(default_factory=list)  # (start, normalised text)
    moved: dict[int, int] = field(default_factory=dict)  # old report ordinal -> new start
    position: int = 0
    unit_start: list[int] = field(default_factory=list)
    unit_end: list[int] = field(default_factory=list)
    report_start: list[int] = field(default_factory=list)
    title_end: list[int] = field(default_factory=list)

    def add_new(self, normalised: _Normalised) -> None:
        self.chunks.append((self.position, normalised.text))
        self.report_start.append(self.position)
        self.title_end.append(self.position + normalised.title_length)
        for length in normalised.unit_lengths:
            self.unit_start.append(self.position)
            self.position += length
            self.unit_end.append(self.position)
        self.position += 1

    def add_reused(self, old: _Reusable, ordinal: int) -> None:
        """The report's offsets as in the old generation, moved."""
        start = int(old.report_start[ordinal])
        units = slice(int(old.first_unit[ordinal]), int(old.first_unit[ordinal + 1]))
        end = int(old.unit_end[units.stop - 1]) + 1  # with its separator
        shift = self.position - start
        self.moved[ordinal] = self.position
        self.report_start.append(self.position)
        self.title_end.append(int(old.title_end[ordinal]) + shift)
        self.unit_start.extend((old.unit_start[units] + shift).tolist())
        self.unit_end.extend((old.unit_end[units] + shift).tolist())
        self.position += end - start

    def exact_arrays(self, old: _Reusable | None) -> dict[str, np.ndarray]:
        """The exact index of this corpus: merged into the old generation's
        lists when reports were reused, else built from the whole text."""
        if old is not None and self.moved:
            new_start = np.full(len(old.report_start), -1, dtype=np.int64)
            new_start[list(self.moved)] = list(self.moved.values())
            added = [(start, _code_points(text)) for start, text in self.chunks]
            return update_exact_arrays(
                ExactIndex.load(old.folder), old.report_start, old.corpus_characters, new_start, added
            )
        return build_exact_arrays(self._corpus())  # a temporary: freed before the sort

    def _corpus(self) -> np.ndarray:
        """One array of the corpus's size, filled in place."""
        corpus = np.empty(self.position, dtype=np.uint32)
        for start, text in self.chunks:
            corpus[start : start + len(text)] = _code_points(text)
        self.chunks = []
        return corpus


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


def write_generation(folder: Path, reports: list[Report], info: dict[str, object]) -> None:
    """Write every file of one generation into folder (which must be new)."""
    folder.mkdir(parents=True)
    words = _WordsWriter(folder / "whoosh")
    try:
        for report in reports:
            words.add(report, report_words(report))
        words.commit()
    except BaseException:
        words.cancel()
        raise
    _write_arrays(folder, reports, info)
    _fsync_tree(folder)


def _write_arrays(
    folder: Path,
    reports: list[Report],
    info: dict[str, object],
    reusable: _Reusable | None = None,
    normalised: dict[str, _Normalised] | None = None,
) -> None:
    """Every file of a generation but the word index (not yet fsynced).
    Reports reused from `reusable` keep their record and their place in its
    exact index; those in `normalised` (by report id) come with their
    normalised text; the others are normalised here."""
    layout = _Layout()
    unit_report: list[int] = []
    unit_kind: list[int] = []
    text_lengths: list[int] = []
    records: list[dict[str, object]] = []
    with open(folder / "texts.bin", "wb") as texts:
        for ordinal, report in enumerate(reports):
            old = reusable.ordinal.get(report.report_id) if reusable else None
            if reusable is not None and old is not None and reusable.reports[report.report_id] is report:
                layout.add_reused(reusable, old)
                records.append(reusable.records[old])
            else:
                known = normalised.pop(report.report_id, None) if normalised is not None else None
                layout.add_new(known or _Normalised.of(report))
                records.append(store.report_record(report))
            for section in report.sections:
                unit_report.append(ordinal)
                unit_kind.append(SECTION_KINDS.index(section.kind))
                text_lengths.append(texts.write(section.text.encode("utf-8")))
    position = layout.position
    ExactIndex.save(folder, layout.exact_arrays(reusable))

    text_offsets = np.zeros(len(text_lengths) + 1, dtype=np.int64)
    np.cumsum(text_lengths, out=text_offsets[1:])
    np.save(folder / "text_offsets.npy", text_offsets)
    np.savez(
        folder / "units.npz",
        unit_start=np.array(layout.unit_start + [position], dtype=np.int64),
        unit_end=np.array(layout.unit_end, dtype=np.int64),
        unit_report=np.array(unit_report, dtype=np.int32),
        unit_kind=np.array(unit_kind, dtype=np.int8),
    )
    facet_values: dict[str, list[str]] = {}
    codes: dict[str, np.ndarray] = {}
    for name in CODED_FIELDS:
        values = sorted({getattr(r, name) for r in reports if getattr(r, name)})
        lookup = {v: i for i, v in enumerate(values)}
        facet_values[name] = values
        codes[name] = np.array([lookup.get(getattr(r, name), -1) for r in reports], dtype=np.int32)
    np.savez(
        folder / "reports.npz",
        year=np.array([r.year or 0 for r in reports], dtype=np.int32),
        report_start=np.array(layout.report_start, dtype=np.int64),
        title_end=np.array(layout.title_end, dtype=np.int64),
        doc_type=np.array([DOC_TYPES.index(r.doc_type) for r in reports], dtype=np.int8),
        **{f"{name}_code": codes[name] for name in CODED_FIELDS},
    )
    store.write_json(folder / "reports.json", records)

    # Counts of annual reports (what a search covers by default); other
    # documents are counted apart.
    per_year: dict[str, int] = {}
    documents = dict.fromkeys(DOC_TYPES, 0)
    for r in reports:
        documents[r.doc_type] += 1
        if r.is_report:
            key = str(r.year) if r.year else "unknown"
            per_year[key] = per_year.get(key, 0) + 1
    meta = {
        "format_version": store.FORMAT_VERSION,
        **tokenizer_identity(),
        "built_at": _now_iso(),
        "reports": documents["annual_report"],
        "documents": documents,
        "sections": len(unit_report),
        "corpus_characters": position,
        "per_year": dict(sorted(per_year.items())),
        "facet_values": facet_values,
        **info,
    }
    store.write_json(folder / "meta.json", meta)


def _fsync_tree(folder: Path) -> None:
    """Every file and folder of a generation on disk before it goes live."""
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as fh:
                os.fsync(fh.fileno())
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        store.fsync_dir(path)


class _Background(threading.Thread):
    """Run work in a thread; its exception is raised again by raise_error."""

    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__(name="index-writer", daemon=True)
        self._work = work
        self._error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self._work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self._error = exc

    def raise_error(self) -> None:
        if self._error is not None:
            raise self._error


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


@contextmanager
def _new_generation(index_dir: Path) -> Iterator[tuple[Path, str]]:
    """A hidden folder to write a generation into, removed if anything goes
    wrong before it is switched to; write errors become BuildFailed."""
    name = _new_generation_name()
    building = index_dir / f"{store.BUILDING_PREFIX}{name}"
    building.mkdir()
    try:
        yield building, name
    except OSError as exc:
        shutil.rmtree(building, ignore_errors=True)
        raise BuildFailed(f"could not write the index in {index_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _switch_to(index_dir: Path, building: Path, name: str) -> None:
    """Rename the finished generation into place and make it the live one."""
    final = index_dir / name
    os.rename(building, final)
    store.fsync_dir(index_dir)
    previous = store.current_generation(index_dir)
    store.switch_current(index_dir, final)
    if previous is not None:
        os.utime(previous)  # start its grace period now


def _collect(
    results: Iterable[Parsed],
    summary: BuildSummary,
    manifest: dict[str, dict[str, object]],
    stats: dict[str, os.stat_result],
    on_parsed: Callable[[Report, ReportWords], None] | None = None,
) -> list[Report]:
    """Account for every file; the kept reports in source order. Reports
    that come with their words (freshly parsed) go to on_parsed as soon as
    they are kept, so the word index is written while workers still parse."""
    reports: dict[str, Report] = {}
    for source, report, problem, found in results:
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
                if found is not None and on_parsed is not None:
                    on_parsed(reports[report.report_id], found)
        manifest[source] = entry
    return sorted(reports.values(), key=lambda r: r.source)


def build_index(
    source_dir: Path,
    index_dir: Path,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    strict: bool = False,
    time_budget: float | None = None,
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
        previous = _Previous.of(store.current_generation(index_dir))
        results = _parse_with_words(paths, source_dir, jobs, progress, time_budget)
        summary = _write_new_generation(index_dir, source_dir, stats, results, None, strict, started, previous)
    return summary


@dataclass(frozen=True)
class _Previous:
    """What a build needs of the generation it replaces to log its changes
    and keep first_seen times: {source: report_id} and {report_id: time}."""

    sources: dict[str, str] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, live: Path | None) -> _Previous:
        """Read from the live generation; empty when there is none. An
        unreadable one counts as empty (its reports are then logged as
        added again, with new times), which must not stop the build."""
        if live is None:
            return cls()
        try:
            meta = store.read_json(live / "meta.json")
            manifest = meta.get("manifest", {}) if isinstance(meta, dict) else {}
            sources = {source: str(entry["report_id"]) for source, entry in manifest.items() if "report_id" in entry}
            return cls(sources, store.read_first_seen(live))
        except (OSError, ValueError, AttributeError, TypeError) as exc:
            log.warning("the live index %s cannot be compared with: %s", live, exc)
            return cls()


def _write_new_generation(
    index_dir: Path,
    source_dir: Path,
    stats: dict[str, os.stat_result],
    results: Iterable[Parsed],
    reusable: _Reusable | None,
    strict: bool,
    started: float,
    previous: _Previous,
) -> BuildSummary:
    """Collect results into a complete new generation and switch to it.
    With `reusable`, the live generation's word index is copied and only
    the reports parsed now are added to it. What changed against `previous`
    is appended to the change log after the switch (the lock is held)."""
    summary = BuildSummary(generation="", seen=len(stats))
    manifest: dict[str, dict[str, object]] = {}
    with _new_generation(index_dir) as (building, name):
        words = _WordsWriter(building / "whoosh", copy_of=reusable.folder / "whoosh" if reusable else None)
        normalised: dict[str, _Normalised] = {}
        parsed: list[tuple[Report, ReportWords]] = []

        def on_parsed(report: Report, prepared: _Prepared) -> None:
            normalised[report.report_id] = prepared.normalised
            if reusable is None:
                words.add(report, prepared.words)  # now, while the workers parse on
            else:
                parsed.append((report, prepared.words))  # after the old documents are deleted

        try:
            reports = _collect(results, summary, manifest, stats, on_parsed)
            if reusable is not None:
                kept = {r.report_id for r in reports if reusable.reports.get(r.report_id) is r}
                words.delete(set(reusable.reports) - kept)
                for report, found in parsed:
                    words.add(report, found)
            summary.reports = len(reports)
            summary.sections = sum(len(r.sections) for r in reports)
            _check_strict(summary, strict)
        except BaseException:
            words.cancel()
            raise
        # The word index's commit (Python, mostly sorting postings) runs in a
        # thread beside the exact index (numpy, which releases the GIL).
        committing = _Background(words.commit)
        try:
            info = _build_info(source_dir, summary, manifest, started)
            _write_arrays(building, reports, info, reusable, normalised)
        finally:
            committing.join()
        committing.raise_error()
        _write_derived(building)
        changes = _changes(previous, manifest)
        store.write_first_seen(building, changes.first_seen)
        _fsync_tree(building)
        _switch_to(index_dir, building, name)
    _log_changes(index_dir, changes)
    summary.generation = name
    summary.seconds = time.monotonic() - started
    return summary


def _changes(previous: _Previous, manifest: dict[str, dict[str, object]]) -> BuildChanges:
    current = {source: str(entry["report_id"]) for source, entry in manifest.items() if "report_id" in entry}
    return diff_generations(previous.sources, current, previous.first_seen, dt.datetime.now(dt.timezone.utc))


def _log_changes(index_dir: Path, changes: BuildChanges) -> None:
    """Append the build to the change log. The new generation is already
    live: a failure here is reported, not undone."""
    path = index_dir / LOG_NAME
    try:
        append_build(path, changes)
    except OSError as exc:
        raise BuildFailed(
            f"the new index is live, but its change log {path} could not be written: {exc.strerror or exc}"
        ) from exc


def _write_derived(building: Path) -> None:
    """What is computed from a written generation before it goes live: the
    report x word matrix of the significant-terms analysis (read from the
    word index, it would cost every worker seconds on its first request)."""
    from search_service.analysis.word_presence import write_word_presence
    from search_service.search.reader import OpenIndex

    opened = OpenIndex(building)
    try:
        write_word_presence(opened)
    finally:
        opened.close()


def _check_strict(summary: BuildSummary, strict: bool) -> None:
    if strict and summary.failed:
        names = ", ".join(f"{p.source} ({p.reason})" for p in summary.problems if p.kind == "failed")
        raise BuildFailed(f"--strict: {summary.failed} file(s) could not be read, index left unchanged: {names}")


def _build_info(
    source_dir: Path, summary: BuildSummary, manifest: dict[str, dict[str, object]], started: float
) -> dict[str, object]:
    return {
        "source_dir": str(source_dir),
        "source_manifest": manifest_signature(source_dir),
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
    return _load_reports(generation)[1]


def _load_reports(generation: Path) -> tuple[list[dict[str, object]], list[Report]]:
    records = store.read_json(generation / "reports.json")
    offsets = np.load(generation / "text_offsets.npy")
    blob = (generation / "texts.bin").read_bytes()
    reports: list[Report] = []
    unit = 0
    for rec in records:  # type: ignore[union-attr]
        count = len(rec["sections"])
        texts = (blob[offsets[u] : offsets[u + 1]].decode("utf-8") for u in range(unit, unit + count))
        reports.append(store.record_report(rec, texts))
        unit += count
    return records, reports  # type: ignore[return-value]


def update_index(
    source_dir: Path,
    index_dir: Path,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    strict: bool = False,
    time_budget: float | None = None,
) -> BuildSummary:
    """Bring the index up to date with source_dir: files whose size and
    modification time are unchanged keep their parsed report, normalised
    text and word-index documents; new and changed files are parsed; removed
    files are dropped. The result answers exactly as a full build of the same
    files would, and it is written as a complete new generation, with the
    same guarantees as a build. A live generation of another format or
    tokenizer is not reused: everything is parsed again."""
    if not source_dir.is_dir():
        raise BuildFailed(f"source folder {source_dir} does not exist")
    started = time.monotonic()
    with writer_lock(index_dir):
        clean_leftovers(index_dir)
        live = store.current_generation(index_dir)
        reusable = _Reusable.load(live) if live else None
        old_meta = store.read_json(live / "meta.json") if reusable and live else {}
        old_manifest: dict[str, dict[str, object]] = old_meta.get("manifest", {}) if isinstance(old_meta, dict) else {}
        # A changed manifest.csv/.jsonl may override any file's fields: then
        # nothing parsed before is reused.
        if isinstance(old_meta, dict) and old_meta.get("source_manifest") != manifest_signature(source_dir):
            old_manifest = {}
        paths = iter_source_files(source_dir)
        if on_start:
            on_start(len(paths))
        sources = [p.relative_to(source_dir).as_posix() for p in paths]
        stats = {source: p.stat() for source, p in zip(sources, paths, strict=True)}
        reused: dict[str, Parsed] = {}
        changed: list[Path] = []
        for source, path in zip(sources, paths, strict=True):
            before = old_manifest.get(source)
            st = stats[source]
            if reusable and before and before.get("size") == st.st_size and before.get("mtime_ns") == st.st_mtime_ns:
                if "report_id" in before and before["report_id"] in reusable.reports:
                    reused[source] = (source, reusable.reports[str(before["report_id"])], None, None)
                    continue
                if "problem" in before:
                    problem = before["problem"]
                    reused[source] = (source, None, FileProblem(source, problem["reason"], problem["kind"]), None)
                    continue
            changed.append(path)

        def results() -> Iterator[Parsed]:
            # In source order, as a build sees them: the first of identical
            # contents is kept, whichever of them changed.
            parsed = _parse_with_words(changed, source_dir, jobs, progress, time_budget)
            for source in sources:
                yield reused[source] if source in reused else next(parsed)

        previous = _Previous.of(live)
        summary = _write_new_generation(index_dir, source_dir, stats, results(), reusable, strict, started, previous)
        summary.reused = len(reused)
    return summary
