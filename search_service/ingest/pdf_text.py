"""A PDF's text layer -> paragraphs, without page furniture.

pdfminer.six gives each text line with its position. Position is what tells
a wrapped line from a paragraph end: a line that reaches the right margin
runs on into the next one unless that one is indented or numbered; a line
that stops short ends its paragraph. Running headers and footers (the same
text at the top or bottom of most pages, page numbers masked) and page marks
(— 3 —, 第3页) are dropped first, so a sentence also runs on across pages.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTContainer, LTItem, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfminer.utils import decode_text

from search_service.ingest.chrome import is_page_mark
from search_service.ingest.dates import iso_date
from search_service.ingest.rejoining import DATE_LINE, glue, is_heading_start
from search_service.ingest.unreadable import Unreadable

log = logging.getLogger(__name__)

# A report is a few dozen pages; past this the rest is not read (and a huge
# PDF cannot stall a build).
MAX_PAGES = 500
# Rows this close to a page's top or bottom may be running headers/footers.
FURNITURE_ROWS = 2
# Paragraph starts are indented by two characters; half of that is the threshold.
INDENT_CHARS = 1.0
# A wrapped line ends within this many characters of the right margin.
RIGHT_SLACK_CHARS = 1.5
# Errors pdfminer raises on damaged files besides its own PSException family.
_DAMAGED = (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError)
_CJK_TEXT = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]"
# pdfminer inserts spaces between letter-spaced (justified) Chinese characters.
_SPACE_IN_CJK = re.compile(rf"(?<={_CJK_TEXT})\s+(?={_CJK_TEXT})")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"\d{1,4}")
_INDENT_MARK = "\u3000\u3000"


@dataclass(frozen=True)
class Row:
    """One visual line of a page: its text and bounding box (PDF points)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return self.top - self.bottom


@dataclass(frozen=True)
class PdfText:
    text: str
    meta: dict[str, str] = field(default_factory=dict)


