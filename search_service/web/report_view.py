"""One report laid out for reading: its sections, each occurrence of the
searched terms marked and numbered m1, m2 ... in reading order (title, then
each section's heading and text), so that the page can step from one to the
next with plain links.

The HTML pieces come from search.snippets.mark_all, which escapes the text
and adds only <mark> and </mark>; numbering rewrites those two tags and
nothing else, so report text can never become markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup, escape

from search_service.model import SECTION_LABELS, Report
from search_service.search.snippets import mark_all

_OPEN = "<mark>"
_CLOSE = "</mark>"


@dataclass
class SectionView:
    number: int
    kind: str
    label: str
    heading: Markup
    heading_text: str
    html: Markup
    marks: int = 0
    first_mark: int | None = None


@dataclass
class ReportView:
    title: Markup
    sections: list[SectionView] = field(default_factory=list)
    marks: int = 0


class _Numberer:
    """Gives each <mark> of a sequence of HTML pieces its number. Two passes:
    the navigation after a mark needs the total."""

    def __init__(self) -> None:
        self.total = 0

    def count(self, html: str) -> tuple[str, int, int]:
        n = html.count(_OPEN)
        start = self.total + 1
        self.total += n
        return html, start, n

    def number(self, html: str, start: int) -> Markup:
        if _OPEN not in html:
            return Markup(html)
        pieces = html.split(_OPEN)
        out = [pieces[0]]
        for k, piece in enumerate(pieces[1:], start=start):
            inside, _, after = piece.partition(_CLOSE)
            prev_k = k - 1 if k > 1 else self.total
            next_k = k + 1 if k < self.total else 1
            out.append(
                f'<mark id="m{k}">{inside}</mark>'
                f'<span class="mnav"><a href="#m{prev_k}" rel="prev" title="上一处（p）">‹</a>'
                f"<span>{k}/{self.total}</span>"
                f'<a href="#m{next_k}" rel="next" title="下一处（n）">›</a></span>{after}'
            )
        return Markup("".join(out))


def report_view(report: Report, norm_terms: list[str]) -> ReportView:
    """The report with every occurrence of norm_terms marked and numbered."""
    numberer = _Numberer()
    # A document without a title shows its composed label, in which no term
    # is marked: it is not the report's text.
    title = (
        numberer.count(mark_all(report.title, norm_terms))
        if report.title
        else (str(escape(report.label)), numberer.total + 1, 0)
    )
    pieces = []
    for section in report.sections:
        heading = numberer.count(mark_all(section.heading, norm_terms))
        text = numberer.count(mark_all(section.text, norm_terms, display=section.original))
        pieces.append((section, heading, text))
    view = ReportView(title=numberer.number(title[0], title[1]), marks=numberer.total)
    for number, (section, heading, text) in enumerate(pieces):
        if number == 0 and section.kind == "preamble" and not section.heading and not section.text.strip():
            continue  # the empty preamble every indexed report starts with
        marks = heading[2] + text[2]
        view.sections.append(
            SectionView(
                number=number,
                kind=section.kind,
                label=SECTION_LABELS.get(section.kind, section.kind),
                heading=numberer.number(heading[0], heading[1]),
                heading_text=section.heading,
                html=numberer.number(text[0], text[1]),
                marks=marks,
                first_mark=heading[1] if marks else None,
            )
        )
    return view
