from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search_service.citing.paragraphs import (
    index_at,
    line_spans,
    paragraph_id,
    paragraph_number,
    paragraphs,
)
from search_service.model import Report, Section


def make_report(sections: list[Section], title: str | None = "某镇2024年法治政府建设年度报告") -> Report:
    return Report(
        report_id="0123456789abcdef",
        title=title,
        town="某镇",
        county=None,
        city=None,
        province=None,
        year=2024,
        published=None,
        source="a.txt",
        sections=sections,
        unit="某镇",
        level="township",
    )


REPORT = make_report(
    [
        Section("preamble", "", "　　2024年，我镇坚持依法行政。\n\n现将有关情况报告如下。\n"),
        Section(
            "measures",
            "一、主要举措",
            "（一）完善制度。\n　　建立法律顾问制度，全年审查合同12份。\n   \n（二）强化监督。",
        ),
        Section("problems", "二、存在问题", ""),
        Section("plans", "三、下一步安排", "继续推进普法。"),
    ]
)


def test_each_non_empty_line_is_a_paragraph_numbered_across_sections():
    found = paragraphs(REPORT)
    assert [p.id for p in found] == ["p1", "p2", "p3", "p4", "p5", "p6"]
    assert [p.section for p in found] == [0, 0, 1, 1, 1, 3]
    assert [p.text_in(REPORT) for p in found] == [
        "2024年，我镇坚持依法行政。",
        "现将有关情况报告如下。",
        "（一）完善制度。",
        "建立法律顾问制度，全年审查合同12份。",
        "（二）强化监督。",
        "继续推进普法。",
    ]


def test_headings_and_title_are_not_paragraphs():
    texts = [p.text_in(REPORT) for p in paragraphs(REPORT)]
    assert not any("主要举措" in t or "法治政府建设年度报告" in t for t in texts)


def test_ids_depend_only_on_content():
    again = replace(REPORT, source="elsewhere/b.html", url="http://example.org/x")
    assert paragraphs(again) == paragraphs(REPORT)


def test_an_empty_preamble_added_by_the_index_shifts_no_number():
    without = make_report(REPORT.sections[1:])
    with_empty = make_report([Section("preamble", "", ""), *REPORT.sections[1:]])
    assert [(p.id, p.text_in(without)) for p in paragraphs(without)] == [
        (p.id, p.text_in(with_empty)) for p in paragraphs(with_empty)
    ]


def test_a_report_counts_its_paragraphs():
    assert len(paragraphs(REPORT)) == 6
    assert paragraphs(REPORT)[-1].section == 3


@pytest.mark.parametrize("ref, number", [("p17", 17), ("17", 17), (17, 17), (" p3 ", 3)])
def test_paragraph_references(ref, number):
    assert paragraph_number(ref) == number
    assert paragraph_id(number) == f"p{number}"


@pytest.mark.parametrize("ref", ["p0", "0", 0, -1, "p01", "x1", "", "p", True, "p1.5"])
def test_bad_paragraph_references(ref):
    with pytest.raises(ValueError):
        paragraph_number(ref)


section_texts = st.lists(st.text(alphabet="法治 \n　\r。a", max_size=30), min_size=1, max_size=5)


@given(section_texts)
def test_paragraphs_are_the_stripped_non_empty_lines(texts):
    report = make_report([Section("measures", "一、", t) for t in texts])
    found = paragraphs(report)
    assert [p.text_in(report) for p in found] == [line.strip() for t in texts for line in t.split("\n") if line.strip()]
    assert [p.number for p in found] == list(range(1, len(found) + 1))


@given(section_texts, st.integers(min_value=0, max_value=40))
def test_every_offset_maps_to_the_paragraph_holding_it_or_the_next(texts, offset):
    report = make_report([Section("measures", "一、", t) for t in texts])
    by_section = {}
    for p in paragraphs(report):
        by_section.setdefault(p.section, []).append(p)
    for position, text in enumerate(texts):
        offset_here = min(offset, len(text))
        got = index_at(line_spans(text), offset_here)
        here = by_section.get(position, [])
        if not here:
            assert got is None
            continue
        expected = next((p for p in here if offset_here < p.end), here[-1])
        assert here[got].id == expected.id
        assert index_at(line_spans(text), offset_here) == here.index(expected)
