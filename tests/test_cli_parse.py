"""`search-service parse FILE...`: one entry per file, an error entry for a
file that cannot be read or parsed, never a traceback for the batch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search_service.cli import main
from search_service.config import PROJECT_ROOT
from search_service.ingest import parsing

SAMPLE = next((PROJECT_ROOT / "data" / "reports").glob("000_*.txt"))


def test_parse_json_has_the_document_fields(runner) -> None:
    result = runner.invoke(main, ["parse", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    (entry,) = json.loads(result.output)
    for key in ("title", "doc_type", "level", "unit", "url", "is_report", "sections"):
        assert key in entry
    assert entry["doc_type"] == "annual_report" and entry["is_report"] is True


def test_parse_text_names_the_document_fields(runner) -> None:
    result = runner.invoke(main, ["parse", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    for key in ("doc_type", "level", "unit", "url", "is_report"):
        assert f"  {key} " in result.output


def test_a_file_that_breaks_the_parser_is_an_error_entry_and_the_batch_goes_on(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text(SAMPLE.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    original = parsing.parse_document

    def parse_document(document):
        if document.source == "broken.txt":
            raise RuntimeError("boom")
        return original(document)

    monkeypatch.setattr(parsing, "parse_document", parse_document)
    result = runner.invoke(main, ["parse", str(broken), str(SAMPLE), str(tmp_path / "missing.txt"), "--json"])
    assert result.exit_code == 1
    entries = json.loads(result.output)
    assert entries[0] == {"source": str(broken), "error": "parser error: RuntimeError: boom"}
    assert entries[1]["source"] == str(SAMPLE) and "error" not in entries[1]
    assert entries[2] == {"source": str(tmp_path / "missing.txt"), "error": "no such file"}

    result = runner.invoke(main, ["parse", str(broken), str(SAMPLE)])
    assert result.exit_code == 1
    assert f"{broken}: ERROR parser error: RuntimeError: boom" in result.output
    assert "Traceback" not in result.output
