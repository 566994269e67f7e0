"""The query language: parsing, limits, and that nothing crashes it."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.errors import BadQuery
from search_service.search.query import QueryLimits, parse_query


def norms(parsed):
    return [[t.norm for t in c] for c in parsed.clauses], [t.norm for t in parsed.excluded]


def test_whitespace_means_and():
    assert norms(parse_query("法律顾问 行政复议")) == ([["法律顾问"], ["行政复议"]], [])


def test_or_binds_tighter_than_and():
    assert norms(parse_query("甲 乙 OR 丙 丁")) == ([["甲"], ["乙", "丙"], ["丁"]], [])


def test_minus_excludes_and_quotes_make_one_term():
    assert norms(parse_query('"法治 政府" -信访')) == ([["法治政府"]], ["信访"])


def test_terms_are_normalised_and_simplified():
    assert norms(parse_query("“八五”普法 ＡＢ 顧問")) == ([["八五普法"], ["ab"], ["顾问"]], [])


@pytest.mark.parametrize("q", ["", "   ", "-甲", "OR 甲", "甲 OR", "甲 OR OR 乙", "“”", "甲 OR -乙"])
def test_malformed_queries_are_refused(q):
    with pytest.raises(BadQuery) as info:
        parse_query(q)
    assert "q" in info.value.fields


def test_limits_are_enforced_and_named():
    limits = QueryLimits(max_length=200, max_terms=4, max_or_branches=2, max_single_character_terms=2)
    for q in ("甲甲 乙乙 丙丙 丁丁 戊戊", "甲甲 OR 乙乙 OR 丙丙", "甲 乙 丙", "法" * 201):
        with pytest.raises(BadQuery) as info:
            parse_query(q, limits)
        assert "q" in info.value.fields


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_parses_or_is_refused_cleanly(q):
    try:
        parsed = parse_query(q)
    except BadQuery as exc:
        assert exc.fields.get("q")
        return
    assert parsed.clauses and all(t.norm for c in parsed.clauses for t in c)
