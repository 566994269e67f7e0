"""The engine against the contract, on a generated corpus: every count exact.

A few hundred generated reports (with broken lines, quoted terms, full-width
digits, spaced numbers and terms across jieba's word boundaries) are indexed
by the engine and also held by tests/bruteforce.py, which evaluates
CONTRACT.md's rules by scanning every text. For several hundred queries drawn
from the corpus itself, alone and combined with AND, OR, exclusion, the
section filter, and year and place filters, the result sets, totals, every
facet count and the mentions must be equal.
"""

from __future__ import annotations

import html
import random
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import opencc
import pytest

from bench.corpus import generate_corpus, vocabulary
from search_service.config import PROJECT_ROOT
from search_service.model import SECTION_KINDS, SearchRequest
from search_service.text import words
from tests.bruteforce import FACET_NAMES, BruteCorpus, BruteReport, Expected, normalize_term, parse

N_REPORTS = 300
SEGMENT_REPORTS = 200
CORPUS_SEED = 20240601
PER_PAGE = 100
SHOWN_DIFFERENCES = 20

_FULL_WIDTH = str.maketrans(
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ",
)
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# Terms the corpus plants on purpose: across word boundaries, punctuation,
# line breaks, in quotes, in full width, with spaces.
TRAP_TERMS = (
    "法律顾问题",
    "法律顾问",
    "顾问题",
    "执法力量不足",
    "执法力量。不足",
    "力量不",
    "法律。顾问",
    "综合行政执法办公室",
    "执法办",
    "八五普法",
    "“八五”普法",
    "七五普法",
    "民法典",
    "《民法典》",
    "２０２４年",
    '"2024 年"',
    "2024年",
    "ppp项目",
    "PPP",
    "App",
    "ＡＰＰ",
    "重大行政决策事项",
    "普法律师",
    "法办",
    "规范性文件",
    "枫桥经验",
    "三重一大",
    "复议前置",
)


@dataclass(repr=False)
class World:
    """The generated corpus, as the engine indexed it and as the oracle holds it."""

    source: Path
    index: object
    brute: BruteCorpus


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from search_service.indexing import BuildOptions, build_index
    from search_service.search import open_index
    from search_service.segments import stored

    source = tmp_path_factory.mktemp("exact-corpus")
    files = generate_corpus(source, N_REPORTS, CORPUS_SEED)
    _add_look_alikes(source, files)
    _add_other_formats(source, files)
    index_dir = tmp_path_factory.mktemp("exact-index")
    # Two segments, the first storing its frequent terms' parts (stored.py)
    # and the second not: answers merge both ways of reading a term.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stored, "MIN_REPORTS", SEGMENT_REPORTS)
        build_index(source, index_dir, BuildOptions(segment_reports=SEGMENT_REPORTS))
    index = open_index(index_dir)
    yield World(source, index, BruteCorpus.load(source))
    index.close()


# Look-alikes indexed beside the reports as other documents (doc_type
# "other"): a unit's 工作要点 and a meeting's news, bodies taken from reports.
N_LOOK_ALIKES = 24


def _add_look_alikes(source: Path, files: list[Path]) -> None:
    """Paragraphs of reports under a look-alike's title, without the report's
    own title, headings and 报告如下, so that nothing says "report"."""
    rng = random.Random(CORPUS_SEED + 1)
    written = 0
    for path in rng.sample(sorted(files), len(files)):
        lines = [
            line
            for line in path.read_text("utf-8").splitlines()[1:]
            if len(line.strip()) > 20 and "报告" not in line and not line.strip()[:2].endswith("、")
        ]
        if len(lines) < 4:
            continue
        year = 2019 + written % 6
        kind = "关于印发{}年法治政府建设工作要点的通知" if written % 2 else "召开{}年度法治政府建设工作推进会议"
        (source / f"zz_other_{written:02}.txt").write_text("\n".join([kind.format(year), *lines[:8]]), "utf-8")
        written += 1
        if written == N_LOOK_ALIKES:
            return


