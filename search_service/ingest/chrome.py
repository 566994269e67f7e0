"""Web-page chrome and word-processor artefacts: what they look like, and what
they say about the page before they are removed. One word list and one
label list serve both tests: `is_chrome` (cleaning: whole lines to remove)
and `is_chrome_line` (parsing: leftovers never to take for a title or text).

Reports copied from government sites carry breadcrumbs, 发布日期/来源 lines,
索引号 tables, 【打印】 buttons, 语音播报 widgets and footers. They are
short, pattern-shaped lines; a report's own sentences are long and end with
。, so every pattern here is anchored to a whole line and refuses lines with
a full stop. The labelled lines are read into metadata first (`meta_fields`).
"""

from __future__ import annotations

import re

from search_service.ingest.dates import iso_date

# Labels of "label: value" page metadata -> RawDocument.meta key (None: dropped).
META_LABELS: dict[str, str | None] = {
    "发布日期": "published",
    "发布时间": "published",
    "更新时间": "published",
    "时间": "published",
    "日期": "published",
    "成文日期": "written",
    "印发日期": "written",
    "索引号": "index_number",
    "发布机构": "issuer",
    "发布单位": "issuer",
    "发文机关": "issuer",
    "来源": "source_site",
    "信息来源": "source_site",
    "文章来源": "source_site",
    "发文字号": "doc_number",
    # 政府信息公开 tables repeat the title as 名称 / 标题.
    "名称": "listed_title",
    "标题": "listed_title",
    "文号": "doc_number",
    "作者": None,
    "编辑": None,
    "责任编辑": None,
    "审核": None,
    "录入": None,
    "发布人": None,
    "点击数": None,
    "点击量": None,
    "点击率": None,
    "浏览次数": None,
    "浏览量": None,
    "阅读次数": None,
    "访问量": None,
    "分享到": None,
    "字体": None,
    "字号": None,
    "主题分类": None,
    "体裁分类": None,
    "有效性": None,
    "主题词": None,
    "生效日期": None,
    "废止日期": None,
    "生效时间": None,
    "废止时间": None,
    # A document's generation date (公文生成日期) is not its publication.
    "公文生成日期": None,
    "生成日期": None,
    "发文日期": "written",
    "信息时间": "published",
    "发文时间": "written",
    "公开日期": "published",
    "发稿时间": "published",
    "发表时间": "published",
    "字体大小": None,
    "公开方式": None,
    "公开范围": None,
    "公开时限": None,
    "制发机构": "issuer",
    "发文机构": "issuer",
    "组配分类": None,
    "信息分类": None,
    "信息类别": None,
    "内容概述": None,
    "关键词": None,
    # Traditional-character pages write the same labels.
    "發佈日期": "published",
    "發布日期": "published",
    "發佈時間": "published",
    "發布時間": "published",
    "時間": "published",
    "索引號": "index_number",
    "發佈機構": "issuer",
    "發布機構": "issuer",
    "來源": "source_site",
    "信息來源": "source_site",
    "發文字號": "doc_number",
    "發文日期": "written",
    "發文時間": "written",
    "點擊數": None,
    "瀏覽次數": None,
    "閱讀次數": None,
    "字體": None,
    "字號": None,
}
# Keys whose values are dates, and which label wins when a page gives several
# (发布日期 over a bare 日期, which some pages use for the last update).
DATE_KEYS = frozenset({"published", "written"})
# A line that is only a date and a clock time (2025-01-07 15:15:56) is the
# page's timestamp; a signature date never carries a time.
DATE_TIME_LINE = re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?")
DATE_TIME_LABEL = "(timestamp)"
# The same timestamp may lead a labelled line: 2025-01-07 15:15 来源：本网.
_LEADING_DATE = re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+")
LABEL_PRIORITY = {"时间": 1, "時間": 1, "日期": 1, "更新时间": 2, DATE_TIME_LABEL: 2}

_LABEL_ALTERNATION = "|".join(sorted(map(re.escape, META_LABELS), key=len, reverse=True))
# "[ 索引号 ]value", "【来源】value" or "来源: value".
_SEGMENT = re.compile(
    rf"\[\s*(?P<bracketed>{_LABEL_ALTERNATION})\s*\]"
    rf"|【\s*(?P<boxed>{_LABEL_ALTERNATION})\s*】"
    rf"|【\s*(?P<inboxed>{_LABEL_ALTERNATION})\s*[:：]"  # 【发布时间：2023-02-15】
    rf"|(?P<plain>{_LABEL_ALTERNATION})\s*[:：]"
)
_LEADING_SEPARATORS = re.compile(r"^[\s|｜·•]+")
_VALUE_TRIM = " \t|｜·•[]【】"
# A value ends where a button or a bar-separated field begins: 某镇 【打印本页】.
_VALUE_END = re.compile(r"\s*(?:【|\s[|｜]\s)")
_MAX_META_LINE = 200

