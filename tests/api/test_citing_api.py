"""Citing and following over HTTP (issue 15): the citation endpoint in its
three formats, the Atom feed of a search across rebuilds and updates, and
the changes endpoint against what an update did."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import bibtexparser
import feedparser
import pytest
import rispy

from search_service import create_app
from search_service.citing.feed import entry_id
from search_service.config import Settings
from search_service.indexing import BuildOptions, build_index, update_index
from tests.conftest import SAMPLES

ORIGINAL = "https://www.example.gov.cn/zfxxgk/fzzfjs/2024/report.html"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample reports, the first with its original URL in a manifest,
    and an index of them (module-wide: tests that change it copy it)."""
    root = tmp_path_factory.mktemp("citing")
    source = root / "src"
    shutil.copytree(SAMPLES, source)
    first = sorted(source.glob("*.txt"))[0]
    (source / "manifest.jsonl").write_text(json.dumps({"file": first.name, "url": ORIGINAL}) + "\n", "utf-8")
    build_index(source, root / "ix", BuildOptions(jobs=1))
    return source, root / "ix"


def client_for(source: Path, index_dir: Path):
    return create_app(Settings(index_dir=index_dir, source_dir=source)).test_client()


def built_copy(reports: Path, tmp_path: Path):
    """A copy of the reports folder, an index built from it and a client of
    both: for tests that change the files and rebuild."""
    source = tmp_path / "src"
    shutil.copytree(reports, source)
    index_dir = tmp_path / "ix"
    build_index(source, index_dir, BuildOptions(jobs=1))
    return source, index_dir, client_for(source, index_dir)


@pytest.fixture(scope="module")
def client(corpus):
    return client_for(*corpus)


def reports_by_url(client) -> tuple[dict, dict]:
    listing = client.get("/api/v1/reports", query_string={"per_page": 100, "doc_type": "all"}).get_json()["results"]
    with_url = next(r for r in listing if r["url"] == ORIGINAL)
    without = next(r for r in listing if not r["url"] and r["published"])
    return with_url, without


def citation(client, report_id: str, **query) -> tuple[int, str, str]:
    response = client.get(f"/api/v1/reports/{report_id}/citation", query_string=query)
    return response.status_code, response.headers["Content-Type"], response.get_data(as_text=True)


# ------------------------------------------------------------------ citation


def test_citation_of_a_paragraph_with_a_known_url_cites_the_original_then_links_here(client):
    report, _ = reports_by_url(client)
    status, media, text = citation(client, report["report_id"], paragraph="p3", consulted="2025-03-01")
    assert status == 200 and media == "text/plain; charset=utf-8"
    entry, link = text.rstrip("\n").split("\n")
    assert entry.startswith(f"{report['unit']}. {report['title']}[EB/OL]. ({report['published']})[2025-03-01]. ")
    assert entry.endswith(f" {ORIGINAL}.")
    assert link == f"本段链接：http://localhost/reports/{report['report_id']}#p3"


def test_citation_without_a_known_url_cites_this_service_at_the_paragraph(client):
    _, report = reports_by_url(client)
    status, _, text = citation(client, report["report_id"], paragraph="7", consulted="2025-03-01")
    assert status == 200
    assert text == (
        f"{report['unit']}. {report['title']}[EB/OL]. ({report['published']})[2025-03-01]. "
        f"http://localhost/reports/{report['report_id']}#p7.\n"
    )
    _, _, whole = citation(client, report["report_id"], consulted="2025-03-01")
    assert whole.rstrip().endswith(f"/reports/{report['report_id']}.")


def test_bibtex_and_ris_parse_with_reference_manager_libraries(client):
    report, _ = reports_by_url(client)
    status, media, text = citation(client, report["report_id"], paragraph="p2", format="bibtex")
    assert status == 200 and media.startswith("application/x-bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "misc"
    assert entry.fields_dict["url"].value == ORIGINAL
    assert entry.fields_dict["title"].value == "{" + report["title"] + "}"
    assert f"/reports/{report['report_id']}\\#p2" in entry.fields_dict["note"].value

    status, media, text = citation(client, report["report_id"], paragraph="p2", format="ris")
    assert status == 200 and media.startswith("application/x-research-info-systems")
    (record,) = rispy.loads(text)
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == report["title"]
    assert record["urls"] == [ORIGINAL, f"http://localhost/reports/{report['report_id']}#p2"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"paragraph": "p0"}, "paragraph"),
        ({"paragraph": "x1"}, "paragraph"),
        ({"paragraph": "p99999"}, "paragraph"),
        ({"format": "docx"}, "format"),
        ({"consulted": "yesterday"}, "consulted"),
    ],
)
def test_a_bad_citation_parameter_is_a_400_naming_it(client, query, field):
    report, _ = reports_by_url(client)
    response = client.get(f"/api/v1/reports/{report['report_id']}/citation", query_string=query)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_citation_of_an_unknown_report_is_a_404(client):
    response = client.get("/api/v1/reports/nosuchreport0000/citation")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# ------------------------------------------------------------------ paragraphs


