"""Classification that explains itself (Report.doc_type_reason) and the
doubts a curator is shown (Report.doubts): look-alikes with the sign that
made them `other`, weak verdicts and unstated years listed, never a year
taken from the publication date alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from search_service.config import PROJECT_ROOT
from search_service.ingest import SUPPORTED_SUFFIXES, parse_file

PARTS = "一、主要工作及成效\n推进依法行政，完善法治政府建设制度。\n二、存在的问题\n执法力量不足。\n三、下一步工作打算\n加强法治建设。\n"


def _parse(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_file(path, tmp_path)


def _doubted(report) -> set[str]:
    return {doubt.field for doubt in report.doubts}


def test_notice_to_subordinates_without_title_is_other(tmp_path):
    report = _parse(
        tmp_path,
        "各市（州）人民政府，省政府各部门：\n"
        "根据年度法治政府建设考核工作安排，省依法治省办对各地各部门法治政府建设情况进行了考核，现将结果通报如下。\n"
        "一、考核结果\n优秀等次单位10个。\n二、存在的问题\n部分单位法治建设责任落实不到位。\n三、下一步要求\n各地要抓好整改。\n",
    )
    assert report.doc_type == "other"
    assert "下级" in report.doc_type_reason


def test_leader_speaking_in_the_first_person_is_other(tmp_path):
    report = _parse(
        tmp_path,
        "2024年，我认真履行推进法治建设第一责任人职责，现将有关情况报告如下。\n"
        "一、履职情况\n我主持召开常务会议研究法治工作，我带头学法。\n"
        "二、存在的问题\n本人学法还不够系统。\n三、下一步打算\n我将继续抓好法治政府建设。\n",
    )
    assert report.doc_type == "other"
    assert "第一人称" in report.doc_type_reason


def test_first_person_phrases_of_real_reports_do_not_count(tmp_path):
    report = _parse(
        tmp_path,
        "2024年，我县深入开展“我为群众办实事”实践活动，引导干部自我约束、自我提升，现将法治政府建设情况报告如下。\n"
        + PARTS,
    )
    assert report.doc_type == "annual_report"


def test_copy_starting_at_its_first_part_is_a_report_listed_for_the_curator(tmp_path):
    report = _parse(
        tmp_path,
        "一、法治政府建设主要举措和成效\n全面推进依法行政，法治政府建设取得新成效，法治宣传深入开展。\n"
        "二、存在的问题\n法治建设基础薄弱。\n三、下一步工作打算\n持续推进法治政府建设。\n",
    )
    assert report.doc_type == "annual_report"
    assert "无标题、无开头" in report.doc_type_reason
    assert {"doc_type", "year"} <= _doubted(report)
    assert report.year is None


def test_publication_date_is_never_the_report_year(tmp_path):
    report = _parse(
        tmp_path,
        "发布日期：2025-01-15\n法治政府建设情况报告\n"
        "县政府坚持依法行政，现将法治政府建设情况报告如下。\n"
        "一、主要举措和成效\n2025年1月10日召开常务会议，研究法治政府建设。\n二、存在的问题\n执法力量不足。\n",
    )
    assert report.doc_type == "annual_report"
    assert report.published == "2025-01-15"
    assert report.year is None
    assert "year" in _doubted(report)


def test_year_only_the_body_gives_is_kept_and_listed(tmp_path):
    report = _parse(
        tmp_path,
        "法治政府建设情况报告\n县政府坚持依法行政，现将法治政府建设情况报告如下。\n"
        "一、主要举措和成效\n2023年，全县办理行政复议案件20件，2023年全年开展培训5次。\n二、存在的问题\n执法力量不足。\n",
    )
    assert report.year == 2023
    assert any(d.field == "year" and "正文" in d.reason for d in report.doubts)


def test_a_report_that_states_everything_has_no_doubts(tmp_path):
    report = _parse(
        tmp_path,
        "霍城县人民政府关于2024年度法治政府建设情况的报告\n2024年，霍城县深入推进法治政府建设，现将有关情况报告如下。\n"
        + PARTS,
    )
    assert report.doc_type == "annual_report"
    assert "标题" in report.doc_type_reason
    assert report.doubts == ()


def test_manifest_settles_a_doubt(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,year,doc_type\ndoc.txt,2024,annual_report\n", encoding="utf-8")
    report = _parse(
        tmp_path,
        "一、法治政府建设主要举措和成效\n全面推进依法行政，法治政府建设取得新成效，法治宣传深入开展。\n"
        "二、存在的问题\n法治建设基础薄弱。\n三、下一步工作打算\n持续推进法治政府建设。\n",
    )
    assert report.year == 2024
    assert not {"doc_type", "year"} & _doubted(report)
    assert "manifest" in report.doc_type_reason


FIXTURE_FILES = sorted(
    path
    for folder in ("parsing", "real_shapes", "unseen")
    for path in (PROJECT_ROOT / "tests" / "fixtures" / folder).iterdir()
    if path.suffix in SUPPORTED_SUFFIXES
)


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_document_says_why_it_is_what_it_is(path):
    report = parse_file(path, path.parent)
    assert report.doc_type_reason
    for doubt in report.doubts:
        assert doubt.reason and doubt.field in {"doc_type", "year", "level", "unit", "province"}
