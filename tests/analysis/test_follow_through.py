"""Follow-through on a constructed pair of reports: year N's plans beside
year N+1's measures, with the shared and missing content words counted by
hand."""

from __future__ import annotations

import pytest

from search_service.analysis import AmbiguousUnit, FollowThroughUnavailable, Term, adjacent_reports, follow_through
from search_service.search import open_index
from tests.analysis.reports import build, report_text

# Domain-dictionary words between 、 so that jieba's cut is known; 进一步 (a
# stop word), 2025 (a number) and 的 (one character) must not count.
PLANS_2023 = "法律顾问、行政复议、法律顾问、民法典、民法典、民法典、人民调解、规范性文件、进一步、2025、的。"
MEASURES_2024 = "法律顾问、民法典、人民调解、人民调解、政务公开、信访。"


def pair_files() -> dict[str, str]:
    """吉水镇's 2023 plans (PLANS_2023) and 2024 measures (MEASURES_2024),
    each with a part of the other kind that must not count; the API, page
    and CSV tests index them."""
    return {
        "2023.txt": report_text("吉水镇", 2023, "2024-02-01", {"measures": "信访。", "plans": PLANS_2023}),
        "2024.txt": report_text("吉水镇", 2024, "2025-02-01", {"measures": MEASURES_2024, "plans": "合法性审查。"}),
    }


def same_name_files() -> dict[str, str]:
    """Two towns of one name (城关镇) in two counties, each with a pair of
    years; the API tests index them too."""
    return {
        f"{county}-{year}.txt": report_text(
            "城关镇",
            year,
            None,
            {"measures": f"{county}执法监督。", "plans": f"{county}政务公开。"},
            opening=f"在{city}市委、{county}委的正确领导下",
        )
        for city, county in (("宜昌", "长阳土家族自治县"), ("赣州", "会昌县"))
        for year in (2023, 2024)
    }


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    files = {
        "2023.txt": report_text(
            "吉水镇",
            2023,
            "2024-02-01",
            {"measures": "信访、政务公开、执法监督。", "problems": "培训不够。", "plans": PLANS_2023},
        ),
        "2024.txt": report_text(
            "吉水镇",
            2024,
            "2025-02-01",
            {"measures": MEASURES_2024, "problems": "培训不够。", "plans": "行政复议、合法性审查。"},
        ),
        "other-unit.txt": report_text("石角镇", 2024, "2025-02-01", {"measures": "行政复议、规范性文件。"}),
        **same_name_files(),
    }
    return open_index(build(tmp_path_factory.mktemp("follow"), files))


def _id(index, source: str) -> str:
    return next(rec["report_id"] for rec in index.records if rec["source"] == source)


def test_shared_and_missing_terms_with_counts(index):
    result = follow_through(index, "吉水镇", 2023)
    assert result.shared == (Term("民法典", 3, 1), Term("法律顾问", 2, 1), Term("人民调解", 1, 2))
    # Equal plans counts: by the word (code point order).
    assert result.missing == (Term("行政复议", 1, 0), Term("规范性文件", 1, 0))  # U+884C < U+89C4


def test_the_two_sides_are_the_right_reports_and_sections(index):
    result = follow_through(index, "吉水镇", 2023)
    assert result.plans.report_id == _id(index, "2023.txt")
    assert result.measures.report_id == _id(index, "2024.txt")
    assert [s.kind for s in result.plans.sections] == ["plans"]
    assert [s.kind for s in result.measures.sections] == ["measures"]
    assert (result.plans.year, result.measures.year) == (2023, 2024)
    assert (result.level, result.county, result.city) == ("township", "廉江市", "湛江市")


def test_headings_and_other_parts_do_not_count(index):
    result = follow_through(index, "吉水镇", 2023)
    terms = {t.term for t in (*result.shared, *result.missing)}
    assert not terms & {"下一年度", "安排", "主要", "信访", "政务公开", "合法性审查"}


def test_a_missing_year_is_an_error_naming_it(index):
    with pytest.raises(FollowThroughUnavailable) as caught:
        follow_through(index, "吉水镇", 2024)
    assert caught.value.missing_years == (2025,)
    with pytest.raises(FollowThroughUnavailable) as caught:
        follow_through(index, "石角镇", 2023)
    assert caught.value.missing_years == (2023,)
    with pytest.raises(FollowThroughUnavailable):
        follow_through(index, "吉水镇", 2023, county="遂溪县")


def test_adjacent_reports_link_the_years(index):
    first, second = _id(index, "2023.txt"), _id(index, "2024.txt")
    assert adjacent_reports(index, first).previous is None
    assert adjacent_reports(index, first).following == second
    assert adjacent_reports(index, second).previous == first
    assert adjacent_reports(index, _id(index, "other-unit.txt")).previous is None


def test_a_name_shared_by_two_units_needs_a_place(index):
    with pytest.raises(AmbiguousUnit) as caught:
        follow_through(index, "城关镇", 2023)
    assert len(caught.value.places) == 2
    result = follow_through(index, "城关镇", 2023, county="会昌县")
    assert (result.county, result.city, result.province) == ("会昌县", "赣州市", "江西省")
    assert result.plans.report_id == _id(index, "会昌县-2023.txt")
    assert result.measures.report_id == _id(index, "会昌县-2024.txt")
    # The 2023 report of 会昌县 leads to its own 2024 report, not the other town's.
    assert adjacent_reports(index, _id(index, "会昌县-2023.txt")).following == _id(index, "会昌县-2024.txt")
