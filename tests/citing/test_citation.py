from __future__ import annotations

from datetime import date

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from search_service.citing.citation import bibtex, citation, issuer, report_link, ris
from search_service.model import Report, ReportHit, Section

CONSULTED = date(2026, 11, 25)
BASE = "https://search.example.org/"
RID = "0f29331b601e0308"


def make_report(**fields) -> Report:
    values = dict(
        report_id=RID,
        title="吉水镇2024年法治政府建设年度报告",
        town="吉水镇",
        county="廉江市",
        city="湛江市",
        province="广东省",
        year=2024,
        published="2025-01-07",
        source="a.html",
        sections=[Section("measures", "一、主要工作", "全面推进法律顾问制度。")],
        unit="吉水镇",
        level="township",
        url="http://www.example.gov.cn/zwgk/2025/0107/a.html",
    )
    values.update(fields)
    return Report(**values)


def test_citation_with_known_url_cites_the_original_then_links_the_paragraph():
    text = citation(make_report(), 17, consulted=CONSULTED, base_url=BASE)
    assert text == (
        "吉水镇. 吉水镇2024年法治政府建设年度报告[EB/OL]. (2025-01-07)[2026-11-25]. "
        "http://www.example.gov.cn/zwgk/2025/0107/a.html.\n"
        f"本段链接：https://search.example.org/reports/{RID}#p17"
    )


def test_citation_without_url_cites_this_service():
    text = citation(make_report(url=None), "p17", consulted=CONSULTED, base_url=BASE)
    assert text == (
        "吉水镇. 吉水镇2024年法治政府建设年度报告[EB/OL]. (2025-01-07)[2026-11-25]. "
        f"https://search.example.org/reports/{RID}#p17."
    )


def test_citation_of_the_whole_report():
    text = citation(make_report(), consulted=CONSULTED, base_url=BASE)
    assert text.endswith(f"\n本站链接：https://search.example.org/reports/{RID}")
    assert "#p" not in text


def test_citation_without_published_date_keeps_only_the_date_consulted():
    text = citation(make_report(published=None, url=None), consulted=CONSULTED, base_url=BASE)
    assert "[EB/OL]. [2026-11-25]. https://" in text


def test_citation_without_title_uses_the_label():
    text = citation(make_report(title=None), consulted=CONSULTED, base_url=BASE)
    assert text.startswith("吉水镇. 吉水镇2024年法治政府建设年度报告（无标题）[EB/OL]. ")


def test_issuer_is_unit_else_the_most_specific_place_else_unknown():
    assert issuer(make_report(unit=None)) == "吉水镇"
    assert issuer(make_report(unit=None, town=None)) == "廉江市"
    assert issuer(make_report(unit=None, town=None, county=None, city=None, province=None)) == "佚名"


def test_a_search_hit_is_citable_too():
    hit = ReportHit(
        report_id=RID, title=None, doc_type="annual_report", level="county", unit="静海区", url=None,
        town=None, county="静海区", city="天津市", province="天津市", year=2023, published=None,
        source="b.pdf", score=1.0, mentions={}, sections=[],
    )  # fmt: skip
    assert citation(hit, consulted=CONSULTED, base_url=BASE) == (
        "静海区. 静海区2023年法治政府建设年度报告（无标题）[EB/OL]. [2026-11-25]. "
        f"https://search.example.org/reports/{RID}."
    )


def test_bad_paragraph_is_refused():
    with pytest.raises(ValueError):
        citation(make_report(), "p0", consulted=CONSULTED, base_url=BASE)


def test_report_link():
    assert report_link("http://h:5000", RID) == f"http://h:5000/reports/{RID}"
    assert report_link("http://h:5000/", RID, 3) == f"http://h:5000/reports/{RID}#p3"


def parse_bibtex(text: str):
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks
    assert len(library.entries) == 1
    return library.entries[0]


def test_bibtex_parses_with_fields():
    entry = parse_bibtex(bibtex(make_report(), 17, consulted=CONSULTED, base_url=BASE))
    assert entry.entry_type == "misc"
    assert entry.key == f"report-{RID}-p17"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == "吉水镇2024年法治政府建设年度报告"
    assert fields["author"] == "吉水镇"
    assert fields["year"] == "2025"
    assert fields["date"] == "2025-01-07"
    assert fields["url"] == "http://www.example.gov.cn/zwgk/2025/0107/a.html"
    assert fields["urldate"] == "2026-11-25"
    assert fields["note"] == f"第17段，本段链接：https://search.example.org/reports/{RID}#p17"


def test_bibtex_without_url_or_date_points_at_this_service():
    entry = parse_bibtex(bibtex(make_report(url=None, published=None), consulted=CONSULTED, base_url=BASE))
    fields = {f.key: f.value for f in entry.fields}
    assert fields["url"] == f"https://search.example.org/reports/{RID}"
    assert "year" not in fields and "date" not in fields
    assert entry.key == f"report-{RID}"


def test_bibtex_escapes_latex_specials():
    report = make_report(title="A&B_{x} 100%#报告", unit="某局~^\\")
    entry = parse_bibtex(bibtex(report, consulted=CONSULTED, base_url=BASE))
    fields = {f.key: f.value for f in entry.fields}
    assert fields["title"] == "A&B_{x} 100%#报告"
    assert "某局" in fields["author"]


def parse_ris(text: str) -> dict:
    records = rispy.loads(text)
    assert len(records) == 1
    return records[0]


def test_ris_parses_with_fields():
    record = parse_ris(ris(make_report(), 17, consulted=CONSULTED, base_url=BASE))
    assert record["type_of_reference"] == "ELEC"
    assert record["title"] == "吉水镇2024年法治政府建设年度报告"
    assert record["authors"] == ["吉水镇"]
    assert record["year"] == "2025"
    assert record["date"] == "2025/01/07"
    assert record["access_date"] == "2026/11/25"
    assert record["urls"] == [
        "http://www.example.gov.cn/zwgk/2025/0107/a.html",
        f"https://search.example.org/reports/{RID}#p17",
    ]
    assert record["language"] == "zh"
    assert record["id"] == f"report-{RID}-p17"


def test_ris_without_url_gives_only_this_service():
    record = parse_ris(ris(make_report(url=None, published=None), consulted=CONSULTED, base_url=BASE))
    assert record["urls"] == [f"https://search.example.org/reports/{RID}"]
    assert "year" not in record and "date" not in record
    assert record["access_date"] == "2026/11/25"


def test_report_fields_cite_as_the_report_does():
    report = make_report()
    for make in (citation, bibtex, ris):
        assert make(report.report_fields(), 3, consulted=CONSULTED, base_url=BASE) == make(
            report, 3, consulted=CONSULTED, base_url=BASE
        )
