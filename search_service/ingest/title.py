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

from search_service.ingest.chrome import CRUMB_LABELS, is_chrome_line
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


# Page chrome that sticks to a title when a page's header is read as one line
# (天津市静海区人民政府2019年12月3日星期二无障碍简体|繁体静海区2023年度…报告),
# or that a list left before it (通知公告柳城县…, •公开方式:公开王河镇…).
# Each pattern is removed from the start of the compacted line, repeatedly.
_LEADING_CHROME: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"[•·▪●◆■□◇►▶\-–—*]+",
        # The header's "today", and the site's name before it.
        r"^.{0,30}?(?:(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2})(?:星期|礼拜|周)[一二三四五六日天]",
        r"无障碍(?:阅读|浏览)?|长者(?:模式|版)|关怀版|适老化|设为首页|加入收藏",
        r"简体(?:中文|版)?[|｜/]?繁[体體](?:中文|版)?|繁[体體](?:中文|版)?|简体(?:中文|版)?",
        r"公开方式[:：]?(?:主动|依申请)?公开",
        r"农历[正一二三四五六七八九十冬腊]{1,2}月[初十廿三][一二三四五六七八九十]",
        # A breadcrumb: everything up to its last step (您所在的位置：政务公开>工作报告).
        r"^.*(?:[>＞›»→]|&gt;)",
        r"(?:您|你)?(?:当前|现在)?(?:所在的?|的)?位置[:：]",
        # A labelled date left on the title's line: 公文生成日期：2023-03-01.
        r"(?:公文生成日期|生成日期|成文日期|发布日期|发布时间|更新时间|印发日期|日期|时间)[:：]?"
        r"(?:19|20)\d\d(?:[-/.年]\d{1,2}){2}日?(?:\d{1,2}:\d{2}(?::\d{2})?)?",
        r"附件\d{0,2}[:：]?",
        # A column's tag in brackets: 【法治建设报告】, [权威发布] (not 【政策解读】,
        # which says what the page is).
        r"[【\[［](?![^】\]］]{0,4}(?:解读|图解|读懂|图说|视频|动画))[^】\]］]{1,10}[】\]］]",
        # An attachment's file name before the title: 某镇…年度报告.docx某镇…年度报告.
        r"^[^。，]{2,80}?\.(?:docx|doc|wps|pdf)(?![A-Za-z])(?=.)",
        # A document-sharing site's name and address: 某某之家—全网资源每日更新www.example.com.
        r"^.{0,30}?(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|cn|net|org)(?:\.cn)?(?:/\S*)?",
    )
)
# A file's name: 某镇2023年法治政府建设年度报告.docx.
_FILE_SUFFIX = re.compile(r"\.(?:docx?|wps|pdf|txt|rtf|html?|xlsx?)$", re.I)
# A site's name after the title: …报告_某某县人民政府门户网站.
# The last words of a title wrapped onto a line of their own.
_TITLE_TAIL = re.compile(r"的?(?:情况)?(?:报告|报告书|工作报告)")
_TRAILING_SITE = re.compile(r"(?:[_｜|]+|[-—－])[^_｜|\-—－]{2,30}(?:网站|网|人民政府|政府)$")
MIN_TITLE_AFTER_CRUMB = 8
# Lists' names that may stand glued before a title (besides the nav-line ones).
TITLE_CRUMBS: tuple[str, ...] = tuple(
    sorted(CRUMB_LABELS | {"工作报告", "年度报告", "法治政府建设"}, key=len, reverse=True)
)


