"""The benchmark's machinery on a tiny corpus: every engine that claims exact
answers agrees with the brute-force scan, and the table renders.

The peers (Tantivy from the `bench` extra, Groonga from Debian's
groonga-bin; `make test` installs both) run when installed; when one is not,
the test still runs the others and warns which it left out (with
BENCH_PEERS_REQUIRED=1 it fails instead).

A correctness test only: timings are never asserted (the machine is shared).
"""

from __future__ import annotations

import os
import warnings
from collections import Counter
from pathlib import Path

import pytest

from bench.baselines import ParsedCorpus
from bench.baselines.groonga import GroongaEngine, groonga_available
from bench.baselines.ours import OursEngine
from bench.baselines.scan import ScanEngine, StreamingScan
from bench.baselines.sqlite_fts5 import SqliteFts5Engine
from bench.baselines.tantivy_grams import TantivyGramsEngine, phrase_offsets, tantivy_available
from bench.baselines.whoosh_jieba import WhooshJiebaEngine, whoosh_query_string
from bench.http_load import WorkerMemory
from bench.queries import QUERY_CLASSES, BenchQuery, CorpusProfile, build_mix, parse_terms
from bench.run import (
    EngineFigures,
    analysis_lines,
    check,
    differences,
    main,
    parse_reports,
    plan_run,
    render_table,
    table_rows,
    time_analyses,
    year_windows,
)
from search_service.model import PLACE_FIELDS, SearchRequest

N = 60


@pytest.fixture(scope="module")
def bench_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ParsedCorpus]:
    from bench.corpus import generate_corpus

    source = tmp_path_factory.mktemp("bench-corpus")
    generate_corpus(source, N, seed=3)
    reports, _ = parse_reports(source, jobs=1)
    return source, ParsedCorpus.from_reports(reports)


@pytest.fixture(scope="module")
def scan_and_mix(bench_corpus: tuple[Path, ParsedCorpus]) -> tuple[ScanEngine, list[BenchQuery]]:
    _, corpus = bench_corpus
    scan = ScanEngine()
    scan.build(corpus, Path("unused"))
    profile = CorpusProfile(
        texts=scan.report_texts,
        years=[r.year for r in corpus.reports],
        places={name: [getattr(r, name) for r in corpus.reports] for name in PLACE_FIELDS},
    )
    mix, _ = build_mix(profile)
    return scan, mix


def test_mix_has_every_class_and_at_least_30_queries(scan_and_mix: tuple[ScanEngine, list[BenchQuery]]) -> None:
    _, mix = scan_and_mix
    assert len(mix) >= 30
    assert {q.cls for q in mix} == set(QUERY_CLASSES)
    assert len({q.name for q in mix}) == len(mix)


def test_query_language_reads_or_exclusion_and_quotes() -> None:
    terms = parse_terms('法律顾问 OR 枫桥经验 -信访 "八五 普法"')
    assert terms.clauses == (("法律顾问", "枫桥经验"), ("八五普法",))
    assert terms.excluded == ("信访",)
    assert whoosh_query_string(terms) == '(法律顾问 OR 枫桥经验) AND ("八五 普法") AND NOT 信访'


def test_ours_and_fts5_agree_with_the_scan(
    bench_corpus: tuple[Path, ParsedCorpus], scan_and_mix: tuple[ScanEngine, list[BenchQuery]], tmp_path: Path
) -> None:
    source, corpus = bench_corpus
    scan, mix = scan_and_mix
    reference = {q.name: scan.answer(q, full=True) for q in mix}
    assert any(a.total_reports for a in reference.values())
    ours = OursEngine(source, jobs=1)
    fts5 = SqliteFts5Engine()
    for engine in (ours, fts5):
        engine.build(corpus, tmp_path / engine.name)
        figures = EngineFigures(engine.name)
        check(engine, mix, reference, figures)
        assert figures.diff_details == {}, engine.name
        page = engine.answer(mix[0])
        assert page.total_reports == reference[mix[0].name].total_reports
        engine.close()


