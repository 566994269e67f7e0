"""The search page over the Flask test client: content, state in the URL,
escaping."""


def test_empty_page_shows_the_search_box_and_corpus(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="q"' in html and "已收录 5 份报告" in html


def test_results_page_lists_reports_with_marks_and_facets(client):
    html = client.get("/?q=法律顾问&year=2024").get_data(as_text=True)
    assert 'id="total">2<' in html
    assert "吉水镇" in html and "仙溪镇" in html
    assert "<mark>法律顾问</mark>" in html
    assert 'data-facet="year"' in html and 'data-facet="town"' in html


def test_bad_parameter_is_explained_on_the_page(client):
    response = client.get("/?q=法治&year=abc")
    assert response.status_code == 400
    assert "year" in response.get_data(as_text=True)


def test_query_is_escaped_everywhere(client):
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    html = client.get("/", query_string={"q": attack}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html


def test_report_page_marks_every_occurrence(client):
    body = client.get("/api/v1/search?q=法律顾问&year=2024").get_json()
    report_id = body["results"][0]["report_id"]
    mentions = body["results"][0]["mentions"]["法律顾问"]
    html = client.get(f"/reports/{report_id}?q=法律顾问").get_data(as_text=True)
    assert html.count("<mark>法律顾问</mark>") == mentions
    assert body["results"][0]["title"] in html