def strip_title_chrome(text: str) -> str:
    """A title line without the page chrome stuck to it; "" when the line is
    nothing but chrome. `text` is compacted first."""
    text = compact(text)
    changed = True
    while changed and text:
        changed = False
        for pattern in _LEADING_CHROME:
            match = pattern.match(text)
            if match is not None and match.end() > 0:
                text = text[match.end() :]
                changed = True
        crumb = next((label for label in TITLE_CRUMBS if text.startswith(label)), None)
        if crumb and len(text) - len(crumb) >= MIN_TITLE_AFTER_CRUMB and _TITLE_TOPIC.search(text[len(crumb) :]):
            text = text[len(crumb) :]
            changed = True
    text = _FILE_SUFFIX.sub("", text)
    return _TRAILING_SITE.sub("", text) if _TITLE_END.search(_TRAILING_SITE.sub("", text)) else text


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
    if is_numbered_heading(line) or _PROSE.search(line) is not None:
        return True
    return len(line) > MAX_TITLE_LINE and len(strip_title_chrome(line)) > MAX_TITLE_LINE


def _is_title_fragment(line: str) -> bool:
    if is_chrome_line(line) or _NOT_TITLE.search(line) or is_body_line(line):
        return False
    return bool(strip_title_chrome(line))


def _score(title: str) -> int:
    score = 0
    if _TITLE_TOPIC.search(title):
        score += 3
    if _TITLE_END.search(title):
        score += 3
    if _TITLE_WORD.search(title):
        score += 1
    if _DOCUMENT_END.search(title):
        score += 2
    if _YEAR.search(title):
        score += 1
    if _TOWN_WORD.search(title):
        score += 1
    return score


# How other documents' titles end (a look-alike's title is a title too).
_DOCUMENT_END = re.compile(r"(?:通知|通报|方案|要点|计划|意见|总结|公告|决定)$")
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
        joined = strip_title_chrome(lines[i])
        j = i + 1
        while (
            j < len(lines)
            and j - i < MAX_TITLE_LINES
            and not _TITLE_END.search(joined)
            and _is_title_fragment(lines[j])
            and not _starts_another_title(joined, lines[j])
        ):
            joined += strip_title_chrome(lines[j])
            j += 1
        # A title wrapped right before its last word: …建设情况 / 的报告.
        if j < len(lines) and j - i < MAX_TITLE_LINES and _TITLE_TAIL.fullmatch(compact(lines[j])):
            joined += compact(lines[j])
            j += 1
        # The year may follow a complete title on a line of its own: （2023年度）.
        if j < len(lines) and _TITLE_END.search(joined) and _YEAR_LINE.fullmatch(compact(lines[j])):
            joined += lines[j]
            j += 1
        found.append(compact(joined))
        i = j
    return found


def _complete_title(line: str) -> bool:
    """A line that is a whole title on its own: topic, year and a report's end."""
    line = strip_title_chrome(line)
    return bool(_YEAR.search(line) and _TITLE_TOPIC.search(line) and _TITLE_END.search(line))


# What a title's first line ends with when the title goes on below it: the
# issuer (某县人民政府, 中共某区委, 某街道办事处, 某局) or 关于.
_FIRST_HALF_END = re.compile(
    r"(?:人民政府|政府|委员会|党委|党工委|[省市州县区旗盟]委|办事处|管委会|管理委员会|[局厅]|镇|乡|街道|"
    r"[省市州县区旗盟]|自治区|关于)$"
)


def _starts_another_title(above: str, line: str) -> bool:
    """True when `line` is a title on its own, naming its town, year and
    topic (巴彦浩特镇2023年法治政府建设年度报告), below a line that is a
    site's or an office's name rather than the title's first half. A second
    half names no town (黔江区黄溪镇人民政府 / 2024年度法治政府建设报告), or
    follows the party committee of a joint title (中共某镇委员会 / 某镇人民
    政府关于…). Also a whole title (year, topic, report) below a column's or
    a site's label that names no issuer and no year (法制查询, 区内新闻,
    某级社会组织): the label is not the title's first half."""
    if not _complete_title(line):
        return False
    above = compact(strip_title_chrome(above))
    if _PARTY_COMMITTEE.search(above):
        return False
    if _TOWN_WORD.search(strip_title_chrome(line)):
        return True
    return _FIRST_HALF_END.search(above) is None and _YEAR.search(above) is None