def test_installed_peers_agree_with_the_scan(
    bench_corpus: tuple[Path, ParsedCorpus], scan_and_mix: tuple[ScanEngine, list[BenchQuery]], tmp_path: Path
) -> None:
    """Tantivy and Groonga, each where installed: 0 queries differing from the
    scan (count, every facet, the whole result set), and a first page with
    snippets marking a term."""
    _, corpus = bench_corpus
    scan, mix = scan_and_mix
    reference = {q.name: scan.answer(q, full=True) for q in mix}
    peers = []
    missing = []
    if tantivy_available():
        peers.append(TantivyGramsEngine(threads=1))
    else:
        missing.append("tantivy (pip install -e '.[bench]')")
    if groonga_available():
        peers.append(GroongaEngine())
    else:
        missing.append("groonga (apt-get install groonga-bin)")
    if missing:
        if os.environ.get("BENCH_PEERS_REQUIRED") == "1":
            pytest.fail(f"bench peers not installed: {', '.join(missing)}")
        warnings.warn(f"bench peers not installed, not run: {', '.join(missing)}", UserWarning, stacklevel=1)
    print(f"bench peers run: {', '.join(p.name for p in peers) or 'none'}")
    for engine in peers:
        try:
            engine.build(corpus, tmp_path / engine.name)
            figures = EngineFigures(engine.name)
            check(engine, mix, reference, figures)
            assert figures.diff_details == {}, engine.name
            common = next(q for q in mix if q.name == "common-0")
            page = engine.answer(common)
            assert page.total_reports == reference[common.name].total_reports
            assert page.report_ids == reference[common.name].report_ids[:20]
            assert len(page.snippets) == len(page.report_ids)
            assert all("[" in shown[0] for shown in page.snippets)
        finally:
            engine.close()


def test_phrase_offsets_cover_every_character() -> None:
    assert phrase_offsets(3) == [0, 1]
    assert phrase_offsets(4) == [0, 2]
    assert phrase_offsets(5) == [0, 2, 3]
    for length in range(3, 12):
        covered = {i + k for i in phrase_offsets(length) for k in (0, 1)}
        assert covered == set(range(length))


def test_whoosh_answers_every_query_and_differences_are_counted(
    bench_corpus: tuple[Path, ParsedCorpus], scan_and_mix: tuple[ScanEngine, list[BenchQuery]], tmp_path: Path
) -> None:
    """Whoosh+jieba is not exact; the benchmark must still get an answer to
    every query and count where it differs, never crash."""
    _, corpus = bench_corpus
    scan, mix = scan_and_mix
    whoosh = WhooshJiebaEngine()
    whoosh.build(corpus, tmp_path / "whoosh")
    few = [q for q in mix if q.cls in ("short", "section")][:4]
    for query in few:
        answer = whoosh.answer(query, full=True)
        assert answer.total_reports == len(answer.report_ids)
        differences(answer, scan.answer(query, full=True))
    whoosh.close()


def test_differences_name_each_part() -> None:
    from bench.baselines import Answer

    ref = Answer(["a", "b"], 2, 3, {"year": {2024: 2}})
    assert differences(Answer(["a", "b"], 2, 3, {"year": {2024: 2}}), ref) == []
    assert differences(Answer(["a"], 1, 3, {"year": {2024: 1}}), ref) == ["results", "total.reports", "facet.year"]


def _engine_summary() -> dict[str, object]:
    """One engine's figures as bench.run records them: 10 s build, 2 ms p50."""
    latency = {c: {"p50": 2.0, "p95": 4.0, "p99": 5.0} for c in (*QUERY_CLASSES, "all")}
    return {
        "build_s": 10.0,
        "build_mb_s": 1.0,
        "build_mb_s_with_parse": 0.5,
        "size_mb": 3.0,
        "size_over_text": 2.0,
        "first_run": latency,
        "latency": latency,
        "latency_cached": latency,
        "latency_find": latency,
        "differing_queries": 0,
    }


def test_table_renders_ratios() -> None:
    engine = _engine_summary()
    summary = {"engines": {"ours": engine, "scan": {**engine, "build_s": 5.0}}}
    rows = table_rows(summary)
    assert rows[0][1][0] == 10.0
    table = render_table(summary)
    assert "ours/scan" in table.splitlines()[0]
    assert "2.00" in table.splitlines()[2]  # build s: 10 / 5


