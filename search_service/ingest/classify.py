"""Is this text an annual rule-of-law report, or another document?

Sites that publish reports also publish, under the same heading, policy
explainers (政策解读), work plans (工作要点, 实施方案), 政府信息公开 reports,
meeting news (召开…会议) and notices (通知); 范文 sites publish templates
with placeholders (xx镇, 20xx年). Every readable document is kept; this
module only tells which kind it is, from its content:

- a title, when there is one, says what the document is (a report's title
  names its topic, 法治/依法行政, and what it is, 报告/情况/总结);
- without a title, the opening says it (现将…法治政府建设…情况报告如下), and
  the body has a report's parts (举措, 问题, 下一步) and its topic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search_service.model import Section

ANNUAL_REPORT = "annual_report"
OTHER = "other"

_TOPIC = re.compile(r"法治|法制|依法行政|依法治")
_REPORT = re.compile(r"报告|情况|总结")
# What a title says when the text is something else than a report.
_NOT_REPORT = re.compile(r"解读|召开|会议|座谈|培训班|活动|新闻|动态|简讯|答记者问")
_NOT_REPORT_END = re.compile(
    r"(?:通知|公告|通告|决定|意见|方案|办法|规定|要点|计划|解读|批复|函|规则|清单|指引|细则|倡议书|纲要|标准|目录)"
    r"(?:[（(][^）)]*[）)])?$"
)
# Reports of another kind that a site may file next to the rule-of-law ones.
_OTHER_REPORT = re.compile(r"信息公开|政务公开|政府工作报告|国民经济|预算|决算|审计|述职|述廉|统计公报")
# News of a meeting that heard or discussed the report: 人大主席团听取…情况报告.
_NEWS_VERB = re.compile(r"召开|举行|听取|审议|组织开展")
# One leader's own report (党委书记…述法报告, 述职报告), not the town's.
_PERSONAL_REPORT = re.compile(r"述法|述职|述责|述廉")
# An infographic or explainer that names the report it is about: 图解：…报告.
_NOT_REPORT_START = re.compile(r"^[【\[]?(?:图解|一图读懂|图说|解读|视频|动画|政策解读|文字解读)")
_REPORT_END = re.compile(r"(?:报告|情况|总结)(?:[（(][^）)]*[）)])?$")
# "…工作总结及2024年工作计划" is the annual report with its plans: a title
# that ends with a plan is a report when it reports (总结, 报告) first.
_PLAN_END = re.compile(r"(?:计划|思路|打算|安排)$")
_CITED = re.compile(r"《[^》]*》")
REPORT_KINDS = frozenset({"measures", "problems", "plans", "leadership"})
MIN_TOPIC_MENTIONS = 3

# --------------------------------------------------------------- templates

# Placeholders of a template: xx镇, XX县, ××街道, 20xx年, *区, 某某镇 is a
# real writer's anonymisation too, so it does not count.
_PLACEHOLDER = re.compile(
    r"(?:[xX×＊*]{1,3}|[ｘＸ]{1,3})(?:镇|乡|县|区|市|街道|村|社区|局|年|月|日|名|件|次|人|个|项|份|场|万|%)"
    r"|20[xX×ｘＸ]{2}|\d[xX×]{1,2}[%次件人个项]"
    # Blanks to fill in: 20__年, ____思想.
    r"|20_{2}|_{2,}"
)
MIN_PLACEHOLDERS = 3
# A unit's name masked (**区, *乡, xx镇) where the title and opening name the
# unit: one is enough.
_MASKED_UNIT = re.compile(r"(?<![\u4e00-\u9fffA-Za-z])(?:[*＊×]{1,3}|[xX]{2})(?:乡|镇|区|县|市|街道|州|旗)")
MASKED_UNIT_SPAN = 400
# A placeholder that masks digits only (****年, **月, **日).
_DIGIT_MASK = re.compile(r"[xX×＊*]{1,3}[年月日]|20[xX×ｘＸ]{2}")
_CONCRETE_TITLE = re.compile(r"(?:19|20)\d\d\s*年")
_PLACEHOLDER_MARKS = "xX×＊*ｘＸ_"
# A text whose first line names its unit as 某县, 某镇: a model, not a report
# (某某公司 inside a real report's case is an anonymised party, not the unit).
_ANONYMOUS_UNIT_FIRST = re.compile(r"^\s*某{1,2}(?:县|区|市|镇|乡|街道|州|旗)")
# A collection of model texts: 【5篇】, 第一篇：, 范文, 小编为大家整理.
_COLLECTION = re.compile(r"【\d+篇】|精选\d+篇|第[一二三四五六七八九十]篇[:：]|(?<![规示模典防])范文|小编|供大家参考")


def is_template(text: str) -> bool:
    """A template or a 范文 collection rather than one unit's report: it
    writes placeholders where the unit's name and figures would be."""
    if _COLLECTION.search(text[:2000]) is not None or _ANONYMOUS_UNIT_FIRST.match(text) is not None:
        return True
    # Most texts hold no placeholder character at all: skip the scan then.
    if not any(mark in text for mark in _PLACEHOLDER_MARKS):
        return False
    if _MASKED_UNIT.search(text[:MASKED_UNIT_SPAN]):
        # *乡依法行政工作…, 《**区2022年…要点》: the unit itself is masked.
        return True
    placeholders = _PLACEHOLDER.findall(text)
    first_line = text.split("\n", 1)[0]
    if _CONCRETE_TITLE.search(first_line) and not any(mark in first_line for mark in _PLACEHOLDER_MARKS):
        # A copy whose title names its year while a site masked the figures
        # (****年, **:**): a real report, anonymised digits only.
        placeholders = [p for p in placeholders if not _DIGIT_MASK.fullmatch(p)]
    return len(placeholders) >= MIN_PLACEHOLDERS


