"""GET /api/v1/curation over an index of constructed reports (see
tests/analysis/test_curation.py): the documents in doubt with their reasons,
links and manifest rows, chosen by field and doc_type and paged; every bad
parameter a 400 naming it; in the OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search_service import create_app
from search_service.bodies.curation import CurationResponseSchema
from search_service.config import Settings
from search_service.model import DOUBT_FIELDS
from tests.analysis.test_curation import NO_UNIT, NO_YEAR, REPORTS_, WEAK, write_index


@pytest.fixture(scope="module")
def curation_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    folder = tmp_path_factory.mktemp("curation-api")
    index_dir = write_index(folder / "ix", [REPORTS_])
    return create_app(Settings(index_dir=index_dir, source_dir=folder / "src")).test_client()


def test_lists_the_documents_in_doubt_with_reasons_links_and_manifest_rows(curation_client: FlaskClient) -> None:
    response = curation_client.get("/api/v1/curation")
    assert response.status_code == 200
    body = response.get_json()
    assert CurationResponseSchema().validate(body) == {}
    assert (body["total"], body["documents"], body["page"], body["per_page"]) == (4, 4, 1, 20)
    assert body["query"] == {"field": None, "doc_type": "all", "page": 1, "per_page": 20}
    assert body["by_field"] == {**dict.fromkeys(DOUBT_FIELDS, 0), "doc_type": 2, "year": 2, "unit": 2, "province": 1}
    assert body["manifest_columns"] == ["file", "doc_type", "year", "unit", "province"]
    assert [item["source"] for item in body["items"]] == ["b.txt", "c.txt", "d.txt", "e.txt"]
    c = body["items"][1]
    assert c == {
        "report_id": "id-c",
        "source": "c.txt",
        "label": "未知单位法治政府建设年度报告（无标题）",
        "doc_type": "annual_report",
        "doc_type_reason": "无标题，正文有报告的部分",
        "doubts": [
            {"field": "doc_type", "reason": WEAK.reason, "value": "annual_report"},
            {"field": "year", "reason": NO_YEAR.reason, "value": None},
            {"field": "unit", "reason": NO_UNIT.reason, "value": None},
        ],
        "href": "/reports/id-c",
        "manifest_row": "c.txt,,,,",
    }


def test_the_link_opens_the_reports_text(curation_client: FlaskClient) -> None:
    item = curation_client.get("/api/v1/curation?field=unit").get_json()["items"][0]
    page = curation_client.get(item["href"], headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "c镇聘请法律顾问参与合同审查" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "sources", "total"),
    [
        ("field=year", ["b.txt", "c.txt"], 2),
        ("field=doc_type&doc_type=other", ["e.txt"], 1),
        ("doc_type=annual_report", ["b.txt", "c.txt", "d.txt"], 3),
        ("field=town", [], 0),
        ("per_page=2&page=2", ["d.txt", "e.txt"], 4),
        ("per_page=2&page=9", [], 4),
    ],
)
def test_field_doc_type_and_paging_choose_the_documents(
    curation_client: FlaskClient, query: str, sources: list[str], total: int
) -> None:
    body = curation_client.get(f"/api/v1/curation?{query}").get_json()
    assert [item["source"] for item in body["items"]] == sources
    assert body["total"] == total


def test_counts_follow_doc_type_not_field(curation_client: FlaskClient) -> None:
    body = curation_client.get("/api/v1/curation?field=year&doc_type=annual_report").get_json()
    assert (body["total"], body["documents"]) == (2, 3)
    assert body["by_field"]["doc_type"] == 1 and body["by_field"]["unit"] == 2


@pytest.mark.parametrize(
    ("query", "bad"),
    [
        ("field=nope", "field"),
        ("field=url", "field"),
        ("doc_type=report", "doc_type"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("page=1000001", "page"),
        ("per_page=0", "per_page"),
        ("per_page=101", "per_page"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(curation_client: FlaskClient, query: str, bad: str) -> None:
    response = curation_client.get(f"/api/v1/curation?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and set(error["fields"]) == {bad}
    assert bad in error["message"]


def test_no_index_is_a_503(empty_dir: Path) -> None:
    client = create_app(Settings(index_dir=empty_dir, source_dir=empty_dir)).test_client()
    response = client.get("/api/v1/curation")
    assert response.status_code == 503 and response.get_json()["error"]["code"]


def test_openapi_describes_the_endpoint(curation_client: FlaskClient) -> None:
    from openapi_spec_validator import validate

    document = curation_client.get("/api/v1/openapi.json").get_json()
    validate(document)
    get = document["paths"]["/api/v1/curation"]["get"]
    assert {p["name"] for p in get["parameters"]} == {"field", "doc_type", "page", "per_page"}
    assert {"200", "400", "503"} <= set(get["responses"])
    schema = document["components"]["schemas"]["Curation"]
    assert {"total", "documents", "by_field", "manifest_columns", "items"} <= set(schema["properties"])


def test_readme_curation_examples_answer(client: FlaskClient) -> None:
    """The README's curation curl examples over the sample index: 200."""
    import re
    import shlex

    from search_service.config import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Documents in doubt") : readme.index("## Layout")]
    urls = [
        next(w for w in shlex.split(line) if w.startswith("http://127.0.0.1:8000"))
        for block in re.findall(r"```sh\n(.*?)```", part, flags=re.S)
        for line in block.splitlines()
        if line.startswith("curl ")
    ]
    assert len(urls) == 2
    for url in urls:
        response = client.get(url.removeprefix("http://127.0.0.1:8000"))
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])


def test_stats_count_the_documents_in_doubt_as_the_list_does(curation_client: FlaskClient) -> None:
    stats = curation_client.get("/api/v1/stats").get_json()["curation"]
    listing = curation_client.get("/api/v1/curation").get_json()
    assert stats["documents"] == listing["documents"] > 0
    assert stats["by_field"] == listing["by_field"]
