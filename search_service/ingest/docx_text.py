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
from docx.text.paragraph import Paragraph

from search_service.ingest.dates import iso_date
from search_service.ingest.unreadable import Unreadable

_PARAGRAPH = qn("w:p")
_TABLE = qn("w:tbl")
_CONTENT_CONTROL = qn("w:sdt")
_CONTENT_CONTROL_BODY = qn("w:sdtContent")


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
            yield Paragraph(child, parent).text
        elif child.tag == _TABLE:
            yield from _table_lines(Table(child, parent))
        elif child.tag == _CONTENT_CONTROL:
            body = child.find(_CONTENT_CONTROL_BODY)
            if body is not None:
                yield from _block_lines(body, parent)


def _table_lines(table: Table) -> Iterator[str]:
    """One line per row; a merged cell is reported once, not per grid column."""
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            yield " ".join(cells)


def _core_meta(document: Document) -> dict[str, str]:
    meta: dict[str, str] = {}
    properties = document.core_properties
    created = iso_date(properties.created)
    if created:
        meta["docx_created"] = created
    if properties.title and properties.title.strip():
        meta["docx_title"] = properties.title.strip()
    return meta
