"""The reference: every query answered by scanning the normalised texts.

Nothing is indexed: each report's and each section's text is normalised once
and held in memory, and a term is looked up with Python's `in` in every one of
them. It is as plainly CONTRACT.md's rule as code can be, so its answers are
the ones the other engines are checked against (and its speed is the floor an
index has to beat).

`StreamingScan` is the same reference for corpora too large to hold
(1,000,000 reports are about 13 GB of text): one pass parses every file in
worker processes, and each worker looks up every term a mix can hold
(`reference_terms`, about 40) with `in` in the report's text and in each
section's, keeping one bit per term. What stays in memory is a few bytes per
report and per section; every query of the mix, its facets and totals are
then answered from those bits with numpy (`facets.ReportTable`), and the mix
itself is chosen from them exactly as from the texts.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bench.baselines import Answer, ParsedCorpus
from bench.baselines.facets import KIND_CODE, ReportTable
from bench.queries import CANDIDATES, BenchQuery, CorpusProfile, build_mix
from search_service.indexing import parse_sources
from search_service.ingest import iter_source_files
from search_service.model import PLACE_FIELDS, SECTION_KINDS, SearchRequest
from search_service.text import normalize, normalize_query_term

log = logging.getLogger("bench")


def _year_ok(year: int | None, request: SearchRequest) -> bool:
    if request.year and year not in request.year:
        return False
    if request.year_from is not None and (not year or year < request.year_from):
        return False
    return not (request.year_to is not None and (not year or year > request.year_to))


class ScanEngine:
    name = "scan"

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._years: list[int | None] = []
        self._places: dict[str, list[str | None]] = {}
        self._report_text: list[str] = []
        self._unit_text: list[str] = []
        self._unit_kind: list[str] = []
        self._unit_report: list[int] = []

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        reports = corpus.reports
        self._ids = [r.report_id for r in reports]
        self._years = [r.year for r in reports]
        self._places = {name: [getattr(r, name) for r in reports] for name in PLACE_FIELDS}
        per_report: list[list[str]] = [[] for _ in reports]
        for ordinal, kind, raw in corpus.units:
            norm = normalize(raw)
            self._unit_text.append(norm)
            self._unit_kind.append(kind)
            self._unit_report.append(ordinal)
            per_report[ordinal].append(norm)
        self._report_text = ["".join(parts) for parts in per_report]

    @property
    def report_texts(self) -> list[str]:
        """Each report's normalised text, by ordinal (what the mix is chosen from)."""
        return self._report_text

    def _passes(self, request: SearchRequest, ordinal: int, skip: str) -> bool:
        """Whether a report passes every filter of request except `skip`."""
        if skip != "year" and not _year_ok(self._years[ordinal], request):
            return False
        for name in PLACE_FIELDS:
            wanted = getattr(request, name)
            if skip != name and wanted and self._places[name][ordinal] not in wanted:
                return False
        return True

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        request = query.request
        terms = query.terms
        report_ok = [terms.satisfied_by(text) for text in self._report_text]
        unit_ok = [terms.satisfied_by(text) for text in self._unit_text]
        kinds_ok: list[set[str]] = [set() for _ in self._ids]
        for unit, ok in enumerate(unit_ok):
            if ok:
                kinds_ok[self._unit_report[unit]].add(self._unit_kind[unit])
        matched = [request.section in kinds for kinds in kinds_ok] if request.section else report_ok
        n = len(self._ids)
        final = [matched[i] and self._passes(request, i, "") for i in range(n)]

        facets: dict[str, dict[str | int, int]] = {}
        years: Counter[str | int] = Counter(
            self._years[i] for i in range(n) if matched[i] and self._years[i] and self._passes(request, i, "year")
        )
        facets["year"] = dict(years)
        for name in PLACE_FIELDS:
            values = self._places[name]
            counts: Counter[str | int] = Counter(
                values[i] for i in range(n) if matched[i] and values[i] and self._passes(request, i, name)
            )
            facets[name] = dict(counts)
        sections: Counter[str | int] = Counter()
        for i in range(n):
            if kinds_ok[i] and self._passes(request, i, ""):
                sections.update(kinds_ok[i])
        facets["section"] = {k: sections[k] for k in SECTION_KINDS if sections[k]}

        total_sections = sum(
            1
            for unit, ok in enumerate(unit_ok)
            if ok
            and final[self._unit_report[unit]]
            and (not request.section or self._unit_kind[unit] == request.section)
        )
        ids = [self._ids[i] for i in range(n) if final[i]]
        return Answer(
            report_ids=ids if full else ids[: request.per_page],
            total_reports=len(ids),
            total_sections=total_sections,
            facets=facets,
        )

    def size_bytes(self) -> int:
        return 0

    def close(self) -> None:
        self._report_text = []
        self._unit_text = []