def compact(text: str) -> str:
    """Whitespace removed, as the contract writes titles."""
    return _WHITESPACE.sub("", text)


def _meta_title(meta: Mapping[str, str]) -> str:
    """A title from the file's own metadata: the page or document title,
    without the site name an HTML <title> appends."""
    for key in ("listed_title", "crumb_title", "docx_title", "pdf_title", "html_title"):
        value = meta.get(key, "")
        for part in _PAGE_TITLE_SEPARATORS.split(value):
            part = strip_title_chrome(part)
            if _score(part) >= MIN_TITLE_SCORE + 1:
                return part
    return ""


# Lines a page may show above the title that read as prose: a site's slogan
# (• 高举…团结奋斗。), a metadata list with empty values (• 公文种类：).
MAX_LINES_ABOVE_TITLE = 8
MAX_CHARS_ABOVE_TITLE = 300


def _title_below_prose(lines: Sequence[str], body_start: int) -> int | None:
    """The index of a whole title a few short lines below the first line
    that reads as prose, when nothing between them is the report's text
    (no numbered heading, no 报告如下); None otherwise."""
    chars = 0
    for index in range(body_start, min(len(lines), body_start + MAX_LINES_ABOVE_TITLE + 1)):
        line = lines[index]
        if is_numbered_heading(line) or "如下" in line:
            return None
        if index > body_start and not _PROSE.search(line) and len(line) <= MAX_TITLE_LINE and _complete_title(line):
            return index
        chars += len(line)
        if chars > MAX_CHARS_ABOVE_TITLE:
            return None
    return None


def _fullest(best: str, candidates: Sequence[str]) -> str:
    """A title given twice, once without its issuer (2022年度…报告) and once
    with it (中共某区委某区人民政府关于2022年度…报告): the fuller one."""
    if _score(best) < MIN_TITLE_SCORE:
        return best
    for candidate in candidates:
        if _score(candidate) == _score(best) and len(candidate) > len(best) and candidate.endswith(best):
            best = candidate
    return best


def find_header(lines: Sequence[str], meta: Mapping[str, str]) -> Header:
    """The title among the lines before the first body line, and where the
    body starts. Falls back to the file's metadata title, then to ""."""
    body_start = next((i for i, line in enumerate(lines) if is_body_line(line)), len(lines))
    below = _title_below_prose(lines, body_start)
    if below is not None:
        body_start = next((i for i in range(below + 1, len(lines)) if is_body_line(lines[i])), len(lines))
        candidates = _candidates([line for line in lines[:body_start] if not is_body_line(line)])
    else:
        candidates = _candidates(lines[:body_start])
    best = max(candidates, key=_score, default="")  # max keeps the first of equals
    if _score(best) < MIN_TITLE_SCORE:
        # A line above the body that does not read as a title (a site's
        # name, a salutation's addressee) is no title: the report has none.
        best = _meta_title(meta)
    return Header(title=_fullest(best, candidates), body_start=body_start)


# A title and the first sentence run together on one line, as a document-
# sharing site gives them: 某省人民政府关于2023年度法治政府建设情况的报告2023年，省政府….
_GLUED_TITLE = re.compile(
    r"(?P<title>[^。，,；;：:！？]{6,70}?(?:的报告|情况报告|年度报告|工作报告|建设报告|工作总结|报告))"
    r"(?=(?:19|20)\d\d年(?:度)?[，,以我]|[一二三四五六七八九]、|今年以来|一年来|近年来)"
)


def split_glued_title(line: str) -> tuple[str, str] | None:
    """(title, rest) when a body line starts with a report's title run
    together with its first sentence; None otherwise."""
    stripped = strip_title_chrome(line)
    match = _GLUED_TITLE.match(stripped)
    if match is None or not _TITLE_TOPIC.search(match.group("title")):
        return None
    rest = stripped[match.end() :]
    if _PROSE.search(rest) is None:
        return None
    return match.group("title"), rest