# Other file formats, for the `format` filter and facet: some reports as web
# pages (.html and .htm), and Word and PDF reports from the unseen fixtures.
EVERY_NTH_AS_PAGE = 12
FORMAT_FIXTURES = ("u03_xinzhu.docx", "u11_qiandaohu.docx", "u04_jiuhe.pdf", "u13_suonan.pdf")


def _add_other_formats(source: Path, files: list[Path]) -> None:
    for i, path in enumerate(sorted(files)[::EVERY_NTH_AS_PAGE]):
        body = "".join(f"<p>{html.escape(line)}</p>\n" for line in path.read_text("utf-8").splitlines())
        page = f'<html><head><meta charset="utf-8"></head><body>\n{body}</body></html>\n'
        path.with_suffix(".htm" if i % 3 == 2 else ".html").write_text(page, "utf-8")
        path.unlink()
    for name in FORMAT_FIXTURES:
        shutil.copy(PROJECT_ROOT / "tests" / "fixtures" / "unseen" / name, source / name)


# ------------------------------------------------------------------ comparing


@dataclass
class Answer:
    report_ids: list[str]
    total_reports: int
    total_sections: int
    facets: dict[str, dict[str | int, int]]
    mentions: dict[str, dict[str, int]]
    years: list[int | None]


def _engine_answer(index: object, request: SearchRequest) -> Answer:
    """Every page of the engine's answer, gathered."""
    from search_service.search import run_search

    ids: list[str] = []
    years: list[int | None] = []
    mentions: dict[str, dict[str, int]] = {}
    page = 1
    while True:
        result = run_search(index, replace(request, page=page, per_page=PER_PAGE))  # type: ignore[arg-type]
        if page == 1:
            first = result
        for hit in result.results:
            ids.append(hit.report_id)
            years.append(hit.year)
            mentions[hit.report_id] = {normalize_term(term): count for term, count in hit.mentions.items()}
        if not result.results or page * PER_PAGE >= result.total.reports:
            break
        page += 1
    # A chosen value that no matching report has is listed with count 0 (so
    # that it can be undone); the reference counts the values reports have.
    facets = {name: {fv.value: fv.count for fv in values if fv.count} for name, values in first.facets.items()}
    return Answer(ids, first.total.reports, first.total.sections, facets, mentions, years)


def _describe(request: SearchRequest) -> str:
    parts = [f"q={request.q!r}"]
    described = ("year", "year_from", "year_to", "doc_type", "level", "unit", "town", "county", "city", "province")
    for name in (*described, "format"):
        value = getattr(request, name)
        if value:
            parts.append(f"{name}={value!r}")
    if request.sort != "relevance":
        parts.append(f"sort={request.sort}")
    return " ".join(parts)


def _differences(world: World, request: SearchRequest) -> list[str]:
    """What the engine answers differently from the contract, readably."""
    expected: Expected = world.brute.evaluate(request)
    got = _engine_answer(world.index, request)
    source = {r.report_id: r.source for r in world.brute.reports}
    out: list[str] = []

    def name(ids: set[str]) -> list[str]:
        return sorted(source.get(i, i) for i in ids)[:10]

    if len(got.report_ids) != len(set(got.report_ids)):
        out.append(f"{len(got.report_ids) - len(set(got.report_ids))} reports appear on more than one page")
    got_ids = set(got.report_ids)
    if got_ids != expected.report_ids:
        out.append(
            f"reports: expected {len(expected.report_ids)}, got {len(got_ids)}; "
            f"only expected {name(expected.report_ids - got_ids)}, only got {name(got_ids - expected.report_ids)}"
        )
    if (got.total_reports, got.total_sections) != (expected.total_reports, expected.total_sections):
        out.append(
            f"total: expected reports={expected.total_reports} sections={expected.total_sections}, "
            f"got reports={got.total_reports} sections={got.total_sections}"
        )
    for facet in (*FACET_NAMES, "section"):
        want = expected.facets[facet]
        have = got.facets.get(facet, {})
        if want != have:
            wrong = {v: (want.get(v, 0), have.get(v, 0)) for v in sorted(set(want) | set(have), key=str)}
            wrong = {v: pair for v, pair in wrong.items() if pair[0] != pair[1]}
            shown = dict(list(wrong.items())[:8])
            out.append(f"facet {facet} (value: (expected, got)): {shown}{' ...' if len(wrong) > 8 else ''}")
    bad_mentions = [
        f"{source[i]} expected {expected.mentions[i]} got {got.mentions.get(i)}"
        for i in sorted(expected.report_ids & got_ids)
        if expected.mentions[i] != got.mentions.get(i)
    ]
    if bad_mentions:
        out.append(f"mentions differ in {len(bad_mentions)} reports, e.g. {bad_mentions[:3]}")
    if request.sort in ("year", "-year"):
        known = [y or 0 for y in got.years]
        if known != sorted(known, reverse=request.sort == "-year"):
            out.append(f"not in {request.sort} order: {known[:20]}")
    return [f"{_describe(request)}: {line}" for line in out]


