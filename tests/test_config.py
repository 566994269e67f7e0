"""Settings as one table (config.SETTINGS): every setting read from its
environment variable, a bad value refused naming the variable, the
defaults where a variable is unset, and the limits applied by the app."""

from __future__ import annotations

from dataclasses import fields

import pytest

from search_service import create_app
from search_service.config import SETTINGS, Settings
from search_service.errors import BadSetting

GOOD = {
    "SEARCH_SERVICE_INDEX": ("/srv/ix", "index_dir"),
    "SEARCH_SERVICE_SOURCE": ("/srv/reports", "source_dir"),
    "SEARCH_SERVICE_MAX_QUERY_LENGTH": ("50", "max_query_length"),
    "SEARCH_SERVICE_MAX_PER_PAGE": ("10", "max_per_page"),
    "SEARCH_SERVICE_MAX_PAGE": ("7", "max_page"),
    "SEARCH_SERVICE_MAX_TERMS": ("3", "max_terms"),
    "SEARCH_SERVICE_MAX_OR_BRANCHES": ("2", "max_or_branches"),
    "SEARCH_SERVICE_MAX_REQUEST_BYTES": ("2048", "max_request_bytes"),
    "SEARCH_SERVICE_CORS_ORIGINS": ("https://a.example, https://b.example", "cors_origins"),
    "SEARCH_SERVICE_FILE_TIME_BUDGET": ("2.5", "file_time_budget"),
    "SEARCH_SERVICE_SEGMENT_REPORTS": ("1000", "segment_reports"),
}


def test_the_table_names_every_field_and_variable_once():
    names = [setting.name for setting in SETTINGS]
    assert names == [f.name for f in fields(Settings) if f.name != "extra"]
    assert sorted(setting.env for setting in SETTINGS) == sorted(GOOD)
    assert all(setting.help for setting in SETTINGS)


def test_defaults_where_nothing_is_set():
    settings = Settings.from_env({})
    for setting in SETTINGS:
        assert getattr(settings, setting.name) == setting.default


@pytest.mark.parametrize("env", sorted(GOOD))
def test_each_setting_is_read_from_its_variable(env):
    text, name = GOOD[env]
    value = getattr(Settings.from_env({env: text}), name)
    expected = next(s for s in SETTINGS if s.name == name).parse(text)
    assert value == expected
    assert value != next(s.default for s in SETTINGS if s.name == name)


@pytest.mark.parametrize(
    "env",
    [
        s.env
        for s in SETTINGS
        if s.env not in ("SEARCH_SERVICE_INDEX", "SEARCH_SERVICE_SOURCE", "SEARCH_SERVICE_CORS_ORIGINS")
    ],
)
@pytest.mark.parametrize("bad", ["x", "-1", "0"])
def test_a_bad_value_is_refused_naming_its_variable(env, bad):
    if env == "SEARCH_SERVICE_FILE_TIME_BUDGET" and bad == "0":
        assert Settings.from_env({env: bad}).file_time_budget == 0  # 0: no limit
        return
    with pytest.raises(BadSetting, match=env):
        Settings.from_env({env: bad})


def test_empty_cors_variable_allows_no_origin_and_other_empty_ones_are_unset():
    settings = Settings.from_env({"SEARCH_SERVICE_CORS_ORIGINS": "", "SEARCH_SERVICE_MAX_TERMS": ""})
    assert settings.cors_origins == ()
    assert settings.max_terms == 16


def test_limits_from_the_environment_reach_the_api(sample_index):
    settings = Settings.from_env({"SEARCH_SERVICE_MAX_TERMS": "2", "SEARCH_SERVICE_MAX_PER_PAGE": "5"})
    client = create_app(settings.with_overrides(index_dir=sample_index)).test_client()
    too_many = client.get("/api/v1/search?q=甲 乙 丙").get_json()
    assert "q" in too_many["error"]["fields"]
    too_large = client.get("/api/v1/search?q=法治&per_page=6").get_json()
    assert "per_page" in too_large["error"]["fields"]
    assert client.get("/api/v1/search?q=甲 乙&per_page=5").status_code == 200


def test_the_readme_shows_the_table():
    from search_service.config import PROJECT_ROOT, settings_table

    assert settings_table() in (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def test_the_pages_hints_state_the_limits_the_app_runs_with(sample_index):
    settings = Settings.from_env({"SEARCH_SERVICE_MAX_PER_PAGE": "5", "SEARCH_SERVICE_MAX_QUERY_LENGTH": "30"})
    client = create_app(settings.with_overrides(index_dir=sample_index)).test_client()
    page = client.get("/?q=法治&per_page=6", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "每页条数须为 1–5 的整数" in page
    page = client.get("/?q=" + "法" * 31, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "长度 1–30 字" in page
    default = create_app(Settings(index_dir=sample_index)).test_client()
    html = {"Accept": "text/html"}
    assert "每页条数须为 1–100 的整数" in default.get("/?q=法治&per_page=101", headers=html).get_data(as_text=True)


def test_the_openapi_document_states_the_default_limits(client):
    from search_service.config import DEFAULT_LIMITS

    document = client.get("/api/v1/openapi.json").get_json()
    search = next(op for op in document["paths"]["/api/v1/search"].values())
    per_page = next(p for p in search["parameters"] if p["name"] == "per_page")
    assert per_page["schema"]["maximum"] == DEFAULT_LIMITS.max_per_page
