"""Who reported, on time, with every required part: a unit × year grid.

The 法治政府建设与责任落实督察工作规定 (2019) asks every local government to
publish its annual report by 4月1日 of the next year, with parts on measures,
problems, the leading officials' duties (leadership) and next year's plans.
Researchers check this by hand; the grid answers it for any filter, over the
same result set as the search (`find`), so its counts agree with the search's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from dataclasses import fields as dataclass_fields

import numpy as np

from search_service.model import SECTION_KINDS, SearchRequest
from search_service.search import OpenIndex, find
from search_service.segments.format import day_published

# The parts the rule requires, then the optional 其他需要报告的情况.
REQUIRED_PARTS: tuple[str, ...] = ("measures", "problems", "leadership", "plans")
PARTS: tuple[str, ...] = (*REQUIRED_PARTS, "other")


@dataclass(frozen=True, order=True)
class UnitKey:
    """One issuing unit. The name alone is not enough: 城关镇 is the name of
    towns in many counties, so the unit is its name with its level and places."""

    unit: str
    level: str | None
    county: str | None
    city: str | None
    province: str | None

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.province or "", self.city or "", self.county or "", self.unit, self.level or "")


# A unit and its places as UnitKey orders them: the first columns of the
# coverage and follow-through CSVs and the unit of their JSON bodies.
UNIT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclass_fields(UnitKey))
# What tells apart units of one name: every field but the name; of those,
# the places, nearest first (what the follow-through and the pages narrow by).
UNIT_QUALIFIERS: tuple[str, ...] = tuple(name for name in UNIT_FIELDS if name != "unit")
UNIT_PLACES: tuple[str, ...] = tuple(name for name in UNIT_QUALIFIERS if name != "level")

COVERAGE_CSV_COLUMNS: tuple[str, ...] = (*UNIT_FIELDS, "year", "report_id", "published", "on_time", *PARTS)


@dataclass(frozen=True)
class CoverageReport:
    """One report in a grid cell: when it was published and which parts it has."""

    report_id: str
    published: str | None
    on_time: bool | None  # None: the publication date or the year is unknown
    parts: tuple[str, ...]  # the kinds of PARTS it has a section of, in PARTS order

    @property
    def complete(self) -> bool:
        return all(kind in self.parts for kind in REQUIRED_PARTS)

    @property
    def missing_parts(self) -> tuple[str, ...]:
        return tuple(kind for kind in REQUIRED_PARTS if kind not in self.parts)


@dataclass(frozen=True)
class CoverageCell:
    """A unit's year: its reports (none: a gap; two: both kept visible, the
    year counted once)."""

    year: int
    reports: tuple[CoverageReport, ...]

    @property
    def reported(self) -> bool:
        return bool(self.reports)

    @property
    def status(self) -> str:
        """ "missing", "on_time", "late" or "unknown". With several reports
        the best known one decides: on time if any was, else late if any was."""
        if not self.reports:
            return "missing"
        timings = [r.on_time for r in self.reports]
        if True in timings:
            return "on_time"
        if False in timings:
            return "late"
        return "unknown"

    @property
    def complete(self) -> bool:
        return any(r.complete for r in self.reports)


@dataclass(frozen=True)
class CoverageRow:
    unit: UnitKey
    cells: tuple[CoverageCell, ...]  # one per year of Coverage.years, in order


@dataclass(frozen=True)
class YearTotals:
    """Per year, units counted once each (a unit with two reports counts once)."""

    year: int
    units: int  # units in the grid
    reporting: int
    on_time: int
    late: int
    unknown: int
    complete: int


@dataclass(frozen=True)
class Coverage:
    request: SearchRequest
    years: tuple[int, ...]  # every year from the earliest to the latest seen, gaps included
    rows: tuple[CoverageRow, ...]
    totals: tuple[YearTotals, ...]  # one per year, in order
    # Matching reports that cannot be placed in the grid: no unit or no year.
    unplaced: tuple[str, ...]


def deadline(year: int) -> dt.date:
    """The day by which the report on `year` is due: 1 April of the next year."""
    return dt.date(year + 1, 4, 1)


def on_time(year: int | None, published: str | None) -> bool | None:
    """Whether a report on `year` published on `published` (YYYY-MM-DD) met
    the deadline; None when either is unknown or the date does not read."""
    if year is None or not published:
        return None
    try:
        day = dt.date.fromisoformat(published)
    except ValueError:
        return None
    return day <= deadline(year)


def coverage(index: OpenIndex, request: SearchRequest) -> Coverage:
    """The grid over the reports matching request (an empty q: every report
    under its filters; paging, sort and section are ignored). Units and years
    are those seen among those reports."""
    matches = find(index, request, with_facets=False)
    by_unit: dict[UnitKey, dict[int, list[CoverageReport]]] = {}
    unplaced: list[str] = []
    ordinals = np.sort(matches.ordered)
    parts = _parts_present(index, ordinals)
    reports = index.reports
    units = zip(*(_values(index, name, ordinals) for name in UNIT_FIELDS), strict=True)
    for i, (year, report_id, day, unit_values) in enumerate(
        zip(
            reports.year[ordinals].tolist(),
            index.report_id[ordinals].tolist(),
            index.published[ordinals].tolist(),
            units,
            strict=True,
        )
    ):
        key = UnitKey(*unit_values)
        if not year or not key.unit:
            unplaced.append(report_id)
            continue
        published = day_published(day)
        found = CoverageReport(
            report_id=report_id,
            published=published,
            on_time=on_time(year, published),
            parts=tuple(kind for k, kind in enumerate(PARTS) if parts[i, k]),
        )
        by_unit.setdefault(key, {}).setdefault(int(year), []).append(found)

    seen_years = {year for cells in by_unit.values() for year in cells}
    years = tuple(range(min(seen_years), max(seen_years) + 1)) if seen_years else ()
    gaps = {year: CoverageCell(year, ()) for year in years}  # immutable: one per year serves every row
    rows = []
    for key in sorted(by_unit, key=UnitKey.sort_key):
        reported = by_unit[key]
        cells = tuple(
            CoverageCell(year, tuple(sorted(reported[year], key=lambda r: r.report_id)))
            if year in reported
            else gaps[year]
            for year in years
        )
        rows.append(CoverageRow(unit=key, cells=cells))
    return Coverage(
        request=request,
        years=years,
        rows=tuple(rows),
        totals=tuple(_totals(rows, position, year) for position, year in enumerate(years)),
        unplaced=tuple(unplaced),
    )


# How the grid's rows may be ordered: by place (province, city, county,
# unit; the grid's own order), by unit name, by years reported (most or
# fewest first).
COVERAGE_ORDERS: tuple[str, ...] = ("place", "unit", "reports", "-reports")


def ordered(grid: Coverage, order: str) -> Coverage:
    """The grid with its rows in `order` (one of COVERAGE_ORDERS); ties keep
    the place order."""
    rows = list(grid.rows)  # already in place order; sorted() is stable
    if order == "unit":
        rows.sort(key=lambda row: row.unit.unit)
    elif order == "reports":
        rows.sort(key=lambda row: -reported_years(row))
    elif order == "-reports":
        rows.sort(key=reported_years)
    return replace(grid, rows=tuple(rows))


def reported_years(row: CoverageRow) -> int:
    return sum(1 for cell in row.cells if cell.reports)


def main_report(cell: CoverageCell) -> CoverageReport | None:
    """The report a cell shows first: most required parts, then on time
    before unknown before late, then the lowest id."""
    if not cell.reports:
        return None
    timing = {True: 0, None: 1, False: 2}
    return min(cell.reports, key=lambda r: (len(r.missing_parts), timing[r.on_time], r.report_id))


def _values(index: OpenIndex, name: str, ordinals: np.ndarray) -> list[str | None]:
    """A coded field's value for each of ordinals (None where unknown)."""
    values = index.reports.values[name]
    return [values[c] if c >= 0 else None for c in index.reports.codes[name][ordinals].tolist()]


