"""The exact index's fast paths against a plain count on generated text.

Reports are drawn from a small alphabet, so that characters repeat (法法法:
overlapping occurrences), terms cross section and report boundaries and
titles, and some sections are empty or shorter than a term. Every way of
finding a term (binary search or merging of pair lists, either cover of the
term by pairs) must give the occurrences `str.find` gives.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from search_service.search import exact, intersecting, placing
from search_service.search import terms as search_terms
from search_service.search.exact import ExactIndex
from search_service.segments.pairs import build_pair_arrays, save_pairs

ALPHABET = "法法法治行政依律明白人顾问。"


@dataclass
class Corpus:
    """Generated reports as the segment writer lays them out: per report a
    title and sections (the title starts the first section), reports
    separated by U+0000."""

    reports: list[tuple[str, list[str]]]  # (title, section texts; the first begins with the title)
    index: ExactIndex

    def text(self, report: int) -> str:
        return "".join(self.reports[report][1])

    def starts(self, term: str) -> list[int]:
        """Corpus positions where term starts, by str.find."""
        found = []
        position = 0
        for _, sections in self.reports:
            text = "".join(sections)
            at = text.find(term)
            while at >= 0:
                found.append(position + at)
                at = text.find(term, at + 1)
            position += len(text) + 1
        return found


def _generate(rng: random.Random, count: int) -> list[tuple[str, list[str]]]:
    reports = []
    for _ in range(count):
        title = "".join(rng.choice(ALPHABET) for _ in range(rng.choice((0, 1, 3, 6))))
        sections = []
        for i in range(rng.randint(1, 5)):
            length = rng.choice((0, 1, 2, 5, 20, 60))
            body = "".join(rng.choice(ALPHABET) for _ in range(length))
            sections.append(title + body if i == 0 else body)
        reports.append((title, sections))
    return reports


def build_corpus(folder: Path, reports: list[tuple[str, list[str]]]) -> Corpus:
    folder.mkdir(parents=True, exist_ok=True)
    position = 0
    code_points: list[int] = []
    unit_start, unit_end, unit_report, title_end = [], [], [], []
    for ordinal, (title, sections) in enumerate(reports):
        title_end.append(position + len(title))
        for section in sections:
            unit_start.append(position)
            position += len(section)
            unit_end.append(position)
            unit_report.append(ordinal)
            code_points += [ord(c) for c in section]
        code_points.append(0)
        position += 1
    save_pairs(folder, build_pair_arrays(np.array(code_points, dtype=np.uint32)))
    index = ExactIndex(
        folder,
        np.array(unit_start + [position], dtype=np.int64),
        np.array(unit_end, dtype=np.int64),
        np.array(unit_report, dtype=np.int32),
        np.array(title_end, dtype=np.int64),
        len(reports),
    )
    return Corpus(reports, index)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Corpus:
    rng = random.Random(20261125)
    reports = _generate(rng, 160)
    reports.append(("法法", ["法法法法", "法", "", "法法"]))  # overlapping, and a term split by a section end
    reports.append(("", ["", "治", "行政"]))  # no title, an empty first section
    return build_corpus(tmp_path_factory.mktemp("exact"), reports)


def _terms(corpus: Corpus) -> list[str]:
    rng = random.Random(7)
    text = "\x00".join(corpus.text(r) for r in range(len(corpus.reports)))
    sampled = set()
    for length in range(2, 9):
        for _ in range(15):
            at = rng.randrange(0, len(text) - length)
            piece = text[at : at + length]
            if "\x00" not in piece:
                sampled.add(piece)
    return sorted(sampled) + ["法法", "法法法", "法法法法法", "法治行政依", "问。法", "不在", "法不"]


@pytest.mark.parametrize(
    ("search_cost", "merge_cost"),
    [(1.3, 1.0), (1e-9, 1.0), (1.0, 1e-9)],
    ids=["chosen", "always-search", "always-merge"],
)
def test_occurrences_of_longer_terms_equal_str_find(corpus, monkeypatch, search_cost, merge_cost):
    monkeypatch.setattr(intersecting, "_SEARCH_COST", search_cost)
    monkeypatch.setattr(intersecting, "_MERGE_COST", merge_cost)
    for term in _terms(corpus):
        assert corpus.index.occurrences(term).tolist() == corpus.starts(term), term


@pytest.mark.parametrize("cover", [0, 1], ids=["rarest-first", "every-other-pair"])
def test_either_cover_of_a_term_finds_the_same_occurrences(corpus, monkeypatch, cover):
    """The cover chosen by cost must not matter: force each in turn."""
    monkeypatch.setattr(exact, "cheapest_cover", lambda lists, length: intersecting.covers(lists, length)[cover])
    for term in _terms(corpus):
        assert corpus.index.occurrences(term).tolist() == corpus.starts(term), term


# ------------------------------------------------------------ term hits


@dataclass
class Expected:
    """A term's hits by plain counting over texts, in ordinals of the
    corpus given (reports in order, sections in order)."""

    counts: dict[int, int]  # report -> overlapping occurrences
    units: list[int]
    titles: list[int]


def _expected(reports: list[tuple[str, list[str]]], term: str) -> Expected:
    counts: dict[int, int] = {}
    units: list[int] = []
    titles: list[int] = []
    unit = 0
    for ordinal, (title, sections) in enumerate(reports):
        text = "".join(sections)
        n = sum(1 for i in range(len(text)) if text.startswith(term, i))
        if n:
            counts[ordinal] = n
        if term in title:
            titles.append(ordinal)
        for section in sections:
            if term in section:
                units.append(unit)
            unit += 1
    return Expected(counts, units, titles)


def _check_whole(hits, expected: Expected, term: str) -> None:
    assert hits.reports.tolist() == sorted(expected.counts), term
    assert hits.counts.tolist() == [expected.counts[r] for r in sorted(expected.counts)], term
    assert hits.units.tolist() == expected.units, term
    assert hits.title_reports.tolist() == expected.titles, term


def _check_among(hits, expected: Expected, term: str, reports: np.ndarray, first_of_report: np.ndarray) -> None:
    wanted = reports.tolist()
    assert hits.counts_among(reports).tolist() == [expected.counts.get(r, 0) for r in wanted], term
    assert hits.present_among(reports).tolist() == [r in expected.counts for r in wanted], term
    assert hits.titles_among(reports).tolist() == [r in expected.titles for r in wanted], term
    units = [u for u in expected.units if any(first_of_report[r] <= u < first_of_report[r + 1] for r in wanted)]
    assert hits.units_among(reports).tolist() == units, term


def _all_terms(corpus: Corpus) -> list[str]:
    return sorted(set(ALPHABET)) + ["不"] + _terms(corpus)


def _never(*_: object) -> float:
    return math.inf


def _always(*_: object) -> float:
    return 0.0


# Each way of placing positions in ranges, forced (else chosen by cost).
WAYS = {
    "chosen": {},
    "positions-searched": {"_search_positions_ns": _always},
    "bounds-searched": {"_search_positions_ns": _never, "_merge_bounds_ns": _never},
    "bounds-merged": {"_search_positions_ns": _never, "_search_bounds_ns": _never},
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("factor", [4, 0, 10**9], ids=["chosen", "boundaries", "one-by-one"])
def test_term_hits_equal_plain_counts(corpus, monkeypatch, way, factor):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(placing, name, value)
    for term in _all_terms(corpus):
        expected = _expected(corpus.reports, term)
        _check_whole(corpus.index.term_hits(term, factor), expected, term)  # reports alone first
        whole = corpus.index.term_hits(term, factor)
        whole.expect_whole()
        _check_whole(whole, expected, term)
        _check_whole(corpus.index.place(term, corpus.index.occurrences(term)), expected, term)  # the plain way


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("scoped_share", [8, 0, 10**9], ids=["chosen", "always-scoped", "never-scoped"])
@pytest.mark.parametrize("factor", [4, 0], ids=["chosen", "characters-as-lists"])
def test_answers_for_some_reports_equal_plain_counts(corpus, monkeypatch, way, scoped_share, factor):
    for name, value in WAYS[way].items():
        monkeypatch.setattr(placing, name, value)
    monkeypatch.setattr(search_terms, "_SCOPED_SHARE", scoped_share)
    rng = random.Random(11)
    count = len(corpus.reports)
    subsets = [
        np.arange(count),
        np.array([0]),
        np.array([count - 1]),
        np.array([count - 2, count - 1]),  # the reports built around 法法 and an empty section
        np.zeros(0, dtype=np.int64),
        *(np.array(sorted(rng.sample(range(count), k))) for k in (1, 3, 10, 40)),
    ]
    first_of_report = corpus.index.first_of_report
    for term in _all_terms(corpus):
        expected = _expected(corpus.reports, term)
        for reports in subsets:
            _check_among(corpus.index.term_hits(term, factor), expected, term, reports, first_of_report)
        view = corpus.index.term_hits(term, factor).within(subsets[-1])  # one set, asked about parts of it
        for reports in (subsets[-1], subsets[-1][::2], subsets[-1][:1]):
            _check_among(view, expected, term, reports, first_of_report)
        hits = corpus.index.term_hits(term, factor)  # answers from the whole parts once computed
        _check_whole(hits, expected, term)
        for reports in subsets:
            _check_among(hits, expected, term, reports, first_of_report)


@pytest.fixture(scope="module")
def segments(tmp_path_factory, corpus):
    """The corpus split into two segments, some reports deleted, numbered
    globally in another order than the segments' (as SegmentSet does)."""
    reports = corpus.reports
    half = len(reports) // 2
    parts = [reports[:half], reports[half:]]
    folder = tmp_path_factory.mktemp("segments")
    built = [build_corpus(folder / f"s{i}", part) for i, part in enumerate(parts)]
    rng = random.Random(3)
    live = [(i, local) for i, part in enumerate(parts) for local in range(len(part)) if rng.random() > 0.2]
    rng.shuffle(live)  # global order: any order of the live reports
    report_segment = np.array([i for i, _ in live], dtype=np.int32)
    report_local = np.array([local for _, local in live], dtype=np.int64)
    global_reports = [parts[i][local] for i, local in live]
    counts = [len(sections) for _, sections in global_reports]
    first_of_report = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    mapped = []
    for i, seg in enumerate(built):
        report_global = np.full(len(parts[i]), -1, dtype=np.int64)
        unit_global = np.full(int(seg.index.first_of_report[-1]), -1, dtype=np.int64)
        for g, (s, local) in enumerate(live):
            if s == i:
                report_global[local] = g
                a, b = int(seg.index.first_of_report[local]), int(seg.index.first_of_report[local + 1])
                unit_global[a:b] = np.arange(first_of_report[g], first_of_report[g] + (b - a))
        mapped.append((seg.index, report_global, unit_global))
    return global_reports, mapped, report_segment, report_local, first_of_report