# ------------------------------------------------------------------ streaming


def reference_terms() -> tuple[str, ...]:
    """Every normalised term a mix can hold, whatever the corpus: each band's
    candidates and the fixed terms of `build_mix` (read from the mix of an
    empty corpus, whose chosen terms are candidates too)."""
    empty = CorpusProfile(texts=(), years=(), places={name: () for name in PLACE_FIELDS})
    mix, _ = build_mix(empty)
    terms = {normalize_query_term(t) for band in CANDIDATES.values() for t in band}
    for query in mix:
        parsed = query.terms
        terms.update(t for clause in parsed.clauses for t in clause)
        terms.update(parsed.excluded)
    return tuple(sorted(terms))


class ScannedReport(NamedTuple):
    """What a worker sends back for one report: its fields, a bit per term
    for its whole text and (kind code, bits) for each section whose bits are
    not all zero (a section mentioning none of the terms matches no query)."""

    source: str
    report_id: str
    year: int | None
    places: tuple[str | None, ...]
    units: int
    text_bytes: int
    bits: int
    unit_bits: tuple[tuple[int, int], ...]


_TERMS: tuple[str, ...] = ()


def _start_worker(terms: tuple[str, ...], parent: int) -> None:
    """Pool initializer: the terms to look up, and a thread that ends the
    worker when the benchmark's process is gone (a forkserver's worker
    would otherwise wait on its task queue forever after a kill -9)."""
    global _TERMS  # noqa: PLW0603 - set once per worker process, read by _scan_chunk
    _TERMS = terms

    def watch() -> None:
        while True:
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(1.0)

    if parent != os.getpid():
        threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def term_bits(text: str, terms: Sequence[str], among: int = -1) -> int:
    """Bit k set when terms[k] is in text; only the bits of `among` are
    looked up (a section's terms are among its report's)."""
    out = 0
    for k, term in enumerate(terms):
        if among >> k & 1 and term in text:
            out |= 1 << k
    return out


def _scan_chunk(task: tuple[list[str], str]) -> list[ScannedReport]:
    """Parse a few files as a build does (`parse_sources`, one process) and
    look up every term in each readable report."""
    paths, root = task
    out = []
    for _, report, problem in parse_sources([Path(p) for p in paths], Path(root), jobs=1):
        if problem is not None or report is None:
            continue
        units = report.searchable_units()
        texts = [normalize(raw) for _, raw in units]
        bits = term_bits("".join(texts), _TERMS)
        unit_bits = tuple(
            (KIND_CODE[kind], b)
            for (kind, _), text in zip(units, texts, strict=True)
            if (b := term_bits(text, _TERMS, bits))
        )
        out.append(
            ScannedReport(
                report.source,
                report.report_id,
                report.year,
                tuple(getattr(report, name) for name in PLACE_FIELDS),
                len(units),
                sum(len(raw.encode("utf-8")) for _, raw in units),
                bits,
                unit_bits,
            )
        )
    return out


# Files per task handed to a worker.
CHUNK = 32
# Reports between two progress lines of the pass.
LOG_EVERY = 50_000


def scan_files(source: Path, jobs: int, terms: tuple[str, ...]) -> Iterator[ScannedReport]:
    """Every readable report under source, in the order of its files, from
    `jobs` worker processes (in this process when jobs is 1)."""
    paths = [str(p) for p in iter_source_files(source)]
    tasks = ((paths[i : i + CHUNK], str(source)) for i in range(0, len(paths), CHUNK))
    if jobs <= 1:
        _start_worker(terms, os.getpid())
        for task in tasks:
            yield from _scan_chunk(task)
        return
    # forkserver, as the build's own parsing: no copy of this (large) process.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["search_service.ingest.parsing", "bench.baselines.scan"])
    with context.Pool(jobs, initializer=_start_worker, initargs=(terms, os.getpid())) as pool:
        for chunk in pool.imap(_scan_chunk, tasks):
            yield from chunk


