"""Every readable document is indexed: reports and look-alikes side by side.

The index is built from tests/fixtures/real_shapes (annual reports of every
level, titleless ones, and every kind of look-alike). Filters are checked
against the full listing filtered here, not against the engine itself.
"""

from __future__ import annotations

import json

import pytest

from search_service import create_app
from search_service.config import PROJECT_ROOT, Settings
from search_service.ingest import SUPPORTED_SUFFIXES
from search_service.model import LEVELS

FOLDER = PROJECT_ROOT / "tests" / "fixtures" / "real_shapes"
FILES = sorted(p.name for p in FOLDER.iterdir() if p.suffix in SUPPORTED_SUFFIXES)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    from search_service.indexing import BuildOptions, build_index

    index_dir = tmp_path_factory.mktemp("documents-index")
    summary = build_index(FOLDER, index_dir, BuildOptions(jobs=1))
    return summary, index_dir


@pytest.fixture(scope="module")
def client(built):
    _, index_dir = built
    return create_app(Settings(index_dir=index_dir, source_dir=FOLDER)).test_client()


@pytest.fixture(scope="module")
def everything(client) -> list[dict]:
    rows: list[dict] = []
    page = 1
    while True:
        body = client.get("/api/v1/reports", query_string={"doc_type": "all", "per_page": 100, "page": page}).json
        rows.extend(body["results"])
        if len(rows) >= body["total"]:
            return rows
        page += 1


def _sources(body: dict) -> set[str]:
    return {row["source"] for row in body["results"]}


def test_every_readable_file_is_indexed(built, everything):
    summary, _ = built
    assert summary.failed == 0 and summary.skipped == 0, summary.problems
    assert summary.indexed == len(FILES)
    assert sorted(row["source"] for row in everything) == FILES


def test_both_kinds_are_present(everything):
    kinds = {row["doc_type"] for row in everything}
    assert kinds == {"annual_report", "other"}


def test_searches_cover_annual_reports_unless_asked(client, everything):
    reports = {r["source"] for r in everything if r["doc_type"] == "annual_report"}
    others = {r["source"] for r in everything if r["doc_type"] == "other"}
    default = client.get("/api/v1/reports", query_string={"per_page": 100}).json
    assert _sources(default) == reports
    only_others = client.get("/api/v1/reports", query_string={"per_page": 100, "doc_type": "other"}).json
    assert _sources(only_others) == others
    # The doc_type facet ignores its own filter: it tells what the other choice gives.
    assert {fv["value"]: fv["count"] for fv in default["facets"]["doc_type"]} == {
        "annual_report": len(reports),
        "other": len(others),
    }


def test_a_search_of_all_documents_is_both_kinds(client):
    def ids(doc_type: str) -> set[str]:
        body = client.get("/api/v1/search", query_string={"q": "法治", "doc_type": doc_type, "per_page": 100}).json
        assert body["total"]["reports"] == len(body["results"])
        return {row["report_id"] for row in body["results"]}

    reports, others, both = ids("annual_report"), ids("other"), ids("all")
    assert reports and others and not reports & others
    assert both == reports | others


@pytest.mark.parametrize("level", LEVELS)
def test_level_filter_keeps_exactly_that_level(client, everything, level):
    want = {r["source"] for r in everything if r["level"] == level and r["doc_type"] == "annual_report"}
    body = client.get("/api/v1/reports", query_string={"level": level, "per_page": 100}).json
    assert _sources(body) == want
    facet = {fv["value"]: fv["count"] for fv in body["facets"]["level"]}
    for other_level in LEVELS:
        count = sum(r["level"] == other_level and r["doc_type"] == "annual_report" for r in everything)
        assert facet.get(other_level, 0) == count


def test_every_level_has_reports(everything):
    assert {r["level"] for r in everything if r["doc_type"] == "annual_report"} == set(LEVELS)


def test_unit_filter_and_facet(client, everything):
    units = sorted({r["unit"] for r in everything if r["unit"] and r["doc_type"] == "annual_report"})
    assert len(units) >= 20
    chosen = units[:2]
    body = client.get("/api/v1/reports", query_string=[("unit", u) for u in chosen] + [("per_page", "100")]).json
    want = {r["source"] for r in everything if r["unit"] in chosen and r["doc_type"] == "annual_report"}
    assert _sources(body) == want and want


