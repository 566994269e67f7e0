"""Body paragraphs -> sections with their kinds.

Top-level parts are 一、… or, when the report uses them, 第一部分 (then
一、… are sub-parts); （一）… are sub-parts listed in `subheadings`. A
report without numbered parts may use bold lines (存在的问题) or only
（一）…, which are then promoted to parts. Everything before the first
part is the preamble. A problems part written inline in the measures
(…但也存在一些问题：一是…) is split off, and so are plans that follow it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from search_service.ingest.headings import (
    CHAPTER,
    PART,
    SUBSECTION,
    Heading,
    heading_kind,
    is_bold_line,
    numbered,
    split_heading,
)
from search_service.ingest.traditional import Paragraph
from search_service.model import Section

log = logging.getLogger(__name__)

# A sentence that opens an inline problems part: 但也存在一些问题：一是….
_INLINE_PROBLEMS = re.compile(
    r"(?:存在|仍有|还有|面临|也有)[^。！？]{0,20}?(?:问题|不足|短板|差距|薄弱环节|困难)[^。！？]{0,30}?"
    r"(?:[：:]|主要(?:表现|是|有)|一是|[，,]\s*(?:如|具体))"
)
_CONCESSION = re.compile(r"但|然而|不过|虽然|尽管|同时|当然|不容忽视|清醒")
# Or the words right before 存在 say it: 仍存在以下问题, 还存在一些不足.
_STILL = ("仍", "还", "仍然", "依然", "尚", "也")
# A sentence or paragraph that opens inline plans: 下一步，我镇将….
_INLINE_PLANS = re.compile(
    r"^(?:下一步|今后|新的一年|接下来|展望|在(?:今后|下一步|新的一年|未来)的?工作中|"
    r"(?:19|20)\d\d\s*年[，,]?\s*(?:我镇|我乡|我街道|我们|全镇|全乡|全街道|本镇)?\s*(?:将|要|计划))"
)
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]?")
# Fewer top-level headings than this and bold lines may be the report's parts.
MIN_NUMBERED_PARTS = 2
_PROBLEMS_OR_LATER = frozenset({"problems", "plans", "other", "leadership"})


@dataclass
class _Part:
    kind: str
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    subheadings: list[str] = field(default_factory=list)


def _with_text(paragraph: Paragraph, text: str) -> Paragraph:
    """A piece of a paragraph, its original cut at the same place when the
    simplified text has the original's length (OpenCC keeps it for nearly
    every character)."""
    if paragraph.text == paragraph.original:
        return Paragraph(text, text)
    if len(paragraph.text) == len(paragraph.original):
        start = paragraph.text.find(text)
        if start >= 0:
            return Paragraph(text, paragraph.original[start : start + len(text)])
    return Paragraph(text, text)


def _top_style(texts: Sequence[str], report_year: int | None) -> re.Pattern[str] | None:
    """The pattern of the report's top-level headings.

    （一）… are the parts only when they name parts (（二）存在的问题) and are
    numbered once through; a list of measures (（一）强化组织领导 …) or lists
    that start again under bold lines are sub-headings."""
    parts = sum(1 for t in texts if PART.match(t))
    if parts >= 1:
        return PART
    if sum(1 for t in texts if CHAPTER.match(t)) >= 1:
        return CHAPTER
    subsections = [heading for t in texts if (heading := numbered(t, SUBSECTION, 1)) is not None]
    restarts = sum(1 for heading in subsections if heading.number == 1) > 1
    names_parts = any(heading_kind(heading.heading, report_year) is not None for heading in subsections)
    if len(subsections) >= MIN_NUMBERED_PARTS and names_parts and not restarts:
        return SUBSECTION
    return None


def _top_heading(text: str, style: re.Pattern[str] | None, last_number: int) -> Heading | None:
    """A top-level heading continuing the numbering (一、 after 一、 is a list
    inside a part, not a new part)."""
    if style is None:
        return None
    heading = numbered(text, style, 1)
    if heading is None or heading.number is None or heading.number <= last_number:
        return None
    return heading


def _sub_heading(text: str, style: re.Pattern[str] | None) -> str | None:
    """The sub-heading a line opens with: 一、… under 第一部分, （一）… under 一、
    or under bold-line headings."""
    patterns = {PART: (CHAPTER, SUBSECTION), CHAPTER: (SUBSECTION,), None: (SUBSECTION,)}.get(style, ())
    if any(pattern.match(text) for pattern in patterns):
        return split_heading(text)[0]
    return None


def split_sections(paragraphs: Sequence[Paragraph], report_year: int | None) -> list[Section]:
    """Sections of the body (title and signature already removed)."""
    texts = [p.text for p in paragraphs]
    style = _top_style(texts, report_year)
    numbered_parts = sum(1 for t in texts if style is not None and style.match(t))
    parts: list[_Part] = [_Part("preamble", "")]
    last_number = 0
    seen_later = False
    for paragraph in paragraphs:
        text = paragraph.text
        heading = _top_heading(text, style, last_number)
        if heading is not None:
            last_number = heading.number or last_number
            kind = heading_kind(heading.heading, report_year)
            parts.append(_Part(kind or ("other" if seen_later else "measures"), heading.heading))
            if heading.rest:
                parts[-1].paragraphs.append(_with_text(paragraph, heading.rest))
            seen_later = seen_later or parts[-1].kind in _PROBLEMS_OR_LATER
            continue
        kind = _bold_heading_kind(text, parts[-1].kind, numbered_parts, report_year)
        if kind is not None:
            parts.append(_Part(kind, text))
            seen_later = seen_later or kind in _PROBLEMS_OR_LATER
            continue
        sub = _sub_heading(text, style)
        if sub is not None and parts[-1].kind != "preamble":
            parts[-1].subheadings.append(sub)
        parts[-1].paragraphs.append(paragraph)
    if len(parts) == 1:
        parts = _without_headings(parts[0])
    parts = _split_inline(parts)
    return [_section(part) for part in parts if part.kind != "preamble" or part.paragraphs]


def _bold_heading_kind(text: str, current: str, numbered_parts: int, report_year: int | None) -> str | None:
    """The kind of a bold-line heading, or None when the line is not one.

    In a report with numbered parts a bold line only opens a part of another
    kind than measures (an unnumbered 存在的问题 after 一、主要工作), never in
    the preamble, so a short line among the measures stays text."""
    if not is_bold_line(text):
        return None
    kind = heading_kind(text, report_year)
    if kind is None or kind == current:
        return None
    if numbered_parts >= MIN_NUMBERED_PARTS and (kind == "measures" or current == "preamble"):
        return None
    return kind


def _without_headings(preamble: _Part) -> list[_Part]:
    """A report in plain paragraphs: the first is its preamble, the rest
    its measures (inline problems and plans are split off afterwards)."""
    if len(preamble.paragraphs) < 2:
        return [preamble]
    body = list(preamble.paragraphs[1:])
    subheadings = [split_heading(p.text)[0] for p in body if SUBSECTION.match(p.text)]
    return [
        _Part("preamble", "", preamble.paragraphs[:1]),
        _Part("measures", "", body, subheadings),
    ]


def _split_inline(parts: list[_Part]) -> list[_Part]:
    """Split inline problems off the last measures part (and inline plans off
    those problems) when the report has no such part of its own."""
    kinds = {part.kind for part in parts}
    if "problems" in kinds:
        return parts
    measures = [i for i, part in enumerate(parts) if part.kind == "measures"]
    if not measures:
        return parts
    index = measures[-1]
    found = _split_at(parts[index], _is_problems_sentence, "problems")
    if found is None:
        return parts
    before, problems = found
    pieces = [before, problems]
    if "plans" not in kinds:
        plans = _split_at(problems, _is_plans_sentence, "plans")
        if plans is not None:
            pieces = [before, *plans]
    log.debug("split inline problems off %r", parts[index].heading)
    return [*parts[:index], *(p for p in pieces if p.paragraphs or p.kind != "measures"), *parts[index + 1 :]]


def _is_problems_sentence(sentence: str) -> bool:
    match = _INLINE_PROBLEMS.search(sentence)
    if match is None:
        return False
    before = sentence[: match.start()]
    return not before or before.endswith(_STILL) or _CONCESSION.search(before) is not None


def _is_plans_sentence(sentence: str) -> bool:
    return _INLINE_PLANS.match(sentence.strip()) is not None


def _split_at(part: _Part, opens: Callable[[str], bool], kind: str) -> tuple[_Part, _Part] | None:
    """Split `part` at the first sentence for which `opens` is true; the
    sentence and everything after it become a part of `kind`, heading ''."""
    for index, paragraph in enumerate(part.paragraphs):
        offset = 0
        for sentence in _SENTENCE.findall(paragraph.text):
            if sentence and opens(sentence):
                head_text = paragraph.text[:offset].strip()
                tail_text = paragraph.text[offset:].strip()
                before = _Part(part.kind, part.heading, part.paragraphs[:index], list(part.subheadings))
                if head_text:
                    before.paragraphs.append(_with_text(paragraph, head_text))
                after = _Part(kind, "", [_with_text(paragraph, tail_text), *part.paragraphs[index + 1 :]])
                before.subheadings = [s for s in part.subheadings if any(s in p.text for p in before.paragraphs)]
                after.subheadings = [s for s in part.subheadings if s not in before.subheadings]
                return before, after
            offset += len(sentence)
    return None


def _section(part: _Part) -> Section:
    text = "\n".join(p.text for p in part.paragraphs)
    original = "\n".join(p.original for p in part.paragraphs)
    return Section(
        kind=part.kind,
        heading=part.heading,
        text=text,
        subheadings=tuple(part.subheadings),
        original=original if original != text else None,
    )
