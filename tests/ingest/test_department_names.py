"""Departments as real reports name them: with their party group, their
other name in brackets, a doubled tail, only in their own cited
documents, or only as 我局; a province written without 省."""

from __future__ import annotations

import pytest

from search_service.ingest.units import department_in_citations, unit_in_name, unit_in_opening


@pytest.mark.parametrize(
    ("written", "unit"),
    [
        ("中共青岛市交通运输局党组", "青岛市交通运输局"),
        ("杭州市城市管理局（杭州市综合行政执法局）", "杭州市城市管理局"),
        ("廉江市民政局民政局", "廉江市民政局"),
        ("天津市卫生健康委", "天津市卫生健康委"),
        ("青海", "青海省"),
    ],
)
def test_issuer_names(written, unit):
    assert unit_in_name(written).name == unit


@pytest.mark.parametrize("self_reference", ["我局", "本局", "我委", "该厅"])
def test_a_department_speaking_of_itself_names_no_unit(self_reference):
    assert unit_in_opening(f"2024年，{self_reference}坚持依法行政，全面推进法治政府建设。") is None


def test_subject_ending_in_wei_or_with_party_group():
    assert unit_in_opening("2024年，天津市卫生健康委以习近平法治思想为指导，推进法治建设。").name == "天津市卫生健康委"
    assert unit_in_opening("2022年，青岛市交通运输局党组坚持依法行政。").name == "青岛市交通运输局"


def test_department_named_only_in_its_own_cited_documents():
    body = "我局制定《上城区人力社保局行政合法性审查事项目录清单》，落实《法治政府建设实施纲要》。"
    assert department_in_citations(body) == "上城区人力社保局"
    assert department_in_citations("落实《法治政府建设实施纲要》和《县司法局工作规则》。") is None
    tie = "《甲县民政局工作规则》《乙县教育局工作规则》"
    assert department_in_citations(tie) is None


def test_subject_of_the_openings_second_paragraph():
    opening = (
        "根据《关于做好绩效考评有关工作的通知》要求，区教育局认真对照考核标准，现对我局2019年度法治政府建设工作情况总结如下:\n"
        "2019年度，武清区教育局深入学习贯彻习近平法治思想。"
    )
    assert unit_in_opening(opening).name == "武清区教育局"