def _check(world: World, requests: list[SearchRequest], at_least: int) -> None:
    """Every request through the unmodified engine, snippets included."""
    assert len(requests) >= at_least
    differences: list[str] = []
    for request in requests:
        differences.extend(_differences(world, request))
    # Wrong result sets first: a facet off by the same reports says less.
    order = ("reports:", "total:", "mentions", "facet")
    differences.sort(key=lambda line: next((i for i, key in enumerate(order) if key in line), len(order)))
    assert not differences, f"{len(differences)} differences from the contract:\n" + "\n".join(
        differences[:SHOWN_DIFFERENCES]
    )


# ------------------------------------------------------------------ queries


class QueryMaker:
    """Query terms drawn from the corpus itself, deterministically."""

    def __init__(self, brute: BruteCorpus, seed: int) -> None:
        self.rng = random.Random(seed)
        self.units = [text for report in brute.reports for _, text in report.units if len(text) >= 10]
        self._s2t = opencc.OpenCC("s2t")

    @staticmethod
    def usable(term: str) -> bool:
        """A drawn text is a single query term as it stands."""
        if not term or term.startswith("-") or term == "OR":
            return False
        try:
            query = parse(term)
        except ValueError:
            return False
        return len(query.clauses) == 1 and len(query.clauses[0]) == 1 and not query.excluded

    def substring(self, length: int) -> str:
        while True:
            text = self.rng.choice(self.units)
            start = self.rng.randrange(0, max(1, len(text) - length))
            term = text[start : start + length]
            if len(term) == length and self.usable(term):
                return term

    def across_words(self) -> str:
        """A substring that starts inside one jieba word and ends inside a
        later one, so that no word-based index could answer it."""
        while True:
            text = self.rng.choice(self.units)
            start = self.rng.randrange(0, max(1, len(text) - 40))
            window = text[start : start + 40]
            spans = [(s, e) for _, s, e in words(window) if e - s >= 2]
            pairs = [(a, b) for a, b in zip(spans, spans[1:], strict=False) if a[1] == b[0]]
            if not pairs:
                continue
            (s1, e1), (s2, e2) = self.rng.choice(pairs)
            left = self.rng.randrange(s1 + 1, e1)
            right = self.rng.randrange(s2 + 1, e2 + 1)
            term = window[left:right][:8]
            if self.usable(term):
                return term

    def variant(self, term: str) -> str:
        """The same term as a user might type it: full-width, quoted, with
        spaces or quotation marks inside, upper-cased, or traditional."""
        rng = self.rng
        choice = rng.randrange(6)
        cut = rng.randrange(1, len(term)) if len(term) > 1 else 1
        if choice == 0 and any(c.isascii() and c.isalnum() for c in term):
            out = term.translate(_FULL_WIDTH)
        elif choice == 1:
            out = f'"{term[:cut]} {term[cut:]}"'
        elif choice == 2:
            out = f"“{term[:cut]}”{term[cut:]}"
        elif choice == 3:
            out = f"《{term}》"
        elif choice == 4 and any(c.isascii() and c.isalpha() for c in term):
            out = term.translate(_UPPER)
        else:
            out = self._s2t.convert(term)
        return out if self.usable(out) else term

    def common_terms(self, brute: BruteCorpus, count: int) -> list[str]:
        """Vocabulary terms that occur in the corpus, to combine."""
        present = [t.term for t in vocabulary() if any(normalize_term(t.term) in r.text for r in brute.reports)]
        self.rng.shuffle(present)
        return present[:count]


