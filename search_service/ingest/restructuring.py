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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from search_service.ingest.headings import CHAPTER, NUMBERING, PART, heading_kind
from search_service.ingest.numerals import small_number
from search_service.ingest.signature import find_signature

_CN = "一二三四五六七八九十"
# 一、 二、 … inside a line. Not after another numeral or 第 (十一、 is read
# whole; 第一、二季度 is an enumeration) or in a word (统一、, 唯一、, 之一、),
# not followed by a numeral (一、二级, 一、二、三产业) or by 是 (一是 is
# prose, and 一、是 a typo of it).
_TOP = re.compile(rf"(?<![{_CN}第\d统唯万之同单划逐专均])([{_CN}]{{1,3}})\s*[、．](?![{_CN}是])")
_CHAPTER = re.compile(rf"(?<![{_CN}\d])第([{_CN}]{{1,3}})部分(?![是为的中])")
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
# What ends a heading's words within its line.
_HEADING_STOP = re.compile(r"[。；;！？!?：:，,]")
# A heading's own words are short: longer, and the text is a paragraph.
MAX_HEADING = 40
# A title (or its last line) that the text runs on after, set off by a space.
_TITLE_THEN_PROSE = re.compile(r"([^\s。，,；;：:！？!?]{4,60}?(?:报告|情况|总结))\s+(?=\S)")
# Titles stand in the first lines.
MAX_TITLE_LINES = 3
# Documents with at least this many lines opening with a top-level heading
# kept their structure.
MIN_KEPT_PARTS = 2
# Sub-parts past this number are not headings: （十二） in running text is a
# cited item rather than a part of the report.
MAX_SUB_NUMBER = 15


@dataclass(frozen=True)
class _Marker:
    start: int
    level: int  # 1 for the parts, deeper for sub-parts and items
    number: int
    kind: str  # "chapter" 第一部分, "top" 一、, "sub" （一）, "item" 1.


# The numbering styles by level: 一、 parts with （一） sub-parts and 1. items;
# or, in a report whose parts are 第一部分 …, 一、 one level down.
_LEVELS = {"chapter": 1, "top": 1, "sub": 2, "item": 3}
_LEVELS_UNDER_CHAPTERS = {"chapter": 1, "top": 2, "sub": 3, "item": 4}
_PATTERNS = (("chapter", _CHAPTER), ("top", _TOP), ("sub", _SUB), ("item", _ITEM))


def _markers(line: str, levels: dict[str, int]) -> list[_Marker]:
    """Every numbering-like marker in the line, in order."""
    found: list[_Marker] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(line):
            number = int(match.group(1)) if kind == "item" else small_number(match.group(1))
            if number is not None and number > 0:
                found.append(_Marker(match.start(), levels[kind], number, kind))
    found.sort(key=lambda marker: marker.start)
    return found


def _styles(lines: Sequence[str]) -> dict[str, int]:
    """The levels of the document's numbering: under 第一部分 … when it
    numbers two parts so (a lone 第一部分 may be cited)."""
    chapters = {small_number(m.group(1)) for line in lines if "部分" in line for m in _CHAPTER.finditer(line)}
    return _LEVELS_UNDER_CHAPTERS if {1, 2} <= chapters else _LEVELS


def _at_boundary(line: str, start: int) -> bool:
    return start == 0 or line[start - 1] in _BOUNDARY_BEFORE


def _names_a_part(line: str, start: int) -> bool:
    """The words after a marker read as a part's heading (存在的问题, 下一步…)."""
    return heading_kind(line[start : start + MAX_HEADING], None) is not None


def _top_level_start(line: str, levels: dict[str, int]) -> int | None:
    """The number of the top-level heading the line opens with, if any."""
    if not line or (line[0] not in _CN and line[0] != "第"):
        return None
    for kind, pattern in _PATTERNS:
        if levels[kind] == 1 and (match := pattern.match(line)) is not None:
            return small_number(match.group(1))
    return None


