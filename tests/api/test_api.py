"""The JSON API over the Flask test client."""

import pytest

from search_service import create_app
from search_service.config import Settings


def get(client, path, **params):
    response = client.get(path, query_string=params)
    assert response.is_json, response.data[:200]
    return response.status_code, response.get_json()


def test_search_answers_in_the_contract_shape(client):
    status, body = get(client, "/api/v1/search", q="法律顾问", year=2024)
    assert status == 200
    # The contract's keys, and the service's additions (design.md "Beyond CONTRACT.md").
    assert set(body) == {"query", "total", "page", "per_page", "results", "facets", "facets_truncated", "suggestions"}
    assert body["query"]["q"] == "法律顾问" and body["query"]["year"] == [2024]
    assert body["total"]["reports"] == 2
    assert sorted(r["town"] for r in body["results"]) == ["仙溪镇", "吉水镇"]
    facets = {"year", "doc_type", "level", "province", "city", "county", "town", "unit", "section", "format"}
    assert set(body["facets"]) == facets
    hit = body["results"][0]
    for key in (
        "report_id",
        "title",
        "town",
        "county",
        "city",
        "province",
        "year",
        "published",
        "score",
        "mentions",
        "sections",
    ):
        assert key in hit
    assert hit["mentions"]["法律顾问"] >= 1
    assert all("<mark>" in s for sec in hit["sections"] for s in sec["snippets"])


def test_repeated_year_means_any_of_them(client):
    _, both = get(client, "/api/v1/search", q="法治", year=[2020, 2022])
    assert {r["year"] for r in both["results"]} == {2020, 2022}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "法治", "year": "abc"}, "year"),
        ({"q": "法治", "per_page": "100000"}, "per_page"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "法" * 5000}, "q"),
        ({}, "q"),
        ({"q": "法治", "page": "0"}, "page"),
        ({"q": "法治", "section": "nonsense"}, "section"),
        ({"q": "法治", "sort": "random"}, "sort"),
        ({"q": "法治", "year_from": "2024", "year_to": "2020"}, "year_from"),
        ({"q": "-法治"}, "q"),
        ({"q": "法治 OR"}, "q"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, params, field):
    status, body = get(client, "/api/v1/search", **params)
    assert status == 400
    assert body["error"]["code"] == "bad_request"
    assert field in body["error"]["fields"]
    assert field in body["error"]["message"]


def test_report_endpoint_gives_all_sections(client):
    _, found = get(client, "/api/v1/search", q="八五普法")
    report_id = found["results"][0]["report_id"]
    status, report = get(client, f"/api/v1/reports/{report_id}")
    assert status == 200
    assert report["town"] == "黄溪镇"
    kinds = [s["kind"] for s in report["sections"]]
    assert kinds[0] == "preamble" and "problems" in kinds
    assert all("text" in s for s in report["sections"])


def test_unknown_report_is_json_404(client):
    status, body = get(client, "/api/v1/reports/doesnotexist")
    assert status == 404 and body["error"]["code"] == "not_found"


def test_unknown_route_is_json_404(client):
    status, body = get(client, "/api/v1/nothing-here")
    assert status == 404 and "error" in body


def test_wrong_method_is_json_405(client):
    response = client.post("/api/v1/search")
    assert response.status_code == 405 and response.get_json()["error"]["code"] == "method_not_allowed"


def test_healthz_and_stats(client):
    status, health = get(client, "/healthz")
    assert status == 200 and health["status"] == "ok" and health["reports"] == 5
    status, stats = get(client, "/api/v1/stats")
    assert status == 200 and stats["reports"] == 5
    assert stats["per_year"] == {"2020": 1, "2022": 1, "2024": 3}
    assert stats["tokenizer"].startswith("jieba-")


def test_missing_index_is_503_everywhere(empty_dir):
    client = create_app(Settings(index_dir=empty_dir)).test_client()
    for path in ("/healthz", "/api/v1/search?q=法治", "/api/v1/stats"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert "error" in response.get_json()
