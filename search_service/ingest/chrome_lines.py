"""Web-page chrome that may still stand in the text parsing receives.

Reading removes chrome, but parsing must never take a leftover breadcrumb,
date line or share button for the title or for report text, so it keeps
its own small, conservative test.
"""

from __future__ import annotations

import re

CHROME_PATTERNS: tuple[str, ...] = (
    r"首页\s*[>＞›»/]",
    r"[>＞›»].*[>＞›»]",
    r"当前位置|您的位置|所在位置",
    r"^[\[【［(（]?\s*(?:来源|发布日期|发布时间|更新时间|日期|时间|作者|点击|浏览|阅读|字号|字体|索引号|发文字号|发布机构|"
    r"成文日期|主题分类|体裁分类|文号|发文机关|信息来源|分类|有效性)\s*[:：\]】］)）]",
    r"【\s*(?:打印|关闭|字体|大|中|小|收藏)|打印本页|关闭窗口|语音播报|语音合成|进入播报|退出播报|扫一扫|"
    r"返回顶部|返回主站|分享到|保存本页|收藏本页|相关链接|上一篇|下一篇|网站地图|版权所有|技术支持|ICP备",
)
_CHROME = re.compile("|".join(f"(?:{p})" for p in CHROME_PATTERNS))
# A line without a single Chinese character (page numbers, "Baidu", "map").
_NO_CHINESE = re.compile(r"^[^\u3400-\u9fff]*$")
# Short navigation words some sites leave as lines of their own.
NAV_WORDS: frozenset[str] = frozenset(
    {"收起", "展开", "打印", "关闭", "政务新媒体", "智能问答", "部门街镇", "无障碍", "长者模式", "English"}
)


def is_chrome_line(line: str) -> bool:
    """True for a line that is page furniture rather than report text."""
    text = line.strip()
    if not text or text in NAV_WORDS or _NO_CHINESE.match(text):
        return True
    return _CHROME.search(text) is not None
