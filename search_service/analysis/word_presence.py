"""Which content words each report contains, per segment, memory-mapped.

Counting, for a result set, how many of its reports contain each word must
take milliseconds, so each segment keeps its Whoosh postings (word ->
sections) turned into a report-major sparse matrix (CSR without values: a
row of sorted word ids per report of the segment). A set's counts are then,
per segment, one gather and one bincount, added into the counts of the
union of the segments' vocabularies.

A build writes each segment's matrix beside its other arrays
(`PresenceCollector`: presence.json with the content-word rule and the
segment's words, presence.indptr.npy and presence.term_ids.npy); readers map
the arrays, so a worker answering terms requests holds only the vocabulary
and what a count gathers (counted a few million entries at a time), not a
copy of the matrix (about 0.9 GB at 1,000,000 reports). A segment written
before keeps its matrix in word_presence.npz (read into memory); a segment
with neither, or made with another content-word rule, is read from its
Whoosh index (pure-Python matchers: seconds per 20,000 reports), once per
commit point and process, under a lock, and kept in a small cache keyed by the
commit point's folder.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader

from search_service.search import OpenIndex
from search_service.segments import toc
from search_service.segments.content_words import is_content_word
from search_service.segments.presence import PresencePart, load_part
from search_service.words_index import open_words

log = logging.getLogger(__name__)

# Commit points kept: the live one, and the one before while requests on it finish.
_CACHED_COMMITS = 2
# Fields of the word index whose words belong to the report.
_WORD_FIELDS = ("title", "content")
# (report, word) pairs are coded as report * _PAIR_BASE + word.
_PAIR_BASE = 1 << 24


# Matrix entries gathered at once when counting: bounds a count's temporary
# memory (a whole collection's background set reads every entry).
_CHUNK_ENTRIES = 1 << 22


def count_rows(part: PresencePart, rows: np.ndarray) -> np.ndarray:
    """For each of a part's words, how many of `rows` (distinct local
    ordinals) contain it, gathering at most _CHUNK_ENTRIES at a time."""
    counts = np.zeros(len(part.words), dtype=np.int64)
    if len(rows) == part.row_count:  # every row (they are distinct): no gather
        for start in range(0, len(part.term_ids), _CHUNK_ENTRIES):
            counts += np.bincount(part.term_ids[start : start + _CHUNK_ENTRIES], minlength=len(part.words))
        return counts
    starts = part.indptr[rows]
    lengths = part.indptr[rows + 1] - starts
    ends = np.cumsum(lengths)
    cuts = np.searchsorted(ends, np.arange(_CHUNK_ENTRIES, int(ends[-1]) if len(ends) else 0, _CHUNK_ENTRIES))
    for first, last in zip([0, *cuts.tolist()], [*cuts.tolist(), len(rows)], strict=True):
        piece_starts, piece_lengths = starts[first:last], lengths[first:last]
        total = int(piece_lengths.sum())
        if total == 0:
            continue
        # The positions of every selected row's entries, without a Python
        # loop: each row's start, shifted by where it begins in the output.
        shift = np.repeat(piece_starts - (np.cumsum(piece_lengths) - piece_lengths), piece_lengths)
        counts += np.bincount(part.term_ids[np.arange(total, dtype=np.int64) + shift], minlength=len(part.words))
    return counts


@dataclass
class WordPresence:
    """Report x content word incidence of one commit point, over its segments'
    matrices. Immutable once built, but for `_collections`, a cache of
    collection counts under a lock."""

    commit: str  # the commit point's name
    vocabulary: tuple[str, ...]  # word id -> word, sorted
    parts: list[PresencePart]
    report_part: np.ndarray  # global report ordinal -> its part
    report_row: np.ndarray  # global report ordinal -> its row in that part
    _collections: dict[str, tuple[np.ndarray, int]] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def report_count(self) -> int:
        return len(self.report_part)

    def counts(self, ordinals: np.ndarray) -> np.ndarray:
        """For each word, how many of the reports `ordinals` (distinct) contain it."""
        ordinals = np.asarray(ordinals, dtype=np.int64)
        out = np.zeros(len(self.vocabulary), dtype=np.int64)
        rows = self.report_row[ordinals]
        which = self.report_part[ordinals] if len(self.parts) > 1 else None
        for i, part in enumerate(self.parts):
            mine = rows if which is None else rows[which == i]
            if len(mine):
                out[part.table] += count_rows(part, mine)  # a part's words map to distinct ids
        return out

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
    """The commit point's matrices, opened on first use (thread-safe)."""
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
            found = load_word_presence(index) or read_word_presence(index)
            with _cache_lock:
                _cache[key] = found
                while len(_cache) > _CACHED_COMMITS:
                    old, _ = _cache.popitem(last=False)
                    _build_locks.pop(old, None)
    return found


def load_word_presence(index: OpenIndex) -> WordPresence | None:
    """The segments' saved matrices; None when one has none, or one made
    with another content-word rule."""
    parts = []
    for part in index.segments.parts:
        found = load_part(part.segment.folder, part.segment.report_count)
        if found is None:
            return None
        parts.append(found)
    return _assemble(parts, index)


