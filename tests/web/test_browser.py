"""The page in a real headless Chromium (Playwright driving /usr/bin/chromium)
against gunicorn serving the sample index: typing, facets, paging, the trend
chart, a report and its matches, hostile queries, and a page without
JavaScript. Screenshots go to screenshots/ (git-ignored) for a reviewer."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, quote, urlparse

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import DESKTOP, PHONE, SHOTS, watched_page

ATTACKS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture()
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A desktop page that fails the test on any request leaving the server
    and on any script error or dialog."""
    pg, problems = watched_page(browser, live_server, viewport=DESKTOP)
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    pg.context.close()
    assert problems == []


@pytest.fixture(scope="module")
def shots() -> object:
    SHOTS.mkdir(exist_ok=True)
    return SHOTS


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def total(page: Page) -> int:
    return int(page.inner_text("#total"))


def api_total(live_server: str, **query) -> int:
    return requests.get(live_server + "/api/v1/search", params=query, timeout=10).json()["total"]["reports"]


def test_type_a_query_apply_and_remove_a_facet(page: Page, live_server: str, shots):
    page.goto(live_server + "/")
    page.fill("input[name=q]", "法律顾问")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#total")
    assert query_of(page) == {"q": ["法律顾问"]}  # the empty year boxes stay out of the URL
    total_all = total(page)
    assert total_all == api_total(live_server, q="法律顾问") >= 2
    expect(page.locator("li.hit mark").first).to_have_text("法律顾问")
    expect(page.locator("#trend svg")).to_be_visible()
    page.screenshot(path=str(shots / "search-desktop.png"), full_page=True)

    year_link = page.locator("[data-facet=year] li a", has_text="2024").first
    count = int(year_link.locator("xpath=following-sibling::span[@class='count']").inner_text())
    year_link.click()
    page.wait_for_url("**year=2024**")
    assert total(page) == count == api_total(live_server, q="法律顾问", year=2024)
    assert query_of(page)["year"] == ["2024"]
    expect(page.locator("#chosen .chip")).to_have_text("年份：2024 ✕")
    years = page.locator("li.hit .year").all_inner_texts()
    assert len(years) == count and all(y.startswith("2024") for y in years)

    page.click("#chosen .chip[data-key=year]")  # undo the choice
    page.wait_for_url(lambda url: "year=" not in url)
    assert total(page) == total_all
    expect(page.locator("#chosen")).to_have_count(0)
    page.go_back()
    assert total(page) == count
    page.go_forward()
    assert total(page) == total_all


def test_undo_a_facet_from_its_list(page: Page, live_server: str):
    page.goto(live_server + "/?q=" + quote("法律顾问"))
    town = page.locator("[data-facet=town] li a").first
    count = int(town.locator("xpath=following-sibling::span[@class='count']").inner_text())
    town.click()
    page.wait_for_url("**town=**")
    assert total(page) == count
    page.click("[data-facet=town] li.chosen a.undo")
    page.wait_for_url(lambda url: "town=" not in url)
    assert total(page) == api_total(live_server, q="法律顾问")


