"""Who issued the report, and at what level: 大中街道 (township), 静海区
(county), 乌兰察布市 (city), 湖北省 (province), 遂宁市司法局 (department).

The unit is read where the report names itself, strongest first: its
title (遂宁市司法局2024年度…报告), its opening sentence when it has no
title (2025年，大中街道在区委、区政府的坚强领导下…; 现将我县2023年度…),
the issuer under it (signature) or on the page (发布机构), the site's name
above it. An opening that says only 我县 or 县委、县政府 gives the level;
the name then comes from the issuer, or from the local documents and
bodies the text names with that unit's ending (《金平县…办法》, 金平县委).
The name is kept as written (金平县, not 金平苗族瑶族傣族自治县), with 人民政府
dropped and 街道办事处 written 街道.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search_service.ingest.fields import canonical_town, town_in_name
from search_service.ingest.gazetteer import Place, gazetteer

TOWNSHIP = "township"
COUNTY = "county"
CITY = "city"
PROVINCE = "province"
DEPARTMENT = "department"


@dataclass(frozen=True)
class Unit:
    """The issuing unit; `town` is set for township-level units (and for a
    township's own department, rare)."""

    level: str | None = None
    name: str | None = None
    town: str | None = None


# --------------------------------------------------------- a unit's name

# Offices of a government or a party committee: a department (司法局,
# 市场监督管理局, 城市管理委员会, 政府办公室) is a unit of its own.
# A ministry of the State Council (司法部, 自然资源部): they report on their
# rule-of-law work every year too.
MINISTRY = (
    r"(?:司法|公安|教育|民政|财政|商务|水利|外交|国防|农业农村|自然资源|生态环境|交通运输|住房和城乡建设|"
    r"人力资源和社会保障|文化和旅游|应急管理|退役军人事务|工业和信息化|科学技术|国家安全)部"
)
_DEPARTMENT_END = re.compile(
    rf"(?:局|厅|委员会|办公室|中心|管理处|事务所|司法所|服务所|执法队|执法大队|支队|大队|院|署|站|办|管委会|委|^{MINISTRY})$"
)
# What a government's name ends with, for its level.
_PROVINCE_END = re.compile(r"(?:省|自治区)$")
_CITY_END = re.compile(r"(?:自治州|州|盟|地区)$")
_COUNTY_END = re.compile(r"(?:县|区|旗|特区|林区)$")
# Words of a joint title or an issuer around a unit's name.
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
_PARTY_HEAD = re.compile(r"^中共")
_PARTY_COMMITTEE = re.compile(r"(?:委员会|党委|党工委|委)$")
# A place's own party committee (静海区委, 某县委) is the place, not a department.
_PLACE_COMMITTEE = re.compile(r"(?:省|自治区|市|州|盟|县|区|旗)委$")
# Where the naming part of a title ends.
_TOPIC_START = re.compile(
    r"关于|(?:19|20)\d\d|[〇○零一二三四五六七八九]{4}年|法治|法制|依法|年度|推进|贯彻|落实|全面|深入|工作"
)
_SEPARATORS = re.compile(r"[\s、，,·•]+")
MAX_NAME = 20


_NEWS_VERB_END = re.compile(r"(?:召开|举行|举办|印发|发布|开展|部署|推进)$")


def _heads(title: str) -> list[str]:
    """The naming parts of a title: before its topic, and after 关于 or a
    year when it opens with them (关于朝天门街道2023年…, 2023年清水镇…)."""
    heads = []
    start = 0
    for match in _TOPIC_START.finditer(title):
        if match.start() > start:
            heads.append(title[start : match.start()])
        start = match.end()
    # News names its unit before the verb: 某县召开2024年法治政府建设推进会.
    heads = [_NEWS_VERB_END.sub("", head) for head in heads]
    return [head for head in heads if head][:3]


def _government_level(name: str) -> str | None:
    """The level of a government named `name` (人民政府 already dropped):
    from the gazetteer when it knows the name, else from its ending."""
    places = gazetteer().lookup(name)
    if places:
        levels = {_place_level(place, name) for place in places}
        if len(levels) == 1:
            return levels.pop()
    if _PROVINCE_END.search(name):
        return PROVINCE
    if _CITY_END.search(name):
        return CITY
    if _COUNTY_END.search(name):
        return COUNTY
    return None


def _place_level(place: Place, name: str) -> str:
    if place.county is not None:
        return COUNTY
    if place.city is not None and place.city != place.province:
        return CITY
    if place.city is not None and name != place.province:
        return CITY
    return PROVINCE


def unit_in_name(text: str, prefixes: Sequence[str] = ()) -> Unit | None:
    """The unit a title's naming part or an issuer's name names: 静海区,
    遂宁市司法局, 中共某县委 某县人民政府 (-> 某县), 某镇人民政府 (-> 某镇)."""
    parts = [part for part in _SEPARATORS.split(text) if part]
    # A joint title names the party committee first: the government is the unit.
    if len(parts) > 1 and _PARTY_HEAD.search(parts[0]):
        parts = parts[1:] + parts[:1]
    for part in parts:
        unit = _unit_of_part(part, prefixes)
        if unit is not None:
            return unit
    return None


# A township's own bodies after its name: 某镇人民政府, 某街道办事处, 中共某镇委员会.
_TOWNSHIP_BODY = re.compile(r"(?:街道办事处|街道办|街道|镇|乡|苏木)(?:人民政府|政府|党委|党工委|委员会|办事处)?$")


# A township's own office: 某镇司法所, 某街道综合行政执法队.
_TOWNSHIP_OFFICE = re.compile(r"(?:镇|乡|街道|苏木)(?:人民政府)?[\u4e00-\u9fff]{0,8}(?:所|站|队|中心|办公室|办)$")
# A government named before other words: 静海区政府常务会议审议….
_GOVERNMENT_FIRST = re.compile(r"^(.{2,20}?)(?:人民政府|政府)")


def _unit_of_part(part: str, prefixes: Sequence[str]) -> Unit | None:
    unit = _unit_of_whole_part(part, prefixes)
    if unit is None and (first := _GOVERNMENT_FIRST.match(part)) is not None and first.end() < len(part):
        unit = _unit_of_whole_part(first.group(), prefixes)
    return unit


def _unit_of_whole_part(part: str, prefixes: Sequence[str]) -> Unit | None:
    part = _PARTY_HEAD.sub("", part)
    # 某局党组 issues its bureau's report; 市城市管理局（市综合行政执法局）
    # names its office twice; 民政局民政局 is a slip of the pen.
    if part.endswith(("党组", "党委")):
        part = _OFFICE_PARTY.sub("", part)
    if part.endswith((")", "）")):
        part = _OTHER_NAME.sub("", part)
    part = _undoubled(part)
    if any(word in part for word in _POST_WORDS):
        # 某县司法局局长, 某镇党委书记 王某: the post's unit.
        part = _POST.sub("", part)
    if not part or len(part) > MAX_NAME + 10:
        return None
    town = town_in_name(part, prefixes)
    if town and _TOWNSHIP_BODY.search(part):
        return Unit(TOWNSHIP, town, town)
    if _PLACE_COMMITTEE.search(part):
        name = _longest_place_suffix(part[:-1])
        level = _government_level(name) if name else None
        return Unit(level, name, None) if level else None
    if _DEPARTMENT_END.search(part):
        if _SELF_REFERENCE.match(part):
            return None
        own_town = town if town and _TOWNSHIP_OFFICE.search(part) else None
        return Unit(DEPARTMENT, part, own_town) if _is_office_name(part) else None
    if town:
        return Unit(TOWNSHIP, town, town)
    name = _longest_place_suffix(_GOVERNMENT.sub("", part))
    level = _government_level(name) if name else None
    return Unit(level, name, None) if level else None


# A department's party group, its other name in brackets, a doubled tail.
_OFFICE_PARTY = re.compile(r"(?<=[局厅委办署])(?:党组|党委)$")
_OTHER_NAME = re.compile(r"(?<=[局厅委办署])[（(][^（()）]{2,30}[）)]$")
MAX_DOUBLED_TAIL = 6


def _undoubled(name: str) -> str:
    """民政局民政局 -> 民政局: a tail of 2-6 characters written twice."""
    for size in range(2, min(MAX_DOUBLED_TAIL, len(name) // 2) + 1):
        if name[-size:] == name[-2 * size : -size]:
            return name[:-size]
    return name


# A leader's post after the unit's name (a 述职/述法 report's name line).
_POST_WORDS = ("书记", "长", "主任", "负责人")
_POSTS = r"(?:书记|镇长|乡长|县长|区长|市长|州长|旗长|局长|厅长|主任|主要负责人)"
_POST = re.compile(rf"(?<=[\u4e00-\u9fff])(?:党委|党工委|党组)?(?:副)?{_POSTS}(?:\s*[\u4e00-\u9fff]{{2,4}})?$")
# A leader's post and name on a line of its own: 某县某镇党委书记 王某.
_NAME_AND_POST = re.compile(rf"^[\u4e00-\u9fff]{{4,30}}{_POSTS}\s*[\u4e00-\u9fff]{{2,4}}$")


def is_name_and_post(line: str) -> bool:
    """A line naming a leader's unit, post and name (under a 述职/述法
    report's title): an issuer, as a signature's unit is."""
    return _NAME_AND_POST.match(line) is not None


# A department that speaks of itself (我局, 本局, 我委, 该厅): no name.
_SELF_REFERENCE = re.compile(r"^[我本该](?:[局委厅办院署所站队处科]|单位|部门|中心)")


# A department's name: a place or a generic unit word, then the office.
_OFFICE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}$")


def _is_office_name(part: str) -> bool:
    return _OFFICE.match(part) is not None


# A unit named by a word for "this one", not by its name: 我县, 本镇, 全区.
# 我县, 本市, 全区, 该镇, 各街道 refer to a unit without naming it; 本溪市,
# 全州县 and 全椒县 are names.
_NOT_A_NAME = re.compile(
    r"^[我本全该各每此其](?:[县区市旗州盟省镇乡]|街道|乡镇|县区|市县|自治[区州县旗])?$|^(?:县|区|市|旗|州|盟|省)$"
)


def _longest_place_suffix(name: str) -> str | None:
    """The place a name ends with: 天津市静海区 -> 静海区 (the unit is the
    last division named); None when it names no division."""
    if not name or _NOT_A_NAME.match(name):
        return None
    gaz = gazetteer()
    # A province written short (青海, 内蒙古) is named by its full name.
    provinces = [place for place in gaz.short_names.get(name, ()) if place.county is None]
    if len(provinces) == 1:
        return provinces[0].province
    for start in range(len(name) - 1):
        candidate = name[start:]
        if gaz.lookup(candidate):
            return candidate
    if _PROVINCE_END.search(name) or _CITY_END.search(name) or _COUNTY_END.search(name) or name.endswith("市"):
        return name if 2 <= len(name) <= MAX_NAME else None
    return None


# ----------------------------------------------------- the opening's words

# The unit the opening sentence is about: 2025年，大中街道在区委…; 一年来，
# 遂宁市司法局坚持…; 现将下洋镇人民政府2023年…; 现将我县2023年度….
_OPENING_LEAD = re.compile(
    r"(?:(?:(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年(?:度)?(?:以来)?|今年以来|一年来|本年度|过去一年)?"
    r"[，,]?\s*(?:在[^，。；]{2,60}?(?:领导|指导|监督|支持)下[，,]?)?"
)
_SUBJECT = re.compile(
    r"(?!现将|现就|特将|根据|按照|为)(?P<name>[\u4e00-\u9fff]{1,14}?(?:街道办事处|街道|镇|乡|苏木|县|区|旗|市|州|盟|省|自治区|局|委员会|委|厅|中心|办公室)"
    rf"|{MINISTRY})"
    r"(?:人民政府|政府|党委|党工委|办事处|党组)?"
    # Another name of the same office in brackets: 市数据局（市行政审批局）坚持….
    r"(?:[（(][^（()）。，]{1,30}[）)])?"
    r"(?=坚持|始终|深入|全面|紧紧|认真|以|在|把|围绕|扎实|持续|积极|严格|聚焦|高度|按照|立足|不断|着力|牢固|"
    r"紧扣|贯彻|锚定|切实|全力|大力|加快|紧盯|牢牢|主动|进一步|党委|党工委|人民政府|政府|领导班子|2\d{3}年|[，,])"
)
_REPORTS_ON = re.compile(
    r"现将(?P<subject>[^，。；]{2,40}?)(?:(?:19|20)\d\d|[〇○零一二三四五六七八九]{4})\s*年"
    r"|我代表(?P<speaker>[^，。；]{2,30}?(?:人民政府|政府))"
)
# A unit's bodies as the subject of a sentence (县委、县政府坚持…), not as
# the superior that leads it (在区委、区政府的坚强领导下).
_ACTS = r"(?=坚持|始终|高度|深入|全面|认真|以|紧紧|扎实|切实|持续|主要领导|主要负责)"
# Words an opening or a body uses for its own unit, without a name.
_OWN_UNIT_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"我(?:镇|乡|街道|苏木)|(?:镇|乡)党委、(?:镇|乡)政府|街道党工委|街道办事处"), TOWNSHIP),
    (
        re.compile(
            rf"全(?:县|区|旗)各级(?:行政机关|人民政府|政府)|我(?:县|区|旗)|现将(?:县|区|旗)(?:人民)?政府|(?<![在受按])(?:县|区|旗)委、(?:县|区|旗)政府{_ACTS}|(?:县|区|旗)政府{_ACTS}"
        ),
        COUNTY,
    ),
    (
        re.compile(rf"全市各级(?:行政机关|人民政府|政府)|我市|(?<![县区旗])市(?:人民)?政府{_ACTS}|现将市(?:人民)?政府"),
        CITY,
    ),
    (
        re.compile(rf"我(?:州|盟)|现将(?:州|盟)(?:人民)?政府|(?<![在受按])(?:州|盟)委、(?:州|盟)?(?:政府|行署){_ACTS}"),
        CITY,
    ),
    (
        re.compile(
            rf"全省各级(?:行政机关|人民政府|政府)|我省|省政府{_ACTS}|现将省(?:人民)?政府|(?:全|我)自治区|现将自治区|自治区人民政府{_ACTS}"
        ),
        PROVINCE,
    ),
    (re.compile(r"我局|我委|局党组|局党委|委党组|本局|全局干部"), DEPARTMENT),
)
# The unit words a level's own name ends with (for 我县: a name ending in 县).
_LEVEL_ENDS = {
    TOWNSHIP: ("镇", "乡", "街道", "苏木"),
    COUNTY: ("县", "区", "旗", "市"),
    CITY: ("市", "州", "盟", "地区"),
    PROVINCE: ("省", "自治区"),
}
_OWN_WORD_UNIT = {"镇": TOWNSHIP, "乡": TOWNSHIP, "街道": TOWNSHIP, "县": COUNTY, "区": COUNTY, "旗": COUNTY}


