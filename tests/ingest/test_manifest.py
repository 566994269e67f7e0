"""The source folder's manifest (ingest/manifest.py): url and field
overrides per file, bad rows logged and ignored, re-read when it changes."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest

from search_service.config import PROJECT_ROOT
from search_service.ingest import iter_source_files, manifest_signature, parse_file
from search_service.ingest.manifest import load_manifest

SAMPLE = next((PROJECT_ROOT / "data" / "reports").glob("000_*.txt"))
PAGE = PROJECT_ROOT / "tests" / "fixtures" / "reading" / "page_utf8.html"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "report.txt").write_bytes(SAMPLE.read_bytes())
    (tmp_path / "page.html").write_bytes(PAGE.read_bytes())
    return tmp_path


def write_csv(folder: Path, text: str, encoding: str = "utf-8-sig") -> None:
    (folder / "manifest.csv").write_bytes(text.encode(encoding))


def test_csv_manifest_gives_url_and_overrides_fields(folder: Path) -> None:
    write_csv(
        folder,
        "file,url,title,year,level,published,note\n"
        "2024/report.txt,https://www.example.gov.cn/art/1.html,某镇 2024年度 报告,2025,township,2025-01-07,x\n",
    )
    report = parse_file(folder / "2024" / "report.txt", folder)
    assert report.url == "https://www.example.gov.cn/art/1.html"
    assert (report.title, report.year, report.level, report.published) == (
        "某镇2024年度报告",
        2025,
        "township",
        "2025-01-07",
    )
    untouched = parse_file(folder / "page.html", folder)
    assert untouched.url is None and untouched.year == 2023


def test_gbk_csv_as_excel_saves_it(folder: Path) -> None:
    write_csv(folder, "file,unit\npage.html,青山镇人民政府办公室\n", encoding="gbk")
    assert parse_file(folder / "page.html", folder).unit == "青山镇人民政府办公室"


def test_manifest_url_wins_over_the_pages_canonical_url(folder: Path) -> None:
    page = PAGE.read_text(encoding="utf-8").replace(
        "<head>", '<head><link rel="canonical" href="https://old.example.gov.cn/a.html">', 1
    )
    (folder / "page.html").write_text(page, encoding="utf-8")
    assert parse_file(folder / "page.html", folder).url == "https://old.example.gov.cn/a.html"
    (folder / "manifest.jsonl").write_text(
        json.dumps({"file": "page.html", "url": "https://new.example.gov.cn/b.html", "doc_type": "other"}) + "\n",
        encoding="utf-8",
    )
    report = parse_file(folder / "page.html", folder)
    assert report.url == "https://new.example.gov.cn/b.html"
    assert report.doc_type == "other" and not report.is_report


def test_bad_rows_are_logged_with_their_number_and_ignored(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_csv(
        folder,
        "file,url,year,level,doc_type,published\n"
        "page.html,https://a.example/1,20x4,,,\n"
        "page.html,/relative/path,,,,\n"
        "page.html,,,village,,\n"
        "page.html,,,,report,\n"
        "page.html,,,,,2024/01/05\n"
        "../outside.txt,https://a.example/2,,,,\n"
        ",https://a.example/3,,,,\n"
        "2024/report.txt,https://a.example/4,2023,,,\n",
    )
    with caplog.at_level(logging.WARNING, logger="search_service.ingest.manifest"):
        manifest = load_manifest(folder)
    assert dict(manifest.rows) == {"2024/report.txt": {"url": "https://a.example/4", "year": 2023}}
    messages = [record.getMessage() for record in caplog.records]
    for number, words in [
        (2, "year '20x4'"),
        (3, "url '/relative/path'"),
        (4, "level 'village'"),
        (5, "doc_type 'report'"),
        (6, "published '2024/01/05'"),
        (7, "not a path inside the folder"),
        (8, "no file"),
    ]:
        assert any(m.startswith(f"manifest.csv row {number}: ") and words in m for m in messages), (number, messages)


def test_jsonl_bad_lines_are_ignored(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    lines = ["not json", '["a list"]', "", json.dumps({"file": "page.html", "year": 2022, "title": None})]
    (folder / "manifest.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="search_service.ingest.manifest"):
        assert dict(load_manifest(folder).rows) == {"page.html": {"year": 2022}}
    assert any("manifest.jsonl row 1:" in r.getMessage() for r in caplog.records)
    assert any("manifest.jsonl row 2:" in r.getMessage() for r in caplog.records)


def test_manifest_is_reread_when_it_changes_and_its_signature_tells(folder: Path) -> None:
    assert manifest_signature(folder) is None
    write_csv(folder, "file,year\npage.html,2021\n")
    first = manifest_signature(folder)
    assert first is not None and parse_file(folder / "page.html", folder).year == 2021
    assert load_manifest(folder) is load_manifest(folder)
    write_csv(folder, "file,year\npage.html,2022\n")
    stat = (folder / "manifest.csv").stat()
    os.utime(folder / "manifest.csv", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert manifest_signature(folder) != first
    assert parse_file(folder / "page.html", folder).year == 2022


def test_manifests_are_not_source_files(folder: Path) -> None:
    write_csv(folder, "file,year\npage.html,2021\n")
    (folder / "manifest.jsonl").write_text("{}\n", encoding="utf-8")
    names = [path.relative_to(folder).as_posix() for path in iter_source_files(folder)]
    assert names == ["2024/report.txt", "page.html"]
