"""Citing and following in a real headless Chromium (issue 15), at desktop
and phone widths: a snippet's link lands on its paragraph, the 引用 actions
put the citation on the clipboard (read back from it), the 订阅 link gives
the search's feed, and without JavaScript the 引用 link opens the citation
text. Screenshots go to screenshots/."""

from __future__ import annotations

import feedparser
import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import DESKTOP, PHONE, SHOTS, watched_page


def open_page(browser: Browser, live_server: str, viewport: dict, javascript: bool = True) -> tuple[Page, list[str]]:
    """A watched page allowed to use the clipboard (with JavaScript)."""
    return watched_page(
        browser,
        live_server,
        viewport=viewport,
        java_script_enabled=javascript,
        permissions=["clipboard-read", "clipboard-write"] if javascript else [],
    )


def clipboard(page: Page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.parametrize(("width", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_snippet_link_lands_on_its_paragraph_and_cite_copies_it(browser: Browser, live_server: str, width, viewport):
    SHOTS.mkdir(exist_ok=True)
    page, problems = open_page(browser, live_server, viewport)
    page.goto(live_server + "/?q=法律顾问")
    snippet = page.locator("div.snippet a.kind").first
    href = snippet.get_attribute("href")
    assert href and "#p" in href
    pid = href.split("#")[1]
    snippet.click()
    page.wait_for_url(f"**#{pid}")
    paragraph = page.locator(f"span.para#{pid}")
    expect(paragraph).to_be_in_viewport()
    expect(paragraph).to_contain_text("法律顾问")
    marked = paragraph.evaluate("el => getComputedStyle(el).backgroundColor")
    assert marked not in ("rgba(0, 0, 0, 0)", "transparent")  # :target marks it
    report_id = page.url.split("/reports/")[1].split("?")[0].split("#")[0]

    cite = page.locator(f"a.cite[data-paragraph='{pid}']")
    expect(cite).to_be_visible()
    cite.click()
    expect(cite).to_have_class("cite done")
    copied = clipboard(page)
    today = page.evaluate(
        "(() => { const d = new Date(); return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0')"
        " + '-' + String(d.getDate()).padStart(2, '0'); })()"
    )
    expected = requests.get(
        f"{live_server}/api/v1/reports/{report_id}/citation", params={"paragraph": pid, "consulted": today}, timeout=10
    ).text.rstrip()
    assert f"[{today}]" in copied
    assert copied == expected
    assert copied.endswith(f"/reports/{report_id}#{pid}.") or copied.endswith(f"/reports/{report_id}#{pid}")
    assert "[EB/OL]" in copied
    page.screenshot(path=str(SHOTS / f"cite-paragraph-{width}.png"))

    page.locator("#cite-report").click()
    expect(page.locator(".cite-status")).to_have_text("已复制本报告的引用")
    whole = clipboard(page)
    assert "[EB/OL]" in whole and f"/reports/{report_id}" in whole and "#p" not in whole
    page.screenshot(path=str(SHOTS / f"cite-report-{width}.png"), full_page=width == "phone")
    page.context.close()
    assert problems == []


@pytest.mark.parametrize(("width", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_subscribe_link_gives_the_feed_of_the_current_search(browser: Browser, live_server: str, width, viewport):
    SHOTS.mkdir(exist_ok=True)
    page, problems = open_page(browser, live_server, viewport)
    page.goto(live_server + "/?q=法律顾问&sort=year&page=1")
    link = page.locator("#subscribe")
    expect(link).to_be_visible()
    page.screenshot(path=str(SHOTS / f"subscribe-{width}.png"))
    href = link.get_attribute("href")
    assert href and href.startswith("/feeds/search.atom?") and "sort=" not in href and "page=" not in href
    response = page.request.get(live_server + href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.body())
    assert not parsed.bozo and parsed.version == "atom10"
    api = requests.get(live_server + "/api/v1/search", params={"q": "法律顾问"}, timeout=10).json()
    assert len(parsed.entries) == api["total"]["reports"]
    assert "法律顾问" in parsed.feed.title
    page.context.close()
    assert problems == []


def test_without_javascript_cite_opens_the_citation_text(browser: Browser, live_server: str):
    page, problems = open_page(browser, live_server, PHONE, javascript=False)
    page.goto(live_server + "/?q=法律顾问")
    page.locator("div.snippet a.kind").first.click()
    page.locator("a.cite").first.click()
    page.wait_for_url("**/citation?paragraph=p1")
    assert "[EB/OL]" in page.locator("body").inner_text()
    page.context.close()
    assert problems == []
