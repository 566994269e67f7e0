"""pdfminer.six, for the PDF pages PDFium cannot read whole.

PDFium leaves out a text object whose box has no width. That is what a
single character of a CJK font that is not embedded gets when no CJK font is
installed to stand in for it (the glyph's box is empty): the "告" that wraps
alone onto a title's second line, the "：" that ends a paragraph. pdfminer
places characters by the font's widths instead and misses nothing, but its
layout analysis is slow, so it reads only the pages where PDFium lost text;
the time budget bounds it (see `budget`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from pdfminer.converter import PDFPageAggregator
from pdfminer.layout import LAParams, LTContainer, LTItem, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.psexceptions import PSException

from search_service.ingest.unreadable import Unreadable

# Errors pdfminer raises on damaged files besides its own PSException family.
_DAMAGED = (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, AssertionError)


class PdfminerPages:
    """One PDF opened with pdfminer on first use; `lines(number)` gives the
    text lines of a page as (text, x0, x1, top, bottom), PDF points."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.used = False
        self._stream: BinaryIO | None = None
        self._pages: list[PDFPage] | None = None
        self._interpreter: PDFPageInterpreter | None = None
        self._device: PDFPageAggregator | None = None

    def __enter__(self) -> PdfminerPages:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._stream is not None:
            self._stream.close()

    def lines(self, number: int) -> list[tuple[str, float, float, float, float]]:
        try:
            pages = self._open()
            if number >= len(pages):
                return []
            assert self._interpreter is not None and self._device is not None
            self._interpreter.process_page(pages[number])
            layout = self._device.get_result()
            return [
                (line.get_text(), line.x0, line.x1, line.y1, line.y0)
                for line in _text_lines(layout)
                if line.get_text().strip()
            ]
        except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
            raise Unreadable(f"encrypted PDF that cannot be decrypted: {exc}") from exc
        except _DAMAGED as exc:
            raise Unreadable(f"corrupt PDF: {type(exc).__name__}: {exc}") from exc

    def _open(self) -> list[PDFPage]:
        if self._pages is None:
            self._stream = self.path.open("rb")
            document = PDFDocument(PDFParser(self._stream), password="")
            manager = PDFResourceManager()
            self._device = PDFPageAggregator(manager, laparams=LAParams(all_texts=True))
            self._interpreter = PDFPageInterpreter(manager, self._device)
            self._pages = list(PDFPage.create_pages(document))
        return self._pages


def _text_lines(item: LTItem) -> Iterator[LTTextLine]:
    if isinstance(item, LTTextLine):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _text_lines(child)
