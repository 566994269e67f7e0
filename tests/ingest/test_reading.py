"""read_document over the five samples and a fixture for every format,
encoding and trap (tests/fixtures/reading, made by make_fixtures.py)."""

from __future__ import annotations

import json
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from search_service.config import PROJECT_ROOT
from search_service.errors import UnreadableFile
from search_service.ingest import docx_text, reading
from search_service.ingest.document import RawDocument
from search_service.ingest.reading import read_document

SAMPLES = PROJECT_ROOT / "data" / "reports"
CHROME_LINES = {
    "返回顶部",
    "返回主站",
    "收起",
    "部门街镇",
    "政务新媒体",
    "智能问答",
    "语音播报",
    "进入播报模式",
    "退出播报模式",
    "扫一扫在手机打开当前页",
    "Baidu",
    "map",
}
CHROME_FRAGMENTS = (
    "[bookmark",
    "语音合成中",
    "【打印】",
    "首页 >",
    "首页>",
    "您当前的位置",
    "索引号",
    "发布日期",
    "点击数",
)


def sample(prefix: str):
    path = next(SAMPLES.glob(f"{prefix}_*.txt"))
    return read_document(path, path.name)


def lines_of(document) -> list[str]:
    return document.text.split("\n")


# --- the five samples ---------------------------------------------------


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_sample_has_no_chrome_and_no_blank_lines(prefix: str) -> None:
    document = sample(prefix)
    lines = lines_of(document)
    assert document.format == "txt" and document.encoding == "utf-8"
    assert all(line.strip() == line and line for line in lines)
    assert not CHROME_LINES & set(lines)
    for fragment in CHROME_FRAGMENTS:
        assert fragment not in document.text
    assert len(document.text) > 2000


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("000", {"published": "2025-01-07", "source_site": "本网"}),
        ("001", {}),
        (
            "002",
            {
                "published": "2021-06-18",
                "written": "2021-06-18",
                "index_number": "11500110733965117G/2021-00042",
                "issuer": "万盛关坝镇",
            },
        ),
        ("003", {}),
        ("004", {"published": "2022-12-24", "source_site": "本网"}),
    ],
)
def test_sample_meta_is_captured_from_the_chrome(prefix: str, expected: dict[str, str]) -> None:
    assert sample(prefix).meta == expected


def test_sample_page_dates_agree_with_labels() -> None:
    """Where a sample's page gives a date it is the labelled one (the others
    get theirs from the signature, which is the parser's job)."""
    labels = json.loads((PROJECT_ROOT / "tests" / "labels.json").read_text(encoding="utf-8"))
    page_dated = 0
    for entry in labels:
        published = read_document(SAMPLES / entry["file"], entry["file"]).meta.get("published")
        if published is not None:
            assert published == entry["published"], entry["file"]
            page_dated += 1
    assert page_dated == 3


def test_sample_003_rejoins_lines_broken_inside_sentences() -> None:
    document = sample("003")
    for joined in ("综合行政执法办公室", "统筹协调。将法治建设", "线上线下相结合的法治宣传活动"):
        assert joined in document.text
    assert not any(line.startswith(("调。", "法办公室", "相结合")) for line in lines_of(document))


def test_sample_003_keeps_headings_and_title_on_their_own_lines() -> None:
    lines = lines_of(sample("003"))
    assert lines[0] == "仙溪镇 2024 年法治建设年度报告"
    for heading in ("一、工作举措与成效", "（一）强化法治学习，提升法治素养", "二、存在问题", "三、下一步工作计划"):
        assert heading in lines


def test_sample_001_keeps_two_line_title_and_drops_bookmark() -> None:
    document = sample("001")
    assert lines_of(document)[:2] == ["黔江区黄溪镇人民政府", "2024年度法治政府建设报告"]
    assert "二、存在的主要问题及原因" in lines_of(document)
    assert any(line.startswith("2024年推进法治政府建设虽然取得了一些的成绩") for line in lines_of(document))


def test_sample_000_starts_with_title_after_breadcrumb() -> None:
    lines = lines_of(sample("000"))
    assert lines[0] == "吉水镇2024年法治政府建设年度报告"
    assert lines[1].startswith("2024年,在市委、市政府和镇党委的正确领导下")
    assert "一、主要工作" in lines


def test_sample_002_keeps_title_lines_and_drops_voice_widget() -> None:
    lines = lines_of(sample("002"))
    assert lines[:3] == [
        "关坝镇人民政府2020年度法治政府建设工作年度报告",
        "关坝镇人民政府2020年度",
        "法治政府建设工作年度报告",
    ]
    assert lines[-1].startswith("(三)推动责任落实。")