# ----------------------------------------------------------------- opening

# The opening's own words for what the text is: 现将2024年度法治政府建设
# 情况报告如下, 现将有关情况汇报如下, 总结如下.
_REPORTS_BELOW = re.compile(
    r"(?:报告|汇报|总结|报送)如下|现报告如下|报告如下|报送.{0,30}(?:年度报告|情况报告|情况的报告)"
)
_TOPIC_OPENING = re.compile(r"法治政府建设|法治建设|依法行政|法治.{0,6}工作|法治")
# What other documents say they are: 制定本方案, 现解读如下, 现印发给你们.
_OTHER_OPENING = re.compile(
    r"制定本(?:方案|计划|要点|办法|规则|细则|意见|指引)|特制定|现解读如下|解读如下|现印发给你们|现予印发|"
    r"请认真(?:贯彻|组织|抓好)|现将.{0,30}(?:印发|通知)|各位代表|现在，?我代表|"
    # A leader's own 述法 report; news; a 政府信息公开 report.
    r"本人|述法报告|述法工作|本报讯|记者|通讯员|政府信息公开条例|编制本报告"
)
# The parts a report has, written as words where headings are not numbered.
_PART_WORDS = (
    re.compile(r"主要(?:举措|措施|做法|工作|成效)|工作(?:开展)?情况|取得的成效"),
    re.compile(r"存在(?:的)?(?:主要)?(?:问题|不足)|问题和不足|短板"),
    re.compile(r"下一步|下一年度|明年|(?:19|20)\d\d年(?:工作)?(?:计划|安排|打算|思路)"),
    re.compile(r"第一责任人"),
)
MIN_PART_WORDS = 2


# An opening that reports on a year gone by: 2023年，某州人民政府始终坚持…,
# 今年以来，某州…, 2022年在县委、县政府的坚强领导下…. Real reports often
# never write 报告如下 (a ministry's, a prefecture's, a bureau's), and a
# page's stored beginning shows only the first numbered part.
_YEAR_OPENING = re.compile(r"^\s*(?:(?:19|20)\d\d\s*年(?:度|以来)?|今年以来|一年来)")
# What a plan, a 工作要点 or an 实施方案 says it sets out, and news of a meeting.
_PLAN_OPENING = re.compile(
    r"总体要求|指导思想|工作目标|主要任务|基本原则|(?:要求|安排|意见|要点)如下|提出如下|召开|举行|印发(?!的)"
)
_OPENING_TOPIC = re.compile(r"法治政府建设|法治建设|依法行政|依法治")


def _reports_on_year(opening: str) -> bool:
    """The opening's first paragraph (after a salutation) starts with the
    year it reports on, names the topic, and sets out no plan."""
    lines = [line for line in opening.splitlines() if line.strip()][:2]
    first = next((line for line in lines if _YEAR_OPENING.match(line)), "")
    return bool(first) and _OPENING_TOPIC.search(first) is not None and _PLAN_OPENING.search(first) is None


def _opening_says_report(opening: str) -> bool:
    return _REPORTS_BELOW.search(opening) is not None and _TOPIC_OPENING.search(opening) is not None


