"""A PDF's text layer -> paragraphs, without page furniture.

PDFium (pypdfium2) gives each character with its box; characters are
gathered into pieces of a printed line (PDFium's own line breaks, and a jump
of the baseline), pieces into visual rows. Position is what tells a wrapped
line from a paragraph end: a line that reaches the right margin runs on into
the next one unless that one is indented or numbered; a line that stops
short ends its paragraph. Running headers and footers (the same text at the
top or bottom of most pages, page numbers masked) and page marks (— 3 —,
第3页) are dropped first, so a sentence also runs on across pages.

Why PDFium and not pdfminer.six: on a 400-page PDF of individually placed
characters pdfminer's layout analysis ran for hours; PDFium reads it in
seconds (figures in the commit that made the change). PDFium is not
thread-safe, so one lock serialises its use within a process.
"""

from __future__ import annotations

import ctypes
import logging
import re
import statistics
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from search_service.ingest.budget import Deadline
from search_service.ingest.chrome import is_page_mark
from search_service.ingest.dates import iso_date
from search_service.ingest.pdf_pdfminer import PdfminerPages
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
_CJK_TEXT = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’]"
# Letter-spaced (justified) Chinese comes out with spaces between characters.
_SPACE_IN_CJK = re.compile(rf"(?<={_CJK_TEXT})\s+(?={_CJK_TEXT})")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(r"\d{1,4}")
_INDENT_MARK = "\u3000\u3000"
# PDFium skips a text object narrower than this (kSizeEpsilon in cpdf_textpage.cpp).
_MIN_WIDTH = 0.01
_LINE_BREAKS = frozenset({0x0A, 0x0D})
_PDFIUM = threading.Lock()
_OPEN_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "encrypted PDF: it needs a password to open",
    pdfium_c.FPDF_ERR_SECURITY: "encrypted PDF that cannot be decrypted (unsupported security handler)",
}


@dataclass(frozen=True)
class Row:
    """One visual line of a page (or a piece of one): its text and bounding
    box (PDF points, y upwards)."""

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


def extract_pdf(path: Path, deadline: Deadline | None = None) -> PdfText:
    """Paragraphs of the text layer (an indented paragraph start keeps a
    two-space ideographic indent) and `pdf_title` / `pdf_created` from the
    document information dictionary. `deadline` is checked between pages."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(path)
        except pdfium.PdfiumError as exc:
            reason = _OPEN_ERRORS.get(getattr(exc, "err_code", None))
            raise Unreadable(reason or f"corrupt PDF: {exc}") from exc
        try:
            meta = _info_meta(document)
            pages = []
            with PdfminerPages(path) as fallback:
                for number in range(len(document)):
                    if number >= MAX_PAGES:
                        log.warning("PDF has more than %d pages; the rest is not read", MAX_PAGES)
                        break
                    if deadline is not None:
                        deadline.check()
                    pages.append(_rows(_page_pieces(document, number, fallback)))
        except pdfium.PdfiumError as exc:
            raise Unreadable(f"corrupt PDF: {exc}") from exc
        finally:
            document.close()
    rows = [row for page in _drop_furniture(pages) for row in page]
    if not rows:
        raise Unreadable("PDF has no text layer (a scanned image?)")
    return PdfText("\n".join(_paragraphs(rows)), meta)


def _page_pieces(document: pdfium.PdfDocument, number: int, fallback: PdfminerPages) -> list[Row]:
    page = document[number]
    try:
        if _loses_text(page):
            if not fallback.used:
                log.info(
                    "page %d: PDFium skips text of a font that is not embedded; such pages read by pdfminer", number + 1
                )
            fallback.used = True
            return [Row(" ".join(text.split()), *box) for text, *box in fallback.lines(number)]
        textpage = page.get_textpage()
        try:
            return _pieces(textpage)
        finally:
            textpage.close()
    finally:
        page.close()


def _loses_text(page: pdfium.PdfPage) -> bool:
    """Whether PDFium's text page will leave out some of this page's text: a
    text object without width in a font that is not embedded (see
    `pdf_pdfminer`). A zero-width object of an embedded font is a space or
    an empty string, and nothing is lost with it."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))

    def lost(count: int, get: Callable[[int], object]) -> bool:
        for index in range(count):
            item = get(index)
            kind = pdfium_c.FPDFPageObj_GetType(item)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                if lost(pdfium_c.FPDFFormObj_CountObjects(item), partial(pdfium_c.FPDFFormObj_GetObject, item)):
                    return True
            elif (
                kind == pdfium_c.FPDF_PAGEOBJ_TEXT
                and pdfium_c.FPDFPageObj_GetBounds(item, left, bottom, right, top)
                and right.value - left.value < _MIN_WIDTH
                and not pdfium_c.FPDFFont_GetIsEmbedded(pdfium_c.FPDFTextObj_GetFont(item))
            ):
                return True
        return False

    return lost(pdfium_c.FPDFPage_CountObjects(page), partial(pdfium_c.FPDFPage_GetObject, page))


