"""HTTP load against gunicorn serving the engine under test.

Starts `gunicorn wsgi:app` from the project folder (2 sync workers, the
deployment the README describes), measures the time from starting the process
to the first answered search, then drives the query mix with 1 and 8
concurrent clients for a fixed time each. Clients are threads using
http.client with a new connection per request (gunicorn's sync workers close
the connection after each answer anyway). Every answer that is not a 200 with
a complete body counts as an error.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.queries import BenchQuery
from search_service.model import PLACE_FIELDS

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Seconds allowed from starting gunicorn to its first answer (2.3 s at
# 100,000 reports; a first query over 1,000,000 may take far longer).
FIRST_ANSWER_TIMEOUT = 600.0


@dataclass
class LoadResult:
    """Requests answered by `clients` concurrent clients in `seconds`."""

    clients: int
    seconds: float
    requests: int = 0
    errors: int = 0
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def query_path(query: BenchQuery) -> str:
    """The API URL path (with query string) asking query's question."""
    r = query.request
    params: list[tuple[str, object]] = [("q", r.q)]
    params += [("year", y) for y in r.year]
    if r.year_from is not None:
        params.append(("year_from", r.year_from))
    if r.year_to is not None:
        params.append(("year_to", r.year_to))
    for name in PLACE_FIELDS:
        params += [(name, v) for v in getattr(r, name)]
    if r.section:
        params.append(("section", r.section))
    return "/api/v1/search?" + urllib.parse.urlencode(params)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, timeout: float = 30.0) -> int:
    """Status of one GET, reading the whole body; -1 when the connection failed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return -1
    finally:
        conn.close()


@dataclass(frozen=True)
class WorkerMemory:
    """One worker's memory in MB (smaps_rollup's fields, kB / 1024).

    `rss` counts every resident page it maps, including the page cache of
    the memory-mapped index that both workers (and the kernel) share;
    `pss` divides each shared page among the processes mapping it;
    `private` (USS) is what no other process maps: `private_dirty` (its
    heap and other written pages, what it alone holds and cannot drop)
    plus `private_clean` (mostly index pages only this worker has read:
    page cache the kernel can reclaim). `anonymous` is memory backed by
    no file, shared with the master or not; `pss_anon` is its share."""

    pid: int
    rss: float
    pss: float
    private: float
    private_dirty: float
    private_clean: float
    anonymous: float
    pss_anon: float | None  # the anonymous part of pss (kernels since 5.16)

    @classmethod
    def of(cls, pid: int) -> WorkerMemory:
        kb: dict[str, int] = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, value = line.split(":", 1)
            kb[name] = int(value.split()[0])
        mb = {name: value / 1024 for name, value in kb.items()}
        return cls(
            pid=pid,
            rss=mb["Rss"],
            pss=mb["Pss"],
            private=mb["Private_Clean"] + mb["Private_Dirty"],
            private_dirty=mb["Private_Dirty"],
            private_clean=mb["Private_Clean"],
            anonymous=mb["Anonymous"],
            pss_anon=mb.get("Pss_Anon"),
        )


class Gunicorn:
    """A gunicorn master we started, and its workers."""

    def __init__(self, index_dir: Path, workers: int = 2) -> None:
        self.port = free_port()
        env = {**os.environ, "SEARCH_SERVICE_INDEX": str(index_dir)}
        cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        # gunicorn's log goes to a file, not a pipe: nobody reads a pipe while
        # the load runs, and a worker logging an error per request fills its
        # 64 KB and blocks master and workers on write.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.started = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603 - our own fixed command line
            [*cmd, "wsgi:app"], cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log
        )

    def log_tail(self, size: int = 2000) -> str:
        """The end of what gunicorn wrote to stderr."""
        self.log.seek(0, os.SEEK_END)
        self.log.seek(max(0, self.log.tell() - size))
        return self.log.read().decode("utf-8", "replace")

    def wait_first_answer(self, path: str, timeout: float = 60.0) -> float:
        """Seconds from starting gunicorn to the first 200 answer to path."""
        while time.monotonic() - self.started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}: {self.log_tail()}")
            if _get(self.port, path, timeout=10.0) == 200:
                return time.monotonic() - self.started
            time.sleep(0.02)
        raise RuntimeError(f"gunicorn gave no answer within {timeout} s: {self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """Children of the master (its workers), from /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # The command name may hold spaces: fields start after its closing ")".
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def worker_memory(self) -> list[WorkerMemory]:
        """Every worker's memory, from /proc/<pid>/smaps_rollup."""
        out = []
        for pid in self.worker_pids():
            try:
                out.append(WorkerMemory.of(pid))
            except (OSError, KeyError, ValueError):
                continue
        return out

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def drive(port: int, paths: Sequence[str], clients: int, seconds: float) -> LoadResult:
    """Run `clients` threads, each cycling through paths (starting at a
    different offset) until `seconds` have passed."""
    result = LoadResult(clients=clients, seconds=seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset: int) -> None:
        done, errors, latencies = 0, 0, []
        i = offset
        while time.monotonic() < deadline:
            started = time.perf_counter()
            status = _get(port, paths[i % len(paths)])
            latencies.append((time.perf_counter() - started) * 1000)
            done += 1
            errors += status != 200
            i += 1
        with lock:
            result.requests += done
            result.errors += errors
            result.latencies_ms.extend(latencies)

    step = max(len(paths) // clients, 1)
    threads = [threading.Thread(target=client, args=(k * step,)) for k in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - started
    return result


@dataclass
class HttpFigures:
    first_answer_s: float
    loads: list[LoadResult]
    workers: list[WorkerMemory]  # after the loads

    @property
    def worker_rss_mb(self) -> list[float]:
        return [w.rss for w in self.workers]


def measure_http(index_dir: Path, queries: Sequence[BenchQuery], seconds: float, workers: int = 2) -> HttpFigures:
    """Start gunicorn, time its first answer, load it with 1 and 8 clients,
    read its workers' memory (smaps_rollup), stop it."""
    paths = [query_path(q) for q in queries]
    server = Gunicorn(index_dir, workers)
    try:
        first = server.wait_first_answer(paths[0], timeout=FIRST_ANSWER_TIMEOUT)
        loads = [drive(server.port, paths, clients, seconds) for clients in (1, 8)]
        memory = server.worker_memory()
    finally:
        server.stop()
    return HttpFigures(first, loads, memory)
