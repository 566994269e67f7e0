"""One report laid out for reading: its sections, each occurrence of the
searched terms marked and numbered m1, m2 ... in reading order (title, then
each section's heading and text), so that the page can step from one to the
next with plain links.

Each paragraph (citing.paragraphs: a non-empty line, numbered across the
report) is a <span class="para" id="p17"> followed by its 引用 link, the
whitespace between paragraphs kept as it is, so `/reports/<id>#p17` scrolls
to the same words after any rebuild.

The HTML pieces escape the text and add only <mark> and </mark> (and the
paragraphs' spans and links, whose only variable part is a number and the
report id, escaped); numbering rewrites the two mark tags and nothing else,
so report text can never become markup.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from urllib.parse import quote

from markupsafe import Markup, escape

from search_service.citing.paragraphs import line_spans, paragraph_id
from search_service.model import SECTION_LABELS, Report, Section
from search_service.search.snippets import mark_all, match_spans

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
    cite = citation_href(report.report_id)
    first_paragraph = 1
    for section in report.sections:
        heading = numberer.count(mark_all(section.heading, norm_terms))
        marked, count = _paragraphs_html(section, norm_terms, first_paragraph, cite)
        first_paragraph += count
        text = numberer.count(marked)
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


def citation_href(report_id: str) -> str:
    """The citation endpoint of a report (GB/T 7714 text): the 引用 link
    without JavaScript, and what the copy action fetches with it."""
    return f"/api/v1/reports/{quote(report_id, safe='')}/citation"


def _paragraphs_html(section: Section, norm_terms: list[str], first: int, cite: str) -> tuple[str, int]:
    """A section's text as HTML: each paragraph in its anchored span with
    its 引用 link, every match marked (a match across a line break is marked
    in each paragraph it touches); and how many paragraphs it has.

    Matches are found in `text`; the text as written (`original`) is shown
    when it aligns character for character, as in mark_all."""
    text = section.text
    shown = section.original if section.original is not None and len(section.original) == len(text) else text
    spans = match_spans(text, norm_terms) if norm_terms else []
    out: list[str] = []
    cursor = 0
    next_span = 0
    paragraphs = line_spans(text)
    for k, (start, end) in enumerate(paragraphs):
        pid = paragraph_id(first + k)
        out.append(html.escape(shown[cursor:start]))
        marked, next_span = _marked(shown, start, end, spans, next_span)
        out.append(f'<span class="para" id="{pid}">{marked}</span>')
        out.append(
            f'<a class="cite" href="{html.escape(cite)}?paragraph={pid}" data-paragraph="{pid}" '
            f'aria-label="引用第{first + k}段" title="复制第{first + k}段的引用"></a>'
        )
        cursor = end
    out.append(html.escape(shown[cursor:]))
    return "".join(out), len(paragraphs)


def _marked(text: str, start: int, end: int, spans: list[tuple[int, int]], first: int) -> tuple[str, int]:
    """text[start:end] escaped, with the parts of spans inside it marked,
    looking from spans[first] on; and the first span that may reach past
    end (spans are sorted and disjoint, paragraphs come in order)."""
    out = []
    cursor = start
    i = first
    while i < len(spans) and spans[i][0] < end:
        s, e = spans[i]
        if e > cursor:
            s, e = max(s, cursor), min(e, end)
            out.append(html.escape(text[cursor:s]))
            out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
            cursor = e
        if spans[i][1] > end:
            break
        i += 1
    out.append(html.escape(text[cursor:end]))
    return "".join(out), i