def test_sample_004_keeps_signature_lines_apart() -> None:
    lines = lines_of(sample("004"))
    assert lines[0] == "遂溪县人民政府遂城街道办事处关于2022年度法治政府建设情况的报告"
    assert lines[-3:] == ["特此报告。", "遂溪县人民政府遂城街道办事处", "2022年12月8日"]


# --- encodings ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("report_utf8.txt", "utf-8"),
        ("report_utf8_bom.txt", "utf-8-sig"),
        ("report_gb18030.txt", "gb18030"),
        ("report_utf16le_bom.txt", "utf-16"),
        ("report_crlf.txt", "utf-8"),
    ],
)
def test_every_encoding_reads_to_the_same_clean_text(reading_fixtures: Path, name: str, encoding: str) -> None:
    document = read_document(reading_fixtures / name, name)
    assert document.encoding == encoding
    assert document.source == name
    lines = lines_of(document)
    assert lines[:2] == ["青山镇人民政府", "2023年度法治政府建设工作报告"]
    assert (
        "（一）健全法律顾问制度。镇政府聘请律师担任法律顾问，并依托综合行政执法办公室开展合法性审查，全年审查规范性文件8件。"
        in lines
    )
    assert "\r" not in document.text and "\ufeff" not in document.text
    reference = read_document(reading_fixtures / "report_utf8.txt", "report_utf8.txt")
    assert document.text == reference.text


def test_traditional_characters_are_kept(reading_fixtures: Path) -> None:
    document = read_document(reading_fixtures / "report_traditional.txt", "t.txt")
    assert document.text.startswith("青山鎮2023年度法治政府建設工作報告\n")
    assert "綜合行政執法辦公室" in document.text
    assert "镇" not in document.text


# --- HTML ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "encoding"), [("page_utf8.html", "utf-8"), ("page_gbk.htm", "gb18030")])
def test_html_page_gives_the_article_only(reading_fixtures: Path, name: str, encoding: str) -> None:
    document = read_document(reading_fixtures / name, name)
    assert document.format == "html"
    assert document.encoding == encoding
    lines = lines_of(document)
    assert lines[0] == "青山镇人民政府2023年度法治政府建设工作报告"
    assert (
        "（一）健全法律顾问制度。镇政府聘请律师担任法律顾问，并依托综合行政执法办公室开展合法性审查，全年审查规范性文件8件。"
        in lines
    )
    assert lines[-2:] == ["青山镇人民政府", "2024年1月10日"]
    for chrome in (
        "首页",
        "政务公开",
        "百度统计",
        "广告",
        "相关文章",
        "安全生产工作会议",
        "版权所有",
        "返回顶部",
        "浏览次数",
        "分享到",
        "门户网站",
    ):
        assert chrome not in document.text


@pytest.mark.parametrize("name", ["page_utf8.html", "page_gbk.htm"])
def test_html_page_meta_is_read_from_the_whole_page(reading_fixtures: Path, name: str) -> None:
    meta = read_document(reading_fixtures / name, name).meta
    assert meta == {
        "published": "2024-01-15",
        "source_site": "青山镇人民政府",
        "index_number": "11441881MB2C12345X/2024-00007",
        "issuer": "青山镇",
        "html_title": "青山镇人民政府2023年度法治政府建设工作报告_某某县人民政府门户网站",
    }


def test_html_table_layout_page_keeps_line_breaks(reading_fixtures: Path) -> None:
    document = read_document(reading_fixtures / "page_table_layout.html", "old.html")
    assert document.encoding == "gb18030"
    assert document.meta == {
        "published": "2023-02-10",
        "source_site": "白沙镇",
        "html_title": "白沙镇2022年法治政府建设年度报告",
    }
    assert lines_of(document) == [
        "白沙镇2022年法治政府建设年度报告",
        "2022年，我镇坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实上级关于法治政府建设的决策部署，"
        "法治政府建设取得明显成效。现将有关情况报告如下：",
        "一、主要工作",
        "（一）加强组织领导。成立全面依法治镇工作领导小组，定期研究法治建设工作，推动法治政府建设各项任务落实落细。",
        "二、存在问题",
        "法治宣传的针对性还不够强，基层执法力量仍然薄弱。",
        "三、下一步工作",
        "继续深入开展法治宣传教育，加强执法队伍建设。",
    ]


