"""The coverage, follow-through and terms commands: --json prints the API's
body; text otherwise; a bad option exits 2 naming it."""

from __future__ import annotations

import json

import pytest

from search_service.cli import main
from tests.analysis import test_coverage as cov
from tests.analysis.reports import build, client_of


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return build(tmp_path_factory.mktemp("cli-analysis"), cov.coverage_files())


def _api(index_dir, url):
    return client_of(index_dir).get(url)


@pytest.mark.parametrize(
    ("args", "url"),
    [
        (["coverage", "--level", "township", "--order", "reports"], "/api/v1/coverage?level=township&order=reports"),
        (["terms", "--query", "执法", "--size", "5"], "/api/v1/terms?q=执法&size=5"),
        (["terms", "--by", "year", "--from", "2022", "--to", "2024"], "/api/v1/terms?by=year&from=2022&to=2024"),
        (["follow-through", "石角镇", "2022"], "/api/v1/follow-through?unit=石角镇&year=2022"),
    ],
)
def test_json_is_the_api_body(runner, index_dir, args, url):
    result = runner.invoke(main, [*args, "--index", str(index_dir), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == _api(index_dir, url).get_json()


def test_coverage_text_marks_each_cell(runner, index_dir):
    result = runner.invoke(main, ["coverage", "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    line = next(row for row in result.output.splitlines() if row.startswith("石角镇"))
    assert line.split()[1:] == ["?+l", "ok", "-"]


def test_follow_through_text_and_errors(runner, index_dir):
    result = runner.invoke(main, ["follow-through", "石角镇", "2022", "--index", str(index_dir)])
    assert result.exit_code == 0 and "shared" in result.output and "missing" in result.output
    missing = runner.invoke(main, ["follow-through", "吉水镇", "2022", "--index", str(index_dir)])
    assert missing.exit_code == 1 and "2023" in missing.output
    bad = runner.invoke(main, ["follow-through", "吉水镇", "20x", "--index", str(index_dir)])
    assert bad.exit_code == 2 and "year" in bad.output


def test_a_bad_option_exits_2_naming_it(runner, index_dir):
    result = runner.invoke(main, ["terms", "--by", "year", "--from", "2022", "--index", str(index_dir)])
    assert result.exit_code == 2 and "to:" in result.output