def _single_term_queries(brute: BruteCorpus) -> list[str]:
    maker = QueryMaker(brute, seed=1)
    terms: list[str] = []
    terms += [maker.substring(maker.rng.randint(1, 8)) for _ in range(60)]
    terms += [maker.substring(1) for _ in range(25)]
    terms += [maker.substring(2) for _ in range(30)]
    terms += [maker.across_words() for _ in range(40)]
    terms += [maker.variant(maker.substring(maker.rng.randint(2, 8))) for _ in range(40)]
    terms += [maker.variant(t) for t in maker.common_terms(brute, 10)]
    terms += list(TRAP_TERMS)
    terms += ["量子纠缠", "zz法治", "法治政府建设年度报告", "。", "，"]
    return terms


# ------------------------------------------------------------------ tests


def _raw_texts(world: World) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(world.source.glob("*.txt"))]


def test_corpus_plants_the_traps(world: World) -> None:
    raw = _raw_texts(world)

    def reports_with(needle: str) -> int:
        return sum(needle in text for text in raw)

    broken = [
        text
        for text in raw
        if any(t in text.replace("\n", "") and t not in text for t in ("综合行政执法", "重大行政决策", "法律顾问"))
    ]
    assert len(broken) >= 3
    assert reports_with("“八五”普法") >= 3
    assert reports_with("《民法典》") >= 3
    assert reports_with("２０") >= 3
    assert reports_with(" 年") >= 3
    assert reports_with("执法力量。不足") >= 3
    assert reports_with("法律顾问题") >= 3
    assert reports_with("App") + reports_with("APP") >= 3


def test_one_segment_stores_frequent_terms_and_one_does_not(world: World) -> None:
    segments = [part.segment for part in world.index.segments.parts]  # type: ignore[attr-defined]
    assert [s.report_count for s in segments][0] == SEGMENT_REPORTS and len(segments) == 2
    assert segments[0].stored is not None and len(segments[0].stored) > 100
    assert segments[1].stored is None
    assert None not in world.index.segments.shifts  # type: ignore[attr-defined]  # laid end to end


def test_engine_indexes_the_reports_the_oracle_reads(world: World) -> None:
    engine_ids = {rec["report_id"] for rec in world.index.records}  # type: ignore[attr-defined]
    assert engine_ids == {r.report_id for r in world.brute.reports}
    assert len(world.brute.reports) >= N_REPORTS * 0.95


def test_single_terms_match_the_contract(world: World) -> None:
    queries = _single_term_queries(world.brute)
    _check(world, [SearchRequest(q=q) for q in queries], at_least=200)