_SENTENCE_END = re.compile(r"[。；;！!？?\n]")
_YEAR_CLAUSE = re.compile(r"(?<=[，,：:\n])(?:19|20)\d\d\s*年(?:度)?(?:以来)?[，,]")
MAX_SENTENCES = 3
MAX_OPENING_SUBJECT = 400


def unit_in_opening(opening: str, prefixes: Sequence[str] = ()) -> Unit | None:
    """The unit an opening sentence names as its subject, or None."""
    # Spaces go; a line break stays as the end of its paragraph's sentence.
    text = re.sub(r"[^\S\n]+", "", opening)
    starts = [0, *(m.end() for m in _SENTENCE_END.finditer(text[:MAX_OPENING_SUBJECT]))][:MAX_SENTENCES]
    # The year may lead its clause after a first clause of grounds: 根据…的
    # 部署，2023年，某街道以…; 省委、省政府高度重视…。2023年，省某局坚持….
    starts += [m.start() for m in _YEAR_CLAUSE.finditer(text[:MAX_OPENING_SUBJECT]) if m.start() not in starts]
    for sentence_start in starts:
        lead = _OPENING_LEAD.match(text, sentence_start)
        match = _SUBJECT.match(text, lead.end() if lead else sentence_start)
        if match is not None:
            unit = unit_in_name(match.group("name"), prefixes)
            if unit is not None:
                return unit
    for reports in _REPORTS_ON.finditer(text):
        unit = unit_in_name(reports.group("subject") or reports.group("speaker"), prefixes)
        if unit is not None:
            return unit
    return None


