"""Build, update and merge: from source files to a new live commit.

A build parses every source file into new segments (one per
`segment_reports` reports, written while the workers parse on) and commits
them. An update keeps the live segments, writes one segment for new and
changed files and marks the reports they replace, and those of removed
files, deleted (tombstones in the new commit); then the merge policy may
rewrite a few small segments as one, in a commit of its own. Whatever kills
any of them before the switch leaves the served index exactly as it was.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search_service.errors import BuildFailed
from search_service.indexing.committing import (
    Previous,
    changes_since,
    clean_leftovers,
    commit_and_switch,
    log_changes,
)
from search_service.indexing.lock import now_iso, writer_lock
from search_service.indexing.options import BuildOptions
from search_service.indexing.parsing import Parsed, Prepared, parse_with_words, with_preamble
from search_service.ingest import iter_source_files, manifest_signature
from search_service.ingest.manifest import Manifest, load_manifest
from search_service.model import FileProblem, Report
from search_service.segments import toc
from search_service.segments.format import (
    DEFAULT_SEGMENT_REPORTS,
    FORMAT_VERSION,
    REPORTS,
    Commit,
    SegmentEntry,
    current_commit,
    load_array,
    read_commit,
    read_first_seen,
    read_json,
    read_manifest,
    segment_folder,
)
from search_service.segments.reader import SegmentSet
from search_service.segments.writer import SegmentWriter, merge_segments, tiered_merge_policy
from search_service.text import tokenizer_identity

log = logging.getLogger(__name__)

MergePolicy = Callable[[tuple[SegmentEntry, ...]], list[list[str]]]


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


class _NewSegments:
    """The segments a build or update writes: a new one every `size` reports."""

    def __init__(self, index_dir: Path, size: int | None) -> None:
        self.index_dir = index_dir
        self.size = max(1, size or DEFAULT_SEGMENT_REPORTS)
        self.done: list[SegmentEntry] = []
        self._current: SegmentWriter | None = None

    def add(self, report: Report, prepared: Prepared | None) -> None:
        if self._current is None:
            self._current = SegmentWriter(self.index_dir)
        if prepared is None:
            self._current.add(report)
        else:
            self._current.add(report, prepared.words, prepared.normalised)
        if len(self._current) >= self.size:
            self._finish_current()

    def _finish_current(self) -> None:
        writer, self._current = self._current, None
        if writer is not None:
            try:
                self.done.append(writer.finish())
            except BaseException:
                writer.cancel()
                raise

    def finish(self) -> list[SegmentEntry]:
        self._finish_current()
        return self.done

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()
        for entry in self.done:
            shutil.rmtree(self.index_dir / entry.name, ignore_errors=True)


def _account(summary: BuildSummary, entry: dict[str, object], problem: FileProblem) -> None:
    summary.problems.append(problem)
    if problem.kind == "skipped":
        summary.skipped += 1
    else:
        summary.failed += 1
    entry["problem"] = {"kind": problem.kind, "reason": problem.reason}


@dataclass(frozen=True)
class _Old:
    """A report of the live commit an update keeps where it is."""

    report_id: str
    source: str


def overrides_key(rows: Manifest, source: str) -> str:
    """A short fingerprint of what the source folder's manifest.csv/.jsonl
    says about one file ("" when nothing): kept per file in the commit's
    manifest, so that an update after an edit of the manifest parses again
    only the files whose rows changed (a curator settling a few documents of
    a million must not cost a rebuild)."""
    row = rows.overrides(source)
    if not row:
        return ""
    text = json.dumps(sorted(row.items()), ensure_ascii=False, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _collect(
    results: Iterable[tuple[str, Report | _Old | None, FileProblem | None, Prepared | None]],
    summary: BuildSummary,
    manifest: dict[str, dict[str, object]],
    stats: dict[str, os.stat_result],
    new: _NewSegments,
    rows: Manifest,
) -> set[str]:
    """Account for every file, in source order: the first of identical
    contents is kept. New reports go to `new` as soon as they are kept (the
    segments are written while workers still parse); the ids of the live
    commit's reports that are kept are returned. `rows`: the source
    folder's manifest as it was when parsing began (overrides_key)."""
    kept: dict[str, str] = {}  # report id -> source
    kept_old: set[str] = set()
    for source, report, problem, prepared in results:
        st = stats[source]
        entry: dict[str, object] = {
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "overrides": overrides_key(rows, source),
        }
        if problem is not None:
            _account(summary, entry, problem)
        elif report is not None:
            if report.report_id in kept:
                _account(summary, entry, FileProblem(source, f"same content as {kept[report.report_id]}", "skipped"))
            else:
                kept[report.report_id] = source
                summary.indexed += 1
                entry["report_id"] = report.report_id
                if isinstance(report, _Old):
                    kept_old.add(report.report_id)
                else:
                    new.add(with_preamble(report), prepared)
        manifest[source] = entry
    return kept_old


