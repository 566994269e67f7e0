"""A saved web page -> the article's text and what the page said about it.

trafilatura finds the article and leaves menus, footers, related-article
lists and scripts behind. It also drops the page's <h1>, which is where a
government page puts the report's title, so the title is put back in front.
The page's metadata (发布日期, 来源, 索引号 tables, <meta name="PubDate">)
sits outside the article, so it is read from the whole page first, with the
page's own address (<link rel="canonical">, else og:url) and, for a page
without a labelled date, the date its metadata gives (htmldate, see
`_metadata_date`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import htmldate
import lxml.etree
import lxml.html
import trafilatura

from search_service.ingest.chrome import META_LABELS, capture_meta
from search_service.ingest.cleaning import normalise_line
from search_service.ingest.dates import iso_date
from search_service.ingest.decoding import decode_bytes
from search_service.ingest.unreadable import Unreadable

log = logging.getLogger(__name__)

# <meta name=...> (lower-cased) -> RawDocument.meta key. Chinese government
# sites follow the 政府网站 template: ArticleTitle, PubDate, ContentSource.
META_TAGS: dict[str, str] = {
    "pubdate": "published",
    "publishdate": "published",
    "firstpublishedtime": "published",
    "article:published_time": "published",
    "dc.date": "published",
    "dcterms.created": "published",
    "contentsource": "source_site",
    "articletitle": "article_title",
}
_DATE_META_KEYS = frozenset({"published"})
# Elements whose text never belongs to the page's readable text.
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "svg")
# Elements that start a new line when the page is flattened to text.
_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "footer"),
        *("form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre"),
        *("section", "table", "tbody", "thead", "tr", "ul"),
    }
)
_SEPARATORS = frozenset({"td", "th"})
# Elements a metadata label stands in by itself, its value after it.
_LABEL_TAGS = frozenset({"td", "th", "dt", "b", "strong", "span", "label", "em", "cell"})
# The same for trafilatura's XML output.
_ARTICLE_BLOCKS = frozenset({"main", "p", "head", "list", "item", "quote", "code", "table", "row", "lb"})
_ARTICLE_SEPARATORS = frozenset({"cell"})
# Elements that are navigation, not content, in the fallback extraction.
_NAVIGATION = ("nav", "header", "footer", "aside", "form")
# A <title> usually reads "article title_site name" or "article title - site name".
_TITLE_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s-\s|——).*$")
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CJK = re.compile(r"[\u3400-\u9fff]")
# trafilatura's article must hold at least this many Chinese characters to be trusted.
_MIN_ARTICLE_CJK = 50
# A page with this many lines whose article came back as one line was run together.
_MIN_PAGE_LINES = 4
# How many leading lines of the article are searched for the title.
_TITLE_SEARCH_LINES = 5
# A heading naming a report (or similar document) is the article's title.
_REPORT_WORD = re.compile(r"报告|总结|情况")
_TOPIC_WORD = re.compile(r"法治|法制|依法")
# Elements besides h1-h6 that sites put an article's title in.
_TITLE_CLASS = re.compile(r"title|biaoti|\bbt\b", re.I)
_MAX_TITLE_CHARS = 80
_GB_ALIASES = frozenset({"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"})


@dataclass(frozen=True)
class HtmlText:
    text: str
    encoding: str
    meta: dict[str, str] = field(default_factory=dict)


def extract_html(data: bytes) -> HtmlText:
    """The article of a web page with its title first, plus page metadata
    (published, source_site, index_number, issuer, written, html_title)."""
    html, encoding = _decode_page(data)
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise Unreadable(f"not a readable HTML page: {exc}") from exc
    meta = _meta_tags(tree)
    page_lines = [normalise_line(line) for line in _visible_lines(tree, skip=_INVISIBLE)]
    for key, value in capture_meta(page_lines).items():
        meta.setdefault(key, value)
    url = _canonical_url(tree)
    if url:
        meta["url"] = url
    if "published" not in meta:
        date = _publish_time(tree) or _metadata_date(tree, url)
        if date:
            meta["html_date"] = date

    article = _article(html)
    page_text = _visible_lines(tree, skip=_INVISIBLE + _NAVIGATION)
    if article is None or len(_CJK.findall(article)) < _MIN_ARTICLE_CJK:
        log.warning("article extraction found little text; falling back to the page without navigation")
        article = "\n".join(page_text)
    elif "\n" not in article and len(page_text) >= _MIN_PAGE_LINES:
        # On a short page trafilatura falls back to a baseline extraction
        # that runs every line of the page into one paragraph.
        log.info("article extraction ran the page into one line; using the page without navigation")
        article = "\n".join(page_text)

    title = _article_title(tree, meta)
    meta.pop("article_title", None)
    if title and not _has_title(article, title):
        article = f"{title}\n{article}"
    return HtmlText(article, encoding, meta)


def _article(html: str) -> str | None:
    """trafilatura's article as lines. Its XML output is flattened here
    rather than asking for text, because its text output squeezes a table
    cell onto one line, and old government pages lay the whole article out
    in one <td> with <br> between paragraphs."""
    xml = trafilatura.extract(
        html, output_format="xml", include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    if xml is None:
        return None
    try:
        # The XML is pretty-printed: the indentation between elements is not text.
        root = lxml.etree.fromstring(xml.encode("utf-8"), lxml.etree.XMLParser(remove_blank_text=True))
    except lxml.etree.XMLSyntaxError as exc:
        log.warning("trafilatura returned malformed XML: %s", exc)
        return None
    parts: list[str] = []
    _flatten(root, frozenset({"comments"}), parts, blocks=_ARTICLE_BLOCKS, separators=_ARTICLE_SEPARATORS)
    return "\n".join(line.strip() for line in "".join(parts).split("\n") if line.strip())


def _decode_page(data: bytes) -> tuple[str, str]:
    """Honour the page's declared charset when the bytes agree with it;
    otherwise detect (pages often declare gb2312 and contain gbk)."""
    declared = _DECLARED_CHARSET.search(data[:4096])
    if declared:
        name = declared[1].decode("ascii").lower()
        name = "gb18030" if name in _GB_ALIASES else name
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            log.debug("declared charset %s does not decode the page; detecting", name)
    decoded = decode_bytes(data)
    return decoded.text, decoded.encoding


def _meta_tags(tree: lxml.html.HtmlElement) -> dict[str, str]:
    meta: dict[str, str] = {}
    title = tree.findtext(".//title")
    if title and title.strip():
        meta["html_title"] = " ".join(title.split())
    for element in tree.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        key = META_TAGS.get(name)
        content = (element.get("content") or "").strip()
        if key is None or not content:
            continue
        value = iso_date(content) if key in _DATE_META_KEYS else content
        if value:
            meta.setdefault(key, value)
    return meta


def _canonical_url(tree: lxml.html.HtmlElement) -> str | None:
    """The page's own address: <link rel="canonical" href>, else the og:url
    meta tag; only an absolute http(s) URL (a saved page's relative or
    file: link says nothing about where the original is)."""
    candidates = [
        element.get("href")
        for element in tree.iter("link")
        if "canonical" in (element.get("rel") or "").lower().split()
    ]
    candidates += [
        element.get("content")
        for element in tree.iter("meta")
        if (element.get("property") or element.get("name") or "").strip().lower() == "og:url"
    ]
    for candidate in candidates:
        url = (candidate or "").strip()
        parts = urlsplit(url)
        if parts.scheme.lower() in {"http", "https"} and parts.netloc:
            return url
    return None


def _publish_time(tree: lxml.html.HtmlElement) -> str | None:
    """The date of a WeChat article page (<em id="publish_time">), which
    shows it beside the account's name rather than after a label."""
    for element in tree.xpath('//*[@id="publish_time"]'):
        date = iso_date(element.text_content().strip())
        if date:
            return date
    return None


