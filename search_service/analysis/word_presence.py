"""Which content words each report contains, read once per index generation
from the Whoosh word index and kept in memory.

Counting, for a result set, how many of its reports contain each word must
take milliseconds, so the Whoosh postings (word -> sections) are turned into
one report-major sparse matrix (CSR without values: a row of sorted word ids
per report ordinal). A set's counts are then one gather and one bincount.

Reading the postings is the slow part (pure-Python Whoosh matchers), so the
matrix is built once per generation and per process, under a lock (one
build even when many requests ask at once), and kept in a small cache keyed
by the generation's folder: a rebuilt index gets a new matrix, the old one is
dropped. The word index has no stored fields, so which report a Whoosh
document belongs to is read from the postings of its `report_id` field.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from search_service.analysis.content_words import is_content_word
from search_service.search import OpenIndex
from search_service.words_index import open_words

log = logging.getLogger(__name__)

# Generations kept: the live one, and the one before while requests on it finish.
_CACHED_GENERATIONS = 2
# Fields of the word index whose words belong to the report.
_WORD_FIELDS = ("title", "content")


@dataclass
class WordPresence:
    """Report x content word incidence of one generation. Immutable once
    built, but for `_collections`, a cache of collection counts under a lock."""

    generation: str
    vocabulary: tuple[str, ...]  # word id -> word
    indptr: np.ndarray  # int64, report_count + 1: row r is term_ids[indptr[r]:indptr[r+1]]
    term_ids: np.ndarray  # int32
    _collections: dict[str, tuple[np.ndarray, int]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def report_count(self) -> int:
        return len(self.indptr) - 1

    def counts(self, ordinals: np.ndarray) -> np.ndarray:
        """For each word, how many of the reports `ordinals` (distinct) contain it."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        starts = self.indptr[ordinals]
        lengths = self.indptr[ordinals + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(len(self.vocabulary), dtype=np.int64)
        # The positions of every selected row's entries, without a Python loop:
        # each row's start, shifted by where the row begins in the output.
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        positions = np.arange(total, dtype=np.int64) + shift
        return np.bincount(self.term_ids[positions], minlength=len(self.vocabulary))

    def collection_counts(self, name: str, ordinals_of: Callable[[], np.ndarray]) -> tuple[np.ndarray, int]:
        """(counts, size) of a named background set, computed once by
        `ordinals_of()` and then kept (the whole collection is asked for on
        every request)."""
        with self._lock:
            cached = self._collections.get(name)
        if cached is not None:
            return cached
        ordinals = ordinals_of()
        found = (self.counts(ordinals), len(ordinals))
        with self._lock:
            self._collections[name] = found
        return found


_cache: OrderedDict[str, WordPresence] = OrderedDict()
_build_locks: dict[str, threading.Lock] = {}
_cache_lock = threading.Lock()


def word_presence(index: OpenIndex) -> WordPresence:
    """The generation's matrix, built on first use (thread-safe)."""
    key = str(index.folder)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
        build_lock = _build_locks.setdefault(key, threading.Lock())
    with build_lock:
        with _cache_lock:
            found = _cache.get(key)
        if found is None:
            found = read_word_presence(index)
            with _cache_lock:
                _cache[key] = found
                while len(_cache) > _CACHED_GENERATIONS:
                    old, _ = _cache.popitem(last=False)
                    _build_locks.pop(old, None)
    return found


def read_word_presence(index: OpenIndex) -> WordPresence:
    """Read the generation's Whoosh word index into a WordPresence.

    A reader function words_index.py does not have: it walks every term of
    the title and content fields (content words only) and every document of
    the report_id field. Deleted documents (left by an update) are skipped by
    Whoosh's postings."""
    started = time.perf_counter()
    vocabulary: dict[str, int] = {}
    pair_chunks: list[np.ndarray] = []
    words_ix = open_words(index.folder / "whoosh")
    with words_ix.reader() as reader:
        for leaf, _base in reader.leaf_readers():
            doc_report = np.full(leaf.doc_count_all(), -1, dtype=np.int64)
            for raw in leaf.lexicon("report_id"):
                ordinal = index.by_id.get(raw.decode("utf-8"))
                if ordinal is not None:
                    doc_report[list(leaf.postings("report_id", raw).all_ids())] = ordinal
            for fieldname in _WORD_FIELDS:
                if fieldname not in leaf.indexed_field_names():
                    continue
                for raw in leaf.lexicon(fieldname):
                    word = raw.decode("utf-8")
                    if not is_content_word(word):
                        continue
                    docs = np.fromiter(leaf.postings(fieldname, raw).all_ids(), dtype=np.int64)
                    reports = doc_report[docs]
                    reports = reports[reports >= 0]
                    if len(reports) == 0:
                        continue
                    word_id = vocabulary.setdefault(word, len(vocabulary))
                    pair_chunks.append(reports * (1 << 24) + word_id)
    if len(vocabulary) >= 1 << 24:
        raise ValueError(f"{len(vocabulary)} words: more than the pair encoding holds")
    pairs = np.unique(np.concatenate(pair_chunks)) if pair_chunks else np.zeros(0, dtype=np.int64)
    rows = pairs >> 24
    term_ids = (pairs & ((1 << 24) - 1)).astype(np.int32)
    indptr = np.searchsorted(rows, np.arange(index.report_count + 1), side="left").astype(np.int64)
    log.info(
        "word presence of %s: %d reports, %d words, %d entries in %.1f s",
        index.generation,
        index.report_count,
        len(vocabulary),
        len(term_ids),
        time.perf_counter() - started,
    )
    return WordPresence(
        generation=index.generation,
        vocabulary=tuple(sorted(vocabulary, key=vocabulary.__getitem__)),
        indptr=indptr,
        term_ids=term_ids,
    )
