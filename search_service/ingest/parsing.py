"""Clean text -> Report: the parsing half of ingestion.

The steps, each owned by its module:

    lines run together -> lines again       restructuring
    paragraphs (traditional -> simplified)  traditional
    -> title and where the body starts      title
    -> signature block at the end           signature
    -> year, published                      fields
    -> sections and their kinds             sections, headings
    -> issuing unit, its level, its town    units
    -> county, city, province               places, gazetteer
    -> annual report or another document    classify
"""

from __future__ import annotations

import hashlib
import logging
import re

from search_service.errors import UnreadableFile
from search_service.ingest.classify import ANNUAL_REPORT, SALUTATION, Verdict, is_template, judge
from search_service.ingest.document import RawDocument, has_chinese
from search_service.ingest.fields import YEAR_FROM_BODY, find_published, town_in_body, town_in_name, year_and_source
from search_service.ingest.gazetteer import gazetteer
from search_service.ingest.places import Places, find_names, find_places
from search_service.ingest.restructuring import restore_lines
from search_service.ingest.sections import split_sections
from search_service.ingest.signature import find_signature, is_issuer_line
from search_service.ingest.title import compact, find_header, is_body_line, split_glued_title
from search_service.ingest.traditional import Paragraph, to_paragraphs
from search_service.ingest.units import CITY, COUNTY, DEPARTMENT, PROVINCE, TOWNSHIP, Unit, find_unit, is_name_and_post
from search_service.model import Doubt, Report, Section
from search_service.text import normalize, to_simplified

log = logging.getLogger(__name__)

# A text with fewer Chinese characters than this has no Chinese text to index.
MIN_CHINESE = 1


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
    return names + [name for name in gazetteer().short_names if name in text]


def _town(title: str, issuers: list[str], body: str) -> str | None:
    """The title settles the town; else the issuer or signature; else the body."""
    for text in (title, *issuers):
        town = town_in_name(text, _prefix_names(text))
        if town:
            return town
    return town_in_body(body)


# A salutation above the report's text: 市委、市政府：, 中共红河州委、红河州人民政府:.
_ADDRESSEE = re.compile(r"委|政府|人大|常委会|主任|领导|代表|同志")
# A line ending with a colon that announces the report: 现将…报告如下：.
_NOT_ADDRESSEE = re.compile(r"现将|如下|报告|年")
# How much of the text after the salutation is its opening.
OPENING_PARAGRAPHS = 2
MAX_OPENING = 600


# Characters of place names in traditional writing (辰溪縣, 某某區, 鄉, 鎮):
# a simplified report that writes one is converted for place finding.
_TRADITIONAL_PLACE = re.compile(r"[縣區鄉鎮雲貴廣東陝遼寧龍蘇蕪濟鄭漢襄灣臺陽黃濱滬齊魯]")


def _for_places(text: str) -> str:
    """`text` with traditional characters simplified when it writes a place
    name in them (same length: t2s maps each character to one)."""
    return to_simplified(text) if _TRADITIONAL_PLACE.search(text) else text