def test_snippet_paragraphs_name_paragraphs_that_hold_the_term(client):
    hits = client.get("/api/v1/search", query_string={"q": "法律顾问"}).get_json()["results"]
    checked = 0
    for hit in hits:
        report = client.get(f"/api/v1/reports/{hit['report_id']}").get_json()
        texts = {p["id"]: p["text"] for s in report["sections"] for p in s["paragraphs"]}
        for section in hit["sections"]:
            assert len(section["paragraphs"]) == len(section["snippets"])
            for pid in section["paragraphs"]:
                if pid is not None:
                    assert "法律顾问" in texts[pid].replace(" ", "")
                    checked += 1
    assert checked >= 3


def test_report_api_numbers_paragraphs_across_sections(client):
    report, _ = reports_by_url(client)
    body = client.get(f"/api/v1/reports/{report['report_id']}").get_json()
    ids = [p["id"] for s in body["sections"] for p in s["paragraphs"]]
    assert ids == [f"p{n}" for n in range(1, len(ids) + 1)] and len(ids) > 5
    for section in body["sections"]:
        assert [p["text"] for p in section["paragraphs"]] == [
            line.strip() for line in section["text"].split("\n") if line.strip()
        ]


# ------------------------------------------------------------------ feed and changes


def feed(client, **query):
    response = client.get("/feeds/search.atom", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.get_data())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return response, parsed


def test_feed_of_a_search_is_valid_atom_with_the_matching_reports(client):
    response, parsed = feed(client, q="法律顾问")
    matching = client.get("/api/v1/search", query_string={"q": "法律顾问", "per_page": 100}).get_json()
    assert {e.id for e in parsed.entries} == {entry_id(h["report_id"]) for h in matching["results"]}
    assert all("<strong>法律顾问</strong>" in e.summary for e in parsed.entries)
    again = client.get(
        "/feeds/search.atom", query_string={"q": "法律顾问"}, headers={"If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304
    assert response.headers["Last-Modified"]


def test_a_bad_feed_parameter_is_a_400(client):
    response = client.get("/feeds/search.atom", query_string={"q": "法律顾问", "year": "abc"})
    assert response.status_code == 400 and "year" in response.get_json()["error"]["fields"]


def test_feed_keeps_its_bytes_across_a_rebuild_and_shows_a_new_file_after_an_update(corpus, tmp_path):
    source, index_dir, client = built_copy(corpus[0], tmp_path)
    before, parsed = feed(client, q="法律顾问")

    time.sleep(0.01)
    build_index(source, index_dir, BuildOptions(jobs=1))  # the same files again
    client = client_for(source, index_dir)
    after, reparsed = feed(client, q="法律顾问")
    assert [(e.id, e.updated) for e in reparsed.entries] == [(e.id, e.updated) for e in parsed.entries]
    assert after.get_data() == before.get_data() and after.headers["ETag"] == before.headers["ETag"]

    one = sorted(source.glob("*.txt"))[0]
    (source / "zz-new.txt").write_text(one.read_text("utf-8") + "\n新聘法律顾问一名。\n", "utf-8")
    update_index(source, index_dir, BuildOptions(jobs=1))
    client = client_for(source, index_dir)
    updated, with_new = feed(client, q="法律顾问")
    new_id = client.get("/api/v1/search", query_string={"q": "新聘法律顾问"}).get_json()["results"][0]["report_id"]
    assert with_new.entries[0].id == entry_id(new_id)  # newest first
    assert [e.id for e in with_new.entries[1:]] == [e.id for e in parsed.entries]
    assert updated.headers["ETag"] != before.headers["ETag"]


def test_changes_lists_exactly_what_an_update_did(corpus, tmp_path):
    source, index_dir, client = built_copy(corpus[0], tmp_path)
    listing = client.get("/api/v1/reports", query_string={"doc_type": "all"}).get_json()["results"]
    by_source = {r["source"]: r["report_id"] for r in listing}
    first = client.get("/api/v1/changes", query_string={"since": "2000-01-01T00:00:00Z"}).get_json()
    assert first["added"] == sorted(by_source.values()) and first["changed"] == first["removed"] == []
    assert first["complete"] is True
    since = first["until"]

    files = sorted(source.glob("*.txt"))
    files[0].write_text(files[0].read_text("utf-8") + "\n另增一段。\n", "utf-8")  # changed
    files[1].unlink()  # removed
    (source / "zz-new.txt").write_text("某镇2025年法治政府建设年度报告\n\n一、主要举措\n推进法律顾问工作。\n", "utf-8")
    files[2].rename(source / "moved.txt")  # moved: no change
    update_index(source, index_dir, BuildOptions(jobs=1))

    client = client_for(source, index_dir)
    now = client.get("/api/v1/reports", query_string={"doc_type": "all"}).get_json()["results"]
    new_by_source = {r["source"]: r["report_id"] for r in now}
    answer = client.get("/api/v1/changes", query_string={"since": since}).get_json()
    assert answer["added"] == [new_by_source["zz-new.txt"]]
    assert answer["changed"] == [new_by_source[files[0].name]]
    assert answer["removed"] == sorted([by_source[files[0].name], by_source[files[1].name]])
    assert answer["until"] > since and answer["complete"] is True
    nothing = client.get("/api/v1/changes", query_string={"since": answer["until"]}).get_json()
    assert nothing["added"] == nothing["changed"] == nothing["removed"] == []


@pytest.mark.parametrize("since", ["", "yesterday", "2025-13-01"])
def test_a_bad_since_is_a_400_naming_it(client, since):
    response = client.get("/api/v1/changes", query_string={"since": since})
    assert response.status_code == 400 and "since" in response.get_json()["error"]["fields"]
