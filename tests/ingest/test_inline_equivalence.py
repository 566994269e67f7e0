"""A report without its line breaks reads as the same report with them
(issue 22): for each format (txt, html, docx, pdf) each report below is
written twice, once with a paragraph per line and once with every part run
inline in one paragraph, and both are parsed with parse_file.

"The same" means: the same title; the same sections (kind, heading, text
and sub-headings, whitespace aside); the same paragraphs as the paragraph
anchors number them (p1, p2 … of citing/paragraphs.py: same ids, in the same
sections, on the same words), so the anchor of each part's first paragraph
lands on the same words. Each report is written so that every paragraph
opens with its numbering (（一）…, 1.…) or is a part's heading: the inline
copy keeps everything a reader needs to find the breaks again.

The version with its line breaks must itself read as written (its kinds and
headings below, written by hand), so that the two cannot agree by being
wrong the same way.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from search_service.citing.paragraphs import paragraphs
from search_service.ingest import parse_file
from search_service.model import Report


@dataclass(frozen=True)
class Shape:
    """A report: title, paragraphs with their line breaks (a part's heading
    is a paragraph of its own), the kinds of its parts as a person reads
    them, and how its inline copy runs the paragraphs together: `before` and
    `end` around a heading ("" nothing, " " a space, "。"), `gap` between two
    paragraphs of text, `title_inline` whether the title starts the line."""

    name: str
    title: str
    lines: tuple[str, ...]
    kinds: tuple[str, ...]
    before: str = " "
    end: str = " "
    gap: str = ""
    title_inline: bool = False


SHAPES = (
    Shape(
        "chapter_paren_spaces",
        "三星镇2024年法治政府建设年度报告",
        (
            "2024年，三星镇在县委、县政府的领导下，扎实推进法治政府建设，各项工作取得新进展。现将有关情况报告如下：",
            "一、2024年法治政府建设主要举措和成效",
            "（一）压实工作责任。镇党委把法治建设纳入年度目标考核，班子成员按照分工各负其责。",
            "（二）规范执法程序。全面落实行政执法三项制度，全年评查执法案卷20卷。",
            "（三）化解矛盾纠纷。建立村级调解员队伍，全年调处纠纷58件。",
            "二、存在的问题",
            "一是干部法治素养有待提升；二是执法力量仍显不足。",
            "三、2025年工作打算",
            "（一）加强学法用法。推动会前学法常态化。",
            "（二）提升执法水平。开展执法人员轮训。",
        ),
        ("measures", "problems", "plans"),
        before=" ",
        end=" ",
    ),
    Shape(
        "part_style_full_stop",
        "泸溪县2023年法治政府建设工作报告",
        (
            "2023年，泸溪县坚持依法行政，法治政府建设稳步推进。现将有关情况报告如下：",
            "第一部分 2023年法治政府建设主要工作",
            "一、完善依法决策机制。重大行政决策事项全部履行法定程序，合法性审查率达到百分之百。",
            "二、深化执法体制改革。推进乡镇综合行政执法，明确执法事项和执法主体。",
            "三、加强法治宣传教育。开展法治宣传活动40余场次。",
            "第二部分 存在的问题",
            "部分单位对法治建设重视不够，基层执法人员专业能力不强。",
            "第三部分 2024年工作安排",
            "一、强化责任落实。把法治建设成效纳入年度考核。",
            "二、提升执法质效。常态化开展案卷评查。",
        ),
        ("measures", "problems", "plans"),
        before="",
        end="。",
    ),
    Shape(
        "three_levels_nothing_before",
        "泸州市司法局2022年法治政府建设年度报告",
        (
            "2022年，市司法局认真履行法治建设牵头职责，推动法治政府建设取得新成效。现将有关情况报告如下：",
            "一、主要举措和成效",
            "（一）健全制度机制",
            "1.修订工作规则。对局党组工作规则和局务会议事规则进行修订。",
            "2.完善内控制度。梳理权力运行风险点，制定防控措施。",
            "（二）强化执法监督",
            "1.开展案卷评查。全年评查全市行政执法案卷300卷。",
            "2.推行说理式执法。在行政处罚决定书中充分说明理由。",
            "二、存在的不足",
            "一是执法监督的信息化水平不高；二是对基层的指导还不够。",
            "三、下一步工作打算",
            "（一）深化执法监督。探索运用信息化手段开展执法监督。",
            "（二）加强队伍建设。组织执法人员分批轮训。",
        ),
        ("measures", "problems", "plans"),
        before="",
        end="",
    ),
    Shape(
        "title_inline_leadership",
        "江岸区2021年度法治政府建设情况报告",
        (
            "2021年，江岸区在市委、市政府的坚强领导下，全面推进依法行政。现将有关情况报告如下：",
            "一、2021年度法治政府建设主要举措和成效",
            "（一）提升依法决策水平。严格执行重大行政决策程序规定。",
            "（二）优化法治营商环境。推行包容审慎监管，公布免罚轻罚清单。",
            "二、党政主要负责人履行推进法治建设第一责任人职责情况",
            "区政府主要负责人带头学法，亲自部署重要工作，亲自协调重大问题。",
            "三、存在的不足和原因",
            "一是法治宣传的覆盖面不够广；二是行政复议工作的规范化程度有待提高。",
            "四、2022年度工作安排",
            "一是加强法治队伍建设；二是深化行政执法规范化建设。",
        ),
        ("measures", "leadership", "problems", "plans"),
        before=" ",
        end="。",
        title_inline=True,
    ),
    Shape(
        "numbers_not_headings",
        "大桥镇2024年法治政府建设年度报告",
        (
            "2024年，大桥镇按照《关于做好2024年度法治政府建设工作的通知》（县法办〔2024〕1号）的要求，"
            "围绕一、二、三产业融合发展推进依法行政。现将有关情况报告如下：",
            "一、2024年法治政府建设主要举措和成效",
            "（一）集中开展培训。在第一、二季度组织执法人员参加培训，合格率为100%。",
            "（二）加强文物保护。对辖区一、二级保护对象逐一建档，落实巡查制度。",
            "（三）依法处理违法行为。依照《村庄和集镇规划建设管理条例》第三十七条第（一）项的规定，"
            "对违法建设依法处理，罚款1.5万元。",
            "（四）开展专项行动。专项行动（2024.3.1至2024.5.31）期间，排查隐患126处，整改率达98.4%。",
            "二、存在的问题",
            "一是利用三、四月份农闲时节开展普法的组织还不够有力；二是执法装备投入仅2.3万元，保障不足。",
            "三、2025年工作打算",
            "（一）深化普法宣传。结合农时开展以案释法。",
            "（二）加强执法保障。逐步配齐执法装备。",
        ),
        ("measures", "problems", "plans"),
        before=" ",
        end=" ",
        gap="\u3000\u3000",
    ),
)
FORMATS = ("txt", "html", "docx", "pdf")

# A paragraph that is a heading of its own (a part's or a sub-part's).
_HEADING_LINE = re.compile(
    r"^(?:[一二三四五六七八九十]、|（[一二三四五六七八九十]）|第[一二三四五六七八九十]部分|\d+\.)"
)


def is_heading_line(line: str) -> bool:
    return bool(_HEADING_LINE.match(line)) and not re.search(r"[。；：]", line)


def run_in(shape: Shape) -> str:
    """The body as one paragraph, the title first when it runs in too."""
    out = []
    for index, line in enumerate(shape.lines):
        if is_heading_line(line):
            out.append((shape.before if index else "") + line + shape.end)
        else:
            out.append((shape.gap if index else "") + line)
    body = "".join(out)
    return f"{shape.title} {body}" if shape.title_inline else body


def top_headings(shape: Shape) -> list[str]:
    headings = [line for line in shape.lines if is_heading_line(line)]
    parts = [line for line in headings if line.startswith("第")]
    return [compact(line) for line in parts or [line for line in headings if line[1] == "、"]]


def compact(text: str | None) -> str:
    return "".join((text or "").split())


# ------------------------------------------------------------------ writers


def write_txt(path: Path, title: str | None, body: list[str]) -> None:
    lines = ([title] if title else []) + ["\u3000\u3000" + line for line in body]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_html(path: Path, title: str | None, body: list[str]) -> None:
    heading = f"<h1>{html.escape(title)}</h1>" if title else ""
    content = "\n".join(f"<p>{html.escape(line)}</p>" for line in body)
    path.write_text(
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>法治政府建设</title></head>'
        f'<body>\n<div class="nav"><a>首页</a> <a>政务公开</a></div>\n{heading}\n'
        f'<div class="article">\n{content}\n</div>\n</body></html>\n',
        encoding="utf-8",
    )


def write_docx(path: Path, title: str | None, body: list[str]) -> None:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    if title:
        paragraph = document.add_paragraph()
        paragraph.add_run(title).bold = True
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in body:
        paragraph = document.add_paragraph()
        run = paragraph.add_run(line)
        if is_heading_line(line) and not line.startswith("（"):
            run.bold = True
        else:
            paragraph.paragraph_format.first_line_indent = Pt(24)
    document.save(path)


def write_pdf(path: Path, title: str | None, body: list[str]) -> None:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    plain = ParagraphStyle(
        "body", fontName="STSong-Light", fontSize=14, leading=26, firstLineIndent=28, alignment=TA_JUSTIFY
    )
    plain.wordWrap = "CJK"
    centred = ParagraphStyle("title", parent=plain, fontSize=18, leading=30, firstLineIndent=0, alignment=TA_CENTER)
    story = [Paragraph(html.escape(title), centred)] if title else []
    story += [Paragraph(html.escape(line), plain) for line in body]
    document = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=80, rightMargin=80, topMargin=90, bottomMargin=80, invariant=1
    )
    document.build(story)


WRITERS = {"txt": write_txt, "html": write_html, "docx": write_docx, "pdf": write_pdf}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("inline_equivalence")


_PARSED: dict[tuple[str, str, bool], Report] = {}


def parsed(folder: Path, shape: Shape, fmt: str, inline: bool) -> Report:
    """The report written in `fmt` with its line breaks or inline, parsed."""
    key = (shape.name, fmt, inline)
    if key not in _PARSED:
        path = folder / f"{shape.name}-{'inline' if inline else 'lined'}.{fmt}"
        if inline:
            title = None if shape.title_inline else shape.title
            WRITERS[fmt](path, title, [run_in(shape)])
        else:
            WRITERS[fmt](path, shape.title, list(shape.lines))
        _PARSED[key] = parse_file(path, folder)
    return _PARSED[key]


def sections(report: Report) -> list[tuple[str, str, str]]:
    return [(section.kind, compact(section.heading), compact(section.text)) for section in report.sections]


def anchored(report: Report) -> list[tuple[str, int, str]]:
    """Each paragraph as the anchors number it: (id, section, words)."""
    return [(p.id, p.section, compact(p.text_in(report))) for p in paragraphs(report)]


CASES = [pytest.param(shape, fmt, id=f"{shape.name}-{fmt}") for shape in SHAPES for fmt in FORMATS]


def test_shapes_run_inline_as_one_paragraph():
    """The inline copies really have no line break, and the shapes vary how
    the breaks were lost."""
    for shape in SHAPES:
        assert "\n" not in run_in(shape)
        assert len(top_headings(shape)) == len(shape.kinds)
    assert len(SHAPES) >= 4
    assert {shape.before for shape in SHAPES} == {"", " "}
    assert {shape.end for shape in SHAPES} == {"", " ", "。"}
    assert any(shape.title_inline for shape in SHAPES)


@pytest.mark.parametrize(("shape", "fmt"), CASES)
def test_with_line_breaks_reads_as_written(folder, shape, fmt):
    report = parsed(folder, shape, fmt, inline=False)
    parts = [section for section in report.sections if section.kind != "preamble" or section.heading]
    assert compact(report.title) == shape.title
    assert [section.kind for section in parts] == list(shape.kinds)
    assert [compact(section.heading) for section in parts] == top_headings(shape)


@pytest.mark.parametrize(("shape", "fmt"), CASES)
def test_inline_has_the_same_sections(folder, shape, fmt):
    lined = parsed(folder, shape, fmt, inline=False)
    inline = parsed(folder, shape, fmt, inline=True)
    assert compact(inline.title) == compact(lined.title)
    assert [kind for kind, _, _ in sections(inline)] == [kind for kind, _, _ in sections(lined)]
    assert [heading for _, heading, _ in sections(inline)] == [heading for _, heading, _ in sections(lined)]
    assert sections(inline) == sections(lined)


@pytest.mark.parametrize(("shape", "fmt"), CASES)
def test_inline_has_the_same_subheadings(folder, shape, fmt):
    lined = parsed(folder, shape, fmt, inline=False)
    inline = parsed(folder, shape, fmt, inline=True)
    assert [[compact(s) for s in section.subheadings] for section in inline.sections] == [
        [compact(s) for s in section.subheadings] for section in lined.sections
    ]


@pytest.mark.parametrize(("shape", "fmt"), CASES)
def test_inline_has_the_same_paragraphs(folder, shape, fmt):
    """The numbered sub-parts and items start paragraphs of their own again:
    p1, p2 … are the same paragraphs, in the same sections, on the same words."""
    lined = anchored(parsed(folder, shape, fmt, inline=False))
    inline = anchored(parsed(folder, shape, fmt, inline=True))
    assert len(inline) == len(lined)
    assert inline == lined


@pytest.mark.parametrize(("shape", "fmt"), CASES)
def test_each_part_anchor_lands_on_the_same_words(folder, shape, fmt):
    """The anchor of each part's first paragraph (what a link to the part
    opens) is the same id on the same words in both copies."""

    def firsts(report: Report) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for paragraph in paragraphs(report):
            heading = compact(report.sections[paragraph.section].heading) or "(preamble)"
            found.setdefault(heading, (paragraph.id, compact(paragraph.text_in(report))))
        return found

    lined = firsts(parsed(folder, shape, fmt, inline=False))
    inline = firsts(parsed(folder, shape, fmt, inline=True))
    assert set(lined) >= set(top_headings(shape)), "every part of the version with line breaks has a paragraph"
    assert inline == lined
