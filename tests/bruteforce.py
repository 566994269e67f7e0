"""CONTRACT.md's search rules evaluated by brute force, independently of the engine.

The exactness test compares the engine with this module, so nothing here may
share the engine's search code: the normalisation, the query language,
membership, totals, facets and mentions are written again, as plainly as the
contract states them, and checked by scanning every report's text. Only
ingestion (`parse_file`, which decides what a report's sections are) and
`to_simplified` (OpenCC's tables, which the contract names) are shared.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from search_service.model import SECTION_KINDS, Report, SearchRequest
from search_service.text import to_simplified

# Step 3 of the rule, as CONTRACT.md lists them.
QUOTATION_AND_TITLE_MARKS = frozenset("“”‘’\"'「」『』《》〈〉")


def _is_latin_capital(ch: str) -> bool:
    return unicodedata.category(ch) in ("Lu", "Lt") and "LATIN" in unicodedata.name(ch, "")


def normalize(text: str) -> str:
    """The four steps of "What mentions means", one character at a time:
    NFKC; whitespace removed; quotation and title marks removed; Latin
    letters lower-cased."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        if ch.isspace() or ch in QUOTATION_AND_TITLE_MARKS:
            continue
        if _is_latin_capital(ch):
            lower = ch.lower()
            # A capital whose lower case is two characters (İ -> i̇) has no
            # one-letter lower case; it is left as written.
            ch = lower if len(lower) == 1 else ch
        out.append(ch)
    return "".join(out)


def normalize_term(term: str) -> str:
    """A query term as the contract matches it: simplified, then normalised."""
    return normalize(to_simplified(term))


def count_overlapping(text: str, term: str) -> int:
    """Start positions where term occurs in text (occurrences may overlap:
    啊啊 occurs twice in 啊啊啊)."""
    count = 0
    at = text.find(term)
    while at >= 0:
        count += 1
        at = text.find(term, at + 1)
    return count


# ------------------------------------------------------------------ queries


class QuerySyntaxError(ValueError):
    """The query cannot be read under the contract's language."""


@dataclass(frozen=True)
class Query:
    """AND over `clauses` (each an OR of normalised terms), none of `excluded`."""

    clauses: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]

    @property
    def positive(self) -> tuple[str, ...]:
        """Distinct positive terms, in query order (the keys of mentions)."""
        seen: dict[str, None] = {}
        for clause in self.clauses:
            for term in clause:
                seen.setdefault(term, None)
        return tuple(seen)

    def satisfied_by(self, text: str) -> bool:
        """Whether one normalised text satisfies the query on its own."""
        return all(any(term in text for term in clause) for clause in self.clauses) and not any(
            term in text for term in self.excluded
        )


def _tokens(q: str) -> list[tuple[str, bool]]:
    """Split q into (token, was quoted). A token is a run of non-whitespace,
    or "..." (optionally with a leading -) that may hold spaces; a missing
    closing quote runs to the end of q."""
    tokens: list[tuple[str, bool]] = []
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        sign = ""
        if q[i] == "-" and i + 1 < n and q[i + 1] == '"':
            sign, i = "-", i + 1
        if q[i] == '"':
            close = q.find('"', i + 1)
            end = n if close < 0 else close
            tokens.append((sign + q[i + 1 : end], True))
            i = end + 1
            continue
        start = i
        while i < n and not q[i].isspace():
            i += 1
        tokens.append((q[start:i], False))
    return tokens


def parse(q: str) -> Query:
    """Read q under "Query language (q)": whitespace means AND, `A OR B` binds
    tighter than AND, `-term` excludes, "..." is one term. Terms that
    normalise to nothing are dropped. QuerySyntaxError for a dangling OR,
    an excluded term inside OR, or nothing positive to find."""
    clauses: list[list[str]] = []
    excluded: list[str] = []
    pending_or = False
    for token, quoted in _tokens(q):
        if token == "OR" and not quoted:
            if not clauses or pending_or:
                raise QuerySyntaxError(f"OR without a term before it in {q!r}")
            pending_or = True
            continue
        negative = token.startswith("-") and len(token) > 1
        term = normalize_term(token[1:] if negative else token)
        if not term:
            if pending_or:
                raise QuerySyntaxError(f"OR without a term after it in {q!r}")
            continue
        if negative:
            if pending_or:
                raise QuerySyntaxError(f"excluded term inside OR in {q!r}")
            excluded.append(term)
        elif pending_or:
            clauses[-1].append(term)
            pending_or = False
        else:
            clauses.append([term])
    if pending_or:
        raise QuerySyntaxError(f"OR without a term after it in {q!r}")
    if not clauses:
        raise QuerySyntaxError(f"nothing to find in {q!r}")
    return Query(tuple(tuple(c) for c in clauses), tuple(excluded))


# ------------------------------------------------------------------ reports


# The facets of a search besides `section`, as CONTRACT.md lists them, and
# the source file's format.
FACET_NAMES = ("year", "doc_type", "level", "unit", "province", "city", "county", "town", "format")

