"""County, city and province from what the report itself says.

Evidence, strongest first: a higher unit named in the title before the
town (黔江区黄溪镇), in the issuer's name or the signature (遂溪县人民政府
遂城街道办事处), the division code inside a 索引号, a higher unit named right
before the town in the body (廉江市吉水镇), and higher bodies the body names
(湛江市委、廉江市委). Every name is checked against the gazetteer, which
also supplies the parents. A town's own name is never evidence: 吉水镇 of
廉江市 must not become 江西省吉水县; a field stays None when the text does
not settle it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from search_service.ingest.gazetteer import Gazetteer, Place, gazetteer

TITLE_WEIGHT = 10
ISSUER_WEIGHT = 8
BEFORE_TOWN_WEIGHT = 8
CODE_WEIGHT = 6
BODY_WEIGHT = 4
# A name repeated in the body counts at most this many times.
MAX_BODY_MENTIONS = 2
MIN_SCORE = BODY_WEIGHT
SITE_WEIGHT = BODY_WEIGHT
# Names this short (忠县, 城区) are too common as parts of words to be read
# from running text; they count only in titles and issuers.
MIN_BODY_NAME = 3
# Bodies of a unit, written right after its name: 廉江市委, 遂溪县人民政府.
# Its party committee and government lead the town (在沅陵县委、县政府的
# 领导下); one of its offices may be a neighbour's (联合辰溪县公安局执法),
# so an office counts for half.
_ORG_AFTER = re.compile(
    r"[县区市旗州盟]?(?:委|党委|党工委|管委会|人民政府|政府|人大|政协|纪委|监委|依法治)|法治政府|法治建设|全面依法|"
    r"(?:19|20)\d\d年度?法治"
)
_SHORT_NAME_BODY = re.compile(r".(?:委|人民政府|政府)")
_OFFICE_AFTER = re.compile(r"司法局|人民法院|法院|人民检察院|检察院|公安局")
OFFICE_WEIGHT = BODY_WEIGHT // 2
# A unified social credit code (11500110733965117G): characters 3-8 are the
# division code. Other 索引号 start with the division code itself, or with
# a township's 9-digit or a village's 12-digit statistical code, whose
# first six digits are the county's (640122001/2025-00015).
_CREDIT_CODE = re.compile(r"^[0-9A-Z]{2}(\d{6})[0-9A-Z]{9}[0-9A-Z]?(?![0-9A-Z])")
_LEADING_CODE = re.compile(r"^(\d{6})(?:\d{3}|\d{6})?(?!\d)")


@dataclass(frozen=True)
class Places:
    county: str | None = None
    city: str | None = None
    province: str | None = None


@lru_cache(maxsize=1)
@lru_cache(maxsize=4)
def _automaton(min_length: int) -> tuple[ahocorasick_rs.AhoCorasick, tuple[str, ...]]:
    """Aho-Corasick over the gazetteer's names of at least min_length
    characters: one pass over a text, however many names there are."""
    names = tuple(sorted({name for name in gazetteer().names() if len(name) >= min_length}))
    return ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest), names


def find_names(text: str, min_length: int = 2) -> list[tuple[str, int, int]]:
    """Gazetteer names in `text` as (name, start, end), longest at each place,
    scanning left to right without overlaps."""
    automaton, names = _automaton(min_length)
    return [(names[i], start, end) for i, start, end in automaton.find_matches_as_indexes(text, overlapping=False)]


def short_names_in(text: str) -> list[str]:
    """Short names of non-gazetteer units (万盛) that `text` starts with."""
    return [name for name in gazetteer().short_names if text.startswith(name)]


def _before_town(text: str, town: str | None) -> str:
    """The part of a title or issuer's name before the town's name: a town
    whose name contains a county's (城区街道) is not evidence of it."""
    if town:
        stem = town[:-2] if town.endswith("街道") else town[:-1]
        at = text.find(stem)
        if at >= 0:
            return text[:at]
    return text


def _code_place(index_number: str | None, gaz: Gazetteer) -> Place | None:
    if not index_number:
        return None
    text = index_number.strip().upper()
    match = _CREDIT_CODE.match(text) or _LEADING_CODE.match(text)
    if match is None or match.group(1).endswith("0000"):
        return None
    return gaz.by_code.get(match.group(1))


