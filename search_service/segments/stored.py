"""Stored parts of a segment's frequent terms, written at build time and read
by queries instead of positions (writer and reader side by side).

The exact index (search/exact.py) finds any string from its pair lists, at a cost
that grows with the string's occurrences: 依法行政 occurs about 20 times in
every report, the character 法 about 100 times, and placing millions of
occurrences in reports and sections took most of a query at 1,000,000
reports. Those strings are few and known when a segment is written: every
character and every pair occurring at least once in four reports on average
(about 1,900 of them in a segment of 50,000 generated reports), and the
content words (three characters or more) of at least one report in fifty.
For each, the segment stores its four parts (TermHits: reports and
counts, sections holding a whole occurrence, titles holding one), computed
from the corpus itself, so a query reads them instead of positions. Any
other string keeps the positional path: answers stay exact for every string,
and a test checks every stored term against the positional answer.

Per term: the count in each report (a byte; counts of 255 and more listed
apart), a bit per section and a bit per title, dense over the segment: about
85 KB per term in a segment of 50,000 reports, whatever its frequency (159 MB
for the segment, 0.24 times its text). Characters and pairs are counted all
at once, report by report in chunks (one bincount per chunk over every
chosen character and pair); words are found one by one through the pair
lists (pairs.PairIndex.occurrences). At 50,000 reports (223 M characters) it takes about 10 s.

A query (search/stored.py) reads a stored term's reports and counts from its
byte row, and its sections as a mask straight from the bits (`unit_mask`):
the segments of a build lie end to end, so the masks of twenty segments are
one mask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search_service.segments import toc
from search_service.segments.pairs import PAIR_SHIFT, PairIndex

# Segments of fewer reports store nothing: finding and placing a term there
# is cheap (依法行政: about 40 ms in a segment of 50,000 reports, 2 in one of
# 2,000), while storing costs about 28 ns per character of the segment at
# build time (a tenth of the build). A build's segments hold 50,000; an
# update's are smaller and a merge makes them larger.
MIN_REPORTS = 25_000
# Characters and pairs occurring at least this many times per report of the
# segment on average are stored (at 1,000,000 reports, 诉 and 信访, a third
# and a half of the reports, about 0.5 per report, took 1.6 and 2.2 ms per
# segment to place).
RATE = 0.25
# Content words of at least 3 characters held by at least one report in
# WORD_SHARE (by jieba's cut, an estimate: the stored parts are exact).
WORD_SHARE = 0.02
MIN_WORD_LENGTH = 3
# Bounds on what one segment stores, most frequent first.
MAX_CHARS = 2048
MAX_PAIRS = 4096
MAX_WORDS = 2048
_LARGE = 255
# A chunk's bincount covers (chosen terms) x (sections of the chunk).
_CHUNK_CELLS = 1 << 23

FILES = tuple(toc.array_file(toc.STORED, name) for name in toc.STORED_ARRAYS)


@dataclass(frozen=True)
class StoredParts:
    """The stored terms of one segment, sorted, and their parts as rows.
    A count is one byte; _LARGE (255) stands for "255 or more", the count
    itself then being among the term's large counts."""

    terms: np.ndarray  # str, sorted
    counts: np.ndarray  # uint8 [terms, reports]
    large_offsets: np.ndarray  # int64 [terms + 1]: each term's stretch of large_reports and large_counts
    large_reports: np.ndarray  # int32: reports (sorted per term) whose count is _LARGE or more
    large_counts: np.ndarray  # int32: their counts
    units: np.ndarray  # uint8 [terms, ceil(sections / 8)]: np.packbits of whole occurrence per section
    titles: np.ndarray  # uint8 [terms, ceil(reports / 8)]: np.packbits of an occurrence in the title

    def arrays(self) -> tuple[np.ndarray, ...]:
        return (
            self.terms,
            self.counts,
            self.large_offsets,
            self.large_reports,
            self.large_counts,
            self.units,
            self.titles,
        )

    def save(self, folder: Path) -> None:
        for name, array in zip(FILES, self.arrays(), strict=True):
            np.save(folder / name, array, allow_pickle=False)

    @classmethod
    def of(cls, terms: np.ndarray, counts: np.ndarray, units: np.ndarray, titles: np.ndarray) -> StoredParts:
        """From dense counts [terms, reports] and booleans per section and title."""
        large = counts >= _LARGE
        rows, reports = np.nonzero(large)  # row-major: sorted by term, then report
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(terms)), out=offsets[1:])
        return cls(
            terms=terms,
            counts=np.minimum(counts, _LARGE).astype(np.uint8),
            large_offsets=offsets,
            large_reports=reports.astype(np.int32),
            large_counts=counts[large].astype(np.int32),
            units=np.packbits(units, axis=1),
            titles=np.packbits(titles, axis=1),
        )