def test_table_names_the_best_exact_peer() -> None:
    engine = _engine_summary()
    summary = {
        "engines": {
            "ours": engine,
            "whoosh_jieba": {**engine, "build_s": 1.0, "build_mb_s": 9.0, "differing_queries": 3},
            "tantivy": {**engine, "build_s": 4.0, "build_mb_s": 3.0},
            "groonga": {**engine, "build_s": 8.0, "build_mb_s": 4.0},
            "scan": {**engine, "build_s": 5.0},
        }
    }
    lines = render_table(summary).splitlines()
    assert lines[0].split()[-4:] == ["peer", "ours/best", "ours/fts5", "ours/scan"]
    build_s, build_mb_s = lines[2].split(), lines[3].split()
    assert "tantivy" in build_s and "2.50" in build_s  # lowest time of the exact peers: 10 / 4
    assert "groonga" in build_mb_s and "0.25" in build_mb_s  # highest MB/s: 1 / 4


def test_request_fields_used_by_the_mix_exist() -> None:
    fields = set(SearchRequest.__dataclass_fields__)
    assert {"q", "year", "year_from", "year_to", "section", *PLACE_FIELDS} <= fields


def test_year_windows_nearest_the_target() -> None:
    counts = Counter({2020: 10, 2021: 30, 2022: 25, 2023: 5})
    # 2021-2022: 55 (0 off), 2021-2023: 60 (5 off), 2020-2022: 65 (10 off)
    assert year_windows(counts, 55) == [(2021, 2022), (2021, 2023), (2020, 2022)]
    assert year_windows(counts, 30, how_many=1) == [(2021, 2021)]


def test_analysis_step_times_terms_and_coverage(bench_corpus: tuple[Path, ParsedCorpus], tmp_path: Path) -> None:
    """The benchmark's issue 14 step on the tiny corpus: sets of about a
    quarter of the reports, terms and coverage timed, rows in the table."""
    source, corpus = bench_corpus
    ours = OursEngine(source, jobs=1)
    ours.build(corpus, tmp_path / "ours")
    analysis = time_analyses(ours.index, repeat=2, clear=ours.clear_cache)
    terms = analysis["terms"]
    assert terms["target"] == round(N * 0.25)
    assert 1 <= len(terms["sets"]) <= 3 and terms["latency_ms"]["n"] == 2 * len(terms["sets"])
    per_year = Counter(rec["year"] for rec in ours.index.records if rec["doc_type"] == "annual_report")
    for found in terms["sets"]:
        a, b = found["years"]
        assert found["set_size"] == sum(n for y, n in per_year.items() if a <= y <= b)
    grid = analysis["coverage"]
    assert grid["units"] >= 1 and grid["latency_ms"]["n"] == 2
    engine = _engine_summary()
    summary = {"engines": {"ours": engine}, "analysis": analysis}
    labels = [label for label, _, _ in table_rows(summary)]
    assert any(label.startswith("terms p50 ms") for label in labels)
    assert any(label.startswith("coverage p95 ms") for label in labels)
    assert "terms p95 ms" in render_table(summary)
    assert analysis_lines(summary)[0].startswith("terms (30 words, JLH)")
    ours.close()


# The streaming reference is checked at the size of a quick benchmark run:
# large enough that every query of the mix finds reports and sections.
STREAM_N = 2000


