"""The `format` filter and facet (the source file's format: txt, html, docx,
pdf) through the API, the exports, the OpenAPI document, the page and the
CLI, over reports of every format. The expected formats come from the file
names, not from the engine."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from search_service import create_app
from search_service.cli import main
from search_service.config import PROJECT_ROOT, Settings
from search_service.indexing import BuildOptions, build_index

UNSEEN = PROJECT_ROOT / "tests" / "fixtures" / "unseen"
FILES = (
    "u02_shangdu.html",
    "u06_shuangfengqiao.htm",
    "u44_gaoyang_gbk.htm",
    "u03_xinzhu.docx",
    "u11_qiandaohu.docx",
    "u04_jiuhe.pdf",
    "u13_suonan.pdf",
    "u15_yongan.txt",
    "u01_huocheng_gbk.txt",
)
SUFFIX_FORMAT = {".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf", ".txt": "txt"}
LABELS = {"pdf": "PDF", "docx": "Word", "html": "网页", "txt": "文本"}
EVERYTHING = {"q": "法治", "doc_type": "all", "per_page": 100, "facet_size": 0}


def format_of(source: str) -> str:
    return SUFFIX_FORMAT[Path(source).suffix.lower()]


@pytest.fixture(scope="module")
def formats_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("formats")
    source = root / "source"
    source.mkdir()
    for name in FILES:
        shutil.copy(UNSEEN / name, source / name)
    build_index(source, root / "index", BuildOptions(jobs=1))
    return source, root / "index"


@pytest.fixture()
def fclient(formats_index):
    source, index_dir = formats_index
    return create_app(Settings(index_dir=index_dir, source_dir=source)).test_client()


def _search(fclient, **params) -> dict:
    response = fclient.get("/api/v1/search", query_string={**EVERYTHING, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_every_report_gives_its_file_format(fclient):
    body = _search(fclient)
    assert body["total"]["reports"] == len(FILES)
    assert {hit["source"]: hit["format"] for hit in body["results"]} == {name: format_of(name) for name in FILES}


@pytest.mark.parametrize("chosen", [("pdf",), ("html",), ("docx", "txt"), ("pdf", "docx", "html", "txt")])
def test_format_filter_keeps_the_reports_of_the_chosen_formats(fclient, chosen):
    body = _search(fclient, format=list(chosen))
    expected = {name for name in FILES if format_of(name) in chosen}
    assert {hit["source"] for hit in body["results"]} == expected
    assert body["total"]["reports"] == len(expected)
    assert body["query"]["format"] == list(chosen)


def test_format_facet_counts_the_file_formats_and_ignores_its_own_filter(fclient):
    expected = Counter(format_of(name) for name in FILES)
    for chosen in ([], ["pdf"], ["pdf", "html"]):
        facet = _search(fclient, format=chosen)["facets"]["format"]
        assert {fv["value"]: fv["count"] for fv in facet} == expected
        assert {fv["value"]: fv["label"] for fv in facet} == {v: LABELS[v] for v in expected}
        assert {fv["value"] for fv in facet if fv["selected"]} == set(chosen)
    # Most reports first, then by value.
    facet = _search(fclient)["facets"]["format"]
    assert [fv["value"] for fv in facet] == ["html", "docx", "pdf", "txt"]


def test_other_facets_count_under_the_format_filter(fclient):
    body = _search(fclient, format="pdf")
    years = Counter(hit["year"] for hit in body["results"])
    assert {fv["value"]: fv["count"] for fv in body["facets"]["year"]} == years


def test_format_facet_toggle_chooses_and_undoes(fclient):
    facet = _search(fclient)["facets"]["format"]
    pdf = next(fv for fv in facet if fv["value"] == "pdf")
    chosen = fclient.get("/api/v1/search?" + pdf["toggle"]).get_json()
    assert chosen["query"]["format"] == ["pdf"]
    undo = next(fv for fv in chosen["facets"]["format"] if fv["value"] == "pdf")
    assert undo["selected"] and "format=" not in undo["toggle"]


def test_an_unknown_format_is_a_400_naming_format(fclient):
    response = fclient.get("/api/v1/search", query_string={"q": "法治", "format": ["pdf", "odt"]})
    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == ["format"]


def test_report_listing_takes_the_format_filter(fclient):
    body = fclient.get("/api/v1/reports", query_string={"format": "docx", "doc_type": "all"}).get_json()
    assert {hit["source"] for hit in body["results"]} == {n for n in FILES if n.endswith(".docx")}
    assert {fv["value"]: fv["count"] for fv in body["facets"]["format"]}["docx"] == 2


def test_exports_carry_the_format_and_take_the_filter(fclient):
    text = fclient.get("/api/v1/search.csv", query_string={**EVERYTHING, "format": "html"}).data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {row["source"] for row in rows} == {n for n in FILES if format_of(n) == "html"}
    assert {row["format"] for row in rows} == {"html"}
    lines = fclient.get("/api/v1/search.jsonl", query_string=EVERYTHING).data.decode("utf-8").splitlines()
    assert {(r := json.loads(line))["source"]: r["format"] for line in lines} == {n: format_of(n) for n in FILES}


def test_openapi_document_describes_the_format_parameter_field_and_facet(fclient):
    spec = fclient.get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/search", "/api/v1/search.csv", "/api/v1/reports", "/api/v1/trend"):
        params = {p["name"]: p for p in spec["paths"][path]["get"]["parameters"]}
        assert params["format"]["schema"]["items"]["enum"] == ["pdf", "docx", "html", "txt"], path
    schemas = spec["components"]["schemas"]
    assert "format" in schemas["Facets"]["properties"]
    assert "format" in schemas["ReportHit"]["properties"]
    assert "format" in schemas["QueryEcho"]["properties"]


def test_page_shows_the_format_facet_and_the_chosen_format(fclient):
    page = fclient.get("/", query_string={"q": "法治", "doc_type": "all"}).get_data(as_text=True)
    facet = page[page.index('data-facet="format"') :]
    facet = facet[: facet.index("</section>")]
    assert "<h3>文件格式</h3>" in facet
    for label in LABELS.values():
        assert f">{label}</a>" in facet
    assert "format=pdf" in facet
    chosen = fclient.get("/", query_string={"q": "法治", "doc_type": "all", "format": "pdf"}).get_data(as_text=True)
    assert "文件格式" in chosen[: chosen.index('data-facet="year"')]  # the chosen-filter chip above the results
    assert ">PDF<" in chosen


def test_page_names_a_bad_format(fclient):
    response = fclient.get("/", query_string={"q": "法治", "format": "odt"}, headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "文件格式" in response.get_data(as_text=True)


def test_cli_search_takes_format_like_the_api(runner, formats_index, fclient):
    _, index_dir = formats_index
    args = ["search", "法治", "--format", "pdf", "--format", "docx", "--doc-type", "all"]
    result = runner.invoke(main, [*args, "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    api = fclient.get("/api/v1/search", query_string={"q": "法治", "format": ["pdf", "docx"], "doc_type": "all"})
    assert json.loads(result.stdout) == api.get_json()
    assert {hit["format"] for hit in api.get_json()["results"]} == {"pdf", "docx"}


def test_cli_search_refuses_an_unknown_format_naming_it(runner, formats_index):
    _, index_dir = formats_index
    result = runner.invoke(main, ["search", "法治", "--format", "odt", "--index", str(index_dir)])
    assert result.exit_code == 2
    assert "invalid parameters: format: Must be one of: pdf, docx, html, txt" in result.output
