"""The contract's normalisation ("mentions" rule) and the jieba word analyzer.

Both the index and every query go through the functions here, and only these,
so that index and query are always analysed identically.
"""

from __future__ import annotations

import hashlib
import re
import sys
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

# Step 3 of the rule: quotation and title marks are removed.
QUOTE_MARKS = "“”‘’\"'「」『』《》〈〉"


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, int | None]:
    """Steps 2-4 of the rule as one str.translate table: whitespace and
    quote marks removed, Latin capitals lower-cased (only Latin: Greek and
    Cyrillic stay as they are)."""
    table: dict[int, int | None] = {ord(c): None for c in QUOTE_MARKS}
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if c.isspace():
            table[cp] = None
        elif c.isupper() and "LATIN" in unicodedata.name(c, ""):
            low = c.lower()
            if len(low) == 1:
                table[cp] = ord(low)
    return table


def normalize(text: str) -> str:
    """The contract's normalisation: NFKC, no whitespace, no quote marks,
    Latin lower-case. A report mentions a term when normalize(term) is a
    substring of normalize(report text)."""
    return unicodedata.normalize("NFKC", text).translate(_fold_table())


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """normalize(text) plus, for each output character, the index of the
    input character it came from, so matches can be marked in the original.

    NFKC is applied one cluster at a time (a base character with its
    combining marks): for the scripts reports are written in this equals
    NFKC of the whole text, which a property test checks.
    """
    out: list[str] = []
    origin: list[int] = []
    i = 0
    n = len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        folded = normalize(text[i:j])
        out.append(folded)
        origin.extend([i] * len(folded))
        i = j
    return "".join(out), origin


_opencc_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    import opencc  # opencc-python-reimplemented: pure Python, no native build

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional to simplified characters (OpenCC's t2s tables)."""
    if not text:
        return text
    with _opencc_lock:
        return _t2s().convert(text)


def normalize_query_term(term: str) -> str:
    """A query term as it is matched: simplified, then the contract's rule."""
    return normalize(to_simplified(term))


# ---------------------------------------------------------------- jieba words

_DICT_RESOURCE = "domain_dict.txt"
_WORD_RE = re.compile(r"\w", re.UNICODE)
ANALYZER_VERSION = "sswords-1"


def domain_dictionary_text() -> str:
    return resources.files("search_service").joinpath("data").joinpath(_DICT_RESOURCE).read_text("utf-8")


@lru_cache(maxsize=1)
def tokenizer_identity() -> dict[str, str]:
    """What built an index's words: searching with another one is refused."""
    import jieba

    digest = hashlib.sha1(domain_dictionary_text().encode("utf-8")).hexdigest()[:16]
    return {
        "tokenizer": f"jieba-{jieba.__version__}/{ANALYZER_VERSION}",
        "dictionary": f"domain_dict-{digest}",
    }


_jieba_lock = threading.Lock()


@lru_cache(maxsize=1)
def _jieba_tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for line in domain_dictionary_text().splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            parts = word.split()
            tok.add_word(parts[0], freq=int(parts[1]) if len(parts) > 1 else 2000)
    return tok


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Jieba words of the normalised text: (word, start, end) in normalised
    offsets; punctuation dropped, digits and Latin kept, one-character words
    kept. Used identically for indexing and for queries (whose text is made
    simplified first, as ingestion does for reports)."""
    norm = normalize(text)
    tok = _jieba_tokenizer()
    with _jieba_lock:
        pieces = list(tok.tokenize(norm, HMM=False))
    for word, start, end in pieces:
        if _WORD_RE.search(word):
            yield word, start, end
