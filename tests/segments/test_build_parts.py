"""The fast build's parts compute exactly what the plain ones did: memoised
jieba words, counted word fields, the term-grouped posting pool, the pair-only
exact index and the cheap traditional-character test."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import create_in

from search_service import words_index
from search_service.indexing import _with_preamble, load_reports
from search_service.ingest import parse_file
from search_service.ingest.traditional import changeable_characters, is_traditional, may_be_traditional
from search_service.search.exact import ExactIndex
from search_service.segments import pairs
from search_service.segments.format import current_commit
from search_service.segments.pairs import (
    PairIndex,
    _build_argsort,
    _dense_entries,
    _group_dense,
    build_pair_arrays,
    save_pairs,
)
from search_service.segments.toc import PAIRS
from search_service.text import normalize, to_simplified, words
from tests.conftest import SAMPLES

MIXED_TEXTS = [
    "全面推进法律顾问制度，聘请ABC律师事务所2名律师（含１名ＰｈＤ）。",
    "“八五”普法 综合行政执\n法办公室 v2.0 e-mail: a_b@c.cn 100% #1 &",
    "Ⅳ、①②③ 第三章 ½ ㎡ ﬁ 한국어 日本語のテキスト ελληνικά",
    "",
    "。。。，，",
]


def _plain_counts(text: str) -> Counter[str]:
    return Counter(w for w, _, _ in words(text))


def _sample_reports():
    return [_with_preamble(parse_file(path, SAMPLES)) for path in sorted(SAMPLES.glob("*.txt"))]


# ------------------------------------------------------------------ words


def test_memoised_block_words_equal_jieba_words():
    counter = words_index._BlockWords()
    texts = [*MIXED_TEXTS, *(s.heading + "\n" + s.text for r in _sample_reports() for s in r.sections)]
    for _ in range(2):  # the second round answers from the memo
        for text in texts:
            assert counter.counts(text) == _plain_counts(text)
            assert counter.counts(normalize(text), normalised=True) == _plain_counts(text)


def test_report_words_with_normalised_units_equal_plain_words():
    for report in _sample_reports():
        units = [normalize(raw) for _, raw in report.searchable_units()]
        for found in (words_index.report_words(report), words_index.report_words(report, units)):
            assert found.title == _plain_counts(report.title)
            assert found.sections == [_plain_counts(s.heading + "\n" + s.text) for s in report.sections]


def _postings(folder: Path) -> dict[tuple[str, bytes], list[tuple[int, float, bytes, float, float, float]]]:
    """Every posting: its document, weight and value, and its block's
    shortest and longest document and highest weight (what a commit writes
    from the field lengths it reads)."""
    from whoosh.index import open_dir

    out = {}
    with open_dir(str(folder)).reader() as reader:
        for fieldname, btext in reader.all_terms():
            matcher = reader.postings(fieldname, btext)
            found = []
            while matcher.is_active():
                block = (matcher.block_min_length(), matcher.block_max_length(), matcher.block_max_weight())
                found.append((matcher.id(), matcher.weight(), matcher.value(), *block))
                matcher.next()
            out[(fieldname, btext)] = found
    return out


def test_counted_fields_and_grouped_pool_write_what_whoosh_writes_from_text(tmp_path):
    """The same documents given as text to Whoosh's own writer and as word
    counts to ours give identical postings (terms, documents, weights)."""
    reports = _sample_reports()
    plain_schema = Schema(
        report_id=ID(),
        title=TEXT(analyzer=words_index.word_analyzer(), phrase=False, field_boost=3.0),
        content=TEXT(analyzer=words_index.word_analyzer(), phrase=False),
    )
    (tmp_path / "plain").mkdir()
    writer = create_in(str(tmp_path / "plain"), plain_schema).writer()
    for report in reports:
        for position, section in enumerate(report.sections):
            fields = {"report_id": report.report_id, "content": section.heading + "\n" + section.text}
            if position == 0:
                fields["title"] = report.title
            writer.add_document(**fields)
    writer.commit()

    ours = words_index.create(tmp_path / "ours")
    writer = words_index.writer(ours)
    assert isinstance(writer.pool, words_index.TermGroupedPool)
    for report in reports:
        words_index.add_report(writer, report, words_index.report_words(report))
    writer.commit()

    keep = {"report_id", "title", "content"}
    expected = _postings(tmp_path / "plain")
    got = {key: value for key, value in _postings(tmp_path / "ours").items() if key[0] in keep}
    assert got == expected
    assert len(expected) > 500
    assert _lengths(tmp_path / "ours", ("title", "content")) == _lengths(tmp_path / "plain", ("title", "content"))


def _lengths(folder: Path, fieldnames: tuple[str, ...]) -> tuple[int, list[tuple[int, ...]], list[int]]:
    """Document count, each document's field lengths and each field's total."""
    from whoosh.index import open_dir

    with open_dir(str(folder)).reader() as reader:
        return (
            reader.doc_count_all(),
            [tuple(reader.doc_field_length(d, f) for f in fieldnames) for d in range(reader.doc_count_all())],
            [reader.field_length(f) for f in fieldnames],
        )


def test_fast_add_document_writes_what_whoosh_add_document_writes(tmp_path, monkeypatch):
    """words_index.add_document hands a counted field's postings to the pool
    at once; Whoosh's own add_document, given the same fields, must write
    the same index: every posting of every field, and every length."""
    from search_service.config import PROJECT_ROOT

    source = PROJECT_ROOT / "tests" / "fixtures" / "real_shapes"
    files = [p for p in sorted(source.iterdir()) if p.suffix in (".txt", ".html", ".htm", ".docx", ".pdf")][:40]
    reports = [_with_preamble(parse_file(path, source)) for path in files]
    fieldnames = tuple(words_index.schema().names())
    for name, add in (("fast", words_index.add_document), ("whoosh", lambda w, fields: w.add_document(**fields))):
        monkeypatch.setattr(words_index, "add_document", add)
        writer = words_index.writer(words_index.create(tmp_path / name))
        for report in reports:
            words_index.add_report(writer, report, words_index.report_words(report))
        writer.commit()
    assert _postings(tmp_path / "fast") == _postings(tmp_path / "whoosh")
    assert _lengths(tmp_path / "fast", fieldnames) == _lengths(tmp_path / "whoosh", fieldnames)
    assert len(_postings(tmp_path / "fast")) > 1000


def test_grouped_pool_orders_postings_added_out_of_order():
    items = [("b", b"x", 3, 1.0, b""), ("a", b"y", 5, 2.0, b"5"), ("a", b"y", 1, 1.0, b"1"), ("a", b"x", 2, 1.0, b"")]
    pool = words_index.TermGroupedPool()
    for item in items:
        pool.add(item)
    assert list(pool.iter_postings()) == sorted(items)


# ------------------------------------------------------------------ exact arrays


def _brute_positions(corpus: str, term: str) -> list[int]:
    found, start = [], corpus.find(term)
    while start != -1:
        found.append(start)
        start = corpus.find(term, start + 1)
    return found


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="法治律顾问a1。\x00", max_size=40), min_size=1, max_size=6))
def test_pair_index_finds_every_occurrence(tmp_path_factory, reports):
    corpus = "".join(r.replace("\x00", "") + "\x00" for r in reports)
    code_points = np.frombuffer(corpus.encode("utf-32-le"), dtype="<u4")
    arrays = build_pair_arrays(code_points)
    folder = tmp_path_factory.mktemp("exact")
    save_pairs(folder, arrays)
    unit_start = np.array([0, len(corpus)], dtype=np.int64)
    index = ExactIndex(folder, unit_start, np.array([len(corpus)]), np.array([0], dtype=np.int32), np.array([0]), 1)
    plain = PairIndex(arrays)  # the writer's plain way, for the words whose parts it stores
    for term in ["法", "律", "a", "法治", "顾问", "律顾问", "法治律", "1。", "。法", "问问"]:
        assert index.occurrences(term).tolist() == _brute_positions(corpus, term), term
        if len(term) > 1:
            assert plain.occurrences(term).tolist() == _brute_positions(corpus, term), term


def test_dense_and_argsort_builds_agree():
    rng = np.random.default_rng(7)
    cps = rng.integers(0, 40, 5000).astype(np.uint32) * np.uint32(1000)
    cps[-1] = 0
    alphabet = np.flatnonzero(np.bincount(cps)).astype(np.uint32)
    dense, fallback = _group_dense(_dense_entries(cps, alphabet), alphabet), _build_argsort(cps)
    for name in PAIRS:
        assert dense[name].tolist() == fallback[name].tolist(), name


def test_dense_build_is_chunked_without_seams(monkeypatch):
    rng = np.random.default_rng(3)
    cps = rng.integers(0, 6, 3001).astype(np.uint32)
    cps[-1] = 0
    whole = build_pair_arrays(cps)
    monkeypatch.setattr(pairs, "_CHUNK", 7)
    for name, array in build_pair_arrays(cps).items():
        assert array.tolist() == whole[name].tolist(), name


# ------------------------------------------------------------------ traditional


def test_characters_outside_the_table_are_never_converted():
    table = changeable_characters()
    sample = [chr(cp) for cp in range(0x4E00, 0x9FFF, 7)]
    for ch in sample:
        if not table[ord(ch)]:
            assert to_simplified(ch) == ch, ch
    assert table[ord("鎮")] and table[ord("學")] and not table[ord("镇")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="本鎮镇深入學学習习貫彻徹法治思想，著乾。abc", max_size=80))
def test_skipping_conversion_never_misses_a_traditional_text(text):
    if is_traditional(text, to_simplified(text)):
        assert may_be_traditional(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本镇深入学习贯彻习近平法治思想，著力推进依法行政。" * 20, False),
        ("本鎮深入學習貫徹習近平法治思想，著力推進依法行政。" * 20, True),
    ],
)
def test_traditional_texts_are_still_found(text, expected):
    from search_service.ingest.traditional import to_paragraphs

    assert to_paragraphs(text)[1] is expected


def test_sample_index_still_loads(sample_index):
    generation = current_commit(sample_index)
    assert generation is not None
    assert len(load_reports(generation)) == 5


def test_field_lengths_read_once_per_commit_write_the_same_index(tmp_path):
    """words_index.writer gives its commit the documents' field lengths from
    a list read once per field; Whoosh reads them from the file for each
    posting. The postings and their blocks' length statistics must agree."""
    from search_service.config import PROJECT_ROOT

    source = PROJECT_ROOT / "tests" / "fixtures" / "unseen"
    files = [p for p in sorted(source.iterdir()) if p.suffix in (".txt", ".html", ".htm", ".docx", ".pdf")][:40]
    reports = [_with_preamble(parse_file(path, source)) for path in files]
    ours = words_index.writer(words_index.create(tmp_path / "ours"))
    plain = words_index.create(tmp_path / "plain").writer()
    plain.pool = words_index.TermGroupedPool()
    for writer in (ours, plain):
        for report in reports:
            words_index.add_report(writer, report, words_index.report_words(report))
        writer.commit()
    postings = _postings(tmp_path / "ours")
    assert postings == _postings(tmp_path / "plain")
    assert len({posting[3:5] for found in postings.values() for posting in found}) > 50  # many block lengths