def level_in_words(opening: str, body: str) -> str | None:
    """The level the report's words give its own unit (我县, 镇党委、镇政府,
    我局): the opening's word first, else the body's most frequent."""
    for text in (opening, body[:4000]):
        counts = Counter()
        for pattern, level in _OWN_UNIT_WORDS:
            counts[level] += len(pattern.findall(text))
        ranked = counts.most_common(2)
        if ranked and ranked[0][1] > 0 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return ranked[0][0]
    return None


# A unit's name the body writes before its bodies (金平县委, 金平县人民政府)
# or opening a cited local document's title (《金平县领导干部…清单》).
_NAME_TEXT = r"[\u4e00-\u9fff]{2,10}?(?:自治县|自治州|自治旗|自治区|县|区|旗|市|州|盟|省)"
_NAMED_BODY = re.compile(
    rf"(?<=《)(?P<cited>{_NAME_TEXT})"
    rf"|(?:(?<=^)|(?<=[，。；、“\s（(]))(?P<name>{_NAME_TEXT})"
    r"(?=委|人民政府|政府|党政|领导干部|法治|20\d\d年|全面依法|依法治)"
)


def named_in_body(body: str, level: str, exclude: Iterable[str] = ()) -> str | None:
    """The name of the given level the body names most often before its
    bodies or in its cited documents (at least twice, or once alone)."""
    ends = _LEVEL_ENDS.get(level, ())
    excluded = set(exclude)
    counts: Counter[str] = Counter()
    gaz = gazetteer()
    for match in _NAMED_BODY.finditer(body):
        name = _longest_place_suffix(match.group("cited") or match.group("name"))
        if not name or name in excluded or not name.endswith(ends):
            continue
        places = gaz.lookup(name)
        if not places or {_place_level(p, name) for p in places} != {level}:
            continue
        counts[name] += 1
    ranked = counts.most_common(2)
    if not ranked:
        return None
    if len(ranked) == 2 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# A department's own document cited by name: 《某区人力社保局行政合法性审查