def test_boolean_queries_match_the_contract(world: World) -> None:
    brute = world.brute
    maker = QueryMaker(brute, seed=2)
    common = maker.common_terms(brute, 40)
    rng = maker.rng

    def term() -> str:
        r = rng.random()
        if r < 0.5:
            return rng.choice(common)
        if r < 0.8:
            return maker.substring(rng.randint(2, 5))
        return maker.across_words()

    queries: list[str] = []
    queries += [f"{term()} {term()}" for _ in range(25)]
    queries += [f"{term()} {term()} {term()}" for _ in range(10)]
    queries += [f"{term()} OR {term()}" for _ in range(15)]
    queries += [f"{term()} OR {term()} {term()}" for _ in range(10)]
    queries += [f"{term()} {term()} OR {term()} OR {term()}" for _ in range(5)]
    queries += [f"{term()} -{term()}" for _ in range(20)]
    queries += [f'{term()} -"{maker.substring(3)[:1]} {maker.substring(2)}"' for _ in range(5)]
    queries += [f"{term()} OR {term()} -{term()} -{maker.substring(1)}" for _ in range(10)]
    queries += [f"{maker.substring(1)} {maker.substring(1)} -{maker.substring(1)}" for _ in range(5)]
    queries += [f'"{term()} {term()}"' for _ in range(5)]
    _check(world, [SearchRequest(q=q) for q in queries], at_least=100)


def test_section_filter_matches_the_contract(world: World) -> None:
    brute = world.brute
    maker = QueryMaker(brute, seed=3)
    common = maker.common_terms(brute, 30)
    rng = maker.rng
    requests: list[SearchRequest] = []
    for kind in SECTION_KINDS:
        for _ in range(6):
            requests.append(SearchRequest(q=maker.substring(rng.randint(1, 6)), section=kind))
        requests.append(SearchRequest(q=f"{rng.choice(common)} {rng.choice(common)}", section=kind))
        requests.append(SearchRequest(q=f"{rng.choice(common)} OR {maker.across_words()}", section=kind))
        requests.append(SearchRequest(q=f"{rng.choice(common)} -{rng.choice(common)}", section=kind))
        requests.append(SearchRequest(q=f"{maker.substring(2)} -{maker.substring(1)}", section=kind))
    _check(world, requests, at_least=50)


def _random_filters(rng: random.Random, brute: BruteCorpus) -> dict[str, object]:
    """One to three filters, with values that exist (mostly)."""
    years = brute.values("year")
    chosen: dict[str, object] = {}
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(
            ("year", "years", "range", "from", "to", "doc_type", "level", "unit", "province", "city", "county", "town")
        )
        if kind == "year":
            chosen["year"] = (rng.choice(years),)
        elif kind == "years":
            chosen["year"] = tuple(rng.sample(years, 2))
        elif kind == "range":
            low = rng.choice(years)
            chosen["year_from"], chosen["year_to"] = low, low + rng.randint(0, 2)
        elif kind == "from":
            chosen["year_from"] = rng.choice(years)
        elif kind == "to":
            chosen["year_to"] = rng.choice(years)
        elif kind == "doc_type":
            chosen["doc_type"] = rng.choice(("other", "all"))
        else:
            values = brute.values(kind)
            if not values:
                continue
            picked = tuple(rng.sample(values, min(len(values), rng.randint(1, 2))))
            if rng.random() < 0.1:
                picked += ("不存在镇" if kind == "town" else "不存在县",)
            chosen[kind] = picked
    return chosen


def _place_of(rng: random.Random, reports: list[BruteReport]) -> dict[str, object]:
    """Filters that all hold for one real report, so that facets have values."""
    report = rng.choice(reports)
    out: dict[str, object] = {}
    name = rng.choice(("level", "unit", "province", "city", "county", "town"))
    if report.places[name]:
        out[name] = (report.places[name],)
    if report.year and rng.random() < 0.5:
        out["year"] = (report.year,)
    if report.doc_type != "annual_report":
        out["doc_type"] = rng.choice((report.doc_type, "all"))
    return out


def test_filters_and_facets_match_the_contract(world: World) -> None:
    brute = world.brute
    maker = QueryMaker(brute, seed=4)
    common = maker.common_terms(brute, 30)
    rng = maker.rng
    requests: list[SearchRequest] = []
    for i in range(70):
        r = rng.random()
        q = rng.choice(common) if r < 0.4 else (maker.substring(rng.randint(1, 4)) if r < 0.8 else maker.across_words())
        if i % 5 == 0:
            q = f"{q} OR {rng.choice(common)}"
        elif i % 7 == 0:
            q = f"{q} -{rng.choice(common)}"
        filters = _random_filters(rng, brute) if i % 2 else _place_of(rng, brute.reports)
        section = rng.choice((*SECTION_KINDS, None, None, None, None))
        sort = rng.choice(("relevance", "year", "-year"))
        requests.append(SearchRequest(q=q, section=section, sort=sort, **filters))  # type: ignore[arg-type]
    _check(world, requests, at_least=50)


