from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import feedparser
from lxml import etree

from search_service.citing.feed import FeedEntry, atom_feed, entry_from_hit, entry_id, feed_id
from search_service.model import ReportHit, SectionHit

ATOM = "{http://www.w3.org/2005/Atom}"
BUILT = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)
SELF = "https://search.example.org/feeds/search.atom?q=%E6%B3%95%E5%BE%8B%E9%A1%BE%E9%97%AE"


def entry(report_id: str, days: int, **fields) -> FeedEntry:
    values = dict(
        report_id=report_id,
        title=f"{report_id}镇2024年法治政府建设年度报告",
        unit=f"{report_id}镇",
        year=2024,
        entered=BUILT + timedelta(days=days),
        link=f"https://search.example.org/reports/{report_id}",
        snippet="…全面推进<mark>法律顾问</mark>制度，a &lt; b…",
    )
    values.update(fields)
    return FeedEntry(**values)


ENTRIES = [entry("a1", 0), entry("c3", 2), entry("b2", 1)]


def make_feed(entries=ENTRIES) -> bytes:
    return atom_feed(entries, feed_id("q=法律顾问"), "检索：法律顾问", SELF, BUILT)


def test_feed_parses_as_valid_atom_newest_first():
    parsed = feedparser.parse(make_feed())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.id == feed_id("q=法律顾问")
    assert [e.id for e in parsed.entries] == [entry_id("c3"), entry_id("b2"), entry_id("a1")]
    first = parsed.entries[0]
    assert first.title == "c3镇2024年法治政府建设年度报告"
    assert first.author == "c3镇"
    assert first.link == "https://search.example.org/reports/c3"
    assert first.updated_parsed == time.struct_time((2026, 1, 7, 8, 0, 0, 2, 7, 0))
    assert "<strong>法律顾问</strong>" in first.summary and "a &lt; b" in first.summary
    assert "2024年" in first.summary
    assert [t.term for t in first.tags] == ["2024"]


def test_feed_has_the_elements_rfc_4287_requires():
    root = etree.fromstring(make_feed())
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == SELF
    for element in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert element.find(f"{ATOM}{name}") is not None


def test_feed_updated_is_its_newest_entry_and_bytes_are_stable():
    parsed = feedparser.parse(make_feed())
    assert parsed.feed.updated_parsed[:5] == (2026, 1, 7, 8, 0)
    assert make_feed() == make_feed(list(reversed(ENTRIES)))


def test_entry_ids_are_stable_and_distinct():
    assert entry_id("0f29331b601e0308") == entry_id("0f29331b601e0308")
    assert entry_id("0f29331b601e0308") != entry_id("3ba48369459b5a14")
    assert entry_id("0f29331b601e0308").startswith("urn:uuid:")


def test_an_empty_feed_takes_the_given_time():
    parsed = feedparser.parse(make_feed([]))
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated_parsed[:5] == (2026, 1, 5, 8, 0)


def test_entry_without_unit_year_or_snippet_still_valid():
    bare = entry("d4", 3, unit=None, year=None, snippet=None, title="文件（无标题）")
    parsed = feedparser.parse(make_feed([bare]))
    assert not parsed.bozo
    assert parsed.entries[0].title == "文件（无标题）"


def test_characters_xml_cannot_carry_are_dropped():
    odd = entry("e5", 0, title="报告\x0b标题", snippet="…法律\x00顾问…")
    parsed = feedparser.parse(make_feed([odd]))
    assert not parsed.bozo
    assert parsed.entries[0].title == "报告标题"


def test_entry_from_hit_takes_first_snippet_and_label():
    hit = ReportHit(
        report_id="0f29331b601e0308", title=None, doc_type="annual_report", level="township", unit="吉水镇",
        url=None, town="吉水镇", county=None, city=None, province=None, year=2024, published=None,
        source="a.txt", score=1.0, mentions={"法律顾问": 2},
        sections=[SectionHit("preamble", "", []), SectionHit("measures", "一、", ["<mark>法律顾问</mark>一", "二"])],
    )  # fmt: skip
    made = entry_from_hit(hit, BUILT, "https://search.example.org/")
    assert made.title == "吉水镇2024年法治政府建设年度报告（无标题）"
    assert made.snippet == "<mark>法律顾问</mark>一"
    assert made.link == "https://search.example.org/reports/0f29331b601e0308"
