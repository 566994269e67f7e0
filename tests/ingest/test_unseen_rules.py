"""The rules that reports from outside the samples needed, one by one:
short names of autonomous units, town names that look generic, dates and
labels in the places pages put them, headings and titles the samples do
not have."""

from __future__ import annotations

import pytest

from search_service.ingest import parse_file
from search_service.ingest.chrome import capture_meta
from search_service.ingest.classify import is_report
from search_service.ingest.cleaning import clean_text, normalise_line
from search_service.ingest.document import RawDocument
from search_service.ingest.fields import find_year, header_date, town_in_body, town_in_name
from search_service.ingest.gazetteer import autonomous_short_name, gazetteer
from search_service.ingest.headings import heading_kind
from search_service.ingest.html_text import extract_html
from search_service.ingest.parsing import parse_document
from search_service.ingest.places import find_places
from search_service.ingest.signature import find_signature
from search_service.ingest.title import find_header
from search_service.model import Section


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("玉龙纳西族自治县", "玉龙县"),
        ("恩施土家族苗族自治州", "恩施州"),
        ("白沙黎族自治县", "白沙县"),
        ("伊犁哈萨克自治州", "伊犁州"),
        ("双江拉祜族佤族布朗族傣族自治县", "双江县"),
        ("龙胜各族自治县", "龙胜县"),
        ("莫力达瓦达斡尔族自治旗", "莫力达瓦旗"),
        ("东乡族自治县", None),
        ("鄂伦春自治旗", None),
        ("廉江市", None),
    ],
)
def test_autonomous_short_name(name, short):
    assert autonomous_short_name(name) == short


def test_short_names_resolve_to_the_full_unit():
    (place,) = gazetteer().lookup("玉龙县")
    assert place.county == "玉龙纳西族自治县" and place.city == "丽江市"
    (prefecture,) = gazetteer().lookup("恩施州")
    assert prefecture.city == "恩施土家族苗族自治州" and prefecture.county is None


def test_chongqing_districts_missing_from_the_gazetteer_are_added():
    (place,) = gazetteer().lookup("渝北区")
    assert (place.county, place.city, place.province) == ("渝北区", "重庆市", "重庆市")
    assert gazetteer().by_code["500112"] == place


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("马街镇2023年度法治政府建设工作报告", "马街镇"),
        ("关于朝天门街道2023年度法治政府建设情况的报告", "朝天门街道"),
        ("2023年清水镇法治政府建设报告", "清水镇"),
        ("呼玛县白银纳鄂伦春族乡2023年法治政府建设工作报告", "白银纳鄂伦春族乡"),
        ("中共淳化县官庄镇委员会", "官庄镇"),
        ("某某县乡镇2023年法治政府建设情况报告", None),
        ("各乡镇2023年法治政府建设情况", None),
    ],
)
def test_town_in_name(text, town):
    assert town_in_name(text, ["淳化县", "呼玛县"]) == town


@pytest.mark.parametrize(
    ("lines", "date"),
    [
        (["稠城街道2023年度法治政府建设工作总结", "2024-01-08", "来源：稠城街道"], "2024-01-08"),
        (["关于2023年度法治政府建设情况的报告", "（2024年1月10日）"], "2024-01-10"),
        (["某镇2023年法治政府建设年度报告"], None),
    ],
)
def test_header_date(lines, date):
    assert header_date(lines) == date


def test_signature_skips_a_publication_note():
    lines = [
        "全年办理案件十件。",
        "中共淳化县官庄镇委员会",
        "淳化县官庄镇人民政府",
        "2024年1月19日",
        "（此件公开发布）",
    ]
    signature = find_signature(lines)
    assert signature.start == 1
    assert signature.issuers == ("中共淳化县官庄镇委员会", "淳化县官庄镇人民政府")
    assert signature.date == "2024-01-19"


def test_signature_with_issuer_and_date_on_one_line():
    signature = find_signature(["推进普法宣传向边远村组延伸。", "借母溪乡人民政府 2024年1月16日"])
    assert signature.start == 1
    assert signature.issuers == ("借母溪乡人民政府",)
    assert signature.date == "2024-01-16"