class StoredTerms:
    """A segment's stored parts, memory-mapped: `parts(term)` gives a stored
    term's four arrays (local ordinals, as search/exact.py's
    ExactIndex.place answers), None for any other term; search/stored.py
    answers queries from them."""

    def __init__(self, parts: StoredParts, report_count: int, unit_count: int) -> None:
        self._parts = parts
        self._row = {term: i for i, term in enumerate(parts.terms.tolist())}
        self._reports = report_count
        self._units = unit_count

    @classmethod
    def load(cls, folder: Path, report_count: int, unit_count: int) -> StoredTerms | None:
        """The stored parts of a segment; None for a segment written without."""
        paths = [folder / name for name in FILES]
        if not all(p.is_file() for p in paths):
            return None
        terms, counts, offsets, large_reports, large_counts, units, titles = (
            np.asarray(np.load(p, mmap_mode="r")) for p in paths
        )
        parts = StoredParts(np.asarray(terms), counts, np.asarray(offsets), large_reports, large_counts, units, titles)
        return cls(parts, report_count, unit_count)

    def __len__(self) -> int:
        return len(self._row)

    def __contains__(self, term: str) -> bool:
        return term in self._row

    def row(self, term: str) -> int | None:
        """A stored term's row (None for any other term)."""
        return self._row.get(term)

    def parts(self, term: str) -> dict[str, np.ndarray] | None:
        """All four parts of a stored term (None for any other term)."""
        row = self._row.get(term)
        if row is None:
            return None
        return {name: array for n in _NAMES for name, array in self.part(row, n).items()}

    def part(self, row: int, name: str) -> dict[str, np.ndarray]:
        stored = self._parts
        if name in ("reports", "counts"):
            counts = np.asarray(stored.counts[row])
            reports = np.flatnonzero(counts)
            counts = counts[reports].astype(np.int32)
            lo, hi = int(stored.large_offsets[row]), int(stored.large_offsets[row + 1])
            if hi > lo:
                counts[np.searchsorted(reports, stored.large_reports[lo:hi])] = stored.large_counts[lo:hi]
            return {"reports": reports.astype(np.int32), "counts": counts}
        if name == "units":
            return {"units": np.flatnonzero(self.unit_mask(row)).astype(np.int32)}
        titles = np.flatnonzero(np.unpackbits(stored.titles[row], count=self._reports))
        return {"title_reports": titles.astype(np.int32)}

    def unit_mask(self, row: int) -> np.ndarray:
        return np.unpackbits(self._parts.units[row], count=self._units).view(bool)


_NAMES = ("reports", "units", "title_reports")  # "counts" comes with "reports"


