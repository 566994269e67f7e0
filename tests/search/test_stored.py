"""Stored parts of a segment's frequent terms (segments/stored.py, read by
search/stored.py) against plain
counting over the texts.

The reports are test_exact_fast_paths' generated ones (a small alphabet, so
characters and pairs repeat, overlap, cross section ends and fill titles;
empty sections and titles), with a report holding one character and one
pair more than 255 times (a count past one byte) and one with no section.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from search_service.segments import stored
from search_service.segments.pairs import PairIndex
from search_service.segments.stored import StoredTerms, compute_stored
from tests.search.test_exact_fast_paths import ALPHABET, Corpus, _expected, _generate, build_corpus

WORDS = {"法治行政": 90, "白人顾问": 40, "依法治": 2, "法": 500, "人顾": 200}  # reports holding each (by jieba)


def _corpus(folder: Path) -> tuple[Corpus, np.ndarray]:
    reports = _generate(random.Random(20261126), 140)
    reports.append(("法治", ["法治" + "法" * 600, "治" + "法治" * 300]))  # counts of 600 and 300+
    reports.append(("", []))  # no section: its text is the separator alone
    reports.append(("法法", ["法法法法", "法", "", "法法"]))
    corpus = build_corpus(folder, reports)
    code_points = []
    for _, sections in reports:
        code_points += [ord(c) for c in "".join(sections)] + [0]
    return corpus, np.array(code_points, dtype=np.uint32)


def _stored(folder: Path) -> tuple[Corpus, stored.StoredParts]:
    corpus, code_points = _corpus(folder)
    index = corpus.index
    parts = compute_stored(
        code_points,
        PairIndex.open(folder),
        index._unit_start,
        index._unit_end,
        index._unit_report,
        index.first_of_report,
        index._report_bounds[:-1],
        index._title_end,
        WORDS,
    )
    return corpus, parts


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, StoredTerms, stored.StoredParts]:
    folder = tmp_path_factory.mktemp("stored")
    corpus, parts = _stored(folder)
    parts.save(folder)
    loaded = StoredTerms.load(folder, len(corpus.reports), len(corpus.index._unit_end))
    assert loaded is not None
    return corpus, loaded, parts


def test_every_stored_term_equals_plain_counts(written) -> None:
    corpus, terms, parts = written
    names = parts.terms.tolist()
    assert set(ALPHABET) <= set(names)  # every character is frequent here
    assert any(len(t) == 2 for t in names) and {"法治行政", "白人顾问"} <= set(names)
    assert "依法治" not in names  # held by too few reports
    assert len(parts.large_reports) >= 2  # 法 and 法治 past 255 in one report
    for term in names:
        expected = _expected(corpus.reports, term)
        found = terms.parts(term)
        assert found is not None, term
        assert found["reports"].tolist() == sorted(expected.counts), term
        assert found["counts"].tolist() == [expected.counts[r] for r in sorted(expected.counts)], term
        assert found["units"].tolist() == expected.units, term
        assert found["title_reports"].tolist() == expected.titles, term


def test_stored_parts_equal_the_positional_answer(written) -> None:
    corpus, terms, parts = written
    for term in parts.terms.tolist():
        plain = corpus.index.place(term, corpus.index.occurrences(term))
        found = terms.parts(term)
        for name in ("reports", "counts", "units", "title_reports"):
            assert np.array_equal(found[name], getattr(plain, name)), (term, name)


def test_other_terms_are_not_stored(written, tmp_path: Path) -> None:
    _, terms, _ = written
    assert terms.parts("不在") is None and "不在" not in terms
    assert StoredTerms.load(tmp_path, 1, 1) is None  # a segment written without them


def test_limits_keep_the_most_frequent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stored, "MAX_CHARS", 3)
    monkeypatch.setattr(stored, "MAX_PAIRS", 2)
    monkeypatch.setattr(stored, "MAX_WORDS", 1)
    corpus, parts = _stored(tmp_path)
    names = parts.terms.tolist()
    chars = [t for t in names if len(t) == 1]
    assert "法" in chars and len(chars) == 3
    assert len([t for t in names if len(t) == 2]) <= 2
    assert [t for t in names if len(t) > 2] == ["法治行政"]
    for term in names:
        expected = _expected(corpus.reports, term)
        assert StoredParts_counts(parts, term) == [expected.counts.get(r, 0) for r in range(len(corpus.reports))]


def StoredParts_counts(parts: stored.StoredParts, term: str) -> list[int]:  # noqa: N802 - reads as what it gives
    row = parts.terms.tolist().index(term)
    counts = parts.counts[row].astype(np.int64)
    lo, hi = parts.large_offsets[row], parts.large_offsets[row + 1]
    counts[parts.large_reports[lo:hi]] = parts.large_counts[lo:hi]
    return counts.tolist()


def test_a_built_segment_reads_stored_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A segment of at least MIN_REPORTS stores its frequent terms and its
    hits come from them; a smaller one stores nothing. Both answer alike."""
    from bench.corpus import generate_corpus
    from search_service.indexing import build_index
    from search_service.model import SearchRequest
    from search_service.search import open_index, run_search

    source = tmp_path / "src"
    source.mkdir()
    generate_corpus(source, 40, 5)
    answers = {}
    for label, minimum in (("stored", 0), ("positional", 10**9)):
        monkeypatch.setattr(stored, "MIN_REPORTS", minimum)
        build_index(source, tmp_path / label)
        index = open_index(tmp_path / label)
        (part,) = index.terms.parts  # the segment's terms (search.exact.SegmentTerms)
        if minimum == 0:
            assert part.segment.stored is not None and "法" in part.segment.stored
            assert part.hits("法").source.stored("units")  # read, not computed
        else:
            assert part.segment.stored is None
            assert not part.hits("法").source.stored("units")
        answers[label] = [
            run_search(index, SearchRequest(q=q, per_page=100)) for q in ("法", "依法行政", "法治 -顾问", "行政执法")
        ]
        index.close()
    for with_stored, without in zip(answers["stored"], answers["positional"], strict=True):
        assert with_stored.total == without.total
        assert [h.report_id for h in with_stored.results] == [h.report_id for h in without.results]
        assert {k: list(v.pairs()) for k, v in with_stored.facets.items()} == {
            k: list(v.pairs()) for k, v in without.facets.items()
        }