# 事项目录清单》, 《某省发展改革委2023年法治机关建设工作要点》.
_CITED_OFFICE = re.compile(r"《(?P<name>[\u4e00-\u9fff]{3,20}?(?:局|厅|委员会|委))(?=[\u4e00-\u9fff\d])")


def department_in_citations(text: str, prefixes: Sequence[str] = ()) -> str | None:
    """The department, named with its government, whose own documents a
    department's report cites (the report says only 我局): the one cited
    most, None when two tie or none is cited."""
    counts: Counter[str] = Counter()
    for match in _CITED_OFFICE.finditer(text):
        unit = unit_in_name(match.group("name"), prefixes)
        if unit is not None and unit.level == DEPARTMENT and unit.name and not _GENERIC_DEPARTMENT.match(unit.name):
            counts[unit.name] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


# ------------------------------------------------------------- the verdict

# A department named by its level alone: 县司法局, 市城市管理局.
_GENERIC_DEPARTMENT = re.compile(r"^(?:县|区|市|旗|州|盟|省|镇|乡)(?=.{2,})")


def _named_fully(unit: Unit, issuers: Sequence[str], prefixes: Sequence[str]) -> Unit:
    """县司法局 in the opening is the 潼关县司法局 that signs the report."""
    if unit.level != DEPARTMENT or not unit.name or not _GENERIC_DEPARTMENT.match(unit.name):
        return unit
    office = unit.name[1:]
    for issuer in issuers:
        named = unit_in_name(issuer, prefixes)
        if named is not None and named.level == DEPARTMENT and named.name and named.name.endswith(office):
            return named
    return unit


def find_unit(
    *,
    title: str,
    opening: str,
    issuers: Sequence[str],
    body: str,
    prefixes: Sequence[str] = (),
    exclude: Iterable[str] = (),
) -> Unit:
    """The issuing unit. `issuers` come strongest first (signature, the
    page's 发布机构, the site's name); `exclude` names places that the text
    addresses rather than is (a salutation's 红河州委)."""
    for head in _heads(title):
        unit = unit_in_name(head, prefixes)
        if unit is not None:
            return unit
    words_level = level_in_words(opening, body)
    unit = unit_in_opening(opening, prefixes)
    if unit is not None:
        return _named_fully(unit, issuers, prefixes)
    for issuer in issuers:
        unit = unit_in_name(issuer, prefixes)
        if unit is not None and (words_level is None or unit.level == words_level):
            return unit
    if words_level is None:
        return Unit()
    if words_level == DEPARTMENT:
        cited = department_in_citations(opening + "\n" + body, prefixes)
        return Unit(DEPARTMENT, cited) if cited else Unit(DEPARTMENT)
    name = named_in_body(body, words_level, exclude)
    if name is None:
        return Unit(words_level)
    town = canonical_town(name) if words_level == TOWNSHIP else None
    return Unit(words_level, town or name, town)