def read_word_presence(index: OpenIndex) -> WordPresence:
    """The segments' Whoosh word indexes read into matrices (in memory)."""
    parts = []
    for part in index.segments.parts:
        seg = part.segment
        ordinal = {str(r): i for i, r in enumerate(seg.report_id.tolist())}
        parts.append(_read_words(seg.folder / toc.WORDS, ordinal, seg.report_count, seg.name))
    return _assemble(parts, index)


def _assemble(parts: list[PresencePart], index: OpenIndex) -> WordPresence:
    """One WordPresence over the segments' parts (in the order of
    index.segments.parts): the union of their words, sorted, and each part's
    words mapped into it. Deleted reports have no global ordinal, so no
    count reads their rows."""
    vocabulary = sorted(set().union(*(part.words for part in parts)))
    word_id = {w: i for i, w in enumerate(vocabulary)}
    for part in parts:
        part.table = np.array([word_id[w] for w in part.words], dtype=np.int64)
    return WordPresence(
        commit=index.generation,
        vocabulary=tuple(vocabulary),
        parts=parts,
        report_part=index.segments.report_segment,
        report_row=index.segments.report_local,
    )


def _read_words(folder: Path, ordinal_of: dict[str, int], report_count: int, name: str) -> PresencePart:
    """Read one Whoosh word index into a PresencePart (words sorted).

    A reader function words_index.py does not have: it walks every term of
    the title and content fields (content words only) and every document of
    the report_id field."""
    started = time.perf_counter()
    vocabulary: dict[str, int] = {}
    pair_chunks: list[np.ndarray] = []
    words_ix = open_words(folder)
    with words_ix.reader() as reader:
        for leaf, _base in reader.leaf_readers():
            doc_report = np.full(leaf.doc_count_all(), -1, dtype=np.int64)
            for raw in leaf.lexicon("report_id"):
                ordinal = ordinal_of.get(raw.decode("utf-8"))
                if ordinal is not None:
                    doc_report[list(leaf.postings("report_id", raw).all_ids())] = ordinal
            for fieldname in _WORD_FIELDS:
                if fieldname not in leaf.indexed_field_names():
                    continue
                for raw in leaf.lexicon(fieldname):
                    word = raw.decode("utf-8")
                    if not is_content_word(word):
                        continue
                    reports = doc_report[_posting_documents(leaf, fieldname, raw)]
                    reports = reports[reports >= 0]
                    if len(reports) == 0:
                        continue
                    word_id = vocabulary.setdefault(word, len(vocabulary))
                    pair_chunks.append(reports * _PAIR_BASE + word_id)
    if len(vocabulary) >= _PAIR_BASE:
        raise ValueError(f"{len(vocabulary)} words: more than the pair encoding holds")
    # Renumber words in sorted order, so that segments combine by a gather.
    words_sorted = sorted(vocabulary)
    renumber = np.zeros(max(len(vocabulary), 1), dtype=np.int64)
    renumber[[vocabulary[w] for w in words_sorted]] = np.arange(len(words_sorted))
    # (report, word) keys, sorted and distinct: a word in several sections,
    # or in the title and a section, is one entry. A sort and a comparison
    # with the neighbour: np.unique's hashing took 5 s for 9 million keys.
    pairs = np.concatenate(pair_chunks) if pair_chunks else np.zeros(0, dtype=np.int64)
    pairs = (pairs // _PAIR_BASE) * _PAIR_BASE + renumber[pairs % _PAIR_BASE]
    pairs.sort()
    if len(pairs):
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    rows = pairs // _PAIR_BASE
    term_ids = (pairs % _PAIR_BASE).astype(np.int32)
    indptr = np.searchsorted(rows, np.arange(report_count + 1), side="left").astype(np.int64)
    log.info(
        "word presence of %s: %d reports, %d words, %d entries in %.1f s",
        name,
        report_count,
        len(vocabulary),
        len(term_ids),
        time.perf_counter() - started,
    )
    return PresencePart(words=tuple(words_sorted), indptr=indptr, term_ids=term_ids)


def _posting_documents(leaf: IndexReader, fieldname: str, raw: bytes) -> np.ndarray:
    """The document numbers of a term's postings, deleted documents included.

    Whoosh's matchers yield one posting per Python call (17 s for the 8
    million postings of 20,000 generated reports); its W3 codec stores
    postings in blocks of delta-encoded ids, which are read here a block at
    a time (whoosh3 is pinned in setup.cfg). Anything else, such as the
    postings Whoosh inlines for rare terms, goes through the matcher."""
    matcher = None
    with contextlib.suppress(AttributeError):
        matcher = leaf._terms.matcher(fieldname, raw, leaf.schema[fieldname].format)
    if matcher is None:
        return np.fromiter(leaf.postings(fieldname, raw).all_ids(), dtype=np.int64)
    if not isinstance(matcher, W3LeafMatcher) or matcher._byteids:
        return np.fromiter(matcher.all_ids(), dtype=np.int64)
    blocks = []
    while True:
        matcher._read_data()
        blocks.append(np.cumsum(np.asarray(matcher._data[0], dtype=np.int64)))  # ids restart from 0 per block
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    return np.concatenate(blocks)
