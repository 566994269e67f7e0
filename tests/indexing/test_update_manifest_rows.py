"""`index update` after an edit of the source folder's manifest parses
again only the files whose rows changed (indexing/building.overrides_key):
a curator settling a few documents of a large collection must not cost a
rebuild. A row added, changed or removed re-reads its file; an edit that
changes no file's row re-reads nothing; a live commit written before rows
were fingerprinted re-reads every file; the result is what a fresh build
of the same files and manifest gives."""

from __future__ import annotations

import shutil
from pathlib import Path

from search_service.indexing import BuildOptions, build_index, update_index
from search_service.search import open_index
from search_service.segments import format as segment_format
from tests.conftest import SAMPLES


def corpus(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    names = sorted(p.name for p in source.iterdir())
    return source, tmp_path / "ix", names


def write_manifest(source: Path, text: str) -> None:
    (source / "manifest.csv").write_text(text, "utf-8")


def fields_by_source(index_dir: Path) -> dict[str, tuple]:
    index = open_index(index_dir)
    try:
        return {r["source"]: (r["year"], r["unit"], r["doc_type"], r["url"]) for r in index.records}
    finally:
        index.close()


def test_only_the_files_whose_rows_changed_are_parsed_again(tmp_path: Path) -> None:
    source, index_dir, names = corpus(tmp_path)
    write_manifest(source, f"file,year\n{names[0]},2020\n{names[1]},2021\n")
    build_index(source, index_dir, BuildOptions(jobs=1))
    assert fields_by_source(index_dir)[names[0]][0] == 2020

    # names[0]'s row changed, names[1]'s removed, names[2]'s added; the rest untouched.
    write_manifest(source, f"file,year,unit\n{names[0]},2019,\n{names[2]},,某某镇\n")
    summary = update_index(source, index_dir, BuildOptions(jobs=1))
    assert summary.reused == summary.seen - 3
    got = fields_by_source(index_dir)
    assert got[names[0]][0] == 2019 and got[names[2]][1] == "某某镇"
    fresh = tmp_path / "fresh"
    build_index(source, fresh, BuildOptions(jobs=1))
    assert got == fields_by_source(fresh)


def test_an_edit_that_changes_no_row_parses_nothing_again(tmp_path: Path) -> None:
    source, index_dir, names = corpus(tmp_path)
    write_manifest(source, f"file,year\n{names[0]},2020\n")
    build_index(source, index_dir, BuildOptions(jobs=1))
    # Another column order, a note column and a row for a file that is not there.
    write_manifest(source, f"note,year,file\nx,2020,{names[0]}\n,2018,gone.txt\n")
    summary = update_index(source, index_dir, BuildOptions(jobs=1))
    assert summary.reused == summary.seen


def test_a_commit_without_row_fingerprints_reads_every_file_when_the_manifest_changes(tmp_path: Path) -> None:
    source, index_dir, names = corpus(tmp_path)
    write_manifest(source, f"file,year\n{names[0]},2020\n")
    build_index(source, index_dir, BuildOptions(jobs=1))
    live = segment_format.current_commit(index_dir)
    manifest = segment_format.read_manifest(live)
    for entry in manifest.values():
        del entry["overrides"]  # as a commit written before they were kept
    segment_format.write_manifest(live, manifest)
    assert update_index(source, index_dir, BuildOptions(jobs=1)).reused == len(names)  # manifest unchanged
    write_manifest(source, f"file,year\n{names[0]},2020\n{names[1]},2021\n")
    live = segment_format.current_commit(index_dir)
    manifest = segment_format.read_manifest(live)
    for entry in manifest.values():
        entry.pop("overrides", None)
    segment_format.write_manifest(live, manifest)
    summary = update_index(source, index_dir, BuildOptions(jobs=1))
    assert summary.reused == 0
    assert fields_by_source(index_dir)[names[1]][0] == 2021
