"""The data that crosses layers: reports, sections, search requests and results.

Every layer (ingest, index, search, api, web, cli) speaks in these dataclasses;
JSON is produced only at the edges by the marshmallow schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, make_dataclass
from typing import Any, overload

SECTION_KINDS: tuple[str, ...] = ("preamble", "measures", "problems", "leadership", "plans", "other")

SECTION_LABELS: dict[str, str] = {
    "preamble": "导语",
    "measures": "主要举措和成效",
    "problems": "存在的问题",
    "leadership": "第一责任人履职",
    "plans": "下一步安排",
    "other": "其他",
}

SORT_ORDERS: tuple[str, ...] = ("relevance", "year", "-year")

PLACE_FIELDS: tuple[str, ...] = ("province", "city", "county", "town")
# What a document is: an annual rule-of-law report, or another readable
# document (a 工作要点, a news item) that is indexed but searched only on request.
DOC_TYPES: tuple[str, ...] = ("annual_report", "other")
DOC_TYPE_LABELS: dict[str, str] = {"annual_report": "年度报告", "other": "其他文件"}
# What a search asks for: one kind, or both ("all").
DOC_TYPE_CHOICES: tuple[str, ...] = (*DOC_TYPES, "all")

# The issuing unit's level: a 镇/乡/街道/苏木, a 县/区/旗/县级市, a 市/州/盟,
# a 省/自治区, or a department (司法局, 市场监督管理局) of any of them.
LEVELS: tuple[str, ...] = ("township", "county", "city", "province", "department")
LEVEL_LABELS: dict[str, str] = {
    "township": "乡镇街道",
    "county": "县区",
    "city": "市州",
    "province": "省级",
    "department": "部门",
}


# ------------------------------------------------------------------ filters
# How a filter matches reports (search/filters.py) and is counted as a facet
# (search/facets.py).
YEAR = "year"  # the report's year (year, year_from, year_to: one dimension)
CODED = "coded"  # a string field of the report, stored as a code per report
DOC_TYPE = "doc_type"  # the kind of document; "all" chooses both
SECTION = "section"  # a kind of section that must satisfy the query on its own


@dataclass(frozen=True)
class Filter:
    """One search filter, defined once. SearchRequest's fields, the API's
    parameters and their validation (api/schemas.py, so also the OpenAPI
    document and the CLI's options), the coded report fields the index
    stores, the masks (search/filters.py), the facets (search/facets.py) and
    the page's labels (web/links.py) are all made from FILTERS."""

    # The query-string parameter, the SearchRequest field and the facet; for
    # a CODED filter also the ReportFields field it reads.
    name: str
    label: str  # how the page names it (facet heading, chosen filter, field error)
    kind: str  # YEAR, CODED, DOC_TYPE or SECTION
    # A closed set: each allowed value and how it reads (乡镇街道 for
    # township); any other value is a 400 naming the parameter. Empty: open
    # (names of 1-50 characters, or years).
    values: dict[str, str] = field(default_factory=dict, hash=False)
    repeatable: bool = True  # several values, any of them; else one
    default: str | None = None  # a single-valued filter's value when not given
    facet: bool = True  # counted for every search (search/facets.py)
    description: str = ""  # for the OpenAPI document and the CLI's --help

    def request_field(self) -> tuple[str, str, Any]:
        """(name, type, dataclasses.field) of its SearchRequest field."""
        item = "int" if self.kind == YEAR else "str"
        if self.repeatable:
            return self.name, f"tuple[{item}, ...]", field(default=())
        return self.name, item if self.default is not None else f"{item} | None", field(default=self.default)


# In the order of SearchRequest's fields, the query strings and the API's
# parameters.
FILTERS: tuple[Filter, ...] = (
    Filter("year", "年份", YEAR, description="report year; repeat for several (any of them)"),
    Filter("year_from", "起始年份", YEAR, repeatable=False, facet=False, description="inclusive"),
    Filter("year_to", "截止年份", YEAR, repeatable=False, facet=False, description="inclusive"),
    Filter("level", "级别", CODED, LEVEL_LABELS, description="the issuing unit's level: " + ", ".join(LEVELS)),
    Filter("unit", "发布单位", CODED, description="issuing unit as named (大中街道)"),
    Filter("town", "乡镇街道", CODED),
    Filter("county", "区县", CODED),
    Filter("city", "城市", CODED),
    Filter("province", "省份", CODED),
    Filter(
        "doc_type",
        "文件类型",
        DOC_TYPE,
        {**DOC_TYPE_LABELS, "all": "全部文件"},
        repeatable=False,
        default="annual_report",
        description="annual reports (default), other documents, or all",
    ),
    Filter("section", "章节", SECTION, SECTION_LABELS, repeatable=False),
    Filter(
        "format",
        "文件格式",
        CODED,
        {"pdf": "PDF", "docx": "Word", "html": "网页", "txt": "文本"},
        description="the source file's format: pdf, docx, html, txt",
    ),
)

FILTERS_BY_NAME: dict[str, Filter] = {f.name: f for f in FILTERS}

# The facets in the order the API gives them, and in the order the page
# lists them (a reader's); a facet not named here follows, in FILTERS' order.
_API_FACET_ORDER = ("year", "doc_type", "level", "province", "city", "county", "town", "unit", "section")
_PAGE_FACET_ORDER = ("year", "section", "level", "province", "city", "county", "town", "unit", "doc_type")


def _facets_in(order: tuple[str, ...]) -> tuple[Filter, ...]:
    facets = [f for f in FILTERS if f.facet]
    return tuple(sorted(facets, key=lambda f: order.index(f.name) if f.name in order else len(order)))


FACET_FILTERS: tuple[Filter, ...] = _facets_in(_API_FACET_ORDER)
PAGE_FACETS: tuple[str, ...] = tuple(f.name for f in _facets_in(_PAGE_FACET_ORDER))
# The string fields that are filters and facets: stored as codes per report.
CODED_FIELDS: tuple[str, ...] = tuple(f.name for f in FILTERS if f.kind == CODED)

# How a value of a coded parameter reads, for people (facets, chips, pages);
# other values (years, place names) read as themselves.
VALUE_LABELS: dict[str, dict[str, str]] = {f.name: f.values for f in FILTERS if f.values}


def value_label(name: str, value: str | int) -> str:
    """How value of parameter `name` reads (乡镇街道 for level=township)."""
    text = str(value)
    return VALUE_LABELS.get(name, {}).get(text, text)


@dataclass(frozen=True)
class ReportFields:
    """Every field of a report that the API, the page, the exports and the
    index's records give, defined once: a field added here reaches them all
    (the API schema is generated from these, descriptions included).

    `ReportHit` extends it with what a search adds; `Report` (what ingestion
    makes) carries the same fields and gives them by `report_fields()`."""

    report_id: str
    doc_type: str = field(metadata={"description": "annual_report or other"})
    title: str | None = field(metadata={"description": "the document's own title; null when it has none"})
    level: str | None = field(metadata={"description": ", ".join(LEVELS)})
    unit: str | None = field(metadata={"description": "the issuing unit as named"})
    town: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int | None
    published: str | None = field(metadata={"description": "YYYY-MM-DD"})
    url: str | None = field(metadata={"description": "the original's address, when known"})
    source: str
    # Last, and with a default, so that the CSV's columns and the hits built
    # by name before it existed stay as they were.
    format: str | None = field(default=None, kw_only=True, metadata={"description": "txt, html, docx or pdf"})

    @property
    def label(self) -> str:
        """The title, or for a document without one a label composed from
        unit, year and kind (大中街道 2025年 法治政府建设年度报告)."""
        return display_label(self.title, self.unit, self.year, self.doc_type)

    def field_values(self) -> dict[str, object]:
        """The report fields by name (only those: not what a subclass adds)."""
        return {name: getattr(self, name) for name in REPORT_FIELDS}


# Every field of a report as the API, the exports and the index record give it.
REPORT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ReportFields))


