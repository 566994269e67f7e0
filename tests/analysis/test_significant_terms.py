"""Significant terms on a constructed corpus where the over-represented
words are known, and against a brute-force count over the reports' text."""

from __future__ import annotations

import importlib
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from search_service.analysis import (
    load_word_presence,
    read_word_presence,
    significant_terms,
    word_presence,
)
from search_service.indexing import BuildOptions, update_index
from search_service.model import SearchRequest
from search_service.search import find, open_index
from search_service.segments.content_words import is_content_word
from search_service.segments.toc import PRESENCE_WORDS as PRESENCE_FILE
from search_service.text import words
from tests.analysis.reports import build, report_text


def words_of(presence, ordinal: int) -> list[str]:
    """The content words of one report, sorted, read from its row of its
    segment's matrix."""
    part = presence.parts[int(presence.report_part[ordinal])]
    row = int(presence.report_row[ordinal])
    return [part.words[i] for i in part.term_ids[part.indptr[row] : part.indptr[row + 1]].tolist()]


UNITS = ("吉水镇", "石角镇", "安铺镇", "横山镇")
YEARS = (2022, 2023, 2024)

# word -> the (unit number, year) reports whose measures contain it.
PLANTED: dict[str, set[tuple[int, int]]] = {
    "行政复议": {(u, y) for u in range(4) for y in YEARS},  # everywhere: never significant
    "法律明白人": {(u, 2024) for u in range(4)},  # only, and always, in 2024
    "八五普法": {(0, 2024), (1, 2024), (2, 2024), (0, 2022)},
    "信访": {(0, 2024), (1, 2024), *((u, y) for u in range(3) for y in (2022, 2023))},  # less common in 2024
    "人民调解": {(3, 2024)},  # in one report: under min_in_set
}


def planted_files() -> dict[str, str]:
    """One report per unit and year whose measures list its PLANTED words;
    the API and page tests index them too."""
    files = {}
    for u, unit in enumerate(UNITS):
        for year in YEARS:
            planted = "、".join(w for w, where in PLANTED.items() if (u, year) in where)
            files[f"{u}-{year}.txt"] = report_text(unit, year, None, {"measures": planted + "。", "plans": "无。"})
    return files


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return open_index(build(tmp_path_factory.mktemp("terms"), planted_files()))


def test_over_represented_words_rank_first_with_their_jlh(index):
    # In 2024 (4 of 12 reports): 法律明白人 4 of 4 against 4 of 12, JLH
    # (1 - 1/3) * 3 = 2; 八五普法 3 of 4 against 4 of 12, (3/4 - 1/3) * 9/4 = 0.9375.
    # 行政复议 is everywhere and 信访 is rarer in the set: no score;
    # 人民调解 is in a single report.
    result = significant_terms(index, SearchRequest(q="", year=(2024,)), size=10)
    assert (result.set_size, result.collection_size, result.score) == (4, 12, "jlh")
    assert [(t.term, t.score, t.in_set, t.in_collection) for t in result.terms] == [
        ("法律明白人", 2.0, 4, 4),
        ("八五普法", 0.9375, 3, 4),
    ]


def test_years_compare_shares_of_reports(index):
    result = significant_terms(index, SearchRequest(q=""), by_year=(2022, 2024))
    years = result.years
    assert (years.year_from, years.year_to, years.from_size, years.to_size) == (2022, 2024, 4, 4)
    assert [(c.term, c.change, c.in_from, c.in_to) for c in years.rose] == [
        ("法律明白人", 1.0, 0, 4),
        ("八五普法", 0.5, 1, 3),
    ]
    assert [(c.term, c.change, c.in_from, c.in_to) for c in years.fell] == [("信访", -0.25, 3, 2)]


def _brute_force(index, request: SearchRequest, min_in_set: int) -> list[tuple[str, Fraction, int, int]]:
    """JLH in exact fractions from each report's words, cut again from its
    text (title, then each section's heading and text), not from the word index."""
    present = []
    for ordinal in range(index.report_count):
        report = index.report(ordinal)
        found = {w for w, _, _ in words(report.title or "")}
        for section in report.sections:
            found |= {w for w, _, _ in words(section.heading + "\n" + section.text)}
        present.append({w for w in found if is_content_word(w)})
    members = find(index, request, with_facets=False).ordered.tolist()
    vocabulary = set().union(*present)
    out = []
    for word in vocabulary:
        in_set = sum(word in present[o] for o in members)
        in_coll = sum(word in p for p in present)
        p_set, p_coll = Fraction(in_set, len(members)), Fraction(in_coll, len(present))
        if in_set >= min_in_set and p_set > p_coll:
            out.append((word, (p_set - p_coll) * p_set / p_coll, in_set, in_coll))
    return sorted(out, key=lambda t: (-t[1], -t[2], t[0]))


