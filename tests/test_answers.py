"""bench/answers.py, the saved answers a refactor must keep (issue 23): two
saves of the same code are identical once normalised, and `diff` names what
changed, down to a JSON key, and lets an intended addition through."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.answers import MANIFEST, compare, main, request_key, save


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The samples and 12 generated reports, saved twice."""
    a, b = tmp_path_factory.mktemp("answers-a"), tmp_path_factory.mktemp("answers-b")
    save(a, n=12, seed=0)
    save(b, n=12, seed=0)
    return a, b


def test_two_saves_are_identical(saved: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = saved
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert " 0 missing, 0 extra, 0 changed" in out
    answers = json.loads((a / MANIFEST).read_text(encoding="utf-8"))["answers"]
    assert len(answers) > 250
    # Both collections, every kind of answer.
    for key in (
        "samples/api-search-q=法律顾问&year=2024",
        "samples/api-openapi.json",
        "samples/feeds-search.atom-q=法律顾问",
        "samples/page-q=法律顾问",
        "samples/cli-index stats --json --index <index>",
        "generated-n12-s0/api-stats",
        "generated-n12-s0/api-search.csv-q=法律顾问",
    ):
        assert key in answers, key
    stats = (a / answers["samples/api-stats"]["file"]).read_text(encoding="utf-8")
    assert '"built_at":"<time>"' in stats and '"generation":"gen-<stamp>"' in stats


def test_diff_names_changed_keys_and_allows_additions(
    saved: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    saved_a, _ = saved
    # A as a tree without the search answer's suggestions would have saved
    # it (they came with issue 23), so that B adds them.
    a = tmp_path / "a"
    shutil.copytree(saved_a, a)
    manifest = json.loads((a / MANIFEST).read_text(encoding="utf-8"))
    entry = manifest["answers"]["samples/" + request_key("/api/v1/search", [("q", "法律顾问")])]
    body = json.loads((a / entry["file"]).read_text(encoding="utf-8"))
    body.pop("suggestions", None)
    (a / entry["file"]).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    b = tmp_path / "b"
    shutil.copytree(a, b)
    body = json.loads((b / entry["file"]).read_text(encoding="utf-8"))
    body["suggestions"] = []
    for values in body["facets"].values():
        for value in values:
            value["truncated"] = False
    (b / entry["file"]).write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    page = manifest["answers"]["samples/page-q=法律顾问"]
    (b / page["file"]).write_text((b / page["file"]).read_text(encoding="utf-8").replace("法律顾问", "法律咨询", 1))
    del manifest["answers"]["samples/api-stats"]
    (b / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    assert main(["diff", str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "missing in B: samples/api-stats" in out
    assert "+ $.suggestions" in out and "+ $.facets.year[].truncated" in out
    assert "changed:      samples/page-q=法律顾问" in out and "+" in out
    lines: list[str] = []
    # The additions allowed, only the page and the missing answer remain.
    assert compare(a, b, frozenset({"truncated", "suggestions"}), lines.append) == 2
    assert not any("api-search-q=法律顾问 " in line for line in lines)
