"""Each request reads one index generation: the body and its ETag and
Last-Modified agree even when CURRENT switches in the middle of the request,
and a server process keeps the garbage collector off the generations it
opens without keeping a replaced one alive."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from search_service import create_app
from search_service.config import Settings
from search_service.indexing import BuildOptions, build_index
from search_service.segments.format import current_commit, switch_current
from search_service.service import freeze_collector_after_switch
from tests.conftest import copy_samples


@pytest.fixture(scope="module")
def generations(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, Path]:
    """An index with two live-able generations: all five samples, then four
    (the replaced generation stays on disk for its grace period)."""
    root = tmp_path_factory.mktemp("two-generations")
    source = copy_samples(root / "source")
    index_dir = root / "index"
    build_index(source, index_dir, BuildOptions(jobs=1))
    first = current_commit(index_dir)
    sorted(source.iterdir())[0].unlink()
    build_index(source, index_dir, BuildOptions(jobs=1))
    second = current_commit(index_dir)
    assert first is not None and second is not None and first != second
    return source, index_dir, first, second


@pytest.fixture()
def switching_app(generations):
    """The app, re-reading CURRENT on every request, with an after_request
    hook that runs before the validators' (registered later, so earlier)
    and points CURRENT at `switch["to"]` when set: a rebuild finishing
    between the view and its ETag."""
    source, index_dir, first, second = generations
    app = create_app(Settings(index_dir=index_dir, source_dir=source))
    app.extensions["search_service.index"].check_interval = 0
    switch: dict[str, Path | None] = {"to": None}

    @app.after_request
    def _switch_mid_request(response):
        if switch["to"] is not None:
            switch_current(index_dir, switch["to"])
        return response

    app.switch = switch
    yield app
    switch_current(index_dir, second)


URLS = [
    "/api/v1/search?q=%E6%B3%95%E6%B2%BB&doc_type=all",
    "/api/v1/stats",
    "/healthz",
    "/?q=%E6%B3%95%E6%B2%BB&doc_type=all",
]


@pytest.mark.parametrize("url", URLS)
def test_request_spanning_a_switch_reads_one_generation(switching_app, generations, url):
    _, index_dir, first, second = generations
    client = switching_app.test_client()

    switch_current(index_dir, first)
    on_first = client.get(url)
    switch_current(index_dir, second)
    on_second = client.get(url)
    assert on_first.status_code == on_second.status_code == 200
    assert on_first.data != on_second.data
    assert on_first.headers["ETag"] != on_second.headers["ETag"]

    switch_current(index_dir, first)
    switching_app.switch["to"] = second
    spanning = client.get(url)
    assert current_commit(index_dir) == second  # the switch did happen mid-request
    assert spanning.data == on_first.data
    assert spanning.headers["ETag"] == on_first.headers["ETag"]
    assert spanning.headers["Last-Modified"] == on_first.headers["Last-Modified"]

    after = client.get(url)  # the next request reads the new generation
    assert after.data == on_second.data
    assert after.headers["ETag"] == on_second.headers["ETag"]


def test_body_and_etag_name_the_same_generation(switching_app, generations):
    _, index_dir, first, second = generations
    client = switching_app.test_client()
    switch_current(index_dir, first)
    switching_app.switch["to"] = second
    spanning = client.get("/healthz")
    assert spanning.get_json()["generation"] == first.name
    switching_app.switch["to"] = None
    switch_current(index_dir, first)
    assert client.get("/healthz").headers["ETag"] == spanning.headers["ETag"]


@pytest.fixture()
def unfreeze_after() -> Iterator[None]:
    """gc.freeze() is process-wide: give the test session its collector back."""
    yield
    gc.unfreeze()


def test_server_freezes_each_generation_and_frees_the_replaced_one(generations, unfreeze_after):
    source, index_dir, first, second = generations
    app = create_app(Settings(index_dir=index_dir, source_dir=source))
    freeze_collector_after_switch(app)
    handle = app.extensions["search_service.index"]
    handle.check_interval = 0
    client = app.test_client()

    switch_current(index_dir, first)
    response = client.get("/healthz")
    assert app.extensions["search_service.frozen_generation"] == ""  # not before the response is sent
    response.close()  # as the WSGI server does once it has sent the body
    assert app.extensions["search_service.frozen_generation"] == first.name
    assert gc.get_freeze_count() > 0
    replaced = weakref.ref(handle.get())
    assert replaced().generation == first.name

    switch_current(index_dir, second)
    client.get("/healthz").close()
    assert app.extensions["search_service.frozen_generation"] == second.name
    assert replaced() is None  # freed by reference counting: frozen objects are never collected
