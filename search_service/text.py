"""The contract's normalisation ("mentions" rule) and the jieba word analyzer.

Both the index and every query go through the functions here, and only these,
so that index and query are always analysed identically.
"""

from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources

import numpy as np

# Step 3 of the rule: quotation and title marks are removed.
QUOTE_MARKS = "“”‘’\"'「」『』《》〈〉"


class _FoldTable(dict):
    """Steps 2-4 of the rule as a str.translate table: whitespace and quote
    marks removed, Latin capitals lower-cased (only Latin: Greek and Cyrillic
    stay as they are).

    Filled one character at a time on first sight (every character maps to
    something, itself at least), so no process pays for all of Unicode up
    front (about 0.1-0.6 s, on gunicorn's first request) and translate finds
    each character without a failed lookup. Values depend only on the
    character, so sharing the table between threads is safe."""

    def __missing__(self, cp: int) -> int | None:
        c = chr(cp)
        folded: int | None = cp
        if c in QUOTE_MARKS or c.isspace():
            folded = None
        elif c.isupper() and "LATIN" in unicodedata.name(c, ""):
            low = c.lower()
            if len(low) == 1:
                folded = ord(low)
        self[cp] = folded
        return folded


_FOLD = _FoldTable()

# Characters whose NFKC is the same in any context: NFKC of a text made only
# of them is the NFKC of each character, joined. Each one decomposes (NFKD)
# into characters of combining class 0 none of which composes with a
# character before it (not the second of any canonical pair, nor a Hangul
# vowel or final jamo), so nothing is reordered or composed across
# characters; a test checks this of every character listed. They cover what
# reports are written in: ASCII, Latin-1 signs, general punctuation, arrows,
# numbers in circles, box drawing, CJK punctuation and ideographs, full-width
# forms. Other characters take unicodedata's path.
_CONTEXT_FREE_RANGES = (
    "\t-\r -~\xa0-\xa7\xa9-\xae\xb0-\xb3\xb5-\xb7\xb9-\xbf\xd7\xf7"
    "\u2010-\u2016\u2018-\u203d\u203f-\u205e\u2100-\u212a\u212c-\u218b\u2190-\u2199\u219c-\u21ad"
    "\u21af-\u21cc\u21d0-\u21ff\u2460-\u26ff\u2e80-\u2fdf\u3000-\u3029\u3030-\u303f\u3200-\u320d"
    "\u321f-\u326d\u327f-\u32ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe48\ufe4d-\ufe6f"
    "\uff01-\uff60\uffe0-\uffe2\uffe4-\uffee"
)
_CONTEXT_DEPENDENT = re.compile(f"[^{_CONTEXT_FREE_RANGES}]")


class _CharTable(dict):
    """normalize() of one context-free character, as a str.translate table
    (filled on first sight, like _FoldTable)."""

    def __missing__(self, cp: int) -> int | str | None:
        folded = unicodedata.normalize("NFKC", chr(cp)).translate(_FOLD)
        value: int | str | None = ord(folded) if len(folded) == 1 else folded or None
        self[cp] = value
        return value


_NORMALIZED_CHAR = _CharTable()


def normalize(text: str) -> str:
    """The contract's normalisation: NFKC, no whitespace, no quote marks,
    Latin lower-case. A report mentions a term when normalize(term) is a
    substring of normalize(report text).

    A text of context-free characters (nearly every report) is normalised
    by one table look-up per character, a third of unicodedata's time; the
    result is the same, which tests check."""
    if _CONTEXT_DEPENDENT.search(text) is None:
        return text.translate(_NORMALIZED_CHAR)
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """normalize(text) plus, for each output character, the index of the
    input character it came from, so matches can be marked in the original.

    NFKC is applied one cluster at a time (a base character with its
    combining marks): for the scripts reports are written in this equals
    NFKC of the whole text, which a property test checks.
    """
    norm, origin = normalize_with_origin(text)
    return norm, origin.tolist()


# What normalize() makes of each character of the BMP, learnt on first sight:
# the one character it becomes, or _DELETED (it becomes nothing), or _OTHER
# (it becomes several, or is a combining mark: see _OTHER_CHARS), or _UNKNOWN.
_BMP = 0x10000
_UNKNOWN = 0xFFFFFFFD
_OTHER = 0xFFFFFFFE
_DELETED = 0xFFFFFFFF
_CHAR_TABLE = np.full(_BMP, _UNKNOWN, dtype=np.uint32)
_OTHER_CHARS: dict[int, tuple[bool, str]] = {}  # code point -> (is combining, normalize(char))
_chars_lock = threading.Lock()


