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

from dataclasses import dataclass

from search_service.model import Report
from search_service.segments.paragraphs import index_at, line_spans, paragraph_count, paragraph_id, paragraph_number

# What a paragraph is and its anchor are read with the numbering.
__all__ = [
    "Paragraph",
    "index_at",
    "line_spans",
    "paragraph_count",
    "paragraph_id",
    "paragraph_number",
    "paragraphs",
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
