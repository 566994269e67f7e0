"""One open index generation, and the handle that notices a newer one.

`open_index` reads a generation once (memory-mapping the large arrays); an
`IndexHandle` gives the current `OpenIndex` and re-checks CURRENT at most
once per `check_interval` seconds, so a rebuilt index is picked up by every
running worker on its next request, without a restart.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search_service import store
from search_service.errors import IndexIncompatible, IndexMissing, ReportNotFound
from search_service.model import PLACE_FIELDS, SECTION_KINDS, Report, Section
from search_service.search.exact import ExactIndex, TermHits
from search_service.text import tokenizer_identity


@dataclass
class ReportArrays:
    """Per-report attributes as arrays indexed by report ordinal."""

    year: np.ndarray
    codes: dict[str, np.ndarray]  # place field -> int32 code (-1: unknown)
    values: dict[str, list[str]]  # place field -> value of each code
    report_start: np.ndarray
    title_end: np.ndarray


@dataclass
class UnitArrays:
    start: np.ndarray  # with one sentinel at the end
    end: np.ndarray
    report: np.ndarray
    kind: np.ndarray
    first_of_report: np.ndarray  # report ordinal -> its first unit


class OpenIndex:
    """A generation opened for reading. Immutable; safe across threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.generation = folder.name
        try:
            meta = store.read_json(folder / "meta.json")
        except (OSError, ValueError) as exc:
            raise IndexMissing(f"the index at {folder} cannot be read: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format_version") != store.FORMAT_VERSION:
            raise IndexIncompatible(
                f"the index at {folder} has format {meta.get('format_version') if isinstance(meta, dict) else '?'}, "
                f"this version reads format {store.FORMAT_VERSION}: rebuild it with `search-service index build`"
            )
        identity = tokenizer_identity()
        for key, expected in identity.items():
            if meta.get(key) != expected:
                raise IndexIncompatible(
                    f"the index was built with {key} {meta.get(key)!r} but this service uses {expected!r}; "
                    "searching it would silently miss words: rebuild it with `search-service index build`"
                )
        self.meta = meta
        self.records: list[dict] = store.read_json(folder / "reports.json")  # type: ignore[assignment]
        self.by_id = {rec["report_id"]: i for i, rec in enumerate(self.records)}
        with np.load(folder / "reports.npz") as r:
            self.reports = ReportArrays(
                year=r["year"],
                codes={name: r[f"{name}_code"] for name in PLACE_FIELDS},
                values={name: list(meta["facet_values"][name]) for name in PLACE_FIELDS},
                report_start=r["report_start"],
                title_end=r["title_end"],
            )
        with np.load(folder / "units.npz") as u:
            unit_report = u["unit_report"]
            first = np.searchsorted(unit_report, np.arange(len(self.records) + 1), side="left")
            self.units = UnitArrays(u["unit_start"], u["unit_end"], unit_report, u["unit_kind"], first)
        self.text_offsets = np.load(folder / "text_offsets.npy")
        self._texts = open(folder / "texts.bin", "rb")  # noqa: SIM115 - lives as long as the index
        self._texts_lock = threading.Lock()
        self.exact = ExactIndex(
            folder, self.units.start, self.units.end, self.units.report, self.reports.title_end, len(self.records)
        )
        self._hits_cache: OrderedDict[str, TermHits] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.report_count = len(self.records)
        self.unit_count = len(unit_report)
        lengths = self.units.end - self.units.start[:-1]
        self.report_length = np.bincount(unit_report, weights=lengths, minlength=self.report_count)
        years = self.reports.year
        self.all_years = sorted({int(y) for y in years if y})

    # --------------------------------------------------------------- terms

    def hits(self, norm_term: str) -> TermHits:
        """Where a normalised term occurs (cached per generation)."""
        with self._cache_lock:
            cached = self._hits_cache.get(norm_term)
            if cached is not None:
                self._hits_cache.move_to_end(norm_term)
                return cached
        found = self.exact.hits(norm_term)
        with self._cache_lock:
            self._hits_cache[norm_term] = found
            while len(self._hits_cache) > 256:
                self._hits_cache.popitem(last=False)
        return found

    # --------------------------------------------------------------- reports

    def unit_text(self, unit: int) -> str:
        start, end = int(self.text_offsets[unit]), int(self.text_offsets[unit + 1])
        with self._texts_lock:
            self._texts.seek(start)
            data = self._texts.read(end - start)
        return data.decode("utf-8")

    def units_of(self, ordinal: int) -> range:
        return range(int(self.units.first_of_report[ordinal]), int(self.units.first_of_report[ordinal + 1]))

    def ordinal(self, report_id: str) -> int:
        try:
            return self.by_id[report_id]
        except KeyError:
            raise ReportNotFound(f"no report with id {report_id!r}") from None

    def report(self, ordinal: int) -> Report:
        rec = self.records[ordinal]
        sections = []
        for unit, s in zip(self.units_of(ordinal), rec["sections"], strict=True):
            sections.append(
                Section(s["kind"], s["heading"], self.unit_text(unit), tuple(s["subheadings"]), s.get("original"))
            )
        fields = {
            k: rec.get(k)
            for k in (
                "report_id",
                "title",
                "town",
                "county",
                "city",
                "province",
                "year",
                "published",
                "source",
                "format",
                "encoding",
            )
        }
        return Report(**fields, sections=sections, traditional=bool(rec.get("traditional")))

    def close(self) -> None:
        self._texts.close()


def kind_code(kind: str) -> int:
    return SECTION_KINDS.index(kind)


def open_index(index_dir: Path) -> OpenIndex:
    """Open the live generation of index_dir. IndexMissing if there is none."""
    folder = store.current_generation(index_dir)
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
            folder = store.current_generation(self.index_dir)
            if folder is None:
                if self._open is not None and self._open.folder.is_dir():
                    return self._open  # CURRENT vanished: keep answering from what we have
                raise IndexMissing(f"no index at {self.index_dir}: build one with `search-service index build`")
            if self._open is None or self._open.folder != folder:
                self._open = OpenIndex(folder)
            return self._open
