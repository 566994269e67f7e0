"""Restore the line structure a document lost, before its parts are found.

A PDF extracted without its layout, a WeChat repost or a page whose <br>
were dropped gives the whole report as one long line: "…报告如下。一、2024年
主要举措和成效（一）加强…。（二）… 二、存在的问题 一是… 三、下一步工作打算…".
Sections, paragraph anchors and snippets all read lines, so the numbered
parts inside such a line are put back on lines of their own, and a short
heading is cut from the sentence run in after it. Documents that kept their
structure are left as they are: their paragraph anchors must not move.

What is a heading inside running text is decided by numbering, not by
punctuation alone: the top-level numbers (一、 二、 …, 第一部分) must follow
each other through the document, sub-parts (（一） （二） …) and items
(1. 2. …) must run from one up within their part. Enumerations that look
like numbering (一、二级, 第一、二季度, 一、二、三产业, 第（一）项, 1.5万元,
2024.3.1, 12.5%) are not numbering: a marker followed by another numeral,
preceded by 第 or a digit, or followed by a digit is no heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search_service.ingest.headings import heading_kind
from search_service.ingest.numerals import small_number
from search_service.ingest.signature import find_signature

_CN = "一二三四五六七八九十"
# 一、 二、 … inside a line. Not after another numeral or 第 (十一、 is read
# whole; 第一、二季度 is an enumeration), not followed by a numeral (一、二级,
# 一、二、三产业) or by 是 (一是 is prose, and 一、是 a typo of it).
_TOP = re.compile(rf"(?<![{_CN}第\d])([{_CN}]{{1,3}})\s*[、．](?![{_CN}是])")
_CHAPTER = re.compile(rf"(?<![{_CN}\d])第([{_CN}]{{1,3}})部分")
# （一） inside a line; not 第（一）项, not （一）项/款/目 (a cited item).
_SUB = re.compile(rf"(?<!第)[（(]([{_CN}]{{1,3}})[)）](?![项款目条号])")
# 1. 1、 1．: not part of a number or a date (1.5万, 2024.3.1, 12.5%).
_ITEM = re.compile(r"(?<![\d.．\-/:：%])(\d{1,2})\s*[.．、](?![\d%])")
# What may come right before a heading that starts inside a line: the
# end of a sentence, a colon, a space (a lost line break), a closing mark.
_BOUNDARY_BEFORE = "。！？；：!?;: ”’」』)）】>"
# Prose that follows a heading run in without any mark: 二、存在的问题一是….
_RUN_IN_PROSE = re.compile(
    r"一是|首先|近年来|(?:19|20)\d\d年[以来，,]|今年以来|我(?:县|区|市|镇|乡|局|委|厅|街道|们)|全(?:县|区|市|镇|乡|年)"
)
# The words a part's heading ends with, and what carries a heading on
# after one of them (存在的问题和不足, 主要举措及成效, 情况的报告).
_HEADING_WORD_END = re.compile(
    r"问题|不足|原因|成效|成绩|情况|举措|措施|做法|安排|打算|计划|思路|职责|建议|方向|短板|差距|目标|任务"
)
_CARRIES_ON = "和及与、的并暨或"
_TOP_NUMBERING = re.compile(rf"[{_CN}]{{1,3}}\s*[、．]|第[{_CN}]{{1,3}}部分")
# A heading's numbering, with the spaces after it.
_NUMBERING = re.compile(
    rf"(?:[{_CN}]{{1,3}}\s*[、．]|第[{_CN}]{{1,3}}部分\s*[、.．:：，,]?|[（(][{_CN}]{{1,3}}[)）]|\d{{1,2}}\s*[.．、])\s*"
)
# What ends a heading's words within its line.
_HEADING_STOP = re.compile(r"[。；;！？!?：:，,]")
# A heading's own words are short: longer, and the text is a paragraph.
MAX_HEADING = 40
# A title (or its last line) that the text runs on after, set off by a space.
_TITLE_THEN_PROSE = re.compile(r"([^\s。，,；;：:！？!?]{4,60}?(?:报告|情况|总结))\s+(?=\S)")
# Titles stand in the first lines.
MAX_TITLE_LINES = 3
# A line shorter than this holds no lost structure worth restoring.
MIN_LINE = 20
# Documents with at least this many lines opening with a top-level heading
# kept their structure.
MIN_KEPT_PARTS = 2
# Sub-parts past this number are not headings: （十二） in running text is a
# cited item rather than a part of the report.
MAX_SUB_NUMBER = 15


@dataclass(frozen=True)
class _Marker:
    start: int
    level: int  # 1: 一、/第一部分; 2: （一）; 3: 1.
    number: int


def _markers(line: str) -> list[_Marker]:
    """Every numbering-like marker in the line, in order."""
    found: list[_Marker] = []
    for pattern, level in ((_TOP, 1), (_CHAPTER, 1), (_SUB, 2), (_ITEM, 3)):
        for match in pattern.finditer(line):
            number = small_number(match.group(1)) if level < 3 else int(match.group(1))
            if number is not None and number > 0:
                found.append(_Marker(match.start(), level, number))
    found.sort(key=lambda marker: marker.start)
    return found


def _at_boundary(line: str, start: int) -> bool:
    return start == 0 or line[start - 1] in _BOUNDARY_BEFORE


def _names_a_part(line: str, start: int) -> bool:
    """The words after a marker read as a part's heading (存在的问题, 下一步…)."""
    return heading_kind(line[start : start + MAX_HEADING], None) is not None


