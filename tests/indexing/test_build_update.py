"""`index update` keeps the live segments, writes one segment for what
changed and marks replaced reports deleted, and still answers exactly as a
full build of the same files: the same reports in the same order, the same
texts, arrays and counts, and the same live documents of the word index."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from whoosh.index import open_dir

from search_service.indexing import BuildOptions, build_index, update_index
from search_service.model import SearchRequest
from search_service.search import open_index, run_search
from search_service.segments import toc
from search_service.segments.format import FORMAT_VERSION, current_commit, read_json
from search_service.segments.reader import SegmentSet
from tests.conftest import SAMPLES

QUERIES = ["法律顾问", "综合行政执法办公室", "八五普法", "法治 -顾问", "执法 OR 复议", "变体", "法", "新增条目"]
# meta.json keys that differ between any two builds, or between a build and
# an update, by nature (when, how long, from which files how).
VOLATILE_META = {"built_at", "build_seconds", "source_dir"}


def make_corpus(dest: Path, copies: int) -> Path:
    dest.mkdir(parents=True)
    for i in range(copies):
        for sample in sorted(SAMPLES.glob("*.txt")):
            text = sample.read_text("utf-8")
            (dest / f"{sample.stem}-{i:03d}.txt").write_text(text + f"\n本报告为第{i}号变体。\n", "utf-8")
    return dest


def change_sources(source: Path) -> None:
    """Every kind of change an update must handle."""
    files = sorted(source.glob("*.txt"))
    # changed content
    for path in files[1:4]:
        text = path.read_text("utf-8")
        path.unlink()
        path.write_text(text.replace("。", "。新增条目一项。", 1), "utf-8")
    files[5].unlink()  # removed
    (source / "zz-new.txt").write_text(files[7].read_text("utf-8") + "\n新增条目的报告。\n", "utf-8")  # added
    # a copy of a file that sorts before it: a build keeps the first by
    # source, so the copy now wins and the original becomes the duplicate
    shutil.copyfile(files[9], source / "000-aaa-copy.txt")
    files[10].rename(source / "renamed.txt")  # moved, same content
    (source / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)  # a failure


def word_documents(folder: Path, live: set[str] | None = None) -> Counter[tuple[str, str, str, int]]:
    """The documents of a word index as (report, kind, word, count) entries:
    what the index holds, whatever its segments and numbering; with `live`,
    only those of these reports."""
    found: Counter[tuple[str, str, str, int]] = Counter()
    with open_dir(str(folder)).searcher() as searcher:
        reader = searcher.reader()
        doc_report: dict[int, str] = {}
        doc_kind: dict[int, str] = {}
        for fieldname, target in (("report_id", doc_report), ("kind", doc_kind)):
            for btext in reader.lexicon(fieldname):
                for doc in reader.postings(fieldname, btext).all_ids():
                    target[doc] = btext.decode("utf-8")
        for btext in reader.lexicon("content"):
            matcher = reader.postings("content", btext)
            while matcher.is_active():
                doc = matcher.id()
                if live is None or doc_report[doc] in live:
                    found[(doc_report[doc], doc_kind[doc], btext.decode("utf-8"), int(matcher.weight()))] += 1
                matcher.next()
    return found


def live_word_documents(commit: Path) -> Counter[tuple[str, str, str, int]]:
    """The word documents of a commit's live reports, over its segments."""
    found: Counter[tuple[str, str, str, int]] = Counter()
    opened = SegmentSet(commit)
    for part in opened.parts:
        live = {str(r) for r in part.segment.report_id[part.live].tolist()}
        found += word_documents(part.segment.folder / "whoosh", live)
    opened.close()
    return found


def assert_same_generation(updated: Path, fresh: Path) -> None:
    """Two commits hold the same index: the same reports in the same order
    (records, section texts, per-report and per-section arrays), the same
    counts and the same live word documents, however they are split into
    segments and whatever their deleted reports."""
    a, b = SegmentSet(updated), SegmentSet(fresh)
    assert [a.record(i) for i in range(a.report_count)] == [b.record(i) for i in range(b.report_count)]
    assert [a.unit_text(u) for u in range(a.unit_count)] == [b.unit_text(u) for u in range(b.unit_count)]
    for name in ("unit_report", "unit_kind", "first_of_report", "year", "doc_type", "report_length", "published"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.values == b.values
    assert a.report_id.tolist() == b.report_id.tolist()
    for name in a.codes:
        assert np.array_equal(a.codes[name], b.codes[name]), name
    a.close()
    b.close()
    meta_a, meta_b = read_json(updated / "meta.json"), read_json(fresh / "meta.json")
    assert isinstance(meta_a, dict) and isinstance(meta_b, dict)
    for key in set(meta_a) | set(meta_b):
        if key not in VOLATILE_META:
            assert meta_a.get(key) == meta_b.get(key), key
    assert live_word_documents(updated) == live_word_documents(fresh)


def answers(index_dir: Path) -> dict[str, tuple[int, int, list[str], dict]]:
    index = open_index(index_dir)
    out = {}
    for q in QUERIES:
        result = run_search(index, SearchRequest(q=q, per_page=100))
        facets = {name: [(v.value, v.count) for v in values] for name, values in result.facets.items()}
        out[q] = (result.total.reports, result.total.sections, [h.report_id for h in result.results], facets)
    index.close()
    return out


@pytest.mark.parametrize("jobs", [1, 2])
def test_update_answers_exactly_like_a_full_build(tmp_path, jobs):
    source = make_corpus(tmp_path / "src", 14)  # 70 files: the worker pool
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=jobs))
    change_sources(source)
    summary = update_index(source, index_dir, BuildOptions(jobs=jobs))
    assert summary.reused == 70 - 3 - 1 - 1  # changed, removed, renamed
    assert summary.failed == 1
    fresh_dir = tmp_path / "fresh"
    fresh = build_index(source, fresh_dir, BuildOptions(jobs=jobs))
    assert (summary.reports, summary.sections, summary.skipped) == (fresh.reports, fresh.sections, fresh.skipped)
    updated_gen, fresh_gen = current_commit(index_dir), current_commit(fresh_dir)
    assert updated_gen is not None and fresh_gen is not None
    assert_same_generation(updated_gen, fresh_gen)
    assert answers(index_dir) == answers(fresh_dir)
    assert answers(index_dir)["新增条目"][0] == 4

    # and again on top of the updated generation
    (source / "renamed.txt").unlink()
    update_index(source, index_dir, BuildOptions(jobs=jobs))
    build_index(source, fresh_dir, BuildOptions(jobs=jobs))
    assert_same_generation(current_commit(index_dir), current_commit(fresh_dir))


