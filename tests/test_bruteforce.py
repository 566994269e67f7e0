"""The brute-force evaluator itself, on cases small enough to check by eye.

The exactness test trusts tests/bruteforce.py as its oracle, so the oracle
gets its own tests: each rule of CONTRACT.md on a hand-written report.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.model import Report, SearchRequest, Section
from search_service.text import normalize as engine_normalize
from tests.bruteforce import BruteCorpus, QuerySyntaxError, count_overlapping, normalize, parse


def _report(
    report_id: str,
    sections: list[tuple[str, str]],
    title: str = "吉水镇2024年年度报告",
    year: int | None = 2024,
    town: str | None = "吉水镇",
    county: str | None = "廉江市",
    city: str | None = "湛江市",
    province: str | None = "广东省",
) -> Report:
    return Report(
        report_id=report_id,
        title=title,
        town=town,
        county=county,
        city=city,
        province=province,
        year=year,
        published=None,
        source=f"{report_id}.txt",
        sections=[Section(kind, "", text) for kind, text in sections],
    )


def _ids(corpus: BruteCorpus, q: str, **kwargs: object) -> set[str]:
    return corpus.evaluate(SearchRequest(q=q, **kwargs)).report_ids  # type: ignore[arg-type]


def _one(text: str, kind: str = "measures") -> BruteCorpus:
    return BruteCorpus.from_reports([_report("a", [("preamble", "导语。"), (kind, text)], title="年度报告")])


# ------------------------------------------------------------------ normalisation


def test_quoted_term_is_found_without_its_quotes() -> None:
    assert _ids(_one("深入开展“八五”普法工作。"), "八五普法") == {"a"}


def test_title_marks_are_ignored() -> None:
    assert _ids(_one("学习《民法典》。"), "民法典") == {"a"}
    assert _ids(_one("学习民法典。"), "《民法典》") == {"a"}


def test_term_broken_across_lines_is_found() -> None:
    assert _ids(_one("设立综合行政执\n法办公室。"), "综合行政执法办公室") == {"a"}


def test_full_width_digits_match_spaced_half_width() -> None:
    assert _ids(_one("2024 年，我镇……"), "２０２４年") == {"a"}
    assert _ids(_one("２０２４年，我镇……"), "2024年") == {"a"}


def test_punctuation_is_not_ignored() -> None:
    assert _ids(_one("宣传法律。顾问团队到村坐班。"), "法律顾问") == set()
    assert _ids(_one("宣传法律。顾问团队到村坐班。"), "法律。顾问") == {"a"}


def test_latin_letters_match_in_any_case() -> None:
    assert _ids(_one("推广政务服务APP。"), "app") == {"a"}
    assert _ids(_one("推广政务服务app。"), "ＡＰＰ") == {"a"}


def test_ideographic_space_is_whitespace() -> None:
    assert _ids(_one("执法力量\u3000不足。"), "执法力量不足") == {"a"}


def test_traditional_query_is_simplified() -> None:
    assert _ids(_one("完善法律顾问制度。"), "法律顧問") == {"a"}


def test_normalize_steps() -> None:
    assert normalize(" “八五”\n普法 ") == "八五普法"
    assert normalize("ＰＰＰ項目") == "ppp項目"
    assert normalize("《宪法》「条」『款』〈注〉'a' \"b\"") == "宪法条款注ab"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_agrees_with_engine_on_any_text(text: str) -> None:
    assert normalize(text) == engine_normalize(text)


_DOMAIN = st.text(alphabet=st.sampled_from("法律顾问八五普法“”《》 \n\u3000２０24年AaPpＰ。，'\"「」İ"), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_DOMAIN)
def test_normalize_agrees_with_engine_on_report_like_text(text: str) -> None:
    assert normalize(text) == engine_normalize(text)


def test_overlapping_occurrences_are_counted() -> None:
    assert count_overlapping("啊啊啊", "啊啊") == 2
    assert count_overlapping("法治法治", "法治") == 2
    assert count_overlapping("法治", "法律") == 0


# ------------------------------------------------------------------ query language


def test_parse_and_or_not_and_quotes() -> None:
    q = parse('法律顾问 行政复议 OR 行政诉讼 -信访 "法治 政府"')
    assert q.clauses == (("法律顾问",), ("行政复议", "行政诉讼"), ("法治政府",))
    assert q.excluded == ("信访",)
    assert parse('-"执法 力量" 普法').excluded == ("执法力量",)
    assert parse("a OR b OR c").clauses == (("a", "b", "c"),)


def test_lowercase_or_is_a_term() -> None:
    assert parse("a or b").clauses == (("a",), ("or",), ("b",))


@pytest.mark.parametrize("q", ["OR 法治", "法治 OR", "法治 OR -普法", "-普法", '""'])
def test_malformed_queries_are_refused(q: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(q)


def test_and_needs_every_term() -> None:
    corpus = BruteCorpus.from_reports(
        [
            _report("both", [("measures", "法律顾问。行政复议。")]),
            _report("one", [("measures", "法律顾问。")]),
        ]
    )
    assert _ids(corpus, "法律顾问 行政复议") == {"both"}
    assert _ids(corpus, "法律顾问 OR 行政复议") == {"both", "one"}
    assert _ids(corpus, "法律顾问 -行政复议") == {"one"}


def test_or_binds_tighter_than_and() -> None:
    corpus = BruteCorpus.from_reports(
        [
            _report("ac", [("measures", "甲。丙。")]),
            _report("bc", [("measures", "乙。丙。")]),
            _report("a", [("measures", "甲。")]),
        ]
    )
    assert _ids(corpus, "甲 OR 乙 丙") == {"ac", "bc"}


def test_quoted_term_spaces_are_ignored() -> None:
    assert _ids(_one("推进法治政府建设。"), '"法治 政府"') == {"a"}
    assert _ids(_one("推进法治。政府建设。"), '"法治 政府"') == set()


# ------------------------------------------------------------------ sections


def _two_sections() -> BruteCorpus:
    return BruteCorpus.from_reports(
        [
            _report(
                "r",
                [
                    ("preamble", "导语。"),
                    ("measures", "聘请法律顾问。"),
                    ("problems", "执法力量不足。"),
                    ("plans", "聘请法律顾问，充实执法力量。"),
                ],
            )
        ]
    )


def test_whole_text_satisfies_and_across_sections() -> None:
    corpus = _two_sections()
    expected = corpus.evaluate(SearchRequest(q="法律顾问 执法力量不足"))
    assert expected.report_ids == {"r"}
    assert expected.total_sections == 0  # no one section has both terms
    assert expected.facets["section"] == {}


def test_section_filter_needs_one_section_with_every_term() -> None:
    corpus = _two_sections()
    assert _ids(corpus, "法律顾问 执法力量不足", section="measures") == set()
    assert _ids(corpus, "法律顾问 执法力量", section="plans") == {"r"}
    assert _ids(corpus, "法律顾问", section="problems") == set()


def test_exclusion_is_judged_per_section_under_a_section_filter() -> None:
    corpus = _two_sections()
    assert _ids(corpus, "法律顾问 -执法力量") == set()
    expected = corpus.evaluate(SearchRequest(q="法律顾问 -执法力量", section="measures"))
    assert expected.report_ids == {"r"}
    assert expected.total_sections == 1
    assert expected.facets["section"] == {"measures": 1}


def test_total_sections_counts_sections_satisfying_the_query() -> None:
    expected = _two_sections().evaluate(SearchRequest(q="法律顾问"))
    assert expected.total_sections == 2
    assert expected.facets["section"] == {"measures": 1, "plans": 1}
    restricted = _two_sections().evaluate(SearchRequest(q="法律顾问", section="plans"))
    assert restricted.total_sections == 1


def test_title_is_part_of_the_preamble() -> None:
    corpus = BruteCorpus.from_reports([_report("t", [("measures", "正文。")], title="吉水镇法治报告")])
    assert corpus.evaluate(SearchRequest(q="吉水镇", section="preamble")).report_ids == {"t"}


def test_term_may_straddle_sections_in_the_whole_text() -> None:
    corpus = BruteCorpus.from_reports([_report("s", [("measures", "正文甲"), ("plans", "乙")])])
    assert _ids(corpus, "甲乙") == {"s"}
    assert _ids(corpus, "甲乙", section="measures") == set()


# ------------------------------------------------------------------ filters and facets


def _places() -> BruteCorpus:
    return BruteCorpus.from_reports(
        [
            _report("a", [("measures", "普法。")], year=2022, town="甲镇", county="一县"),
            _report("b", [("measures", "普法。")], year=2023, town="乙镇", county="一县"),
            _report("c", [("measures", "普法。信访。")], year=2023, town="丙镇", county="二县"),
            _report("d", [("measures", "信访。")], year=2024, town="丁镇", county="二县"),
            _report("e", [("measures", "普法。")], year=None, town=None, county=None, city=None, province=None),
        ]
    )


def test_year_filters() -> None:
    corpus = _places()
    assert _ids(corpus, "普法", year=(2023,)) == {"b", "c"}
    assert _ids(corpus, "普法", year=(2022, 2023)) == {"a", "b", "c"}
    assert _ids(corpus, "普法", year_from=2023) == {"b", "c"}
    assert _ids(corpus, "普法", year_to=2022) == {"a"}
    assert _ids(corpus, "普法") == {"a", "b", "c", "e"}


def test_place_filters_are_any_of_and_exclude_unknown() -> None:
    corpus = _places()
    assert _ids(corpus, "普法", town=("甲镇", "丙镇")) == {"a", "c"}
    assert _ids(corpus, "普法", county=("一县",), town=("丙镇",)) == set()
    assert _ids(corpus, "普法", province=("广东省",)) == {"a", "b", "c"}


def test_facet_ignores_its_own_filter_only() -> None:
    corpus = _places()
    expected = corpus.evaluate(SearchRequest(q="普法", year=(2023,), county=("一县",)))
    assert expected.report_ids == {"b"}
    assert expected.facets["year"] == {2022: 1, 2023: 1}
    assert expected.facets["county"] == {"一县": 1, "二县": 1}
    assert expected.facets["town"] == {"乙镇": 1}
    assert expected.facets["section"] == {"measures": 1}


def test_year_facet_ignores_the_year_range_too() -> None:
    expected = _places().evaluate(SearchRequest(q="普法", year_from=2023, year_to=2023))
    assert expected.facets["year"] == {2022: 1, 2023: 2}


def test_section_facet_ignores_the_section_filter() -> None:
    expected = _two_sections().evaluate(SearchRequest(q="法律顾问", section="plans"))
    assert expected.facets["section"] == {"measures": 1, "plans": 1}


def test_mentions_count_every_occurrence_of_each_positive_term() -> None:
    corpus = BruteCorpus.from_reports([_report("m", [("measures", "普法，普法，再普法。信访。")])])
    expected = corpus.evaluate(SearchRequest(q="普法 OR 调解 -公证"))
    assert expected.mentions == {"m": {"普法": 3, "调解": 0}}
