"""The search page over the Flask test client: what it shows agrees with the
JSON API, its state lives in links, the trend chart, help when nothing is
found, error pages, size, and escaping."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import lxml.html
import pytest

from tests.web.conftest import HOSTILE_ID, HOSTILE_TITLE

ATTACKS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
# What Chromium sends for a page: error pages are HTML for it, JSON for tools.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def page(client, url: str, query: dict | None = None, status: int = 200):
    response = client.get(url, query_string=query, headers=BROWSER)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response, lxml.html.fromstring(response.get_data(as_text=True))


def params(href: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(href).query)


def api(client, **query) -> dict:
    return client.get("/api/v1/search", query_string=query).get_json()


def reports(client, q: str) -> int:
    return api(client, q=q)["total"]["reports"]


def total_of(doc) -> int:
    return int(doc.get_element_by_id("total").text_content())


# ------------------------------------------------------------------ states


def test_empty_page_shows_the_search_box_help_and_corpus(client):
    _, doc = page(client, "/")
    assert doc.xpath("//form[@role='search']//input[@name='q']")
    assert "A OR B" in doc.xpath("string(//p[@class='help'])")
    assert "已收录 5 份报告" in doc.text_content()
    examples = doc.xpath("//ul[@class='examples']//a/@href")
    assert examples and all(href.startswith("/?q=") for href in examples)


def test_results_agree_with_the_api(client):
    body = api(client, q="法律顾问")
    _, doc = page(client, "/", {"q": "法律顾问"})
    assert total_of(doc) == body["total"]["reports"] >= 2
    hits = doc.xpath("//li[@class='hit']")
    assert [h.get("data-report-id") for h in hits] == [r["report_id"] for r in body["results"]]
    for hit, result in zip(hits, body["results"], strict=True):
        assert hit.xpath("string(.//h2)").strip() == result["title"]
        assert f"法律顾问 {result['mentions']['法律顾问']} 处" in [
            m.text_content() for m in hit.xpath(".//span[@class='mention']")
        ]
        snippets = hit.xpath(".//div[@class='snippet']")
        assert 1 <= len(snippets) <= 3
        assert all(s.xpath(".//mark") for s in snippets)
        assert all(s.xpath("string(.//a[@class='kind'])") for s in snippets)  # the section it comes from


def test_results_show_place_and_year(client):
    _, doc = page(client, "/", {"q": "法律顾问", "year": "2024"})
    assert total_of(doc) == 2
    meta = doc.xpath("string(//ol[@class='hits'])")
    assert "吉水镇" in meta and "仙溪镇" in meta and "2024 年度" in meta
    assert "<mark>法律顾问</mark>" in lxml.html.tostring(doc, encoding="unicode")


# ------------------------------------------------------------------ facets


def test_facet_values_link_to_the_filtered_search(client):
    body = api(client, q="法律顾问")
    _, doc = page(client, "/", {"q": "法律顾问"})
    for facet in ("year", "town"):
        links = doc.xpath(f"//section[@data-facet='{facet}']//li/a[1]")
        expected = body["facets"][facet]
        assert [a.text_content() for a in links] == [str(v["value"]) for v in expected]
        for a, value in zip(links, expected, strict=True):
            assert params(a.get("href"))[facet] == [str(value["value"])]
            assert params(a.get("href"))["q"] == ["法律顾问"]
            _, filtered = page(client, a.get("href"))
            assert total_of(filtered) == value["count"]


def test_chosen_facet_links_undo_the_choice(client):
    _, doc = page(client, "/", {"q": "法律顾问", "year": "2024"})
    chosen = doc.xpath("//section[@data-facet='year']//li[@class='chosen']/a[1]/@href")
    assert len(chosen) == 1
    assert "year" not in params(chosen[0]) and params(chosen[0])["q"] == ["法律顾问"]
    chip = doc.xpath("//div[@id='chosen']/a[@data-key='year']/@href")
    assert chip and "year" not in params(chip[0])
    _, undone = page(client, chip[0])
    assert total_of(undone) == api(client, q="法律顾问")["total"]["reports"]


def test_section_facet_replaces_the_chosen_section(client):
    _, doc = page(client, "/", {"q": "法律顾问", "section": "measures"})
    for href in doc.xpath("//section[@data-facet='section']//li[not(@class='chosen')]/a/@href"):
        assert len(params(href)["section"]) == 1


def test_filters_and_sort_survive_in_the_form_and_links(client):
    query = {"q": "法律顾问", "town": "吉水镇", "sort": "-year", "year_from": "2020"}
    _, doc = page(client, "/", query)
    hidden = {(i.get("name"), i.get("value")) for i in doc.xpath("//form[@role='search']//input[@type='hidden']")}
    assert ("town", "吉水镇") in hidden and ("sort", "-year") in hidden
    assert doc.xpath("//input[@name='year_from']/@value") == ["2020"]
    sort_hrefs = doc.xpath("//nav[@class='sort']//a/@href")
    assert all(params(h)["town"] == ["吉水镇"] for h in sort_hrefs)


def test_an_empty_year_box_is_not_an_error(client):
    response, doc = page(client, "/", {"q": "法律顾问", "year_from": "", "year_to": ""})
    assert total_of(doc) == api(client, q="法律顾问")["total"]["reports"]


def test_year_range_filters_like_the_api(client):
    _, doc = page(client, "/", {"q": "法治", "year_from": "2021", "year_to": "2023"})
    assert total_of(doc) == api(client, q="法治", year_from=2021, year_to=2023)["total"]["reports"]
    assert doc.xpath("//div[@id='chosen']/a[@data-key='year_from']")


# ------------------------------------------------------------------ paging and sorting


def test_pages_link_to_each_other_and_cover_every_result(client):
    body = api(client, q="法治", per_page=100)
    seen = []
    url = "/?" + "q=法治&per_page=2"
    while url:
        _, doc = page(client, url)
        seen += doc.xpath("//li[@class='hit']/@data-report-id")
        nxt = doc.xpath("//nav[@class='pages']/a[@rel='next']/@href")
        url = nxt[0] if nxt else ""
    assert seen == [r["report_id"] for r in body["results"]]
    assert len(seen) == body["total"]["reports"] > 2


def test_page_numbers_mark_the_current_page(client):
    _, doc = page(client, "/", {"q": "法治", "per_page": "1", "page": "2"})
    assert doc.xpath("string(//nav[@class='pages']/strong)") == "2"
    prev = doc.xpath("//nav[@class='pages']/a[@rel='prev']/@href")[0]
    assert params(prev)["page"] == ["1"] and params(prev)["per_page"] == ["1"]


def test_a_page_past_the_end_offers_the_first(client):
    _, doc = page(client, "/", {"q": "法治", "page": "40"})
    first = doc.xpath("//div[@id='past-end']//a/@href")
    assert first and "page" not in params(first[0])


def test_sort_by_year_orders_results(client):
    _, doc = page(client, "/", {"q": "法治", "sort": "year"})
    years = [int(y.text_content().split()[0]) for y in doc.xpath("//span[@class='year']")]
    assert years == sorted(years) and len(set(years)) > 1
    assert doc.xpath("string(//nav[@class='sort']/strong)") == "年份（旧→新）"


# ------------------------------------------------------------------ trend chart


def test_trend_chart_is_inline_svg_matching_the_trend_api(client):
    _, doc = page(client, "/", {"q": "法律顾问"})
    svg = doc.xpath("//figure[@id='trend']//svg")
    assert len(svg) == 1
    trend = client.get("/api/v1/trend", query_string={"q": "法律顾问"}).get_json()["values"]
    bars = svg[0].xpath(".//a[contains(@class,'bar')]")
    assert [int(b.get("data-year")) for b in bars] == [p["value"] for p in trend]
    heights = [float(b.xpath("./rect[2]/@height")[0]) for b in bars]
    most = max(p["matching"] for p in trend)
    for height, point in zip(heights, trend, strict=True):
        assert height == pytest.approx(heights[[p["matching"] for p in trend].index(most)] * point["matching"] / most)
    rows = doc.xpath("//details[@class='trend-table']//tbody/tr")
    assert [[td.text_content() for td in r.xpath("./td")][:3] for r in rows] == [
        [str(p["value"]), str(p["matching"]), str(p["total"])] for p in trend
    ]
    assert all(params(b.get("href"))["year"] == [b.get("data-year")] for b in bars)


def test_trend_chart_ignores_the_year_filter_and_highlights_it(client):
    _, doc = page(client, "/", {"q": "法律顾问", "year": "2024"})
    bars = doc.xpath("//figure[@id='trend']//a[contains(@class,'bar')]")
    assert len(bars) > 1
    assert [b.get("data-year") for b in bars if "chosen" in b.get("class")] == ["2024"]


def test_no_chart_without_results(client):
    _, doc = page(client, "/", {"q": "没有这个词语啊"})
    assert not doc.xpath("//svg")


# ------------------------------------------------------------------ no results


def test_a_mistyped_term_gets_the_closest_terms_that_occur(client):
    _, doc = page(client, "/", {"q": "法律顾间", "year": "2024"})
    assert total_of(doc) == 0
    suggestions = doc.xpath("//div[@id='no-results']//ul[@class='suggestions']//a")
    assert "法律顾问" in [a.text_content() for a in suggestions]
    href = next(a.get("href") for a in suggestions if a.text_content() == "法律顾问")
    assert params(href) == {"q": ["法律顾问"], "year": ["2024"]}
    for a in suggestions:
        assert api(client, q=a.text_content())["total"]["reports"] > 0  # every suggestion finds something


def test_a_too_long_term_gets_its_parts_that_occur(client):
    _, doc = page(client, "/", {"q": "法律顾问团队建设"})
    words = doc.xpath("//div[@id='no-results']//ul[@class='suggestions']//a/text()")
    assert "法律顾问" in words


def test_terms_that_never_meet_are_offered_apart_and_with_or(client):
    terms = [
        t for t in ("法律顾问", "扫黑除恶", "八五普法", "行政复议", "枫桥经验", "一村一法律顾问") if reports(client, t)
    ]
    pairs = [(a, b) for a in terms for b in terms if a < b and not reports(client, f"{a} {b}")]
    assert pairs, "the sample has no two terms that never meet: pick others"
    a, b = pairs[0]
    _, doc = page(client, "/", {"q": f"{a} {b}"})
    assert doc.xpath("//div[@id='no-results']//ul[@class='suggestions']//a/text()") == [a, b]
    assert params(doc.xpath("//a[@id='either']/@href")[0])["q"] == [f"{a} OR {b}"]


def test_a_filter_that_leaves_nothing_offers_the_search_without_it(client):
    _, doc = page(client, "/", {"q": "法律顾问", "year": "1999"})
    link = doc.xpath("//a[@id='unfiltered']")
    assert link and params(link[0].get("href")) == {"q": ["法律顾问"]}
    assert str(api(client, q="法律顾问")["total"]["reports"]) in link[0].text_content()
    assert doc.xpath("//section[@data-facet='year']//li[@class='chosen']/a[1]/text()") == ["1999"]  # still undoable


# ------------------------------------------------------------------ errors


def test_bad_parameters_are_named_with_what_to_do(client):
    response, doc = page(client, "/", {"q": "法治", "year": "abc", "sort": "new"}, status=400)
    errors = {e.get("data-param"): e for e in doc.xpath("//div[@class='field-error']")}
    assert set(errors) == {"year", "sort"}
    assert "四位年份" in errors["year"].text_content()
    drop = errors["year"].xpath(".//a/@href")[0]
    assert "year" not in params(drop) and params(drop)["sort"] == ["new"]


def test_reversed_year_range_is_explained(client):
    _, doc = page(client, "/", {"q": "法治", "year_from": "2024", "year_to": "2020"}, status=400)
    assert doc.xpath("//div[@data-param='year_from']")


def test_a_query_with_only_exclusions_is_explained(client):
    _, doc = page(client, "/", {"q": "-法治"}, status=400)
    assert doc.xpath("//div[@data-param='q']") and doc.xpath("//input[@name='q']/@value") == ["-法治"]


def test_unknown_report_is_an_html_404_page(client):
    response, doc = page(client, "/reports/no-such-report", {"q": "法律顾问"}, status=404)
    assert "找不到这份报告" in doc.text_content()
    assert doc.xpath("//div[@id='not-found']//a/@href") == ["/?q=%E6%B3%95%E5%BE%8B%E9%A1%BE%E9%97%AE"]
    assert client.get("/api/v1/reports/no-such-report").get_json()["error"]["code"] == "not_found"


def test_missing_index_is_explained_on_the_page(empty_dir):
    from search_service import create_app
    from search_service.config import Settings

    client = create_app(Settings(index_dir=empty_dir)).test_client()
    for url in ("/", "/?q=法治", "/reports/x"):
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 503 and response.mimetype == "text/html"
        assert "search-service index build" in response.get_data(as_text=True)
        as_tool = client.get(url, headers={"Accept": "*/*"})
        assert as_tool.status_code == 503 and as_tool.get_json()["error"]["code"] == "index_missing"


def test_page_errors_are_the_json_envelope_for_tools(client):
    """The contract: every 4xx/5xx is JSON for a tool (curl sends */*)."""
    for url, status, field in (
        ("/reports/no-such-report", 404, None),
        ("/reports/a/b", 404, None),
        ("/?q=法治&year=abc&sort=new", 400, "year"),
        ("/?q=" + "法" * 300, 400, "q"),
    ):
        for headers in ({"Accept": "*/*"}, {"Accept": "application/json"}, {}):
            response = client.get(url, headers=headers)
            assert response.status_code == status and response.mimetype == "application/json", (url, headers)
            error = response.get_json()["error"]
            assert error["message"]
            if field:
                assert field in error["fields"]


# ------------------------------------------------------------------ report page


def report_of(client, q: str) -> dict:
    return api(client, q=q)["results"][0]


def test_report_page_marks_every_occurrence_with_numbered_ids(client):
    hit = report_of(client, "法律顾问")
    _, doc = page(client, f"/reports/{hit['report_id']}", {"q": "法律顾问"})
    marks = doc.xpath("//article[@class='report']//mark")
    assert len(marks) == hit["mentions"]["法律顾问"]
    assert [m.get("id") for m in marks] == [f"m{k}" for k in range(1, len(marks) + 1)]
    assert all(m.text_content() == "法律顾问" for m in marks)
    assert doc.xpath("//article/@data-marks") == [str(len(marks))]


def test_each_mark_links_to_the_previous_and_next(client):
    hit = report_of(client, "法律顾问")
    _, doc = page(client, f"/reports/{hit['report_id']}", {"q": "法律顾问"})
    n = len(doc.xpath("//mark"))
    for k in range(1, n + 1):
        nav = doc.xpath(f"//mark[@id='m{k}']/following-sibling::span[@class='mnav'][1]")[0]
        assert nav.xpath("./a[@rel='prev']/@href") == [f"#m{k - 1 if k > 1 else n}"]
        assert nav.xpath("./a[@rel='next']/@href") == [f"#m{k + 1 if k < n else 1}"]
    assert doc.xpath("//a[@id='next-match']/@href") == ["#m1"]


def test_report_page_has_fields_contents_and_source(client):
    hit = report_of(client, "法律顾问")
    full = client.get(f"/api/v1/reports/{hit['report_id']}").get_json()
    _, doc = page(client, f"/reports/{hit['report_id']}", {"q": "法律顾问"})
    assert doc.xpath("string(//h1)") == full["title"]
    fields = dict(zip(doc.xpath("//dl[@class='fields']/dt/text()"), doc.xpath("//dl[@class='fields']/dd"), strict=True))
    assert fields["来源文件"].text_content() == full["source"]
    assert fields["乡镇街道"].text_content() == (full["town"] or "—")
    toc = doc.xpath("//nav[@class='toc']//li/a[1]/@href")
    sections = doc.xpath("//section[contains(@class,'report-section')]/@id")
    assert toc == [f"#{s}" for s in sections] and len(sections) >= 3
    texts = "".join(doc.xpath("//section[contains(@class,'report-section')]//div[@class='text']//text()"))
    for section in full["sections"]:
        assert section["text"].replace("\n", "")[:50] in texts.replace("\n", "")


def test_report_page_back_link_returns_to_the_same_search(client):
    hit = report_of(client, "法律顾问")
    _, doc = page(client, f"/reports/{hit['report_id']}", {"q": "法律顾问", "year": "2024", "page": "1"})
    back = doc.xpath("//p[@class='back']/a/@href")[0]
    assert params(back) == {"q": ["法律顾问"], "year": ["2024"], "page": ["1"]}


def test_result_links_carry_the_search_to_the_report(client):
    _, doc = page(client, "/", {"q": "法律顾问", "year": "2024"})
    for href in doc.xpath("//li[@class='hit']//h2/a/@href"):
        assert href.startswith("/reports/") and params(href) == {"q": ["法律顾问"], "year": ["2024"]}


def test_source_file_downloads_as_an_attachment(client):
    hit = report_of(client, "法律顾问")
    _, doc = page(client, f"/reports/{hit['report_id']}")
    href = doc.xpath("//dd[@class='source']/a/@href")[0]
    response = client.get(href)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert "法律顾问" in response.get_data().decode("utf-8", "replace")


def test_a_report_without_its_file_has_no_source_link(large_client):
    _, doc = page(large_client, f"/reports/{HOSTILE_ID}")
    assert not doc.xpath("//dd[@class='source']/a")
    assert large_client.get(f"/reports/{HOSTILE_ID}/source", headers=BROWSER).status_code == 404


# ------------------------------------------------------------------ safety and size


@pytest.mark.parametrize("attack", ATTACKS)
def test_the_query_is_escaped_on_every_page(client, attack):
    for url in ("/", "/reports/no-such-report"):
        for query in ({"q": attack}, {"q": "法治", "town": attack}, {"q": attack, "year": "abc"}):
            html = client.get(url, query_string=query).get_data(as_text=True)
            assert attack not in html
            assert "<img" not in html and "<script>" not in html
    hit = report_of(client, "法律顾问")
    html = client.get(f"/reports/{hit['report_id']}", query_string={"q": f"法律顾问 {attack}"}).get_data(as_text=True)
    assert attack not in html and "<img" not in html and "<mark>法律顾问</mark>" not in html  # numbered marks
    assert 'id="m1">法律顾问</mark>' in html


def test_report_text_is_escaped_and_only_marks_are_markup(large_client):
    html = large_client.get("/", query_string={"q": "法律顾问 onerror", "per_page": "100"}).get_data(as_text=True)
    assert "<script>alert" not in html and "<img" not in html and "<b>镇</b>" not in html
    assert "&lt;img src=x" in html and "&lt;script&gt;alert" in html
    report = large_client.get(f"/reports/{HOSTILE_ID}", query_string={"q": "script 法律顾问"}).get_data(as_text=True)
    tags = set(re.findall(r"<([a-z0-9]+)", report))
    assert "img" not in tags and "i" not in tags and "<b>镇</b>" not in report
    assert report.count("<script") == 2  # our own page.js and cite.js, nothing else
    assert '<mark id="m1">' in report and "&lt;script&gt;" in report and HOSTILE_TITLE not in report
    doc = lxml.html.fromstring(report)
    shown = "".join(doc.xpath("//h1//text()[not(ancestor::span[@class='mnav'])]"))
    assert shown == HOSTILE_TITLE  # as text


def test_a_page_of_twenty_reports_is_under_100_kb(large_client):
    response, doc = page(large_client, "/", {"q": "法治"})
    assert len(doc.xpath("//li[@class='hit']")) == 20
    assert total_of(doc) > 20
    assert len(response.get_data()) < 100_000


def test_no_external_resources_and_a_strict_policy(client):
    response, doc = page(client, "/", {"q": "法律顾问"})
    refs = doc.xpath("//@src | //link/@href | //a/@href | //form/@action")
    assert refs and all(r.startswith(("/", "#")) or r == "" for r in refs)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy


def test_stylesheet_and_script_are_served(client):
    _, doc = page(client, "/")
    for url in doc.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
        response = client.get(url)
        assert response.status_code == 200 and len(response.data) > 500