def _metadata_date(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    """The publication date the page's metadata gives (meta tags htmldate
    knows beyond ours, JSON-LD, a date in the page's URL), as YYYY-MM-DD.
    htmldate sees only the page's <meta>, <link> and JSON-LD elements:
    given the body, even its fast mode ends with a loose search of the text,
    which finds a page header's stale "today" or a date the report cites."""
    head = lxml.html.Element("head")
    for element in tree.iter("meta", "link", "script"):
        if element.tag == "script" and (element.get("type") or "").lower() != "application/ld+json":
            continue
        head.append(lxml.html.fromstring(lxml.html.tostring(element)))
    if not len(head) and url is None:
        return None
    page = lxml.html.Element("html")
    page.append(head)
    try:
        found = htmldate.find_date(page, extensive_search=False, original_date=True, url=url)
    except (ValueError, TypeError, lxml.etree.LxmlError) as exc:
        log.debug("htmldate failed: %s", exc)
        return None
    return iso_date(found) if found else None


def _visible_lines(tree: lxml.html.HtmlElement, skip: tuple[str, ...]) -> list[str]:
    """The page's text, one line per block element, without `skip` elements."""
    body = tree.find("body")
    root = body if body is not None else tree
    parts: list[str] = []
    _flatten(root, frozenset(skip), parts)
    return [line.strip() for line in "".join(parts).split("\n") if line.strip()]


def _flatten(
    element: lxml.etree._Element,
    skip: frozenset[str],
    parts: list[str],
    blocks: frozenset[str] = _BLOCKS,
    separators: frozenset[str] = _SEPARATORS,
) -> None:
    """Append the text under `element` to `parts`: a newline around each
    block element, a space after each table cell."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in skip:
        return
    block = tag in blocks
    if block:
        parts.append("\n")
    if tag and element.text:
        parts.append(element.text)
    for child in element:
        _flatten(child, skip, parts, blocks, separators)
        if child.tail:
            parts.append(child.tail)
    if tag in _LABEL_TAGS and _is_label_cell(element):
        parts.append("：")
    elif block:
        parts.append("\n")
    elif tag in separators:
        parts.append(" ")


def _is_label_cell(element: lxml.etree._Element) -> bool:
    """An element that holds only a metadata label (<th>索引号</th>,
    <li><b>索引号</b>value</li>, <dt>索引号</dt>): its value follows it, so
    it reads as "索引号：value" (one that writes the colon itself already
    does)."""
    return "".join(element.itertext()).strip() in META_LABELS


def _article_title(tree: lxml.html.HtmlElement, meta: dict[str, str]) -> str | None:
    """The report's title as the page shows it. Sites put their own name in
    an <h1> logo too, so a heading (h1-h6, or an element whose class names
    a title) is taken when the page's ArticleTitle or <title> contains it,
    or when it names a report; else the ArticleTitle meta tag; else <title>
    without the site name. When the page's title is only the site's name
    (五常市红星镇人民政府, no topic word), a heading naming a rule-of-law
    report wins over the logo that repeats it."""
    page_title = _TITLE_SITE_SUFFIX.sub("", meta.get("html_title", ""))
    named = "".join((meta.get("article_title") or page_title).split())
    headings = _title_elements(tree)
    matching = [text for text in headings if named and "".join(text.split()) in named and len(text) * 2 >= len(named)]
    reports = [text for text in headings if _REPORT_WORD.search(text)]
    if matching and not _TOPIC_WORD.search(named):
        topical = [text for text in reports if _TOPIC_WORD.search(text)]
        if topical:
            return topical[0]
    if matching:
        return matching[0]
    if reports:
        return reports[0]
    return meta.get("article_title") or page_title or None


def _title_elements(tree: lxml.html.HtmlElement) -> list[str]:
    """Texts of the page's headings, then of elements classed as titles."""
    found = [element for tag in ("h1", "h2", "h3", "h4", "h5", "h6") for element in tree.iter(tag)]
    for element in tree.iter("div", "p", "span", "td"):
        if _TITLE_CLASS.search(f"{element.get('class', '')} {element.get('id', '')}"):
            found.append(element)
    texts = []
    for element in found:
        text = " ".join(element.text_content().split())
        if _CJK.search(text) and len(text) <= _MAX_TITLE_CHARS and text not in texts:
            texts.append(text)
    return texts


def _has_title(article: str, title: str) -> bool:
    compact_title = "".join(title.split())
    head = "".join("".join(article.splitlines()[:_TITLE_SEARCH_LINES]).split())
    return compact_title in head
