"""Settings: every setting, read from the environment once, in one place."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from search_service.errors import BadSetting

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Every setting, with its default; `from_env` reads the environment.

    - `index_dir` (SEARCH_SERVICE_INDEX), `source_dir` (SEARCH_SERVICE_SOURCE):
      where the index lives and where the source files are;
    - `cors_origins` (SEARCH_SERVICE_CORS_ORIGINS, comma-separated);
    - `file_time_budget` (SEARCH_SERVICE_FILE_TIME_BUDGET): seconds one
      source file may take to read and parse; a file over it is reported as
      failed ("took longer than 60 s to read (time budget)") and the build
      goes on. 0 means no limit;
    - `segment_reports` (SEARCH_SERVICE_SEGMENT_REPORTS): a build starts a
      new segment after this many reports (segments/format.py);
    - the request limits (`max_query_length` ... `max_request_bytes`).
    """

    index_dir: Path = PROJECT_ROOT / "index"
    source_dir: Path = PROJECT_ROOT / "data" / "reports"
    max_query_length: int = 200
    max_per_page: int = 100
    max_page: int = 500
    max_terms: int = 16
    max_or_branches: int = 16
    max_request_bytes: int = 64 * 1024
    cors_origins: tuple[str, ...] = ("*",)
    file_time_budget: float = 60.0
    segment_reports: int = 50_000
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls()
        if env.get("SEARCH_SERVICE_INDEX"):
            settings = replace(settings, index_dir=Path(env["SEARCH_SERVICE_INDEX"]))
        if env.get("SEARCH_SERVICE_SOURCE"):
            settings = replace(settings, source_dir=Path(env["SEARCH_SERVICE_SOURCE"]))
        if env.get("SEARCH_SERVICE_CORS_ORIGINS") is not None:
            origins = tuple(o.strip() for o in env["SEARCH_SERVICE_CORS_ORIGINS"].split(",") if o.strip())
            settings = replace(settings, cors_origins=origins)
        if env.get("SEARCH_SERVICE_FILE_TIME_BUDGET"):
            settings = replace(settings, file_time_budget=_seconds(env["SEARCH_SERVICE_FILE_TIME_BUDGET"]))
        if env.get("SEARCH_SERVICE_SEGMENT_REPORTS"):
            settings = replace(settings, segment_reports=_count(env["SEARCH_SERVICE_SEGMENT_REPORTS"]))
        return settings

    def with_overrides(self, **overrides: object) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _seconds(text: str) -> float:
    """A non-negative number of seconds; a bad value is refused by name, so
    that a typo in a cron line does not make every file fail."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise BadSetting(
            f"SEARCH_SERVICE_FILE_TIME_BUDGET must be a number of seconds >= 0 (0: no limit), not {text!r}"
        )
    return value


def _count(text: str) -> int:
    """A positive number of reports, refused by name otherwise."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise BadSetting(f"SEARCH_SERVICE_SEGMENT_REPORTS must be a number of reports >= 1, not {text!r}")
    return value
