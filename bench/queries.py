"""The fixed query mix of the benchmark, and the query language read plainly.

Every engine answers the same `BenchQuery` list. The terms are chosen from
fixed candidate lists by the share of reports that mention them in the corpus
at hand (rare about 0.1-0.6%, medium 1-15%, common 30% and more), so the mix
keeps its intended shape when the generator's vocabulary drifts; the choice
depends only on the corpus, so a corpus always gives the same mix.

`parse_terms` reads `q` as CONTRACT.md states it (whitespace AND, `A OR B`,
`-term`, `"..."`), independently of search_service.search.query, so that the
baselines and the reference scan do not borrow the engine's parser.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from search_service.model import SearchRequest
from search_service.text import normalize_query_term

QUERY_CLASSES: tuple[str, ...] = ("rare", "medium", "common", "short", "boolean", "filtered", "section")

# (band name, lowest share, highest share) of reports mentioning a term.
BANDS: dict[str, tuple[float, float]] = {
    "rare": (0.0003, 0.006),
    "medium": (0.01, 0.15),
    "common": (0.3, 1.0),
}

# Candidates per band, in order of preference (domain terms of the generator's
# vocabulary and of the real reports; the common ones alternate between terms
# in nearly every report and terms in about half of them). The first ones whose measured share
# falls in the band are taken; when too few do, the nearest ones fill in.
CANDIDATES: dict[str, tuple[str, ...]] = {
    "rare": (
        "复议前置",
        "行政裁决",
        "证明事项告知承诺制",
        "PPP项目",
        "包容审慎监管",
        "府院联动",
        "跨省通办",
        "首违不罚",
        "柔性执法",
    ),
    "medium": (
        "法律明白人",
        "一村一法律顾问",
        "双随机、一公开",
        "民主法治示范村",
        "诉源治理",
        "12345政务服务便民热线",
        "行政机关负责人出庭应诉",
        "法治副校长",
        "执法人员专业素质不高",
    ),
    "common": (
        "依法行政",
        "法律顾问",
        "重大行政决策",
        "人民调解",
        "法治宣传",
        "合法性审查",
        "规范性文件",
        "矛盾纠纷",
        "司法所",
    ),
}
PER_BAND = 5

_TOKEN_RE = re.compile(r'-?"[^"]*"?|\S+')


@dataclass(frozen=True)
class BenchQuery:
    """One question of the mix: a label, its class and the API request."""

    name: str
    cls: str
    request: SearchRequest

    @property
    def terms(self) -> ParsedTerms:
        return parse_terms(self.request.q)


@dataclass(frozen=True)
class ParsedTerms:
    """AND over clauses (each an OR of terms), none of `excluded`.

    `raw_*` keep the terms as written (what a user would hand to Whoosh's
    parser); the others are normalised under CONTRACT.md's rule."""

    clauses: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]
    raw_clauses: tuple[tuple[str, ...], ...] = field(default=())
    raw_excluded: tuple[str, ...] = field(default=())

    def satisfied_by(self, text: str) -> bool:
        """Whether one normalised text satisfies the query on its own."""
        return all(any(t in text for t in clause) for clause in self.clauses) and not any(
            t in text for t in self.excluded
        )


def parse_terms(q: str) -> ParsedTerms:
    """The mix's q read under the contract. The mix holds only well-formed
    queries, so malformed ones raise ValueError rather than being repaired."""
    clauses: list[list[tuple[str, str]]] = []
    excluded: list[tuple[str, str]] = []
    pending_or = False
    for token in _TOKEN_RE.findall(q):
        if token == "OR":
            if not clauses or pending_or:
                raise ValueError(f"dangling OR in {q!r}")
            pending_or = True
            continue
        negative = token.startswith("-") and len(token) > 1
        raw = token[1:] if negative else token
        if raw.startswith('"'):
            raw = raw[1:-1] if raw.endswith('"') and len(raw) > 1 else raw[1:]
        norm = normalize_query_term(raw)
        if not norm:
            continue
        if negative:
            excluded.append((raw, norm))
        elif pending_or:
            clauses[-1].append((raw, norm))
            pending_or = False
        else:
            clauses.append([(raw, norm)])
    if pending_or or not clauses:
        raise ValueError(f"nothing to find or dangling OR in {q!r}")
    return ParsedTerms(
        clauses=tuple(tuple(n for _, n in c) for c in clauses),
        excluded=tuple(n for _, n in excluded),
        raw_clauses=tuple(tuple(r for r, _ in c) for c in clauses),
        raw_excluded=tuple(r for r, _ in excluded),
    )


