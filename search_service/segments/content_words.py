"""Which jieba words are content words: what the analyses count.

Function words, stock phrases, single characters and numbers are in nearly
every report and every part of one, so they would fill any list of shared,
missing or distinctive words while saying nothing. The list of stop words is
data (stopwords.txt, beside this module); the rest is a rule.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

# Bump when the rule below changes (saved matrices name it: word_presence.py).
RULE_VERSION = "content-1"

# A word made only of these is a number, an ordinal or a count (2024, 第一,
# 十四五, 三年, 一批, 5%): no content.
_NUMBER_CHARACTERS = frozenset("0123456789.%〇零一二三四五六七八九十百千万亿两第年月日号个项次件余多条名家起场期批")


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The project's stop words (stopwords.txt)."""
    text = resources.files("search_service.segments").joinpath("stopwords.txt").read_text("utf-8")
    return frozenset(w for line in text.splitlines() if (w := line.split("#", 1)[0].strip()))


def is_number(word: str) -> bool:
    """A word with an Arabic digit, or made only of numerals and counters."""
    return any("0" <= c <= "9" for c in word) or all(c in _NUMBER_CHARACTERS for c in word)


def is_content_word(word: str) -> bool:
    """Two characters or more, not a stop word, not a number."""
    return len(word) >= 2 and word not in stop_words() and not is_number(word)
