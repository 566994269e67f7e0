"""Every parameter fuzzed: the answer is 200 or a 4xx in the error envelope,
never a 5xx or a traceback. Query cost is bounded by the query limits (terms,
OR branches, one-character terms), which these tests exercise; speed itself
is measured in the benchmark, not asserted here."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_service.model import SECTION_KINDS

PARAMS = [
    "q",
    "year",
    "year_from",
    "year_to",
    "town",
    "county",
    "city",
    "province",
    "section",
    "sort",
    "page",
    "per_page",
    "by",
]

_values = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(
        [
            "2024",
            "2020",
            "法律顾问",
            "法",
            "-法",
            "OR",
            '"',
            "*",
            "?",
            "法*",
            "relevance",
            "-year",
            *SECTION_KINDS,
            "吉水镇",
            "广东省",
            "\x00",
            "%",
            "1e9",
            "NaN",
        ]
    ),
)
_query = st.lists(st.tuples(st.sampled_from(PARAMS), _values), max_size=8)
_safe = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@_safe
@given(
    params=_query,
    path=st.sampled_from(["/api/v1/search", "/api/v1/trend", "/api/v1/reports", "/api/v1/search.jsonl", "/"]),
)
def test_fuzzed_parameters_never_fail_the_server(client, params, path):
    response = client.get(path, query_string=params)
    data = response.get_data(as_text=True)
    assert response.status_code in (200, 400), (params, response.status_code, data[:300])
    assert "Traceback" not in data
    if path != "/" and response.status_code == 400:
        error = response.get_json()["error"]
        assert error["code"] == "bad_request" and error["message"]


@_safe
@given(
    st.lists(
        st.sampled_from(["法", "治", "的", "法律", "顾问", "OR", "-政", '"法 治"', "执法力量不足"]),
        min_size=1,
        max_size=40,
    )
)
def test_expensive_queries_are_bounded_or_refused(client, words):
    response = client.get("/api/v1/search", query_string={"q": " ".join(words)})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "q" in response.get_json()["error"]["fields"]
