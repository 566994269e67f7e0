"""A Word .docx file -> its body text in reading order, plus core properties.

Paragraphs and tables are read in the order they appear in the body (some
reports put a part of the text, or the whole 索引号 block, in a table);
page headers and footers are not read, they are print furniture.

A .docx is a zip file, and python-docx decompresses every part into memory:
a 1.6 MB file can hold 400 MB of XML. The package is checked before it is
opened: the sizes its central directory declares (each part, the sum, the
compression ratio), then every part is decompressed once as a stream, in
chunks, which stops at the declared size, so a part whose header lies about
its size fails its CRC check instead of filling memory.
"""

from __future__ import annotations

import zipfile
import zlib
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

_MEGABYTE = 1024 * 1024
# A long report's document.xml is a few MB; images are stored compressed.
MAX_PART_BYTES = 64 * _MEGABYTE
MAX_PACKAGE_BYTES = 256 * _MEGABYTE
# XML compresses 5-30 times; a large part far past that is a zip bomb.
MAX_RATIO = 200
_RATIO_FROM_BYTES = 10 * _MEGABYTE
_CHUNK_BYTES = _MEGABYTE


@dataclass(frozen=True)
class DocxText:
    text: str
    meta: dict[str, str] = field(default_factory=dict)


def extract_docx(path: Path) -> DocxText:
    """Body text, one paragraph (or table row) per line, with `docx_created`
    (YYYY-MM-DD) and `docx_title` from the core properties when set.
    Refuses, before decompressing, a package whose parts would decompress
    past the size limits."""
    _check_package(path)
    try:
        document = docx.Document(str(path))
        lines = list(_body_lines(document))
        meta = _core_meta(document)
    except (zipfile.BadZipFile, PackageNotFoundError) as exc:
        raise Unreadable("not a valid .docx file (corrupt, encrypted, or an old .doc renamed)") from exc
    except (KeyError, ValueError, lxml.etree.XMLSyntaxError) as exc:
        raise Unreadable(f"corrupt .docx file: {exc}") from exc
    return DocxText("\n".join(lines), meta)


def _check_package(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as package:
            parts = package.infolist()
            total = sum(part.file_size for part in parts)
            if total > MAX_PACKAGE_BYTES:
                raise Unreadable(
                    f"refused: .docx parts would decompress to {total / _MEGABYTE:.1f} MB "
                    f"(limit {MAX_PACKAGE_BYTES // _MEGABYTE} MB)"
                )
            for part in parts:
                _check_part(package, part)
    except zipfile.BadZipFile as exc:
        raise Unreadable(f"not a valid .docx file (corrupt, encrypted, or an old .doc renamed): {exc}") from exc
    except (NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
        raise Unreadable(f"corrupt .docx file: {exc}") from exc


def _check_part(package: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    if part.file_size > MAX_PART_BYTES:
        raise Unreadable(
            f"refused: .docx part {part.filename} would decompress to {part.file_size / _MEGABYTE:.1f} MB "
            f"(limit {MAX_PART_BYTES // _MEGABYTE} MB)"
        )
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > _RATIO_FROM_BYTES and ratio > MAX_RATIO:
        raise Unreadable(
            f"refused: .docx part {part.filename} is compressed {ratio:.0f} to 1 (limit {MAX_RATIO}), a zip bomb"
        )
    # Read in chunks, never past the declared size: zipfile stops there
    # and checks the CRC, which fails for a part that holds more.
    try:
        with package.open(part) as stream:
            while stream.read(_CHUNK_BYTES):
                pass
    except zipfile.BadZipFile as exc:
        raise Unreadable(f"corrupt .docx file: {exc} (holds more or other data than its header says)") from exc


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
