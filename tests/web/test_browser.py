"""The page in a real headless Chromium (Playwright driving /usr/bin/chromium)
against gunicorn. Screenshots go to screenshots/ (git-ignored)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from search_service.config import PROJECT_ROOT

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def test_type_a_query_and_filter_by_a_facet(page: Page, live_server: str):
    SHOTS.mkdir(exist_ok=True)
    page.goto(live_server + "/")
    page.fill("input[name=q]", "法律顾问")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#total")
    total_all = int(page.inner_text("#total"))
    assert total_all >= 2
    assert page.locator("article.hit mark").first.inner_text() == "法律顾问"
    page.screenshot(path=str(SHOTS / "search-desktop.png"), full_page=True)

    page.click("[data-facet=year] a:text('2024')")
    page.wait_for_selector("#total")
    assert int(page.inner_text("#total")) == 2
    assert parse_qs(urlparse(page.url).query)["year"] == ["2024"]
    titles = page.locator("article.hit h2").all_inner_texts()
    assert len(titles) == 2 and all("2024" in t for t in titles)

    page.click("[data-facet=year] li.chosen a")  # undo the choice
    page.wait_for_selector("#total")
    assert int(page.inner_text("#total")) == total_all
    page.go_back()
    assert int(page.inner_text("#total")) == 2


def test_script_in_query_runs_nothing(page: Page, live_server: str):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/")
    page.fill("input[name=q]", "<script>alert(1)</script>")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state("load")
    assert dialogs == []
    assert page.input_value("input[name=q]") == "<script>alert(1)</script>"


def test_open_a_report_on_a_phone(browser: Browser, live_server: str):
    SHOTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/?q=综合行政执法办公室")
    page.screenshot(path=str(SHOTS / "search-phone.png"), full_page=True)
    page.click("article.hit h2 a >> nth=0")
    page.wait_for_selector("article.report")
    assert page.locator("mark").count() >= 1
    assert page.locator("mark").first.inner_text().replace("\n", "") == "综合行政执法办公室"
    page.screenshot(path=str(SHOTS / "report-phone.png"), full_page=True)
    context.close()
