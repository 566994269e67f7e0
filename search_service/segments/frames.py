"""A segment's variable-length items, compressed one by one: section texts
and report records. Written and read here side by side.

Each kind is three files: `<name>.bin`, one zstd frame per item end to end;
`<name>.offsets.npy`, where each frame starts (int64, one more than items);
and `<name>.dict`, a zstd dictionary trained on a sample of the segment's
items (absent when the segment is too small to train one). Sections are a
few kilobytes, too short to compress well on their own; the dictionary
holds the phrases every report repeats, so a section compresses to a
fraction of its size and still decompresses alone, in microseconds, when a
snippet or a report page needs it. Readers use pread: no lock, and no file
pages counted in a worker's memory.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np
import zstandard

from search_service.segments import toc

LEVEL = 3
DICT_SIZE = 64 * 1024
# Dictionary training reads this many items at most (evenly spread): 500
# sections train one in under a second, and more barely compress better.
SAMPLE_ITEMS = 1000
# Below this many sample bytes zstd cannot train a dictionary worth having.
MIN_SAMPLE_BYTES = 64 * 1024


T = TypeVar("T")


def write_frames(folder: Path, name: str, items: Sequence[T], encode: Callable[[T], bytes]) -> None:
    """Every item, encoded, as its own zstd frame, with the offsets and
    (when the sample allows) the dictionary they were compressed with.
    Items are encoded one at a time, so a large segment's texts are never
    all held as bytes at once."""
    data_name, offsets_name, dict_name = toc.frame_files(name)
    step = max(1, len(items) // SAMPLE_ITEMS)
    dictionary = _train([encode(item) for item in items[::step]])
    if dictionary is not None:
        (folder / dict_name).write_bytes(dictionary.as_bytes())
    compressor = zstandard.ZstdCompressor(
        level=LEVEL, dict_data=dictionary, write_checksum=False, write_dict_id=False, write_content_size=True
    )
    offsets = np.zeros(len(items) + 1, dtype=np.int64)
    with open(folder / data_name, "wb") as out:
        position = 0
        for i, item in enumerate(items):
            position += out.write(compressor.compress(encode(item)))
            offsets[i + 1] = position
    np.save(folder / offsets_name, offsets)


def _train(sample: list[bytes]) -> zstandard.ZstdCompressionDict | None:
    sample = [item for item in sample if item]
    if sum(len(item) for item in sample) < MIN_SAMPLE_BYTES:
        return None
    try:
        return zstandard.train_dictionary(DICT_SIZE, sample, level=LEVEL)
    except zstandard.ZstdError:
        return None  # too uniform or too small a sample: frames without a dictionary


def write_texts(folder: Path, texts: Sequence[str]) -> None:
    write_frames(folder, toc.TEXTS, texts, _utf8)


def write_records(folder: Path, records: Sequence[dict]) -> None:
    write_frames(folder, toc.RECORDS, records, _json)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def _json(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


class Frames:
    """One kind of item of a segment, opened for reading. Safe across
    threads (a decompressor per thread)."""

    def __init__(self, folder: Path, name: str) -> None:
        data_name, offsets_name, dict_name = toc.frame_files(name)
        self.offsets = np.load(folder / offsets_name, mmap_mode="r")
        dict_path = folder / dict_name
        self._dictionary = zstandard.ZstdCompressionDict(dict_path.read_bytes()) if dict_path.exists() else None
        self._local = threading.local()
        self._file = open(folder / data_name, "rb")  # noqa: SIM115 - lives as long as the segment

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def raw(self, i: int) -> bytes:
        start, end = int(self.offsets[i]), int(self.offsets[i + 1])
        frame = os.pread(self._file.fileno(), end - start, start)
        decompressor = getattr(self._local, "decompressor", None)
        if decompressor is None:
            decompressor = zstandard.ZstdDecompressor(dict_data=self._dictionary)
            self._local.decompressor = decompressor
        return decompressor.decompress(frame)

    def text(self, i: int) -> str:
        return self.raw(i).decode("utf-8")

    def record(self, i: int) -> dict:
        return json.loads(self.raw(i))

    def close(self) -> None:
        self._file.close()
