"""A Word .docx file -> its body text in reading order, plus core properties.

Paragraphs and tables are read in the order they appear in the body (some
reports put a part of the text, or the whole 索引号 block, in a table);
page headers and footers are not read, they are print furniture.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
import lxml.etree
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table

from search_service.ingest.chrome import META_LABELS
from search_service.ingest.dates import iso_date
from search_service.ingest.unreadable import Unreadable

_PARAGRAPH = qn("w:p")
_TABLE = qn("w:tbl")
_CONTENT_CONTROL = qn("w:sdt")
_CONTENT_CONTROL_BODY = qn("w:sdtContent")
_TEXT = qn("w:t")
_TAB = qn("w:tab")
_BREAKS = frozenset({qn("w:br"), qn("w:cr")})
_TEXT_BOX = qn("w:txbxContent")
_DELETED = qn("w:del")
# Word stores a text box twice: for new readers (mc:Choice) and old ones (mc:Fallback).
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


@dataclass(frozen=True)
class DocxText:
    text: str
    meta: dict[str, str] = field(default_factory=dict)


def extract_docx(path: Path) -> DocxText:
    """Body text, one paragraph (or table row) per line, with `docx_created`
    (YYYY-MM-DD) and `docx_title` from the core properties when set."""
    try:
        document = docx.Document(str(path))
        lines = list(_body_lines(document))
        meta = _core_meta(document)
    except (zipfile.BadZipFile, PackageNotFoundError) as exc:
        raise Unreadable("not a valid .docx file (corrupt, encrypted, or an old .doc renamed)") from exc
    except (KeyError, ValueError, lxml.etree.XMLSyntaxError) as exc:
        raise Unreadable(f"corrupt .docx file: {exc}") from exc
    return DocxText("\n".join(lines), meta)


def _body_lines(document: Document) -> Iterator[str]:
    yield from _block_lines(document.element.body, document)


def _block_lines(container: lxml.etree._Element, parent: object) -> Iterator[str]:
    for child in container.iterchildren():
        if child.tag == _PARAGRAPH:
            yield from _text_box_lines(child)
            yield _paragraph_text(child)
        elif child.tag == _TABLE:
            yield from _table_lines(Table(child, parent), parent)
        elif child.tag == _CONTENT_CONTROL:
            body = child.find(_CONTENT_CONTROL_BODY)
            if body is not None:
                yield from _block_lines(body, parent)


def _paragraph_text(paragraph: lxml.etree._Element) -> str:
    """A paragraph's text, including what python-docx's Paragraph.text leaves
    out: runs inside tracked insertions (w:ins), smart tags (which Word puts
    around dates and place names), fields and custom XML. Deleted text and
    text boxes are not part of it."""
    parts: list[str] = []
    _collect_text(paragraph, parts)
    return "".join(parts)


def _collect_text(element: lxml.etree._Element, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in (_TEXT_BOX, _DELETED, _FALLBACK):
            continue
        if tag == _TEXT:
            parts.append(child.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        else:
            _collect_text(child, parts)


def _text_box_lines(paragraph: lxml.etree._Element) -> Iterator[str]:
    """Paragraphs of the text boxes anchored in a paragraph (a title is
    sometimes set in one), once each."""
    for box in paragraph.iter(_TEXT_BOX):
        if any(ancestor.tag == _FALLBACK for ancestor in box.iterancestors()):
            continue
        for inner in box.iter(_PARAGRAPH):
            yield _paragraph_text(inner)


def _table_lines(table: Table, parent: object) -> Iterator[str]:
    """One line per row; a merged cell is reported once, not per grid column.
    A row that is one cell (a table used as a frame around the text) gives
    that cell's paragraphs as lines.
    A cell holding only a metadata label (索引号, 发布日期) is joined to its
    value with a colon, as the label reads in a 政府信息公开 table."""
    for row in table.rows:
        distinct = {id(cell._tc): cell for cell in row.cells}
        if len(distinct) == 1:
            (cell,) = distinct.values()
            yield from _block_lines(cell._tc, parent)
            continue
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        line = ""
        for text in cells:
            separator = "：" if line and line.rsplit(" ", 1)[-1] in META_LABELS else (" " if line else "")
            line += separator + text
        if line:
            yield line


def _core_meta(document: Document) -> dict[str, str]:
    meta: dict[str, str] = {}
    properties = document.core_properties
    created = iso_date(properties.created)
    if created:
        meta["docx_created"] = created
    if properties.title and properties.title.strip():
        meta["docx_title"] = properties.title.strip()
    return meta