def test_look_alikes_are_indexed_as_other_documents(world: World) -> None:
    """Every readable file is in the index; the look-alikes as "other", found
    only when asked for."""
    from search_service.search import run_search

    others = {r.report_id for r in world.brute.reports if r.doc_type == "other"}
    assert len(others) == N_LOOK_ALIKES
    everything = run_search(world.index, SearchRequest(q="法治", doc_type="all", per_page=100))  # type: ignore[arg-type]
    default = run_search(world.index, SearchRequest(q="法治", per_page=100))  # type: ignore[arg-type]
    assert everything.total.reports == default.total.reports + len(others)
    assert {fv.value: fv.count for fv in default.facets["doc_type"]}["other"] == len(others)


def test_place_facets_are_present(world: World) -> None:
    """The corpus settles most places, so the place facets are exercised."""
    brute = world.brute
    for name in ("province", "city", "county", "town"):
        known = sum(1 for r in brute.reports if r.places[name])
        assert known >= len(brute.reports) // 2, f"only {known} reports have a {name}"


def test_full_answers_with_snippets_match(world: World) -> None:
    """A few rare terms through the unmodified engine, snippets included."""
    brute = world.brute
    maker = QueryMaker(brute, seed=5)
    requests: list[SearchRequest] = []
    while len(requests) < 15:
        q = maker.substring(maker.rng.randint(4, 8))
        if len(brute.evaluate(SearchRequest(q=q)).report_ids) <= 10:
            requests.append(SearchRequest(q=q))
    _check(world, requests, at_least=15)


def test_corpus_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in generate_corpus(tmp_path / "a", 40, seed=9)]
    again = [p.read_bytes() for p in generate_corpus(tmp_path / "b", 40, seed=9)]
    other = [p.read_bytes() for p in generate_corpus(tmp_path / "c", 40, seed=10)]
    assert first == again
    assert first != other


def test_corpus_has_every_file_format(world: World) -> None:
    formats = Counter(r.places["format"] for r in world.brute.reports)
    assert set(formats) == {"txt", "html", "docx", "pdf"}
    assert formats["html"] >= 20 and formats["docx"] >= 2 and formats["pdf"] >= 2
    assert any(r.source.endswith(".htm") for r in world.brute.reports)


def test_format_filter_and_facet_match_the_contract(world: World) -> None:
    """The format filter alone, repeated, with an absent value and with the
    other filters and the section; the oracle tells formats by file name."""
    brute = world.brute
    maker = QueryMaker(brute, seed=6)
    common = maker.common_terms(brute, 30)
    rng = maker.rng
    formats = ("txt", "html", "docx", "pdf")
    requests: list[SearchRequest] = []
    for i in range(40):
        q = rng.choice(common) if i % 2 else maker.substring(rng.randint(1, 3))
        chosen = tuple(rng.sample(formats, rng.randint(1, 3)))
        extra = _random_filters(rng, brute) if i % 3 == 0 else _place_of(rng, brute.reports) if i % 3 == 1 else {}
        section = rng.choice((*SECTION_KINDS, None, None, None))
        requests.append(SearchRequest(q=q, format=chosen, section=section, **extra))  # type: ignore[arg-type]
    requests.append(SearchRequest(q="法治", format=("odt",)))  # type: ignore[arg-type]
    requests.append(SearchRequest(q="法治", format=("pdf", "docx"), doc_type="all"))  # type: ignore[arg-type]
    _check(world, requests, at_least=40)
