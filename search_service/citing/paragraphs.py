"""Paragraph anchors: every paragraph of a report gets an id ("p1", "p2", …).

A paragraph is one non-empty line of a section's text (a line holding only
whitespace is not one); headings and the title are not paragraphs. Ids run
in reading order across the whole report, section after section, so
`/reports/<report_id>#p17` names the seventeenth paragraph of the report.

Ids are a pure function of the sections' texts, which are what `report_id`
is derived from: the same report always numbers its paragraphs the same way,
whether it was just parsed or read back from the index (the index's empty
preamble, added when a report has none, holds no paragraph and so shifts no
number). One caveat, since `report_id` is computed from the normalised text:
two texts that differ only in their line breaks share a report_id but not
their paragraphs.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from search_service.model import Report

_PREFIX = "p"
_LINE = re.compile(r"[^\n]+")
_ID = re.compile(r"p?([1-9][0-9]{0,8})")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph: its id, the position of its section in
    `report.sections`, and its [start, end) span in that section's `text`
    (the line without its leading and trailing whitespace)."""

    id: str
    number: int
    section: int
    start: int
    end: int

    def text_in(self, report: Report) -> str:
        return report.sections[self.section].text[self.start : self.end]


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


def paragraphs(report: Report) -> list[Paragraph]:
    """Every paragraph of the report in reading order, numbered from p1."""
    found: list[Paragraph] = []
    for position, section in enumerate(report.sections):
        for start, end in line_spans(section.text):
            number = len(found) + 1
            found.append(Paragraph(paragraph_id(number), number, position, start, end))
    return found


def index_at(spans: list[tuple[int, int]], offset: int) -> int | None:
    """Which of a section's paragraph spans an offset into its text belongs
    to (0-based): the paragraph holding it, or for whitespace between two
    paragraphs the next one, or past the last paragraph the last one; None
    when the section has no paragraph."""
    if not spans:
        return None
    i = bisect.bisect_right([end for _, end in spans], offset)
    return min(i, len(spans) - 1)


def unit_prefix_length(report: Report, section: int) -> int:
    """How many characters come before a section's text in the text the
    search reads for it (`Report.searchable_units`: heading, a line break,
    and before the first preamble the title and a line break), so that an
    offset of a snippet can be turned into an offset into `text`.

    Section positions are into `report.sections`; they equal the positions
    of `searchable_units()` when the first section is a preamble, as it is
    in every indexed report."""
    head = report.sections[section].heading
    if section == 0 and report.sections[0].kind == "preamble":
        head = (report.title or "") + "\n" + head
    return len(head) + 1


class ParagraphLocator:
    """Finds the paragraph of a position in a report, e.g. where a snippet's
    first match lies. Built once per report; lookups are a bisection."""

    def __init__(self, report: Report) -> None:
        self._report = report
        self._spans: list[list[tuple[int, int]]] = []
        self._first: list[int] = []  # number of the first paragraph of each section
        count = 0
        for section in report.sections:
            spans = line_spans(section.text)
            self._spans.append(spans)
            self._first.append(count + 1)
            count += len(spans)
        self.count = count

    def at(self, section: int, offset: int) -> str | None:
        """The id of the paragraph of `offset` into the text of section
        `section` (see index_at); None when the section has no paragraph."""
        i = index_at(self._spans[section], offset)
        return None if i is None else paragraph_id(self._first[section] + i)

    def at_unit_offset(self, section: int, offset: int) -> str | None:
        """As `at`, for an offset into the section's searchable text
        (heading and text, as snippets are cut from). An offset inside the
        heading or the title belongs to no paragraph: None."""
        inside = offset - unit_prefix_length(self._report, section)
        return None if inside < 0 else self.at(section, inside)

    def section_of(self, number: int) -> int:
        """The position of the section holding paragraph `number`."""
        if not 1 <= number <= self.count:
            raise ValueError(f"the report has no paragraph {number}")
        # The last section starting at or before it: an empty section shares
        # its first number with the next one, which comes later.
        return bisect.bisect_right(self._first, number) - 1

    def paragraph(self, number: int) -> Paragraph:
        """The paragraph numbered `number`; ValueError when there is none."""
        section = self.section_of(number)
        start, end = self._spans[section][number - self._first[section]]
        return Paragraph(paragraph_id(number), number, section, start, end)