def compute_stored(
    corpus: np.ndarray,
    pair_index: PairIndex,
    unit_start: np.ndarray,
    unit_end: np.ndarray,
    unit_report: np.ndarray,
    first_of_report: np.ndarray,
    report_start: np.ndarray,
    title_end: np.ndarray,
    word_reports: Mapping[str, int],
) -> StoredParts:
    """The stored parts of a segment: corpus (uint32 code points, U+0000
    after each report), its pair index, its sections (unit_start with the
    corpus length after the last, and each one's report), each report's
    first section (and a sentinel), start and title end; word_reports: how many
    reports hold each content word (by jieba's cut)."""
    reports = len(report_start)
    units = len(unit_end)
    keys = np.asarray(pair_index.keys)
    lengths = np.diff(np.asarray(pair_index.offsets))
    threshold = max(1.0, RATE * reports)
    chars, pairs = _frequent(keys, lengths, threshold)
    char_counts, char_units, char_titles, pair_counts, pair_units, pair_titles = _count_chars_and_pairs(
        corpus, chars, pairs, unit_start, unit_end, first_of_report, report_start, title_end
    )
    terms = [chr(c) for c in chars.tolist()] + [
        chr(int(k) >> PAIR_SHIFT) + chr(int(k) & ((1 << PAIR_SHIFT) - 1)) for k in pairs.tolist()
    ]
    counts = [char_counts, pair_counts]
    unit_bits = [char_units, pair_units]
    title_bits = [char_titles, pair_titles]
    chosen = sorted(
        (w for w, n in word_reports.items() if len(w) >= MIN_WORD_LENGTH and n >= WORD_SHARE * reports),
        key=lambda w: (-word_reports[w], w),
    )[:MAX_WORDS]
    for word in chosen:
        placed = _placed(pair_index.occurrences(word), len(word), unit_start, unit_end, unit_report, title_end)
        row = np.zeros((1, reports), dtype=np.int32)
        row[0, placed["reports"]] = placed["counts"]
        unit_row = np.zeros((1, units), dtype=bool)
        unit_row[0, placed["units"]] = True
        title_row = np.zeros((1, reports), dtype=bool)
        title_row[0, placed["title_reports"]] = True
        terms.append(word)
        counts.append(row)
        unit_bits.append(unit_row)
        title_bits.append(title_row)
    names = np.array(terms, dtype=str) if terms else np.zeros(0, dtype=str)
    order = np.argsort(names, kind="stable")
    return StoredParts.of(
        names[order],
        np.concatenate(counts)[order],
        np.concatenate(unit_bits)[order],
        np.concatenate(title_bits)[order],
    )


