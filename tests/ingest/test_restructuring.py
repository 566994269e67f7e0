"""Lines run together are put back on lines of their own
(ingest/restructuring.py): which markers are headings, which are
enumerations, and documents that kept their structure stay as they are."""

from __future__ import annotations

import pytest

from search_service.ingest.restructuring import lost_structure, restore_lines

OPENING = "2024年，某县坚持依法行政，推动各项工作落到实处，现将有关情况报告如下。"


def test_parts_run_inside_one_line_get_lines_of_their_own():
    line = (
        OPENING + "一、主要举措和成效（一）健全工作机制。全年召开会议4次。（二）规范行政执法。办理案件12件。"
        "二、存在的问题 一是执法人员偏少。二是培训不够。三、下一步工作打算（一）加强学习。（二）充实队伍。"
    )
    assert restore_lines([line]) == [
        OPENING,
        "一、主要举措和成效",
        "（一）健全工作机制。全年召开会议4次。",
        "（二）规范行政执法。办理案件12件。",
        "二、存在的问题",
        "一是执法人员偏少。二是培训不够。",
        "三、下一步工作打算",
        "（一）加强学习。",
        "（二）充实队伍。",
    ]


def test_heading_run_into_prose_without_any_mark_is_cut_where_the_prose_starts():
    line = OPENING + "一、工作开展情况 全县推进依法行政。二、存在的问题一是力量不足。三、下一步打算我县将深化改革。"
    assert restore_lines([line])[3:] == ["二、存在的问题", "一是力量不足。", "三、下一步打算", "我县将深化改革。"]


def test_chapter_style_and_items():
    line = (
        "第一部分 主要做法 1.完善制度。制定文件5件。2.提升能力。培训200人次。"
        "第二部分 存在的不足 基础薄弱。第三部分 工作安排 继续推进。"
    )
    assert restore_lines(["某镇关于2023年法治政府建设情况的报告", line]) == [
        "某镇关于2023年法治政府建设情况的报告",
        "第一部分 主要做法",
        "1.完善制度。制定文件5件。",
        "2.提升能力。培训200人次。",
        "第二部分 存在的不足",
        "基础薄弱。",
        "第三部分 工作安排",
        "继续推进。",
    ]


@pytest.mark.parametrize(
    "enumeration",
    [
        "明确一、二级责任清单",
        "第一、二季度分别开展督查",
        "开展一、二、三产业企业普法",
        "依照第十条第（一）项作出处理",
        "罚没款1.5万元",
        "覆盖率达到12.5%以上",
        "在2024.3.1前完成清理",
        "依据〔2024〕1号文件",
        "（一）项规定的情形",
    ],
)
def test_enumerations_that_look_like_numbering_are_not_cut(enumeration):
    line = OPENING + "一、主要举措和成效 全县" + enumeration + "，成效明显。二、存在的问题 力量不足。"
    restored = restore_lines([line])
    assert restored == [
        OPENING,
        "一、主要举措和成效",
        "全县" + enumeration + "，成效明显。",
        "二、存在的问题",
        "力量不足。",
    ]


def test_numbering_out_of_sequence_is_not_a_heading():
    # 三、 without a 二、 before it, inside a sentence: a list, not a part.
    line = OPENING + "一、主要举措和成效 推进三项工作：三、四月份开展检查。二、存在的问题 力量不足。"
    assert restore_lines([line])[2] == "推进三项工作：三、四月份开展检查。"


def test_documents_that_kept_their_lines_are_unchanged():
    lines = [
        "某县2024年法治政府建设年度报告",
        OPENING,
        "一、主要举措和成效",
        "（一）健全机制。主要有三个方面：一、完善制度；二、加强督查；三、严格考核。",
        "二、存在的问题",
        "力量不足。",
        "三、下一步工作打算",
        "继续推进。",
    ]
    assert not lost_structure(lines)
    assert restore_lines(lines) == lines


def test_one_line_holding_two_parts_is_restored_even_among_kept_lines():
    lines = [OPENING, "一、主要举措和成效", "推进依法行政。二、存在的问题 力量不足。三、下一步工作打算 继续推进。"]
    assert restore_lines(lines) == [
        OPENING,
        "一、主要举措和成效",
        "推进依法行政。",
        "二、存在的问题",
        "力量不足。",
        "三、下一步工作打算",
        "继续推进。",
    ]


def test_signature_run_in_after_the_last_sentence_is_set_apart():
    line = OPENING + "一、主要举措和成效 推进依法行政。二、存在的问题 力量不足。某县人民政府 2025年1月20日"
    assert restore_lines([line])[-2:] == ["力量不足。", "某县人民政府 2025年1月20日"]


def test_short_lines_and_empty_input():
    assert restore_lines([]) == []
    assert restore_lines(["一、二、三"]) == ["一、二、三"]


def test_heading_without_any_mark_ends_with_the_word_naming_the_part():
    line = (
        OPENING + "一、主要举措和成效全县推进依法行政。二、存在的问题和不足执法力量不足。三、下一步工作安排深化改革。"
    )
    assert restore_lines([line])[1:] == [
        "一、主要举措和成效",
        "全县推进依法行政。",
        "二、存在的问题和不足",
        "执法力量不足。",
        "三、下一步工作安排",
        "深化改革。",
    ]


def test_title_line_running_on_into_the_text_is_cut_at_the_space():
    lines = [
        "关于2025年度法治政府",
        "建设情况的报告 " + OPENING + "一、主要举措和成效 推进法治。二、存在的问题 力量不足。",
    ]
    assert restore_lines(lines)[:3] == ["关于2025年度法治政府", "建设情况的报告", OPENING]


@pytest.mark.parametrize("word", ["统一、", "唯一、", "之一、"])
def test_numerals_inside_words_are_not_numbering(word):
    # Before the first part, 一 is the number expected next.
    opening = f"2024年，全县推进执法{word}规范存在的问题整改，现将有关情况报告如下。"
    line = opening + "一、主要举措和成效 推进法治。二、存在的问题 力量不足。"
    assert restore_lines([line])[:2] == [opening, "一、主要举措和成效"]