def _unglue_title(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A title run together with the first sentence (a document-sharing
    site's copy) becomes a title line and a body line."""
    for index, paragraph in enumerate(paragraphs[:3]):
        if not is_body_line(paragraph.text):
            continue
        glued = split_glued_title(paragraph.text)
        if glued is None:
            return paragraphs
        title, rest = glued
        # Parts run in after it were put on lines of their own already (restructuring).
        return [*paragraphs[:index], Paragraph(title, title), Paragraph(rest, rest), *paragraphs[index + 1 :]]
    return paragraphs


# A 来源 that names a unit (柳城县人民政府, 西兴街道), not a site or a medium
# (本网, 静海区融媒体中心, 某某日报).
_SOURCE_UNIT = re.compile(r"^[\u4e00-\u9fff]{2,30}(?:人民政府|政府|办事处|街道|镇|乡|苏木|县|区|旗|市|局|厅|委员会)$")


def _source_unit(source: str) -> str:
    """The page's 来源 when it is a unit's name, else ""."""
    source = compact(source)
    return source if _SOURCE_UNIT.match(source) else ""


_SITE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—|－| - )\s*")
_SITE = re.compile(r"(?:人民政府|政府)(?:门户)?(?:网站|网)?$")


def _site_name(html_title: str, title: str) -> str:
    """The site's name in a page's <title> (…年度报告_某区人民政府), or ""."""
    parts = [compact(part) for part in _SITE_SEPARATORS.split(html_title)]
    return next((part for part in parts if part and part not in title and _SITE.search(part)), "")


def _salutation_and_opening(body: list[Paragraph]) -> tuple[str, str]:
    """The salutation line ("" when none) and the opening: the first
    paragraphs after it, where the report says who it is and what it is."""
    texts = [p.text for p in body]
    salutation = ""
    if texts and SALUTATION.match(texts[0]) and _ADDRESSEE.search(texts[0]) and not _NOT_ADDRESSEE.search(texts[0]):
        salutation, texts = texts[0], texts[1:]
    return salutation, "\n".join(texts[:OPENING_PARAGRAPHS])[:MAX_OPENING]


def _naming_town(header: list[str], town: str | None) -> list[str]:
    """Lines above the body that name the town after its county (a
    subtitle: ——在某旗某镇人民代表大会上): evidence like an issuer's name."""
    return [line for line in header if town and town in line]


def _government_places(name: str, found: Places) -> Places | None:
    """The places of the division `name` names (a unit's own name, or a
    department's government), choosing among homonyms (鼓楼区) the one the
    text's other evidence agrees with; None when the gazetteer does not
    know it or cannot tell."""
    gaz = gazetteer()
    places = gaz.lookup(name) or gaz.lookup(to_simplified(name))
    if not places:
        return None
    if len(places) > 1:
        places = tuple(p for p in places if p.province == found.province and (not found.city or p.city == found.city))
        if len(places) != 1:
            return None
    place = places[0]
    return Places(county=place.county, city=place.city, province=place.province)


def _department_government(name: str) -> str | None:
    """The government a department belongs to, when its name starts with
    one: 遂宁市司法局 -> 遂宁市, 重庆市长寿区司法局 -> 长寿区 (the lowest
    division its name gives); None for 县市场监督管理局."""
    gaz = gazetteer()
    for end in range(len(name) - 1, 1, -1):
        for start in range(end - 1):
            if gaz.lookup(name[start:end]):
                return name[start:end]
    return None


def _places_for_unit(unit: Unit, found: Places) -> Places:
    """Places settled for the unit's level: a county, city or province is
    its own place; a department has its government's; above county the
    lower fields stay empty."""
    level = unit.level
    if level == DEPARTMENT and unit.name:
        government = _department_government(unit.name)
        if government is not None:
            own = _government_places(government, found)
            if own is not None:
                return own
        if unit.name.startswith("市"):
            return Places(city=found.city, province=found.province)
        return found
    if level in (COUNTY, CITY, PROVINCE) and unit.name:
        own = _government_places(unit.name, found)
        if own is not None:
            found = own
    if level == CITY:
        return Places(city=found.city, province=found.province)
    if level == PROVINCE:
        municipality = found.city if found.city == found.province else None
        return Places(city=municipality, province=found.province)
    return found


def _doubts(
    verdict: Verdict, year: int | None, year_source: str | None, unit: Unit, places: Places
) -> tuple[Doubt, ...]:
    """The fields decided on weak evidence, for a curator: a classification
    only the parts decided, and for an annual report a year the text does
    not state, a unit it never names, a place it does not settle."""
    doubts: list[Doubt] = []
    if verdict.weak:
        doubts.append(Doubt("doc_type", verdict.reason))
    if verdict.doc_type != ANNUAL_REPORT:
        return tuple(doubts)
    if year is None:
        doubts.append(Doubt("year", "标题和开头都未写报告年份（发布日期不作为报告年份）"))
    elif year_source == YEAR_FROM_BODY:
        doubts.append(Doubt("year", f"标题和开头未写年份，{year}年仅由正文中最常出现的年份推断"))
    if unit.level is None:
        doubts.append(Doubt("level", "未能判断发布单位的级别"))
    if not unit.name:
        doubts.append(Doubt("unit", "文中未写发布单位的名称（只写“我局”“我县”等，或未署名）"))
    if places.province is None:
        doubts.append(Doubt("province", "文中未写明所在地区"))
    return tuple(doubts)


def parse_document(document: RawDocument) -> Report:
    """Find a report's fields and sections in a read document. Every
    document with Chinese text gives a Report; one that is not an annual
    rule-of-law report gets doc_type "other".

    Raises UnreadableFile when the text has no Chinese text at all."""
    if not has_chinese(document.text, MIN_CHINESE):
        raise UnreadableFile(document.source, "no Chinese text")
    text = "\n".join(restore_lines(document.text.split("\n")))
    paragraphs, traditional = to_paragraphs(text)
    paragraphs = _unglue_title(paragraphs)
    texts = [p.text for p in paragraphs]
    header = find_header(texts, document.meta)
    signature = find_signature(texts[header.body_start :])
    body = paragraphs[header.body_start : header.body_start + signature.start]
    body_text = "\n".join(p.text for p in body)
    title = to_simplified(header.title) if traditional else header.title
    meta_issuer = document.meta.get("issuer", "")
    # An office's name standing alone above the title: the site's name of a
    # page saved as text (阿拉善左旗人民政府), a 文件 head's office.
    header_issuers = [
        line
        for line in texts[: header.body_start]
        if (is_issuer_line(line) or is_name_and_post(line)) and compact(line) not in header.title
    ]
    issuers = [
        *signature.issuers,
        to_simplified(meta_issuer) if traditional else meta_issuer,
        *header_issuers,
        _source_unit(document.meta.get("source_site", "")),
    ]
    issuers = [issuer for issuer in issuers if issuer]
    salutation, opening = _salutation_and_opening(body)

    year, year_source = year_and_source(title, opening, body_text)
    sections = split_sections(body, year)
    prefixes = _prefix_names("|".join([title, *issuers, opening[:200]]))
    addressed = [name for name, _, _ in find_names(salutation)]
    template = is_template("\n".join((title, opening, body_text)))
    if template:
        # A template names no unit: its xx镇 is a placeholder.
        unit = Unit()
    else:
        unit = find_unit(
            title=title, opening=opening, issuers=issuers, body=body_text, prefixes=prefixes, exclude=addressed
        )
    if unit.level is None and not template:
        town = _town(title, issuers, body_text)
        unit = Unit(TOWNSHIP, town, town) if town else unit
    town = unit.town if unit.level in (TOWNSHIP, DEPARTMENT) else None
    found = find_places(
        title=_for_places(title),
        town=town,
        issuers=[
            _for_places(text)
            for text in (*issuers, salutation, unit.name or "", *_naming_town(texts[: header.body_start], town))
        ],
        index_number=document.meta.get("index_number"),
        body=_for_places(body_text),
        site=_site_name(document.meta.get("html_title", ""), title),
    )
    places = _places_for_unit(unit, found)
    published = find_published(document.meta, texts[: header.body_start], signature.date)
    verdict = judge(title, "\n".join(filter(None, (salutation, opening))), sections, template)
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
        doc_type=verdict.doc_type,
        level=unit.level,
        unit=unit.name,
        url=document.meta.get("url"),
        encoding=document.encoding,
        format=document.format,
        traditional=traditional,
        doc_type_reason=verdict.reason,
        doubts=_doubts(verdict, year, year_source, unit, places),
    )
    log.debug("%s: %s %s %s, %d sections", document.source, report.title, report.unit, report.year, len(sections))
    return report
