"""The report's fields found in its words: town, year, published date.

The title settles town and year when it names them; the page metadata and
the signature settle the date. The body is only a fallback, because it
can be wrong (one sample's body names another town once by mistake) and
always names other years (plans for next year, ranges of five-year plans).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence

from search_service.ingest.dates import iso_date
from search_service.ingest.numerals import DIGIT_CHARS, ascii_digits, digit_year, small_number

# ------------------------------------------------------------------- year

_ARABIC_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年")
_DIGIT_YEAR = re.compile(rf"([{DIGIT_CHARS}]{{4}})\s*年")
# A year inside a range (2021-2025年, 2016—2020年) or a cited document's
# title (《…2021年…》) is not the year the report is about.
_RANGE = re.compile(r"(?:19|20)\d\d\s*[-—–~～至到]\s*(?:19|20)\d\d")
_CITED = re.compile(r"《[^》]*》")
# The preamble's "现将2024年…报告如下" / opening "2024年，" / "2024年以来".
_YEAR_TEXT = rf"(?:19|20)\d\d|[{DIGIT_CHARS}]{{4}}"
_PREAMBLE_YEAR = re.compile(
    rf"(?:现将|^|回顾)\s*({_YEAR_TEXT})\s*年(?:度)?|({_YEAR_TEXT})\s*年(?:度)?(?:以来|[，,]|全年|我)"
    rf"|({_YEAR_TEXT})\s*年(?:度)?(?:工作)?回顾"
)


def _years(text: str) -> list[int]:
    text = ascii_digits(text)
    found: list[tuple[int, int]] = []
    for match in _ARABIC_YEAR.finditer(text):
        found.append((match.start(), int(match.group(1))))
    for match in _DIGIT_YEAR.finditer(text):
        year = digit_year(match.group(1))
        if year is not None:
            found.append((match.start(), year))
    return [year for _, year in sorted(found)]


def year_in_title(title: str) -> int | None:
    """The first year the title names: the report's subject year."""
    years = _years(_RANGE.sub("", ascii_digits(title)))
    return years[0] if years else None


# Where a year was found: the title, the opening, or only the body's most
# frequent year (weak evidence, listed for a curator).
YEAR_FROM_TITLE, YEAR_FROM_OPENING, YEAR_FROM_BODY = "title", "opening", "body"
# A whole date (2025年1月20日, 2025-01-20): a meeting's or the page's day,
# not a year the body reports on.
_WHOLE_DATE = re.compile(
    rf"(?:(?:19|20)\d\d|[{DIGIT_CHARS}]{{4}})\s*年\s*[\d{DIGIT_CHARS}十]{{1,3}}\s*月\s*[\d{DIGIT_CHARS}十]{{1,3}}\s*日"
    r"|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}"
)


def find_year(title: str, preamble: str, body: str) -> int | None:
    """The year the report is about: from the title; else the preamble's
    "现将2024年…" or opening "2024年，"; else the year the body names
    most often (ranges, cited titles and whole dates left out). None when no year."""
    return year_and_source(title, preamble, body)[0]


def year_and_source(title: str, preamble: str, body: str) -> tuple[int | None, str | None]:
    """find_year's year and where it was found (YEAR_FROM_*; None with no year)."""
    year = year_in_title(title)
    if year is not None:
        return year, YEAR_FROM_TITLE
    if _RANGE.search(ascii_digits(title)):
        # A plan for a period (实施方案（2022—2025年）) is about no one year.
        return None, None
    cleaned = _RANGE.sub("", _CITED.sub("", ascii_digits(preamble)))
    for match in _PREAMBLE_YEAR.finditer(cleaned):
        text = match.group(1) or match.group(2) or match.group(3)
        year = int(text) if text.isdigit() else digit_year(text)
        if year is not None:
            return year, YEAR_FROM_OPENING
    counts = Counter(_years(_WHOLE_DATE.sub("", _RANGE.sub("", _CITED.sub("", ascii_digits(body))))))
    return (counts.most_common(1)[0][0], YEAR_FROM_BODY) if counts else (None, None)


# ------------------------------------------------------------------- town