def _pieces(textpage: pdfium.PdfTextPage) -> list[Row]:
    """The page's characters in PDFium's order, cut into pieces of one
    printed line each: at PDFium's line breaks and where the baseline jumps
    by more than half a character. Boxes are PDFium's loose boxes (the
    font's ascent to descent): tight glyph boxes are empty for a font that is
    not embedded."""
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    box = pdfium_c.FS_RECTF()
    pieces: list[Row] = []
    chars: list[str] = []
    x0 = x1 = top = bottom = 0.0

    def close() -> None:
        text = "".join(chars).strip()
        if text:
            pieces.append(Row(text, x0, x1, top, bottom))
        chars.clear()

    for index in range(pdfium_c.FPDFText_CountChars(textpage)):
        code = get_unicode(textpage, index)
        if code in _LINE_BREAKS:
            close()
            continue
        if not 0 < code < 0x110000 or 0xD800 <= code < 0xE000:
            continue
        char = chr(code)
        if char.isspace():
            if chars:
                chars.append(" ")
            continue
        if not get_box(textpage, index, box):
            continue
        if chars and abs((box.top + box.bottom) - (top + bottom)) > min(box.top - box.bottom, top - bottom):
            close()
        if not chars:
            x0, x1, top, bottom = box.left, box.right, box.top, box.bottom
        else:
            x0, x1 = min(x0, box.left), max(x1, box.right)
            top, bottom = max(top, box.top), min(bottom, box.bottom)
        chars.append(char)
    close()
    return pieces


def _rows(pieces: list[Row]) -> list[Row]:
    """Pieces merged into visual rows, top to bottom (one printed line can
    come in several pieces)."""
    pieces = sorted(pieces, key=lambda piece: (-round(piece.top), piece.x0))
    grouped: list[list[Row]] = []
    for piece in pieces:
        if grouped:
            last = grouped[-1][0]
            centre, last_centre = (piece.bottom + piece.top) / 2, (last.bottom + last.top) / 2
            if abs(centre - last_centre) < min(piece.height, last.height) / 2:
                grouped[-1].append(piece)
                continue
        grouped.append([piece])
    return [_row(group) for group in grouped]


def _row(pieces: list[Row]) -> Row:
    pieces = sorted(pieces, key=lambda piece: piece.x0)
    text = pieces[0].text
    for before, piece in zip(pieces, pieces[1:], strict=False):
        gap = piece.x0 - before.x1
        text += ("" if gap < piece.height / 2 else " ") + piece.text
    text = _SPACE_IN_CJK.sub("", " ".join(text.split()))
    return Row(
        text=text,
        x0=min(piece.x0 for piece in pieces),
        x1=max(piece.x1 for piece in pieces),
        top=max(piece.top for piece in pieces),
        bottom=min(piece.bottom for piece in pieces),
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
    # Each paragraph as its rows' texts, joined at the end: gluing onto a
    # growing string was quadratic on a long run-on text.
    paragraphs: list[list[str]] = []
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
            paragraphs[-1].append(glue(previous.text, row.text)[len(previous.text) :])
        else:
            paragraphs.append([(_INDENT_MARK if indented else "") + row.text])
        previous = row
    return ["".join(parts) for parts in paragraphs]


def _recurring_extreme(values: list[float], *, lowest: bool) -> float:
    """The lowest (or highest) coordinate shared by two rows at least: the
    text margin, robust to one stray line outside it."""
    ordered = sorted(values, reverse=not lowest)
    return ordered[1] if len(ordered) > 1 else ordered[0]


def _info_meta(document: pdfium.PdfDocument) -> dict[str, str]:
    meta: dict[str, str] = {}
    info = document.get_metadata_dict(skip_empty=True)
    title = (info.get("Title") or "").strip()
    if title:
        meta["pdf_title"] = title
    created = iso_date(info.get("CreationDate"))
    if created:
        meta["pdf_created"] = created
    return meta
