"""The analysis endpoints (coverage, follow-through, terms) over the Flask
client, against indexes built from constructed report files. Expected values
come from the files as written (their units, years, dates, parts and planted
words), computed here without the engine."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from fractions import Fraction

import pytest
import requests

from search_service.bodies.analysis import (
    CoverageResponseSchema,
    FollowThroughResponseSchema,
    TermsResponseSchema,
)
from tests.analysis import test_coverage as cov
from tests.analysis import test_follow_through as ft
from tests.analysis import test_significant_terms as st
from tests.analysis.reports import build, client_of
from tests.conftest import start_gunicorn, stop

REQUIRED = ("measures", "problems", "leadership", "plans")


@pytest.fixture(scope="module")
def coverage_index(tmp_path_factory):
    return build(tmp_path_factory.mktemp("api-coverage"), cov.coverage_files())


@pytest.fixture(scope="module")
def coverage_client(coverage_index):
    return client_of(coverage_index)


@pytest.fixture(scope="module")
def ids(coverage_client) -> dict[str, str]:
    """report id -> file name, from the listing (source is the file name)."""
    body = coverage_client.get("/api/v1/reports?per_page=100").get_json()
    return {r["report_id"]: r["source"] for r in body["results"]}


def _expected_status(year: int, published: str | None) -> str:
    if published is None:
        return "unknown"
    return "on_time" if dt.date.fromisoformat(published) <= dt.date(year + 1, 4, 1) else "late"


def _expected_grid(reports) -> dict[str, dict[int, tuple[str, bool, list[str]]]]:
    """unit -> year -> (status, complete, files), straight from the files' table."""
    years = range(min(r[2] for r in reports), max(r[2] for r in reports) + 1)
    out = {}
    for unit in {r[1] for r in reports}:
        out[unit] = {}
        for year in years:
            cell = [r for r in reports if r[1] == unit and r[2] == year]
            statuses = {_expected_status(year, r[3]) for r in cell}
            status = next((s for s in ("on_time", "late", "unknown") if s in statuses), "missing")
            complete = any(set(REQUIRED) <= set(r[4]) for r in cell)
            out[unit][year] = (status, complete, sorted(r[0] for r in cell))
    return out


def test_coverage_cells_and_totals_match_the_files(coverage_client, ids):
    body = coverage_client.get("/api/v1/coverage").get_json()
    assert CoverageResponseSchema().validate(body) == {}
    expected = _expected_grid(cov.REPORTS)
    assert expected == cov.EXPECTED_CELLS  # the independent computation agrees with the hand-made table
    assert body["years"] == [2022, 2023, 2024]
    got = {
        row["unit"]: {
            c["year"]: (c["status"], c["complete"], sorted(ids[i] for i in c["report_ids"])) for c in row["cells"]
        }
        for row in body["units"]
    }
    assert got == expected
    totals = {
        t["year"]: (t["units"], t["reporting"], t["on_time"], t["late"], t["unknown"], t["complete"])
        for t in body["totals"]
    }
    assert totals == cov.EXPECTED_TOTALS
    assert body["unplaced"] == 0


def test_coverage_cell_names_its_missing_parts(coverage_client, ids):
    body = coverage_client.get("/api/v1/coverage").get_json()
    (row,) = [row for row in body["units"] if row["unit"] == "石角镇"]
    cell_2022 = row["cells"][0]
    assert ids[cell_2022["report_id"]] == "c.txt"
    assert cell_2022["missing_parts"] == ["leadership"]
    assert cell_2022["on_time"] is None and cell_2022["published"] is None
    # Two reports in 2023: the complete one is the cell's main report.
    cell_2023 = row["cells"][1]
    assert ids[cell_2023["report_id"]] == "d.txt" and cell_2023["missing_parts"] == []
    assert sorted(r["missing_parts"] == [] for r in cell_2023["reports"]) == [False, True]
    assert row["cells"][2]["status"] == "missing" and row["cells"][2]["missing_parts"] == list(REQUIRED)