@pytest.mark.parametrize(
    ("index_number", "county"),
    [("640122001/2025-00015", "贺兰县"), ("111525300116201236/2024-00005", "正蓝旗"), ("000014349/2024-00001", None)],
)
def test_index_number_division_codes(index_number, county):
    places = find_places(
        title="某镇2024年法治政府建设报告", town="某镇", issuers=[], index_number=index_number, body=""
    )
    assert places.county == county


def test_party_committee_outweighs_a_neighbours_office():
    body = "在沅陵县委、县政府的坚强领导下，联合辰溪县公安局、溆浦县司法局开展边界地区禁毒宣传。"
    places = find_places(
        title="借母溪乡2023年法治政府建设工作报告", town="借母溪乡", issuers=[], index_number=None, body=body
    )
    assert (places.county, places.city) == ("沅陵县", "怀化市")


def test_label_cells_of_an_information_table_become_metadata():
    page = (
        "<html><head><meta charset='utf-8'><title>亚布力镇2023年法治政府建设年度报告</title></head><body>"
        "<table><tr><th>索引号</th><td>11230183MB0123456X/2024-00003</td><th>发布时间</th><td>2024-02-02 10:21</td>"
        "</tr></table><h3>亚布力镇2023年法治政府建设年度报告</h3>"
        + "<p>2023年，亚布力镇坚持以习近平法治思想为指导，扎实推进法治政府建设，取得积极成效。</p>" * 3
        + "</body></html>"
    )
    meta = extract_html(page.encode("utf-8")).meta
    assert meta["index_number"] == "11230183MB0123456X/2024-00003"
    assert meta["published"] == "2024-02-02"


def test_site_name_title_gives_way_to_the_report_heading(tmp_path):
    page = (
        "<html><head><meta charset='utf-8'><title>五常市红星镇人民政府</title></head><body>"
        "<h1>五常市红星镇人民政府</h1><div class='article-title'>红星镇2023年法治政府建设年度报告</div>"
        + "<p>2023年，红星镇坚持以习近平法治思想为指导，扎实推进法治政府建设，取得积极成效。</p>" * 3
        + "<p>一、主要工作</p><p>全年学法十次。</p><p>二、存在问题</p><p>执法力量不足。</p>"
        + "</body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, "utf-8")
    assert parse_file(path, tmp_path).title == "红星镇2023年法治政府建设年度报告"


def test_boxed_label_with_colon_is_metadata():
    assert capture_meta(["【发布时间：2023-02-15】【来源：五里墩街道】【打印】"]) == {
        "published": "2023-02-15",
        "source_site": "五里墩街道",
    }


def test_letter_spaced_labels_are_closed():
    assert (
        normalise_line("索 引 号：640122001/2025-00015   主题分类：司法")
        == "索引号：640122001/2025-00015 主题分类：司法"
    )
    assert normalise_line("名\u3000\u3000称：东升镇法治政府建设年度报告") == "名称：东升镇法治政府建设年度报告"


def test_year_from_a_preamble_in_chinese_numerals():
    assert (
        find_year(
            "龙泉街道法治政府建设情况报告", "二〇二三年，龙泉街道坚持依法行政。", "2024年底前完成。2024年继续推进。"
        )
        == 2023
    )


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("二、工作中的不足", "problems"),
        ("二、面临的问题和困难", "problems"),
        ("第二部分 存在问题及原因", "problems"),
        ("三、下步工作打算", "plans"),
        ("四、其他需要报告的事项", "other"),
    ],
)
def test_more_heading_kinds(heading, kind):
    assert heading_kind(heading, 2023) == kind


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("者浪乡2023年法治政府建设工作总结及2024年工作计划", True),
        ("关于印发《龙泉镇2024年法治政府建设工作要点》的通知", False),
        ("白马镇党委书记王红军2023年度述法报告", False),
        ("图解：红旗街道2023年度法治政府建设年度报告", False),
    ],
)
def test_is_report_by_title(title, expected):
    sections = [
        Section("measures", "一、主要工作", "全年学法十次。"),
        Section("problems", "二、存在问题", "力量不足。"),
    ]
    assert is_report(title, sections) is expected