# Navigation and button words: a line made only of these (separated by
# spaces, brackets, bars or bullets: 无障碍 简体|繁体, • 设为首页 • 加入收藏,
# 【打印】【关闭】) is chrome. Lower case: lines are compared lower-cased.
CHROME_WORDS: frozenset[str] = frozenset(
    {"首页", "网站首页", "返回顶部", "返回主站", "返回首页", "返回列表", "返回", "收起", "展开", "部门街镇"}
    | {"政务新媒体", "智能问答", "语音播报", "进入播报模式", "退出播报模式", "扫一扫在手机打开当前页"}
    | {"打印", "打印本页", "打印此页", "打印文章", "关闭", "关闭窗口", "关闭本页", "字体", "字号", "大", "中", "小"}
    | {"默认", "分享到", "分享", "收藏", "纠错", "我要纠错", "网站地图", "无障碍", "无障碍浏览", "无障碍阅读"}
    | {"长者模式", "长者版", "关怀版", "适老化", "登录", "注册", "搜索", "相关链接", "相关文章", "相关阅读"}
    | {"简体", "繁体", "繁體", "简体版", "繁体版", "移动版", "手机版", "pc版", "english", "设为首页", "加入收藏"}
    | {"政务服务", "互动交流", "新闻中心", "新闻资讯", "办事服务", "公众参与", "数据开放", "专题专栏"}
    | {"微信", "微博", "qq空间", "baidu", "map", "top", "返回頂部", "列印", "關閉", "關閉窗口", "分享至"}
)
# A column's or list's name left above the title by a page (通知公告, 文件类信息公开).
CRUMB_LABELS: frozenset[str] = frozenset(
    {"通知公告", "公示公告", "通知公示", "工作动态", "政务动态", "乡镇动态", "部门动态", "政务公开", "信息公开"}
    | {"文件类信息公开", "法定主动公开内容", "其他主动公开内容", "其他法定公开内容", "主动公开", "部门文件"}
    | {"政府文件", "其他文件", "公告公示", "重点领域信息公开", "政府信息公开", "其他"}
)
# Whole-line shapes of chrome that carries text of its own.
CHROME_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        r"(?:您(?:当前)?的?|当前|所在)(?:所在)?位置\s*[:：].*",  # 您当前的位置:首页>…
        r".{0,6}首页\s*(?:[>＞»›→/]|&gt;).*",  # 首页 > 政务公开 > …
        r"语音合成中.*",
        r"(?:扫一扫|手机扫一扫|扫描二维码|用手机扫描).{0,20}",
        r"(?:上一篇|下一篇|上一条|下一条)\s*[:：].{0,80}",
        r"【\s*(?:打印|关闭|字体|字号|收藏|纠错)[^。]{0,60}",
    )
)
# Footer lines: short, no full stop, containing one of these.
FOOTER_TOKENS = re.compile(
    r"版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|技术支持\s*[:：]|建议使用.{0,20}浏览器"
)
_MAX_FOOTER_LINE = 120
_WORD_SPLIT = re.compile(r"[\s【】\[\]|｜/]+")
# A navigation bar: three or more short items between bars (首页 | 机构概况 | 政务公开).
_NAV_BAR = re.compile(r"[^|｜。，]{1,8}(?:\s*[|｜]\s*[^|｜。，]{1,8}){2,}")

# Word-processor and converter artefacts, removed wherever they occur in a line.
ARTEFACTS = re.compile(
    r"\[(?:bookmark|image|footnote|endnote|comment)\b[^\]]{0,200}\]|[\u200b-\u200d\u2060\ufeff\u00ad]", re.I
)


# Labels written letter-spaced to line up in a table: 索 引 号：, 名    称：.
_SPACED_LABEL = re.compile(
    r"(?:^|(?<=[\s\[【|｜]))(?:"
    + "|".join(" *".join(map(re.escape, label)) for label in sorted(META_LABELS, key=len, reverse=True))
    + r")(?= *[:：\]】])"
)


def close_spaced_labels(line: str) -> str:
    """索 引 号：… -> 索引号：… (spaces already collapsed to one ASCII space)."""
    if not _has_label_end(line):
        return line
    return _SPACED_LABEL.sub(lambda match: match.group().replace(" ", ""), line)


def strip_artefacts(line: str) -> str:
    """Remove `[bookmark: _GoBack]` and invisible characters from a line."""
    return ARTEFACTS.sub("", line)