@dataclass(frozen=True)
class Section:
    """One part of a report.

    `text` is what is searched (simplified characters); `original` keeps the
    text as written when it differed (a traditional-character report), for
    display. `subheadings` are the （一）… headings inside the section.
    """

    kind: str
    heading: str
    text: str
    subheadings: tuple[str, ...] = ()
    original: str | None = None

    @property
    def display_text(self) -> str:
        return self.original if self.original is not None else self.text


@dataclass(frozen=True)
class Doubt:
    """A field ingestion could not settle from the text, and why.

    The rules decide every document; a doubt says the decision rests on weak
    evidence (no title and no year, a year only the body's most frequent
    year gives, a unit never named). Doubts are listed for a curator
    (`index stats`, /curation) until the folder's manifest settles the
    field, which removes the doubt."""

    field: str  # one of DOUBT_FIELDS: "doc_type", "year", "unit", "province", …
    reason: str  # for people, in Chinese: 无标题且开头未写年份


# The fields a doubt can be about: every field a manifest can settle but its
# url, in the order the curation list, its counts and its manifest line give
# them, and how the page names each. The index keeps a bit per field and
# report in this order (segments/format.doubt_bits): append, never reorder.
# A doubt about any other field is still listed, but counted under no field.
DOUBT_FIELDS: tuple[str, ...] = (
    "doc_type",
    "year",
    "unit",
    "level",
    "province",
    "city",
    "county",
    "town",
    "published",
    "title",
)
DOUBT_FIELD_LABELS: dict[str, str] = {
    name: FILTERS_BY_NAME[name].label if name in FILTERS_BY_NAME else {"published": "发布日期", "title": "标题"}[name]
    for name in DOUBT_FIELDS
}


