"""The report's own title, and where its body begins.

The title is at the top, before the first paragraph of prose, possibly
split over two or three lines, possibly repeated (a page heading, then the
document's own title), possibly among chrome. Everything above the first
body paragraph other than the title is furniture and is not report text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from search_service.ingest.chrome_lines import is_chrome_line
from search_service.ingest.headings import is_numbered_heading

# A title ends with what it is: a report, the state of things, a summary,
# optionally followed by a parenthesised year or draft mark.
_TITLE_END = re.compile(r"(?:报告|情况|总结|报告书)(?:[（(][^）)]{0,12}[）)])?$")
_TITLE_TOPIC = re.compile(r"法治|法制|依法行政|依法治")
_TITLE_WORD = re.compile(r"报告|情况|总结")
_YEAR = re.compile(r"(?:19|20)\d\d|[〇○零一二三四五六七八九]{4}")
_TOWN_WORD = re.compile(r"镇|乡|街道")
# Lines near the title that are not part of it: a document number
# (廉府〔2024〕3号), an attachment mark (附件1), a date alone.
_NOT_TITLE = re.compile(
    r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号|^附件\s*\d*\s*[:：]?$|"
    r"^[（(]?\s*(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,2}\s*月"
    r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?\s*[）)]?$"
)
# The party committee that heads a joint title: 中共某镇委员会, 某镇党委.
_PARTY_COMMITTEE = re.compile(r"^中共|(?:委员会|党委|党工委)$")
# A year alone in brackets, under a title: （2023年度）.
_YEAR_LINE = re.compile(r"[（(](?:(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})年度?[）)]")
# Prose: sentence punctuation, or a line too long to be a title.
_PROSE = re.compile(r"[。；;！？!?]|[:：]$")
MAX_TITLE_LINE = 60
MAX_TITLE_LINES = 3
# Separators in an HTML <title> between the article title and the site name.
_PAGE_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—|－| - )\s*")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Header:
    """`title` without whitespace ("" when none was found); `body_start` is
    the index of the first paragraph of the report's text."""

    title: str
    body_start: int


def is_body_line(line: str) -> bool:
    """A line of the report's text rather than of its header."""
    if is_chrome_line(line):
        return False
    return is_numbered_heading(line) or _PROSE.search(line) is not None or len(line) > MAX_TITLE_LINE


def _is_title_fragment(line: str) -> bool:
    return not is_chrome_line(line) and not _NOT_TITLE.search(line) and not is_body_line(line)


def _score(title: str) -> int:
    score = 0
    if _TITLE_TOPIC.search(title):
        score += 3
    if _TITLE_END.search(title):
        score += 3
    if _TITLE_WORD.search(title):
        score += 1
    if _YEAR.search(title):
        score += 1
    if _TOWN_WORD.search(title):
        score += 1
    return score


# A title must at least name its topic or end like a report.
MIN_TITLE_SCORE = 3


def _candidates(lines: Sequence[str]) -> list[str]:
    """Consecutive title fragments joined until they read as a whole title."""
    found: list[str] = []
    i = 0
    while i < len(lines):
        if not _is_title_fragment(lines[i]):
            i += 1
            continue
        joined = lines[i]
        j = i + 1
        while (
            j < len(lines)
            and j - i < MAX_TITLE_LINES
            and not _TITLE_END.search(joined)
            and _is_title_fragment(lines[j])
            and not _starts_another_title(joined, lines[j])
        ):
            joined += lines[j]
            j += 1
        # The year may follow a complete title on a line of its own: （2023年度）.
        if j < len(lines) and _TITLE_END.search(joined) and _YEAR_LINE.fullmatch(compact(lines[j])):
            joined += lines[j]
            j += 1
        found.append(compact(joined))
        i = j
    return found


def _starts_another_title(above: str, line: str) -> bool:
    """True when `line` is a title on its own, naming its town, year and
    topic (巴彦浩特镇2023年法治政府建设年度报告), below a line that is a
    site's or an office's name rather than the title's first half. A second
    half names no town (黔江区黄溪镇人民政府 / 2024年度法治政府建设报告), or
    follows the party committee of a joint title (中共某镇委员会 / 某镇人民
    政府关于…)."""
    whole = _TOWN_WORD.search(line) and _YEAR.search(line) and _TITLE_TOPIC.search(line) and _TITLE_END.search(line)
    return bool(whole) and not _PARTY_COMMITTEE.search(compact(above))


def compact(text: str) -> str:
    """Whitespace removed, as the contract writes titles."""
    return _WHITESPACE.sub("", text)


def _meta_title(meta: Mapping[str, str]) -> str:
    """A title from the file's own metadata: the page or document title,
    without the site name an HTML <title> appends."""
    for key in ("listed_title", "crumb_title", "docx_title", "pdf_title", "html_title"):
        value = meta.get(key, "")
        for part in _PAGE_TITLE_SEPARATORS.split(value):
            part = compact(part)
            if _score(part) >= MIN_TITLE_SCORE + 1:
                return part
    return ""


def find_header(lines: Sequence[str], meta: Mapping[str, str]) -> Header:
    """The title among the lines before the first body line, and where the
    body starts. Falls back to the file's metadata title, then to ""."""
    body_start = next((i for i, line in enumerate(lines) if is_body_line(line)), len(lines))
    candidates = _candidates(lines[:body_start])
    best = max(candidates, key=_score, default="")  # max keeps the first of equals
    if _score(best) < MIN_TITLE_SCORE:
        best = _meta_title(meta) or best
    return Header(title=best, body_start=body_start)
