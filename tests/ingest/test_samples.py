"""The five bundled samples, read and parsed end to end, give exactly what
tests/labels.json says (accept lists allowed where the labels give them)."""

from __future__ import annotations

import json

import pytest

from search_service.config import PROJECT_ROOT
from search_service.ingest import parse_file

SAMPLES = PROJECT_ROOT / "data" / "reports"
LABELS = json.loads((PROJECT_ROOT / "tests" / "labels.json").read_text("utf-8"))
FIELDS = ("title", "town", "county", "city", "province", "year", "published", "is_report")


@pytest.fixture(scope="module")
def parsed():
    return {label["file"]: parse_file(SAMPLES / label["file"], SAMPLES) for label in LABELS}


@pytest.mark.parametrize("label", LABELS, ids=[label["file"][:3] for label in LABELS])
@pytest.mark.parametrize("name", FIELDS)
def test_sample_field_matches_label(parsed, label, name):
    value = getattr(parsed[label["file"]], name)
    accepted = [label[name], *label.get("accept", {}).get(name, [])]
    assert value in accepted


@pytest.mark.parametrize("label", LABELS, ids=[label["file"][:3] for label in LABELS])
def test_sample_section_kinds_match_label(parsed, label):
    report = parsed[label["file"]]
    kinds = [section.kind for section in report.sections]
    assert kinds[0] == "preamble"
    assert kinds[1:] == label["sections"]


def test_sample_ids_depend_on_content_not_path(parsed, tmp_path):
    source = SAMPLES / LABELS[0]["file"]
    copy = tmp_path / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    copy.write_bytes(source.read_bytes())
    assert parse_file(copy, tmp_path).report_id == parsed[LABELS[0]["file"]].report_id
    assert len({report.report_id for report in parsed.values()}) == len(parsed)


def test_plans_heading_year_does_not_change_report_year(parsed):
    report = parsed["001_3ba48369459b5a14.txt"]
    assert report.sections[-1].heading == "三、2025年工作措施"
    assert report.year == 2024


def test_signature_block_is_not_section_text(parsed):
    last = parsed["004_f77eaa0c39738870.txt"].sections[-1].text
    assert "特此报告" not in last
    assert not last.rstrip().endswith("2022年12月8日")
    assert "Baidu" not in last


def test_preamble_excludes_title_and_chrome(parsed):
    preamble = parsed["002_b1bc3cf999cf5c18.txt"].sections[0].text
    assert preamble.startswith("2020年")
    assert "法治政府建设工作年度报告" not in preamble
    assert "语音播报" not in preamble
