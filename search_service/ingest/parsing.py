"""Clean text -> Report: the parsing half of ingestion.

The steps, each owned by its module:

    paragraphs (traditional -> simplified)  traditional
    -> title and where the body starts      title
    -> signature block at the end           signature
    -> town, year, published                fields
    -> sections and their kinds             sections, headings
    -> county, city, province               places, gazetteer
    -> is it a report at all                classify
"""

from __future__ import annotations

import hashlib
import logging
import re

from search_service.errors import UnreadableFile
from search_service.ingest.classify import is_report
from search_service.ingest.document import RawDocument
from search_service.ingest.fields import find_published, find_year, town_in_body, town_in_name, year_in_title
from search_service.ingest.places import find_names, find_places, short_names_in
from search_service.ingest.sections import split_sections
from search_service.ingest.signature import find_signature, is_issuer_line
from search_service.ingest.title import compact, find_header
from search_service.ingest.traditional import to_paragraphs
from search_service.model import Report, Section
from search_service.text import normalize, to_simplified

log = logging.getLogger(__name__)

_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Fewer Chinese characters than this in the report's body is no report text.
MIN_BODY_CHINESE = 20


def report_id(title: str, sections: list[Section]) -> str:
    """Stable id: the same text gives the same id, wherever the file lies."""
    parts = [title]
    for section in sections:
        parts.extend((section.heading, section.text))
    return hashlib.sha1(normalize("\n".join(parts)).encode("utf-8")).hexdigest()[:16]


def _prefix_names(text: str) -> list[str]:
    """Names of higher units written in a title or issuer (to strip before
    the town's name)."""
    names = [name for name, _, _ in find_names(text)]
    for start in range(len(text)):
        names.extend(short_names_in(text[start:]))
    return names


def _town(title: str, issuers: list[str], body: str) -> str | None:
    """The title settles the town; else the issuer or signature; else the body."""
    for text in (title, *issuers):
        town = town_in_name(text, _prefix_names(text))
        if town:
            return town
    return town_in_body(body)


def parse_document(document: RawDocument) -> Report:
    """Find a report's fields and sections in a read document.

    Raises UnreadableFile when the text has no Chinese report text at all."""
    if len(_CHINESE.findall(document.text)) < MIN_BODY_CHINESE:
        raise UnreadableFile(document.source, "no Chinese text")
    paragraphs, traditional = to_paragraphs(document.text)
    texts = [p.text for p in paragraphs]
    header = find_header(texts, document.meta)
    signature = find_signature(texts[header.body_start :])
    body = paragraphs[header.body_start : header.body_start + signature.start]
    body_text = "\n".join(p.text for p in body)
    if len(_CHINESE.findall(body_text)) < MIN_BODY_CHINESE:
        raise UnreadableFile(document.source, "no report text after the title")
    title = to_simplified(header.title) if traditional else header.title
    meta_issuer = document.meta.get("issuer", "")
    # An office's name standing alone above the title: the site's name of a
    # page saved as text (阿拉善左旗人民政府), a 文件 head's office.
    header_issuers = [
        line for line in texts[: header.body_start] if is_issuer_line(line) and compact(line) not in header.title
    ]
    issuers = [to_simplified(meta_issuer) if traditional else meta_issuer, *signature.issuers, *header_issuers]
    issuers = [issuer for issuer in issuers if issuer]

    preamble_guess = body[0].text if body else ""
    year = year_in_title(title)
    if year is None:
        year = find_year(title, preamble_guess, body_text)
    sections = split_sections(body, year)
    town = _town(title, issuers, body_text)
    places = find_places(
        title=title, town=town, issuers=issuers, index_number=document.meta.get("index_number"), body=body_text
    )
    published = find_published(document.meta, texts[: header.body_start], signature.date)
    report = Report(
        report_id=report_id(title, sections),
        title=title or None,
        town=town,
        county=places.county,
        city=places.city,
        province=places.province,
        year=year,
        published=published,
        source=document.source,
        sections=sections,
        doc_type="annual_report" if is_report(title, sections) else "other",
        level="township" if town else None,
        unit=town,
        url=document.meta.get("url"),
        encoding=document.encoding,
        format=document.format,
        traditional=traditional,
    )
    log.debug("%s: %s %s %s, %d sections", document.source, report.title, report.town, report.year, len(sections))
    return report