@dataclass(frozen=True)
class CorpusProfile:
    """What the mix is chosen from: each report's normalised text and fields."""

    texts: Sequence[str]
    years: Sequence[int | None]
    places: dict[str, Sequence[str | None]]


def term_shares(profile: CorpusProfile, terms: Sequence[str]) -> dict[str, float]:
    """Share of reports mentioning each term (exact, by scanning)."""
    n = max(len(profile.texts), 1)
    out = {}
    for term in terms:
        norm = normalize_query_term(term)
        out[term] = sum(1 for text in profile.texts if norm in text) / n
    return out


def pick_terms(shares: dict[str, float], band: str, k: int = PER_BAND) -> list[str]:
    """The first k candidates of a band whose share lies in it, topped up by
    the others nearest to the band, terms found in no report last (only a
    tiny corpus lacks them). Deterministic: ties keep list order."""
    low, high = BANDS[band]
    candidates = CANDIDATES[band]
    inside = [t for t in candidates if low <= shares[t] <= high and shares[t] > 0]
    rest = [t for t in candidates if t not in inside]
    rest.sort(key=lambda t: (shares[t] == 0, min(abs(shares[t] - low), abs(shares[t] - high))))
    return (inside + rest)[:k]


def _most_common(values: Sequence[str | None]) -> str:
    counts = Counter(v for v in values if v)
    if not counts:
        return "广东省"
    return min(counts.items(), key=lambda vc: (-vc[1], vc[0]))[0]


def build_mix(profile: CorpusProfile) -> tuple[list[BenchQuery], dict[str, float]]:
    """The fixed mix for this corpus, and the measured share of every chosen term."""
    shares = term_shares(profile, [t for band in CANDIDATES.values() for t in band])
    r = pick_terms(shares, "rare")
    m = pick_terms(shares, "medium")
    c = pick_terms(shares, "common")
    province = _most_common(profile.places["province"])
    in_province = [i for i, p in enumerate(profile.places["province"]) if p == province]
    city = _most_common([profile.places["city"][i] for i in in_province])
    county = _most_common(profile.places["county"])
    town = _most_common(profile.places["town"])

    def q(name: str, cls: str, text: str, **filters: object) -> BenchQuery:
        return BenchQuery(name, cls, SearchRequest(q=text, **filters))  # type: ignore[arg-type]

    mix = [q(f"rare-{i}", "rare", t) for i, t in enumerate(r)]
    mix += [q(f"medium-{i}", "medium", t) for i, t in enumerate(m)]
    mix += [q(f"common-{i}", "common", t) for i, t in enumerate(c)]
    mix += [
        q("char-法", "short", "法"),
        q("char-罚", "short", "罚"),
        q("char-诉", "short", "诉"),
        q("pair-调解", "short", "调解"),
        q("pair-信访", "short", "信访"),
        q("pair-复议", "short", "复议"),
        q("and-2", "boolean", f"{c[0]} {m[0]}"),
        q("and-3", "boolean", f"{c[1]} {c[2]} {m[1]}"),
        q("or-3", "boolean", f"{r[0]} OR {r[1]} OR {m[2]}"),
        q("or-and", "boolean", f"{m[3]} OR {m[4]} {c[0]}"),
        q("not-common", "boolean", f"{c[0]} -{c[1]}"),
        q("not-2", "boolean", f"{m[0]} -{r[2]} -信访"),
        q("quoted", "boolean", '"法律 顾问" 枫桥经验'),
        q("year", "filtered", c[0], year=(2024,)),
        q("year-range", "filtered", m[0], year_from=2020, year_to=2022),
        q("province", "filtered", c[1], province=(province,)),
        q("province-years", "filtered", m[1], province=(province,), year=(2023, 2024)),
        q("city", "filtered", c[2], city=(city,)),
        q("county-char", "filtered", "法", county=(county,)),
        q("town", "filtered", c[0], town=(town,)),
        q("problems", "section", "执法力量不足", section="problems"),
        q("measures-medium", "section", m[2], section="measures"),
        q("plans-common", "section", c[0], section="plans"),
        q("measures-and", "section", f"{c[1]} {c[2]}", section="measures"),
        q("problems-not", "section", f"{m[0]} -{c[0]}", section="problems"),
        q("leadership-year", "section", "普法", section="leadership", year=(2024,)),
    ]
    chosen = {t: shares[t] for t in (*r, *m, *c)}
    return mix, chosen
