"""The curation list (analysis/curation.py) over an index of constructed
reports: the records keep doc_type_reason and doubts, the per-report doubt
bits find and count the documents in doubt (by field, by doc_type, paged,
in source order) across segments, tombstones and merges, and an index
written before doubts were kept reads as having none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from search_service.analysis.curation import (
    CurationRequest,
    curation_list,
    curation_summary,
    doubt_counts,
    in_doubt,
    manifest_columns,
    manifest_line,
)
from search_service.indexing import merge_index
from search_service.model import DOUBT_FIELDS, Doubt, Report, Section
from search_service.search import open_index
from search_service.segments import toc
from search_service.segments.format import (
    DOUBT_OTHER,
    REPORTS,
    Commit,
    SegmentEntry,
    current_commit,
    doubt_bit,
    doubt_bits,
    new_name,
    read_commit,
    switch_current,
)
from search_service.segments.records import record_report, report_record
from search_service.segments.writer import SegmentWriter, write_commit_folder

NO_YEAR = Doubt("year", "正文未写报告年份")
NO_UNIT = Doubt("unit", "未写发布单位")
WEAK = Doubt("doc_type", "无标题、无年份，依据正文判断")
NO_PLACE = Doubt("province", "文中未写明所在地区")


def report(name: str, *doubts: Doubt, doc_type: str = "annual_report", year: int | None = 2023) -> Report:
    return Report(
        report_id=f"id-{name}",
        title=None if WEAK in doubts else f"{name}镇{year or ''}年法治政府建设年度报告",
        town=f"{name}镇",
        county=None,
        city=None,
        province=None if NO_PLACE in doubts else "广东省",
        year=year,
        published=None,
        source=f"{name}.txt",
        sections=[
            Section("preamble", "", f"{name}镇现将有关情况报告如下："),
            Section("measures", "一、主要举措和成效", f"{name}镇聘请法律顾问参与合同审查。"),
        ],
        doc_type=doc_type,
        unit=None if NO_UNIT in doubts else f"{name}镇",
        doc_type_reason="标题是法治政府建设报告" if WEAK not in doubts else "无标题，正文有报告的部分",
        doubts=doubts,
    )


# In source order: a, b, c, d, e, f.
REPORTS_ = [
    report("a"),
    report("b", NO_YEAR, year=None),
    report("c", WEAK, NO_YEAR, NO_UNIT, year=None),
    report("d", NO_UNIT, NO_PLACE),
    report("e", WEAK, doc_type="other"),
    report("f"),
]


def write_index(index_dir: Path, groups: list[list[Report]], deleted: dict[int, list[int]] | None = None) -> Path:
    """An index whose live commit names one segment per group of reports
    (and the given deleted local ordinals per segment)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for i, group in enumerate(groups):
        writer = SegmentWriter(index_dir)
        for r in group:
            writer.add(r)
        entry = writer.finish()
        gone = np.array(sorted((deleted or {}).get(i, [])), dtype=np.int32)
        entries.append(SegmentEntry(entry.name, entry.reports, gone))
    folder = index_dir / new_name(toc.COMMIT_PREFIX)
    folder.mkdir()
    built = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    write_commit_folder(folder, Commit(tuple(entries)), {"built_at": built})
    switch_current(index_dir, folder)
    return index_dir


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_index(tmp_path_factory.mktemp("curation") / "ix", [REPORTS_])


def sources(index_dir: Path, **request: object) -> list[str]:
    found = curation_list(open_index(index_dir), CurationRequest(**request))  # type: ignore[arg-type]
    return [item.source for item in found.items]


def test_records_keep_the_reason_and_the_doubts(index_dir: Path) -> None:
    index = open_index(index_dir)
    c = index.report(index.ordinal("id-c"))
    assert c.doubts == (WEAK, NO_YEAR, NO_UNIT)
    assert c.doc_type_reason == "无标题，正文有报告的部分"
    assert index.report(index.ordinal("id-a")).doubts == ()


def test_a_record_written_before_doubts_reads_as_none() -> None:
    record = report_record(REPORTS_[2])
    del record["doubts"], record["doc_type_reason"]
    old = record_report(record, [s.text for s in REPORTS_[2].sections])
    assert (old.doc_type_reason, old.doubts) == ("", ())


def test_documents_in_doubt_in_source_order_with_their_reasons(index_dir: Path) -> None:
    found = curation_list(open_index(index_dir))
    assert [item.source for item in found.items] == ["b.txt", "c.txt", "d.txt", "e.txt"]
    assert found.total == found.documents == 4
    c = found.items[1]
    assert (c.report_id, c.doc_type, c.label) == ("id-c", "annual_report", "未知单位法治政府建设年度报告（无标题）")
    # doubts in DOUBT_FIELDS order, with what the rules decided
    assert [(d.field, d.reason, d.value) for d in c.doubts] == [
        ("doc_type", WEAK.reason, "annual_report"),
        ("year", NO_YEAR.reason, None),
        ("unit", NO_UNIT.reason, None),
    ]
    assert c.fields == ("doc_type", "year", "unit")


