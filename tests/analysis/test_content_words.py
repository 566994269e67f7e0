"""The words the analyses count: no stop words, single characters or numbers."""

from __future__ import annotations

import pytest

from search_service.segments.content_words import is_content_word, stop_words


@pytest.mark.parametrize("word", ["法律顾问", "八五普法", "多元化", "app"])
def test_content_words_are_kept(word):
    assert is_content_word(word)


@pytest.mark.parametrize(
    "word", ["的", "法", "2024", "12345", "5g", "第一", "十四五", "一批", "三年", "进一步", "工作", "以及"]
)
def test_function_words_single_characters_and_numbers_are_dropped(word):
    assert not is_content_word(word)


def test_the_stop_word_list_reads_without_comments():
    assert "进一步" in stop_words()
    assert not any(w.startswith("#") or " " in w for w in stop_words())
