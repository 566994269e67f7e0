"""Traditional-character reports: detect them and give parsing simplified
paragraphs that remember the original.

Every pattern in parsing is written in simplified characters, and the
contract matches simplified text, so a traditional report is parsed through
its simplified form; the original of each paragraph is kept for display.

OpenCC's pure-Python conversion is slow (it was 40% of parsing), so a report
is converted only when it may be traditional. The test is exact, not a
guess: t2s maps every dictionary key to a value of the same length, so every
character it changes is one of the characters its dictionaries change
(`changeable_characters`). Counting those in a text bounds how many
characters conversion could change; when that bound already fails the
traditional test, conversion could not pass it either and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from search_service.text import to_simplified

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Share of Chinese characters that OpenCC's t2s changes. Simplified text
# scores ~0 (a rare 著/乾 at most); traditional text scores 15-30%.
TRADITIONAL_SHARE = 0.03
# Fewer changed characters than this is noise whatever the share.
MIN_CHANGED = 3
# OpenCC's t2s chain (opencc/config/t2s.json): phrases, then characters.
_T2S_DICTIONARIES = ("TSPhrases.txt", "TSCharacters.txt")


@dataclass(frozen=True)
class Paragraph:
    """One line of the report: `text` simplified, `original` as written."""

    text: str
    original: str


@lru_cache(maxsize=1)
def changeable_characters() -> np.ndarray:
    """A boolean table over code points: True for every character that t2s
    may change (a key character whose value differs at that place).

    Raises ValueError if a dictionary maps a key to a value of another
    length, which would break the bound this module relies on."""
    import opencc

    table = np.zeros(0x110000, dtype=bool)
    folder = Path(opencc.__file__).parent / "dictionary"
    for name in _T2S_DICTIONARIES:
        for line in (folder / name).read_text("utf-8").splitlines():
            key, _, values = line.partition("\t")
            if not key or not values:
                continue
            value = values.split(" ")[0]  # OpenCC takes the first choice
            if len(value) != len(key):
                raise ValueError(f"t2s maps {key!r} to {value!r} of another length")
            for a, b in zip(key, value, strict=True):
                if a != b:
                    table[ord(a)] = True
    return table


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


def _cjk_count(code_points: np.ndarray) -> int:
    return int(
        (
            ((code_points >= 0x3400) & (code_points <= 0x9FFF)) | ((code_points >= 0xF900) & (code_points <= 0xFAFF))
        ).sum()
    )


def may_be_traditional(text: str) -> bool:
    """False when conversion could not change enough characters for the
    text to count as traditional (then it need not be converted at all)."""
    cps = _code_points(text)
    changeable = int(changeable_characters()[cps].sum())
    if changeable < MIN_CHANGED:
        return False
    total = _cjk_count(cps)
    return total > 0 and changeable / total >= TRADITIONAL_SHARE


def is_traditional(text: str, simplified: str) -> bool:
    """True when the text is written in traditional characters."""
    total = len(_CJK.findall(text))
    if total == 0:
        return False
    changed = sum(1 for a, b in zip(text, simplified, strict=False) if a != b)
    return changed >= MIN_CHANGED and changed / total >= TRADITIONAL_SHARE


def to_paragraphs(text: str) -> tuple[list[Paragraph], bool]:
    """The non-empty lines of `text` as paragraphs, and whether the text is
    traditional (then each paragraph's text is its simplified form)."""
    traditional = may_be_traditional(text) and is_traditional(text, to_simplified(text))
    originals = [line.strip() for line in text.split("\n")]
    converted = [to_simplified(line) for line in originals] if traditional else originals
    paragraphs = [Paragraph(s, o) for s, o in zip(converted, originals, strict=True) if s]
    return paragraphs, traditional
