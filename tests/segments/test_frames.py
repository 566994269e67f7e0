"""Section texts and records as compressed frames (segments/frames.py), and
an open index that reads them only when asked."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import numpy as np
import pytest

from search_service.errors import ReportNotFound
from search_service.indexing import BuildOptions, build_index
from search_service.model import SearchRequest
from search_service.search import open_index, run_search
from search_service.segments.format import NO_DAY, day_published, published_day
from search_service.segments.frames import Frames, write_records, write_texts
from search_service.segments.toc import RECORDS, TEXTS
from search_service.segments.toc import frame_files as file_names
from tests.indexing.test_build_update import make_corpus

WORDS = [
    "依法行政",
    "法律顾问",
    "重大行政决策",
    "合法性审查",
    "行政复议",
    "普法",
    "2024年",
    "，",
    "。",
    "\n",
    "abc",
    "𠀀",
]


def _texts(count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(rng.randrange(0, 400))) for _ in range(count)]


def test_texts_read_back_exactly_with_a_trained_dictionary(tmp_path: Path) -> None:
    texts = _texts(3000)
    write_texts(tmp_path, texts)
    assert (tmp_path / file_names(TEXTS)[2]).is_file()  # enough text to train one
    frames = Frames(tmp_path, TEXTS)
    assert len(frames) == len(texts)
    assert [frames.text(i) for i in range(len(texts))] == texts
    stored = (tmp_path / file_names(TEXTS)[0]).stat().st_size
    assert stored < sum(len(t.encode("utf-8")) for t in texts) / 3
    frames.close()


def test_a_small_segment_has_no_dictionary_and_still_reads_back(tmp_path: Path) -> None:
    texts = ["", "法", "依法行政\n法律顾问"]
    write_texts(tmp_path, texts)
    assert not (tmp_path / file_names(TEXTS)[2]).exists()
    frames = Frames(tmp_path, TEXTS)
    assert [frames.text(i) for i in range(3)] == texts
    frames.close()


def test_records_read_back_in_threads(tmp_path: Path) -> None:
    records = [
        {"report_id": f"r{i}", "title": None, "sections": [{"kind": "measures", "heading": "一、"}] * (i % 4)}
        for i in range(2000)
    ]
    write_records(tmp_path, records)
    frames = Frames(tmp_path, RECORDS)
    wrong: list[int] = []

    def read(start: int) -> None:
        for i in range(start, len(records), 4):
            if frames.record(i) != records[i]:
                wrong.append(i)

    threads = [threading.Thread(target=read, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
    frames.close()


@pytest.mark.parametrize("published", ["2024-03-31", "1970-01-01", "1969-12-31", "2099-12-31"])
def test_published_days_round_trip(published: str) -> None:
    assert day_published(published_day(published)) == published


@pytest.mark.parametrize("published", [None, "", "2024-02-30", "not a date"])
def test_no_published_day(published: str | None) -> None:
    assert published_day(published) == NO_DAY
    assert day_published(NO_DAY) is None


def test_an_open_index_reads_records_only_for_what_it_shows(tmp_path: Path) -> None:
    source = make_corpus(tmp_path / "src", 60)
    build_index(source, tmp_path / "ix", BuildOptions(jobs=1))
    index = open_index(tmp_path / "ix")
    assert index.records._read.cache_info().currsize == 0  # nothing read by opening
    result = run_search(index, SearchRequest(q="法", per_page=5))
    assert result.total.reports > 5
    assert 0 < index.records._read.cache_info().currsize <= 5
    # Every id finds its ordinal; the arrays agree with the records.
    for ordinal in range(index.report_count):
        record = index.records[ordinal]
        assert index.ordinal(record["report_id"]) == ordinal
        assert day_published(int(index.published[ordinal])) == record["published"]
    with pytest.raises(ReportNotFound):
        index.ordinal("no-such-report")
    assert not index.has("no-such-report")
    assert np.array_equal(np.sort(index.report_id), np.unique(index.report_id))
    index.close()
