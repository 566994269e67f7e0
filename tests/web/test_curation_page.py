"""The curation page (/curation) as HTML from the Flask client, over the
constructed reports of tests/analysis/test_curation.py: each document in
doubt with its reasons, a link to its text, its file and manifest line; the
choices of field and doc_type; bad parameters a 400 page for a browser and
the JSON envelope for a tool; linked from every page's footer."""

from __future__ import annotations

import lxml.html
import pytest
from flask.testing import FlaskClient

from search_service import create_app
from search_service.config import Settings
from tests.analysis.test_curation import NO_UNIT, NO_YEAR, REPORTS_, WEAK, write_index

HTML = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    folder = tmp_path_factory.mktemp("curation-page")
    index_dir = write_index(folder / "ix", [REPORTS_])
    return create_app(Settings(index_dir=index_dir, source_dir=folder / "src")).test_client()


def tree_of(client: FlaskClient, url: str) -> lxml.html.HtmlElement:
    response = client.get(url, headers=HTML)
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def test_each_document_with_its_reasons_link_file_and_manifest_line(client: FlaskClient) -> None:
    tree = tree_of(client, "/curation")
    assert tree.xpath("string(//*[@id='total'])") == "4"
    items = tree.xpath("//ol[@id='curation']/li")
    assert [li.get("data-source") for li in items] == ["b.txt", "c.txt", "d.txt", "e.txt"]
    c = items[1]
    assert c.xpath("h3/a/@href") == ["/reports/id-c"]
    assert c.xpath("string(h3/a)") == "未知单位法治政府建设年度报告（无标题）"
    assert c.xpath("string(.//code[@class='source'])") == "c.txt"
    assert {li.get("data-field"): li.xpath("string(span[@class='reason'])") for li in c.xpath(".//ul/li")} == {
        "doc_type": WEAK.reason,
        "year": NO_YEAR.reason,
        "unit": NO_UNIT.reason,
    }
    assert "（现为：未定）" in c.xpath("string(.//li[@data-field='year'])")
    assert "判断依据：无标题，正文有报告的部分" in c.xpath("string(.//span[@class='why'])")
    assert c.xpath("string(.//code[@class='manifest-row'])") == "c.txt,,,,"
    assert tree.xpath("string(//*[@id='manifest-header'])") == "file,doc_type,year,unit,province"
    how = tree.xpath("string(//*[@id='how'])")
    assert "manifest.csv" in how and "search-service index update" in how


def test_field_and_doc_type_choices(client: FlaskClient) -> None:
    tree = tree_of(client, "/curation")
    links = {a.text_content(): a.get("href") for a in tree.xpath("//*[@id='field-choices']/a")}
    assert links == {
        "文件类型（2）": "/curation?field=doc_type",
        "年份（2）": "/curation?field=year",
        "发布单位（2）": "/curation?field=unit",
        "省份（1）": "/curation?field=province",
    }
    chosen = tree_of(client, "/curation?field=year&doc_type=annual_report")
    assert [li.get("data-source") for li in chosen.xpath("//ol[@id='curation']/li")] == ["b.txt", "c.txt"]
    assert chosen.xpath("string(//*[@id='field-choices']/strong)") == "年份（2）"
    assert chosen.xpath("string(//*[@id='doc-type-choices']/strong)") == "年度报告"
    assert "（年份存疑）" in chosen.xpath("string(//p[@class='total'])")


def test_pages_link_to_each_other(client: FlaskClient) -> None:
    first = tree_of(client, "/curation?per_page=3")
    assert first.xpath("//a[@id='next']/@href") == ["/curation?per_page=3&page=2"]
    second = tree_of(client, "/curation?per_page=3&page=2")
    assert [li.get("data-source") for li in second.xpath("//ol[@id='curation']/li")] == ["e.txt"]
    assert second.xpath("//ol[@id='curation']/@start") == ["4"]
    assert second.xpath("//a[@id='prev']/@href") == ["/curation?per_page=3"]


def test_a_bad_parameter_is_a_page_for_browsers_and_the_envelope_for_tools(client: FlaskClient) -> None:
    page = client.get("/curation?field=url", headers=HTML)
    assert page.status_code == 400
    tree = lxml.html.fromstring(page.get_data(as_text=True))
    error = tree.xpath("//div[@id='errors']/div[@data-param='field']")[0]
    assert "存疑字段" in error.text_content() and "year（年份）" in error.text_content()
    tool = client.get("/curation?doc_type=x")
    assert tool.status_code == 400 and set(tool.get_json()["error"]["fields"]) == {"doc_type"}


def test_every_page_links_to_curation(client: FlaskClient) -> None:
    for url in ("/", "/coverage", "/curation"):
        assert tree_of(client, url).xpath("//footer//a[@id='curation-link']/@href") == ["/curation"]