# Township-level units as they close a name; the longest forms first.
TOWN_SUFFIXES: tuple[str, ...] = ("街道办事处", "街道办", "街道", "镇", "乡", "苏木")
_TOWN_SUFFIX = re.compile("|".join(TOWN_SUFFIXES))
# What a town's name follows in a title or an issuer's name.
_NAME_BOUNDARIES = re.compile(
    r"人民政府|政府|中共|党委|委员会|党工委|办事处|关于|\d\s*年度?|[〇○零一二三四五六七八九]{4}年度?|[^\u4e00-\u9fff]"
)
# Where the naming part of a title ends.
_TITLE_TOPIC_START = re.compile(r"关于|(?:19|20)\d\d|[〇○零一二三四五六七八九]{4}年|法治|法制|依法|年度")
# Generic words that end in a town suffix but name no town.
NOT_TOWNS: frozenset[str] = frozenset(
    {"乡镇", "城镇", "村镇", "集镇", "全镇", "我镇", "本镇", "该镇", "城乡", "各乡", "全乡"}
    | {"我乡", "本乡", "该乡", "各镇", "各乡镇", "全乡镇", "各街道", "全街道", "我街道", "本街道", "该街道"}
    | {"各镇街道", "乡镇街道", "镇街道", "各镇街", "全镇街"}
)
# Words for township units in general (某某县乡镇…), not a unit's name.
GENERIC_UNITS: frozenset[str] = frozenset({"乡镇", "镇乡", "镇街", "街镇"})
MIN_TOWN_NAME = 2
# A two-character unit word leaves room for a one-character name: 辉苏木.
LONG_SUFFIX_MIN_NAME = 1
MAX_TOWN_NAME = 6
# A 民族乡 or 民族镇 names its peoples too: 白银纳鄂伦春族乡, 兴隆达斡尔族锡伯族乡.
MAX_ETHNIC_TOWN_NAME = 10
ETHNIC_MARK = "族"
# The body's own naming: a name that opens a sentence or precedes the unit's bodies.
_BODY_TOWN = re.compile(
    r"(?:^|[。，,；;：:\n])([\u4e00-\u9fff]{2,4}?(?:街道办事处|街道|镇|乡|苏木))"
    r"(?=党委|党工委|人民政府|政府|办事处|坚持|始终|深入|全面|紧紧|认真|以|在|把|围绕|扎实|持续|积极)"
)


def canonical_town(name: str) -> str:
    """街道办事处 and 街道办 are the 街道 itself."""
    for long_form in ("街道办事处", "街道办"):
        if name.endswith(long_form):
            return name[: -len(long_form)] + "街道"
    return name


# What closes a higher unit's name: 某某县乡镇 is generic, 马街镇 is a town.
# 各乡镇, 全镇街 are generic too.
_HIGHER_UNIT_ENDS = frozenset("省市县区旗州盟各全本该每")


def _generic_before(head: str, start: int) -> bool:
    """The suffix at `start` ends a generic word (乡镇, 街镇) rather than a
    name: nothing, a boundary or a higher unit stands before that word."""
    if start < 1 or head[start - 1 : start + 1] not in GENERIC_UNITS:
        return False
    before = head[start - 2] if start >= 2 else ""
    return not before or before in _HIGHER_UNIT_ENDS or _NAME_BOUNDARIES.fullmatch(before) is not None


def town_in_name(text: str, prefixes: Sequence[str] = ()) -> str | None:
    """The town a title or an issuer's name names: "遂溪县人民政府遂城街道办事处"
    -> 遂城街道, "万盛关坝镇" -> 关坝镇 (with 万盛 among `prefixes`, the
    names of higher units to strip). None when it names none."""
    text = ascii_digits(text)
    head = text
    # A title may open with 关于 and name the town after it (关于朝天门街道2023年…).
    topic = next((match for match in _TITLE_TOPIC_START.finditer(text) if match.start() > 0), None)
    if topic is not None:
        head = text[: topic.start()]
    for match in _TOWN_SUFFIX.finditer(head):
        start = match.start()
        if head[start : start + 2] in GENERIC_UNITS or _generic_before(head, start):
            continue
        segment = head[: match.start()]
        boundary = max((m.end() for m in _NAME_BOUNDARIES.finditer(segment)), default=0)
        segment = segment[boundary:]
        segment = _strip_prefixes(segment, prefixes)
        shortest = LONG_SUFFIX_MIN_NAME if match.group() == "苏木" else MIN_TOWN_NAME
        if len(segment) < shortest or segment + match.group() in NOT_TOWNS:
            continue
        longest = MAX_ETHNIC_TOWN_NAME if segment.endswith(ETHNIC_MARK) else MAX_TOWN_NAME
        if len(segment) > longest:
            continue
        return canonical_town(segment + match.group())
    return _street_in_name(head, prefixes)


# A street office written 某街 (Guangzhou's 南华西街, 鹤龙街) closing a
# title's or an issuer's name; not a street of shops (步行街, 商业街).
_STREET_NAME = re.compile(r"([\u4e00-\u9fff]{2,8}?)街(?:人民政府|办事处|党工委)?$")
NOT_STREETS = frozenset({"步行", "商业", "美食", "老", "大", "小吃", "文化", "特色", "古"})


def _street_in_name(head: str, prefixes: Sequence[str]) -> str | None:
    match = _STREET_NAME.search(head)
    if match is None:
        return None
    segment = _strip_prefixes(match.group(1), prefixes)
    segment = _HIGHER_UNIT.sub("", segment) if _HIGHER_UNIT.match(segment) else segment
    boundary = max((m.end() for m in _NAME_BOUNDARIES.finditer(segment)), default=0)
    segment = segment[boundary:]
    if not MIN_TOWN_NAME <= len(segment) <= MAX_TOWN_NAME or segment in NOT_STREETS:
        return None
    return segment + "街"


