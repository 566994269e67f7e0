"""Segments and commit points: an update adds a segment and tombstones
instead of rewriting, deletions are masked, merges answer as a fresh build,
and a merge killed at any point leaves the old commit serving."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from search_service.indexing import BuildOptions, build_index, merge_index, update_index
from search_service.model import SearchRequest
from search_service.search import open_index, run_search
from search_service.segments import toc
from search_service.segments.format import current_commit, read_commit
from search_service.segments.writer import tiered_merge_policy
from tests.indexing.test_build_update import answers, assert_same_generation, change_sources, make_corpus


def _merge_all(segments: tuple) -> list[list[str]]:
    return [[s.name for s in segments]] if len(segments) > 1 else []


def _segment_files(index_dir: Path) -> dict[str, tuple[int, int, int]]:
    """(inode, size, mtime_ns) of every file of every segment of the live commit."""
    live = current_commit(index_dir)
    found = {}
    for entry in read_commit(live).segments:
        for path in (index_dir / entry.name).rglob("*"):
            if path.is_file():
                st = path.stat()
                found[str(path)] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return found


def _bytes(paths: list[Path]) -> int:
    return sum(p.stat().st_size for folder in paths for p in folder.rglob("*") if p.is_file())


def test_update_writes_one_segment_and_leaves_the_old_ones_untouched(tmp_path):
    source = make_corpus(tmp_path / "src", 8)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    before = _segment_files(index_dir)
    old = read_commit(current_commit(index_dir))
    change_sources(source)
    update_index(source, index_dir, BuildOptions(jobs=1), merge_policy=None)
    live = current_commit(index_dir)
    new = read_commit(live)
    assert [s.name for s in new.segments][: len(old.segments)] == [s.name for s in old.segments]
    assert len(new.segments) == len(old.segments) + 1
    after = _segment_files(index_dir)
    assert {path: after[path] for path in before} == before  # same inode, size and mtime
    # replaced and removed reports are tombstones in the commit, not rewrites
    assert len(new.segments[0].deleted) > 0 and (live / f"deleted-{new.segments[0].name}.npy").is_file()
    # the new segment holds only what changed: far fewer bytes than the old
    assert _bytes([index_dir / new.segments[-1].name]) < _bytes([index_dir / s.name for s in old.segments]) / 3
    fresh = tmp_path / "fresh"
    build_index(source, fresh, BuildOptions(jobs=1))
    assert answers(index_dir) == answers(fresh)


def test_deleted_reports_are_masked_everywhere(tmp_path):
    source = make_corpus(tmp_path / "src", 4)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    gone = sorted(source.glob("*.txt"))[0]
    index = open_index(index_dir)
    (report_id,) = [rec["report_id"] for rec in index.records if rec["source"] == gone.name]
    total = run_search(index, SearchRequest(q="法治")).total.reports
    index.close()
    gone.unlink()
    update_index(source, index_dir, BuildOptions(jobs=1), merge_policy=None)
    index = open_index(index_dir)
    assert not index.has(report_id)
    assert index.report_count == len(index.records) == 19
    result = run_search(index, SearchRequest(q="法治", per_page=100))
    assert result.total.reports == total - 1
    assert report_id not in {h.report_id for h in result.results}
    assert all(index.hits(t).reports.max() < index.report_count for t in ("法", "法治", "报告"))
    index.close()
    fresh = tmp_path / "fresh"
    build_index(source, fresh, BuildOptions(jobs=1))
    assert answers(index_dir) == answers(fresh)


def test_a_build_in_many_segments_answers_as_one(tmp_path):
    source = make_corpus(tmp_path / "src", 6)
    one, many = tmp_path / "one", tmp_path / "many"
    build_index(source, one, BuildOptions(jobs=1))
    build_index(source, many, BuildOptions(jobs=1, segment_reports=7))
    assert len(read_commit(current_commit(many)).segments) == 5  # 30 reports
    assert_same_generation(current_commit(many), current_commit(one))
    assert answers(many) == answers(one)


def test_merges_answer_exactly_as_a_fresh_build(tmp_path):
    source = make_corpus(tmp_path / "src", 14)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1, segment_reports=10))
    change_sources(source)
    update_index(source, index_dir, BuildOptions(jobs=1), merge_policy=None)
    commit = read_commit(current_commit(index_dir))
    assert len(commit.segments) == 8
    assert merge_index(index_dir, _merge_all) is not None
    merged = read_commit(current_commit(index_dir))
    assert len(merged.segments) == 1 and len(merged.segments[0].deleted) == 0
    fresh = tmp_path / "fresh"
    build_index(source, fresh, BuildOptions(jobs=1))
    assert_same_generation(current_commit(index_dir), current_commit(fresh))
    assert answers(index_dir) == answers(fresh)


def test_the_tiered_policy_keeps_the_segment_count_bounded(tmp_path):
    source = make_corpus(tmp_path / "src", 3)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    files = sorted(source.glob("*.txt"))
    for round_ in range(5):
        for path in files[round_::5]:
            path.write_text(path.read_text("utf-8") + f"\n第{round_}轮修订。\n", "utf-8")
        update_index(source, index_dir, BuildOptions(jobs=1), merge_policy=lambda s: tiered_merge_policy(s, width=2))
        assert len(read_commit(current_commit(index_dir)).segments) <= 4
    fresh = tmp_path / "fresh"
    build_index(source, fresh, BuildOptions(jobs=1))
    assert_same_generation(current_commit(index_dir), current_commit(fresh))


def test_a_builds_segments_of_the_configured_size_are_not_merged(tmp_path):
    """The tiered policy's full size is half the configured segment size:
    ten segments of 4 reports (full at 2) stay as they are after an update,
    where a full size taken from the default (25,000) merged them all."""
    source = make_corpus(tmp_path / "src", 8)
    files = sorted(source.glob("*.txt"))
    assert len(files) == 40
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1, segment_reports=4))
    assert len(read_commit(current_commit(index_dir)).segments) == 10
    files[0].write_text(files[0].read_text("utf-8") + "\n修订。\n", "utf-8")
    update_index(source, index_dir, BuildOptions(jobs=1, segment_reports=4))
    segments = read_commit(current_commit(index_dir)).segments
    assert len(segments) == 11 and [s.live for s in segments].count(4) == 9
    assert merge_index(index_dir, segment_reports=4) is None  # nothing crowded
    assert merge_index(index_dir) is not None  # with the default size's full, all of them at once


def test_tiered_policy_merges_only_crowded_tiers():
    from search_service.segments.format import SegmentEntry

    small = [SegmentEntry(f"seg-{i}", 5) for i in range(9)]
    big = [SegmentEntry("seg-big", 5000, np.arange(10, dtype=np.int32))]
    assert tiered_merge_policy(big + small[:8]) == []
    assert tiered_merge_policy(big + small) == [[s.name for s in small]]
    emptied = SegmentEntry("seg-emptied", 5000, np.arange(2600, dtype=np.int32))
    assert tiered_merge_policy([emptied, *small[:3]]) == [["seg-emptied"]]


def test_tiered_policy_leaves_full_segments_alone_and_stops_short_of_full():
    """A build of 1,000,000 reports writes 20 segments of 50,000: the update
    after it must not merge them (it rewrote the whole index), and a merge
    of small segments must not make one past the full size."""
    from search_service.segments.format import SegmentEntry

    built = [SegmentEntry(f"seg-b{i:02}", 50_000) for i in range(20)]
    update = SegmentEntry("seg-u", 10_000)
    assert tiered_merge_policy([*built, update]) == []
    near_full = [SegmentEntry(f"seg-n{i}", 20_000) for i in range(9)]
    assert tiered_merge_policy(near_full, full=25_000) == []  # no two fit under full
    many = [SegmentEntry(f"seg-m{i:02}", 3_000 + i) for i in range(12)]
    (group,) = tiered_merge_policy(many, full=25_000)
    assert group == [f"seg-m{i:02}" for i in range(8)]  # the smallest, 24,028 reports < 25,000
    half_deleted = SegmentEntry("seg-d", 50_000, np.arange(30_000, dtype=np.int32))
    assert tiered_merge_policy([*built, half_deleted]) == [["seg-d"]]  # rewritten without its deleted


def test_merge_killed_at_random_points_leaves_the_old_commit_serving(tmp_path):
    source = make_corpus(tmp_path / "src", 10)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1, segment_reports=6))
    script = (
        "import sys; from pathlib import Path; from search_service.indexing import merge_index; "
        "merge_index(Path(sys.argv[1]), lambda s: [[x.name for x in s]] if len(s) > 1 else [])"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    started = time.monotonic()
    probe = tmp_path / "probe"
    build_index(source, probe, BuildOptions(jobs=1, segment_reports=6))
    assert subprocess.run([sys.executable, "-c", script, str(probe)], env=env, timeout=300).returncode == 0
    full = time.monotonic() - started
    live = current_commit(index_dir)
    before = answers(index_dir)
    rng = random.Random(12)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", script, str(index_dir)], env=env)
        time.sleep(rng.uniform(0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = current_commit(index_dir)
        if current != live:  # killed after the switch: the merged commit is complete
            live = current
            assert len(read_commit(live).segments) == 1
        assert answers(index_dir) == before
    assert subprocess.run([sys.executable, "-c", script, str(index_dir)], env=env, timeout=300).returncode == 0
    assert len(read_commit(current_commit(index_dir)).segments) == 1
    assert answers(index_dir) == before
    assert not [p for p in os.listdir(index_dir) if p.startswith(toc.BUILDING_PREFIX)]