def _frequent(keys: np.ndarray, lengths: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(code points, pair keys) occurring at least `threshold` times, at
    most MAX_CHARS and MAX_PAIRS of them (the most frequent), each sorted."""
    first = keys >> PAIR_SHIFT
    cps, inverse = np.unique(first, return_inverse=True)
    per_char = np.bincount(inverse, weights=lengths, minlength=len(cps))
    chars = cps[per_char >= threshold]
    if len(chars) > MAX_CHARS:
        chars = np.sort(cps[np.argsort(-per_char, kind="stable")[:MAX_CHARS]])
    frequent = lengths >= threshold
    pairs = keys[frequent]
    if len(pairs) > MAX_PAIRS:
        pairs = np.sort(keys[np.argsort(-lengths, kind="stable")[:MAX_PAIRS]])
    # A pair is counted through its characters' slots: both must be chosen
    # (they are, unless MAX_CHARS cut them).
    mask = (1 << PAIR_SHIFT) - 1
    both = np.isin(pairs >> PAIR_SHIFT, chars) & np.isin(pairs & mask, chars)
    return chars.astype(np.int64), pairs[both].astype(np.int64)


def _count_chars_and_pairs(
    corpus: np.ndarray,
    chars: np.ndarray,
    pairs: np.ndarray,
    unit_start: np.ndarray,
    unit_end: np.ndarray,
    first_of_report: np.ndarray,
    report_start: np.ndarray,
    title_end: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """Per chosen character and pair: counts per report, whole occurrence
    per section, occurrence in the title, as dense [terms, ...] arrays.

    One pass over the corpus, a chunk of reports at a time, with one
    bincount per kind of term over (slot, section) keys: every position's
    character slot, its pair's slot (with the next character; characters
    and pairs not chosen share a last, discarded slot) and its section
    (sections lie end to end, a report's separator at the end of its last
    one). Report counts are the sums of their sections' counts (a pair
    spanning two sections of a report counts for the report); a section
    holds a pair whole unless the pair starts at its last character; titles
    are read from the few positions before each title's end."""
    reports, units = len(report_start), len(unit_end)
    nc, npairs = len(chars), len(pairs)
    out = (
        np.zeros((nc, reports), dtype=np.int32),
        np.zeros((nc, units), dtype=bool),
        np.zeros((nc, reports), dtype=bool),
        np.zeros((npairs, reports), dtype=np.int32),
        np.zeros((npairs, units), dtype=bool),
        np.zeros((npairs, reports), dtype=bool),
    )
    if reports == 0 or (nc == 0 and npairs == 0):
        return out
    # Slots: chosen characters 0..nc-1, any other nc; chosen pairs
    # 0..npairs-1, any other npairs.
    slot = np.full(int(corpus.max(initial=0)) + 1, nc, dtype=np.int32)
    slot[chars] = np.arange(nc, dtype=np.int32)
    mask = (1 << PAIR_SHIFT) - 1
    pair_slot = np.full((nc + 1) * (nc + 1), npairs, dtype=np.int32)
    pair_slot[slot[pairs >> PAIR_SHIFT].astype(np.int64) * (nc + 1) + slot[pairs & mask]] = np.arange(
        npairs, dtype=np.int32
    )
    starts = np.append(np.asarray(report_start, dtype=np.int64), len(corpus))
    per_report_units = np.diff(first_of_report)
    terms = max(nc, npairs) + 1
    r0 = 0
    while r0 < reports:
        # As many reports as keep a bincount within _CHUNK_CELLS cells.
        cum = np.cumsum(per_report_units[r0:] + 1)
        r1 = min(r0 + max(int(np.searchsorted(cum, max(_CHUNK_CELLS // terms, 1), side="right")), 1), reports)
        _count_chunk(
            corpus, slot, pair_slot, nc, npairs, r0, r1, starts, unit_start, unit_end, first_of_report, title_end, out
        )
        r0 = r1
    return out[0], out[1], out[2], out[3], out[4], out[5]


def _count_chunk(  # noqa: PLR0913 - one pass's inputs and outputs
    corpus: np.ndarray,
    slot: np.ndarray,
    pair_slot: np.ndarray,
    nc: int,
    npairs: int,
    r0: int,
    r1: int,
    starts: np.ndarray,
    unit_start: np.ndarray,
    unit_end: np.ndarray,
    first_of_report: np.ndarray,
    title_end: np.ndarray,
    out: tuple[np.ndarray, ...],
) -> None:
    char_counts, char_units, char_titles, pair_counts, pair_units, pair_titles = out
    a, b = int(starts[r0]), int(starts[r1])
    u0, u1 = int(first_of_report[r0]), int(first_of_report[r1])
    nu, nr, n = u1 - u0, r1 - r0, b - a
    if nu == 0:
        return  # only separators
    cs = slot[corpus[a:b]]  # character slot per position
    # Section of each position (local). A section's span runs to the next
    # one's start, so separators fall in one, as do those of reports without
    # sections (before the first section: given section 0); no chosen slot
    # is a separator's.
    unit_of = np.zeros(n, dtype=np.int32)
    later = np.asarray(unit_start[u0 + 1 : u1], dtype=np.int64) - a  # where sections 1.. of the chunk start
    np.add.at(unit_of, later[later < n], 1)  # add.at: a section may be empty
    np.cumsum(unit_of, out=unit_of)
    local_first = np.asarray(first_of_report[r0 : r1 + 1], dtype=np.int64) - u0
    # Title positions: [report start, title end) of each report, few.
    title_lo = np.asarray(starts[r0:r1], dtype=np.int64) - a
    title_hi = np.minimum(np.asarray(title_end[r0:r1], dtype=np.int64) - a, np.asarray(starts[r0 + 1 : r1 + 1]) - a)
    title_len = np.maximum(title_hi - title_lo, 0)
    in_title = _ranges(title_lo, title_len)
    title_report = np.repeat(np.arange(nr, dtype=np.int64), title_len)
    if nc:
        per_unit = _bincount2(cs, unit_of, nc + 1, nu)[:nc]
        char_units[:, u0:u1] = per_unit > 0
        char_counts[:, r0:r1] = _per_report(per_unit, local_first)
        char_titles[:, r0:r1] = _bincount2(cs[in_title], title_report, nc + 1, nr)[:nc] > 0
    if npairs:
        code = cs[:-1] * np.int32(nc + 1)  # (nc + 1) ** 2 is far below 2 ** 31
        code += cs[1:]
        ps = pair_slot[code]  # pair slot per position but the last
        del cs, code
        per_unit = _bincount2(ps, unit_of[:-1], npairs + 1, nu)
        pair_counts[:, r0:r1] = _per_report(per_unit[:npairs], local_first)
        # The pair starting at a section's last character ends outside it.
        last = np.asarray(unit_end[u0:u1], dtype=np.int64) - 1 - a
        inside = (last >= 0) & (last < n - 1)
        cut = np.flatnonzero(inside)
        spanning = _bincount2(ps[last[cut]], cut.astype(np.int32), npairs + 1, nu)
        pair_units[:, u0:u1] = (per_unit - spanning)[:npairs] > 0
        # A title holds the pair when its second character is in it too.
        whole_title = in_title[(in_title + 1) < (title_hi[title_report] if len(title_report) else 0)]
        whole_report = title_report[(in_title + 1) < (title_hi[title_report] if len(title_report) else 0)]
        pair_titles[:, r0:r1] = _bincount2(ps[whole_title], whole_report, npairs + 1, nr)[:npairs] > 0


def _ranges(lo: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """lo[0]..lo[0]+lengths[0]-1, lo[1]..., laid end to end (int64)."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    keep = lengths > 0
    lo, lengths = lo[keep], lengths[keep]
    steps = np.ones(total, dtype=np.int64)
    ends = np.cumsum(lengths)
    steps[0] = lo[0]
    steps[ends[:-1]] = lo[1:] - (lo[:-1] + lengths[:-1]) + 1
    return np.cumsum(steps)


def _bincount2(rows: np.ndarray, cols: np.ndarray, nrows: int, ncols: int) -> np.ndarray:
    """How many times each (row, col) pair occurs, as an [nrows, ncols] array."""
    wide = np.int64 if nrows * ncols >= 2**31 else np.int32
    keys = rows.astype(wide) * wide(ncols)
    keys += cols
    return np.bincount(keys, minlength=nrows * ncols).reshape(nrows, ncols)


def _per_report(per_unit: np.ndarray, local_first: np.ndarray) -> np.ndarray:
    """Per-section counts [terms, sections] summed per report (local_first:
    each report's first section, and a sentinel; a report may have none)."""
    total = np.zeros((per_unit.shape[0], per_unit.shape[1] + 1), dtype=np.int64)
    np.cumsum(per_unit, axis=1, out=total[:, 1:])
    return total[:, local_first[1:]] - total[:, local_first[:-1]]


def _placed(
    occurrences: np.ndarray,
    length: int,
    unit_start: np.ndarray,
    unit_end: np.ndarray,
    unit_report: np.ndarray,
    title_end: np.ndarray,
) -> dict[str, np.ndarray]:
    """A term's reports, counts, sections and titles from its sorted
    occurrences, each placed on its own (as search/exact.py's
    ExactIndex.place): an occurrence counts for a section or a title when
    it lies wholly inside it."""
    starts = occurrences.astype(np.int64)
    units = np.searchsorted(unit_start, starts, side="right") - 1
    reports = unit_report[units]
    per_report = np.bincount(reports, minlength=len(title_end)) if len(reports) else np.zeros(0, np.int64)
    report_ids = np.flatnonzero(per_report)
    return {
        "reports": report_ids.astype(np.int32),
        "counts": per_report[report_ids].astype(np.int32),
        "units": np.unique(units[starts + length <= unit_end[units]]).astype(np.int32),
        "title_reports": np.unique(reports[starts + length <= title_end[reports]]).astype(np.int32),
    }