QUERIES = ("法", "依法行政", "法治 -顾问", "行政执法", "法律顾问 OR 普法", "执法")


def _answers(index_dir: Path) -> list[tuple]:
    from search_service.model import SearchRequest
    from search_service.search import open_index, run_search

    index = open_index(index_dir)
    try:
        out = []
        for q in QUERIES:
            for section in (None, "problems"):
                result = run_search(index, SearchRequest(q=q, per_page=100, section=section))
                out.append(
                    (
                        result.total,
                        [(h.report_id, h.mentions, [s.position for s in h.sections]) for h in result.results],
                        {k: list(v.pairs()) for k, v in result.facets.items()},
                    )
                )
        return out
    finally:
        index.close()


def test_stored_segments_after_an_update_answer_as_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an update, the build's segment (storing) has tombstones and the
    update's segment holds reports whose sources fall among its own: the
    segments are mapped and sorted, not laid end to end. The answers must
    be those of a build of the same files in one segment, from positions."""
    from bench.corpus import generate_corpus
    from search_service.indexing import BuildOptions, build_index, update_index

    source = tmp_path / "src"
    source.mkdir()
    files = sorted(generate_corpus(source, 40, 9))
    monkeypatch.setattr(stored, "MIN_REPORTS", 0)
    build_index(source, tmp_path / "updated", BuildOptions(segment_reports=20))
    for path in files[5:8]:  # changed: their old reports deleted, new ones in the update's segment
        path.write_text(path.read_text("utf-8").replace("法治", "法治建设", 1) + "\n依法行政法治宣传。\n", "utf-8")
    files[30].unlink()
    update_index(source, tmp_path / "updated", merge_policy=None)
    monkeypatch.setattr(stored, "MIN_REPORTS", 10**9)
    build_index(source, tmp_path / "fresh")
    from search_service.search import open_index

    index = open_index(tmp_path / "updated")
    assert len(index.segments.parts) == 3 and index.segments.shifts.count(None) >= 1
    assert all(part.segment.stored is not None for part in index.segments.parts)
    index.close()
    assert _answers(tmp_path / "updated") == _answers(tmp_path / "fresh")
