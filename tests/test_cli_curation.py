"""The curator's command line (issue 22): `index stats` counts the documents
in doubt per field, `curation` lists them with their reasons and manifest
lines (--json: the API's body with every document), `parse --json` gives
doc_type_reason and doubts; exit codes as CONTRACT.md says."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from search_service import create_app
from search_service.cli import main
from search_service.config import PROJECT_ROOT, Settings
from search_service.ingest import parsing
from search_service.model import DOUBT_FIELDS, Doubt
from tests.analysis.test_curation import NO_YEAR, REPORTS_, WEAK, write_index

SAMPLE = next((PROJECT_ROOT / "data" / "reports").glob("000_*.txt"))


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_index(tmp_path_factory.mktemp("cli-curation") / "ix", [REPORTS_])


def test_stats_count_the_documents_in_doubt_per_field(runner: CliRunner, index_dir: Path) -> None:
    result = runner.invoke(main, ["index", "stats", "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    curation = json.loads(result.stdout)["curation"]
    assert curation == {
        "documents": 4,
        "by_field": {**dict.fromkeys(DOUBT_FIELDS, 0), "doc_type": 2, "year": 2, "unit": 2, "province": 1},
    }
    text = runner.invoke(main, ["index", "stats", "--index", str(index_dir)])
    assert "in doubt   4 documents (doc_type 2, year 2, unit 2, province 1)" in text.output
    # Each of them named, with its fields and reasons, below the count.
    listed = [line.split()[0] for line in text.output.splitlines()[-4:]]
    body = json.loads(runner.invoke(main, ["curation", "--index", str(index_dir), "--json"]).stdout)
    assert listed == [item["source"] for item in body["items"]]
    for item, line in zip(body["items"], text.output.splitlines()[-4:], strict=True):
        assert all(f"{d['field']}: {d['reason']}" in line for d in item["doubts"])


def test_curation_json_is_the_apis_body_with_every_document(runner: CliRunner, index_dir: Path) -> None:
    result = runner.invoke(main, ["curation", "--index", str(index_dir), "--json", "--field", "year"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    client = create_app(Settings(index_dir=index_dir, source_dir=index_dir)).test_client()
    api = client.get("/api/v1/curation?field=year&per_page=100").get_json()
    assert body["items"] == api["items"] and body["by_field"] == api["by_field"]
    assert [item["source"] for item in body["items"]] == ["b.txt", "c.txt"]


def test_curation_lists_reasons_and_the_manifest_lines(runner: CliRunner, index_dir: Path) -> None:
    result = runner.invoke(main, ["curation", "--index", str(index_dir), "--doc-type", "annual_report"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("3 documents in doubt (doc_type annual_report)")
    assert "c.txt [id-c] 未知单位法治政府建设年度报告（无标题） (annual_report)" in out
    assert f"    doc_type: {WEAK.reason} (now: annual_report)" in out
    assert f"    year: {NO_YEAR.reason} (now: none)" in out
    assert "index update" in out
    assert out.rstrip().endswith("file,doc_type,year,unit,province\nb.txt,,,,\nc.txt,,,,\nd.txt,,,,")


def test_curation_exit_codes(runner: CliRunner, index_dir: Path, empty_dir: Path) -> None:
    bad = runner.invoke(main, ["curation", "--index", str(index_dir), "--field", "url"])
    assert bad.exit_code == 2 and "field" in bad.output
    missing = runner.invoke(main, ["curation", "--index", str(empty_dir)])
    assert missing.exit_code == 1 and "no index" in missing.output


def test_parse_gives_the_reason_and_the_doubts(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    original = parsing.parse_document
    doubts = (Doubt("unit", "未写发布单位"),)
    monkeypatch.setattr(parsing, "parse_document", lambda document: replace(original(document), doubts=doubts))
    result = runner.invoke(main, ["parse", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.stdout)
    assert isinstance(entry["doc_type_reason"], str)
    assert entry["doubts"] == [{"field": "unit", "reason": "未写发布单位"}]
    assert list(entry)[-1] == "sections"
    text = runner.invoke(main, ["parse", str(SAMPLE)])
    assert "  doubt      unit: 未写发布单位" in text.output
