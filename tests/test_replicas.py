"""Searching scales out by replicas: an index copied file by file (as rsync
copies it, docs/deploy.md) serves the same answers, under the same
generation name and so the same cache validators, as the index it was
copied from."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import requests

from search_service.segments import toc
from search_service.segments.changelog import LOG_NAME
from search_service.segments.format import current_commit, read_commit
from tests.conftest import start_gunicorn, stop

QUERIES = [
    {"q": "法律顾问", "year": 2024},
    {"q": "法治"},
    {"q": "法治", "doc_type": "all", "facet_size": 0, "per_page": 100},
    {"q": "八五普法", "section": "measures"},
    {"q": "法律顾问 OR 八五普法", "sort": "-year"},
    {"q": "法治 -八五普法", "page": 2, "per_page": 2},
]


def publish_order(index_dir: Path) -> list[str]:
    """What a replica copies, in order, to serve the live commit point
    (docs/deploy.md), by the table of contents: its segments, the commit
    point's own folder, CURRENT (only then is it served), the change log."""
    live = current_commit(index_dir)
    assert live is not None
    return [*(seg.name for seg in read_commit(live).segments), live.name, toc.CURRENT, toc.CHANGES]


def copy_as_rsync_would(index_dir: Path, replica: Path) -> None:
    """The publish step of docs/deploy.md, in the order the table of contents
    gives (publish_order): the commit point's immutable
    files (its segments, then its own folder) first, then CURRENT, then the
    change log."""
    replica.mkdir()
    for name in publish_order(index_dir):
        if name == toc.CURRENT:
            assert current_commit(replica) is None  # not served before CURRENT names it
        if (index_dir / name).is_dir():
            shutil.copytree(index_dir / name, replica / name)
        else:
            shutil.copy2(index_dir / name, replica / name)
    assert (replica / LOG_NAME).exists()


@pytest.fixture(scope="module")
def replica_server(sample_index: Path, tmp_path_factory: pytest.TempPathFactory):
    replica = tmp_path_factory.mktemp("replica") / "index"
    copy_as_rsync_would(sample_index, replica)
    proc, base = start_gunicorn(replica, workers=1)
    try:
        yield base
    finally:
        stop(proc)


def _get(base: str, path: str, params: dict | None = None) -> requests.Response:
    response = requests.get(base + path, params=params, timeout=30)
    assert response.status_code == 200, (path, params, response.text[:300])
    return response


def test_copied_index_names_the_same_generation(sample_index, live_server, replica_server):
    generation = current_commit(sample_index).name
    assert _get(live_server, "/healthz").json()["generation"] == generation
    assert _get(replica_server, "/healthz").json() == _get(live_server, "/healthz").json()
    assert _get(replica_server, "/api/v1/stats").json() == _get(live_server, "/api/v1/stats").json()


@pytest.mark.parametrize("params", QUERIES, ids=lambda p: " ".join(f"{k}={v}" for k, v in p.items()))
def test_copied_index_gives_the_same_search_answers(live_server, replica_server, params):
    original = _get(live_server, "/api/v1/search", params)
    copied = _get(replica_server, "/api/v1/search", params)
    assert copied.json() == original.json()
    assert original.json()["total"]["reports"] > 0 or params.get("page") == 2
    # Validators come from the generation's name and build time, which the
    # copy keeps: a cache in front of several replicas revalidates alike.
    assert copied.headers["ETag"] == original.headers["ETag"]
    assert copied.headers["Last-Modified"] == original.headers["Last-Modified"]


def test_copied_index_gives_the_same_reports_and_changes(live_server, replica_server):
    ids = [
        hit["report_id"]
        for hit in _get(live_server, "/api/v1/search", {"q": "法治", "doc_type": "all"}).json()["results"]
    ]
    assert ids
    for report_id in ids:
        path = f"/api/v1/reports/{report_id}"
        assert _get(replica_server, path).json() == _get(live_server, path).json()
    since = {"since": "2000-01-01T00:00:00Z"}
    assert _get(replica_server, "/api/v1/changes", since).json() == _get(live_server, "/api/v1/changes", since).json()


def test_copied_index_gives_the_same_page(live_server, replica_server):
    params = {"q": "法律顾问", "year": 2024}
    assert _get(replica_server, "/", params).text == _get(live_server, "/", params).text