def extract_pdf(path: Path) -> PdfText:
    """Paragraphs of the text layer (an indented paragraph start keeps a
    two-space ideographic indent) and `pdf_title` / `pdf_created` from the
    document information dictionary."""
    with path.open("rb") as stream:
        try:
            document = PDFDocument(PDFParser(stream), password="")
        except PDFPasswordIncorrect as exc:
            raise Unreadable("encrypted PDF: it needs a password to open") from exc
        except PDFEncryptionError as exc:
            raise Unreadable(f"encrypted PDF that cannot be decrypted: {exc}") from exc
        except _DAMAGED as exc:
            raise Unreadable(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
        meta = _info_meta(document)
        try:
            pages = [_page_rows(layout) for layout in _layouts(document)]
        except _DAMAGED as exc:
            raise Unreadable(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc
    rows = [row for page in _drop_furniture(pages) for row in page]
    if not rows:
        raise Unreadable("PDF has no text layer (a scanned image?)")
    return PdfText("\n".join(_paragraphs(rows)), meta)


def _layouts(document: PDFDocument) -> Iterator[LTItem]:
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
    interpreter = PDFPageInterpreter(manager, device)
    for number, page in enumerate(PDFPage.create_pages(document)):
        if number >= MAX_PAGES:
            log.warning("PDF has more than %d pages; the rest is not read", MAX_PAGES)
            return
        interpreter.process_page(page)
        yield device.get_result()


def _text_lines(item: LTItem) -> Iterator[LTTextLine]:
    if isinstance(item, LTTextLine):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _text_lines(child)


def _page_rows(layout: LTItem) -> list[Row]:
    """The page's text lines merged into visual rows, top to bottom (pdfminer
    can split one printed line into several pieces)."""
    pieces = sorted(
        (line for line in _text_lines(layout) if line.get_text().strip()),
        key=lambda line: (-round(line.y1), line.x0),
    )
    grouped: list[list[LTTextLine]] = []
    for piece in pieces:
        if grouped:
            last = grouped[-1][0]
            centre, last_centre = (piece.y0 + piece.y1) / 2, (last.y0 + last.y1) / 2
            if abs(centre - last_centre) < min(piece.height, last.height) / 2:
                grouped[-1].append(piece)
                continue
        grouped.append([piece])
    return [_row(group) for group in grouped]


def _row(pieces: list[LTTextLine]) -> Row:
    pieces = sorted(pieces, key=lambda piece: piece.x0)
    text = pieces[0].get_text().strip()
    for before, piece in zip(pieces, pieces[1:], strict=False):
        gap = piece.x0 - before.x1
        text += ("" if gap < piece.height / 2 else " ") + piece.get_text().strip()
    text = _SPACE_IN_CJK.sub("", " ".join(text.split()))
    return Row(
        text=text,
        x0=min(piece.x0 for piece in pieces),
        x1=max(piece.x1 for piece in pieces),
        top=max(piece.y1 for piece in pieces),
        bottom=min(piece.y0 for piece in pieces),
    )


def _drop_furniture(pages: list[list[Row]]) -> list[list[Row]]:
    """Pages without page marks and without running headers/footers: rows
    near the top or bottom whose text (digits masked) recurs on at least half
    of the pages, two at least."""
    edge_keys = Counter(key for page in pages for key in {_furniture_key(row.text) for row in _edges(page)})
    repeated = {key for key, count in edge_keys.items() if count >= 2 and count * 2 >= len(pages)}
    kept_pages = []
    for page in pages:
        edges = {id(row) for row in _edges(page)}
        kept_pages.append(
            [
                row
                for row in page
                if not is_page_mark(row.text)
                and not (
                    id(row) in edges and (_furniture_key(row.text) in repeated or _PAGE_NUMBER.fullmatch(row.text))
                )
            ]
        )
    return kept_pages


def _edges(page: list[Row]) -> list[Row]:
    return page[:FURNITURE_ROWS] + page[max(FURNITURE_ROWS, len(page) - FURNITURE_ROWS) :]


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", "".join(text.split()))


def _paragraphs(rows: list[Row]) -> list[str]:
    char = statistics.median(row.height for row in rows) or 1.0
    left = _recurring_extreme([row.x0 for row in rows], lowest=True)
    right = _recurring_extreme([row.x1 for row in rows], lowest=False)
    paragraphs: list[str] = []
    previous: Row | None = None
    for row in rows:
        indented = row.x0 > left + INDENT_CHARS * char
        reaches_right = previous is not None and previous.x1 >= right - RIGHT_SLACK_CHARS * char
        starts_left = previous is not None and previous.x0 <= left + 2.5 * char
        if (
            previous is not None
            and reaches_right
            and starts_left
            and not indented
            and not is_heading_start(row.text)
            and not DATE_LINE.fullmatch(row.text)
        ):
            paragraphs[-1] = glue(paragraphs[-1], row.text)
        else:
            paragraphs.append((_INDENT_MARK if indented else "") + row.text)
        previous = row
    return paragraphs


def _recurring_extreme(values: list[float], *, lowest: bool) -> float:
    """The lowest (or highest) coordinate shared by two rows at least: the
    text margin, robust to one stray line outside it."""
    ordered = sorted(values, reverse=not lowest)
    return ordered[1] if len(ordered) > 1 else ordered[0]


def _info_meta(document: PDFDocument) -> dict[str, str]:
    meta: dict[str, str] = {}
    for info in document.info:
        title = _info_text(info.get("Title"))
        if title and "pdf_title" not in meta:
            meta["pdf_title"] = title
        created = iso_date(_info_text(info.get("CreationDate")))
        if created and "pdf_created" not in meta:
            meta["pdf_created"] = created
    return meta


def _info_text(value: object) -> str | None:
    value = resolve1(value)
    if isinstance(value, bytes):
        value = decode_text(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None