def _top_level_start(line: str) -> int | None:
    """The number of the top-level heading the line opens with, if any."""
    for pattern in (_TOP, _CHAPTER):
        match = pattern.match(line)
        if match is not None:
            return small_number(match.group(1))
    return None


def _cuts(line: str, expected_top: int) -> tuple[list[int], int]:
    """Where the line's inline headings start, and the next top-level number
    expected after it. A top-level marker is a heading when it carries the
    document's numbering on (the next number) and stands at a sentence
    boundary, or names a part (三、下一步工作打算 after 二、…不足 with no mark
    between); sub-parts and items are headings when they count up from one
    within the part their line is in."""
    cuts: list[int] = []
    expected_sub = expected_item = 1
    for marker in _markers(line):
        if marker.level == 1:
            if marker.number != expected_top:
                continue
            if marker.start and not (_at_boundary(line, marker.start) or _names_a_part(line, marker.start)):
                continue
            expected_top, expected_sub, expected_item = marker.number + 1, 1, 1
        elif marker.level == 2:
            if marker.number != expected_sub or marker.number > MAX_SUB_NUMBER:
                continue
            expected_sub, expected_item = marker.number + 1, 1
        else:
            if marker.number != expected_item or not _at_boundary(line, marker.start):
                continue
            expected_item += 1
        if marker.start:
            cuts.append(marker.start)
    return cuts, expected_top


def _cut_heading(piece: str) -> list[str]:
    """A piece that opens with a heading: the heading on its own line when
    it is short and the prose after it is set off by a space or starts the
    way prose does (一是, 2024年以来, 我县); else the piece as it is (a
    run-in heading ending with 。 stays with its paragraph, as in the
    documents that kept their lines)."""
    numbering = _NUMBERING.match(piece)
    after = numbering.end() if numbering is not None else 0
    window = piece[: after + MAX_HEADING + 1]
    sentence_end = _HEADING_STOP.search(window, after)
    limit = sentence_end.start() if sentence_end else len(window)
    space = piece.find(" ", after, limit)
    if space > after:
        return [piece[:space].strip(), piece[space + 1 :].strip()]
    run_in = sentence_end is None or sentence_end.group() in "。；;！？!?"
    prose = _RUN_IN_PROSE.search(piece, after + 1, limit)
    if prose is not None and run_in:
        return [piece[: prose.start()], piece[prose.start() :]]
    if run_in and numbering is not None and _TOP_NUMBERING.match(piece):
        # 二、存在的问题执法力量不足。: a part's heading ends with the word
        # that names the part, where no 和/及/的 carries it on.
        for word in _HEADING_WORD_END.finditer(piece, after, limit):
            end = word.end()
            if end < limit and piece[end] not in _CARRIES_ON and heading_kind(piece[:end], None) is not None:
                return [piece[:end], piece[end:]]
    return [piece]