def _part_words(body: str) -> int:
    return sum(1 for pattern in _PART_WORDS if pattern.search(body))


# ---------------------------------------------------------------- verdict


@dataclass(frozen=True)
class Verdict:
    """What a document is and why: the sign that decided it, in words a
    curator reads (`parse --json`'s doc_type_reason). `weak` when only the
    body's parts decided it (no title, no opening that says what it is):
    such a document is listed for a curator."""

    doc_type: str
    reason: str
    weak: bool = False


# An addressee line to subordinates: 各市（州）人民政府，省政府各部门： heads a
# 通知 or a 通报 (of 考核 results), never a report to a superior.
_TO_SUBORDINATES = re.compile(r"^各(?!位)|[，,、]\s*各(?!位)|各(?:部门|单位|直属机构)")
# One leader speaking of themself: 本人, or 我 not followed by a unit word
# (我县, 我局, 我们) nor in a word (自我, 我为群众).
_WO = re.compile(r"我(?!为群众)(?![们国省市县区镇乡旗州盟局委厅办院所站队街道单位部门中心校处科司党村社组])")
_NOT_BEFORE_WO = "自你敌忘"
MIN_FIRST_PERSON = 3
# A salutation or addressee line above a text (市委、市政府：, 各乡镇人民政府：):
# short, no sentence inside, ending with a colon.
SALUTATION = re.compile(r"^[^。；;！？]{2,60}[:：]$")


def _first_person(text: str, enough: int) -> int:
    """How many times (up to `enough`) the text speaks as one person."""
    found = text.count("本人")
    for match in _WO.finditer(text):
        if found >= enough:
            break
        if match.start() == 0 or text[match.start() - 1] not in _NOT_BEFORE_WO:
            found += 1
    return min(found, enough)


# How far into the body a leader's own voice is looked for.
FIRST_PERSON_SPAN = 3000


def _title_verdict(title: str, kinds: set[str], opening: str, body: str) -> Verdict | None:
    """What the title says: a report, another document, or None when it
    does not say (then the content decides)."""
    reports_first = _PLAN_END.search(title) and re.search(r"总结|报告", _CITED.sub("", title))
    if (match := _NOT_REPORT_END.search(title)) and not reports_first:
        return Verdict(OTHER, f"标题以“{match.group()}”结尾，是其他文件")
    if match := _NOT_REPORT_START.search(title):
        return Verdict(OTHER, f"标题以“{match.group()}”开头，是其他文件")
    if match := _PERSONAL_REPORT.search(title):
        return Verdict(OTHER, f"标题写“{match.group()}”：个人述职述法报告")
    if match := _NEWS_VERB.search(title):
        return Verdict(OTHER, f"标题写“{match.group()}”：新闻报道")
    if match := _OTHER_REPORT.search(title):
        return Verdict(OTHER, f"标题写“{match.group()}”：另一类报告")
    if (match := _NOT_REPORT.search(title)) and not _REPORT_END.search(title):
        return Verdict(OTHER, f"标题写“{match.group()}”，不是报告")
    if _TOPIC.search(title) and _REPORT.search(title):
        if kinds:
            return Verdict(ANNUAL_REPORT, "标题是法治政府建设报告，正文有报告的部分（" + _kinds_named(kinds) + "）")
        if _part_words(body) >= MIN_PART_WORDS:
            return Verdict(ANNUAL_REPORT, "标题是法治政府建设报告，正文写到举措、问题或下一步")
        if _opening_says_report(opening):
            return Verdict(ANNUAL_REPORT, "标题是法治政府建设报告，开头写“报告如下”")
        return Verdict(OTHER, "标题像报告，但正文没有报告的部分")
    return None


_KIND_LABELS = {"measures": "举措", "problems": "问题", "plans": "下一步", "leadership": "第一责任人"}


def _kinds_named(kinds: set[str]) -> str:
    return "、".join(label for kind, label in _KIND_LABELS.items() if kind in kinds)


