"""Snippets found from the first occurrences of each term (more when
needed), with array normalisation, are the snippets of the plain definition: every occurrence in the whole section
found, merged, windows cut around them, each window rendered."""

from __future__ import annotations

import html
import importlib

from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.search.snippets import _squash, _window, mark_all, match_spans, snippets
from tests.search.test_fast_normalisation import _by_cluster

# The module, not the function of the same name that search/__init__.py exports.
snippets_module = importlib.import_module("search_service.search.snippets")


def _plain_spans(text: str, norm_terms: list[str]) -> list[tuple[int, int]]:
    joined, origin = _by_cluster(text)
    spans = []
    for term in norm_terms:
        if not term:
            continue
        start = joined.find(term)
        while start != -1:
            spans.append((origin[start], origin[start + len(term) - 1] + 1))
            start = joined.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _plain_render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[cursor:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return _squash("".join(out))


def _plain_snippets(text: str, norm_terms: list[str], limit: int = 3) -> list[str]:
    spans = _plain_spans(text, norm_terms)
    result: list[str] = []
    covered_until = -1
    for span in spans:
        if span[0] < covered_until:
            continue
        left, right = _window(text, span, max(covered_until, 0))
        result.append(_plain_render(text, left, right, spans))
        covered_until = right
        if len(result) >= limit:
            break
    return result


# Sections made of report-like pieces: the terms (whole, quoted, broken over
# lines), their overlaps (法律顾问顾问), punctuation that cuts windows, long
# runs without any boundary, characters that normalise to several or none.
_PIECES = [
    "法律顾问",
    "“法律”顾问",
    "法律\n  顾问",
    "顾问",
    "法",
    "律",
    "依法行政",
    "。",
    "，",
    "；",
    "\n",
    "   ",
    "<b>&",
    "……",
    "㈠",
    "ＡＢ",
    "ab",
    "e\u0301",
    "\U00020000",
    "推进法治政府建设工作取得新成效",
    "切实加强组织领导" * 8,
]
_TERMS = st.lists(
    st.sampled_from(["法律顾问", "顾问", "法", "律顾", "依法行政", "ab", "。", "没有"]), min_size=1, max_size=3
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=400).map("".join), _TERMS, st.integers(1, 4))
def test_snippets_equal_the_plain_definition(text, terms, limit):
    assert snippets(text, terms, limit) == _plain_snippets(text, terms, limit)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=200).map("".join), _TERMS)
def test_spans_and_marked_text_equal_the_plain_definition(text, terms):
    assert match_spans(text, terms) == _plain_spans(text, terms)
    expected = []
    cursor = 0
    for s, e in _plain_spans(text, terms):
        expected.append(html.escape(text[cursor:s]) + "<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    expected.append(html.escape(text[cursor:]))
    assert mark_all(text, terms) == "".join(expected)


def test_a_long_section_with_a_frequent_term_needs_only_its_beginning(monkeypatch):
    # Many occurrences of 法 far beyond the first ones looked for: the answer
    # is the same as when every occurrence is looked for at once.
    text = "依法行政，严格执法。" * 400 + "最后的法律顾问。"
    expected = _plain_snippets(text, ["法", "法律顾问"])
    assert snippets(text, ["法", "法律顾问"]) == expected
    monkeypatch.setattr(snippets_module, "_FIRST_COUNT", 10**9)
    assert snippets(text, ["法", "法律顾问"]) == expected


def test_occurrences_after_many_others_are_found():
    # 顾问 occurs 300 times before the line-broken, quoted 法律顾问.
    text = "顾问，" * 300 + "聘请“法律\n顾问”。"
    assert snippets(text, ["法律顾问"]) == ["…聘请“<mark>法律顾问</mark>”。"]
    assert snippets(text, ["顾问", "法律顾问"], 2) == _plain_snippets(text, ["顾问", "法律顾问"], 2)


def test_windows_holding_more_occurrences_than_first_looked_for_mark_them_all():
    # A window can hold more occurrences than are looked for at first (a
    # run of 法): all of them are marked, wherever the first look stops.
    first = snippets_module._FIRST_COUNT
    for run in range(first - 5, first + 40, 3):
        for lead in (0, 7):
            text = "甲" * lead + "法" * run + "乙" * 30 + "法律顾问。" + "法丙" * 80 + "。"
            for limit in (1, 2, 3):
                for terms in (["法"], ["法", "法律顾问"], ["法律顾问", "法"]):
                    assert snippets(text, terms, limit) == _plain_snippets(text, terms, limit), (
                        run,
                        lead,
                        limit,
                        terms,
                    )
