"""Rebuilds that never break the service or lose a report (issue 8):
killed builds, concurrent readers during rebuilds, bad files."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from search_service.indexing import BuildOptions, build_index
from search_service.model import SearchRequest
from search_service.search import open_index, run_search
from search_service.segments import toc
from search_service.segments.format import current_commit, switch_current
from tests.conftest import SAMPLES, start_gunicorn, stop

QUERIES = ["法律顾问", "综合行政执法办公室", "八五普法", "法治 -顾问", "执法 OR 复议", "变体"]


def make_corpus(dest: Path, copies: int) -> Path:
    """The samples, each copied `copies` times with one distinct sentence
    appended, so every file is a distinct report."""
    dest.mkdir(parents=True)
    samples = sorted(SAMPLES.glob("*.txt"))
    for i in range(copies):
        for sample in samples:
            text = sample.read_text("utf-8")
            (dest / f"{sample.stem}-{i:03d}.txt").write_text(text + f"\n本报告为第{i}号变体。\n", "utf-8")
    return dest


def answers(index_dir: Path) -> dict[str, tuple[int, list[str]]]:
    index = open_index(index_dir)
    out = {}
    for q in QUERIES:
        result = run_search(index, SearchRequest(q=q, per_page=100))
        out[q] = (result.total.reports, sorted(h.report_id for h in result.results))
    return out


def cli(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "search_service", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_build_killed_at_20_random_points_leaves_index_as_before(tmp_path):
    source = make_corpus(tmp_path / "src", 20)
    index_dir = tmp_path / "ix"
    started = time.monotonic()
    assert cli("index", "build", "--source", str(source), "--index", str(index_dir)).wait() == 0
    full = time.monotonic() - started
    before = answers(index_dir)
    live = current_commit(index_dir)
    (source / "extra.txt").write_text((SAMPLES / "000_0f29331b601e0308.txt").read_text("utf-8") + "\n变体新增。\n")
    rng = random.Random(8)
    for _ in range(20):
        proc = cli("index", "build", "--source", str(source), "--index", str(index_dir))
        time.sleep(rng.uniform(0, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = current_commit(index_dir)
        if current != live:  # the kill came after the switch: the new index is complete
            live = current
            before = answers(index_dir)
        assert answers(index_dir) == before
    done = cli("index", "build", "--source", str(source), "--index", str(index_dir))
    assert done.wait() == 0, done.stderr.read()
    assert not [p for p in index_dir.iterdir() if p.name.startswith(toc.BUILDING_PREFIX)]
    assert answers(index_dir)["变体"][0] == 101


def test_readers_see_old_or_new_index_during_rebuilds(tmp_path):
    source = make_corpus(tmp_path / "src", 10)
    index_dir = tmp_path / "ix"
    assert cli("index", "build", "--source", str(source), "--index", str(index_dir)).wait() == 0
    old = answers(index_dir)
    # The new corpus differs: a sample removed, two variants added.
    shutil.rmtree(source)
    source = make_corpus(tmp_path / "src2", 12)
    for path in source.glob("003_*"):
        path.unlink()
    expected_new = None
    server, base = start_gunicorn(index_dir)
    errors: list[str] = []
    seen: list[tuple[str, tuple[int, list[str]]]] = []
    stop_flag = threading.Event()

    def client(worker: int) -> None:
        session = requests.Session()
        i = worker
        while not stop_flag.is_set():
            q = QUERIES[i % len(QUERIES)]
            i += 1
            try:
                r = session.get(base + "/api/v1/search", params={"q": q, "per_page": 100}, timeout=30)
            except requests.RequestException as exc:
                errors.append(f"{q}: {exc}")
                continue
            if r.status_code != 200:
                errors.append(f"{q}: {r.status_code} {r.text[:200]}")
                continue
            body = r.json()
            seen.append((q, (body["total"]["reports"], sorted(h["report_id"] for h in body["results"]))))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    try:
        for t in threads:
            t.start()
        for command in ("build", "build", "update"):
            assert cli("index", command, "--source", str(source), "--index", str(index_dir)).wait() == 0
            time.sleep(1.5)  # let workers notice the switch
        expected_new = answers(index_dir)
        time.sleep(1.5)
    finally:
        stop_flag.set()
        for t in threads:
            t.join()
        stop(server)
    assert errors == []
    assert len(seen) > 50
    assert old != expected_new
    for q, answer in seen:
        assert answer in (old[q], expected_new[q]), q
    assert any(answer == expected_new[q] for q, answer in seen)


@pytest.fixture()
def bad_source(tmp_path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    (source / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (source / "empty.txt").write_bytes(b"")
    (source / "english.txt").write_text("This is not a report at all. " * 20)
    (source / "corrupt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>garbage" + os.urandom(2000))
    (source / "corrupt.docx").write_bytes(b"PK\x03\x04 not really a zip" + os.urandom(500))
    with (source / "junk.txt").open("wb") as junk:  # 50 MB of junk
        for _ in range(50):
            junk.write(os.urandom(1 << 20))
    (source / "news.txt").write_text(
        "吉水镇召开2024年法治建设工作会议\n\n3月5日上午，吉水镇召开法治建设工作会议，"
        "镇党委书记出席会议并讲话。会议传达了上级会议精神。\n",
        "utf-8",
    )
    return source


def test_bad_files_are_listed_and_good_files_still_searchable(tmp_path, bad_source):
    index_dir = tmp_path / "ix"
    report_file = tmp_path / "build.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "search_service",
            "index",
            "build",
            "--source",
            str(bad_source),
            "--index",
            str(index_dir),
            "--report",
            str(report_file),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 3, done.stderr  # built, but some files failed
    for name in ("binary.txt", "empty.txt", "english.txt", "corrupt.pdf", "corrupt.docx", "junk.txt"):
        assert name in done.stderr
    summary = json.loads(report_file.read_text())
    problems = {p["source"]: p for p in summary["problems"]}
    assert {"binary.txt", "empty.txt", "english.txt", "corrupt.pdf", "corrupt.docx", "junk.txt"} <= set(problems)
    assert "too large" in problems["junk.txt"]["reason"]
    # A news item is readable: indexed as another document, not a problem.
    assert "news.txt" not in problems
    assert summary["files"]["seen"] == 12 and summary["files"]["indexed"] == 6
    clean = tmp_path / "clean"
    build_index(SAMPLES, clean, BuildOptions(jobs=1))
    assert answers(index_dir) == answers(clean)
    strict = subprocess.run(
        [
            sys.executable,
            "-m",
            "search_service",
            "index",
            "build",
            "--strict",
            "--source",
            str(bad_source),
            "--index",
            str(index_dir),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert strict.returncode == 1
    stats = json.loads(
        subprocess.run(
            [sys.executable, "-m", "search_service", "index", "stats", "--index", str(index_dir), "--json"],
            capture_output=True,
            text=True,
        ).stdout
    )
    assert stats["files"] == {"seen": 12, "indexed": 6, "skipped": 0, "failed": 6}


def _limit_file_size(limit: int):
    """In the child: files cannot grow past `limit` bytes, as on a full disk
    (writes fail with EFBIG instead of the process being killed)."""

    def apply() -> None:
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_build_failing_to_write_leaves_index_as_before(tmp_path):
    """A disk that fills up mid-build: the build fails with a message, the
    served index answers as before, and the next build cleans up and succeeds."""
    source = make_corpus(tmp_path / "src", 4)
    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    before = answers(index_dir)
    live = current_commit(index_dir)
    done = subprocess.run(
        [sys.executable, "-m", "search_service", "index", "build", "--source", str(source), "--index", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=_limit_file_size(64 * 1024),
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip()
    assert current_commit(index_dir) == live
    assert answers(index_dir) == before
    again = subprocess.run(
        [sys.executable, "-m", "search_service", "index", "build", "--source", str(source), "--index", str(index_dir)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert answers(index_dir)["变体"][0] == 20
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".building")]


TRAVERSALS = [
    "/api/v1/reports/../../setup.cfg",
    "/api/v1/reports/..%2F..%2Fsetup.cfg",
    "/api/v1/reports/%2e%2e%2f%2e%2e%2fsetup.cfg",
    "/reports/..%2F..%2Fsetup.cfg",
    "/reports/..%2F..%2Fsetup.cfg/source",
    "/reports/%2e%2e/source",
    "/reports/....//....//setup.cfg/source",
    "/assets/../../setup.cfg",
    "/assets/..%2F..%2Fsetup.cfg",
    "/api/docs/..%2F..%2F..%2Fsetup.cfg",
    "/reports/%00/source",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_no_id_or_path_reaches_a_file_outside_the_index(client, url):
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)
    assert b"search_service" not in response.data and b"install_requires" not in response.data


def test_a_stored_source_outside_the_folder_is_never_served(tmp_path):
    """Even an index whose record names a path outside the source folder
    (../../setup.cfg) gives no download of it."""
    from dataclasses import replace

    from search_service import create_app
    from search_service.config import PROJECT_ROOT, Settings
    from search_service.indexing import load_reports, write_commit_point

    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    report = load_reports(current_commit(index_dir))[0]
    escaped = "../" * 12 + str(PROJECT_ROOT / "setup.cfg").lstrip("/")
    folder = index_dir / "gen-hostile"
    write_commit_point(folder, [replace(report, report_id="escape0000000001", source=escaped)], {"source": "test"})
    switch_current(index_dir, folder)
    client = create_app(Settings(index_dir=index_dir, source_dir=SAMPLES)).test_client()
    page = client.get("/reports/escape0000000001", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"/source" not in page.data
    download = client.get("/reports/escape0000000001/source")
    assert download.status_code == 404 and b"install_requires" not in download.data
