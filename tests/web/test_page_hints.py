"""The page's hint for a bad parameter: every filter with a closed set of
values (model.FILTERS) gets one from its entry, naming each value and how it
reads, so a filter added to the registry needs no hint of its own."""

from __future__ import annotations

import lxml.html
import pytest

from search_service.model import FILTERS

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
CLOSED = [spec for spec in FILTERS if spec.values]


def hint_for(client, name: str, value: str) -> str:
    response = client.get("/", query_string={"q": "法治", name: value}, headers=BROWSER)
    assert response.status_code == 400
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    return doc.xpath(f"string(//div[@class='field-error'][@data-param='{name}']//p[@class='hint'])")


@pytest.mark.parametrize("spec", CLOSED, ids=[spec.name for spec in CLOSED])
def test_a_bad_closed_value_is_answered_with_every_value_and_its_label(client, spec):
    hint = hint_for(client, spec.name, "no-such-value")
    assert hint.startswith(f"可选的{spec.label}：")
    for value, label in spec.values.items():
        assert f"{value}（{label}）" in hint


def test_the_format_hint_reads_as_written(client):
    assert hint_for(client, "format", "odt") == "可选的文件格式：pdf（PDF）、docx（Word）、html（网页）、txt（文本）。"


def test_the_doc_type_hint_names_its_default(client):
    assert hint_for(client, "doc_type", "news").endswith("，默认 annual_report。")


def test_the_section_hint_is_unchanged(client):
    assert hint_for(client, "section", "x") == (
        "可选的章节：preamble（导语）、measures（主要举措和成效）、problems（存在的问题）、"
        "leadership（第一责任人履职）、plans（下一步安排）、other（其他）。"
    )