@pytest.mark.parametrize(
    "request_",
    [SearchRequest(q="", unit=("吉水镇",)), SearchRequest(q="信访"), SearchRequest(q="八五普法 OR 人民调解")],
)
def test_every_term_agrees_with_a_brute_force_count(index, request_):
    result = significant_terms(index, request_, size=0, min_in_set=1)
    expected = _brute_force(index, request_, 1)
    assert [(t.term, t.in_set, t.in_collection) for t in result.terms] == [(w, s, c) for w, _, s, c in expected]
    assert [t.score for t in result.terms] == [round(float(score), 6) for _, score, _, _ in expected]


def test_presence_is_built_once_per_generation(index):
    assert word_presence(index) is word_presence(index)


def test_an_updated_index_and_its_saved_matrix_agree_with_brute_force(tmp_path):
    """After `index update` the word index holds deleted documents (the
    changed report's old sections): they must not count. The matrix saved
    into the generation loads as read, unless made under another rule."""
    files = {
        f"{u}.txt": report_text(unit, 2024, None, {"measures": "八五普法、信访。", "plans": "无。"})
        for u, unit in enumerate(UNITS)
    }
    index_dir = build(tmp_path, files)
    (tmp_path / "src" / "0.txt").write_text(
        report_text(UNITS[0], 2024, None, {"measures": "法律明白人、人民调解。", "plans": "无。"}), "utf-8"
    )
    (tmp_path / "src" / "3.txt").unlink()
    update_index(tmp_path / "src", index_dir, BuildOptions(jobs=1))
    index = open_index(index_dir)
    request = SearchRequest(q="", unit=(UNITS[0],))
    expected = [(w, s, c) for w, _, s, c in _brute_force(index, request, 1)]
    assert {"人民调解", "法律明白人"} <= {w for w, _, _ in expected}
    result = significant_terms(index, request, size=0, min_in_set=1)
    assert [(t.term, t.in_set, t.in_collection) for t in result.terms] == expected

    read = read_word_presence(index)
    loaded = load_word_presence(index)
    assert len(loaded.parts) == 2  # the build's segment and the update's
    assert all(isinstance(part.term_ids, np.memmap) for part in loaded.parts)  # mapped, not copied
    assert loaded.vocabulary == read.vocabulary
    assert [words_of(loaded, o) for o in range(index.report_count)] == [
        words_of(read, o) for o in range(index.report_count)
    ]
    everyone = np.arange(index.report_count)
    assert np.array_equal(loaded.counts(everyone), read.counts(everyone))
    saved = index.segments.parts[0].segment.folder / PRESENCE_FILE
    saved.write_text(saved.read_text("utf-8").replace('"identity": "', '"identity": "other/'), "utf-8")
    assert load_word_presence(index) is None


@pytest.mark.parametrize("chunk", [1, 3, 1 << 22])
def test_counts_gathered_a_few_entries_at_a_time_equal_a_plain_count(index, monkeypatch, chunk):
    """A count reads at most _CHUNK_ENTRIES entries of a matrix at once (a
    whole collection's background set would otherwise gather every entry
    of a million reports); whatever the chunk, the counts are the words'
    report counts."""
    word_presence_module = importlib.import_module("search_service.analysis.word_presence")
    monkeypatch.setattr(word_presence_module, "_CHUNK_ENTRIES", chunk)
    presence = word_presence(index)
    rng = np.random.default_rng(5)
    sets = [np.arange(index.report_count), np.array([], dtype=np.int64)]
    sets += [np.sort(rng.choice(index.report_count, size, replace=False)) for size in (1, 2, 5, index.report_count - 1)]
    for ordinals in sets:
        plain = Counter(word for o in ordinals.tolist() for word in words_of(presence, o))
        counts = presence.counts(ordinals)
        assert {presence.vocabulary[w]: int(c) for w, c in enumerate(counts.tolist()) if c} == dict(plain)


@pytest.mark.parametrize("fixtures", ["unseen", "real_shapes"])
def test_the_matrix_gathered_while_building_is_the_one_read_back_from_whoosh(tmp_path, fixtures):
    """A build gathers each segment's matrix from the words it gives the
    word index (PresenceCollector), instead of reading the index back: on
    reports in real shapes (Word, PDF, pages, no sections found…) both
    must give every report the same words."""
    from search_service.config import PROJECT_ROOT
    from search_service.indexing import build_index

    build_index(PROJECT_ROOT / "tests" / "fixtures" / fixtures, tmp_path / "ix", BuildOptions(jobs=1))
    index = open_index(tmp_path / "ix")
    try:
        gathered, read = load_word_presence(index), read_word_presence(index)
        assert gathered is not None and gathered.vocabulary == read.vocabulary
        assert [words_of(gathered, o) for o in range(index.report_count)] == [
            words_of(read, o) for o in range(index.report_count)
        ]
        assert sum(len(words_of(gathered, o)) for o in range(index.report_count)) > 1000
    finally:
        index.close()
