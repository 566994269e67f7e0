"""One open index commit, and the handle that notices a newer one.

`open_index` opens the live commit's segments once (memory-mapping the
large arrays); an
`IndexHandle` gives the current `OpenIndex` and re-checks CURRENT at most
once per `check_interval` seconds, so a rebuilt index is picked up by every
running worker on its next request, without a restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache, partial
from pathlib import Path
from typing import Generic, TypeVar, overload

import numpy as np
from whoosh.index import EmptyIndexError

from search_service.errors import IndexIncompatible, IndexMissing, ReportNotFound
from search_service.model import CODED_FIELDS, SECTION_KINDS, Report, ReportFields
from search_service.search.exact import CommitTerms
from search_service.search.terms import TermHits
from search_service.segments import toc
from search_service.segments.format import FORMAT_VERSION, current_commit, read_first_seen, read_json
from search_service.segments.paragraphs import paragraph_count
from search_service.segments.reader import SegmentSet
from search_service.segments.records import record_fields, record_report
from search_service.text import tokenizer_identity
from search_service.words_index import open_words

log = logging.getLogger(__name__)

# The term cache of a commit: at most this many terms and bytes of their
# parts. A common term's parts grow with the collection (about 36 MB at
# 1,000,000 reports), and a worker's private memory must not.
_CACHED_TERMS = 256
_CACHED_TERM_BYTES = 64 << 20
# What depends on the commit and filters alone (a facet's counts over every
# report they leave, the sections of the reports they leave): at most this
# many values and bytes per commit.
_CACHED_KEPT = 512
_CACHED_KEPT_BYTES = 64 << 20


@dataclass
class ReportArrays:
    """Per-report attributes as arrays indexed by report ordinal."""

    year: np.ndarray
    doc_type: np.ndarray  # int8 code: its place in model.DOC_TYPES
    codes: dict[str, np.ndarray]  # coded field -> int32 code (-1: unknown)
    values: dict[str, list[str]]  # place field -> value of each code
    by_value: dict[str, np.ndarray]  # place field -> every code, their values in sorted order
    value_array: dict[str, np.ndarray]  # place field -> values as an object array (values[code] for many codes)
    code_of: dict[str, dict[str, int]]  # place field -> value -> code


@dataclass
class UnitArrays:
    report: np.ndarray
    kind: np.ndarray
    first_of_report: np.ndarray  # report ordinal -> its first unit

    @cached_property
    def repeated_kind(self) -> np.ndarray:
        """Per section: whether its report has another section of its kind
        (few do; the section facet counts reports, not sections, so only
        these need telling apart)."""
        kinds = int(self.kind.max(initial=0)) + 1
        pairs = self.report.astype(np.int64) * kinds + self.kind
        return np.bincount(pairs, minlength=int(pairs.max(initial=0)) + 1)[pairs] > 1

    @cached_property
    def single_of_kind(self) -> list[np.ndarray]:
        """Per section kind (model.SECTION_KINDS), a mask of the sections of
        that kind that are their report's only one of it: counting a mask's
        sections in each is counting reports (a bit per section and kind)."""
        single = ~self.repeated_kind
        return [single & (self.kind == code) for code in range(len(SECTION_KINDS))]

    @cached_property
    def repeated_units(self) -> np.ndarray:
        """The sections whose report has another of their kind (sorted)."""
        return np.flatnonzero(self.repeated_kind)


class Records(Sequence[dict]):
    """Every report's stored record, by ordinal, read from its segment when
    asked; the most recently read are kept (a page of results reads each
    of its reports several times). A worker's memory grows with what it
    shows, not with the collection."""

    CACHED = 4096

    def __init__(self, segments: SegmentSet) -> None:
        self._segments = segments
        self._read = lru_cache(maxsize=self.CACHED)(segments.record)

    def __len__(self) -> int:
        return self._segments.report_count

    @overload
    def __getitem__(self, ordinal: int) -> dict: ...
    @overload
    def __getitem__(self, ordinal: slice) -> list[dict]: ...

    def __getitem__(self, ordinal: int | slice) -> dict | list[dict]:
        if isinstance(ordinal, slice):
            return [self[i] for i in range(*ordinal.indices(len(self)))]
        if not -len(self) <= ordinal < len(self):
            raise IndexError(ordinal)
        return self._read(int(ordinal) % len(self))


class _Exact:
    """The exact index of every live segment, for callers that ask it
    directly (suggestions): occurrence tests and hits in global ordinals.
    It holds the segments, not the OpenIndex: no reference cycle, so a
    replaced index is freed by reference counting (see service.py)."""

    def __init__(self, terms: CommitTerms) -> None:
        self._terms = terms

    def occurrences(self, norm_term: str) -> np.ndarray:
        """Report ordinals holding the term (non-empty exactly when it occurs)."""
        return self._terms.hits(norm_term).reports

    def hits(self, norm_term: str) -> TermHits:
        return self._terms.hits(norm_term)


class OpenIndex:
    """A commit point opened for reading: every live segment, numbered as
    one collection (segments/reader.py). Immutable; safe across threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = folder.name
        try:
            meta = read_json(folder / toc.META)
        except (OSError, ValueError) as exc:
            raise IndexMissing(f"the index at {folder} cannot be read: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format_version") != FORMAT_VERSION:
            raise IndexIncompatible(
                f"the index at {folder} has format {meta.get('format_version') if isinstance(meta, dict) else '?'}, "
                f"this version reads format {FORMAT_VERSION}: rebuild it with `search-service index build`"
            )
        identity = tokenizer_identity()
        for key, expected in identity.items():
            if meta.get(key) != expected:
                raise IndexIncompatible(
                    f"the index was built with {key} {meta.get(key)!r} but this service uses {expected!r}; "
                    "searching it would silently miss words: rebuild it with `search-service index build`"
                )
        self.meta = meta
        try:
            self.segments = SegmentSet(folder)
        except (OSError, ValueError, KeyError) as exc:
            raise IndexMissing(f"the index at {folder} cannot be read: {exc}") from exc
        seg = self.segments
        # The stored records (report_record), read from disk when
        # asked; callers read them through fields_of and report, which give
        # dataclasses.
        self.records = Records(seg)
        self.report_id = seg.report_id
        self.published = seg.published
        # Per report, the fields ingestion doubted (segments.format.doubt_bits):
        # the curation list (analysis/curation.py) reads these, not records.
        self.doubts = seg.doubts
        values = seg.values
        self.reports = ReportArrays(
            year=seg.year,
            doc_type=seg.doc_type,
            codes=seg.codes,
            values=values,
            by_value={name: _by_value(values[name]) for name in CODED_FIELDS},
            value_array={name: np.array(values[name], dtype=object) for name in CODED_FIELDS},
            code_of={name: {v: i for i, v in enumerate(values[name])} for name in CODED_FIELDS},
        )
        self.units = UnitArrays(seg.unit_report, seg.unit_kind, seg.first_of_report)
        # Where terms occur: each segment's exact index and stored parts.
        self.terms = CommitTerms(seg)
        self.exact = _Exact(self.terms)
        self._hits_cache: _Bounded[str, TermHits] = _Bounded(_CACHED_TERMS, _CACHED_TERM_BYTES)
        self._kept: _Bounded[tuple, np.ndarray] = _Bounded(_CACHED_KEPT, _CACHED_KEPT_BYTES)
        self.report_count = seg.report_count
        self.unit_count = seg.unit_count
        self.report_length = seg.report_length
        self.all_years = sorted({int(y) for y in seg.year.tolist() if y})

    # --------------------------------------------------------------- terms

    def hits(self, norm_term: str) -> TermHits:
        """Where a normalised term occurs (cached per commit)."""
        found = self._hits_cache.get(norm_term)
        if found is None:
            found = self.terms.hits(norm_term)
            self._hits_cache.put(norm_term, found)
        return found

    def kept(self, key: tuple, compute: Callable[[], np.ndarray]) -> np.ndarray:
        """compute(), kept under key: for values that depend on the commit
        (and a request's filters) alone, not on its terms (read only)."""
        value = self._kept.get(key)
        if value is None:
            value = compute()
            value.flags.writeable = False
            self._kept.put(key, value)
        return value

    def similar_words(self, word: str, maxdist: int, limit: int) -> list[str]:
        """Words of the segments' word indexes (jieba's words of their texts)
        within maxdist edits of word: each segment's best `limit`, in
        segment order, each once. What "did you mean" offers from
        (search/suggestions.py); a segment whose word index cannot be read
        offers none (logged). Kept per commit for the last 1,024 words
        asked: reading a vocabulary costs tens of milliseconds a segment."""
        return list(self._similar_words(word, maxdist, limit))

    @cached_property
    def _similar_words(self) -> Callable[[str, int, int], tuple[str, ...]]:
        # Holds the segments, not the OpenIndex (no reference cycle, see _Exact).
        return lru_cache(maxsize=1024)(partial(_similar_words, self.segments))

    # --------------------------------------------------------------- reports

    def unit_text(self, unit: int) -> str:
        return self.segments.unit_text(unit)

    def paragraphs_before(self, ordinal: int, position: int) -> int:
        """How many paragraphs of a report come before its section at
        position (citing.paragraphs numbers them across the report): stored
        at build time, else counted from the sections before it."""
        first = int(self.units.first_of_report[ordinal])
        stored = self.segments.paragraph_start(first + position)
        if stored is not None:
            return stored
        return sum(paragraph_count(self.unit_text(first + p)) for p in range(position))

    def searchable_text(self, ordinal: int, position: int) -> str:
        """The text the "mentions" rule reads for one section of a report
        (Report.searchable_units()[position][1]: heading and text, and the
        title before the preamble), without loading the other sections."""
        rec = self.records[ordinal]
        section = rec["sections"][position]
        head = section["heading"]
        if position == 0 and section["kind"] == "preamble":
            head = (rec["title"] or "") + "\n" + head
        return head + "\n" + self.unit_text(int(self.units.first_of_report[ordinal]) + position)

    def searchable_prefix_length(self, ordinal: int, position: int) -> int:
        """How many characters of searchable_text come before the section's
        text (heading, title before the preamble, and the line break)."""
        rec = self.records[ordinal]
        section = rec["sections"][position]
        head = section["heading"]
        if position == 0 and section["kind"] == "preamble":
            head = (rec["title"] or "") + "\n" + head
        return len(head) + 1

    def section_head(self, ordinal: int, position: int) -> tuple[str, str]:
        """(kind, heading) of a report's section at position."""
        section = self.records[ordinal]["sections"][position]
        return section["kind"], section["heading"]

    def units_of(self, ordinal: int) -> range:
        return range(int(self.units.first_of_report[ordinal]), int(self.units.first_of_report[ordinal + 1]))

    @cached_property
    def _id_order(self) -> np.ndarray:
        """Ordinals by report id (sorted once, on the first lookup)."""
        return np.argsort(self.report_id, kind="stable")

    def ordinal(self, report_id: str) -> int:
        order = self._id_order
        i = int(np.searchsorted(self.report_id, report_id, sorter=order))
        if i < len(order) and self.report_id[order[i]] == report_id:
            return int(order[i])
        raise ReportNotFound(f"no report with id {report_id!r}")

    def has(self, report_id: str) -> bool:
        try:
            self.ordinal(report_id)
        except ReportNotFound:
            return False
        return True

    @cached_property
    def first_seen_times(self) -> np.ndarray:
        """Per report ordinal, when it first entered the index (seconds since
        the epoch, UTC); the commit point's build time for reports it has no
        time for. Computing it twice in two threads is harmless."""
        built = _parse_time(self.meta.get("built_at")) or 0.0
        known = read_first_seen(self.folder)
        return np.array([_parse_time(known.get(i)) or built for i in self.report_id.tolist()], dtype=np.float64)

    def first_seen(self, ordinal: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(float(self.first_seen_times[ordinal]), dt.timezone.utc)

    def fields_of(self, ordinal: int) -> ReportFields:
        """A report's fields, without its sections."""
        return record_fields(self.records[ordinal])

    def report(self, ordinal: int) -> Report:
        """The whole report, section texts read from their segment."""
        texts = (self.unit_text(unit) for unit in self.units_of(ordinal))
        return record_report(self.records[ordinal], texts)

    def close(self) -> None:
        self.segments.close()


def _similar_words(segments: SegmentSet, word: str, maxdist: int, limit: int) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for part in segments.parts:
        folder = part.segment.folder / toc.WORDS
        try:
            words_ix = open_words(folder)
        except (OSError, EmptyIndexError) as exc:
            log.warning("no word index for suggestions in %s: %s", folder, exc)
            continue
        with words_ix.searcher() as searcher:
            found.update(dict.fromkeys(searcher.corrector("content").suggest(word, limit=limit, maxdist=maxdist)))
    return tuple(found)


K = TypeVar("K")
V = TypeVar("V", TermHits, np.ndarray)


class _Bounded(Generic[K, V]):
    """The most recently used values, at most `count` of them and `nbytes`
    bytes (their `nbytes`, taken again at each insertion: a term's parts are
    computed after it is cached); the newest always stays. Thread-safe."""

    def __init__(self, count: int, nbytes: int) -> None:
        self._values: OrderedDict[K, V] = OrderedDict()
        self.max_count = count
        self.max_bytes = nbytes
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._values[key] = value
            held = sum(v.nbytes for v in self._values.values())
            while len(self._values) > 1 and (len(self._values) > self.max_count or held > self.max_bytes):
                _, dropped = self._values.popitem(last=False)
                held -= dropped.nbytes

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __getitem__(self, key: K) -> V:
        return self._values[key]

    def keys(self) -> list[K]:
        """Least recently used first."""
        with self._lock:
            return list(self._values)

    def values(self) -> list[V]:
        with self._lock:
            return list(self._values.values())


def _parse_time(value: object) -> float | None:
    """Seconds since the epoch of an ISO 8601 time (UTC when it has no
    offset); None when value is not one."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def _by_value(values: list[str]) -> np.ndarray:
    return np.array(sorted(range(len(values)), key=values.__getitem__), dtype=np.int64)


def open_index(index_dir: Path) -> OpenIndex:
    """Open the live commit point of index_dir. IndexMissing if there is none."""
    folder = current_commit(index_dir)
    if folder is None:
        raise IndexMissing(f"no index at {index_dir}: build one with `search-service index build --index {index_dir}`")
    return OpenIndex(folder)


class IndexHandle:
    """The index as the service sees it now: reopens when CURRENT changes."""

    def __init__(self, index_dir: Path, check_interval: float = 1.0) -> None:
        self.index_dir = index_dir
        self.check_interval = check_interval
        self._lock = threading.Lock()
        self._open: OpenIndex | None = None
        self._checked = 0.0

    def get(self) -> OpenIndex:
        now = time.monotonic()
        current = self._open
        if current is not None and now - self._checked < self.check_interval:
            return current
        with self._lock:
            self._checked = now
            folder = current_commit(self.index_dir)
            if folder is None:
                if self._open is not None and self._open.folder.is_dir():
                    return self._open  # CURRENT vanished: keep answering from what we have
                raise IndexMissing(f"no index at {self.index_dir}: build one with `search-service index build`")
            if self._open is None or self._open.folder != folder:
                self._open = OpenIndex(folder)
            return self._open
