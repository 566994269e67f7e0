"""One source file -> RawDocument: clean text plus what the page said about itself.

Reading is format-specific only up to plain text: .txt and .html are decoded
(encoding detected, see `decoding`), .html reduced to its article
(`html_text`), .docx and .pdf read by `docx_text` and `pdf_text`. From there
every format goes through the same `cleaning` (chrome and artefacts removed,
broken lines re-joined), so parsing sees one shape of text.

`RawDocument.meta` keys (each present only when the file gave it; dates are
YYYY-MM-DD):

- ``published``: 发布日期 / 发布时间 / 时间 / 日期 of the page, or the
  PubDate meta tag of an HTML page, else ``html_date``;
- ``html_date``: the date an HTML page's metadata gives (htmldate over its
  meta tags, JSON-LD and URL, the oldest when several), read only when the
  page has no labelled date;
- ``url``: an HTML page's own address (<link rel="canonical">, else
  og:url), absolute http(s) only; a manifest's url overrides it (see
  `manifest`);
- ``written``: 成文日期;
- ``index_number``: 索引号, e.g. 11500110733965117G/2021-00042;
- ``issuer``: 发布机构 / 发文机关;
- ``source_site``: 来源 (e.g. 本网, or the publishing office);
- ``doc_number``: 发文字号;
- ``listed_title``: the 名称 / 标题 a 政府信息公开 table gives;
- ``crumb_title``: the last step of a breadcrumb, when it reads as a title;
- ``html_title``: the page's <title>, site name included;
- ``docx_created``, ``docx_title``: the .docx core properties;
- ``pdf_created``, ``pdf_title``: the PDF document information.

A file that cannot give a report's text raises
`search_service.errors.UnreadableFile(source, reason)`: empty, too large,
binary, undecodable, corrupt, encrypted, or without Chinese text.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from search_service.errors import UnreadableFile
from search_service.ingest.budget import Deadline
from search_service.ingest.cleaning import clean_text
from search_service.ingest.decoding import decode_bytes
from search_service.ingest.document import SUPPORTED_SUFFIXES, RawDocument, has_chinese
from search_service.ingest.docx_text import extract_docx
from search_service.ingest.html_text import extract_html
from search_service.ingest.pdf_text import extract_pdf
from search_service.ingest.unreadable import Unreadable

log = logging.getLogger(__name__)

MEGABYTE = 1024 * 1024
# Text and HTML files larger than this are refused rather than read: no
# report is that long, and reading one would stall a build.
MAX_TEXT_FILE_BYTES = 20 * MEGABYTE
# Word and PDF files carry images, so their limit is higher; their text is
# capped by MAX_TEXT_CHARS after extraction.
MAX_BINARY_FILE_BYTES = 100 * MEGABYTE
MAX_TEXT_CHARS = 20 * MEGABYTE
# A report has thousands of Chinese characters; fewer than this is not one.
MIN_CHINESE_CHARS = 20
_FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class _Extracted:
    text: str
    format: str
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)


def read_document(path: Path, source: str, deadline: Deadline | None = None) -> RawDocument:
    """Read, extract and clean one file. `source` names it in errors and in
    the result. Raises UnreadableFile with the reason when it cannot.
    `deadline` is checked between the steps (and between PDF pages); it
    raises `budget.BudgetExpired`, which the caller turns into a failure."""
    try:
        extracted = _extract(path, deadline)
        if deadline is not None:
            deadline.check()
        cleaned = clean_text(extracted.text)
        if not has_chinese(cleaned.text, MIN_CHINESE_CHARS):
            raise Unreadable("no Chinese text" if cleaned.text.strip() else "no text")
    except Unreadable as exc:
        log.info("%s: unreadable: %s", source, exc.reason)
        raise UnreadableFile(source, exc.reason) from exc
    # What the extractor read from the page or file outranks what the
    # cleaner found in the article text.
    meta = {**cleaned.meta, **extracted.meta}
    if "published" not in meta and "html_date" in meta:
        meta["published"] = meta["html_date"]
    return RawDocument(
        source=source, text=cleaned.text, format=extracted.format, encoding=extracted.encoding, meta=meta
    )


def _extract(path: Path, deadline: Deadline | None) -> _Extracted:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise Unreadable(f"unsupported file type {suffix or '(none)'}")
    kind = _FORMATS[suffix]
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Unreadable(f"cannot open: {exc.strerror or exc}") from exc
    if size == 0:
        raise Unreadable("empty file")
    limit = MAX_TEXT_FILE_BYTES if kind in {"txt", "html"} else MAX_BINARY_FILE_BYTES
    if size > limit:
        raise Unreadable(f"file too large: {size / MEGABYTE:.1f} MB (limit {limit // MEGABYTE} MB)")
    try:
        extracted = _extract_format(path, kind, deadline)
    except OSError as exc:
        raise Unreadable(f"cannot read: {exc.strerror or exc}") from exc
    if len(extracted.text) > MAX_TEXT_CHARS:
        raise Unreadable(f"text too large: {len(extracted.text)} characters (limit {MAX_TEXT_CHARS})")
    return extracted


def _extract_format(path: Path, kind: str, deadline: Deadline | None) -> _Extracted:
    if kind == "txt":
        decoded = decode_bytes(path.read_bytes())
        return _Extracted(decoded.text, kind, decoded.encoding)
    if kind == "html":
        page = extract_html(path.read_bytes())
        return _Extracted(page.text, kind, page.encoding, page.meta)
    if kind == "docx":
        word = extract_docx(path)
        return _Extracted(word.text, kind, None, word.meta)
    pdf = extract_pdf(path, deadline)
    return _Extracted(pdf.text, kind, None, pdf.meta)