def test_facet_size_keeps_the_top_values_and_the_chosen_one(client, everything):
    towns = sorted({r["town"] for r in everything if r["town"] and r["doc_type"] == "annual_report"})
    assert len(towns) > 3
    body = client.get("/api/v1/search", query_string={"q": "法治", "facet_size": 2}).json
    assert all(len(values) <= 2 for name, values in body["facets"].items() if name != "section")
    assert body["query"]["facet_size"] == 2
    last = towns[-1]
    chosen = client.get("/api/v1/search", query_string={"q": "法治", "facet_size": 1, "town": last}).json
    assert last in [fv["value"] for fv in chosen["facets"]["town"]]
    everything_facet = client.get("/api/v1/search", query_string={"q": "法治", "facet_size": 0}).json
    assert len(everything_facet["facets"]["town"]) == len(towns)
    default = client.get("/api/v1/search", query_string={"q": "法治"}).json
    assert default["query"]["facet_size"] == 30


@pytest.mark.parametrize(
    ("name", "value"),
    [("level", "village"), ("doc_type", "report"), ("facet_size", "-1"), ("facet_size", "many"), ("unit", "")],
)
def test_bad_new_parameters_are_400_naming_them(client, name, value):
    response = client.get("/api/v1/search", query_string={"q": "法治", name: value})
    assert response.status_code == 400
    assert name in response.json["error"]["fields"]


def test_untitled_documents_have_null_titles_and_a_label(client, everything):
    untitled = [r for r in everything if r["title"] is None]
    assert untitled, "the fixtures include titleless reports"
    for row in untitled:
        assert row["label"] and row["label"] != "None"
        if row["unit"]:
            assert row["label"].startswith(row["unit"])
    titled = next(r for r in everything if r["title"])
    assert titled["label"] == titled["title"]


def test_the_report_page_shows_a_label_for_an_untitled_report(client, everything):
    row = next(r for r in everything if r["title"] is None and r["doc_type"] == "annual_report")
    page = client.get(f"/reports/{row['report_id']}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'class="untitled"' in page and row["label"] in page


def test_the_page_tells_how_many_other_documents_match(client):
    others = client.get("/api/v1/search", query_string={"q": "法治", "doc_type": "other"}).json["total"]["reports"]
    assert others
    page = client.get("/?q=法治", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="other-documents"' in page and f"<strong>{others}</strong> 份其他文件" in page
    only = client.get("/?q=法治&doc_type=other", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="other-documents"' not in only and f'<strong id="total">{others}</strong> 份其他文件' in only


def test_exports_carry_the_new_fields(client):
    lines = client.get("/api/v1/search.csv", query_string={"q": "法治", "doc_type": "all"}).get_data(as_text=True)
    header = lines.lstrip("\ufeff").splitlines()[0].split(",")
    assert {"doc_type", "level", "unit", "url", "title"} <= set(header)


def test_stats_count_both_kinds(client, everything):
    stats = client.get("/api/v1/stats").json
    assert stats["documents"]["other"] == sum(r["doc_type"] == "other" for r in everything)
    assert stats["reports"] == stats["documents"]["annual_report"]


def test_known_urls_are_given(everything):
    manifest = (FOLDER / "manifest.csv").read_text("utf-8").splitlines()[1:]
    urls = dict(line.split(",", 1) for line in manifest if line)
    by_source = {r["source"]: r["url"] for r in everything}
    for name, url in urls.items():
        assert by_source[name] == url


def test_cli_search_takes_the_new_filters(runner, built):
    from search_service.cli import main

    _, index_dir = built
    result = runner.invoke(
        main, ["search", "法治", "--doc-type", "other", "--index", str(index_dir), "--json", "--per-page", "100"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["results"] and {r["doc_type"] for r in body["results"]} == {"other"}
    bad = runner.invoke(main, ["search", "法治", "--level", "village", "--index", str(index_dir)])
    assert bad.exit_code == 2 and "level" in bad.output