class _Mentions:
    """One report's terms as `term in report` reads them (what
    `queries.term_shares` asks of a report's text)."""

    __slots__ = ("bits", "bit_of")

    def __init__(self, bits: int, bit_of: dict[str, int]) -> None:
        self.bits = bits
        self.bit_of = bit_of

    def __contains__(self, term: str) -> bool:
        if term not in self.bit_of:
            raise KeyError(f"{term!r} is not among the streaming reference's terms (reference_terms)")
        return bool(self.bits >> self.bit_of[term] & 1)


class _MentionsColumn(Sequence):
    """Every report's `_Mentions`, made on the fly from the bit column."""

    def __init__(self, bits: np.ndarray, bit_of: dict[str, int]) -> None:
        self._bits = bits
        self._bit_of = bit_of

    def __len__(self) -> int:
        return len(self._bits)

    def __getitem__(self, i: int) -> _Mentions:  # type: ignore[override]
        return _Mentions(int(self._bits[i]), self._bit_of)

    def __iter__(self) -> Iterator[_Mentions]:
        bit_of = self._bit_of
        return (_Mentions(b, bit_of) for b in self._bits.tolist())


class StreamingScan:
    """The scan's answers from one pass over the files (see the module's
    docstring): identical to `ScanEngine`'s for every query whose terms are
    among `terms`, at a few bytes per report and section."""

    name = "scan"

    def __init__(self, terms: tuple[str, ...] | None = None) -> None:
        self.terms = terms if terms is not None else reference_terms()
        if len(self.terms) > 64:
            raise ValueError(f"{len(self.terms)} terms: the bit columns hold 64")
        self.bit_of = {term: k for k, term in enumerate(self.terms)}
        self.ids: list[str] = []
        self.years: list[int | None] = []
        self.places: dict[str, list[str | None]] = {}
        self.units = 0
        self.text_bytes = 0
        self.seconds = 0.0
        self._bits = np.zeros(0, dtype=np.uint64)
        self._unit_bits = np.zeros(0, dtype=np.uint64)
        self._unit_report = np.zeros(0, dtype=np.int64)
        self._unit_kind = np.zeros(0, dtype=np.int8)
        self._table: ReportTable | None = None

    def scan(self, source: Path, jobs: int) -> None:
        """The one pass: what a build keeps (readable reports, the first of
        identical contents), ordered by source, as `bench.run.parse_reports`."""
        started = time.monotonic()
        seen: set[str] = set()
        sources: list[str] = []
        ids: list[str] = []
        years: list[int | None] = []
        place_codes: list[array] = [array("i") for _ in PLACE_FIELDS]
        code_of: list[dict[str | None, int]] = [{} for _ in PLACE_FIELDS]
        bits: list[int] = []
        unit_report, unit_kind, unit_bits = array("i"), array("b"), array("Q")
        for scanned in scan_files(source, jobs, self.terms):
            if scanned.report_id in seen:
                continue
            seen.add(scanned.report_id)
            ordinal = len(ids)
            sources.append(scanned.source)
            ids.append(scanned.report_id)
            years.append(scanned.year)
            for codes, lookup, value in zip(place_codes, code_of, scanned.places, strict=True):
                codes.append(lookup.setdefault(value, len(lookup)))
            bits.append(scanned.bits)
            for kind, b in scanned.unit_bits:
                unit_report.append(ordinal)
                unit_kind.append(kind)
                unit_bits.append(b)
            self.units += scanned.units
            self.text_bytes += scanned.text_bytes
            if len(ids) % LOG_EVERY == 0:
                log.info("reference scan: %d reports (%.0f/s)", len(ids), len(ids) / (time.monotonic() - started))
        del seen
        order = np.array(sorted(range(len(ids)), key=sources.__getitem__), dtype=np.int64)
        del sources
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        self.ids = [ids[i] for i in order.tolist()]
        self.years = [years[i] for i in order.tolist()]
        for name, codes, lookup in zip(PLACE_FIELDS, place_codes, code_of, strict=True):
            value_of = list(lookup)
            self.places[name] = [value_of[c] for c in np.frombuffer(codes, dtype=np.int32)[order].tolist()]
        self._bits = np.array(bits, dtype=np.uint64)[order]
        units_order = np.argsort(position[np.frombuffer(unit_report, dtype=np.int32)], kind="stable")
        self._unit_bits = np.frombuffer(unit_bits, dtype=np.uint64)[units_order]
        self._unit_report = position[np.frombuffer(unit_report, dtype=np.int32)][units_order]
        self._unit_kind = np.frombuffer(unit_kind, dtype=np.int8)[units_order]
        self._make_table()
        self.seconds = time.monotonic() - started

    def _make_table(self) -> None:
        self._table = ReportTable.from_columns(
            ids=self.ids, years=self.years, places=self.places, unit_report=self._unit_report, unit_kind=self._unit_kind
        )

    def save(self, path: Path, key: str) -> None:
        """Keep the pass's result under `key` (see `load`): the pass over
        1,000,000 files takes half an hour, and its answers change only
        with the corpus, the parser or the terms."""
        state = {
            "key": key,
            "terms": self.terms,
            "ids": self.ids,
            "years": self.years,
            "places": self.places,
            "units": self.units,
            "text_bytes": self.text_bytes,
            "seconds": self.seconds,
            "bits": self._bits,
            "unit_bits": self._unit_bits,
            "unit_report": self._unit_report,
            "unit_kind": self._unit_kind,
        }
        scratch = path.with_name(path.name + ".tmp")
        with scratch.open("wb") as out:
            pickle.dump(state, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(scratch, path)

    @classmethod
    def load(cls, path: Path, key: str) -> StreamingScan | None:
        """The pass saved at `path` under the same `key`, else None (no
        file, another key, or a file that does not read back). The file is
        the benchmark's own, in its results folder."""
        try:
            with path.open("rb") as inp:
                state = pickle.load(inp)  # noqa: S301 - written by save() above, never downloaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError) as exc:
            if path.exists():
                log.warning("reference pass in %s not read back (%s): scanning again", path, exc)
            return None
        if not isinstance(state, dict) or state.get("key") != key:
            log.info("reference pass in %s is for other code or another corpus: scanning again", path)
            return None
        scan = cls(tuple(state["terms"]))
        scan.ids, scan.years, scan.places = state["ids"], state["years"], state["places"]
        scan.units, scan.text_bytes, scan.seconds = state["units"], state["text_bytes"], state["seconds"]
        scan._bits, scan._unit_bits = state["bits"], state["unit_bits"]
        scan._unit_report, scan._unit_kind = state["unit_report"], state["unit_kind"]
        scan._make_table()
        return scan

    @property
    def profile(self) -> CorpusProfile:
        """What the mix is chosen from: each report's terms (in place of its
        text: every term `build_mix` looks up is among `terms`) and fields."""
        return CorpusProfile(texts=_MentionsColumn(self._bits, self.bit_of), years=self.years, places=self.places)

    def _mask(self, terms: Iterable[str]) -> np.uint64:
        mask = 0
        for term in terms:
            if term not in self.bit_of:
                raise KeyError(f"{term!r} is not among the streaming reference's terms (reference_terms)")
            mask |= 1 << self.bit_of[term]
        return np.uint64(mask)

    def _satisfied(self, bits: np.ndarray, query: BenchQuery) -> np.ndarray:
        """`ParsedTerms.satisfied_by` over a bit column."""
        terms = query.terms
        ok = np.ones(len(bits), dtype=bool)
        for clause in terms.clauses:
            ok &= (bits & self._mask(clause)) != 0
        if terms.excluded:
            ok &= (bits & self._mask(terms.excluded)) == 0
        return ok

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        assert self._table is not None, "scan() first"
        request = query.request
        report_hits = np.flatnonzero(self._satisfied(self._bits, query))
        unit_hits = np.flatnonzero(self._satisfied(self._unit_bits, query))
        final, facets, total_sections = self._table.answer(request, report_hits, unit_hits)
        ids = [self.ids[i] for i in (final if full else final[: request.per_page]).tolist()]
        return Answer(report_ids=ids, total_reports=len(final), total_sections=total_sections, facets=facets)

    def size_bytes(self) -> int:
        return 0

    def close(self) -> None:
        self._table = None