def test_site_name_line_is_not_the_title_but_is_evidence():
    text = (
        "阿拉善左旗人民政府\n巴彦浩特镇2023年法治政府建设年度报告\n"
        "2023年，巴彦浩特镇在盟委、旗委的坚强领导下，扎实推进法治政府建设。\n"
        "一、主要工作\n全年审查重大行政决策及合同二十二件。\n二、存在问题\n社区法治力量不足。"
    )
    header = find_header(text.split("\n"), {})
    assert header.title == "巴彦浩特镇2023年法治政府建设年度报告"
    report = parse_document(RawDocument("x.txt", text, "txt"))
    assert (report.county, report.city) == ("阿拉善左旗", "阿拉善盟")


def test_measures_list_numbered_like_parts_is_not_split_into_parts():
    text = (
        "西沱镇2024年法治政府建设工作报告\n2024年，西沱镇坚持依法行政，推动全镇法治建设取得新成效。\n"
        "（一）坚持依法决策。全年审查事项十六件。\n（二）规范行政执法。全年巡查一百二十余次。\n"
        "对照上级要求，我镇仍存在以下问题：一是意识不强；二是素养不高。\n"
        "2025年，我镇将持续加强干部学法用法。"
    )
    sections = parse_document(RawDocument("x.txt", text, "txt")).sections
    assert [s.kind for s in sections] == ["preamble", "measures", "problems", "plans"]
    assert sections[1].subheadings == ("（一）坚持依法决策", "（二）规范行政执法")


def test_two_character_county_counts_when_its_unit_is_repeated():
    body = "在涉县县委、县政府的坚强领导下，全镇深入推进法治建设。"
    places = find_places(
        title="井店镇2023年法治政府建设年度报告", town="井店镇", issuers=[], index_number=None, body=body
    )
    assert (places.county, places.city, places.province) == ("涉县", "邯郸市", "河北省")
    unrelated = find_places(
        title="某镇2023年法治政府建设年度报告", town="某镇", issuers=[], index_number=None, body="涉县"
    )
    assert unrelated.county is None


def test_year_line_under_a_complete_title_is_part_of_it():
    header = find_header(["分水镇法治政府建设年度报告", "（2023年度）", "2023年，分水镇扎实推进法治政府建设。"], {})
    assert header.title == "分水镇法治政府建设年度报告（2023年度）"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("首页 > 政务公开 > 乡镇信息 > 油溪镇2023年法治政府建设年度报告", "油溪镇2023年法治政府建设年度报告"),
        ("首页 > 政务公开 > 年度法治政府建设情况报告", None),
        ("您当前的位置:首页>关坝镇>政府信息公开目录>法治政府建设年度报告", None),
    ],
)
def test_breadcrumb_title(line, title):
    assert capture_meta([line]).get("crumb_title") == title


def test_full_width_digits_give_year_and_dates():
    assert find_year("石角镇２０２３年法治政府建设年度报告", "", "") == 2023
    assert find_signature(["全年办结十件。", "石角镇人民政府", "２０２４年１月１８日"]).date == "2024-01-18"
    assert heading_kind("三、２０２４年工作措施", 2023) == "plans"


def test_county_written_without_its_unit_before_the_town():
    places = find_places(
        title="古劳镇2023年法治政府建设年度报告",
        town="古劳镇",
        issuers=["鹤山古劳镇"],
        index_number=None,
        body="古劳镇在市委、市政府的坚强领导下扎实推进法治建设。",
    )
    # 鹤山 is 鹤山市 (江门) or 鹤山区 (鹤壁); the body's 市委 tells them apart.
    assert (places.county, places.city, places.province) == ("鹤山市", "江门市", "广东省")


def test_a_town_named_like_a_county_stem_is_no_evidence():
    places = find_places(
        title="巴彦浩特镇2023年法治政府建设年度报告",
        town="巴彦浩特镇",
        issuers=["巴彦浩特镇"],
        index_number=None,
        body="",
    )
    assert places.county is None


def test_news_of_a_meeting_hearing_the_report_is_not_a_report():
    sections = [Section("measures", "", "会议听取了报告。")]
    assert not is_report("桥头镇人大主席团听取镇政府2023年法治政府建设情况报告", sections)


def test_metadata_on_the_title_line_is_split_off():
    text = (
        "朱家角镇2023年法治政府建设年度报告 发布时间：2024-01-10 来源：朱家角镇\n2023年，朱家角镇扎实推进法治政府建设。"
    )
    cleaned = clean_text(text)
    assert cleaned.text.split("\n")[0] == "朱家角镇2023年法治政府建设年度报告"
    assert cleaned.meta["published"] == "2024-01-10"


