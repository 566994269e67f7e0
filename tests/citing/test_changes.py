from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from search_service.citing.changes import Changes, changes_since
from search_service.segments.changelog import (
    LOG_NAME,
    append_build,
    diff_commits,
    iso_time,
    parse_time,
    read_log,
)

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


def test_diff_lists_added_changed_removed():
    previous = {"a.html": "A", "b.html": "B", "c.html": "C"}
    current = {"a.html": "A", "b.html": "B2", "d.html": "D"}
    diff = diff_commits(previous, current, {"A": iso_time(at(0)), "B": iso_time(at(0))}, at(5))
    assert diff.added == {"D": ["d.html"]}
    assert diff.changed == {"B2": ["b.html"]}
    assert diff.removed == {"B": ["b.html"], "C": ["c.html"]}
    assert diff.new_sources == ["d.html"] and diff.gone_sources == ["c.html"]
    assert diff.first_seen == {"A": iso_time(at(0)), "B2": iso_time(at(5)), "D": iso_time(at(5))}


def test_moved_or_duplicated_file_changes_nothing():
    diff = diff_commits({"a.html": "A"}, {"new/a.html": "A", "copy.html": "A"}, {"A": iso_time(at(0))}, at(1))
    assert diff.empty
    assert diff.first_seen == {"A": iso_time(at(0))}


def test_kept_report_without_a_time_gets_the_build_time():
    diff = diff_commits({"a.html": "A"}, {"a.html": "A"}, {}, at(3))
    assert diff.first_seen == {"A": iso_time(at(3))}


def test_first_build_adds_everything():
    diff = diff_commits({}, {"a.html": "A", "b.html": "B"}, {}, at(0))
    assert sorted(diff.added) == ["A", "B"] and not diff.changed and not diff.removed


def build(log: Path, previous, current, hours, first_seen=None):
    diff = diff_commits(previous, current, first_seen or {}, at(hours))
    append_build(log, diff)
    return diff


def test_changes_since_lists_exactly_one_update(tmp_path: Path):
    log = tmp_path / LOG_NAME
    g1 = {"a": "A", "b": "B", "c": "C"}
    g2 = {"a": "A", "b": "B2", "d": "D"}
    build(log, {}, g1, 0)
    build(log, g1, g2, 1)
    assert changes_since(log, at(0)) == Changes(added=["D"], changed=["B2"], removed=["B", "C"], until=at(1))
    everything = changes_since(log, at(-1))
    assert everything.added == ["A", "B2", "D"] and everything.changed == [] and everything.removed == []
    assert changes_since(log, at(1)) == Changes(until=at(1))


def test_added_then_removed_is_neither(tmp_path: Path):
    log = tmp_path / LOG_NAME
    build(log, {"a": "A"}, {"a": "A", "n": "N"}, 1)
    build(log, {"a": "A", "n": "N"}, {"a": "A"}, 2)
    result = changes_since(log, at(0))
    assert (result.added, result.changed, result.removed) == ([], [], [])


def test_changed_twice_is_changed_and_the_first_version_removed(tmp_path: Path):
    log = tmp_path / LOG_NAME
    build(log, {"a": "A"}, {"a": "A2"}, 1)
    build(log, {"a": "A2"}, {"a": "A3"}, 2)
    result = changes_since(log, at(0))
    assert (result.added, result.changed, result.removed) == ([], ["A3"], ["A"])


def test_added_then_changed_is_added(tmp_path: Path):
    log = tmp_path / LOG_NAME
    build(log, {}, {"n": "N"}, 1)
    build(log, {"n": "N"}, {"n": "N2"}, 2)
    result = changes_since(log, at(0))
    assert (result.added, result.changed, result.removed) == (["N2"], [], [])


def test_removed_then_added_back_is_changed(tmp_path: Path):
    log = tmp_path / LOG_NAME
    build(log, {"a": "A", "b": "B"}, {"b": "B"}, 1)
    build(log, {"b": "B"}, {"b": "B", "a2": "A"}, 2)
    result = changes_since(log, at(0))
    assert (result.added, result.changed, result.removed) == ([], ["A"], [])


def test_a_torn_last_line_is_skipped_and_the_next_build_starts_afresh(tmp_path: Path):
    log = tmp_path / LOG_NAME
    build(log, {}, {"a": "A"}, 0)
    with log.open("ab") as f:
        f.write(b'{"v": 1, "time": "2026-01-01T01:00:00+00:00", "added": {"X": ["x"')
    assert len(read_log(log)) == 1
    assert changes_since(log, at(-1)).added == ["A"]
    build(log, {"a": "A"}, {"a": "A", "b": "B"}, 2)
    assert len(read_log(log)) == 2
    assert changes_since(log, at(0)).added == ["B"]


def test_missing_log_is_empty(tmp_path: Path):
    assert changes_since(tmp_path / LOG_NAME, at(0)) == Changes()


def test_a_log_begun_on_an_older_index_is_incomplete_before_its_start(tmp_path: Path):
    log = tmp_path / LOG_NAME
    build(log, {"a": "A"}, {"a": "A", "b": "B"}, 5)
    assert not changes_since(log, at(0)).complete
    assert changes_since(log, at(5)).complete


def test_times_without_offset_are_utc():
    assert parse_time("2026-01-01T00:00:00") == T0
    assert parse_time("2026-01-01T08:00:00+08:00") == T0
    assert parse_time("2026-01-01T00:00:00Z") == T0
    assert iso_time(T0) == "2026-01-01T00:00:00.000000+00:00"


# A sequence of generations over a few files and a few contents.
generations = st.lists(
    st.dictionaries(st.sampled_from("abcd"), st.sampled_from(["R1", "R2", "R3", "R4", "R5"]), max_size=4),
    min_size=1,
    max_size=6,
)


def expected(gens: list[dict[str, str]], k: int) -> tuple[list[str], list[str], list[str]]:
    """The documented meaning, computed from the generations themselves:
    gens[k] is the index at `since`, gens[-1] now."""
    then, now = gens[k], gens[-1]
    ids_then, ids_now = set(then.values()), set(now.values())
    removed = ids_then - ids_now
    added, changed = set(), set()
    for report_id in ids_now:
        present = [report_id in set(g.values()) for g in gens[k:]]
        if report_id in ids_then:
            if not all(present):
                changed.add(report_id)
            continue
        # the generation it last entered, and its files then
        entered = max(i for i in range(1, len(present)) if present[i] and not present[i - 1])
        sources = [s for s, r in gens[k + entered].items() if r == report_id]
        (changed if any(s in then for s in sources) else added).add(report_id)
    return sorted(added), sorted(changed), sorted(removed)


@settings(max_examples=300, deadline=None)
@given(generations, st.data())
def test_folding_builds_matches_comparing_generations(tmp_path_factory, gens, data):
    log = tmp_path_factory.mktemp("log") / LOG_NAME
    first_seen: dict[str, str] = {}
    previous: dict[str, str] = {}
    for hours, current in enumerate(gens):
        diff = build(log, previous, current, hours, first_seen)
        assert set(diff.first_seen) == set(current.values())
        for report_id, seen in diff.first_seen.items():
            kept = report_id in set(previous.values())
            assert seen == (first_seen[report_id] if kept else iso_time(at(hours)))
        first_seen = diff.first_seen
        previous = current
    k = data.draw(st.integers(min_value=0, max_value=len(gens) - 1))
    result = changes_since(log, at(k))
    assert (result.added, result.changed, result.removed) == expected(gens, k)
    assert result.until == at(len(gens) - 1)
