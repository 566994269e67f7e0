"""The pure pieces of reading: decoding, dates, chrome, re-joining, cleaning."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.ingest.chrome import capture_meta, is_chrome, is_page_mark, meta_fields
from search_service.ingest.cleaning import clean_text, normalise_line
from search_service.ingest.dates import iso_date
from search_service.ingest.decoding import chinese_likeness, decode_bytes
from search_service.ingest.rejoining import Line, glue, is_standalone_heading, rejoin
from search_service.ingest.unreadable import Unreadable

BODY = "2024年，我镇深入学习贯彻习近平法治思想，全面推进依法行政，法治政府建设取得新成效。"


def cleaned_lines(text: str) -> list[str]:
    return clean_text(text).text.split("\n")


# --- decoding -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["法律顾问", "关于法治政府建设的报告", "一、主要工作\n（一）强化理论学习。", "黄溪镇2024年度报告：共受理12件。"],
)
def test_short_gbk_text_is_detected_not_misread(text: str) -> None:
    decoded = decode_bytes(text.encode("gbk"))
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


def test_big5_traditional_text_is_detected() -> None:
    text = "關於法治政府建設的報告。全面推進依法行政。"
    assert decode_bytes(text.encode("big5")).text == text


def test_utf16_without_bom_is_detected() -> None:
    assert decode_bytes(BODY.encode("utf-16-le")).text == BODY


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"\xef\xbb\xbf" + BODY.encode(), "utf-8-sig"),
        (b"\xff\xfe" + BODY.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + BODY.encode("utf-16-be"), "utf-16"),
        (BODY.encode(), "utf-8"),
    ],
)
def test_byte_order_marks_and_utf8_decode_exactly(data: bytes, encoding: str) -> None:
    decoded = decode_bytes(data)
    assert (decoded.text, decoded.encoding) == (BODY, encoding)


def test_newlines_become_lf() -> None:
    assert decode_bytes("甲\r\n乙\r丙\n丁".encode()).text == "甲\n乙\n丙\n丁"


@pytest.mark.parametrize("data", [b"", b"  \n\t ", bytes(range(256)) * 8, b"\x00\x01\x02\x03" * 100])
def test_empty_and_binary_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(Unreadable):
        decode_bytes(data)


def test_chinese_likeness_separates_right_and_wrong_decodings() -> None:
    raw = BODY.encode("gbk")
    assert chinese_likeness(raw.decode("gb18030")) == 1.0
    assert chinese_likeness(raw.decode("cp949", errors="replace")) < 0.5
    assert chinese_likeness("plain ASCII") == 0.0


# --- dates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-07 15:15:56", "2025-01-07"),
        ("2021/6/18", "2021-06-18"),
        ("2021.06.18", "2021-06-18"),
        ("2022年12月8日", "2022-12-08"),
        ("2022 年 12 月 8 日", "2022-12-08"),
        ("D:20240115093000+08'00'", "2024-01-15"),
        ("时间:2022-12-24 点击数:-", "2022-12-24"),
        ("2024-02-30", None),
        ("no date", None),
        (None, None),
    ],
)
def test_iso_date(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


# --- chrome -------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "7首页\xa0>\xa0政务公开\xa0>\xa0年度法治政府建设情况报告",
        "首页 > 政务公开 > 法治政府建设",
        "您当前的位置:首页>关坝镇>政府信息公开目录>法治政府建设年度报告",
        "当前位置：首页 » 信息公开",
        "来源:本网  发布日期:2025-01-07 15:15:56",
        "作者: | 来源:本网 | 时间:2022-12-24 点击数:- 分享到:",
        "发布时间：2024-01-15 来源：青山镇人民政府 浏览次数：128",
        "[ 索引号 ]11500110733965117G/2021-00042 [ 发文字号 ] [ 发布机构 ]万盛关坝镇 [ 成文日期 ]2021-06-18",
        "日期:2021-06-18",
        "【打印】 【字体:",
        "【字体：大 中 小】【打印】【关闭】",
        "打印本页 关闭窗口",
        "语音播报",
        "语音合成中,请耐心等待...",
        "进入播报模式",
        "退出播报模式",
        "扫一扫在手机打开当前页",
        "返回主站",
        "返回顶部",
        "收起",
        "部门街镇",
        "政务新媒体",
        "智能问答",
        "Baidu",
        "map",
        "分享到：微信 微博",
        "上一篇：青山镇召开安全生产会议",
        "主办：某某县人民政府办公室 版权所有",
        "网站标识码：4400000001 粤ICP备12345678号",
    ],
)
def test_chrome_line_is_recognised_and_removed(line: str) -> None:
    assert is_chrome(normalise_line(line))
    text = f"青山镇2023年法治政府建设报告\n{line}\n{BODY}"
    assert cleaned_lines(text) == ["青山镇2023年法治政府建设报告", BODY]


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "时间紧、任务重，我镇按期完成全部整改任务。",
        "来源：群众反映的问题均已按时办结。",
        "镇政府发布日期调整通知，规范信息发布程序。",
        "一、主要工作",
        "青山镇人民政府",
        "2024年1月10日",
        "打击违法行为，关闭非法采砂场3处。",
        "首页内容已更新",
    ],
)
def test_report_lines_are_not_chrome(line: str) -> None:
    assert not is_chrome(line)


def test_meta_fields_split_a_labelled_line() -> None:
    fields = meta_fields("作者: | 来源:本网 | 时间:2022-12-24 点击数:- 分享到:")
    assert fields == [("作者", ""), ("来源", "本网"), ("时间", "2022-12-24"), ("点击数", "-"), ("分享到", "")]
    assert meta_fields("来源：本网。以下为正文") is None
    assert meta_fields("正文来源：本网") is None


def test_capture_meta_prefers_publication_labels() -> None:
    meta = capture_meta(
        [
            "日期:2021-06-19",
            "[ 索引号 ]11500110733965117G/2021-00042 [ 发布机构 ]万盛关坝镇 [ 成文日期 ]2021-06-17 [ 发布日期 ]2021-06-18",
            "发文字号：关府发〔2021〕3号",
            BODY,
        ]
    )
    assert meta == {
        "published": "2021-06-18",
        "written": "2021-06-17",
        "index_number": "11500110733965117G/2021-00042",
        "issuer": "万盛关坝镇",
        "doc_number": "关府发〔2021〕3号",
    }


def test_capture_meta_normalises_chinese_dates() -> None:
    assert capture_meta(["发布时间：2024年1月5日 09:30"]) == {"published": "2024-01-05"}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("2025-01-07 15:15:56", {"published": "2025-01-07"}),
        ("2025-01-07 15:15 来源：本网", {"published": "2025-01-07", "source_site": "本网"}),
        ("發佈日期：2023-03-02 來源：本網 瀏覽次數：12", {"published": "2023-03-02", "source_site": "本網"}),
    ],
)
def test_page_timestamp_lines_are_chrome_with_a_date(line: str, expected: dict[str, str]) -> None:
    assert is_chrome(line)
    assert capture_meta([line]) == expected


def test_signature_date_is_not_a_timestamp() -> None:
    assert not is_chrome("2024年1月10日")
    assert not is_chrome("2024-01-10")
    assert capture_meta(["2024年1月10日"]) == {}


@pytest.mark.parametrize("line", ["— 3 —", "- 3 -", "－12－", "第3页", "第 3 页 共 10 页", "3/10", "Page 3 of 10"])
def test_page_marks(line: str) -> None:
    assert is_page_mark(line)


def test_page_mark_is_removed_and_the_sentence_runs_on() -> None:
    text = f"标题\n{BODY}\n镇政府聘请律师担任法律顾问，并依托综合行政执\n— 3 —\n法办公室开展合法性审查。"
    assert cleaned_lines(text) == ["标题", BODY, "镇政府聘请律师担任法律顾问，并依托综合行政执法办公室开展合法性审查。"]


# --- artefacts and spaces -----------------------------------------------


def test_bookmark_artefact_is_removed_inside_a_line() -> None:
    line = "[bookmark: _GoBack]2024年推进法治政府建设[bookmark: _Toc123]虽然取得了一些成绩。"
    assert normalise_line(line) == "2024年推进法治政府建设虽然取得了一些成绩。"


def test_spaces_are_collapsed_and_indentation_stripped() -> None:
    assert normalise_line("\u3000\u3000仙溪镇  2024\xa0\xa0年法治建设\t年度报告  ") == "仙溪镇 2024 年法治建设 年度报告"
    assert normalise_line("法 治 政 府 建 设 报 告") == "法治政府建设报告"


# --- re-joining ---------------------------------------------------------


def test_broken_sentence_is_joined_across_one_blank_line() -> None:
    text = (
        "1. 坚持党的全面领导：成立以镇党委书记为组长的全面依法治镇工作领导小组，负责全镇依法治镇工作的统筹协\n\n"
        "调。将法治建设纳入年度工作计划。"
    )
    assert cleaned_lines(text) == [
        "1. 坚持党的全面领导：成立以镇党委书记为组长的全面依法治镇工作领导小组，负责全镇依法治镇工作的统筹协调。"
        "将法治建设纳入年度工作计划。"
    ]


def test_headings_and_title_lines_are_not_joined() -> None:
    text = (
        "黔江区黄溪镇人民政府\n2024年度法治政府建设报告\n\n"
        f"{BODY}\n一、主要工作\n（一）强化理论学习，筑牢法治建设思想\n{BODY}\n"
        "第二部分 存在问题\n1. 人员稳定性不足\n(1)执法力量薄弱\n①经费不足\n"
    )
    assert cleaned_lines(text) == [
        "黔江区黄溪镇人民政府",
        "2024年度法治政府建设报告",
        BODY,
        "一、主要工作",
        "（一）强化理论学习，筑牢法治建设思想",
        BODY,
        "第二部分 存在问题",
        "1. 人员稳定性不足",
        "(1)执法力量薄弱",
        "①经费不足",
    ]


def test_long_title_without_punctuation_is_not_joined_to_the_first_paragraph() -> None:
    title = "遂溪县人民政府遂城街道办事处关于2022年度法治政府建设情况的报告"
    assert cleaned_lines(f"{title}\n{BODY}") == [title, BODY]


def test_signature_lines_stay_apart() -> None:
    text = f"{BODY}\n特此报告。\n\n遂溪县人民政府遂城街道办事处\n2022年12月8日\n"
    assert cleaned_lines(text)[-2:] == ["遂溪县人民政府遂城街道办事处", "2022年12月8日"]


def test_indented_line_starts_a_new_paragraph() -> None:
    text = "　　全面推进依法行政，加强执法队伍建设，提升依法履职能力\n　　深入开展普法宣传，增强群众法治意识。"
    assert len(cleaned_lines(text)) == 2


def test_latin_and_digit_runs_keep_a_space_when_joined() -> None:
    assert glue("开展线上线下", "相结合") == "开展线上线下相结合"
    assert glue("全年共接待咨询 120", "余人次") == "全年共接待咨询 120余人次"
    assert glue("通过LED", "screen") == "通过LED screen"
    lines = [
        Line(BODY),
        Line("全镇各村已全面推广使用微信公众号，并在村部安装LED"),
        Line("显示屏开展法治宣传，覆盖群众三千余人，使用 WeChat"),
        Line("Mini Program 服务群众。"),
    ]
    assert rejoin(lines) == [
        BODY,
        "全镇各村已全面推广使用微信公众号，并在村部安装LED显示屏开展法治宣传，覆盖群众三千余人，使用 WeChat Mini Program 服务群众。",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("一、主要工作", True),
        ("（一）强化理论学习，筑牢法治建设思想", True),
        ("1. 抓实理论学习：将法治学习作为基础性工作", False),
        ("（一）强化理论学习。“理论指导实践”", False),
        ("强化理论学习", False),
    ],
)
def test_standalone_heading(line: str, expected: bool) -> None:
    assert is_standalone_heading(line) is expected


# --- properties ---------------------------------------------------------

# Report-like characters that can never form a chrome line or a page mark.
_REPORT_CHARS = "法治政府建设工作镇村推进依法行政审查顾问执法办公室综合，。；、"
_CJK = re.compile(r"[\u3400-\u9fff]")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=_REPORT_CHARS + " \u3000\n", max_size=60), max_size=12))
def test_cleaning_never_loses_chinese_text_or_leaves_blank_lines(pieces: list[str]) -> None:
    text = "\n".join(pieces)
    cleaned = clean_text(text).text
    assert _CJK.findall(cleaned) == _CJK.findall(text)
    assert all(line.strip() == line and line for line in cleaned.split("\n")) or cleaned == ""
