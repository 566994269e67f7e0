"""Re-join lines that a PDF or a web copy broke inside a sentence.

Sample 003 reads 统筹协 / (blank) / 调。…, 综合行政执 / 法办公室 and 线上线下 /
相结合: a paragraph's line ends without sentence-final punctuation and the
next line carries on. Headings, titles and signatures also end without
punctuation, so a line is only joined to the next when nothing says a new
paragraph starts there (see `_joinable`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A paragraph may end with these, optionally followed by closing quotes/brackets.
SENTENCE_END = frozenset("。！？；：…!?;:")
CLOSERS = "”’」』）)】》\"'"
# Any of these in a line means it is running text, not a title or a signature.
RUNNING_PUNCTUATION = re.compile(r"[，,。；;：:！？!?]")
# Numbered starts: 一、 （一） (1) 1. 1、 ① 第一部分 第二章 — a new paragraph or heading.
HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十百]+\s*[、.．，,：:](?!\d)"
    r"|[（(]\s*[一二三四五六七八九十百]+\s*[)）]"
    r"|[（(]\s*\d{1,3}\s*[)）]"
    r"|\d{1,3}\s*[、.．](?!\d)"
    r"|[①-⑳]"
    r"|第[一二三四五六七八九十百\d]+(?:部分|章|节|条))"
)
# Title-like endings: a short line ending so is a title, not a broken sentence.
TITLE_END = re.compile(r"(?:报告|情况|总结|工作要点|通知|意见)$")
# A line that is only a date: a signature date, never the tail of a sentence.
DATE_LINE = re.compile(
    r"(?:(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|[〇○零一二三四五六七八九]{4}\s*年[〇○零一二三四五六七八九十]{1,3}月[〇○零一二三四五六七八九十]{1,3}日"
    r"|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2})"
)
# A page's date and time opening a line (2025-04-27 10:14 某省人民政府网,
# 2023-03-31 17:05:00 来源：某局): page furniture, whose time's colon is no
# sentence punctuation; the report's text starts on the next line.
PAGE_STAMP = re.compile(r"^\s*(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s|$)")
# A heading is short; a numbered line longer than this is a run-in paragraph.
MAX_HEADING = 40
# A line this short without running punctuation is a title, heading or signature.
MAX_LABEL_LINE = 25
# Across a blank line, only a fragment at least this long is continued.
MIN_FRAGMENT_ACROSS_BLANK = 20
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")


@dataclass(frozen=True)
class Line:
    """One cleaned line. `indented`: the source indented it (a paragraph
    start in most Chinese layouts); `blanks_before`: blank lines (or removed
    chrome, counted as a hard break) between it and the previous line."""

    text: str
    indented: bool = False
    blanks_before: int = 0


def rejoin(lines: list[Line]) -> list[str]:
    """Paragraphs, one per item, from lines in reading order."""
    paragraphs: list[str] = []
    in_top = True  # no sentence has ended yet: we are in the title block
    for line in lines:
        if paragraphs and _joinable(paragraphs[-1], line, in_top):
            paragraphs[-1] = glue(paragraphs[-1], line.text)
        else:
            paragraphs.append(line.text)
        in_top = in_top and not ends_sentence(paragraphs[-1])
    return paragraphs


def ends_sentence(text: str) -> bool:
    stripped = text.rstrip(CLOSERS + " ")
    return bool(stripped) and stripped[-1] in SENTENCE_END


def is_heading_start(text: str) -> bool:
    return HEADING_START.match(text) is not None


def is_standalone_heading(text: str) -> bool:
    """一、主要工作 or （一）强化理论学习，筑牢法治建设思想: numbered, short, and
    no sentence inside it (1. 抓实理论学习：将… is a run-in paragraph)."""
    if not is_heading_start(text) or len(text) > MAX_HEADING:
        return False
    return re.search(r"[。；;：:！？!?]\s*\S", text) is None


def _joinable(previous: str, line: Line, in_top: bool) -> bool:
    if line.blanks_before > 1 or line.indented or ends_sentence(previous):
        return False
    if is_heading_start(line.text) or DATE_LINE.fullmatch(line.text) or is_standalone_heading(previous):
        return False
    if PAGE_STAMP.match(previous):
        return False
    if RUNNING_PUNCTUATION.search(previous) is None and (
        in_top or len(previous) <= MAX_LABEL_LINE or TITLE_END.search(previous)
    ):
        return False
    return not (line.blanks_before == 1 and len(previous) < MIN_FRAGMENT_ACROSS_BLANK)


def glue(left: str, right: str) -> str:
    """Join two pieces of one sentence: no space, except between two Latin
    letter or digit runs (so 2024 / 年 gives 2024年 but Word / Press keeps one)."""
    if _ASCII_WORD_END.search(left) and _ASCII_WORD_START.search(right):
        return f"{left} {right}"
    return left + right
