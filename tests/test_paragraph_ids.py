"""Paragraph anchors are stable (issue 15): the same report content gives
the same paragraph ids whether it was just parsed, rebuilt, or carried over
by `index update`, and the report page, the report API and the search's
snippet paragraphs all use the same numbering."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html

from search_service import create_app
from search_service.citing.paragraphs import paragraphs
from search_service.config import Settings
from search_service.indexing import BuildOptions, build_index, update_index
from search_service.ingest import parse_file
from search_service.search import open_index
from tests.conftest import SAMPLES

BROWSER = {"Accept": "text/html"}


def anchors(index_dir: Path) -> dict[str, list[tuple[str, str]]]:
    """report_id -> [(paragraph id, text)] as the index gives them back."""
    index = open_index(index_dir)
    try:
        found = {}
        for ordinal in range(index.report_count):
            report = index.report(ordinal)
            found[report.report_id] = [(p.id, p.text_in(report)) for p in paragraphs(report)]
        return found
    finally:
        index.close()


def page_anchors(source: Path, index_dir: Path, report_id: str) -> list[tuple[str, str]]:
    client = create_app(Settings(index_dir=index_dir, source_dir=source)).test_client()
    doc = lxml.html.fromstring(client.get(f"/reports/{report_id}", headers=BROWSER).get_data(as_text=True))
    return [(span.get("id"), span.text_content()) for span in doc.xpath("//span[@class='para']")]


def test_anchors_are_the_same_after_parsing_rebuilding_and_updating(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    built = anchors(index_dir)
    for path in source.glob("*.txt"):
        parsed = parse_file(path, source)
        assert [(p.id, p.text_in(parsed)) for p in paragraphs(parsed)] == built[parsed.report_id]

    build_index(source, index_dir, BuildOptions(jobs=1))
    assert anchors(index_dir) == built

    files = sorted(source.glob("*.txt"))
    files[0].write_text(files[0].read_text("utf-8") + "\n末尾新增一段。\n", "utf-8")
    summary = update_index(source, index_dir, BuildOptions(jobs=1))
    assert summary.reused == len(files) - 1
    updated = anchors(index_dir)
    kept = set(built) & set(updated)
    assert len(kept) == len(files) - 1
    assert all(updated[report_id] == built[report_id] for report_id in kept)
    (new_id,) = set(updated) - set(built)
    (old_id,) = set(built) - set(updated)
    assert updated[new_id][: len(built[old_id])] == built[old_id]  # the paragraphs before the new one keep their ids


def test_page_api_and_snippets_share_the_numbering(tmp_path, sample_index):
    index = open_index(sample_index)
    report_id = index.records[0]["report_id"]
    index.close()
    expected = anchors(sample_index)[report_id]
    shown = page_anchors(SAMPLES, sample_index, report_id)
    # The page shows the text as written; ids and words are the same.
    assert [pid for pid, _ in shown] == [pid for pid, _ in expected]
    assert [text.replace(" ", "") for _, text in shown] == [text.replace(" ", "") for _, text in expected]

    client = create_app(Settings(index_dir=sample_index, source_dir=SAMPLES)).test_client()
    body = client.get(f"/api/v1/reports/{report_id}").get_json()
    assert [(p["id"], p["text"]) for s in body["sections"] for p in s["paragraphs"]] == shown

    doc = lxml.html.fromstring(client.get("/", query_string={"q": "法律顾问"}, headers=BROWSER).get_data(as_text=True))
    hrefs = doc.xpath("//div[@class='snippet']/a[@class='kind']/@href")
    assert hrefs and all("#p" in href for href in hrefs)
    for href in hrefs:
        path, anchor = href.split("#")
        page = lxml.html.fromstring(client.get(path, headers=BROWSER).get_data(as_text=True))
        assert "法律顾问" in page.get_element_by_id(anchor).text_content()


def test_stored_paragraph_starts_equal_the_counted_ones_and_searches_agree_without_them(tmp_path):
    """Each segment stores how many paragraphs of a report come before each
    section (units.paragraph_start.npy); the page of hits numbers snippets'
    paragraphs from it. It must equal citing.paragraphs over the report,
    across segments and deletions, and an index written before it was
    stored (the file missing) must give the same hits."""
    source = tmp_path / "src"
    shutil.copytree(Path(__file__).parent / "fixtures" / "unseen", source)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    changed = sorted(source.glob("*.txt"))[0]
    changed.write_text(changed.read_bytes().decode("utf-8", "replace") + "\n新增一段。\n另起一段。\n", "utf-8")
    update_index(source, index_dir, BuildOptions(jobs=1))

    def searched(ix_dir: Path) -> list:
        client = create_app(Settings(index_dir=ix_dir, source_dir=source)).test_client()
        return [
            client.get("/api/v1/search", query_string={"q": q, "per_page": 50}).get_json()["results"]
            for q in ("法治", "法律顾问", "的")
        ]

    index = open_index(index_dir)
    try:
        assert len(index.segments.parts) == 2
        for ordinal in range(index.report_count):
            report = index.report(ordinal)
            numbered = paragraphs(report)
            for position in range(len(report.sections)):
                expected = sum(1 for p in numbered if p.section < position)
                assert index.paragraphs_before(ordinal, position) == expected, (report.report_id, position)
    finally:
        index.close()
    with_stored = searched(index_dir)
    assert any(
        s["paragraphs"] != [None] * len(s["snippets"]) for hits in with_stored for h in hits for s in h["sections"]
    )

    copy = tmp_path / "copy"
    shutil.copytree(index_dir, copy, symlinks=True)
    removed = [p for p in copy.rglob("units.paragraph_start.npy") if p.is_file()]
    assert removed
    for path in removed:
        path.unlink()
    index = open_index(copy)
    try:
        assert all(part.segment.paragraph_start is None for part in index.segments.parts)
    finally:
        index.close()
    assert searched(copy) == with_stored
