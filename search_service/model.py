"""The data that crosses layers: reports, sections, search requests and results.

Every layer (ingest, index, search, api, web, cli) speaks in these dataclasses;
JSON is produced only at the edges by the marshmallow schemas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass
class Report:
    """One annual rule-of-law report as ingestion understood it."""

    report_id: str
    title: str
    town: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int | None
    published: str | None
    source: str
    sections: list[Section] = field(default_factory=list)
    is_report: bool = True
    encoding: str | None = None
    format: str | None = None
    traditional: bool = False

    def searchable_units(self) -> list[tuple[str, str]]:
        """(kind, raw text) of each section as matched by the "mentions" rule.

        The title belongs to the preamble, so that the whole report's text is
        what a reader of the file sees: title, then every section in order.
        """
        units: list[tuple[str, str]] = []
        for position, section in enumerate(self.sections):
            head = section.heading
            if position == 0 and section.kind == "preamble":
                head = self.title + "\n" + head
            units.append((section.kind, head + "\n" + section.text))
        if not units or self.sections[0].kind != "preamble":
            units.insert(0, ("preamble", self.title))
        return units


@dataclass(frozen=True)
class FileProblem:
    """A file the build could not index, or chose to skip, and why."""

    source: str
    reason: str
    kind: str = "failed"  # "failed" or "skipped"


@dataclass(frozen=True)
class SearchRequest:
    q: str
    year: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    town: tuple[str, ...] = ()
    county: tuple[str, ...] = ()
    city: tuple[str, ...] = ()
    province: tuple[str, ...] = ()
    section: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class FacetValue:
    value: str | int
    count: int


@dataclass(frozen=True)
class SectionHit:
    kind: str
    heading: str
    snippets: list[str]


@dataclass(frozen=True)
class ReportHit:
    report_id: str
    title: str
    town: str | None
    county: str | None
    city: str | None
    province: str | None
    year: int | None
    published: str | None
    source: str
    score: float
    mentions: dict[str, int]
    sections: list[SectionHit]


@dataclass(frozen=True)
class SearchTotal:
    reports: int
    sections: int


@dataclass(frozen=True)
class SearchResult:
    request: SearchRequest
    total: SearchTotal
    results: list[ReportHit]
    facets: dict[str, list[FacetValue]]