# A file's format, told by its name: what the `format` filter chooses.
FILE_FORMATS = {".txt": "txt", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


@dataclass(frozen=True)
class BruteReport:
    """A parsed report reduced to what the rules look at."""

    report_id: str
    source: str
    year: int | None
    doc_type: str
    places: dict[str, str | None]  # the coded fields: level, unit, the places, and the file's format
    units: tuple[tuple[str, str], ...] = field(repr=False)  # (kind, normalised text)
    text: str = field(repr=False)  # the whole report, normalised

    @classmethod
    def from_report(cls, report: Report) -> BruteReport:
        raw_units = report.searchable_units()
        return cls(
            report_id=report.report_id,
            source=report.source,
            year=report.year,
            doc_type=report.doc_type,
            places={
                "level": report.level,
                "unit": report.unit,
                "province": report.province,
                "city": report.city,
                "county": report.county,
                "town": report.town,
                "format": FILE_FORMATS[Path(report.source).suffix.lower()],
            },
            units=tuple((kind, normalize(raw)) for kind, raw in raw_units),
            text=normalize("\n".join(raw for _, raw in raw_units)),
        )


@dataclass
class Expected:
    """What the contract says a request must answer (every count exact)."""

    report_ids: set[str]
    total_reports: int
    total_sections: int
    facets: dict[str, dict[str | int, int]]
    mentions: dict[str, dict[str, int]]  # report_id -> normalised term -> count


@dataclass
class BruteCorpus:
    """Reports held in memory; every request is answered by scanning them all."""

    reports: list[BruteReport] = field(default_factory=list, repr=False)

    @classmethod
    def from_reports(cls, reports: Iterable[Report]) -> BruteCorpus:
        return cls([BruteReport.from_report(r) for r in reports])

    @classmethod
    def load(cls, source_dir: Path) -> BruteCorpus:
        """Parse every file under source_dir as ingestion does, keeping what
        the index keeps: every document (reports and others), one per content."""
        from search_service.errors import UnreadableFile
        from search_service.ingest import parse_file

        seen: dict[str, Report] = {}
        for path in sorted(p for p in source_dir.rglob("*") if p.is_file()):
            try:
                report = parse_file(path, source_dir)
            except UnreadableFile:
                continue
            if report.report_id not in seen:
                seen[report.report_id] = report
        return cls.from_reports(seen.values())

    def values(self, name: str) -> list[str | int]:
        """The distinct known values of a facet field, sorted."""
        if name == "year":
            return sorted({r.year for r in self.reports if r.year is not None})
        if name == "doc_type":
            return sorted({r.doc_type for r in self.reports})
        return sorted({v for r in self.reports if (v := r.places[name]) is not None})

    def evaluate(self, request: SearchRequest) -> Expected:
        """Membership, totals, facets and mentions for request, by the
        contract's definitions, ignoring sort and paging."""
        query = parse(request.q)
        passes = [_filters(r, request) for r in self.reports]
        whole = [query.satisfied_by(r.text) for r in self.reports]
        unit_ok = [[query.satisfied_by(text) for _, text in r.units] for r in self.reports]

        def matches(i: int, kind: str | None) -> bool:
            if kind is None:
                return whole[i]
            return any(ok and k == kind for ok, (k, _) in zip(unit_ok[i], self.reports[i].units, strict=True))

        def all_filters_but(i: int, name: str) -> bool:
            return all(ok for key, ok in passes[i].items() if key != name)

        matched = [matches(i, request.section) for i in range(len(self.reports))]
        final = [i for i in range(len(self.reports)) if matched[i] and all_filters_but(i, "")]

        facets: dict[str, dict[str | int, int]] = {}
        for name in FACET_NAMES:
            counts: Counter[str | int] = Counter()
            for i, report in enumerate(self.reports):
                if matched[i] and all_filters_but(i, name):
                    value = (
                        report.year
                        if name == "year"
                        else report.doc_type
                        if name == "doc_type"
                        else report.places[name]
                    )
                    if value is not None:
                        counts[value] += 1
            facets[name] = dict(counts)
        section_counts: Counter[str | int] = Counter()
        for kind in SECTION_KINDS:
            for i in range(len(self.reports)):
                if all_filters_but(i, "") and matches(i, kind):
                    section_counts[kind] += 1
        facets["section"] = dict(section_counts)

        total_sections = 0
        for i in final:
            for ok, (kind, _) in zip(unit_ok[i], self.reports[i].units, strict=True):
                if ok and (request.section is None or kind == request.section):
                    total_sections += 1
        mentions = {
            self.reports[i].report_id: {t: count_overlapping(self.reports[i].text, t) for t in query.positive}
            for i in final
        }
        return Expected(
            report_ids={self.reports[i].report_id for i in final},
            total_reports=len(final),
            total_sections=total_sections,
            facets=facets,
            mentions=mentions,
        )


def _filters(report: BruteReport, request: SearchRequest) -> dict[str, bool]:
    """Whether report passes each filter dimension (the year dimension holds
    year, year_from and year_to together, as the year facet ignores all three)."""
    year = report.year
    year_ok = (
        (not request.year or year in request.year)
        and (request.year_from is None or (year is not None and year >= request.year_from))
        and (request.year_to is None or (year is not None and year <= request.year_to))
    )
    out = {"year": year_ok, "doc_type": request.doc_type in ("all", report.doc_type)}
    for name in ("level", "unit", "province", "city", "county", "town", "format"):
        wanted = getattr(request, name)
        out[name] = not wanted or report.places[name] in wanted
    return out
