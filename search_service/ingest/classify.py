"""Is this text an annual rule-of-law report at all?

Sites that publish reports also publish, under the same heading, policy
explainers (政策解读), meeting news (召开…会议) and notices (通知). A report's
title names its topic (法治, 依法行政) and what it is (报告, 情况, 总结), and
its body has the parts a report has (measures, problems, plans).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from search_service.model import Section

_TOPIC = re.compile(r"法治|法制|依法行政|依法治")
_REPORT = re.compile(r"报告|情况|总结")
# What a title says when the text is something else than a report.
_NOT_REPORT = re.compile(r"解读|召开|会议|座谈|培训班|活动|新闻|动态|简讯|答记者问")
_NOT_REPORT_END = re.compile(
    r"(?:通知|公告|通告|决定|意见|方案|办法|规定|要点|计划|解读|批复|函)(?:[（(][^）)]*[）)])?$"
)
# News of a meeting that heard or discussed the report: 人大主席团听取…情况报告.
_NEWS_VERB = re.compile(r"召开|举行|听取|审议|组织开展")
# One leader's own report (党委书记…述法报告, 述职报告), not the town's.
_PERSONAL_REPORT = re.compile(r"述法|述职|述责|述廉")
# An infographic or explainer that names the report it is about: 图解：…报告.
_NOT_REPORT_START = re.compile(r"^[【\[]?(?:图解|一图读懂|图说|解读|视频|动画)")
_REPORT_END = re.compile(r"(?:报告|情况|总结)(?:[（(][^）)]*[）)])?$")
# "…工作总结及2024年工作计划" is the annual report with its plans: a title
# that ends with a plan is a report when it reports (总结, 报告) first.
_PLAN_END = re.compile(r"(?:计划|思路|打算|安排)$")
_CITED = re.compile(r"《[^》]*》")
REPORT_KINDS = frozenset({"measures", "problems", "plans", "leadership"})
# Without a usable title, a text needs this many report-shaped parts.
MIN_PARTS_WITHOUT_TITLE = 3
MIN_TOPIC_MENTIONS = 3


def is_report(title: str, sections: Sequence[Section]) -> bool:
    """True for an annual rule-of-law report, judged from title and parts."""
    kinds = {section.kind for section in sections} & REPORT_KINDS
    if title:
        reports_first = _PLAN_END.search(title) and re.search(r"总结|报告", _CITED.sub("", title))
        if (_NOT_REPORT_END.search(title) and not reports_first) or _NOT_REPORT_START.search(title):
            return False
        if _PERSONAL_REPORT.search(title) or _NEWS_VERB.search(title):
            return False
        if _NOT_REPORT.search(title) and not _REPORT_END.search(title):
            return False
        if _TOPIC.search(title) and _REPORT.search(title):
            return bool(kinds)
    text = "".join(section.text for section in sections)
    return len(kinds) >= MIN_PARTS_WITHOUT_TITLE and len(_TOPIC.findall(text)) >= MIN_TOPIC_MENTIONS
