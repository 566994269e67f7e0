"""Headings: which lines open a part of the report, at which level, and
what kind of part (CONTRACT.md's section kinds) their words announce.

Heading styles in use: 一、… and 第一部分 (top level), （一）… (one level
down), and an unnumbered short line such as 存在的问题 (a bold line in the
original document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search_service.ingest.numerals import ascii_digits, small_number

_CN_NUMBER = "一二三四五六七八九十"
# 一、主要工作 / 二．存在问题 (but not 一是…, which is an enumeration in prose).
# Sites and scans also write 一，… 一：… for 一、….
CHAPTER = re.compile(rf"^([{_CN_NUMBER}]{{1,3}})\s*[、.．，,：:]\s*(?!是)")
# 第一部分 / 第二章.
PART = re.compile(rf"^第([{_CN_NUMBER}]{{1,3}})(?:部分|章)\s*[、.．:：，,]?\s*")
# （一）… in full- or half-width brackets.
SUBSECTION = re.compile(rf"^[（(]([{_CN_NUMBER}]{{1,3}})[)）]\s*")
# 1. / 1、 / （1） and markdown marks, stripped before reading a heading's words.
NUMBERING = re.compile(
    rf"^(?:[#*\s]+|第[{_CN_NUMBER}]{{1,3}}(?:部分|章)|[{_CN_NUMBER}]{{1,3}}\s*[、.．，,：:]|[（(][{_CN_NUMBER}\d]{{1,3}}[)）]|"
    r"\d{1,2}\s*[、.．](?!\d))\s*"
)
# The end of a heading written at the start of its first paragraph.
_HEADING_END = re.compile(r"[。：:！!]")
MAX_HEADING = 50
# An unnumbered line this short, without sentence punctuation, may be a heading.
MAX_BOLD_HEADING = 30
_SENTENCE_END = re.compile(r"[。；;，,！!？?]$")

# Words that announce each kind, in simplified characters. The earliest
# match in a heading decides its kind ("存在的问题及下一步打算" is problems).
KIND_WORDS: dict[str, str] = {
    "leadership": r"第一责任人|主要负责人(?:履行|履职)|履行推进法治建设",
    "other": r"其他需要报告|其他(?:有关)?(?:事项|情况)|需要说明的(?:问题|情况)",
    "problems": r"存在的?(?:主要)?(?:问题|不足|短板|困难)|问题(?:和|与|及)(?:不足|困难|差距|原因|挑战)|不足之处|"
    r"^(?:主要)?(?:问题|不足)|短板|差距|薄弱环节|困难和问题|面临的(?:问题|困难|挑战)|的(?:问题|不足)$|"
    r"(?:不足|问题)(?:和|与|及)(?:原因|短板|差距)",
    "plans": r"下一步|下一年|明年|今后|新的一年|工作(?:计划|打算|安排|思路|设想|展望|重点|方向|建议)|努力方向|"
    r"(?:改进|整改)(?:措施|举措|方向)|对策(?:建议|措施)?|"
    r"(?:计划|打算|安排|思路|设想|展望)$",
    "measures": r"成效|成绩|举措|措施|主要工作|工作(?:开展|完成|推进|落实|进展)?情况|完成情况|开展情况|推进情况|"
    r"落实情况|进展情况|主要做法|做法|经验|亮点|工作回顾",
}
_KIND_RES = {kind: re.compile(words) for kind, words in KIND_WORDS.items()}
_YEAR_IN_HEADING = re.compile(r"((?:19|20)\d\d)\s*年")


@dataclass(frozen=True)
class Heading:
    """A heading line: `level` 1 (part) or 2 (sub-part), its `number` when
    numbered, the heading as written, and the text after it on that line."""

    level: int
    number: int | None
    heading: str
    rest: str


def is_numbered_heading(line: str) -> bool:
    """Starts like a numbered heading of either level."""
    return bool(CHAPTER.match(line) or PART.match(line) or SUBSECTION.match(line))


def split_heading(line: str) -> tuple[str, str]:
    """A heading line -> (heading, rest): a long line whose heading ends
    with 。 or ： carries its first paragraph after it. The numbering's own
    mark (三：下一步工作计划) does not end the heading."""
    numbering = NUMBERING.match(line)
    start = numbering.end() if numbering is not None else 0
    if len(line) <= MAX_HEADING and not _HEADING_END.search(line, start, len(line) - 1):
        return line.rstrip("。"), ""
    end = _HEADING_END.search(line, start)
    if end is None or end.start() > MAX_HEADING:
        return line, ""
    return line[: end.start()], line[end.end() :].strip()


def numbered(line: str, pattern: re.Pattern[str], level: int) -> Heading | None:
    match = pattern.match(line)
    if match is None:
        return None
    heading, rest = split_heading(line)
    return Heading(level, small_number(match.group(1)), heading, rest)


def bare_words(heading: str) -> str:
    """The heading's words without numbering or markdown marks."""
    return NUMBERING.sub("", heading).strip("*# ")


def is_bold_line(line: str) -> bool:
    """An unnumbered short line that could be a heading of its own."""
    return len(line) <= MAX_BOLD_HEADING and not _SENTENCE_END.search(line) and not is_numbered_heading(line)


def heading_kind(heading: str, report_year: int | None) -> str | None:
    """The kind a heading announces, or None when its words name none.

    A heading about a later year than the report's ("2025年工作措施" in a
    2024 report) announces plans whatever else it says."""
    words = ascii_digits(bare_words(heading))
    year = _YEAR_IN_HEADING.search(words)
    later_year = report_year is not None and year is not None and int(year.group(1)) > report_year
    if later_year and not _KIND_RES["problems"].search(words):
        return "plans"
    best: tuple[int, str] | None = None
    for kind, pattern in _KIND_RES.items():
        match = pattern.search(words)
        if match is not None and (best is None or match.start() < best[0]):
            best = (match.start(), kind)
    return best[1] if best else None
