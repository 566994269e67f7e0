"""Settings: every setting, read from the environment once, in one place.

One table, `SETTINGS` (as Datasette's `Setting(name, default, help)`): each
setting's field name, environment variable, default, parser and help.
`Settings` is made from it, `Settings.from_env` reads every variable it
names, and whatever shows a setting to people (the page's hints, the
OpenAPI document, the CLI's help, `docs`) reads its help and default from
it rather than repeating them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, make_dataclass, replace
from pathlib import Path
from typing import Any

from search_service.errors import BadSetting

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One setting: the `Settings` field `name`, read from `env` by `parse`
    (which raises ValueError with what a good value is), `default` when the
    variable is unset or empty, and `help` for people."""

    name: str
    env: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    type: str = "int"  # the field's type, for Settings

    def read(self, text: str) -> Any:
        """The value of `text`, or BadSetting naming the variable."""
        try:
            return self.parse(text)
        except ValueError as exc:
            raise BadSetting(f"{self.env} must be {exc}, not {text!r}") from None


def _path(text: str) -> Path:
    return Path(text)


def _origins(text: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in text.split(",") if origin.strip())


def _seconds(text: str) -> float:
    """A non-negative number of seconds (0: no limit); a bad value is
    refused by name, so that a typo in a cron line does not make every file fail."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise ValueError("a number of seconds >= 0 (0: no limit)")
    return value


def _at_least(minimum: int, what: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise ValueError(f"{what} >= {minimum}")
        return value

    return parse


SETTINGS: tuple[Setting, ...] = (
    Setting("index_dir", "SEARCH_SERVICE_INDEX", PROJECT_ROOT / "index", _path, "where the index lives", "Path"),
    Setting(
        "source_dir",
        "SEARCH_SERVICE_SOURCE",
        PROJECT_ROOT / "data" / "reports",
        _path,
        "the folder of report files a build reads",
        "Path",
    ),
    Setting(
        "max_query_length",
        "SEARCH_SERVICE_MAX_QUERY_LENGTH",
        200,
        _at_least(1, "a number of characters"),
        "the longest q, in characters after trimming",
    ),
    Setting(
        "max_per_page", "SEARCH_SERVICE_MAX_PER_PAGE", 100, _at_least(1, "a number of results"), "the largest per_page"
    ),
    Setting("max_page", "SEARCH_SERVICE_MAX_PAGE", 500, _at_least(1, "a page number"), "the largest page"),
    Setting("max_terms", "SEARCH_SERVICE_MAX_TERMS", 16, _at_least(1, "a number of terms"), "the most terms in q"),
    Setting(
        "max_or_branches",
        "SEARCH_SERVICE_MAX_OR_BRANCHES",
        16,
        _at_least(1, "a number of branches"),
        "the most branches of one OR in q",
    ),
    Setting(
        "max_request_bytes",
        "SEARCH_SERVICE_MAX_REQUEST_BYTES",
        64 * 1024,
        _at_least(1024, "a number of bytes"),
        "the longest query string (a longer one is a 413)",
    ),
    Setting(
        "cors_origins",
        "SEARCH_SERVICE_CORS_ORIGINS",
        ("*",),
        _origins,
        "origins allowed to read the API from a browser, comma-separated (empty: none)",
        "tuple[str, ...]",
    ),
    Setting(
        "file_time_budget",
        "SEARCH_SERVICE_FILE_TIME_BUDGET",
        60.0,
        _seconds,
        "seconds one source file may take to read and parse; a file over it is reported as failed "
        "(took longer than 60 s to read (time budget)) and the build goes on; 0: no limit",
        "float",
    ),
    Setting(
        "segment_reports",
        "SEARCH_SERVICE_SEGMENT_REPORTS",
        50_000,
        _at_least(1, "a number of reports"),
        "a build starts a new segment after this many reports",
    ),
)
SETTINGS_BY_NAME: dict[str, Setting] = {setting.name: setting for setting in SETTINGS}
# Variables whose empty value means something (no CORS origin at all);
# any other empty variable is unset.
_EMPTY_MEANS_SOMETHING = frozenset({"SEARCH_SERVICE_CORS_ORIGINS"})


def settings_table() -> str:
    """SETTINGS as the Markdown table README's "Settings" shows."""
    rows = ["| variable | default | what it sets |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = setting.default
        if isinstance(default, Path):
            default = default.relative_to(PROJECT_ROOT).as_posix() + "/"
        elif isinstance(default, tuple):
            default = ",".join(default)
        rows.append(f"| `{setting.env}` | `{default}` | {setting.help} |")
    return "\n".join(rows)


class _SettingsMethods:
    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Every setting from the environment (the default where a variable
        is unset); BadSetting names the first variable that cannot be used."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            text = env.get(setting.env)
            if text is None or (not text and setting.env not in _EMPTY_MEANS_SOMETHING):
                continue
            values[setting.name] = setting.read(text)
        return cls(**values)  # type: ignore[return-value]

    def with_overrides(self, **overrides: object) -> Settings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})  # type: ignore[type-var]


# Settings: a frozen dataclass whose fields are SETTINGS' (in their order),
# each with its default, and `extra` for an application's own values.
Settings = make_dataclass(
    "Settings",
    [
        *((setting.name, setting.type, field(default=setting.default)) for setting in SETTINGS),
        ("extra", "dict[str, object]", field(default_factory=dict)),
    ],
    bases=(_SettingsMethods,),
    frozen=True,
    namespace={
        "__doc__": "Every setting, with its default (see SETTINGS); `from_env` reads the environment.",
        "__module__": __name__,
    },
)

# The settings' defaults (what the schemas and the OpenAPI document state
# when no deployment narrows them): Settings() itself.
DEFAULT_LIMITS = Settings()