def test_page_through_results(page: Page, live_server: str):
    page.goto(live_server + "/?q=" + quote("法治") + "&per_page=2")
    n = total(page)
    assert n > 2
    seen = page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.reportId)")
    while page.locator(".pages a[rel=next]").count():
        page.click(".pages a[rel=next]")
        page.wait_for_load_state("load")
        seen += page.locator("li.hit").evaluate_all("els => els.map(e => e.dataset.reportId)")
    assert len(seen) == len(set(seen)) == n
    assert page.inner_text(".pages strong") == str((n + 1) // 2)
    page.click(".pages a[rel=prev]")
    assert query_of(page)["page"] == [str((n + 1) // 2 - 1)]
    page.go_back()
    assert page.inner_text(".pages strong") == str((n + 1) // 2)


def test_sort_and_year_range_from_the_form(page: Page, live_server: str):
    page.goto(live_server + "/?q=" + quote("法治"))
    page.click("nav.sort a:text('年份（旧→新）')")
    years = [int(t.split()[0]) for t in page.locator("li.hit .year").all_inner_texts()]
    assert years == sorted(years)
    page.fill("input[name=year_from]", "2022")
    page.press("input[name=year_from]", "Enter")
    page.wait_for_url("**year_from=2022**")
    assert query_of(page)["sort"] == ["year"] and "year_to" not in query_of(page)
    assert total(page) == api_total(live_server, q="法治", year_from=2022)
    assert all(int(t.split()[0]) >= 2022 for t in page.locator("li.hit .year").all_inner_texts())


def test_a_bar_of_the_trend_chart_filters_by_its_year(page: Page, live_server: str):
    page.goto(live_server + "/?q=" + quote("法律顾问"))
    bar = page.locator("#trend a.bar").last
    year = bar.get_attribute("data-year")
    bar.locator("rect").last.click()
    page.wait_for_url(f"**year={year}**")
    assert total(page) == api_total(live_server, q="法律顾问", year=year)
    expect(page.locator(f"#trend a.bar.chosen[data-year='{year}']")).to_have_count(1)


def test_open_a_report_and_step_through_its_matches(page: Page, live_server: str, shots):
    page.goto(live_server + "/?q=" + quote("法律顾问"))
    expected = int(page.locator("li.hit .mention b").first.inner_text())
    page.click("li.hit h2 a >> nth=0")
    page.wait_for_selector("article.report")
    marks = page.locator("article.report mark")
    assert marks.count() == expected >= 2
    expect(page.locator("#match-count")).to_contain_text(str(expected))

    page.click("#next-match")
    assert urlparse(page.url).fragment == "m1"
    expect(page.locator("#match-position")).to_have_text(f"第 1 / {expected} 处")
    expect(page.locator("#m1 + .mnav")).to_be_visible()
    assert page.locator("#m1").evaluate("m => m.matches(':target')")
    page.click("#m1 + .mnav a[rel=next]")  # the link beside the current match
    assert urlparse(page.url).fragment == "m2"
    page.keyboard.press("n")
    assert urlparse(page.url).fragment == ("m3" if expected >= 3 else "m1")
    page.keyboard.press("p")
    assert urlparse(page.url).fragment == "m2"
    page.click("#prev-match")
    assert urlparse(page.url).fragment == "m1"
    page.click("#prev-match")  # wraps round to the last
    assert urlparse(page.url).fragment == f"m{expected}"
    box = page.locator(f"#m{expected}").bounding_box()
    assert box is not None and 0 <= box["y"] < DESKTOP["height"]  # scrolled into view
    page.goto(page.url.split("#")[0] + "#m2")
    page.screenshot(path=str(shots / "report-desktop.png"), full_page=True)

    page.click("p.back a >> nth=0")
    page.wait_for_selector("#total")
    assert query_of(page) == {"q": ["法律顾问"]}


def test_search_and_report_on_a_phone(browser: Browser, live_server: str, shots):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/?q=" + quote("综合行政执法办公室"))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.screenshot(path=str(shots / "search-phone.png"), full_page=True)
    page.click("li.hit h2 a >> nth=0")
    page.wait_for_selector("article.report")
    assert page.locator("mark").count() >= 1
    assert page.locator("mark").first.inner_text().replace("\n", "") == "综合行政执法办公室"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "report-phone.png"), full_page=True)
    page.goto(live_server + "/")
    page.screenshot(path=str(shots / "home-phone.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("attack", ATTACKS)
def test_hostile_queries_show_as_text_and_run_nothing(page: Page, live_server: str, attack: str):
    page.goto(live_server + "/")
    page.fill("input[name=q]", attack)
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state("load")
    assert page.input_value("input[name=q]") == attack
    assert page.locator("img").count() == 0
    assert page.locator("script:not([src])").count() == 0
    expect(page.locator("main")).to_contain_text(attack.strip())

    page.goto(live_server + "/?q=" + quote("法律顾问"))
    page.click("li.hit h2 a >> nth=0")
    page.wait_for_selector("article.report")
    page.fill(".in-report input[name=q]", f"法律顾问 {attack}")
    page.press(".in-report input[name=q]", "Enter")
    page.wait_for_load_state("load")
    assert page.input_value(".in-report input[name=q]") == f"法律顾问 {attack}"
    assert page.locator("img").count() == 0 and page.locator("script:not([src])").count() == 0
    assert page.locator("mark").count() >= 1  # the real term is still marked
    page.goto(live_server + "/reports/" + quote(attack, safe="") + "?q=" + quote(attack))
    expect(page.locator("#not-found")).to_be_visible()
    assert page.locator("img").count() == 0
    # The page fixture fails the test on any dialog or script error.


def test_no_results_offer_terms_that_occur(page: Page, live_server: str, shots):
    page.goto(live_server + "/?q=" + quote("法律顾间"))
    expect(page.locator("#no-results")).to_be_visible()
    page.screenshot(path=str(shots / "no-results-desktop.png"), full_page=True)
    page.click("#no-results .suggestions a:text-is('法律顾问')")
    page.wait_for_selector("li.hit")
    assert total(page) == api_total(live_server, q="法律顾问")


def test_everything_works_without_javascript(browser: Browser, live_server: str):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server + "/")
    page.fill("input[name=q]", "法律顾问")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#total")
    page.click("[data-facet=year] li a:text('2024')")
    assert total(page) == api_total(live_server, q="法律顾问", year=2024)
    page.click("[data-facet=year] li.chosen a.undo")
    assert "year" not in query_of(page)
    page.click("li.hit h2 a >> nth=0")
    page.click("#next-match")
    assert urlparse(page.url).fragment == "m1"
    page.click("#m1 + .mnav a[rel=next]")
    assert urlparse(page.url).fragment == "m2"
    expect(page.locator("#m2 + .mnav")).to_be_visible()
    expect(page.locator("#m1 + .mnav")).to_be_hidden()
    context.close()


def test_report_404_is_a_page(page: Page, live_server: str, shots):
    response = page.goto(live_server + "/reports/no-such-report")
    assert response is not None and response.status == 404
    expect(page.locator("#not-found h1")).to_have_text("找不到这份报告")
    page.fill("input[name=q]", "法律顾问")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#total")


def test_api_reference_is_linked_and_renders_offline(page: Page, live_server: str, shots):
    page.goto(live_server + "/")
    page.click("text=API 文档")
    # Swagger UI, served by us, reads our own OpenAPI document and lists every path.
    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible(timeout=15000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert {"/api/v1/search", "/api/v1/search.csv", "/api/v1/trend", "/api/v1/reports/{report_id}"} <= {
        p.replace("\u200b", "").strip() for p in paths
    }
    page.screenshot(path=str(shots / "api-docs-desktop.png"), full_page=False)