@pytest.mark.parametrize(
    ("params", "keep"),
    [
        ({"year_from": 2023}, lambda r: r[2] >= 2023),
        ({"level": "county"}, lambda r: r[1] == "廉江市"),
        ({"q": "执法人员"}, lambda r: "problems" in r[4]),  # the problems filler names 执法人员
        ({"unit": ["吉水镇", "安铺镇"]}, lambda r: r[1] in ("吉水镇", "安铺镇")),
    ],
)
def test_coverage_under_filters(coverage_client, ids, params, keep):
    body = coverage_client.get("/api/v1/coverage", query_string=params).get_json()
    kept = [r for r in cov.REPORTS if keep(r)]
    expected = _expected_grid(kept)
    got = {
        row["unit"]: {
            c["year"]: (c["status"], c["complete"], sorted(ids[i] for i in c["report_ids"])) for c in row["cells"]
        }
        for row in body["units"]
    }
    assert got == expected


def test_coverage_orders(coverage_client):
    def units(order):
        return [r["unit"] for r in coverage_client.get(f"/api/v1/coverage?order={order}").get_json()["units"]]

    years = Counter(unit for unit, _ in {(r[1], r[2]) for r in cov.REPORTS})
    assert units("unit") == sorted(years)
    assert [years[u] for u in units("reports")] == sorted(years.values(), reverse=True)
    assert [years[u] for u in units("-reports")] == sorted(years.values())


