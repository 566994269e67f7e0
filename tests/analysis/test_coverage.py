"""The coverage grid against what the constructed reports say: who reported
for which year, whether by 1 April of the next year, with which parts."""

from __future__ import annotations

import pytest

from search_service.analysis import COVERAGE_CSV_COLUMNS, coverage, coverage_csv_rows, on_time
from search_service.model import SearchRequest
from search_service.search import open_index
from tests.analysis.reports import build, report_text

ALL = ("measures", "problems", "leadership", "plans", "other")

# (file, unit, year, published, parts)
REPORTS = [
    ("a.txt", "吉水镇", 2022, "2023-03-20", ALL),
    ("b.txt", "吉水镇", 2024, "2025-04-02", ALL),  # a day late
    ("c.txt", "石角镇", 2022, None, ("measures", "problems", "plans")),
    ("d.txt", "石角镇", 2023, "2024-04-01", ALL),  # on the day: on time
    ("e.txt", "石角镇", 2023, "2024-02-01", ("measures", "plans")),  # the same unit and year again
    ("f.txt", "安铺镇", 2023, "2024-06-30", ("measures", "problems", "leadership", "plans")),
    ("g.txt", "廉江市", 2024, "2025-01-15", ALL),
]

# Worked out by hand from REPORTS: unit -> year -> (status, complete, files).
EXPECTED_CELLS = {
    "吉水镇": {2022: ("on_time", True, ["a.txt"]), 2023: ("missing", False, []), 2024: ("late", True, ["b.txt"])},
    "石角镇": {
        2022: ("unknown", False, ["c.txt"]),
        2023: ("on_time", True, ["d.txt", "e.txt"]),
        2024: ("missing", False, []),
    },
    "安铺镇": {2022: ("missing", False, []), 2023: ("late", True, ["f.txt"]), 2024: ("missing", False, [])},
    "廉江市": {2022: ("missing", False, []), 2023: ("missing", False, []), 2024: ("on_time", True, ["g.txt"])},
}
# year -> (units, reporting, on_time, late, unknown, complete)
EXPECTED_TOTALS = {
    2022: (4, 2, 1, 0, 1, 1),
    2023: (4, 2, 1, 1, 0, 2),
    2024: (4, 2, 1, 1, 0, 2),
}


def coverage_files() -> dict[str, str]:
    """REPORTS written out (file -> text); the API, page and CLI tests index them too."""
    return {name: report_text(unit, year, published, parts) for name, unit, year, published, parts in REPORTS}


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return open_index(build(tmp_path_factory.mktemp("coverage"), coverage_files()))


@pytest.fixture(scope="module")
def ids(index) -> dict[str, str]:
    """File name -> report id, after checking that the index read each file
    as written (else the expectations above would not apply)."""
    out = {}
    for rec in index.records:
        name, unit, year, published, parts = next(r for r in REPORTS if r[0] == rec["source"])
        assert (rec["unit"], rec["year"], rec["published"]) == (unit, year, published)
        assert {s["kind"] for s in rec["sections"]} - {"preamble"} == set(parts)
        out[name] = rec["report_id"]
    assert len(out) == len(REPORTS)
    return out


def test_grid_cells_match_the_reports(index, ids):
    grid = coverage(index, SearchRequest(q=""))
    assert grid.years == (2022, 2023, 2024)
    assert grid.unplaced == ()
    cells = {row.unit.unit: {cell.year: cell for cell in row.cells} for row in grid.rows}
    assert set(cells) == set(EXPECTED_CELLS)
    for unit, years in EXPECTED_CELLS.items():
        for year, (status, complete, files) in years.items():
            cell = cells[unit][year]
            assert cell.status == status, (unit, year)
            assert cell.complete == complete, (unit, year)
            assert sorted(r.report_id for r in cell.reports) == sorted(ids[f] for f in files), (unit, year)


def test_report_entries_carry_date_timing_and_parts(index, ids):
    grid = coverage(index, SearchRequest(q=""))
    entries = {r.report_id: r for row in grid.rows for cell in row.cells for r in cell.reports}
    for name, _unit, _year, published, parts in REPORTS:
        entry = entries[ids[name]]
        assert entry.published == published
        assert set(entry.parts) == set(parts)
    assert entries[ids["b.txt"]].on_time is False
    assert entries[ids["c.txt"]].on_time is None
    assert entries[ids["d.txt"]].on_time is True
    assert entries[ids["e.txt"]].missing_parts == ("problems", "leadership")


def test_unit_rows_name_level_and_places(index):
    grid = coverage(index, SearchRequest(q=""))
    units = {row.unit.unit: row.unit for row in grid.rows}
    assert units["吉水镇"].level == "township"
    assert units["廉江市"].level == "county"
    assert {(u.county, u.city, u.province) for u in units.values()} == {("廉江市", "湛江市", "广东省")}


def test_totals_count_each_unit_once_per_year(index):
    grid = coverage(index, SearchRequest(q=""))
    got = {t.year: (t.units, t.reporting, t.on_time, t.late, t.unknown, t.complete) for t in grid.totals}
    assert got == EXPECTED_TOTALS


def test_filters_choose_units_and_years(index):
    grid = coverage(index, SearchRequest(q="", level=("township",), year_from=2023))
    assert grid.years == (2023, 2024)
    assert {row.unit.unit for row in grid.rows} == {"吉水镇", "石角镇", "安铺镇"}
    by_year = {t.year: t for t in grid.totals}
    assert (by_year[2023].reporting, by_year[2024].reporting) == (2, 1)


def test_query_limits_the_grid_to_matching_reports(index, ids):
    # Only the reports with a leadership part mention its heading's words.
    grid = coverage(index, SearchRequest(q="第一责任人"))
    found = {r.report_id for row in grid.rows for cell in row.cells for r in cell.reports}
    expected = {ids[name] for name, *_rest, parts in REPORTS if "leadership" in parts}
    assert found == expected


def test_csv_has_a_row_per_unit_year_and_per_extra_report(index, ids):
    grid = coverage(index, SearchRequest(q=""))
    rows = list(coverage_csv_rows(grid))
    assert rows[0] == list(COVERAGE_CSV_COLUMNS)
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    # 4 units x 3 years, plus the second report of 石角镇 2023.
    assert len(body) == 13
    gap = next(r for r in body if r["unit"] == "吉水镇" and r["year"] == "2023")
    assert gap["report_id"] == "" and gap["on_time"] == "" and gap["published"] == ""
    assert all(gap[kind] == "false" for kind in ALL)
    late = next(r for r in body if r["report_id"] == ids["b.txt"])
    assert (late["on_time"], late["published"], late["level"], late["county"]) == (
        "false",
        "2025-04-02",
        "township",
        "廉江市",
    )
    unknown = next(r for r in body if r["report_id"] == ids["c.txt"])
    assert unknown["on_time"] == ""
    assert [unknown[k] for k in ALL] == ["true", "true", "false", "true", "false"]
    twice = [r["report_id"] for r in body if r["unit"] == "石角镇" and r["year"] == "2023"]
    assert sorted(twice) == sorted([ids["d.txt"], ids["e.txt"]])


@pytest.mark.parametrize(
    ("year", "published", "expected"),
    [
        (2023, "2024-04-01", True),
        (2023, "2024-04-02", False),
        (2023, "2023-12-31", True),
        (2023, None, None),
        (None, "2024-01-01", None),
        (2023, "2024-13-01", None),
    ],
)
def test_on_time_is_by_the_first_of_april_of_the_next_year(year, published, expected):
    assert on_time(year, published) is expected
