"""The search-service command line: outputs and exit codes of CONTRACT.md."""

import json
import os
import subprocess
import sys
from pathlib import Path

from search_service.cli import main
from search_service.config import PROJECT_ROOT

SAMPLES = PROJECT_ROOT / "data" / "reports"


def test_parse_json_gives_fields_and_sections(runner):
    result = runner.invoke(main, ["parse", str(SAMPLES / "000_0f29331b601e0308.txt"), "--json"])
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.stdout)
    assert entry["town"] == "吉水镇" and entry["year"] == 2024 and entry["is_report"] is True
    assert [s["kind"] for s in entry["sections"]][1:] == ["measures", "problems", "plans"]
    assert all(s["length"] > 0 for s in entry["sections"][1:])


def test_parse_reports_a_missing_file_and_exits_1(runner, tmp_path):
    result = runner.invoke(main, ["parse", str(tmp_path / "nope.txt"), "--json"])
    assert result.exit_code == 1
    [entry] = json.loads(result.stdout)
    assert "error" in entry and entry["source"].endswith("nope.txt")


def test_search_json_equals_the_api(runner, sample_index, client):
    result = runner.invoke(main, ["search", "法律顾问", "--year", "2024", "--index", str(sample_index), "--json"])
    assert result.exit_code == 0, result.output
    api = client.get("/api/v1/search", query_string={"q": "法律顾问", "year": 2024}).get_json()
    assert json.loads(result.stdout) == api


def test_search_with_bad_usage_exits_2(runner, sample_index):
    result = runner.invoke(main, ["search", "法治", "--section", "nonsense", "--index", str(sample_index)])
    assert result.exit_code == 2
    assert "section" in result.output


def test_search_without_index_exits_1(runner, tmp_path):
    result = runner.invoke(main, ["search", "法治", "--index", str(tmp_path / "none")])
    assert result.exit_code == 1


def test_index_build_and_stats(runner, tmp_path):
    index_dir = tmp_path / "ix"
    result = runner.invoke(main, ["index", "build", "--source", str(SAMPLES), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""  # quiet on success, for cron
    stats = runner.invoke(main, ["index", "stats", "--index", str(index_dir), "--json"])
    data = json.loads(stats.stdout)
    assert data["reports"] == 5 and data["files"]["seen"] == 5 and data["files"]["failed"] == 0


def test_index_build_reads_environment_defaults(tmp_path):
    env = {**os.environ, "SEARCH_SERVICE_SOURCE": str(SAMPLES), "SEARCH_SERVICE_INDEX": str(tmp_path / "envix")}
    done = subprocess.run(
        [sys.executable, "-m", "search_service", "index", "build"],
        env=env,
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (Path(env["SEARCH_SERVICE_INDEX"]) / "CURRENT").is_file()


def test_build_of_missing_source_fails_with_1(runner, tmp_path):
    result = runner.invoke(
        main, ["index", "build", "--source", str(tmp_path / "nothing"), "--index", str(tmp_path / "ix")]
    )
    assert result.exit_code == 1


def test_build_tells_skipped_files_by_default_with_timestamps(tmp_path):
    """Nothing disappears silently: a copy of a report is named as skipped,
    with a timestamp, even without -v; a news item is indexed (as another
    document), not skipped; a clean build prints nothing."""
    import re
    import shutil

    source = tmp_path / "src"
    shutil.copytree(SAMPLES, source)
    first = sorted(source.iterdir())[0]
    shutil.copy(first, source / "zz_copy.txt")
    (source / "news.txt").write_text(
        "吉水镇召开2024年法治建设工作会议\n\n3月5日上午，吉水镇召开法治建设工作会议，镇党委书记出席会议并讲话。\n",
        "utf-8",
    )
    run = [sys.executable, "-m", "search_service", "index", "build", "--index", str(tmp_path / "ix")]
    done = subprocess.run([*run, "--source", str(source)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and done.stdout == ""
    assert re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* WARNING .*skipped: zz_copy\.txt: ", done.stderr, re.M)
    assert "news.txt" not in done.stderr
    clean = subprocess.run([*run, "--source", str(SAMPLES)], capture_output=True, text=True, timeout=300)
    assert clean.returncode == 0 and clean.stdout == "" and clean.stderr == ""