def judge(title: str, opening: str, sections: Sequence[Section], template: bool | None = None) -> Verdict:
    """The document's type and the sign that decided it.

    `title` is the report's title ("" when it has none), `opening` its first
    paragraphs (a salutation and the preamble); `template`, when the caller
    has already judged it, whether the text is a template."""
    body = "\n".join(section.text for section in sections)
    if template is None:
        template = is_template(title + "\n" + opening + "\n" + body)
    if template:
        return Verdict(OTHER, "范文或模板：有占位符（xx镇、20xx年、某县）或范文网站的标记")
    kinds = {section.kind for section in sections} & REPORT_KINDS
    if match := _OTHER_OPENING.search(opening):
        return Verdict(OTHER, f"开头写“{match.group()}”，是其他文件")
    first_line = opening.split("\n", 1)[0]
    if SALUTATION.match(first_line) and _TO_SUBORDINATES.search(first_line):
        return Verdict(OTHER, "抬头写给下级（各…），是通知或通报")
    if _first_person(opening + "\n" + body[:FIRST_PERSON_SPAN], MIN_FIRST_PERSON) >= MIN_FIRST_PERSON:
        return Verdict(OTHER, "以第一人称（我、本人）叙述：个人述职述法报告")
    if title:
        verdict = _title_verdict(title, kinds, opening, body)
        if verdict is not None:
            return verdict
    topic = len(_TOPIC.findall(opening + body))
    preamble = bool(sections) and sections[0].kind == "preamble" and bool(sections[0].text.strip())
    headings = [section.heading for section in sections if section.heading]
    if headings and _PERSONAL_PART.search(headings[0]):
        return Verdict(OTHER, f"第一部分是“{headings[0]}”：个人述职述法报告")
    if not title and _OUTREACH.search(opening) and not _GOVERNMENT_TOPIC.search(opening):
        return Verdict(OTHER, "无标题；开头写普法、法治宣传，未写法治政府建设或依法行政：普法工作总结")
    if not title and not preamble:
        # A copy that starts straight at 一、: nothing but its parts says
        # what it is. A stored copy may show only its first parts.
        topical = sum(1 for heading in headings if _GOVERNMENT_TOPIC.search(heading))
        planning = any(_PLAN_HEADING.search(heading) for heading in headings)
        enough = len(kinds) >= MIN_PART_KINDS or ("measures" in kinds and topical >= 1)
        if enough and topic >= MIN_TOPIC_MENTIONS and not planning:
            return Verdict(
                ANNUAL_REPORT,
                "无标题、无开头，从第一部分起笔；正文有报告的部分（" + _kinds_named(kinds) + "）",
                weak=True,
            )
        return Verdict(OTHER, "无标题、无开头，正文的部分不足以判断为法治政府建设报告", weak=bool(kinds))
    if _opening_says_report(opening) and (kinds or _part_words(body) >= 1) and topic >= 1:
        return Verdict(ANNUAL_REPORT, "开头写法治政府建设情况“报告如下”，正文有报告的部分")
    if len(kinds) + _part_words(body) >= 3 and topic >= MIN_TOPIC_MENTIONS and _TOPIC_OPENING.search(opening):
        return Verdict(ANNUAL_REPORT, "开头写法治政府建设，正文有报告的部分（举措、问题、下一步）")
    if not title and kinds and _reports_on_year(opening) and _OTHER_REPORT.search(opening) is None:
        return Verdict(ANNUAL_REPORT, "无标题；开头以所报告的年份起笔、写法治政府建设，正文有报告的部分")
    if title:
        return Verdict(OTHER, "标题不是法治政府建设报告")
    return Verdict(OTHER, "无标题，开头未说明是法治政府建设报告")


# A part one leader reports on: 一、履职情况, 本人履职情况 (a 述法 report's
# first part; a report's leadership part names the 第一责任人 and the duty).
_PERSONAL_PART = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]\s*)?(?:个人|本人)?履职(?:尽责)?情况$")
# Outreach (普法) is another work than building a law-based government.
_OUTREACH = re.compile(r"普法|法治宣传")
_GOVERNMENT_TOPIC = re.compile(r"法治政府|依法行政")
# The headings of a plan: 总体要求, 主要任务, 保障措施.
_PLAN_HEADING = re.compile(r"总体要求|指导思想|工作目标|主要任务|基本原则|保障措施|组织保障|实施步骤|工作要求")
# Report parts enough to call a text without title or opening a report.
MIN_PART_KINDS = 2


def classify(title: str, opening: str, sections: Sequence[Section], template: bool | None = None) -> str:
    """The document's type: "annual_report" for an annual rule-of-law
    report, else "other" (see `judge`)."""
    return judge(title, opening, sections, template).doc_type


def is_report(title: str, sections: Sequence[Section]) -> bool:
    """True for an annual rule-of-law report, judged from title and parts
    (the opening taken from the preamble)."""
    opening = sections[0].text[:600] if sections and sections[0].kind == "preamble" else ""
    return classify(title, opening, sections) == ANNUAL_REPORT
