"""The coverage page and the significant words of the search page in a real
headless Chromium (Playwright driving /usr/bin/chromium) against gunicorn
serving a constructed collection: colours by status, the hover title, a sort
link, the CSV link, phone width, and a word link narrowing the search.
Screenshots go to screenshots/ (git-ignored), as in test_browser.py."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page

from tests.analysis.reports import report_text
from tests.web.conftest import PHONE, SHOTS, served_reports, watched_page

UNITS = ("吉水镇", "石角镇", "安铺镇", "横山镇")
YEARS = tuple(range(2019, 2025))
# Unit 0 publishes in March (on time), unit 1 in May (late), unit 2 without
# a date; unit 3 reports only in even years (the odd ones are gaps).
DATES = {0: "{next}-03-01", 1: "{next}-05-01", 2: None, 3: "{next}-02-01"}
COLOURS = {"on_time": "rgb(217, 242, 227)", "late": "rgb(255, 216, 191)", "unknown": "rgb(255, 241, 184)"}
COLOURS["missing"] = "rgb(236, 238, 242)"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    files = {}
    for u, unit in enumerate(UNITS):
        for year in YEARS:
            if u == 3 and year % 2:
                continue
            # 八五普法 in units 0-2 of 2023 and 2024; 法律明白人 in those and one more.
            planted = ["行政复议"]
            if u < 3 and year >= 2023:
                planted += ["八五普法", "法律明白人"]
            if (u, year) == (3, 2024):
                planted.append("法律明白人")
            date = DATES[u].format(next=year + 1) if DATES[u] else None
            parts = {"measures": "、".join(planted) + "。", "plans": "无。"}
            if u == 0:
                parts = {"measures": parts["measures"], "problems": "不足。", "leadership": "履职。", "plans": "无。"}
            files[f"{u}-{year}.txt"] = report_text(unit, year, date, parts)
    with served_reports(tmp_path_factory.mktemp("browser-analysis"), files) as base:
        yield base


def test_coverage_colours_title_sort_and_csv(page: Page, server: str):
    SHOTS.mkdir(exist_ok=True)
    page.goto(server + "/")
    page.click("#coverage-link")
    page.wait_for_selector("#coverage")
    for status, colour in COLOURS.items():
        cells = page.locator(f"#coverage td[data-status={status}]")
        assert cells.count() > 0, status
        assert cells.first.evaluate("e => getComputedStyle(e).backgroundColor") == colour
    late = page.locator("#coverage tbody tr", has_text="石角镇").locator("td[data-year='2020']")
    late.hover()
    title = late.get_attribute("title")
    assert "逾期" in title and "2021-05-01" in title and "缺少：存在的问题、第一责任人履职" in title
    assert late.locator(".note").inner_text() == "缺问题、履职"
    page.screenshot(path=str(SHOTS / "coverage-desktop.png"), full_page=True)

    page.click("nav.sort >> text=报告最少")
    page.wait_for_url("**order=-reports**")
    assert page.locator("#coverage tbody .unit-name").first.inner_text() == "横山镇"  # 3 years of 6

    href = page.get_attribute("#csv", "href")
    response = page.request.get(server + href)
    assert response.status == 200 and response.body().startswith("\ufeffunit,level".encode())


def test_coverage_at_phone_width(browser: Browser, server: str):
    pg, problems = watched_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    pg.goto(server + "/coverage")
    assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself does not scroll
    wrap = pg.locator(".grid-wrap")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the table scrolls inside its wrapper
    unit_cell = pg.locator("#coverage tbody th.unit-col").first
    before = unit_cell.bounding_box()["x"]
    wrap.evaluate("e => { e.scrollLeft = 200; }")
    pg.wait_for_function("document.querySelector('.grid-wrap').scrollLeft > 0")
    assert unit_cell.bounding_box()["x"] == pytest.approx(before, abs=1)  # the first column stays
    assert pg.locator("#coverage td[data-year='2024']").first.is_visible()
    pg.screenshot(path=str(SHOTS / "coverage-phone.png"), full_page=True)
    pg.context.close()
    assert problems == []


def test_a_significant_word_narrows_the_search(page: Page, server: str):
    page.goto(server + "/?q=八五普法")
    page.wait_for_selector("#terms")
    word = page.locator("#terms a").first
    assert word.inner_text() == "法律明白人"
    page.locator("#terms").screenshot(path=str(SHOTS / "terms-list.png"))
    page.screenshot(path=str(SHOTS / "search-terms-desktop.png"), full_page=True)
    word.click()
    page.wait_for_url("**q=**")
    assert parse_qs(urlparse(page.url).query)["q"] == ["八五普法 法律明白人"]
    assert page.inner_text("#total") == "6"
