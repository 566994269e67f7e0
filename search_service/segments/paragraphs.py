"""What a paragraph of a section's text is, and its anchor: one non-empty
line (a line holding only whitespace is not one), numbered across the
report ("p1", "p2", …). Each segment stores how many paragraphs come before
every section (units.paragraph_start), counted here; citing/paragraphs.py
numbers a report's paragraphs and finds the paragraph of a position.
"""

from __future__ import annotations

import bisect
import re

_PREFIX = "p"
_LINE = re.compile(r"[^\n]+")
_ID = re.compile(r"p?([1-9][0-9]{0,8})")


def paragraph_id(number: int) -> str:
    """The anchor of the paragraph numbered `number` (1-based): "p17"."""
    if number < 1:
        raise ValueError(f"paragraph numbers start at 1, not {number}")
    return f"{_PREFIX}{number}"


def paragraph_number(ref: str | int) -> int:
    """The number a paragraph reference names: 17 for "p17", "17" or 17.

    Raises ValueError for anything else (0, "p0", "x1", "p01"), so a request
    parameter can be checked with it."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        if ref >= 1:
            return ref
    elif isinstance(ref, str):
        found = _ID.fullmatch(ref.strip())
        if found:
            return int(found.group(1))
    raise ValueError(f"not a paragraph reference: {ref!r}")


def line_spans(text: str) -> list[tuple[int, int]]:
    """The [start, end) span of each paragraph of one section's text, in
    order: each line with its surrounding whitespace (indentation, U+3000,
    a trailing \\r) left out; blank lines give none."""
    spans = []
    for line in _LINE.finditer(text):
        start, end = line.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def paragraph_count(text: str) -> int:
    """len(line_spans(text)), without the spans: the lines (between line
    breaks) holding more than whitespace."""
    return sum(1 for line in text.split("\n") if line and not line.isspace())


def index_at(spans: list[tuple[int, int]], offset: int) -> int | None:
    """Which of a section's paragraph spans an offset into its text belongs
    to (0-based): the paragraph holding it, or for whitespace between two
    paragraphs the next one, or past the last paragraph the last one; None
    when the section has no paragraph."""
    if not spans:
        return None
    i = bisect.bisect_right([end for _, end in spans], offset)
    return min(i, len(spans) - 1)