def _has_label_end(line: str) -> bool:
    """Whether `line` has a character that ends a label (：, :, ], 】): every
    labelled pattern here needs one, and most report lines have none, so this
    test spares them the label alternations (a third of cleaning's time)."""
    return "：" in line or ":" in line or "】" in line or "]" in line


def meta_fields(line: str) -> list[tuple[str, str]] | None:
    """The (label, value) pairs of a page-metadata line, or None when the line
    is not one. A metadata line starts with a label and has no full stop, so
    a report sentence that mentions 发布 or 日期 is never taken for one."""
    # Both shapes need a label's end (a timestamp its ASCII colon) and no 。.
    if "。" in line or not _has_label_end(line):
        return None
    body = " ".join(_LEADING_SEPARATORS.sub("", line).split())
    if DATE_TIME_LINE.fullmatch(body.strip()):
        return [(DATE_TIME_LABEL, body.strip())]
    if len(body) > _MAX_META_LINE or "。" in body:
        return None
    fields = []
    leading = _LEADING_DATE.match(body)
    if leading and _SEGMENT.match(body, leading.end()):
        fields.append((DATE_TIME_LABEL, leading.group().strip()))
        body = body[leading.end() :]
    starts = list(_SEGMENT.finditer(body))
    if not starts or starts[0].start() != 0:
        return None
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        label = match["bracketed"] or match["boxed"] or match["inboxed"] or match["plain"]
        # A table row writes its value after a bar: 发布日期: | 2024-03-25 |.
        value = _VALUE_END.split(body[match.end() : end].lstrip(" |｜"), maxsplit=1)[0]
        fields.append((label, value.strip(_VALUE_TRIM)))
    return fields


# Where page metadata starts after other text on one line: a space, then a label.
# Without the space when a title's last word stands before it (a printed page
# whose PDF text lost the gap): …年度报告发布时间：2024-01-10.
_TRAILING_META = re.compile(rf"(?:\s+|(?<=报告|情况|总结))(?=(?:【\s*)?(?:{_LABEL_ALTERNATION})\s*[:：】])")


def split_trailing_meta(line: str) -> tuple[str, str] | None:
    """A title with the page's metadata on its own line (某镇2023年…报告
    发布时间：2024-01-10 来源：某镇) -> (title, metadata); None for any
    other line."""
    if "：" not in line and ":" not in line and "】" not in line:
        return None
    if meta_fields(line) is not None:
        return None
    for match in _TRAILING_META.finditer(line):
        head, tail = line[: match.start()], line[match.end() :]
        if head.strip() and "。" not in head and meta_fields(tail) is not None:
            return head, tail
    return None


def is_chrome(line: str) -> bool:
    """True for a whole line of page chrome (metadata lines included)."""
    stripped = line.strip()
    if not stripped:
        return False
    if meta_fields(stripped) is not None:
        return True
    if "。" in stripped:
        return False
    words = [word.rstrip(":：").lower() for word in _WORD_SPLIT.split(stripped) if word]
    if words and all(word in CHROME_WORDS for word in words):
        return True
    if _NAV_BAR.fullmatch(stripped) or any(pattern.fullmatch(stripped) for pattern in CHROME_LINES):
        return True
    return len(stripped) <= _MAX_FOOTER_LINE and FOOTER_TOKENS.search(stripped) is not None


# A breadcrumb's steps: 首页 > 政务公开 > 油溪镇2023年法治政府建设年度报告.
_CRUMB_STEP = re.compile(r"\s*(?:[>＞»›→]|&gt;)\s*")
# Its last step is a page's title when it names a year (a section's name,
# 政务公开 or 年度法治政府建设情况报告, names none) and is this long.
MIN_CRUMB_TITLE = 10
_CRUMB_YEAR = re.compile(r"(?:19|20)\d\d|[〇○零一二三四五六七八九]{4}")


def crumb_title(line: str) -> str | None:
    """The last step of a breadcrumb line, when it is long enough to be the
    page's title rather than a section's name."""
    # Both breadcrumb shapes name 位置 or 首页.
    if "位置" not in line and "首页" not in line:
        return None
    stripped = line.strip()
    if not any(pattern.fullmatch(stripped) for pattern in CHROME_LINES[:2]):
        return None
    last = _CRUMB_STEP.split(stripped)[-1].strip()
    if len(last) < MIN_CRUMB_TITLE or "。" in last or not _CRUMB_YEAR.search(last):
        return None
    return last


# A value on the line after its label (发布日期： / 2024年04月06日 16:34).
_MAX_VALUE_LINE = 40