def _split_line(line: str, cuts: Sequence[int]) -> list[str]:
    pieces: list[str] = []
    bounds = [0, *cuts, len(line)]
    for start, end in zip(bounds, bounds[1:], strict=False):
        piece = line[start:end].strip()
        if not piece:
            continue
        pieces.extend(_cut_heading(piece) if start in cuts else [piece])
    return [piece for piece in pieces if piece]


def _line_start_fits(lines: Sequence[str], inline: bool) -> tuple[int, int, int]:
    """Follow the top-level numbering through the document: (lines opening
    with the heading the numbering expects, headings found inside lines,
    most found inside one line). Inline headings are counted only when
    `inline`."""
    fits = inline_total = most = 0
    expected = 1
    for line in lines:
        opens = _top_level_start(line)
        if opens is not None and opens == expected:
            expected = opens + 1
            fits += 1
        if not inline or len(line) < MIN_LINE:
            continue
        after = _cuts(line, expected)[1]
        inline_total += after - expected
        most = max(most, after - expected)
        expected = after
    return fits, inline_total, most


def lost_structure(lines: Sequence[str]) -> bool:
    """The document's parts run inside its lines: fewer than two lines open
    with a top-level heading, yet some line carries the numbering on inside
    it; or one line holds two top-level headings in sequence. Not when
    reading the numbers inside lines as parts would put the parts that open
    lines out of sequence: those numbers were a list (主要有三个方面：一、…；
    二、…；三、…)."""
    kept = _line_start_fits(lines, inline=False)[0]
    fits, inline_total, most = _line_start_fits(lines, inline=True)
    if fits < kept or inline_total == 0:
        return False
    return most >= 2 or kept < MIN_KEPT_PARTS


def restore_lines(lines: Sequence[str]) -> list[str]:
    """The lines with the numbered parts run inside them put back on lines
    of their own, when the document lost its structure; else unchanged."""
    if not any(len(line) >= MIN_LINE for line in lines) or not lost_structure(lines):
        return list(lines)
    restored: list[str] = []
    expected = 1
    for number, line in enumerate(lines):
        if number < MAX_TITLE_LINES and (glued := _TITLE_THEN_PROSE.match(line)) is not None:
            # 建设情况的报告 2025年，某县…: a title's (last) line, then the text.
            restored.append(glued.group(1))
            line = line[glued.end() :]
        opens = _top_level_start(line)
        if opens is not None and opens == expected:
            expected = opens + 1
        if len(line) < MIN_LINE:
            restored.append(line)
            continue
        cuts, expected = _cuts(line, expected)
        # A line opening with a heading has it cut from the prose run in after it.
        restored.extend(_split_line(line, [0, *cuts] if opens is not None else cuts))
    return _signature_apart(restored)


# The last sentence's end in a line.
_LAST_SENTENCE_END = re.compile(r"[。！？!?](?=[^。！？!?]*$)")
MAX_SIGNATURE = 80


def _signature_apart(lines: list[str]) -> list[str]:
    """The signature run in after the last sentence (…队伍建设。某县人民政府
    2025年1月20日) on a line of its own, where the signature finder reads it."""
    if not lines:
        return lines
    last = lines[-1]
    end = _LAST_SENTENCE_END.search(last)
    if end is None:
        return lines
    tail = last[end.end() :].strip()
    if not tail or len(tail) > MAX_SIGNATURE or find_signature([tail]).start != 0:
        return lines
    return [*lines[:-1], last[: end.end()], tail]
