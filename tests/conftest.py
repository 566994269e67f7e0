"""Shared fixtures: the sample index built once, the Flask app, client and
CLI runner (as in Flask's tutorial), and a real gunicorn server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from search_service import create_app
from search_service.config import PROJECT_ROOT, Settings
from search_service.indexing import BuildOptions, build_index

SAMPLES = PROJECT_ROOT / "data" / "reports"


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the five bundled sample reports, built once per run."""
    index_dir = tmp_path_factory.mktemp("sample-index")
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    return index_dir


@pytest.fixture()
def settings(sample_index: Path) -> Settings:
    return Settings(index_dir=sample_index, source_dir=SAMPLES)


@pytest.fixture()
def app(settings: Settings):
    return create_app(settings)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(index_dir: Path, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SEARCH_SERVICE_INDEX": str(index_dir)}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen(
        [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning", "wsgi:app"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
            raise RuntimeError(f"gunicorn exited with {proc.returncode}: {output}")
        try:
            requests.get(base + "/healthz", timeout=1)
            return proc, base
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("gunicorn did not start within 30 s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def live_server(sample_index: Path) -> Iterator[str]:
    """Base URL of gunicorn (2 workers) serving the sample index."""
    proc, base = start_gunicorn(sample_index)
    try:
        yield base
    finally:
        stop(proc)


@pytest.fixture()
def empty_dir(tmp_path: Path) -> Path:
    path = tmp_path / "empty-index"
    path.mkdir()
    return path


def copy_samples(dest: Path) -> Path:
    shutil.copytree(SAMPLES, dest)
    return dest