def test_town_named_once_in_the_body_when_no_other_is():
    assert town_in_body("2023年，新登镇在富阳区委、区政府的坚强领导下扎实推进法治建设。") == "新登镇"
    assert town_in_body("2023年，各乡镇在县委的领导下扎实推进。我街道坚持依法行政。") is None
    assert town_in_body("2023年，新登镇在区委领导下推进。同时，洞桥镇坚持依法行政。") is None


def test_a_documents_footer_after_the_signature_is_skipped():
    lines = ["推动普法宣传进山村。", "特此报告。", "双溪乡人民政府", "2024年1月8日", "抄送：县委依法治县办，县司法局。"]
    lines.append("双溪乡党政办公室 2024年1月10日印发")
    signature = find_signature(lines)
    assert (signature.start, signature.date) == (1, "2024-01-08")


def test_title_over_two_lines_naming_the_town_twice_is_joined():
    lines = ["中共红星镇委员会", "红星镇人民政府关于2023年度法治政府建设情况的报告", "2023年，红星镇扎实推进法治建设。"]
    assert find_header(lines, {}).title == "中共红星镇委员会红星镇人民政府关于2023年度法治政府建设情况的报告"


def test_joint_issuers_on_one_signature_line():
    signature = find_signature(["深化数字法治建设。", "中共瓜沥镇委员会\u3000\u3000瓜沥镇人民政府", "2024年1月16日"])
    assert signature.issuers == ("中共瓜沥镇委员会", "瓜沥镇人民政府")
    assert (signature.start, signature.date) == (1, "2024-01-16")


def test_label_elements_without_colons_become_metadata():
    page = (
        "<html><head><meta charset='utf-8'><title>t</title></head><body><ul>"
        "<li><b>索引号</b>114406057078955463/2024-00021</li><li><b>发布日期</b>2024-01-25</li></ul>"
        + "<p>2023年，桂城街道坚持以习近平法治思想为指导，扎实推进法治政府建设，取得积极成效。</p>" * 3
        + "</body></html>"
    )
    meta = extract_html(page.encode("utf-8")).meta
    assert (meta["index_number"], meta["published"]) == ("114406057078955463/2024-00021", "2024-01-25")


def test_docx_text_inside_insertions_and_smart_tags_is_read(tmp_path):
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from search_service.ingest.docx_text import extract_docx

    document = docx.Document()
    paragraph = document.add_paragraph("东坝镇人民政府")
    for tag, text in (("w:ins", "（已修订）"), ("w:smartTag", "2024年1月15日")):
        wrapper = OxmlElement(tag)
        if tag == "w:ins":
            wrapper.set(qn("w:id"), "1")
            wrapper.set(qn("w:author"), "editor")
        run, content = OxmlElement("w:r"), OxmlElement("w:t")
        content.text = text
        run.append(content)
        wrapper.append(run)
        paragraph._p.append(wrapper)
    path = tmp_path / "tracked.docx"
    document.save(path)
    assert extract_docx(path).text == "东坝镇人民政府（已修订）2024年1月15日"


@pytest.mark.parametrize(
    ("heading", "kind"),
    [("一，主要工作", "measures"), ("二. 存在问题", "problems"), ("三：下一步工作计划", "plans")],
)
def test_irregularly_punctuated_part_headings(heading, kind):
    text = (
        f"大瑶镇2023年法治政府建设工作报告\n2023年，大瑶镇扎实推进法治政府建设。\n{heading}\n全年开展合法性审查二十件。"
    )
    sections = parse_document(RawDocument("x.txt", text, "txt")).sections
    assert (sections[1].heading, sections[1].kind) == (heading, kind)


def test_metadata_run_into_the_title_without_a_space_is_split_off():
    cleaned = clean_text("朱家角镇2023年法治政府建设年度报告发布时间：2024-01-10\n2023年，朱家角镇扎实推进法治建设。")
    assert cleaned.text.split("\n")[0] == "朱家角镇2023年法治政府建设年度报告"
    assert cleaned.meta["published"] == "2024-01-10"
