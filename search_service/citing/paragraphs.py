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
from dataclasses import dataclass

from search_service.model import Report
from search_service.segments.paragraphs import index_at, line_spans, paragraph_count, paragraph_id, paragraph_number

# What a paragraph is and its anchor are read with the numbering.
__all__ = [
    "Paragraph",
    "ParagraphLocator",
    "index_at",
    "line_spans",
    "paragraph_count",
    "paragraph_id",
    "paragraph_number",
    "paragraphs",
    "unit_prefix_length",
]


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


def paragraphs(report: Report) -> list[Paragraph]:
    """Every paragraph of the report in reading order, numbered from p1."""
    found: list[Paragraph] = []
    for position, section in enumerate(report.sections):
        for start, end in line_spans(section.text):
            number = len(found) + 1
            found.append(Paragraph(paragraph_id(number), number, position, start, end))
    return found


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