def _parts_present(index: OpenIndex, ordinals: np.ndarray) -> np.ndarray:
    """For each of ordinals, whether it has a section of each kind of PARTS
    (a boolean table, one row per report)."""
    units = index.units
    kinds = len(SECTION_KINDS)
    has = np.zeros((index.report_count, kinds), dtype=bool)
    has[units.report, units.kind] = True
    columns = [SECTION_KINDS.index(kind) for kind in PARTS]
    return has[ordinals][:, columns]


def _totals(rows: list[CoverageRow], position: int, year: int) -> YearTotals:
    cells = [row.cells[position] for row in rows if row.cells[position].reports]
    statuses = [cell.status for cell in cells]
    return YearTotals(
        year=year,
        units=len(rows),
        reporting=len(cells),
        on_time=statuses.count("on_time"),
        late=statuses.count("late"),
        unknown=statuses.count("unknown"),
        complete=sum(cell.complete for cell in cells),
    )


def _flag(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def coverage_csv_rows(grid: Coverage) -> Iterator[list[str]]:
    """The grid as CSV rows, header first (COVERAGE_CSV_COLUMNS): one row per
    unit and year, and one more for each further report of that unit and year
    (so both stay visible); a gap has an empty report_id and published, an
    empty on_time and every part false."""
    yield list(COVERAGE_CSV_COLUMNS)
    for row in grid.rows:
        head = [getattr(row.unit, name) or "" for name in UNIT_FIELDS]
        for cell in row.cells:
            if not cell.reports:
                yield [*head, str(cell.year), "", "", "", *("false" for _ in PARTS)]
            for report in cell.reports:
                yield [
                    *head,
                    str(cell.year),
                    report.report_id,
                    report.published or "",
                    _flag(report.on_time),
                    *(_flag(kind in report.parts) for kind in PARTS),
                ]
