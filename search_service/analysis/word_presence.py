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

A build can save the matrix into the generation (`write_word_presence`,
word_presence.npz, a few MB); readers then load it in milliseconds instead
of reading Whoosh (several seconds at 20,000 reports) on their first request.
The file names the content-word rule it was made with, and a file made with
another is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.reading import IndexReader

from search_service.analysis.content_words import RULE_VERSION, is_content_word, stop_words
from search_service.search import OpenIndex
from search_service.words_index import open_words

log = logging.getLogger(__name__)

# Generations kept: the live one, and the one before while requests on it finish.
_CACHED_GENERATIONS = 2
# Fields of the word index whose words belong to the report.
_WORD_FIELDS = ("title", "content")
PRESENCE_FILE = "word_presence.npz"
# (report, word) pairs are coded as report * _PAIR_BASE + word.
_PAIR_BASE = 1 << 24


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
            found = load_word_presence(index) or read_word_presence(index)
            with _cache_lock:
                _cache[key] = found
                while len(_cache) > _CACHED_GENERATIONS:
                    old, _ = _cache.popitem(last=False)
                    _build_locks.pop(old, None)
    return found


def content_rule_identity() -> str:
    """What decided which words count: the rule's version and the stop words."""
    digest = hashlib.sha1("\n".join(sorted(stop_words())).encode("utf-8")).hexdigest()[:16]
    return f"{RULE_VERSION}/stop-{digest}"


def write_word_presence(index: OpenIndex) -> Path:
    """Save the index's matrix into its commit folder (written to a
    temporary file, then renamed). Builds do not call it: each segment has
    its own matrix (write_segment_presence), combined when first asked for."""
    return _save(read_word_presence(index), index.folder / PRESENCE_FILE)


def _save(presence: WordPresence, target: Path) -> Path:
    partial = target.with_name(f".{PRESENCE_FILE}.{os.getpid()}.tmp")
    with open(partial, "wb") as out:
        np.savez(
            out,
            identity=np.array(content_rule_identity()),
            vocabulary=np.array(presence.vocabulary, dtype=str),
            indptr=presence.indptr,
            term_ids=presence.term_ids,
        )
    os.replace(partial, target)
    return target


def _load(path: Path, report_count: int, generation: str) -> WordPresence | None:
    try:
        with np.load(path) as saved:
            if str(saved["identity"]) != content_rule_identity() or len(saved["indptr"]) != report_count + 1:
                log.info("ignoring %s: made with another content-word rule or index", path)
                return None
            return WordPresence(
                generation=generation,
                vocabulary=tuple(saved["vocabulary"].tolist()),
                indptr=saved["indptr"],
                term_ids=saved["term_ids"],
            )
    except FileNotFoundError:
        return None


def write_segment_presence(folder: Path, report_ids: list[str]) -> Path:
    """A segment's matrix (local ordinals, vocabulary sorted) into its folder."""
    ordinal = {report_id: i for i, report_id in enumerate(report_ids)}
    presence = _read_words(folder / "whoosh", ordinal, len(report_ids), folder.name)
    return _save(presence, folder / PRESENCE_FILE)


def load_word_presence(index: OpenIndex) -> WordPresence | None:
    """The matrix saved in the commit, else the segments' matrices combined;
    None when one is missing or was made with another content-word rule."""
    saved = _load(index.folder / PRESENCE_FILE, index.report_count, index.generation)
    if saved is not None or (index.folder / PRESENCE_FILE).exists():
        return saved
    parts = []
    for part in index.segments.parts:
        found = _load(part.segment.folder / PRESENCE_FILE, part.segment.report_count, part.segment.name)
        if found is None:
            return None
        parts.append((found, part.report_global))
    return _combine(parts, index.report_count, index.generation)


def read_word_presence(index: OpenIndex) -> WordPresence:
    """Read the segments' Whoosh word indexes into one WordPresence."""
    parts = []
    for part in index.segments.parts:
        seg = part.segment
        ordinal = {str(r): i for i, r in enumerate(seg.report_id.tolist())}
        parts.append((_read_words(seg.folder / "whoosh", ordinal, seg.report_count, seg.name), part.report_global))
    return _combine(parts, index.report_count, index.generation)


def _combine(parts: list[tuple[WordPresence, np.ndarray]], report_count: int, generation: str) -> WordPresence:
    """One matrix over global ordinals from per-segment matrices (local
    ordinals; -1 in the map: deleted). Vocabularies are sorted, so mapping
    word ids to the union's keeps every row sorted: a gather, no sort."""
    vocabulary = sorted({w for presence, _ in parts for w in presence.vocabulary})
    word_id = {w: i for i, w in enumerate(vocabulary)}
    lengths = np.zeros(report_count, dtype=np.int64)
    pieces: list[tuple[np.ndarray, np.ndarray, WordPresence, np.ndarray]] = []
    for presence, report_global in parts:
        table = np.array([word_id[w] for w in presence.vocabulary], dtype=np.int32)
        local = np.flatnonzero(report_global >= 0)
        lengths[report_global[local]] = presence.indptr[local + 1] - presence.indptr[local]
        pieces.append((local, report_global[local], presence, table))
    indptr = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    term_ids = np.zeros(int(indptr[-1]), dtype=np.int32)
    for local, globals_, presence, table in pieces:
        starts = presence.indptr[local]
        counts = presence.indptr[local + 1] - starts
        total = int(counts.sum())
        if total == 0:
            continue
        source = np.arange(total, dtype=np.int64) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
        target = np.arange(total, dtype=np.int64) + np.repeat(indptr[globals_] - (np.cumsum(counts) - counts), counts)
        term_ids[target] = table[presence.term_ids[source]]
    return WordPresence(generation=generation, vocabulary=tuple(vocabulary), indptr=indptr, term_ids=term_ids)


def _read_words(folder: Path, ordinal_of: dict[str, int], report_count: int, name: str) -> WordPresence:
    """Read one Whoosh word index into a WordPresence (vocabulary sorted).

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
    return WordPresence(generation=name, vocabulary=tuple(words_sorted), indptr=indptr, term_ids=term_ids)


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