def test_html_falls_back_to_page_text_when_extraction_finds_nothing(
    reading_fixtures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("search_service.ingest.html_text.trafilatura.extract", lambda *args, **kwargs: None)
    document = read_document(reading_fixtures / "page_utf8.html", "page.html")
    assert "并依托综合行政执法办公室开展合法性审查" in document.text
    assert "百度统计" not in document.text and "版权所有" not in document.text


def _page(head: str, body: str) -> bytes:
    opening = "2023年，青山镇在县委、县政府的坚强领导下，深入推进法治政府建设，现将有关情况报告如下。"
    return (
        f'<html><head><meta charset="utf-8"><title>青山镇</title>{head}</head><body>{body}'
        f"<h1>青山镇2023年度法治政府建设工作报告</h1><p>{opening * 3}</p></body></html>"
    ).encode()


def _read_page(tmp_path: Path, head: str, body: str = "") -> RawDocument:
    path = tmp_path / "page.html"
    path.write_bytes(_page(head, body))
    return read_document(path, "page.html")


def test_html_canonical_url_else_og_url(tmp_path: Path) -> None:
    canonical = '<link rel="canonical" href="https://www.example.gov.cn/art/2024/1/15/art_1.html">'
    og = '<meta property="og:url" content="http://example.gov.cn/t20240116_2.html">'
    assert _read_page(tmp_path, canonical + og).meta["url"] == "https://www.example.gov.cn/art/2024/1/15/art_1.html"
    assert _read_page(tmp_path, og).meta["url"] == "http://example.gov.cn/t20240116_2.html"
    relative = '<link rel="canonical" href="/art/1.html"><meta property="og:url" content="file:///tmp/x.html">'
    assert "url" not in _read_page(tmp_path, relative).meta


def test_html_metadata_date_when_the_page_has_no_labelled_date(tmp_path: Path) -> None:
    head = '<script type="application/ld+json">{"@type": "Article", "datePublished": "2024-01-16T09:00:00"}</script>'
    head += '<meta name="keywords" content="2019-12-03">'
    document = _read_page(tmp_path, head)
    assert document.meta["published"] == document.meta["html_date"] == "2024-01-16"
    labelled = _read_page(tmp_path, head, "<div>发布日期：2024-02-02</div>")
    assert labelled.meta["published"] == "2024-02-02" and "html_date" not in labelled.meta


def test_html_metadata_date_ignores_dates_in_the_page_text(tmp_path: Path) -> None:
    # A page header's "today" and the dates the report cites are not its
    # publication date; without metadata there is none from htmldate.
    document = _read_page(tmp_path, "", '<div class="date">2019年12月3日 星期二</div><p>2023年5月6日召开会议。</p>')
    assert "html_date" not in document.meta


# --- Word and PDF -------------------------------------------------------


def test_docx_gives_paragraphs_tables_and_core_properties(reading_fixtures: Path, fixture_source: ModuleType) -> None:
    document = read_document(reading_fixtures / "report.docx", "report.docx")
    assert document.format == "docx" and document.encoding is None
    lines = lines_of(document)
    assert lines[:2] == list(fixture_source.TITLE)
    for paragraph in fixture_source.LONG_PARAGRAPHS:
        assert paragraph in lines
    assert "行政复议案件 2件" in lines
    assert document.meta == {"docx_created": "2024-01-12", "docx_title": "".join(fixture_source.TITLE)}


def test_pdf_rejoins_lines_and_drops_page_furniture(reading_fixtures: Path, fixture_source: ModuleType) -> None:
    document = read_document(reading_fixtures / "report.pdf", "report.pdf")
    assert document.format == "pdf"
    lines = lines_of(document)
    assert lines[:2] == list(fixture_source.TITLE)
    # Every paragraph comes back whole: wrapped lines and the sentence that
    # runs from page 1 to page 2 are joined, and nothing else is.
    assert lines[2:] == list(fixture_source.LONG_PARAGRAPHS)
    assert fixture_source.RUNNING_HEADER not in document.text
    assert "—" not in document.text
    assert document.meta == {"pdf_title": "".join(fixture_source.TITLE), "pdf_created": "2000-01-01"}


def _xml_bomb(path: Path, megabytes: int, level: int = 9) -> Path:
    """A .docx-shaped zip whose document.xml is `megabytes` of repeated
    paragraphs, written in chunks (never held in memory whole)."""
    paragraph = "<w:p><w:r><w:t>法治政府建设</w:t></w:r></w:p>".encode()
    chunk = paragraph * (1024 * 1024 // len(paragraph))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w", force_zip64=True) as stream:
            for _ in range(megabytes):
                stream.write(chunk)
    return path


def _peak_memory_of(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_docx_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    bomb = _xml_bomb(tmp_path / "bomb.docx", 400)
    assert bomb.stat().st_size < 3 * 1024 * 1024
    caught: list[UnreadableFile] = []

    def read() -> None:
        with pytest.raises(UnreadableFile) as raised:
            read_document(bomb, "bomb.docx")
        caught.append(raised.value)

    assert _peak_memory_of(read) < 100 * 1024 * 1024
    assert "refused" in caught[0].reason and "would decompress to" in caught[0].reason


def test_docx_part_over_the_part_limit_or_ratio_is_refused(
    reading_fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docx_text, "MAX_PART_BYTES", 1000)
    with pytest.raises(UnreadableFile, match="refused: .docx part .* would decompress to"):
        read_document(reading_fixtures / "report.docx", "report.docx")
    monkeypatch.undo()
    bomb = _xml_bomb(tmp_path / "dense.docx", 20)
    with pytest.raises(UnreadableFile, match=r"compressed \d+ to 1"):
        read_document(bomb, "dense.docx")


def test_docx_part_that_lies_about_its_size_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "liar.docx"
    paragraph = "<w:p><w:r><w:t>法治政府建设</w:t></w:r></w:p>".encode()
    chunk = paragraph * (1024 * 1024 // len(paragraph))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        with package.open("word/document.xml", "w") as stream:
            for _ in range(150):
                stream.write(chunk)
    # The local header and the central directory both claim 1,000 bytes.
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    local = data.find(name) - 30
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    assert data[local : local + 4] == b"PK\x03\x04" and central > local
    data[local + 22 : local + 26] = data[central + 24 : central + 28] = struct.pack("<I", 1000)
    path.write_bytes(bytes(data))

    def read() -> None:
        with pytest.raises(UnreadableFile, match="corrupt .docx file"):
            read_document(path, "liar.docx")

    assert _peak_memory_of(read) < 100 * 1024 * 1024


def _canvas_pdf(path: Path, lines: list[tuple[float, float, str]]) -> Path:
    """A one-page PDF with each (x, y, text) drawn as its own text object, in
    a CJK font that is not embedded (as some government PDFs are)."""
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    canvas = canvas_module.Canvas(str(path), pagesize=(420, 595))
    canvas.setFont("STSong-Light", 12)
    for x, y, text in lines:
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return path


def test_pdf_keeps_single_characters_drawn_on_their_own(tmp_path: Path) -> None:
    # PDFium drops a one-character text object of a font that is not
    # embedded when no CJK font is installed; those pages are read with
    # pdfminer, so the wrapped "告" and the lone "：" are kept either way.
    lines = [(60, 540, "青山镇2023年度法治政府建设工作报"), (60, 520, "告")]
    lines += [(60, 490, "现将本镇法治政府建设有关情况报告如下"), (276, 490, "：")]
    lines += [(60, 460, "一、主要举措和成效"), (60, 440, "全年审查规范性文件十二件，组织执法人员培训三次。")]
    document = read_document(_canvas_pdf(tmp_path / "single.pdf", lines), "single.pdf")
    assert "青山镇2023年度法治政府建设工作报告" in document.text.replace("\n", "")
    assert "报告如下：" in document.text


def test_pdf_of_individually_placed_characters_reads_in_order(tmp_path: Path) -> None:
    text = "二〇二三年法治政府建设工作报告"
    lines = [(60 + 12 * i, 540, char) for i, char in enumerate(text)]
    lines += [(60, 500, "全镇全年审查规范性文件十二件，组织执法人员培训三次，办理行政复议案件两件。")]
    document = read_document(_canvas_pdf(tmp_path / "chars.pdf", lines), "chars.pdf")
    assert document.text.startswith(text + "全镇全年")


# --- unreadable files ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "empty file"),
        ("junk.txt", "binary data"),
        ("english.txt", "no Chinese text"),
        ("encrypted.pdf", "encrypted PDF"),
        ("corrupt.pdf", "corrupt PDF"),
        ("junk.pdf", "corrupt PDF"),
        ("scanned.pdf", "no text layer"),
        ("corrupt.docx", "not a valid .docx"),
    ],
)
def test_unreadable_file_is_reported_with_its_reason(reading_fixtures: Path, name: str, reason: str) -> None:
    with pytest.raises(UnreadableFile) as caught:
        read_document(reading_fixtures / name, f"sub/{name}")
    assert caught.value.source == f"sub/{name}"
    assert reason in caught.value.reason
    assert caught.value.message == f"sub/{name}: {caught.value.reason}"


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \r\n\t\n\xe3\x80\x80\n")
    with pytest.raises(UnreadableFile, match="no text|empty"):
        read_document(path, "blank.txt")


def test_too_large_file_is_refused_without_reading(reading_fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_TEXT_FILE_BYTES", 100)
    with pytest.raises(UnreadableFile, match="too large"):
        read_document(reading_fixtures / "report_utf8.txt", "big.txt")


def test_missing_and_unsupported_files_are_unreadable(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot open"):
        read_document(tmp_path / "missing.txt", "missing.txt")
    legacy = tmp_path / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(UnreadableFile, match="unsupported file type .doc"):
        read_document(legacy, "old.doc")


def test_legacy_doc_renamed_docx_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    with pytest.raises(UnreadableFile, match="not a valid .docx"):
        read_document(path, "old.docx")