@pytest.mark.parametrize("scoped_share", [8, 0, 10**9], ids=["chosen", "always-scoped", "never-scoped"])
def test_hits_over_segments_equal_plain_counts(segments, monkeypatch, scoped_share):
    monkeypatch.setattr(search_terms, "_SCOPED_SHARE", scoped_share)
    global_reports, mapped, report_segment, report_local, first_of_report = segments
    rng = random.Random(5)
    count = len(global_reports)
    subsets = [np.arange(count), np.array([0]), *(np.array(sorted(rng.sample(range(count), k))) for k in (2, 9, 30))]
    terms = sorted(set(ALPHABET)) + ["法法", "法法法", "行政", "依律明", "治行政依律"]
    for term in terms:
        expected = _expected(global_reports, term)

        def merged(term: str = term):
            parts = [(index.term_hits(term), rg, ug) for index, rg, ug in mapped]
            return search_terms.merged_hits(parts, report_segment, report_local, first_of_report)

        for reports in subsets:
            _check_among(merged(), expected, term, reports, first_of_report)
        hits = merged()
        _check_whole(hits, expected, term)
        for reports in subsets:
            _check_among(hits, expected, term, reports, first_of_report)


# ------------------------------------------------------------ paragraph ids


def test_paragraph_ids_of_offsets_equal_index_at_over_every_line():
    """The page splits a section's lines only up to the last snippet's: the
    ids must be those of citing.paragraphs.index_at over all of them."""
    from search_service.citing.paragraphs import index_at, line_spans, paragraph_count, paragraph_id
    from search_service.search.searching import _paragraphs_of

    rng = random.Random(17)
    pieces = ["法治", "  ", "\u3000", "\n", "\n\n", " \n", "。", "行政\r", "\t"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        count = paragraph_count(text)
        assert count == len(line_spans(text)), repr(text)
        offsets = sorted(rng.randint(-3, len(text)) for _ in range(rng.randint(1, 3)))
        spans = line_spans(text)
        expected = [
            None if offset < 0 or index_at(spans, offset) is None else paragraph_id(5 + index_at(spans, offset))
            for offset in offsets
        ]
        assert _paragraphs_of(text, count, offsets, 5) == expected, (repr(text), offsets)
