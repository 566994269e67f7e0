"""The segmenter cuts exactly as jieba 0.42 does (cut without HMM, our
dictionary): on the generated corpus, every fixture and random text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import generate_reports
from search_service.config import PROJECT_ROOT
from search_service.errors import UnreadableFile
from search_service.ingest.reading import read_document
from search_service.text import _jieba_tokenizer, _segmenter, normalize, words


def _jieba_cut(text: str) -> list[str]:
    return list(_jieba_tokenizer().cut(text, HMM=False))


def _fixture_texts() -> list[tuple[str, str]]:
    texts = []
    for folder in (PROJECT_ROOT / "tests" / "fixtures", PROJECT_ROOT / "data" / "reports"):
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in {".txt", ".html", ".htm", ".docx", ".pdf"}:
                continue
            try:
                texts.append((path.name, read_document(path, path.name).text))
            except UnreadableFile:
                continue
    return texts


def test_segmenter_cuts_the_generated_corpus_as_jieba():
    segmenter = _segmenter()
    for name, text in generate_reports(60, seed=7):
        for version in (text, normalize(text)):
            assert segmenter.cut(version) == _jieba_cut(version), name


@pytest.mark.parametrize("name, text", _fixture_texts(), ids=lambda value: str(value)[:40])
def test_segmenter_cuts_every_fixture_as_jieba(name: str, text: str):
    segmenter = _segmenter()
    for version in (text, normalize(text)):
        assert segmenter.cut(version) == _jieba_cut(version), name


_ALPHABET = list(
    "法治政府建设年度报告依法行政复议应诉执法监督普法八五规划街道办事处人民政府"
    "乡镇县区市省司法局综合行政执法大队工作要点实施方案加强推进完善落实"
    "abcXYZ0123456789+#&._%- \t\r\n\u3000，。、；：？！（）《》“”…—·"
) + ["\u9fd5", "\u9fd6", "\u9fff", "\u3400", "\u4e00", "\uf900", "\U00020000", "\r\n", "e\u0301", "ａ", "２"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALPHABET), max_size=120).map("".join))
def test_segmenter_cuts_random_text_as_jieba(text: str):
    assert _segmenter().cut(text) == _jieba_cut(text)


def test_words_are_jiebas_tokens_with_punctuation_dropped():
    text = "2024年，某某县司法局（县普法办）聘请法律顾问ABC12人。"
    expected = [
        (word, start, end)
        for word, start, end in _jieba_tokenizer().tokenize(normalize(text), HMM=False)
        if any(c.isalnum() or c == "_" for c in word)
    ]
    assert list(words(text)) == expected


def test_fixture_texts_were_found():
    assert len(_fixture_texts()) > 100 and Path(PROJECT_ROOT / "data" / "reports").is_dir()