def _fields_with_next_line(line: str, following: str) -> list[tuple[str, str]]:
    """A line's labelled fields; a last label left without a value takes
    the next line as its value when that line is short and not a label."""
    fields = meta_fields(line) or []
    if not fields and (split := split_trailing_meta(line)) is not None:
        # The site's name or the title before the labels: 某县人民政府门户网站 发布时间:….
        fields = meta_fields(split[1]) or []
    label_alone = fields and not fields[-1][1] and following and len(following) <= _MAX_VALUE_LINE
    if label_alone and meta_fields(following) is None and "。" not in following:
        fields[-1] = (fields[-1][0], following.strip())
    return fields


def capture_meta(lines: list[str]) -> dict[str, str]:
    """Metadata from the labelled chrome lines among `lines`: dates as
    YYYY-MM-DD, the rest as written; the last step of a breadcrumb as
    `crumb_title`. When a key is given more than once the higher-priority
    label wins, then the earlier line."""
    meta: dict[str, str] = {}
    rank: dict[str, tuple[int, int]] = {}
    for position, line in enumerate(lines):
        if "crumb_title" not in meta and (title := crumb_title(line)) is not None:
            meta["crumb_title"] = title
        following = lines[position + 1] if position + 1 < len(lines) else ""
        for label, raw in _fields_with_next_line(line, following):
            key = "published" if label == DATE_TIME_LABEL else META_LABELS[label]
            if key is None:
                continue
            value = iso_date(raw) if key in DATE_KEYS else raw.strip()
            if not value or value in {"-", "无"}:
                continue
            order = (LABEL_PRIORITY.get(label, 0), position)
            if key not in rank or order < rank[key]:
                meta[key], rank[key] = value, order
    return meta


# Print-layout page marks, whole lines: — 3 —, - 3 -, 第3页, 第 3 页 共 10 页, 3/10, Page 3 of 10.
PAGE_MARKS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        r"[-—–－─~～]+\s*\d{1,4}\s*[-—–－─~～]+",
        r"第\s*\d{1,4}\s*页\s*(?:[,，/]?\s*共\s*\d{1,4}\s*页)?",
        r"共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页",
        r"\d{1,4}\s*/\s*\d{1,4}",
        r"page\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?",
    )
)


def is_page_mark(line: str) -> bool:
    """True for a line that is only a printed page number."""
    stripped = line.strip()
    return any(pattern.fullmatch(stripped) for pattern in PAGE_MARKS)


# ------------------------------------------------ chrome left in parsed text

# Reading removes chrome, but parsing must never take a leftover breadcrumb,
# date line or share button for the title or for report text: its test
# (`is_chrome_line`) is looser about where the tell stands in the line.
# A line starting with a metadata label, or with the short form of a counter
# or a list's field (点击：12, 阅读：0, 分类：综合政务, 文件编号：…).
_LINE_LABELS = (*META_LABELS, "点击", "浏览", "阅读", "分类", "文件编号")
_LABEL_WORDS = "|".join(sorted(map(re.escape, _LINE_LABELS), key=len, reverse=True))
CHROME_PATTERNS: tuple[str, ...] = (
    r"首页\s*[>＞›»/]",
    r"[>＞›»].*[>＞›»]",
    r"当前位置|您的位置|所在位置",
    rf"^[•·▪●\-\s]*[\[【［(（]?\s*(?:{_LABEL_WORDS})\s*[:：\]】］)）]",
    r"【\s*(?:打印|关闭|字体|大|中|小|收藏)|打印本页|关闭窗口|语音播报|语音合成|进入播报|退出播报|扫一扫|"
    r"返回顶部|返回主站|分享到|保存本页|收藏本页|相关链接|上一篇|下一篇|网站地图|版权所有|技术支持|ICP备",
    # A page header's "today": 2019年12月3日星期二, 2024-03-28 星期四 (the site's
    # name may stand before it). Never a publication date.
    r"^.{0,30}?(?:(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2})\s*"
    r"(?:星期|礼拜|周)[一二三四五六日天]\s*.{0,20}$",
)
_CHROME_SEARCH = re.compile("|".join(f"(?:{p})" for p in CHROME_PATTERNS))
# A line without a single Chinese character (page numbers, "Baidu", "map").
_NO_CHINESE = re.compile(r"^[^\u3400-\u9fff]*$")
_NAV_SEPARATORS = re.compile(r"[\s|｜/•·▪●]+")


def is_nav_line(text: str) -> bool:
    """A line made only of navigation words or a list's name."""
    words = [word.lower() for word in _NAV_SEPARATORS.split(text) if word]
    return bool(words) and all(word in CHROME_WORDS or word in CRUMB_LABELS for word in words)


def is_chrome_line(line: str) -> bool:
    """True for a line that is page furniture rather than report text."""
    text = line.strip()
    if not text or _NO_CHINESE.match(text) or is_nav_line(text):
        return True
    return _CHROME_SEARCH.search(text) is not None