# A higher unit written before a town: 黔江区黄溪镇, 廉江市吉水镇.
_HIGHER_UNIT = re.compile(r"^.{2,}?(?:省|自治区|市|自治州|州|盟|地区|县|区|旗)(?=.{2,}$)")


def _strip_prefixes(segment: str, prefixes: Sequence[str]) -> str:
    changed = True
    while changed:
        changed = False
        for prefix in sorted(prefixes, key=len, reverse=True):
            if segment.startswith(prefix) and len(segment) > len(prefix):
                segment = segment[len(prefix) :]
                changed = True
    # A prefix that leaves one character (桐乡市乌 before 镇镇) is stripped:
    # the caller then tries the next suffix (乌镇镇).
    # Names of units the gazetteer does not know still end in 县, 区, 市...;
    # only a long segment is cut there, so that 新市镇 keeps its 市.
    if len(segment) > 4:
        match = _HIGHER_UNIT.match(segment)
        if match is not None:
            segment = segment[match.end() :]
    return segment


def town_in_body(text: str) -> str | None:
    """The town the body names most often as an actor (仙溪镇坚持…, 新登镇在
    富阳区委…领导下), when neither title nor issuer names one; None unless
    named at least twice, or once and no other town is."""
    counts = Counter(canonical_town(m.group(1)) for m in _BODY_TOWN.finditer(text) if m.group(1) not in NOT_TOWNS)
    if not counts:
        return None
    ranked = counts.most_common(2)
    name, count = ranked[0]
    return name if count >= 2 or len(ranked) == 1 else None


# -------------------------------------------------------------- published

_DATE_LINE = re.compile(
    rf"^[（(]?\s*((?:19|20)\d\d|[{DIGIT_CHARS}]{{4}})\s*年\s*([\d一二三四五六七八九十]{{1,3}})\s*月\s*"
    r"([\d一二三四五六七八九十]{1,3})\s*日\s*[）)]?$"
)
_HEADER_DATE = re.compile(r"(?<![生成文印效止])(?:发布日期|发布时间|更新时间|信息时间|时间|日期)\s*[:：\]】]\s*(.+)")
# A page header's "today" (2022年5月9日 星期一) is not the page's date.
_TODAY = re.compile(r"星期[一二三四五六日天]|今天是")
# A page's date alone on a line under the title: 2024-01-08, 2024/1/8, 2024.01.08.
_BARE_DATE = re.compile(r"[\[【（(]?\s*(?:19|20)\d\d\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s*[\]】）)]?")


# A page's timestamp opening a line, the site's name after it: 2025-04-27 10:14 某省人民政府网.
_LEADING_TIMESTAMP = re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s|$)")


def date_line(line: str) -> str | None:
    """A line that is only a date (a signature date), as YYYY-MM-DD."""
    match = _DATE_LINE.match(ascii_digits(line.strip()))
    if match is None:
        return None
    year_text, month_text, day_text = match.groups()
    year = int(year_text) if year_text.isdigit() else digit_year(year_text)
    month, day = small_number(month_text), small_number(day_text)
    if year is None or month is None or day is None:
        return None
    return iso_date(f"{year}-{month}-{day}")


# A label alone on its line, its value on the next: 发布时间： / 2026-03-04.
_LABEL_ALONE = re.compile(r"^[•·\s]*(?:发布日期|发布时间|更新时间|信息时间|时间|日期)\s*[:：]?\s*$")


def _values_under_labels(lines: list[str]) -> list[str]:
    """Lines with a value written under its label joined to the label."""
    joined: list[str] = []
    for index, line in enumerate(lines):
        if _LABEL_ALONE.match(line) and index + 1 < len(lines):
            joined.append(line.strip().rstrip(":：") + "：" + lines[index + 1])
        else:
            joined.append(line)
    return joined


def header_date(lines: Sequence[str]) -> str | None:
    """A 发布日期/时间 left in the header lines by a page we got as text,
    else a line there that is only a date."""
    lines = _values_under_labels([ascii_digits(line) for line in lines if not _TODAY.search(line)])
    for line in lines:
        match = _HEADER_DATE.search(line)
        if match is not None:
            found = iso_date(match.group(1))
            if found is not None:
                return found
    for line in lines:
        if _BARE_DATE.fullmatch(line.strip()) or _LEADING_TIMESTAMP.match(line.strip()):
            return iso_date(line)
        # The document's date in brackets under its title: （2024年1月10日）.
        if (found := date_line(line)) is not None:
            return found
    return None


def find_published(meta: Mapping[str, str], header: Sequence[str], signature_date: str | None) -> str | None:
    """The page's date, else the signature date, else the 成文日期, else None.
    The page date wins: it is when the public could read the report."""
    for candidate in (
        iso_date(meta.get("published")),
        header_date(header),
        signature_date,
        iso_date(meta.get("written")),
    ):
        if candidate is not None:
            return candidate
    return None
