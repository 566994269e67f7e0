"""The curation page in a real headless Chromium (Playwright driving
/usr/bin/chromium) against gunicorn serving the constructed reports of
tests/analysis/test_curation.py: the documents in doubt with their reasons
(as the API gives them), a field choice, the link to a report's text, and
phone width. Screenshots go to screenshots/ (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.analysis.test_curation import REPORTS_, write_index
from tests.conftest import start_gunicorn, stop
from tests.web.conftest import PHONE, SHOTS, watched_page


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    index_dir = write_index(tmp_path_factory.mktemp("browser-curation") / "ix", [REPORTS_])
    proc, base = start_gunicorn(index_dir, workers=1)
    try:
        yield base
    finally:
        stop(proc)


def test_the_page_lists_the_doubts_and_opens_the_report(page: Page, server: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    api = page.request.get(server + "/api/v1/curation").json()
    page.goto(server + "/")
    page.click("#curation-link")
    page.wait_for_selector("#curation")
    assert page.inner_text("#total") == str(api["total"])
    shown = page.locator("#curation > li")
    assert [shown.nth(i).get_attribute("data-source") for i in range(shown.count())] == [
        item["source"] for item in api["items"]
    ]
    c = page.locator("#curation > li[data-source='c.txt']")
    for doubt in next(item for item in api["items"] if item["source"] == "c.txt")["doubts"]:
        assert c.locator(f"li[data-field='{doubt['field']}'] .reason").inner_text() == doubt["reason"]
    assert c.locator(".manifest-row").inner_text() == "c.txt,,,,"
    page.screenshot(path=str(SHOTS / "curation-desktop.png"), full_page=True)

    page.click("#field-choices a:has-text('年份')")
    page.wait_for_selector("#field-choices strong")
    assert page.locator("#curation > li").count() == 2

    page.locator("#curation > li[data-source='c.txt'] h3 a").click()
    page.wait_for_url("**/reports/id-c")
    assert "c镇聘请法律顾问参与合同审查" in page.inner_text("main")


def test_the_page_fits_a_phone(browser: Browser, server: str) -> None:
    pg, problems = watched_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    pg.goto(server + "/curation")
    assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert pg.locator("#curation > li").count() == 4
    pg.screenshot(path=str(SHOTS / "curation-phone.png"), full_page=True)
    pg.context.close()
    assert problems == []