def test_update_without_changes_reuses_everything(tmp_path):
    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    before = answers(index_dir)
    summary = update_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    assert summary.reused == 5 and summary.indexed == 5
    assert answers(index_dir) == before


def test_update_of_an_index_in_an_older_format_parses_everything_again(tmp_path):
    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    meta_path = current_commit(index_dir) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["format_version"] = FORMAT_VERSION - 1
    meta_path.write_text(json.dumps(meta))
    summary = update_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    assert summary.reused == 0 and summary.reports == 5
    fresh = tmp_path / "fresh"
    build_index(SAMPLES, fresh, BuildOptions(jobs=1))
    assert_same_generation(current_commit(index_dir), current_commit(fresh))


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search_service", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def test_update_killed_at_random_points_leaves_index_as_before(tmp_path):
    source = make_corpus(tmp_path / "src", 14)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=2))
    change_sources(source)
    started = time.monotonic()
    probe = tmp_path / "probe"
    shutil.copytree(index_dir, probe, ignore=shutil.ignore_patterns(".lock"))
    assert _cli("index", "update", "--source", str(source), "--index", str(probe)).wait() in (0, 3)
    full = time.monotonic() - started
    live = current_commit(index_dir)
    before = answers(index_dir)
    rng = random.Random(9)
    for _ in range(6):
        proc = _cli("index", "update", "--source", str(source), "--index", str(index_dir))
        time.sleep(rng.uniform(0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = current_commit(index_dir)
        if current != live:  # killed after the switch: the new generation is complete
            live, before = current, answers(index_dir)
        assert answers(index_dir) == before
    done = _cli("index", "update", "--source", str(source), "--index", str(index_dir))
    assert done.wait() in (0, 3), done.stderr.read()  # 3: built, one file failed
    assert not [p for p in os.listdir(index_dir) if p.startswith(toc.BUILDING_PREFIX)]
    fresh = tmp_path / "fresh"
    build_index(source, fresh, BuildOptions(jobs=1))
    assert answers(index_dir) == answers(fresh)


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def test_killed_build_leaves_no_worker_processes_behind(tmp_path):
    """A build killed with SIGKILL takes its parsing workers (and their
    forkserver) with it: they would otherwise wait for work forever."""
    source = make_corpus(tmp_path / "src", 30)
    proc = _cli("index", "build", "--source", str(source), "--index", str(tmp_path / "ix"))
    helpers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        helpers = _children(proc.pid)
        workers = set().union(*(_children(pid) for pid in helpers)) if helpers else set()
        if workers:
            helpers |= workers
            break
        time.sleep(0.05)
    else:
        pytest.skip("the build ended before its workers could be seen")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in helpers):
        time.sleep(0.2)
    alive = [pid for pid in helpers if Path(f"/proc/{pid}/stat").exists() and "Z" not in _state(pid)]
    assert not alive


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_update_rereads_files_when_the_manifest_changes(tmp_path):
    """manifest.csv may override any file's fields: a change to it alone
    (no report file touched) is picked up by `index update`, which parses
    again the file whose row changed, and only it."""
    import shutil

    from search_service.indexing import BuildOptions, build_index, update_index
    from search_service.search import open_index
    from tests.conftest import SAMPLES

    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    first = sorted(p.name for p in source.iterdir())[0]
    manifest = source / "manifest.csv"
    manifest.write_text(f"file,url\n{first},https://example.gov.cn/a.html\n", "utf-8")
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))

    def url_of(name: str) -> str | None:
        index = open_index(index_dir)
        return next(rec["url"] for rec in index.records if rec["source"] == name)

    assert url_of(first) == "https://example.gov.cn/a.html"
    unchanged = update_index(source, index_dir, BuildOptions(jobs=1))
    assert unchanged.reused == unchanged.seen
    manifest.write_text(f"file,url,unit\n{first},https://example.gov.cn/b.html,某某镇\n", "utf-8")
    changed = update_index(source, index_dir, BuildOptions(jobs=1))
    assert changed.reused == changed.seen - 1
    assert url_of(first) == "https://example.gov.cn/b.html"
    index = open_index(index_dir)
    assert next(rec["unit"] for rec in index.records if rec["source"] == first) == "某某镇"


def test_the_time_budget_reaches_the_build(tmp_path):
    """A build given a budget too small for any file reports each as failed
    with the reason, and the build goes on to the end."""
    import shutil

    from search_service.indexing import BuildOptions, build_index
    from tests.conftest import SAMPLES

    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    summary = build_index(source, tmp_path / "ix", BuildOptions(jobs=1, time_budget=1e-6))
    assert summary.failed == summary.seen == 5
    assert all("time budget" in p.reason for p in summary.problems)