def _accepted(line: str, marker: _Marker, last_cut: int | None) -> bool:
    """A marker that may start a heading where it stands: 第一部分 and （一）
    anywhere; 一、 at a sentence boundary or before a part's words (三、
    下一步工作打算 right after the text of 二、); 1. at a boundary or right
    after a heading (（一）健全制度机制1.修订…)."""
    if marker.start == 0 or marker.kind in ("chapter", "sub"):
        return marker.kind != "sub" or marker.number <= MAX_SUB_NUMBER
    if marker.kind == "top":
        return _at_boundary(line, marker.start) or _names_a_part(line, marker.start)
    if _at_boundary(line, marker.start):
        return True
    after_heading = line[last_cut : marker.start] if last_cut is not None else ""
    return 0 < len(after_heading) <= MAX_HEADING and _HEADING_STOP.search(after_heading) is None


def _cuts(line: str, expected: dict[int, int], levels: dict[str, int]) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Where the line's headings start (with their level), and the numbers
    expected next at each level after it (carried from line to line). A
    part's marker is a heading when it carries the document's numbering on;
    sub-parts and items when they count up from one within their part."""
    cuts: list[tuple[int, int]] = []
    last_cut: int | None = None
    for marker in _markers(line, levels):
        if marker.number != expected.get(marker.level, 1) or not _accepted(line, marker, last_cut):
            continue
        expected = {level: number for level, number in expected.items() if level < marker.level}
        expected[marker.level] = marker.number + 1
        last_cut = marker.start
        cuts.append((marker.start, marker.level))
    return cuts, expected


def _cut_heading(piece: str, part: bool) -> list[str]:
    """A piece that opens with a heading: the heading on its own line when
    it is short and the prose after it is set off by a space or starts the
    way prose does (一是, 2024年以来, 我县); else the piece as it is (a
    run-in heading ending with 。 stays with its paragraph, as in the
    documents that kept their lines)."""
    numbering = NUMBERING.match(piece)
    after = numbering.end() if numbering is not None else 0
    window = piece[: after + MAX_HEADING + 1]
    sentence_end = _HEADING_STOP.search(window, after)
    limit = sentence_end.start() if sentence_end else len(window)
    space = piece.find(" ", after, limit)
    if space > after:
        return [piece[:space].strip(), piece[space + 1 :].strip()]
    # A part's heading (level 1) stands alone in the documents that kept
    # their lines; a sub-part's may run in with its first sentence.
    top = part and (CHAPTER.match(piece) is not None or PART.match(piece) is not None)
    prose = _RUN_IN_PROSE.search(piece, after + 1, limit)
    if prose is not None:
        return [piece[: prose.start()], piece[prose.start() :]]
    if top:
        # 二、存在的问题执法力量不足。: a part's heading ends with the word
        # that names the part, where no 和/及/的 or other such word carries it
        # on (…第一责任人职责情况).
        for word in _HEADING_WORD_END.finditer(piece, after, limit):
            end = word.end()
            if end >= limit:
                break
            carried_on = piece[end] in _CARRIES_ON or _HEADING_WORD_END.match(piece, end) is not None
            if not carried_on and heading_kind(piece[:end], None) is not None:
                return [piece[:end], piece[end:]]
    if top and sentence_end is not None and sentence_end.group() == "。":
        # 二、党政主要负责人…职责情况。2023年…: a part's heading ended with a full stop.
        return [piece[: sentence_end.start()], piece[sentence_end.end() :]]
    return [piece]


def _split_line(line: str, cuts: Sequence[tuple[int, int]]) -> list[str]:
    """The line cut before each heading, each heading cut from its prose."""
    pieces: list[str] = []
    bounds = [*cuts, (len(line), 0)]
    if not cuts or cuts[0][0] != 0:
        bounds.insert(0, (0, 0))
    for (start, level), (end, _) in zip(bounds, bounds[1:], strict=False):
        piece = line[start:end].strip()
        if not piece:
            continue
        pieces.extend(_cut_heading(piece, level == 1) if level else [piece])
    return [piece for piece in pieces if piece]


def _line_start_fits(lines: Sequence[str], inline: bool, levels: dict[str, int]) -> tuple[int, int, int]:
    """Follow the top-level numbering through the document: (lines opening
    with the heading the numbering expects, headings found inside lines,
    most found inside one line). Inline headings are counted only when
    `inline`."""
    fits = inline_total = most = 0
    expected = {1: 1}
    for line in lines:
        if not inline:
            opens = _top_level_start(line, levels)
            if opens is not None and opens == expected[1]:
                fits += 1
                expected = {1: opens + 1}
            continue
        cuts, expected = _cuts(line, expected, levels)
        fits += bool(cuts) and cuts[0] == (0, 1)
        inside = sum(1 for start, level in cuts if start and level == 1)
        inline_total += inside
        most = max(most, inside)
    return fits, inline_total, most


# A quick search for 一、-like markers (the full pattern's lookbehind, tried
# at every position of a whole text, costs a tenth of a millisecond per report).
_QUICK_TOP = re.compile(rf"[{_CN}]\s*[、．](?![{_CN}是])")
_NOT_BEFORE_TOP = frozenset(f"{_CN}第0123456789统唯万之同单划逐专均")


def _most_parts_inside(lines: Sequence[str], levels: dict[str, int]) -> int:
    """At least the most markers of the parts' style standing inside one
    line (not at its start), whatever their numbers: one search over the
    document. An upper bound (a marker may still prove no heading)."""
    text = "\n".join(lines)
    counts: Counter[int] = Counter()
    if levels is _LEVELS_UNDER_CHAPTERS:
        starts = (match.start() for match in _CHAPTER.finditer(text))
    else:
        starts = (match.start() for match in _QUICK_TOP.finditer(text))
    for start in starts:
        while start and text[start - 1] in _CN:  # 十一、
            start -= 1
        if start and text[start - 1] != "\n" and text[start - 1] not in _NOT_BEFORE_TOP:
            counts[text.rfind("\n", 0, start)] += 1  # the line, by where it starts
    return max(counts.values(), default=0)


def lost_structure(lines: Sequence[str]) -> bool:
    """The document's parts run inside its lines: fewer than two lines open
    with a top-level heading, yet some line carries the numbering on inside
    it; or one line holds two top-level headings in sequence. Not when
    reading the numbers inside lines as parts would put the parts that open
    lines out of sequence: those numbers were a list (主要有三个方面：一、…；
    二、…；三、…)."""
    levels = _styles(lines)
    # Most documents kept their lines and hold no part's numbering inside
    # one: one search over the text tells, before the markers are read.
    most_inside = _most_parts_inside(lines, levels)
    if most_inside == 0:
        return False
    kept = _line_start_fits(lines, False, levels)[0]
    if most_inside < (2 if kept >= MIN_KEPT_PARTS else 1):
        return False
    fits, inline_total, most = _line_start_fits(lines, True, levels)
    if fits < kept or inline_total == 0:
        return False
    return most >= 2 or kept < MIN_KEPT_PARTS


def restore_lines(lines: Sequence[str]) -> list[str]:
    """The lines with the numbered parts run inside them put back on lines
    of their own, when the document lost its structure; else unchanged."""
    if not lost_structure(lines):
        return list(lines)
    levels = _styles(lines)
    restored: list[str] = []
    expected = {1: 1}
    for number, line in enumerate(lines):
        if number < MAX_TITLE_LINES and (glued := _TITLE_THEN_PROSE.match(line)) is not None:
            # 建设情况的报告 2025年，某县…: a title's (last) line, then the text.
            restored.append(glued.group(1))
            line = line[glued.end() :]
        cuts, expected = _cuts(line, expected, levels)
        restored.extend(_split_line(line, cuts))
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