def _check_strict(summary: BuildSummary, strict: bool) -> None:
    if strict and summary.failed:
        names = ", ".join(f"{p.source} ({p.reason})" for p in summary.problems if p.kind == "failed")
        raise BuildFailed(f"--strict: {summary.failed} file(s) could not be read, index left unchanged: {names}")


@dataclass(frozen=True)
class _SourceManifest:
    """The source folder's manifest as a write found it before parsing:
    its signature (names, times, sizes) and its rows. Taken first, so that
    an edit made while the files are parsed is seen as a change by the next
    update, never taken as already applied."""

    signature: str | None
    rows: Manifest

    @classmethod
    def of(cls, source_dir: Path) -> _SourceManifest:
        return cls(manifest_signature(source_dir), load_manifest(source_dir))


def _build_info(
    source_dir: Path,
    summary: BuildSummary,
    manifest: dict[str, dict[str, object]],
    started: float,
    source_manifest: _SourceManifest,
) -> dict[str, object]:
    return {
        "built_at": now_iso(),
        "source_dir": str(source_dir),
        "source_manifest": source_manifest.signature,
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


def _write(
    index_dir: Path,
    source_dir: Path,
    stats: dict[str, os.stat_result],
    results: Iterable[tuple[str, Report | _Old | None, FileProblem | None, Prepared | None]],
    old: _LiveSegments | None,
    options: BuildOptions,
    started: float,
    source_manifest: _SourceManifest,
) -> tuple[BuildSummary, Commit, dict[str, object], dict[str, str]]:
    """New segments from results, and the commit of them beside the kept
    segments of `old` (deletions marked); switched to, changes logged."""
    summary = BuildSummary(generation="", seen=len(stats))
    manifest: dict[str, dict[str, object]] = {}
    new = _NewSegments(index_dir, options.segment_reports)
    try:
        kept_old = _collect(results, summary, manifest, stats, new, source_manifest.rows)
        _check_strict(summary, options.strict)
        entries = new.finish()
    except OSError as exc:
        new.cancel()
        raise BuildFailed(f"could not write the index in {index_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        new.cancel()
        raise
    commit = Commit(tuple(entries))
    if old is not None:
        commit = Commit((*old.with_deleted(kept_old), *entries))
    info = _build_info(source_dir, summary, manifest, started, source_manifest)
    return summary, commit, info, manifest


def _finish(
    index_dir: Path,
    summary: BuildSummary,
    commit: Commit,
    info: dict[str, object],
    previous: Previous,
    manifest: dict[str, dict[str, object]],
    started: float,
) -> dict[str, str]:
    changes = changes_since(previous, manifest)
    name, meta = commit_and_switch(index_dir, commit, info, changes.first_seen)
    log_changes(index_dir, changes)
    documents = meta.get("documents", {})
    summary.reports = sum(documents.values()) if isinstance(documents, dict) else 0
    summary.sections = int(meta.get("sections", 0))  # type: ignore[arg-type]
    summary.generation = name
    summary.seconds = time.monotonic() - started
    return changes.first_seen


@contextmanager
def _writing(source_dir: Path, index_dir: Path) -> Iterator[float]:
    """The start of a write from source_dir: under the writer lock, with the
    leftovers of an interrupted write removed; yields the start time. Raises
    BuildFailed when source_dir does not exist."""
    if not source_dir.is_dir():
        raise BuildFailed(f"source folder {source_dir} does not exist")
    started = time.monotonic()
    with writer_lock(index_dir):
        clean_leftovers(index_dir)
        yield started


def _source_files(source_dir: Path, on_start: Callable[[int], None] | None) -> list[Path]:
    """The files a write reads, their count told to `on_start`."""
    paths = iter_source_files(source_dir)
    if on_start:
        on_start(len(paths))
    return paths


def build_index(source_dir: Path, index_dir: Path, options: BuildOptions | None = None) -> BuildSummary:
    """Full rebuild from source_dir, into segments of at most
    `options.segment_reports` reports (None: the default options). Raises
    IndexLocked when another writer holds the index, BuildFailed when
    nothing could be written; in both cases the served index is unchanged."""
    options = options or BuildOptions()
    with _writing(source_dir, index_dir) as started:
        source_manifest = _SourceManifest.of(source_dir)
        paths = _source_files(source_dir, options.on_start)
        stats = {p.relative_to(source_dir).as_posix(): p.stat() for p in paths}
        previous = Previous.of(current_commit(index_dir))
        results = parse_with_words(paths, source_dir, options)
        summary, commit, info, manifest = _write(
            index_dir, source_dir, stats, results, None, options, started, source_manifest
        )
        _finish(index_dir, summary, commit, info, previous, manifest, started)
    return summary


@dataclass
class _LiveSegments:
    """What an update keeps of the live commit: its segments, and where each
    live report is (by id: segment and local ordinal)."""

    folder: Path
    commit: Commit
    where: dict[str, tuple[int, int]]

    @classmethod
    def load(cls, folder: Path) -> _LiveSegments | None:
        """None when the live commit cannot be kept (another format,
        tokenizer or dictionary, or unreadable): the update then parses
        everything again, as a build does."""
        try:
            meta = read_json(folder / toc.META)
            if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
                log.info("the live index %s has another format: parsing every file again", folder)
                return None
            if any(meta.get(key) != value for key, value in tokenizer_identity().items()):
                log.info("the live index %s has another tokenizer: parsing every file again", folder)
                return None
            commit = read_commit(folder)
            where: dict[str, tuple[int, int]] = {}
            for i, entry in enumerate(commit.segments):
                ids = load_array(segment_folder(folder, entry.name), REPORTS, "report_id").tolist()
                deleted = set(entry.deleted.tolist())
                for local, report_id in enumerate(ids):
                    if local not in deleted:
                        where[str(report_id)] = (i, local)
            return cls(folder, commit, where)
        except (OSError, ValueError, KeyError) as exc:
            log.warning("the live index %s cannot be reused, parsing every file again: %s", folder, exc)
            return None

    def with_deleted(self, kept: set[str]) -> list[SegmentEntry]:
        """The live segments, with every report not in `kept` deleted."""
        dropped: dict[int, list[int]] = {}
        for report_id, (segment, local) in self.where.items():
            if report_id not in kept:
                dropped.setdefault(segment, []).append(local)
        out = []
        for i, entry in enumerate(self.commit.segments):
            deleted = entry.deleted
            if i in dropped:
                deleted = np.union1d(deleted, np.array(dropped[i], dtype=np.int32)).astype(np.int32)
            out.append(SegmentEntry(entry.name, entry.reports, deleted))
        return out


def update_index(
    source_dir: Path,
    index_dir: Path,
    options: BuildOptions | None = None,
    merge_policy: MergePolicy | None = tiered_merge_policy,
) -> BuildSummary:
    """Bring the index up to date with source_dir: reports of files whose
    size and modification time are unchanged stay in their segments; new
    and changed files are parsed into a new segment; the reports they
    replace, and those of removed files, are marked deleted. The result
    answers exactly as a full build of the same files would, with the same
    guarantees as a build; then `merge_policy` may merge segments (a commit
    of its own). A live index of another format or tokenizer is not reused:
    everything is parsed again. None for options: the default options."""
    options = options or BuildOptions()
    with _writing(source_dir, index_dir) as started:
        live = current_commit(index_dir)
        old = _LiveSegments.load(live) if live else None
        old_meta = read_json(live / toc.META) if old and live else {}
        old_manifest = read_manifest(live) if old and live else {}
        # A changed manifest.csv/.jsonl may override any file's fields: then
        # a file is parsed again when its rows changed (or when the live
        # commit, written before rows were fingerprinted, cannot tell).
        source_manifest = _SourceManifest.of(source_dir)
        manifest_changed = (
            not isinstance(old_meta, dict) or old_meta.get("source_manifest") != source_manifest.signature
        )
        paths = _source_files(source_dir, options.on_start)
        sources = [p.relative_to(source_dir).as_posix() for p in paths]
        stats = {source: p.stat() for source, p in zip(sources, paths, strict=True)}
        reused: dict[str, tuple[str, _Old | None, FileProblem | None, None]] = {}
        changed: list[Path] = []
        for source, path in zip(sources, paths, strict=True):
            before = old_manifest.get(source)
            st = stats[source]
            if (
                old
                and before
                and before.get("size") == st.st_size
                and before.get("mtime_ns") == st.st_mtime_ns
                and (not manifest_changed or before.get("overrides") == overrides_key(source_manifest.rows, source))
            ):
                if "report_id" in before and before["report_id"] in old.where:
                    reused[source] = (source, _Old(str(before["report_id"]), source), None, None)
                    continue
                if "problem" in before:
                    problem = before["problem"]
                    reused[source] = (source, None, FileProblem(source, problem["reason"], problem["kind"]), None)
                    continue
            changed.append(path)

        def results() -> Iterator[Parsed]:
            # In source order, as a build sees them: the first of identical
            # contents is kept, whichever of them changed.
            parsed = parse_with_words(changed, source_dir, options)
            for source in sources:
                yield reused[source] if source in reused else next(parsed)  # type: ignore[misc]

        previous = Previous.of(live)
        summary, commit, info, manifest = _write(
            index_dir, source_dir, stats, results(), old, options, started, source_manifest
        )
        summary.reused = len(reused)
        first_seen = _finish(index_dir, summary, commit, info, previous, manifest, started)
        if merge_policy is not None:
            _merge(index_dir, sized_policy(merge_policy, options.segment_reports), first_seen)
    return summary


def merge_index(
    index_dir: Path, merge_policy: MergePolicy = tiered_merge_policy, segment_reports: int | None = None
) -> str | None:
    """Merge the live commit's segments as the policy says, under the
    writer lock; the new commit's name, or None when nothing was merged.
    segment_reports: the size a build gives segments (None: the default)."""
    with writer_lock(index_dir):
        clean_leftovers(index_dir)
        live = current_commit(index_dir)
        if live is None:
            return None
        return _merge(index_dir, sized_policy(merge_policy, segment_reports), read_first_seen(live))


def sized_policy(merge_policy: MergePolicy, segment_reports: int | None) -> MergePolicy:
    """The tiered policy with its full size at half the segment size builds
    use (`segment_reports`, None: the default), so that a build's segments
    are never merged with others whatever the setting; any other policy as
    it is."""
    if merge_policy is not tiered_merge_policy:
        return merge_policy
    return functools.partial(tiered_merge_policy, full=max(1, (segment_reports or DEFAULT_SEGMENT_REPORTS) // 2))


def _merge(index_dir: Path, merge_policy: MergePolicy, first_seen: dict[str, str]) -> str | None:
    live = current_commit(index_dir)
    if live is None:
        return None
    commit = read_commit(live)
    groups = merge_policy(commit.segments)
    if not groups:
        return None
    started = time.monotonic()
    before = commit
    try:
        for names in groups:
            commit = merge_segments(index_dir, live, commit, names)
    except BaseException as exc:
        for entry in commit.segments:
            if entry not in before.segments:
                shutil.rmtree(index_dir / entry.name, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BuildFailed(f"could not merge segments in {index_dir}: {exc.strerror or exc}") from exc
        raise
    meta = read_json(live / toc.META)
    info = {key: value for key, value in meta.items() if key in _INFO_KEYS} if isinstance(meta, dict) else {}
    info["manifest"] = read_manifest(live)
    name, _ = commit_and_switch(index_dir, commit, info, first_seen)
    log.info("merged %d segment(s) into %s in %.1f s", sum(map(len, groups)), name, time.monotonic() - started)
    return name


# The meta.json keys a merge carries over from the commit it replaces (the
# others are counted again over the live reports).
_INFO_KEYS = ("built_at", "source_dir", "source_manifest", "files", "problems", "build_seconds")


def load_reports(commit_folder: Path) -> list[Report]:
    """The live reports of a commit, in source order, as they were indexed."""
    opened = SegmentSet(commit_folder)
    try:
        return [
            opened.parts[int(s)].segment.report(int(local))
            for s, local in zip(opened.report_segment.tolist(), opened.report_local.tolist(), strict=True)
        ]
    finally:
        opened.close()
