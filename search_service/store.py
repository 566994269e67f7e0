"""On-disk layout of one index generation, shared by the builder and readers.

An index folder holds generations side by side and a pointer to the live one:

    index/
      CURRENT              name of the live generation (replaced atomically)
      .lock                the writer lock (see indexing.py)
      gen-20261122T190102-8f3a/
        meta.json          counts, build time, tokenizer identity, format
        reports.json       report fields and section headings, in ordinal order
        units.npz          per section: report ordinal, kind, start in the corpus
        bi_*.npy           the exact index: pair keys, offsets, positions (search/exact.py)
        texts.bin/.npy     section texts for display and snippets (UTF-8)
        whoosh/            the jieba-word Whoosh index, one document per section

A generation is never modified after CURRENT names it, so a reader that opened
one keeps a consistent view until it switches to the next.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# Format history: 1 first layout; 2 pair-only exact index; 3 every readable
# document indexed with doc_type, level, unit and url (titles may be null).
FORMAT_VERSION = 3
CURRENT_FILE = "CURRENT"
LOCK_FILE = ".lock"
GENERATION_PREFIX = "gen-"
BUILDING_PREFIX = ".building-"


def current_generation(index_dir: Path) -> Path | None:
    """The live generation's folder, or None when no index was ever built."""
    try:
        name = (index_dir / CURRENT_FILE).read_text("utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name or "/" in name or not name.startswith(GENERATION_PREFIX):
        return None
    path = index_dir / name
    return path if path.is_dir() else None


def switch_current(index_dir: Path, generation: Path) -> None:
    """Point CURRENT at generation in one atomic rename (readers see the old
    name or the new one, never a partial file)."""
    tmp = index_dir / f".{CURRENT_FILE}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(generation.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, index_dir / CURRENT_FILE)
    fsync_dir(index_dir)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: object) -> None:
    # json.dumps, not json.dump: dump streams through the pure-Python
    # encoder, dumps uses the C one (5x faster on a 25 MB reports.json).
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def read_json(path: Path) -> object:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
