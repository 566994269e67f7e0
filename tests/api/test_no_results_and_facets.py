"""What the search layer computes and the API now gives (issue 23): the
suggestions when nothing matches, the chosen values no report has, and
whether each facet was cut at facet_size. The page renders the same; the
answers agree over the test client, over real HTTP and from the CLI."""

from __future__ import annotations

import json

import lxml.html
import requests

from search_service.cli import main


def _search(client, **params) -> dict:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _page_suggestions(client, **params) -> list[str]:
    html = client.get("/", query_string=params, headers={"Accept": "text/html"}).get_data(as_text=True)
    return lxml.html.fromstring(html).xpath("//div[@id='no-results']//ul[@class='suggestions']//a/text()")


def test_a_mistyped_term_gets_the_closest_terms_in_the_api(client):
    body = _search(client, q="法律顾间", year=2024)
    assert body["total"]["reports"] == 0
    [missing] = body["suggestions"]["missing"]
    assert missing["term"] == "法律顾间"
    offered = [s["term"] for s in missing["suggestions"]]
    assert "法律顾问" in offered
    advice = next(s for s in missing["suggestions"] if s["term"] == "法律顾问")
    assert advice["q"] == "法律顾问"
    assert advice["reports"] == _search(client, q="法律顾问")["total"]["reports"]  # counted over the whole index
    assert body["suggestions"]["alone"] == [] and body["suggestions"]["either"] == ""
    # The page renders what the API computed, in its order.
    assert _page_suggestions(client, q="法律顾间", year="2024") == offered


def test_a_search_that_finds_something_has_no_suggestions(client):
    body = _search(client, q="法律顾问")
    assert body["total"]["reports"] > 0 and body["suggestions"] is None


def test_terms_that_never_meet_and_filters_that_leave_nothing_in_the_api(client):
    body = _search(client, q="法律顾问", year=1999)
    assert body["suggestions"]["missing"] == [] and body["suggestions"]["alone"] == []
    assert body["suggestions"]["unfiltered"] == _search(client, q="法律顾问")["total"]["reports"]
    terms = [
        t
        for t in ("法律顾问", "扫黑除恶", "八五普法", "行政复议", "枫桥经验")
        if _search(client, q=t)["total"]["reports"]
    ]
    apart = next(
        (a, b) for a in terms for b in terms if a < b and not _search(client, q=f"{a} {b}")["total"]["reports"]
    )
    body = _search(client, q=" ".join(apart))
    assert [s["term"] for s in body["suggestions"]["alone"]] == list(apart)
    assert body["suggestions"]["either"] == " OR ".join(apart)
    assert _page_suggestions(client, q=" ".join(apart)) == list(apart)


def test_a_chosen_value_without_matches_is_in_its_facet_with_count_0(client):
    body = _search(client, q="法律顾问", year=[1999, 2024], town="没有这个镇")
    years = {v["value"]: v for v in body["facets"]["year"]}
    assert years[1999]["count"] == 0 and years[1999]["selected"]
    assert "year=2024" in years[1999]["toggle"] and "year=1999" not in years[1999]["toggle"]  # undoes the choice
    [town] = [v for v in body["facets"]["town"] if v["value"] == "没有这个镇"]
    assert town["count"] == 0 and town["selected"] and body["facets"]["town"][0] == town
    # The page lists the same values (it adds none of its own).
    html = client.get("/", query_string={"q": "法律顾问", "year": ["1999", "2024"]}, headers={"Accept": "text/html"})
    doc = lxml.html.fromstring(html.get_data(as_text=True))
    assert doc.xpath("//section[@data-facet='year']//li[@class='chosen']/a[1]/text()") == ["1999", "2024"]


def test_doc_type_all_is_a_choice_not_a_value_of_its_facet(client):
    body = _search(client, q="法治", doc_type="all")
    assert "all" not in [v["value"] for v in body["facets"]["doc_type"]]


def test_every_facet_says_whether_it_was_truncated(client):
    full = _search(client, q="法治", facet_size=0)
    assert list(full["facets_truncated"]) == list(full["facets"])
    assert not any(full["facets_truncated"].values())
    cut = _search(client, q="法治", facet_size=2)
    for name, values in full["facets"].items():
        shown = len(cut["facets"][name])
        assert cut["facets_truncated"][name] == (shown < len(values)), name
    assert cut["facets_truncated"]["town"] and len(cut["facets"]["town"]) == 2
    assert not cut["facets_truncated"]["section"]  # every kind is always given
    # The chosen value beyond the cut is listed, and the facet still says it was cut.
    last_town = full["facets"]["town"][-1]["value"]
    chosen = _search(client, q="法治", facet_size=2, town=last_town)
    assert last_town in [v["value"] for v in chosen["facets"]["town"]]
    listing = client.get("/api/v1/reports", query_string={"facet_size": 1}).get_json()
    assert listing["facets_truncated"]["year"] and "suggestions" not in listing


def test_the_openapi_document_describes_the_additions(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    search = schemas["SearchResponse"]["properties"]
    assert {"facets_truncated", "suggestions"} <= set(search)
    assert set(schemas["FacetsTruncated"]["properties"]) == set(schemas["Facets"]["properties"])
    assert set(schemas["Suggestions"]["properties"]) == {"missing", "alone", "either", "unfiltered"}


def test_the_cli_prints_the_same_suggestions_and_flags(runner, client, sample_index):
    result = runner.invoke(main, ["search", "法律顾间", "--index", str(sample_index), "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    answered = _search(client, q="法律顾间")
    assert printed["suggestions"] == answered["suggestions"]
    assert printed["facets_truncated"] == answered["facets_truncated"]


def test_suggestions_and_truncation_over_http(live_server):
    def get(**params) -> dict:
        response = requests.get(live_server + "/api/v1/search", params=params, timeout=30)
        assert response.status_code == 200
        return response.json()

    body = get(q="八五普发")
    assert "八五普法" in [s["term"] for s in body["suggestions"]["missing"][0]["suggestions"]]
    assert get(q="八五普法")["suggestions"] is None
    cut = get(q="法治", facet_size=1)
    assert cut["facets_truncated"]["town"] and len(cut["facets"]["town"]) == 1
    chosen = get(q="八五普法", year=1999)
    assert {k: chosen["facets"]["year"][0][k] for k in ("value", "count")} == {"value": 1999, "count": 0}
