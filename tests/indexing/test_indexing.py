"""Building and updating: one writer, atomic switch, tokenizer identity."""

import json
import os
import shutil

import pytest

from search_service.cli import main
from search_service.errors import IndexIncompatible, IndexLocked
from search_service.indexing import BuildOptions, build_index, update_index, writer_lock
from search_service.model import SearchRequest
from search_service.search import open_index, run_search
from search_service.segments import toc
from search_service.segments.format import current_commit
from tests.conftest import SAMPLES


def test_second_writer_is_refused_with_75(runner, tmp_path):
    index_dir = tmp_path / "ix"
    with writer_lock(index_dir):
        with pytest.raises(IndexLocked, match="pid"):
            build_index(SAMPLES, index_dir)
        result = runner.invoke(main, ["index", "build", "--source", str(SAMPLES), "--index", str(index_dir)])
        assert result.exit_code == 75
        assert "pid" in result.output


def test_failed_build_leaves_the_served_index_as_it_was(tmp_path):
    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    before = current_commit(index_dir)
    answer = run_search(open_index(index_dir), SearchRequest(q="法律顾问")).total
    bad_source = tmp_path / "src"
    shutil.copytree(SAMPLES, bad_source)
    (bad_source / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    from search_service.errors import BuildFailed

    with pytest.raises(BuildFailed):
        build_index(bad_source, index_dir, BuildOptions(jobs=1, strict=True))
    assert current_commit(index_dir) == before
    assert run_search(open_index(index_dir), SearchRequest(q="法律顾问")).total == answer
    assert not [p for p in index_dir.iterdir() if p.name.startswith(toc.BUILDING_PREFIX)]


def test_broken_file_is_reported_and_the_rest_indexed(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    (source / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    summary = build_index(source, tmp_path / "ix", BuildOptions(jobs=1))
    assert summary.indexed == 5 and summary.failed == 1
    assert summary.problems[0].source == "broken.txt"


def test_update_adds_changes_and_drops(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    (source / "003_2ec9bf6296aa397a.txt").unlink()
    summary = update_index(source, index_dir, BuildOptions(jobs=1))
    assert summary.reused == 4 and summary.reports == 4
    found = run_search(open_index(index_dir), SearchRequest(q="综合行政执法办公室"))
    assert [h.town for h in found.results] == ["遂城街道"]


def test_index_built_with_another_dictionary_is_refused(tmp_path):
    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    meta_path = current_commit(index_dir) / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["dictionary"] = "domain_dict-0000"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IndexIncompatible, match="rebuild"):
        open_index(index_dir)


def test_rebuild_switches_current_atomically_and_keeps_one_live(tmp_path):
    index_dir = tmp_path / "ix"
    first = build_index(SAMPLES, index_dir, BuildOptions(jobs=1)).generation
    second = build_index(SAMPLES, index_dir, BuildOptions(jobs=1)).generation
    assert first != second
    assert current_commit(index_dir).name == second
    assert os.path.isdir(index_dir / first)  # kept for readers still on it


def test_index_normalised_another_way_is_refused_and_rebuilt_by_update(tmp_path):
    """Queries are normalised now; an index whose texts were normalised by
    another version must not answer (results would silently vanish)."""
    index_dir = tmp_path / "ix"
    build_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    generation = current_commit(index_dir)
    meta_path = generation / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta["normalization"] = "fold-0/unicode-0"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IndexIncompatible):
        open_index(index_dir)
    summary = update_index(SAMPLES, index_dir, BuildOptions(jobs=1))
    assert summary.reused == 0 and summary.indexed == 5  # parsed again, not reused
    assert open_index(index_dir).meta["normalization"].startswith("fold-1/")
