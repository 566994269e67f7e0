"""Reports the parser was not developed on (tests/fixtures/unseen): real
places, every format and encoding, title and heading shapes the samples do
not have. Every field is checked against expectations written by hand."""

from __future__ import annotations

import json

import pytest

from search_service.config import PROJECT_ROOT
from search_service.ingest import SUPPORTED_SUFFIXES, parse_file

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "unseen"
EXPECTED = {
    name: value
    for name, value in json.loads((FIXTURES / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}
FIELDS = ("title", "doc_type", "level", "unit", "town", "county", "city", "province", "year", "published", "is_report")


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_file(FIXTURES / name, FIXTURES) for name in EXPECTED}


def test_every_fixture_has_expectations():
    files = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in SUPPORTED_SUFFIXES)
    assert files == sorted(EXPECTED)


def test_fixtures_cover_every_format():
    assert {name.rsplit(".", 1)[1] for name in EXPECTED} >= {"txt", "html", "htm", "docx", "pdf"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("field", FIELDS)
def test_unseen_field(parsed, name, field):
    expected = EXPECTED[name]
    assert field in expected, "every field has an expectation"
    value = getattr(parsed[name], field)
    if field == "title":
        value = "".join(value.split())
    assert value == expected[field]


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if e["is_report"]))
def test_unseen_section_kinds(parsed, name):
    kinds = [section.kind for section in parsed[name].sections]
    if kinds and kinds[0] == "preamble":  # a report may open with its first part
        kinds = kinds[1:]
    assert kinds == EXPECTED[name]["sections"]


def test_subheadings_under_bold_headings_stay_available(parsed):
    measures = parsed["u11_qiandaohu.docx"].sections[1]
    assert measures.heading == "主要工作及成效"
    assert measures.subheadings[0].startswith("（一）压实法治建设责任")
    assert len(measures.subheadings) == 3


def test_signature_and_addressee_are_not_section_text(parsed):
    report = parsed["u20_chengguan_gbk.txt"]
    assert "平利县人民政府城关街道办事处" not in report.sections[-1].text
    assert "城办发" not in "".join(section.text for section in report.sections)


def test_hard_broken_lines_are_rejoined(parsed):
    measures = parsed["u19_jiama_broken_lines.txt"].sections[1].text
    assert "发放双语宣传资料4000余份" in measures
    assert "专题会议研究" in measures


def test_traditional_page_keeps_original_for_display(parsed):
    report = parsed["u10_daliang_traditional.html"]
    assert report.traditional
    measures = report.sections[1]
    assert "综合行政执法" in measures.text
    assert measures.original is not None and "綜合行政執法" in measures.original