def test_a_field_lists_only_the_documents_in_doubt_about_it(index_dir: Path) -> None:
    assert sources(index_dir, field="year") == ["b.txt", "c.txt"]
    assert sources(index_dir, field="unit") == ["c.txt", "d.txt"]
    assert sources(index_dir, field="doc_type") == ["c.txt", "e.txt"]
    assert sources(index_dir, field="town") == []


def test_doc_type_narrows_the_list_and_the_counts(index_dir: Path) -> None:
    assert sources(index_dir, doc_type="other") == ["e.txt"]
    assert sources(index_dir, doc_type="annual_report", field="doc_type") == ["c.txt"]
    index = open_index(index_dir)
    assert doubt_counts(index, "other") == {**dict.fromkeys(DOUBT_FIELDS, 0), "doc_type": 1}
    found = curation_list(index, CurationRequest(field="unit", doc_type="annual_report"))
    # by_field and documents ignore the field chosen, as a facet ignores its own filter
    assert (found.total, found.documents) == (2, 3)
    assert found.by_field == {**dict.fromkeys(DOUBT_FIELDS, 0), "doc_type": 1, "year": 2, "unit": 2, "province": 1}


def test_pages_cover_the_list_once(index_dir: Path) -> None:
    pages = [sources(index_dir, page=p, per_page=3) for p in (1, 2, 3)]
    assert pages == [["b.txt", "c.txt", "d.txt"], ["e.txt"], []]


def test_summary_counts_every_doc_type(index_dir: Path) -> None:
    summary = curation_summary(open_index(index_dir))
    assert summary["documents"] == 4
    assert summary["by_field"] == {
        **dict.fromkeys(DOUBT_FIELDS, 0),
        "doc_type": 2,
        "year": 2,
        "unit": 2,
        "province": 1,
    }


def test_the_manifest_line_names_the_file_and_leaves_the_fields_empty() -> None:
    columns = manifest_columns(["unit", "doc_type", "year"])
    assert columns == ["file", "doc_type", "year", "unit"]
    assert manifest_line("2024/青山镇.txt", columns) == "2024/青山镇.txt,,,"
    # a name CSV would split is quoted
    assert manifest_line('a,"b".txt', columns) == '"a,""b"".txt",,,'


def test_a_doubt_about_another_field_is_listed_but_counted_under_none(tmp_path: Path) -> None:
    odd = Doubt("encoding", "编码不明")
    assert doubt_bits([odd]) == DOUBT_OTHER and doubt_bits([NO_YEAR, NO_UNIT]) == doubt_bit("year") | doubt_bit("unit")
    index_dir = write_index(tmp_path / "ix", [[report("a"), report("g", odd)]])
    found = curation_list(open_index(index_dir))
    assert [item.source for item in found.items] == ["g.txt"]
    assert found.items[0].doubts[0].field == "encoding"
    assert sum(found.by_field.values()) == 0


def test_segments_tombstones_and_merges_keep_each_reports_doubts(tmp_path: Path) -> None:
    # Three segments whose sources interleave, one report of the second deleted.
    groups = [[REPORTS_[0], REPORTS_[3]], [REPORTS_[1], REPORTS_[4]], [REPORTS_[2], REPORTS_[5]]]
    index_dir = write_index(tmp_path / "ix", groups, deleted={1: [1]})  # e.txt deleted
    assert sources(index_dir) == ["b.txt", "c.txt", "d.txt"]
    assert sources(index_dir, field="doc_type") == ["c.txt"]
    assert merge_index(index_dir, lambda segments: [[s.name for s in segments]]) is not None
    index = open_index(index_dir)
    assert len(index.segments.parts) == 1
    assert sources(index_dir) == ["b.txt", "c.txt", "d.txt"]
    assert index.report(index.ordinal("id-c")).doubts == (WEAK, NO_YEAR, NO_UNIT)


def test_an_index_written_before_doubts_were_kept_has_none(tmp_path: Path) -> None:
    index_dir = write_index(tmp_path / "ix", [REPORTS_])
    for entry in read_commit(current_commit(index_dir)).segments:
        (index_dir / entry.name / f"{REPORTS}.doubts.npy").unlink()
    index = open_index(index_dir)
    assert len(in_doubt(index)) == 0 and curation_list(index).total == 0
