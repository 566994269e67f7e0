"""Web-page chrome that may still stand in the text parsing receives.

Reading removes chrome, but parsing must never take a leftover breadcrumb,
date line or share button for the title or for report text, so it keeps
its own small, conservative test.
"""

from __future__ import annotations

import re

# Labels of a page's metadata table (索引号, 公开方式...), as a line starts with them.
META_LABEL_WORDS = (
    "来源|发布日期|发布时间|更新时间|日期|时间|作者|点击|浏览|阅读|字号|字体|索引号|发文字号|发布机构|"
    "成文日期|主题分类|体裁分类|文号|发文机关|信息来源|分类|有效性|公开方式|公开范围|公开时限|制发机构|发文机构|"
    "组配分类|信息分类|生成日期|公文生成日期|发文日期|生效时间|废止时间|内容概述|关键词|主题词|信息类别|文件编号"
)
CHROME_PATTERNS: tuple[str, ...] = (
    r"首页\s*[>＞›»/]",
    r"[>＞›»].*[>＞›»]",
    r"当前位置|您的位置|所在位置",
    rf"^[•·▪●\-\s]*[\[【［(（]?\s*(?:{META_LABEL_WORDS})\s*[:：\]】］)）]",
    r"【\s*(?:打印|关闭|字体|大|中|小|收藏)|打印本页|关闭窗口|语音播报|语音合成|进入播报|退出播报|扫一扫|"
    r"返回顶部|返回主站|分享到|保存本页|收藏本页|相关链接|上一篇|下一篇|网站地图|版权所有|技术支持|ICP备",
    # A page header's "today": 2019年12月3日星期二, 2024-03-28 星期四 (the site's
    # name may stand before it). Never a publication date.
    r"^.{0,30}?(?:(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2})\s*"
    r"(?:星期|礼拜|周)[一二三四五六日天]\s*.{0,20}$",
)
_CHROME = re.compile("|".join(f"(?:{p})" for p in CHROME_PATTERNS))
# A line without a single Chinese character (page numbers, "Baidu", "map").
_NO_CHINESE = re.compile(r"^[^\u3400-\u9fff]*$")
# Short navigation words some sites leave as lines of their own, alone or
# several on a line (无障碍 简体|繁体, • 设为首页 • 加入收藏).
NAV_WORDS: frozenset[str] = frozenset(
    {"收起", "展开", "打印", "关闭", "政务新媒体", "智能问答", "部门街镇", "无障碍", "长者模式", "English"}
    | {"无障碍阅读", "无障碍浏览", "简体", "繁体", "繁體", "简体版", "繁体版", "长者版", "关怀版", "适老化"}
    | {"设为首页", "加入收藏", "网站首页", "登录", "注册", "搜索", "返回", "移动版", "手机版", "PC版"}
    | {"首页", "政务服务", "互动交流", "新闻中心", "新闻资讯", "办事服务", "公众参与", "数据开放", "专题专栏"}
)
# A column's or list's name left above the title by a page (通知公告, 文件类信息公开).
CRUMB_LABELS: frozenset[str] = frozenset(
    {"通知公告", "公示公告", "通知公示", "工作动态", "政务动态", "乡镇动态", "部门动态", "政务公开", "信息公开"}
    | {"文件类信息公开", "法定主动公开内容", "其他主动公开内容", "其他法定公开内容", "主动公开", "部门文件"}
    | {"政府文件", "其他文件", "公告公示", "重点领域信息公开", "政府信息公开", "其他"}
)
_NAV_SEPARATORS = re.compile(r"[\s|｜/•·▪●]+")


def is_nav_line(text: str) -> bool:
    """A line made only of navigation words or a list's name."""
    words = [word for word in _NAV_SEPARATORS.split(text) if word]
    return bool(words) and all(word in NAV_WORDS or word in CRUMB_LABELS for word in words)


def is_chrome_line(line: str) -> bool:
    """True for a line that is page furniture rather than report text."""
    text = line.strip()
    if not text or _NO_CHINESE.match(text) or is_nav_line(text):
        return True
    return _CHROME.search(text) is not None