def find_places(
    *,
    title: str,
    town: str | None,
    issuers: Iterable[str],
    index_number: str | None,
    body: str,
    site: str = "",
) -> Places:
    """County, city and province as the text settles them. `site` is the
    name of the site the page was saved from (某区人民政府): a township's
    report is mostly published by its county, so it counts like one
    mention in the body."""
    gaz = gazetteer()
    weights: dict[Place, int] = defaultdict(int)

    def credit(name: str, weight: int, places: Sequence[Place] | None = None) -> None:
        for place in places if places is not None else gaz.lookup(name):
            weights[place] = max(weights[place], weight) if weight >= ISSUER_WEIGHT else weights[place] + weight

    for text, weight in [(title, TITLE_WEIGHT), *((issuer, ISSUER_WEIGHT) for issuer in issuers)]:
        head = _before_town(text, town)
        for name, _, _ in find_names(head):
            credit(name, weight)
        for start in range(len(head)):
            for name in short_names_in(head[start:]):
                credit(name, weight, gaz.short_names[name])
        # A county written without its unit right before the town: 鹤山古劳镇.
        if town and head != text:
            for stem in gaz.stems_ending(head):
                credit(stem, weight, gaz.county_stems[stem])
    code_place = _code_place(index_number, gaz)
    if code_place is not None:
        weights[code_place] += CODE_WEIGHT
    for name, _, _ in find_names(site):
        credit(name, SITE_WEIGHT)
    mentions: dict[str, int] = defaultdict(int)
    for name, start, end in find_names(body, MIN_BODY_NAME):
        after = body[end : end + 8]
        if town and after.startswith(town):
            credit(name, BEFORE_TOWN_WEIGHT)
        elif (_ORG_AFTER.match(after) or _OFFICE_AFTER.match(after) or _cited(body, start)) and mentions[
            name
        ] < MAX_BODY_MENTIONS:
            mentions[name] += 1
            credit(name, OFFICE_WEIGHT if _OFFICE_AFTER.match(after) else BODY_WEIGHT)
    # A two-character county (涉县, 忠县) counts in running text only where the
    # text names its bodies by repeating the unit: 涉县县委, 忠县县人民政府.
    for name, _, end in find_names(body):
        repeated = _SHORT_NAME_BODY.match(body, end) is not None and body.startswith(name[-1], end)
        if len(name) < MIN_BODY_NAME and repeated and mentions[name] < MAX_BODY_MENTIONS:
            mentions[name] += 1
            credit(name, BODY_WEIGHT)
    return _resolve(weights, _unit_named_alone(body))


def _cited(body: str, start: int) -> bool:
    """The name opens a cited local document's title: 《清城区2022年…》."""
    return start > 0 and body[start - 1] == "《"


# The unit above the town named without a name: 在市委、市政府的领导下.
_UNIT_ALONE = re.compile(r"(?:^|[在、和及与受由经向对，,。；;：:\s“])([县区市旗])(?:委|人民政府|政府)")


def _unit_named_alone(body: str) -> str | None:
    """The unit the body names alone most often (市 in 在市委、市政府…), or
    None when none or two tie: it tells 鹤山市 from 鹤山区."""
    counts = Counter(match.group(1) for match in _UNIT_ALONE.finditer(body)).most_common(2)
    if not counts or (len(counts) == 2 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def _resolve(weights: dict[Place, int], unit_hint: str | None = None) -> Places:
    """The best-supported place: each candidate scores its own evidence plus
    its parents' (廉江市 gains from 湛江市委). Among equally supported
    counties, those of the unit the body names alone (市委) are preferred.
    Fields on which the best candidates disagree stay None."""
    if not weights:
        return Places()
    evidence_by_name: dict[str, int] = defaultdict(int)
    for place, weight in weights.items():
        name = place.county or place.city or place.province
        evidence_by_name[name] = max(evidence_by_name[name], weight)
    scores: dict[Place, int] = {}
    for place in weights:
        names = {n for n in (place.county, place.city, place.province) if n}
        scores[place] = sum(evidence_by_name.get(n, 0) for n in names)
    best = max(scores.values())
    if best < MIN_SCORE:
        return Places()
    top = [place for place, score in scores.items() if score == best]
    hinted = [place for place in top if unit_hint and place.county and place.county.endswith(unit_hint)]
    if len(top) > 1 and hinted:
        top = hinted
    return Places(
        county=_agreed(p.county for p in top),
        city=_agreed(p.city for p in top),
        province=_agreed(p.province for p in top),
    )


def _agreed(values: Iterable[str | None]) -> str | None:
    distinct = set(values)
    return distinct.pop() if len(distinct) == 1 else None
