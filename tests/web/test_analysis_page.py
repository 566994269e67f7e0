"""The coverage page (/coverage), the follow-through page (/follow-through)
and the significant words under the search
page's facets, as HTML from the Flask client, over the constructed reports
of tests/analysis."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import lxml.html
import pytest

from tests.analysis import test_coverage as cov
from tests.analysis import test_follow_through as ft
from tests.analysis import test_significant_terms as st
from tests.analysis.reports import build, client_of

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return client_of(build(tmp_path_factory.mktemp("page-coverage"), cov.coverage_files()))


def _tree(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


def _one(tree: lxml.html.HtmlElement, xpath: str) -> lxml.html.HtmlElement:
    (found,) = tree.xpath(xpath)
    return found


def _cell(tree: lxml.html.HtmlElement, unit: str, year: int) -> lxml.html.HtmlElement:
    return _one(tree, f"//table[@id='coverage']/tbody/tr[th/span[@class='unit-name']='{unit}']/td[@data-year='{year}']")


def test_coverage_table_colours_cells_by_status(client):
    response = client.get("/coverage", headers=HTML)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    tree = _tree(response)
    got = {
        row.xpath("string(th/span[@class='unit-name'])"): {
            int(td.get("data-year")): td.get("data-status") for td in row.xpath("td[@data-year]")
        }
        for row in tree.xpath("//table[@id='coverage']/tbody/tr")
    }
    assert got == {unit: {y: c[0] for y, c in cells.items()} for unit, cells in cov.EXPECTED_CELLS.items()}
    for td in tree.xpath("//td[@data-status]"):
        assert f"cov-{td.get('data-status')}" in td.get("class").split()


def test_missing_parts_in_title_and_note(client):
    tree = _tree(client.get("/coverage", headers=HTML))
    cell = _cell(tree, "石角镇", 2022)
    assert "第一责任人履职" in cell.get("title") and "日期不明" in cell.get("title")
    assert cell.xpath("string(span[@class='note'])") == "缺履职"
    assert cell.xpath("a/@href")[0].startswith("/reports/")
    late = _cell(tree, "吉水镇", 2024)
    assert "2025-04-02" in late.get("title") and "逾期" in late.get("title")
    totals = {
        tr.get("data-total"): [int(td.text_content()) for td in tr.xpath("td")[:-1]] for tr in tree.xpath("//tfoot/tr")
    }
    assert totals["reporting"] == [cov.EXPECTED_TOTALS[y][1] for y in (2022, 2023, 2024)]
    assert totals["complete"] == [cov.EXPECTED_TOTALS[y][5] for y in (2022, 2023, 2024)]


def test_sort_links_and_csv_link_keep_the_filters(client):
    tree = _tree(client.get("/coverage?level=township&order=unit", headers=HTML))
    links = {a.text_content(): a.get("href") for a in tree.xpath("//nav[@class='sort']/a")}
    assert tree.xpath("string(//nav[@class='sort']/strong)") == "按单位名称"
    assert parse_qs(urlparse(links["报告最多"]).query) == {"level": ["township"], "order": ["reports"]}
    csv_href = _one(tree, "//a[@id='csv']").get("href")
    assert csv_href.startswith("/api/v1/coverage.csv?") and "level=township" in csv_href
    assert client.get(csv_href).status_code == 200
    units = [n.text_content() for n in tree.xpath("//table[@id='coverage']/tbody//span[@class='unit-name']")]
    assert units == sorted(units) and "廉江市" not in units
    # The form keeps the level chosen.
    assert tree.xpath("//select[@name='level']/option[@selected]/@value") == ["township"]


def test_a_bad_parameter_is_a_page_naming_it(client):
    response = client.get("/coverage?year_from=abc", headers=HTML)
    assert response.status_code == 400
    assert _tree(response).xpath("//div[@class='field-error']/@data-param") == ["year_from"]
    assert client.get("/coverage?year_from=abc").get_json()["error"]["fields"] == {"year_from": "Not a valid integer."}


def test_search_page_links_to_coverage(client):
    assert _tree(client.get("/", headers=HTML)).xpath("//a[@id='coverage-link']/@href") == ["/coverage"]


@pytest.fixture(scope="module")
def terms_client(tmp_path_factory):
    return client_of(build(tmp_path_factory.mktemp("page-terms"), st.planted_files()))


def test_significant_words_under_the_facets_add_to_the_query(terms_client):
    tree = _tree(terms_client.get("/?q=八五普法&year=2024", headers=HTML))
    links = tree.xpath("//aside[@id='facets']//section[@id='terms']//a")
    # In 2024, 八五普法 (3 reports): 法律明白人 is in all of them, against 4 of 12 in all; the
    # query's own word is left out.
    assert [a.text_content() for a in links] == ["法律明白人"]
    href = links[0].get("href")
    assert parse_qs(urlparse(href).query) == {"q": ["八五普法 法律明白人"], "year": ["2024"]}
    narrowed = _tree(terms_client.get(href, headers=HTML))
    assert narrowed.xpath("string(//*[@id='total'])") == "3"


def test_no_word_list_without_results(terms_client):
    tree = _tree(terms_client.get("/?q=不存在的词语", headers=HTML))
    assert tree.xpath("//*[@id='terms']") == []


# ------------------------------------------------------------ follow-through


@pytest.fixture(scope="module")
def follow_client(tmp_path_factory):
    return client_of(build(tmp_path_factory.mktemp("page-follow"), {**ft.pair_files(), **ft.same_name_files()}))


def _words(tree: lxml.html.HtmlElement, list_id: str) -> list[tuple[str, str]]:
    return [
        (li.xpath("string(a)"), li.xpath("string(span[@class='counts'])"))
        for li in tree.xpath(f"//section[@id='{list_id}']/ul/li")
    ]


def test_follow_through_page_shows_both_sides_and_the_words(follow_client):
    response = follow_client.get("/follow-through?unit=吉水镇&year=2023", headers=HTML)
    assert response.status_code == 200
    tree = _tree(response)
    body = follow_client.get("/api/v1/follow-through?unit=吉水镇&year=2023").get_json()
    assert _words(tree, "shared") == [(t["term"], f"{t['plans']}→{t['measures']}") for t in body["shared"]]
    assert _words(tree, "missing") == [(t["term"], str(t["plans"])) for t in body["missing"]]
    assert tree.xpath("string(//section[@id='shared']//span[@class='count'])") == str(len(body["shared"]))
    plans, measures = _one(tree, "//section[@id='plans']"), _one(tree, "//section[@id='measures']")
    assert plans.xpath("string(p/a/@href)") == f"/reports/{body['plans']['report_id']}"
    assert measures.xpath("string(p/a/@href)") == f"/reports/{body['measures']['report_id']}"
    assert [p.text_content() for p in plans.xpath("p[not(@class)]")] == [ft.PLANS_2023]
    assert [p.text_content() for p in measures.xpath("p[not(@class)]")] == [ft.MEASURES_2024]
    assert (
        _one(tree, "//a[@id='csv']").get("href")
        == "/api/v1/follow-through.csv?unit=%E5%90%89%E6%B0%B4%E9%95%87&year=2023"
    )


def test_a_follow_through_word_searches_it_within_the_unit(follow_client):
    tree = _tree(follow_client.get("/follow-through?unit=城关镇&year=2023&county=会昌县", headers=HTML))
    # same_name_files: 会昌县 is in the plans and the measures, 政务公开 only in the plans.
    assert [a.text_content() for a in tree.xpath("//section[@id='shared']//a")] == ["会昌县"]
    (link,) = tree.xpath("//section[@id='missing']//a")
    assert link.text_content() == "政务公开"
    assert parse_qs(urlparse(link.get("href")).query) == {"q": ["政务公开"], "unit": ["城关镇"], "county": ["会昌县"]}
    found = follow_client.get(link.get("href"), headers=HTML)
    assert (
        _tree(found).xpath("string(//*[@id='total'])") == "2"
    )  # both reports of 会昌县's 城关镇 (each plans 政务公开)


def test_follow_through_form_alone_then_errors_as_pages(follow_client):
    empty = follow_client.get("/follow-through", headers=HTML)
    assert empty.status_code == 200 and _tree(empty).xpath("//form[@action='/follow-through']")
    assert not _tree(empty).xpath("//*[@id='errors' or @id='unavailable' or @id='plans']")
    bad = follow_client.get("/follow-through?unit=吉水镇&year=abc", headers=HTML)
    assert bad.status_code == 400
    assert _tree(bad).xpath("//div[@class='field-error']/@data-param") == ["year"]
    ambiguous = follow_client.get("/follow-through?unit=城关镇&year=2023", headers=HTML)
    assert ambiguous.status_code == 400
    assert _tree(ambiguous).xpath("//div[@class='field-error']/@data-param") == ["unit"]
    missing = follow_client.get("/follow-through?unit=吉水镇&year=2024", headers=HTML)
    assert missing.status_code == 404 and "2025" in _tree(missing).xpath("string(//*[@id='unavailable'])")
    # A tool (no text/html) gets the API's envelope with the same status.
    tool = follow_client.get("/follow-through?unit=吉水镇&year=2024")
    assert tool.status_code == 404 and tool.get_json()["error"]["code"] == "not_found"


def test_coverage_links_consecutive_years_to_follow_through(client):
    tree = _tree(client.get("/coverage", headers=HTML))
    body = client.get("/api/v1/coverage").get_json()
    for row in body["units"]:
        for cell, following in zip(row["cells"], row["cells"][1:] + [None], strict=True):
            td = _cell(tree, row["unit"], cell["year"])
            hrefs = td.xpath("a[@class='follow']/@href")
            if cell["report_ids"] and following and following["report_ids"]:
                (href,) = hrefs
                query = parse_qs(urlparse(href).query)
                assert urlparse(href).path == "/follow-through"
                assert (query["unit"], query["year"]) == ([row["unit"]], [str(cell["year"])])
                assert client.get(href, headers=HTML).status_code == 200
            else:
                assert hrefs == []