@dataclass
class Report:
    """One annual rule-of-law report as ingestion understood it."""

    report_id: str
    title: str | None
    town: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int | None
    published: str | None
    source: str
    sections: list[Section] = field(default_factory=list)
    doc_type: str = "annual_report"
    level: str | None = None
    unit: str | None = None
    url: str | None = None
    encoding: str | None = None
    format: str | None = None
    traditional: bool = False
    # Why doc_type is what it is: which title, opening, parts or look-alike
    # sign decided it (classify.Verdict's reason), for `parse --json` and
    # the curator.
    doc_type_reason: str = ""
    # Fields decided on weak evidence, for the curator (Doubt).
    doubts: tuple[Doubt, ...] = ()

    @property
    def is_report(self) -> bool:
        return self.doc_type == "annual_report"

    @property
    def label(self) -> str:
        return self.report_fields().label

    def report_fields(self) -> ReportFields:
        return ReportFields(**{name: getattr(self, name) for name in REPORT_FIELDS})

    def searchable_units(self) -> list[tuple[str, str]]:
        """(kind, raw text) of each section as matched by the "mentions" rule.

        The title belongs to the preamble, so that the whole report's text is
        what a reader of the file sees: title, then every section in order.
        """
        units: list[tuple[str, str]] = []
        for position, section in enumerate(self.sections):
            head = section.heading
            if position == 0 and section.kind == "preamble":
                head = (self.title or "") + "\n" + head
            units.append((section.kind, head + "\n" + section.text))
        if not units or self.sections[0].kind != "preamble":
            units.insert(0, ("preamble", self.title or ""))
        return units


def display_label(title: str | None, unit: str | None, year: int | None, doc_type: str) -> str:
    """What a page shows for a document: its title, else unit, year and kind."""
    if title:
        return title
    kind = "法治政府建设年度报告" if doc_type == "annual_report" else "文件"
    parts = [unit or "未知单位", f"{year}年" if year else "", kind]
    return "".join(parts) + "（无标题）"


@dataclass(frozen=True)
class FileProblem:
    """A file the build could not index, or chose to skip, and why."""

    source: str
    reason: str
    kind: str = "failed"  # "failed" or "skipped"


class _SearchRequestMethods:
    """What a SearchRequest does with its values (its fields are made below)."""

    def chosen(self, name: str) -> tuple[str | int, ...]:
        """The values the request chooses for parameter `name` away from
        its default (doc_type=annual_report by default chooses nothing)."""
        value = getattr(self, name)
        if isinstance(value, tuple):
            return value
        return () if value is None or value == _REQUEST_DEFAULTS[name] else (value,)

    def query_pairs(self, **changes: object) -> list[tuple[str, str]]:
        """The request, with changes, as query-string pairs in field order:
        values at their default and the page are left out (a changed search
        starts on page 1)."""
        pairs: list[tuple[str, str]] = []
        for name, default in _REQUEST_DEFAULTS.items():
            value = changes[name] if name in changes else getattr(self, name)
            if name == "page" or value is None or value == "" or value == default:
                continue
            if isinstance(value, tuple):
                pairs.extend((name, str(v)) for v in value)
            else:
                pairs.append((name, str(value)))
        return pairs


# A search: q, a field per filter (FILTERS), the order and the page. A frozen
# dataclass like the others, its filter fields made from FILTERS, e.g.
# `level: tuple[str, ...] = ()` and `doc_type: str = "annual_report"`.
SearchRequest = make_dataclass(
    "SearchRequest",
    [
        ("q", "str"),
        *(f.request_field() for f in FILTERS),
        ("sort", "str", field(default="relevance")),
        ("page", "int", field(default=1)),
        ("per_page", "int", field(default=20)),
        # Values returned per facet (the chosen ones always included); 0 for
        # all. The API's default is 30 (CONTRACT.md); code that compares
        # facets whole (the brute-force checks, the benchmark) keeps every value.
        ("facet_size", "int", field(default=0)),
    ],
    bases=(_SearchRequestMethods,),
    namespace={"__module__": __name__},
    frozen=True,
)


