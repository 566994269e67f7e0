"""Fixtures of the page tests: a larger index made from the sample reports
(the five samples are too few for a page of 20 results), with one report
whose own text and title carry markup, to show that report text is escaped;
and for the browser tests, headless Chromium (one per test module) and pages
that record script errors and requests leaving the server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from search_service import create_app
from search_service.config import PROJECT_ROOT, Settings
from search_service.indexing import load_reports, write_commit_point
from search_service.model import Section
from search_service.segments.format import current_commit, switch_current
from tests.analysis.reports import build
from tests.conftest import start_gunicorn, stop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = PROJECT_ROOT / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def watched_page(browser: Browser, server: str, **options: Any) -> tuple[Page, list[str]]:
    """A page in a new zh-CN context (options: viewport, java_script_enabled…)
    and the list its script errors and requests leaving `server` go to."""
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script error: {exc}"))
    page.on("request", lambda r: None if r.url.startswith(server) else problems.append(f"external: {r.url}"))
    return page, problems


@contextmanager
def served_reports(folder: Path, files: dict[str, str]) -> Iterator[str]:
    """gunicorn (one worker) serving the collection built in `folder` from
    report `files` (name -> text); yields its base URL."""
    proc, base = start_gunicorn(build(folder, files), workers=1)
    try:
        yield base
    finally:
        stop(proc)


@pytest.fixture()
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A desktop-width watched page of the module's `server`; the test fails
    on a script error or a request leaving the server."""
    pg, problems = watched_page(browser, server, viewport=DESKTOP)
    yield pg
    pg.context.close()
    assert problems == []


COPIES = 6  # 5 samples x 6 copies = 30 reports
HOSTILE_ID = "hostile0000000001"
HOSTILE_TITLE = '<script>alert("title")</script>镇2023年法治政府建设年度报告'
HOSTILE_TEXT = '全面推进法律顾问制度。<script>alert(1)</script> "><img src=x onerror=alert(1)> 法律顾问&amp;律师'


@pytest.fixture(scope="session")
def large_index(sample_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample reports, each copied COPIES times under other years and
    towns, plus one hostile report."""
    generation = current_commit(sample_index)
    assert generation is not None
    samples = load_reports(generation)
    reports = []
    for copy in range(COPIES):
        for n, report in enumerate(samples):
            reports.append(
                replace(
                    report,
                    report_id=f"copy{copy}-{report.report_id}",
                    year=2019 + (copy + n) % 6,
                    town=f"{report.town or '某'}{copy}",
                    source=f"copies/{copy}/{report.source}",
                )
            )
    reports.append(
        replace(
            samples[0],
            report_id=HOSTILE_ID,
            title=HOSTILE_TITLE,
            town="<b>镇</b>",
            year=2023,
            source="hostile/<x>.txt",
            sections=[Section("preamble", "", ""), Section("measures", "一、<i>主要工作</i>", HOSTILE_TEXT)],
        )
    )
    index_dir = tmp_path_factory.mktemp("large-index")
    folder = index_dir / "gen-large"
    write_commit_point(folder, reports, {"source": "copies of data/reports"})
    switch_current(index_dir, folder)
    return index_dir


@pytest.fixture()
def large_client(large_index: Path, tmp_path: Path):
    return create_app(Settings(index_dir=large_index, source_dir=tmp_path)).test_client()