def test_streaming_reference_answers_as_the_in_memory_scan(tmp_path: Path) -> None:
    """The memory-bounded reference of large runs (one pass, a bit per term)
    chooses the same mix and gives the same answer to every query as the
    scan over texts held in memory: the whole result set in order, the
    first page, both totals and every facet."""
    from bench.corpus import generate_corpus

    source = tmp_path / "corpus"
    generate_corpus(source, STREAM_N, seed=0)
    reports, _ = parse_reports(source, jobs=2)
    corpus = ParsedCorpus.from_reports(reports)
    scan = ScanEngine()
    scan.build(corpus, Path("unused"))
    profile = CorpusProfile(
        texts=scan.report_texts,
        years=[r.year for r in reports],
        places={name: [getattr(r, name) for r in reports] for name in PLACE_FIELDS},
    )
    mix, shares = build_mix(profile)

    scanned = StreamingScan()
    scanned.scan(source, jobs=2)
    # A run answers from the pass an earlier run saved, while the key holds.
    scanned.save(tmp_path / "reference.pkl", "key-1")
    assert StreamingScan.load(tmp_path / "reference.pkl", "key-2") is None
    assert StreamingScan.load(tmp_path / "missing.pkl", "key-1") is None
    streamed = StreamingScan.load(tmp_path / "reference.pkl", "key-1")
    assert streamed is not None and streamed.seconds == scanned.seconds
    assert build_mix(streamed.profile) == (mix, shares)
    assert streamed.ids == [r.report_id for r in reports]
    assert (streamed.units, streamed.text_bytes) == (len(corpus.units), corpus.text_bytes)
    for query in mix:
        expected, got = scan.answer(query, full=True), streamed.answer(query, full=True)
        assert got.report_ids == expected.report_ids, query.name
        assert (got.total_reports, got.total_sections) == (expected.total_reports, expected.total_sections), query.name
        assert got.facets == expected.facets, query.name
        assert streamed.answer(query).report_ids == scan.answer(query).report_ids, query.name
    # Not vacuous: most queries find reports, with several values per facet.
    found = [scan.answer(q, full=True) for q in mix]
    assert sum(1 for a in found if a.total_reports) >= len(mix) - 2
    assert max(len(a.facets["town"]) for a in found) > 100
    assert max(len(a.facets["section"]) for a in found) >= 4


def test_large_run_refuses_when_the_disk_is_too_small(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The plan printed before a run, and its refusal: a hundred million
    reports need more disk than any test machine has."""
    plan = plan_run(100_000_000, 0, tmp_path, stream=True)
    assert not plan.fits and plan.needed_bytes > plan.free_bytes
    assert any("free" in line for line in plan.lines())
    assert main(["--n", "100000000", "--skip-baselines", "--results", str(tmp_path)]) == 2
    assert "not starting" in capsys.readouterr().err
    assert not (tmp_path / "corpus-n100000000-s0").exists()
    with pytest.raises(SystemExit):  # the baselines need every report in memory
        main(["--n", "2000", "--reference", "stream", "--results", str(tmp_path)])


def test_worker_memory_is_read_from_smaps_rollup() -> None:
    memory = WorkerMemory.of(os.getpid())
    assert 0 < memory.private_dirty <= memory.private <= memory.rss
    assert 0 < memory.pss <= memory.rss
    http = {
        "first_answer_s": 1.0,
        "worker_rss_mb": [memory.rss],
        "worker_private_mb": [memory.private],
        "worker_private_dirty_mb": [memory.private_dirty],
        "loads": [],
    }
    labels = [label for label, _, _ in table_rows({"engines": {"ours": _engine_summary()}, "http": http})]
    assert "worker private MB (max, USS)" in labels and "worker private dirty MB (max)" in labels


def test_reference_key_changes_with_the_parser_and_the_corpus(tmp_path: Path) -> None:
    """A saved reference pass is reused only for the same corpus and code."""
    from bench.run import REFERENCE_CODE, reference_key

    corpus = tmp_path / "corpus-n10-s0"
    corpus.mkdir()
    (corpus / ".complete").write_text("generator-1")
    first = reference_key(corpus)
    assert reference_key(corpus) == first
    (corpus / ".complete").write_text("generator-2")
    assert reference_key(corpus) != first
    assert "search_service/ingest" in REFERENCE_CODE and "bench/queries.py" in REFERENCE_CODE


def test_a_run_keeps_each_finished_phase_in_a_partial_summary(tmp_path: Path) -> None:
    """A run of hours stopped in a later phase keeps what it measured."""
    import argparse
    import json

    from bench.run import checkpoint, partial_path

    args = argparse.Namespace(results=tmp_path, n=1000)
    summary: dict = {"n": 1000, "engines": {"ours": {"build_s": 12.5}}}
    checkpoint(args, summary, "build")
    summary["http"] = {"workers": 2}
    checkpoint(args, summary, "http")
    kept = json.loads(partial_path(args).read_text("utf-8"))
    assert kept == {"n": 1000, "engines": {"ours": {"build_s": 12.5}}, "http": {"workers": 2}, "stage": "http"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench-1000.partial.json"]
