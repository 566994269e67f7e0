"""A segment's report x content-word matrix: which content words each of
its reports holds (CSR without values: a row of sorted word ids per report),
written beside its other arrays and read memory-mapped; analysis/
word_presence.py counts a result set's words from it.

A build gathers the matrix from the words the word index is given
(`PresenceCollector`) and writes presence.json (the content-word rule and the
segment's words), presence.indptr.npy and presence.term_ids.npy. A segment
written before keeps its matrix in word_presence.npz (read into memory); a
matrix made with another content-word rule is not read (None).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search_service.segments import toc
from search_service.segments.content_words import RULE_VERSION, is_content_word, stop_words

log = logging.getLogger(__name__)


@dataclass
class PresencePart:
    """One segment's matrix: row r (a local report ordinal) is
    term_ids[indptr[r]:indptr[r + 1]], ids into `words` (sorted); `table`
    maps them to the ids of the WordPresence the part belongs to."""

    words: tuple[str, ...]
    indptr: np.ndarray  # int64, the segment's report count + 1
    term_ids: np.ndarray  # int32
    table: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @property
    def row_count(self) -> int:
        return len(self.indptr) - 1


def content_rule_identity() -> str:
    """What decided which words count: the rule's version and the stop words."""
    digest = hashlib.sha1("\n".join(sorted(stop_words())).encode("utf-8")).hexdigest()[:16]
    return f"{RULE_VERSION}/stop-{digest}"


class PresenceCollector:
    """A segment's matrix, gathered from the words the index writer is given
    as reports are added: the matrix reading the segment's Whoosh index back
    would give (a test checks it), without reading it (3 s per 20,000
    reports in the process that writes the index)."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}  # word -> provisional id; -1: not a content word
        self._words: list[str] = []  # provisional id -> word
        self._rows: dict[str, np.ndarray] = {}  # report id -> provisional ids of its content words

    def add(self, report_id: str, counted: Iterable[Mapping[str, int]]) -> None:
        """A report's words: those of each field its Whoosh documents hold."""
        present: set[str] = set()
        for counts in counted:
            present.update(counts)
        ids, row = self._ids, []
        for word in present:
            found = ids.get(word)
            if found is None:
                found = ids[word] = len(self._words) if is_content_word(word) else -1
                if found >= 0:
                    self._words.append(word)
            if found >= 0:
                row.append(found)
        self._rows[report_id] = np.array(row, dtype=np.int32)

    def report_counts(self) -> dict[str, int]:
        """How many reports added so far hold each content word."""
        rows = list(self._rows.values())
        if not rows:
            return {}
        per_id = np.bincount(np.concatenate(rows), minlength=len(self._words))
        return dict(zip(self._words, per_id.tolist(), strict=True))

    def write(self, folder: Path, report_ids: list[str]) -> Path:
        """The matrix of report_ids (in ordinal order) into folder."""
        order = sorted(range(len(self._words)), key=self._words.__getitem__)
        renumber = np.zeros(len(self._words), dtype=np.int32)
        renumber[order] = np.arange(len(order), dtype=np.int32)
        empty = np.zeros(0, dtype=np.int32)
        rows = [np.sort(renumber[self._rows.get(report_id, empty)]) for report_id in report_ids]
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(row) for row in rows], out=indptr[1:])
        term_ids = np.concatenate(rows).astype(np.int32) if rows else empty
        return write_part(folder, PresencePart(tuple(self._words[i] for i in order), indptr, term_ids))


def write_part(folder: Path, part: PresencePart) -> Path:
    np.save(folder / toc.array_file(toc.PRESENCE, "indptr"), part.indptr, allow_pickle=False)
    np.save(folder / toc.array_file(toc.PRESENCE, "term_ids"), part.term_ids, allow_pickle=False)
    target = folder / toc.PRESENCE_WORDS
    target.write_text(
        json.dumps({"identity": content_rule_identity(), "words": list(part.words)}, ensure_ascii=False), "utf-8"
    )
    return target


def load_part(folder: Path, report_count: int) -> PresencePart | None:
    """A segment's saved matrix, mapped (or, from an older segment, loaded);
    None when it has none or it was made with another content-word rule."""
    try:
        saved = json.loads((folder / toc.PRESENCE_WORDS).read_text("utf-8"))
    except FileNotFoundError:
        return _load_legacy(folder / toc.LEGACY_PRESENCE, report_count)
    if saved.get("identity") != content_rule_identity():
        log.info("ignoring %s: made with another content-word rule", folder / toc.PRESENCE_WORDS)
        return None
    part = PresencePart(
        words=tuple(saved["words"]),
        indptr=np.load(folder / toc.array_file(toc.PRESENCE, "indptr"), mmap_mode="r", allow_pickle=False),
        term_ids=np.load(folder / toc.array_file(toc.PRESENCE, "term_ids"), mmap_mode="r", allow_pickle=False),
    )
    return part if part.row_count == report_count else None


def _load_legacy(path: Path, report_count: int) -> PresencePart | None:
    try:
        with np.load(path) as saved:
            if str(saved["identity"]) != content_rule_identity() or len(saved["indptr"]) != report_count + 1:
                log.info("ignoring %s: made with another content-word rule or index", path)
                return None
            return PresencePart(tuple(saved["vocabulary"].tolist()), saved["indptr"], saved["term_ids"])
    except FileNotFoundError:
        return None