_REQUEST_DEFAULTS: dict[str, object] = {f.name: f.default for f in fields(SearchRequest)}


@dataclass(slots=True)
class FacetValue:
    """One value of a facet: how many matching reports have it, how it
    reads, whether the request chose it, and the query string of the same
    search with this value chosen or, when it is chosen, undone (page 1).
    Not frozen, unlike the other values here: a search with every facet
    value makes thousands, and a frozen dataclass is three times slower to
    make (0.7 against 0.2 µs); nothing changes one once made."""

    value: str | int
    count: int
    label: str = ""
    selected: bool = False
    # Gives the toggle when asked: only the values a page or a body shows
    # pay for it (a town facet can have thousands).
    toggler: Callable[[str | int], str] | None = field(default=None, repr=False, compare=False)

    @property
    def toggle(self) -> str:
        return self.toggler(self.value) if self.toggler is not None else ""


class FacetValues(Sequence[FacetValue]):
    """One facet's values, in order, each made a FacetValue when read: with
    every value asked for (facet_size=0) a town facet has one per town, and
    a caller that wants only the counts reads pairs(). `truncated`: values
    with matching reports were left out at the request's facet_size."""

    __slots__ = ("values", "counts", "_labels", "_chosen", "_toggler", "truncated")

    def __init__(
        self,
        values: list[str | int],
        counts: list[int],
        labels: Mapping[str, str],
        chosen: tuple[str | int, ...],
        toggler: Callable[[str | int], str] | None,
        truncated: bool = False,
    ) -> None:
        self.values = values
        self.counts = counts
        self._labels = labels
        self._chosen = chosen
        self._toggler = toggler
        self.truncated = truncated

    def _make(self, value: str | int, count: int) -> FacetValue:
        name = str(value)
        return FacetValue(value, count, self._labels.get(name, name), value in self._chosen, self._toggler)

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, i: int) -> FacetValue: ...
    @overload
    def __getitem__(self, i: slice) -> list[FacetValue]: ...
    def __getitem__(self, i: int | slice) -> FacetValue | list[FacetValue]:
        if isinstance(i, slice):
            return list(map(self._make, self.values[i], self.counts[i]))
        return self._make(self.values[i], self.counts[i])

    def __iter__(self) -> Iterator[FacetValue]:
        return map(self._make, self.values, self.counts)

    def pairs(self) -> Iterator[tuple[str | int, int]]:
        """(value, count) of each, in order, without making FacetValues."""
        return zip(self.values, self.counts, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"FacetValues({list(self)!r})"


@dataclass(frozen=True)
class SectionHit:
    """A section of a result where a searched term occurs; `position` is its
    place among the report's sections (the report page's #s<position>);
    `paragraphs` gives, for each snippet in order, the id of the paragraph
    its first match lies in (the report page's #p17), None for a match in
    the heading or the title."""

    kind: str
    heading: str
    snippets: list[str]
    position: int | None = None
    paragraphs: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class ReportHit(ReportFields):
    """One result entry: the report's fields, and what the search found in it."""

    score: float
    mentions: dict[str, int]
    sections: list[SectionHit]


@dataclass(frozen=True)
class SearchTotal:
    reports: int
    sections: int


@dataclass(frozen=True)
class Suggestion:
    """A search to offer instead: a term, how many reports of the whole
    index mention it, and the whole query with it in place of the other."""

    term: str
    reports: int
    q: str


@dataclass(frozen=True)
class MissingTerm:
    """A term of the query that no report mentions, and the closest terms
    that some do (none when nothing close occurs)."""

    term: str
    suggestions: list[Suggestion]


@dataclass(frozen=True)
class Suggestions:
    """What to offer when a search finds nothing: the closest terms that do
    occur for each term no report mentions; when every term occurs but not
    together, each term alone and the query with OR between them (`either`,
    empty otherwise); and how many reports the query matches without its
    filters (None when every term occurs nowhere or there are none)."""

    missing: list[MissingTerm]
    alone: list[Suggestion]
    either: str
    unfiltered: int | None


@dataclass(frozen=True)
class SearchResult:
    """One page of a search: its hits, totals and facets, and when nothing
    matches, what to search instead (None when something does)."""

    request: SearchRequest
    total: SearchTotal
    results: list[ReportHit]
    facets: dict[str, Sequence[FacetValue]]
    suggestions: Suggestions | None = None

    @property
    def facets_truncated(self) -> dict[str, bool]:
        """Per facet: whether values with matching reports were left out at
        the request's facet_size (FacetValues.truncated)."""
        return {name: bool(getattr(values, "truncated", False)) for name, values in self.facets.items()}
