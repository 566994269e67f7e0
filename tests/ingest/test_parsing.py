"""Parsing on its own: RawDocument -> Report, over the fixtures in
tests/fixtures/parsing (each a trap named in expected.json) and small
hand-written texts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.config import PROJECT_ROOT
from search_service.errors import UnreadableFile
from search_service.ingest.classify import classify
from search_service.ingest.document import RawDocument
from search_service.ingest.fields import date_line, find_year, header_date, town_in_name, year_in_title
from search_service.ingest.headings import heading_kind
from search_service.ingest.parsing import parse_document
from search_service.ingest.title import find_header, strip_title_chrome
from search_service.ingest.units import find_unit, unit_in_opening
from search_service.model import SECTION_KINDS, Section

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "parsing"
EXPECTED = {
    name: value
    for name, value in json.loads((FIXTURES / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}
FIELDS = (
    "title",
    "doc_type",
    "level",
    "unit",
    "town",
    "county",
    "city",
    "province",
    "year",
    "published",
    "is_report",
    "traditional",
)


def parse_fixture(name: str):
    text = (FIXTURES / name).read_text("utf-8")
    return parse_document(RawDocument(name, text, "txt", "utf-8", dict(EXPECTED[name].get("meta", {}))))


@pytest.fixture(scope="module")
def parsed():
    return {name: parse_fixture(name) for name in EXPECTED}


def test_every_fixture_has_expectations():
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_fields(parsed, name):
    expected = EXPECTED[name]
    report = parsed[name]
    for field in FIELDS:
        if field in expected:
            assert getattr(report, field) == expected[field], field


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if "sections" in e))
def test_fixture_section_kinds(parsed, name):
    kinds = [s.kind for s in parsed[name].sections]
    if kinds and kinds[0] == "preamble":
        kinds = kinds[1:]
    assert kinds == EXPECTED[name]["sections"]


@pytest.mark.parametrize("name", sorted(n for n, e in EXPECTED.items() if "last_text_ends" in e))
def test_signature_and_trailing_chrome_are_not_text(parsed, name):
    assert parsed[name].sections[-1].text.endswith(EXPECTED[name]["last_text_ends"])


def test_subheadings_listed_and_kept_in_text(parsed):
    measures = parsed["part_headings.txt"].sections[1]
    assert measures.heading == "第一部分 2022年法治政府建设主要成效"
    assert len(measures.subheadings) == EXPECTED["part_headings.txt"]["subheadings"]["measures"]
    assert measures.subheadings[0] == "一、加强党对法治政府建设的领导"
    assert measures.subheadings[0] in measures.text


def test_inline_problems_split_at_lead_in_sentence(parsed):
    sections = parsed["inline_problems.txt"].sections
    measures, problems, plans = sections[1:]
    assert problems.heading == "" and problems.text.startswith("一年来，我镇法治政府建设虽然取得了一定成效，但也存在")
    assert "但也存在" not in measures.text
    assert plans.text.startswith("下一步，")


def test_traditional_report_keeps_original(parsed):
    report = parsed["traditional.txt"]
    measures = report.sections[1]
    assert "综合行政执法办公室" in measures.text
    assert measures.original is not None and "綜合行政執法辦公室" in measures.original
    assert measures.display_text == measures.original


def test_sections_keep_paragraphs_on_lines(parsed):
    measures = parsed["homonym_town.txt"].sections[1]
    assert measures.text.split("\n")[0].startswith("（一）健全法治工作机制")
    assert len(measures.text.split("\n")) == 2


def test_chrome_is_never_the_title():
    text = "首页 > 政务公开 > 年度法治政府建设情况报告\n来源:本网 发布日期:2025-01-07 15:15:56\n【打印】 【字体:\n"
    text += "吉水镇2024年法治政府建设年度报告\n2024年，我镇坚持依法行政，现将一年来推进法治建设情况报告如下：\n一、主要工作\n全年学法十次。"
    report = parse_document(RawDocument("x.txt", text, "txt"))
    assert report.title == "吉水镇2024年法治政府建设年度报告"
    assert report.published == "2025-01-07"
    assert report.sections[0].text.startswith("2024年")


def test_page_date_wins_over_signature_date():
    text = "东坝镇2023年法治政府建设年度报告\n2023年，东坝镇坚持依法行政，各项工作取得积极成效。\n一、主要工作\n全年办理行政执法案件十八件。\n"
    text += "东坝镇人民政府\n2024年1月15日"
    report = parse_document(RawDocument("x.txt", text, "txt", meta={"published": "2024-01-30"}))
    assert report.published == "2024-01-30"


def test_text_without_chinese_is_unreadable():
    with pytest.raises(UnreadableFile) as caught:
        parse_document(RawDocument("english.txt", "Annual report\nNothing here in Chinese.", "txt"))
    assert caught.value.source == "english.txt"


def test_title_alone_is_kept_as_another_document():
    """Nothing is lost: a text with Chinese in it is indexed, as "other"
    when it is not a report."""
    report = parse_document(RawDocument("t.txt", "吉水镇2024年法治政府建设年度报告法治政府建设年度报告", "txt"))
    assert report.doc_type == "other"


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("吉水镇2024年法治政府建设年度报告", 2024),
        ("仙溪镇 2024 年法治建设年度报告", 2024),
        ("某镇二〇二三年度法治政府建设情况报告", 2023),
        ("某镇二○二一年法治政府建设报告", 2021),
        ("关于2024年法治政府建设情况和2025年工作计划的报告", 2024),
        ("某镇法治政府建设情况报告", None),
    ],
)
def test_year_in_title(title, year):
    assert year_in_title(title) == year


def test_year_from_preamble_ignores_cited_ranges():
    preamble = "按照《法治政府建设实施纲要（2021-2025年）》要求，现将2023年度法治政府建设情况报告如下："
    assert find_year("法治政府建设情况报告", preamble, "") == 2023


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("吉水镇2024年法治政府建设年度报告", "吉水镇"),
        ("遂溪县人民政府遂城街道办事处关于2022年度法治政府建设情况的报告", "遂城街道"),
        ("关坝镇人民政府2020年度法治政府建设工作年度报告", "关坝镇"),
        ("某某街道办2023年法治政府建设报告", "某某街道"),
        ("某某县乡镇2023年法治政府建设情况报告", None),
    ],
)
def test_town_in_title(text, town):
    assert town_in_name(text) == town


def test_town_after_known_prefix():
    assert town_in_name("黔江区黄溪镇人民政府2024年度法治政府建设报告", ["黔江区"]) == "黄溪镇"
    assert town_in_name("万盛关坝镇", ["万盛"]) == "关坝镇"


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("一、主要工作", "measures"),
        ("一、法治政府建设完成情况", "measures"),
        ("一、工作举措与成效", "measures"),
        ("二、存在不足", "problems"),
        ("二、存在的主要问题及原因", "problems"),
        ("二、问题和不足", "problems"),
        ("三、下一步工作", "plans"),
        ("三、2025年工作措施", "plans"),
        ("三、下一年度工作安排", "plans"),
        ("四、党政主要负责人履行推进法治建设第一责任人职责情况", "leadership"),
        ("五、其他需要报告的情况", "other"),
        ("二、加强党的领导", None),
    ],
)
def test_heading_kind(heading, kind):
    assert heading_kind(heading, 2024) == kind


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("2022年12月8日", "2022-12-08"),
        ("二〇二四年一月十日", "2024-01-10"),
        ("（2023年12月31日）", "2023-12-31"),
        ("2022年12月8日，我镇召开会议", None),
    ],
)
def test_date_line(line, date):
    assert date_line(line) == date


def test_header_takes_first_complete_title_of_repeated_title():
    lines = [
        "关坝镇人民政府2020年度法治政府建设工作年度报告",
        "日期:2021-06-18",
        "关坝镇人民政府2020年度",
        "法治政府建设工作年度报告",
        "2020年，我镇深入推进法治政府建设。",
    ]
    header = find_header(lines, {})
    assert header.title == "关坝镇人民政府2020年度法治政府建设工作年度报告"
    assert header.body_start == 4


def test_header_falls_back_to_page_title():
    header = find_header(
        ["2023年，我镇深入推进法治政府建设。"], {"html_title": "东坝镇2023年法治政府建设年度报告_某某区人民政府网"}
    )
    assert header.title == "东坝镇2023年法治政府建设年度报告"


LINES = st.lists(
    st.sampled_from(
        [
            "吉水镇2024年法治政府建设年度报告",
            "一、主要工作",
            "（一）强化理论学习。全年学法十次。",
            "二、存在不足",
            "但也存在一些问题：一是宣传不够。",
            "三、下一步工作",
            "下一步，我镇将加强法治宣传。",
            "特此报告。",
            "吉水镇人民政府",
            "2025年1月7日",
            "首页 > 政务公开",
            "第一部分 主要成效",
            "存在的问题",
            "2024年，我镇深入推进法治建设，取得积极成效。",
        ]
    )
    | st.text(alphabet="法治镇乡街道一二三、（）。：0123456789年 ", max_size=30),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(LINES)
def test_any_text_gives_a_report_or_unreadable(lines):
    """Parsing never fails otherwise, and the same text gives the same id."""
    text = "\n".join(lines)
    try:
        first = parse_document(RawDocument("a.txt", text, "txt"))
    except UnreadableFile:
        return
    second = parse_document(RawDocument("b/c.txt", text, "txt"))
    assert first.report_id == second.report_id
    assert all(section.kind in SECTION_KINDS for section in first.sections)
    assert [s.kind for s in first.sections].count("preamble") <= 1


@pytest.mark.parametrize(
    ("line", "title"),
    [
        (
            "天津市静海区人民政府 2019年12月3日星期二无障碍 简体|繁体静海区2023年度法治政府建设情况报告",
            "静海区2023年度法治政府建设情况报告",
        ),
        ("通知公告柳城县2025年法治政府建设年度报告", "柳城县2025年法治政府建设年度报告"),
        ("•公开方式:公开王河镇人民政府关于2025年法治政府建设的报告", "王河镇人民政府关于2025年法治政府建设的报告"),
        ("勐拉镇2023年法治政府建设年度报告.docx", "勐拉镇2023年法治政府建设年度报告"),
        ("某镇2023年度报告.docx某镇2023年法治政府建设年度报告", "某镇2023年法治政府建设年度报告"),
        (
            "今天是：2022年5月9日 星期一 农历四月初九您所在的位置：政务公开 > 工作报告大邱庄镇2021年法治政府建设工作报告",
            "大邱庄镇2021年法治政府建设工作报告",
        ),
        ("公文生成日期：2023-03-01某乡2022年度法治政府建设情况报告", "某乡2022年度法治政府建设情况报告"),
        ("无障碍 简体|繁体", ""),
        ("吉水镇2024年法治政府建设年度报告", "吉水镇2024年法治政府建设年度报告"),
    ],
)
def test_title_without_chrome(line, title):
    assert strip_title_chrome(line) == title


def test_salutation_is_no_title():
    text = "市委、市政府：\n2023年，我县坚持依法行政，现将我县2023年度法治政府建设情况报告如下：\n一、主要工作\n全年学法十次。"
    header = find_header(text.split("\n"), {})
    assert header.title == ""
    assert parse_document(RawDocument("x.txt", text, "txt")).title is None


def test_header_today_date_is_not_published():
    assert header_date(["某区人民政府 2019年12月3日星期二", "某区2023年度法治政府建设情况报告"]) is None
    assert header_date(["公文生成日期：2023-03-01"]) is None
    assert header_date(["发布时间：", "2024-03-04"]) == "2024-03-04"


@pytest.mark.parametrize(
    ("text", "doc_type"),
    [
        ("2023年，xx镇坚持依法行政，全年开展学法x次，审查合同xx份，调解纠纷xx件。现将有关情况报告如下：", "other"),
        ("为推进依法行政，结合我县实际，制定本方案。", "other"),
        ("2023年，某街道坚持依法行政，法治政府建设取得成效。现将2023年度法治政府建设情况报告如下：", "annual_report"),
    ],
)
def test_doc_type_from_the_opening(text, doc_type):
    sections = [Section("preamble", "", text), Section("measures", "一、主要工作", "全年学法十次。")]
    assert classify("", text, sections) == doc_type


@pytest.mark.parametrize(
    ("opening", "level", "name"),
    [
        ("2025年，大中街道在区委、区政府的坚强领导下，坚持依法行政。", "township", "大中街道"),
        ("2024年是攻坚之年。在滨江区委、区政府的坚强领导下，西兴街道坚持依法行政。", "township", "西兴街道"),
        ("2024年，乌兰察布市坚持依法行政。", "city", "乌兰察布市"),
        ("一年来，遂宁市司法局坚持依法行政。", "department", "遂宁市司法局"),
        ("2023年，辉苏木在鄂温克旗委、旗政府的正确领导下，坚持依法行政。", "township", "辉苏木"),
    ],
)
def test_unit_in_opening(opening, level, name):
    unit = unit_in_opening(opening)
    assert (unit.level, unit.name) == (level, name)


def test_unit_from_the_bodies_words_and_its_documents():
    body = "2023年，县委、县政府坚持依法治县。现将我县2023年度法治政府建设情况报告如下。\n印发《金平县领导干部应知应会清单》。"
    unit = find_unit(title="", opening=body.split("\n")[0], issuers=[], body=body, exclude=["红河州"])
    assert (unit.level, unit.name) == ("county", "金平县")


def test_generic_department_takes_the_signatures_full_name():
    unit = find_unit(title="", opening="2022年，县司法局紧紧围绕中心工作。", issuers=["潼关县司法局"], body="")
    assert (unit.level, unit.name) == ("department", "潼关县司法局")
