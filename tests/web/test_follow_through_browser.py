"""The follow-through page in a real headless Chromium against gunicorn
serving a constructed pair of reports: reached from the coverage grid's 兑现
link, plans beside measures at desktop width and stacked at 390 px, a word
linking to a search within the unit. Screenshots go to screenshots/
(git-ignored); the README's copies are in docs/images/."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Browser, Page

from tests.analysis.reports import report_text
from tests.web.conftest import PHONE, SHOTS, served_reports, watched_page

# Our own sentences: the 2023 plans and the 2024 measures of one town.
PLANS = "\n".join(
    (
        "深化法律顾问制度，推动镇村两级法律顾问全覆盖。",
        "加强行政执法监督，落实行政执法公示制度。",
        "开展民法典宣传，培育法律明白人。",
        "健全人民调解组织，推进矛盾纠纷多元化解。",
    )
)
MEASURES = "\n".join(
    (
        "法律顾问参与重大决策合法性审查，审查合同二十余份。",
        "落实行政执法公示制度，执法信息按时公开。",
        "组织民法典宣传进村活动十二场。",
        "完善信访工作机制，及时回应群众诉求。",
    )
)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    files = {
        "2023.txt": report_text("吉水镇", 2023, "2024-03-01", {"measures": "完成年度任务。", "plans": PLANS}),
        "2024.txt": report_text("吉水镇", 2024, "2025-03-01", {"measures": MEASURES, "plans": "继续推进。"}),
    }
    with served_reports(tmp_path_factory.mktemp("browser-follow"), files) as base:
        yield base


def test_from_coverage_to_plans_beside_measures(page: Page, server: str):
    SHOTS.mkdir(exist_ok=True)
    page.goto(server + "/coverage")
    page.click("#coverage td[data-year='2023'] a.follow")
    page.wait_for_selector("#plans")
    assert parse_qs(urlparse(page.url).query)["year"] == ["2023"]
    plans, measures = page.locator("#plans").bounding_box(), page.locator("#measures").bounding_box()
    assert plans["x"] + plans["width"] <= measures["x"]  # side by side
    assert plans["y"] == pytest.approx(measures["y"], abs=1)
    shared = page.locator("#shared li a").all_inner_texts()
    missing = page.locator("#missing li a").all_inner_texts()
    assert {"法律顾问", "民法典"} <= set(shared) and "法律明白人" in missing
    assert page.inner_text("#shared .count") == str(len(shared))
    page.screenshot(path=str(SHOTS / "follow-through-desktop.png"), full_page=True)

    page.locator("#missing li a", has_text="法律明白人").click()
    page.wait_for_selector("#total")
    # The coverage link named the unit's places; the word's search keeps them.
    query = parse_qs(urlparse(page.url).query)
    assert (query["q"], query["unit"], query["county"]) == (["法律明白人"], ["吉水镇"], ["廉江市"])
    assert page.inner_text("#total") == "1"  # only the 2023 report plans it


def test_follow_through_at_phone_width(browser: Browser, server: str):
    pg, problems = watched_page(browser, server, viewport=PHONE, is_mobile=True, has_touch=True)
    pg.goto(server + "/follow-through?unit=吉水镇&year=2023")
    assert pg.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    plans, measures = pg.locator("#plans").bounding_box(), pg.locator("#measures").bounding_box()
    assert measures["y"] >= plans["y"] + plans["height"]  # stacked
    assert plans["width"] == pytest.approx(measures["width"], abs=1)
    pg.screenshot(path=str(SHOTS / "follow-through-phone.png"), full_page=True)
    pg.context.close()
    assert problems == []
