"""The exact index's fast paths against a plain count on generated text.

Reports are drawn from a small alphabet, so that characters repeat (法法法:
overlapping occurrences), terms cross section and report boundaries and
titles, and some sections are empty or shorter than a term. Every way of
finding a term (binary search or merging of pair lists, either cover of the
term by pairs) must give the occurrences `str.find` gives.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from search_service.search import exact
from search_service.search.exact import ExactIndex, build_exact_arrays

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
    ExactIndex.save(folder, build_exact_arrays(np.array(code_points, dtype=np.uint32)))
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
        for _ in range(40):
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
    monkeypatch.setattr(exact, "_SEARCH_COST", search_cost)
    monkeypatch.setattr(exact, "_MERGE_COST", merge_cost)
    for term in _terms(corpus):
        assert corpus.index.occurrences(term).tolist() == corpus.starts(term), term


@pytest.mark.parametrize("cover", [0, 1], ids=["rarest-first", "every-other-pair"])
def test_either_cover_of_a_term_finds_the_same_occurrences(corpus, monkeypatch, cover):
    """The cover chosen by cost must not matter: force each in turn."""
    monkeypatch.setattr(exact, "_cheapest_cover", lambda lists, length: exact._covers(lists, length)[cover])
    for term in _terms(corpus):
        assert corpus.index.occurrences(term).tolist() == corpus.starts(term), term
