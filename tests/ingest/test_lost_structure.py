"""Documents whose structure was lost on the way (tests/fixtures/lost_structure,
issue 22): bodies whose numbered parts run inline in one long line (txt in
UTF-8, GBK and UTF-16, a page in one <p> or without its tags, a .docx
paragraph, a flowing .pdf paragraph), titles over two or three lines, reports
that start at 一、 or name no year or no unit, look-alikes that are not annual
reports (each also without its line breaks), and numbers inside long lines
that are not headings. Every field is checked against expectations written by
hand, and so are the section kinds and the parts' headings."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

import pytest

from search_service.config import PROJECT_ROOT
from search_service.ingest import SUPPORTED_SUFFIXES, parse_file
from search_service.model import Report

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "lost_structure"
EXPECTED = {
    name: value
    for name, value in json.loads((FIXTURES / "expected.json").read_text("utf-8")).items()
    if not name.startswith("_")
}
FIELDS = ("title", "doc_type", "level", "unit", "town", "county", "city", "province", "year", "published", "is_report")
REPORTS = sorted(name for name, expected in EXPECTED.items() if expected["is_report"])
LOOK_ALIKES = sorted(name for name, expected in EXPECTED.items() if not expected["is_report"])
UNSPLIT = sorted(name for name, expected in EXPECTED.items() if expected.get("unsplit"))
MIN_FIXTURES = 60


def compact(text: str | None) -> str | None:
    return None if text is None else "".join(text.split())


@cache
def parsed(name: str) -> Report:
    """Each file parsed once; a file that fails to parse fails its own tests only."""
    return parse_file(FIXTURES / name, FIXTURES)


def after_preamble(report: Report) -> list:
    sections = list(report.sections)
    if sections and sections[0].kind == "preamble":  # a report may open with its first part
        sections = sections[1:]
    return sections


def test_every_fixture_has_expectations():
    files = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in SUPPORTED_SUFFIXES)
    assert files == sorted(EXPECTED)
    assert len(files) >= MIN_FIXTURES


def test_fixtures_cover_every_format_and_encoding():
    assert {name.rsplit(".", 1)[1] for name in EXPECTED} >= {"txt", "html", "docx", "pdf"}
    texts = [(FIXTURES / name).read_bytes() for name in EXPECTED if name.endswith(".txt")]
    assert any(data.startswith(b"\xff\xfe") for data in texts), "a UTF-16 text"

    def utf8(data: bytes) -> bool:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    assert any(not data.startswith(b"\xff\xfe") and not utf8(data) for data in texts), "a GBK text"
    assert any(utf8(data) for data in texts), "a UTF-8 text"


def test_expectations_are_complete():
    for name, expected in EXPECTED.items():
        assert all(field in expected for field in FIELDS), name
        assert expected["is_report"] == (expected["doc_type"] == "annual_report"), name
        if expected["is_report"]:
            assert expected["sections"] and expected["first_heading"], name
            assert expected["headings"][0] == expected["first_heading"], name
            assert len(expected["headings"]) == len(expected["sections"]), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("field", FIELDS)
def test_lost_structure_field(name, field):
    expected = EXPECTED[name]
    value = getattr(parsed(name), field)
    if field == "title":
        value = compact(value)
    assert value == expected[field], expected["shape"]


@pytest.mark.parametrize("name", REPORTS)
def test_lost_structure_section_kinds(name):
    kinds = [section.kind for section in after_preamble(parsed(name))]
    assert kinds == EXPECTED[name]["sections"], EXPECTED[name]["shape"]


@pytest.mark.parametrize("name", REPORTS)
def test_first_heading_is_found_as_a_section_heading(name):
    """The first numbered part's heading opens the first section after the
    preamble, as written (whitespace aside), not a piece of a long line."""
    sections = after_preamble(parsed(name))
    assert sections, f"no section after the preamble: {EXPECTED[name]['shape']}"
    assert compact(sections[0].heading) == EXPECTED[name]["first_heading"], EXPECTED[name]["shape"]


@pytest.mark.parametrize("name", REPORTS)
def test_part_headings_end_where_their_text_starts(name):
    """Every part's heading as written: a heading run into its text (二、存在的
    问题 一是…, 三、2023年工作打算2023年，…) ends before the text, which stays
    the part's text, not the heading's tail."""
    sections = after_preamble(parsed(name))
    assert [compact(section.heading) for section in sections] == EXPECTED[name]["headings"], EXPECTED[name]["shape"]
    assert all(compact(section.text) for section in sections), "every part keeps its text"


@pytest.mark.parametrize("name", UNSPLIT)
def test_numbers_that_are_not_headings_stay_in_their_paragraph(name):
    """一、二级, 第一、二季度, 1.5万元, 〔2024〕1号, 第（一）项… are words of a
    sentence: each phrase lies inside one paragraph of one section."""
    report = parsed(name)
    paragraphs = [compact(line) for section in report.sections for line in section.text.split("\n")]
    headings = [compact(section.heading) for section in report.sections]
    for phrase in EXPECTED[name]["unsplit"]:
        assert any(phrase in paragraph for paragraph in paragraphs), (phrase, EXPECTED[name]["shape"])
        assert not any(phrase in heading for heading in headings), (phrase, "taken as a heading")


def _shares() -> tuple[Counter, Counter, list[str]]:
    counts: Counter = Counter()
    right: Counter = Counter()
    wrong = []
    for name, expected in EXPECTED.items():
        group = "reports" if expected["is_report"] else "look-alikes"
        counts[group] += 1
        try:
            doc_type = parsed(name).doc_type
        except Exception as exc:  # noqa: BLE001 - an unreadable fixture counts as wrong
            doc_type = f"unreadable ({exc})"
        if doc_type == expected["doc_type"]:
            right[group] += 1
        else:
            wrong.append(f"{name}: {doc_type} ({expected['shape']})")
    return counts, right, wrong


def test_no_shape_regresses_silently():
    """Every report is classed annual_report and every look-alike other: a
    change that loses a whole shape (inline bodies, split titles, 通报…) fails
    here with the list of what it lost, whatever else still passes."""
    counts, right, wrong = _shares()
    assert counts["reports"] >= 40 and counts["look-alikes"] >= 15
    shares = {group: f"{right[group]}/{counts[group]}" for group in counts}
    assert right == counts, f"{shares}; misclassified:\n" + "\n".join(wrong)