def test_coverage_csv_rows(coverage_client, ids):
    response = coverage_client.get("/api/v1/coverage.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffunit,level,county,city,province,year,report_id,published,on_time,measures,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    by_file = {ids[r["report_id"]]: r for r in rows if r["report_id"]}
    assert sorted(by_file) == sorted(r[0] for r in cov.REPORTS)
    for name, unit, year, published, parts in cov.REPORTS:
        row = by_file[name]
        assert (row["unit"], int(row["year"]), row["published"] or None) == (unit, year, published)
        assert row["on_time"] == {"on_time": "true", "late": "false", "unknown": ""}[_expected_status(year, published)]
        for kind in ("measures", "problems", "leadership", "plans", "other"):
            assert row[kind] == ("true" if kind in parts else "false")
    gaps = {(r["unit"], int(r["year"])) for r in rows if not r["report_id"]}
    expected_gaps = {(u, y) for u, cells in cov.EXPECTED_CELLS.items() for y, c in cells.items() if c[0] == "missing"}
    assert gaps == expected_gaps


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/coverage?year_from=abc", "year_from"),
        ("/api/v1/coverage?order=best", "order"),
        ("/api/v1/coverage?level=village", "level"),
        ("/api/v1/coverage?year_from=2024&year_to=2022", "year_from"),
        ("/api/v1/coverage.csv?doc_type=x", "doc_type"),
        ("/api/v1/coverage?q=" + "法" * 201, "q"),
        ("/api/v1/coverage?q=-法治", "q"),
        ("/api/v1/terms?size=0", "size"),
        ("/api/v1/terms?by=month", "by"),
        ("/api/v1/terms?by=year&from=2022", "to"),
        ("/api/v1/terms?to=2022", "by"),
        ("/api/v1/terms.csv?by=year&from=20x&to=2024", "from"),
        ("/api/v1/follow-through?year=2023", "unit"),
        ("/api/v1/follow-through?unit=吉水镇", "year"),
        ("/api/v1/follow-through?unit=吉水镇&year=1800", "year"),
        ("/api/v1/follow-through?unit=&year=2023", "unit"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(coverage_client, url, field):
    response = coverage_client.get(url)
    assert response.status_code == 400, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert field in error["fields"]


# ------------------------------------------------------------ follow-through


@pytest.fixture(scope="module")
def follow_client(tmp_path_factory):
    """The pair of tests/analysis/test_follow_through.py, and 城关镇 in two counties."""
    return client_of(build(tmp_path_factory.mktemp("api-follow"), {**ft.pair_files(), **ft.same_name_files()}))


def _by_hand(text: str) -> Counter:
    """The constructed texts list words between 、; 进一步 (stop word), 2025 and 的 do not count."""
    return Counter(w for w in text.rstrip("。").split("、") if w not in {"进一步", "2025", "的"})


def test_follow_through_shared_and_missing_terms(follow_client):
    body = follow_client.get("/api/v1/follow-through", query_string={"unit": "吉水镇", "year": 2023}).get_json()
    assert FollowThroughResponseSchema().validate(body) == {}
    plans, measures = _by_hand(ft.PLANS_2023), _by_hand(ft.MEASURES_2024)
    order = lambda w: (-plans[w], w)  # noqa: E731
    assert body["shared"] == [
        {"term": w, "plans": plans[w], "measures": measures[w]} for w in sorted(plans & measures, key=order)
    ]
    assert body["missing"] == [
        {"term": w, "plans": plans[w], "measures": 0} for w in sorted(set(plans) - set(measures), key=order)
    ]
    assert (body["plans"]["year"], body["measures"]["year"]) == (2023, 2024)
    assert [s["kind"] for s in body["plans"]["sections"]] == ["plans"]
    assert body["plans"]["sections"][0]["text"] == ft.PLANS_2023
    assert [s["text"] for s in body["measures"]["sections"]] == [ft.MEASURES_2024]


def test_follow_through_errors_name_the_parameter(follow_client):
    missing = follow_client.get("/api/v1/follow-through", query_string={"unit": "吉水镇", "year": 2024})
    assert missing.status_code == 404
    assert missing.get_json()["error"]["fields"] == {"year": "2025"}
    ambiguous = follow_client.get("/api/v1/follow-through", query_string={"unit": "城关镇", "year": 2023})
    assert ambiguous.status_code == 400
    assert "unit" in ambiguous.get_json()["error"]["fields"]
    chosen = follow_client.get(
        "/api/v1/follow-through", query_string={"unit": "城关镇", "year": 2023, "county": "会昌县"}
    )
    assert chosen.status_code == 200 and chosen.get_json()["county"] == "会昌县"


def test_follow_through_csv_has_a_row_per_word(follow_client):
    response = follow_client.get("/api/v1/follow-through.csv", query_string={"unit": "吉水镇", "year": 2023})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "follow-through.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffunit,level,county,city,province,year,next_year,")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    plans, measures = _by_hand(ft.PLANS_2023), _by_hand(ft.MEASURES_2024)
    order = lambda w: (-plans[w], w)  # noqa: E731
    expected = [(w, "shared", str(plans[w]), str(measures[w])) for w in sorted(plans & measures, key=order)] + [
        (w, "missing", str(plans[w]), "0") for w in sorted(set(plans) - set(measures), key=order)
    ]
    assert [(r["term"], r["status"], r["plans"], r["measures"]) for r in rows] == expected
    body = follow_client.get("/api/v1/follow-through", query_string={"unit": "吉水镇", "year": 2023}).get_json()
    for row in rows:
        assert (row["unit"], row["level"], row["county"], row["city"]) == ("吉水镇", "township", "廉江市", "湛江市")
        assert (row["year"], row["next_year"]) == ("2023", "2024")
        assert row["plans_report_id"] == body["plans"]["report_id"]
        assert row["measures_report_id"] == body["measures"]["report_id"]


def test_follow_through_csv_errors_are_the_envelope(follow_client):
    missing = follow_client.get("/api/v1/follow-through.csv", query_string={"unit": "吉水镇", "year": 2024})
    assert missing.status_code == 404 and missing.get_json()["error"]["fields"] == {"year": "2025"}
    bad = follow_client.get("/api/v1/follow-through.csv", query_string={"unit": "吉水镇"})
    assert bad.status_code == 400 and "year" in bad.get_json()["error"]["fields"]


# --------------------------------------------------------------------- terms


@pytest.fixture(scope="module")
def terms_client(tmp_path_factory):
    return client_of(build(tmp_path_factory.mktemp("api-terms"), st.planted_files()))


def _planted_jlh(member) -> list[tuple[str, float, int, int]]:
    """JLH in fractions from PLANTED alone: the set is the (unit, year) reports
    for which member() holds; only planted words differ between reports (unit
    names are in 3 reports of 12, never 3 of a set here)."""
    everyone = [(u, y) for u in range(len(st.UNITS)) for y in st.YEARS]
    in_the_set = [r for r in everyone if member(r)]
    out = []
    for word, where in st.PLANTED.items():
        in_set, in_coll = sum(r in where for r in in_the_set), len(where)
        p_set, p_coll = Fraction(in_set, len(in_the_set)), Fraction(in_coll, len(everyone))
        if in_set >= min(3, len(in_the_set)) and p_set > p_coll:
            out.append((word, round(float((p_set - p_coll) * p_set / p_coll), 6), in_set, in_coll))
    return sorted(out, key=lambda t: (-t[1], -t[2], t[0]))


@pytest.mark.parametrize(
    ("params", "member"),
    [
        ({"year": 2024}, lambda r: r[1] == 2024),
        ({"q": "八五普法"}, lambda r: r in st.PLANTED["八五普法"]),
        ({"q": "信访", "year_from": 2023}, lambda r: r in st.PLANTED["信访"] and r[1] >= 2023),
    ],
)
def test_terms_rank_the_planted_words(terms_client, params, member):
    body = terms_client.get("/api/v1/terms", query_string=params).get_json()
    assert TermsResponseSchema().validate(body) == {}
    assert body["score"] == "jlh" and body["collection_size"] == 12
    assert [(t["term"], t["score"], t["in_set"], t["in_collection"]) for t in body["terms"]] == _planted_jlh(member)


def test_terms_by_year_and_csv(terms_client):
    body = terms_client.get("/api/v1/terms?by=year&from=2022&to=2024").get_json()
    share = {
        w: (sum((u, 2022) in where for u in range(4)), sum((u, 2024) in where for u in range(4)))
        for w, where in st.PLANTED.items()
    }
    rose = sorted((w for w, (a, b) in share.items() if b > a and b >= 3), key=lambda w: -(share[w][1] - share[w][0]))
    fell = [w for w, (a, b) in share.items() if a > b and a >= 3]
    assert [c["term"] for c in body["years"]["rose"]] == rose
    assert [c["term"] for c in body["years"]["fell"]] == fell
    for c in body["years"]["rose"] + body["years"]["fell"]:
        a, b = share[c["term"]]
        assert (c["in_from"], c["in_to"], c["change"]) == (a, b, (b - a) / 4)
    text = terms_client.get("/api/v1/terms.csv?by=year&from=2022&to=2024&year=2024").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["list", "term", "score", "in_set", "in_collection", "change", "in_from", "in_to"]
    assert [r[:2] for r in rows[1:]] == [
        *(["significant", w] for w, *_ in _planted_jlh(lambda r: r[1] == 2024)),
        *(["rose", w] for w in rose),
        *(["fell", w] for w in fell),
    ]


# Every analysis endpoint (the OpenAPI document and the README list each).
ANALYSIS_PATHS = (
    "/api/v1/coverage",
    "/api/v1/coverage.csv",
    "/api/v1/follow-through",
    "/api/v1/follow-through.csv",
    "/api/v1/terms",
    "/api/v1/terms.csv",
)


def test_openapi_lists_the_analysis_endpoints(coverage_client):
    from openapi_spec_validator import validate

    document = coverage_client.get("/api/v1/openapi.json").get_json()
    validate(document)
    for path in ANALYSIS_PATHS:
        assert path in document["paths"]
    csv_get = document["paths"]["/api/v1/follow-through.csv"]["get"]
    assert {p["name"] for p in csv_get["parameters"]} == {"unit", "year", "county", "city", "province"}
    assert {"200", "400", "404"} <= set(csv_get["responses"])
    names = {p["name"] for p in document["paths"]["/api/v1/terms"]["get"]["parameters"]}
    assert {"q", "size", "by", "from", "to", "year", "province"} <= names and "page" not in names
    assert {"Coverage", "FollowThrough", "Terms"} <= set(document["components"]["schemas"])


def test_coverage_csv_over_gunicorn(coverage_index):
    proc, base = start_gunicorn(coverage_index, workers=1)
    try:
        response = requests.get(base + "/api/v1/coverage.csv", params={"level": "township"}, timeout=30)
    finally:
        stop(proc)
    assert response.status_code == 200
    assert response.content.startswith("\ufeffunit,level".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["unit"] for r in rows} == {"吉水镇", "石角镇", "安铺镇"}
    assert {r["level"] for r in rows} == {"township"}


def test_readme_analysis_examples_answer(client):
    """The README's analysis curl examples over the sample index: 200, or for
    follow-through (the samples have no unit with two years) the 404 envelope."""
    import re
    import shlex

    from search_service.config import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    part = readme[readme.index("## Who reported") : readme.index("## Cite a paragraph")]
    urls = [
        next(w for w in shlex.split(line) if w.startswith("http://127.0.0.1:8000"))
        for block in re.findall(r"```sh\n(.*?)```", part, flags=re.S)
        for line in block.splitlines()
        if line.startswith("curl ")
    ]
    assert {re.sub(r"\?.*", "", u.removeprefix("http://127.0.0.1:8000")) for u in urls} == set(ANALYSIS_PATHS)
    for url in urls:
        response = client.get(url.removeprefix("http://127.0.0.1:8000"))
        expected = 404 if "follow-through" in url else 200
        assert response.status_code == expected, (url, response.get_data(as_text=True)[:300])
