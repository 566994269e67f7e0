"""Citations of a report or of one of its paragraphs: GB/T 7714-2015 text,
BibTeX and RIS.

GB/T 7714-2015 cites an online document (电子资源, 4.8.1) as

    主要责任者. 题名[EB/OL]. 出版地: 出版者, 出版年(更新或修改日期)[引用日期]. 获取和访问路径.

with the standard's own example shape

    萧钰. 出版业信息化迈入快车道[EB/OL]. (2001-12-19)[2002-04-15]. http://….

A report has no place or publisher of its own beyond the issuing unit, which
is already the 主要责任者, so those are left out, and the 更新或修改日期 is the
report's `published` date. The 获取和访问路径 is the original page when the
collection knows it, else this service's page of the report; the link to the
paragraph on this service follows on a line of its own (the standard has no
element for an anchor inside a document).

Fields are read from a `Report` or its `ReportFields` (a `ReportHit` is
one): report_id, title, doc_type, unit, town, county, city, province, year,
published, url.
"""

from __future__ import annotations

import re
from datetime import date

from search_service.citing.paragraphs import paragraph_id, paragraph_number
from search_service.model import Report, ReportFields, display_label

# GB/T 7714-2015 8.1.4: a document whose responsible party is unknown is
# cited with 佚名 in its place.
UNKNOWN_ISSUER = "佚名"
# 文献类型标识/文献载体标识: an electronic bulletin (EB) online (OL).
RESOURCE_TYPE = "EB/OL"
# The formats a citation is given in, with their media types (RIS's is the
# one reference managers register; BibTeX has no registered one).
CITATION_MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "bibtex": "application/x-bibtex; charset=utf-8",
    "ris": "application/x-research-info-systems; charset=utf-8",
}
CITATION_FORMATS = tuple(CITATION_MEDIA_TYPES)
# Labels of the link to this service, on the line after the citation.
PARAGRAPH_LINK_LABEL = "本段链接："
REPORT_LINK_LABEL = "本站链接："
PARAGRAPH_NOTE = "第{number}段"


# What a citation reads its fields from: a report, or its ReportFields (a
# ReportHit is one).
CitableReport = Report | ReportFields


def issuer(fields: CitableReport) -> str:
    """The 主要责任者: the issuing unit, else the most specific place the
    report belongs to, else 佚名."""
    for name in (fields.unit, fields.town, fields.county, fields.city, fields.province):
        if name:
            return name
    return UNKNOWN_ISSUER


def cited_title(fields: CitableReport) -> str:
    """The report's title, or for a document without one the label the
    pages show (unit, year, kind, marked 无标题)."""
    return fields.title or display_label(fields.title, fields.unit, fields.year, fields.doc_type)


def report_link(base_url: str, report_id: str, paragraph: str | int | None = None) -> str:
    """This service's page of the report, anchored at the paragraph if one
    is given: https://host/reports/<report_id>#p17."""
    link = f"{base_url.rstrip('/')}/reports/{report_id}"
    if paragraph is not None:
        link += "#" + paragraph_id(paragraph_number(paragraph))
    return link


def citation(
    fields: CitableReport,
    paragraph: str | int | None = None,
    *,
    consulted: date,
    base_url: str,
) -> str:
    """The GB/T 7714-2015 citation of the report (or of one paragraph of
    it), consulted on `consulted`; `base_url` is this service's root.

    The first line is the standard's entry; a second line gives the link to
    this service when the entry's access path is the original page."""
    link = report_link(base_url, fields.report_id, paragraph)
    dates = (f"({fields.published})" if fields.published else "") + f"[{consulted.isoformat()}]"
    access = fields.url or link
    entry = f"{issuer(fields)}. {cited_title(fields)}[{RESOURCE_TYPE}]. {dates}. {access}."
    if not fields.url:
        return entry
    label = REPORT_LINK_LABEL if paragraph is None else PARAGRAPH_LINK_LABEL
    return f"{entry}\n{label}{link}"


# ------------------------------------------------------------------ BibTeX

_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


def _latex(text: str) -> str:
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], text)


def _verbatim(url: str) -> str:
    """A URL as a BibTeX field: url and urldate fields are read verbatim by
    biblatex, but braces must still balance, so they are percent-encoded."""
    return url.replace("{", "%7B").replace("}", "%7D")


def citation_key(report_id: str, paragraph: str | int | None = None) -> str:
    key = "report-" + re.sub(r"[^A-Za-z0-9]", "", report_id)
    if paragraph is not None:
        key += "-" + paragraph_id(paragraph_number(paragraph))
    return key


def _note(fields: CitableReport, paragraph: str | int | None, base_url: str) -> str:
    link = report_link(base_url, fields.report_id, paragraph)
    if paragraph is None:
        return REPORT_LINK_LABEL + link
    return PARAGRAPH_NOTE.format(number=paragraph_number(paragraph)) + "，" + PARAGRAPH_LINK_LABEL + link


def bibtex(
    fields: CitableReport,
    paragraph: str | int | None = None,
    *,
    consulted: date,
    base_url: str,
) -> str:
    """A BibTeX @misc entry (biblatex reads `date`, `url` and `urldate`;
    classic BibTeX styles `year` and `note`). The author is the issuing unit
    in double braces, a corporate name that must not be split into first
    and last names. `url` is the original page when known, else this
    service's; `note` links the paragraph (or report) on this service."""
    lines = [
        ("title", "{" + _latex(cited_title(fields)) + "}"),
        ("author", "{" + _latex(issuer(fields)) + "}"),
    ]
    if fields.published:
        lines += [("year", fields.published[:4]), ("date", fields.published)]
    lines += [
        ("url", _verbatim(fields.url or report_link(base_url, fields.report_id))),
        ("urldate", consulted.isoformat()),
        ("note", _latex(_note(fields, paragraph, base_url))),
        ("langid", "chinese"),
    ]
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in lines)
    return f"@misc{{{citation_key(fields.report_id, paragraph)},\n{body}}}\n"


# --------------------------------------------------------------------- RIS


def _ris_date(iso: str) -> str:
    return iso.replace("-", "/")


def ris(
    fields: CitableReport,
    paragraph: str | int | None = None,
    *,
    consulted: date,
    base_url: str,
) -> str:
    """An RIS record of type ELEC (web page): TI title, AU issuing unit,
    PY/DA published, Y2 date consulted, UR the original page (when known)
    then this service's link, N1 the paragraph's link, LA zh."""
    tags = [("TY", "ELEC"), ("ID", citation_key(fields.report_id, paragraph))]
    tags += [("TI", cited_title(fields)), ("AU", issuer(fields))]
    if fields.published:
        tags += [("PY", fields.published[:4]), ("DA", _ris_date(fields.published))]
    tags.append(("Y2", _ris_date(consulted.isoformat())))
    if fields.url:
        tags.append(("UR", fields.url))
    tags += [
        ("UR", report_link(base_url, fields.report_id, paragraph)),
        ("N1", _note(fields, paragraph, base_url)),
        ("LA", "zh"),
        ("ER", ""),
    ]
    return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in tags)


def _one_line(value: str) -> str:
    """RIS values end at the line's end: a line break inside would start a
    bogus tag."""
    return " ".join(value.split()) if any(c in value for c in "\r\n") else value
