"""The table of contents of an index folder: every file of the index, of a
segment and of a commit point, named once, with its role (as Tantivy's
SegmentComponent and zoekt's toc.go). The writer, the reader, the merge,
the cleaning of leftovers and the replica copy step take their names from
here; no other module spells a file name of the index.

    index/
      CURRENT                 the live commit point's name (replaced atomically)
      .lock                   the writer lock (indexing/lock.py)
      changes.jsonl           what each build added, changed, removed
      seg-<stamp>/            a segment: a set of reports, never modified
      gen-<stamp>/            a commit point: the segments of one state
      .building-<name>/       a segment or commit point being written

A group of arrays is one `.npy` file per array, `<group>.<name>.npy`; a kind
of frames is `<kind>.bin`, `<kind>.offsets.npy` and `<kind>.dict`.
"""

from __future__ import annotations

from dataclasses import dataclass

# ------------------------------------------------------------ the index folder
CURRENT = "CURRENT"
LOCK = ".lock"
CHANGES = "changes.jsonl"
SEGMENT_PREFIX = "seg-"
COMMIT_PREFIX = "gen-"  # the folders of commit points (named gen- since format 4)
BUILDING_PREFIX = ".building-"

# ------------------------------------------------------------ a segment
META = "meta.json"  # a segment's and a commit point's: format, tokenizer, counts
REPORTS = "reports"  # group: per report arrays
UNITS = "units"  # group: per section arrays
RECORDS = "records"  # frames: one record per report
TEXTS = "texts"  # frames: one text per section
PAIRS = ("bi_keys", "bi_offsets", "bi_pos")  # the pair index, one .npy each
STORED = "stored"  # group: the parts of frequent terms
STORED_ARRAYS = ("terms", "counts", "large_offsets", "large_reports", "large_counts", "units", "titles")
WORDS = "whoosh"  # folder: the jieba-word index (Whoosh)
PRESENCE = "presence"  # group: report x content-word matrix
PRESENCE_WORDS = "presence.json"  # the matrix's vocabulary and identity
LEGACY_PRESENCE = "word_presence.npz"  # the matrix, in segments written before presence.*

# ------------------------------------------------------------ a commit point
COMMIT = "commit.json"
TOMBSTONE_PREFIX = "deleted-"  # deleted-<segment>.npy
MANIFEST = "manifest.json"
FIRST_SEEN = "first_seen.json"


def array_file(group: str, name: str) -> str:
    """The file of one array of a group (`reports.year.npy`)."""
    return f"{group}.{name}.npy"


def pair_file(name: str) -> str:
    """The file of one of the pair index's arrays (`bi_pos.npy`)."""
    return f"{name}.npy"


def frame_files(kind: str) -> tuple[str, str, str]:
    """The data, offsets and dictionary files of one kind of frames."""
    return f"{kind}.bin", f"{kind}.offsets.npy", f"{kind}.dict"


def tombstone_file(segment: str) -> str:
    return f"{TOMBSTONE_PREFIX}{segment}.npy"


@dataclass(frozen=True)
class Component:
    """One file (or folder, or family of files) of a segment or a commit
    point: how its name is matched, and what it holds."""

    pattern: str  # a name, or a prefix ending in "*"
    role: str
    optional: bool = False  # absent from some segments (older, or small)

    def matches(self, name: str) -> bool:
        if self.pattern.endswith("*"):
            return name.startswith(self.pattern[:-1])
        return name == self.pattern


SEGMENT_COMPONENTS: tuple[Component, ...] = (
    Component(META, "format, tokenizer identity, counts, facet values"),
    Component(
        f"{REPORTS}.*",
        "per report: year, doc type, facet codes, corpus start, title end, report_id, "
        "source, published day, doubt bits (memory-mapped)",
    ),
    Component(
        f"{UNITS}.*",
        "per section: report ordinal, kind, start and end in the corpus, paragraphs before it (memory-mapped)",
    ),
    Component(f"{RECORDS}.*", "one record per report, a zstd frame each (frames.py, records.py)"),
    Component(f"{TEXTS}.*", "one text per section, a zstd frame each (frames.py)"),
    *(Component(pair_file(name), "the pair index over the segment's corpus (pairs.py)") for name in PAIRS),
    Component(f"{STORED}.*", "the parts of its frequent terms (stored.py)", optional=True),
    Component(WORDS, "the jieba-word index of its sections (words_index.py)"),
    Component(PRESENCE_WORDS, "the report x content-word matrix's words (presence.py)", optional=True),
    Component(f"{PRESENCE}.*", "the report x content-word matrix (presence.py)", optional=True),
    Component(LEGACY_PRESENCE, "the matrix, loaded whole, in segments written before", optional=True),
)

COMMIT_COMPONENTS: tuple[Component, ...] = (
    Component(COMMIT, "the segments it is made of, in order, and their tombstones"),
    Component(f"{TOMBSTONE_PREFIX}*", "sorted local ordinals deleted in a segment", optional=True),
    Component(META, "counts over the live reports, how it was built"),
    Component(MANIFEST, "every source file: size, modification time, report id", optional=True),
    Component(FIRST_SEEN, "report_id -> when it first entered the index", optional=True),
)


def component(components: tuple[Component, ...], name: str) -> Component | None:
    """The component a file name belongs to (None: not a file of the format)."""
    return next((c for c in components if c.matches(name)), None)