def _char_facts(c: str) -> tuple[bool, str]:
    return unicodedata.combining(c) != 0, normalize(c)


def _learn_characters(code_points: np.ndarray) -> None:
    with _chars_lock:
        for cp in np.unique(code_points).tolist():
            if _CHAR_TABLE[cp] != _UNKNOWN:
                continue
            combining, folded = _char_facts(chr(cp))
            if combining or len(folded) > 1:
                _OTHER_CHARS[cp] = (combining, folded)
                _CHAR_TABLE[cp] = _OTHER
            else:
                _CHAR_TABLE[cp] = ord(folded) if folded else _DELETED


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def _from_code_points(code_points: np.ndarray) -> str:
    return code_points.astype("<u4", copy=False).tobytes().decode("utf-32-le", "surrogatepass")


def normalize_with_origin(text: str) -> tuple[str, np.ndarray]:
    """normalize_with_offsets with the origins as an int64 array, computed
    with array operations: each character is a table lookup. Characters that
    become several (… becomes ...), combining marks and characters beyond the
    BMP take a slower path. The result is the same as the one-cluster-at-a-time
    definition, which a property test checks."""
    n = len(text)
    if n == 0:
        return "", np.zeros(0, dtype=np.int64)
    cps = _code_points(text)
    if int(cps.max()) >= _BMP:
        return _normalize_clusters(text, [_char_facts(c) for c in text])
    mapped = _CHAR_TABLE[cps]
    unknown = mapped == _UNKNOWN
    if unknown.any():
        _learn_characters(cps[unknown])
        mapped = _CHAR_TABLE[cps]
    other = np.flatnonzero(mapped == _OTHER)
    if len(other) == 0:
        kept = mapped != _DELETED
        if kept.all():
            return _from_code_points(mapped), np.arange(n, dtype=np.int64)
        return _from_code_points(mapped[kept]), np.flatnonzero(kept)
    other_facts = [_OTHER_CHARS[cp] for cp in cps[other].tolist()]
    if any(combining for combining, _ in other_facts):
        facts = [
            _OTHER_CHARS[cp] if m == _OTHER else (False, "" if m == _DELETED else chr(m))
            for cp, m in zip(cps.tolist(), mapped.tolist(), strict=True)
        ]
        return _normalize_clusters(text, facts)
    # Some characters become several (… becomes ...): lay them out by length.
    length = (mapped != _DELETED).astype(np.int64)
    pieces = [folded for _, folded in other_facts]
    length[other] = [len(piece) for piece in pieces]
    out_start = np.cumsum(length) - length
    out = np.empty(int(out_start[-1] + length[-1]), dtype=np.uint32)
    single = length == 1
    out[out_start[single]] = mapped[single]
    for start, piece in zip(out_start[other].tolist(), pieces, strict=True):
        out[start : start + len(piece)] = _code_points(piece)
    return _from_code_points(out), np.repeat(np.arange(n, dtype=np.int64), length)


def _normalize_clusters(text: str, facts: list[tuple[bool, str]]) -> tuple[str, np.ndarray]:
    """The definition, given each character's (is combining, normalize(char)):
    a base character and the combining marks after it are normalised as one
    piece, attributed to the base character."""
    pieces: list[str] = []
    origin: list[int] = []
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and facts[j][0]:
            j += 1
        piece = facts[i][1] if j == i + 1 else normalize(text[i:j])
        pieces.append(piece)
        origin.extend([i] * len(piece))
        i = j
    return "".join(pieces), np.array(origin, dtype=np.int64)


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
# Bump when normalize() changes: an index's texts were normalised by it, and
# an update reuses them, so index and queries must agree on it.
NORMALIZATION_VERSION = "fold-1"


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
        "normalization": f"{NORMALIZATION_VERSION}/unicode-{unicodedata.unidata_version}",
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


@lru_cache(maxsize=1)
def _built_segmenter():
    from search_service.segmenter import Segmenter

    return Segmenter(_jieba_tokenizer())


def _segmenter():
    with _jieba_lock:  # built once, not by two threads at a time
        return _built_segmenter()


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Jieba words of the normalised text: (word, start, end) in normalised
    offsets; punctuation dropped, digits and Latin kept, one-character words
    kept. Used identically for indexing and for queries (whose text is made
    simplified first, as ingestion does for reports). The words are jieba's
    `tokenize(norm, HMM=False)`, cut by `segmenter.Segmenter`."""
    norm = normalize(text)
    start = 0
    for word in _segmenter().cut(norm):
        end = start + len(word)
        if _WORD_RE.search(word):
            yield word, start, end
        start = end
