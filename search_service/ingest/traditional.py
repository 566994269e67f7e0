"""Traditional-character reports: detect them and give parsing simplified
paragraphs that remember the original.

Every pattern in parsing is written in simplified characters, and the
contract matches simplified text, so a traditional report is parsed through
its simplified form; the original of each paragraph is kept for display.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search_service.text import to_simplified

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Share of Chinese characters that OpenCC's t2s changes. Simplified text
# scores ~0 (a rare 著/乾 at most); traditional text scores 15-30%.
TRADITIONAL_SHARE = 0.03
# Fewer changed characters than this is noise whatever the share.
MIN_CHANGED = 3


@dataclass(frozen=True)
class Paragraph:
    """One line of the report: `text` simplified, `original` as written."""

    text: str
    original: str


def is_traditional(text: str, simplified: str) -> bool:
    """True when the text is written in traditional characters."""
    total = len(_CJK.findall(text))
    if total == 0:
        return False
    changed = sum(1 for a, b in zip(text, simplified, strict=False) if a != b)
    return changed >= MIN_CHANGED and changed / total >= TRADITIONAL_SHARE


def to_paragraphs(text: str) -> tuple[list[Paragraph], bool]:
    """The non-empty lines of `text` as paragraphs, and whether the text is
    traditional (then each paragraph's text is its simplified form)."""
    simplified = to_simplified(text)
    traditional = is_traditional(text, simplified)
    originals = [line.strip() for line in text.split("\n")]
    converted = [to_simplified(line) for line in originals] if traditional else originals
    paragraphs = [Paragraph(s, o) for s, o in zip(converted, originals, strict=True) if s]
    return paragraphs, traditional
