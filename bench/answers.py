"""Saved answers of the whole service, to show that a refactor changes no
behaviour (issue 23): the API (JSON, CSV, JSONL, OpenAPI), the pages, the
feed and the CLI, on the five bundled samples and on a generated collection.

    python -m bench.answers save OUT [--n 2000] [--seed 0]
    python -m bench.answers diff A B [--allow-added-keys truncated,suggestions]

`save` builds two indexes in a temporary folder with the importable
search_service (the samples of data/reports, copied; and bench.corpus's N
generated reports) and asks each a fixed, broad list of requests through
Flask's test client and click's CliRunner. Each answer's body goes to its
own file, `OUT/<collection>/<request>.<ext>`; `OUT/manifest.json` records,
per answer, the request, the status (the exit code for the CLI), the
content type and the headers that carry behaviour, the CLI's stderr and the
body's file and SHA-256.

Only what legitimately differs between two builds of the same files, or
between two checkouts, is normalised, each by one regex of NORMALISATIONS
(listed in the manifest too): the temporary folder and the project folder
(literal paths), commit point and segment names (their creation stamps), ISO
8601 times (built_at, first_seen times in the feed, `until` of the
changes), and the ETag and Last-Modified headers (both derived from the
generation and its build time). Nothing else is touched: a difference in
anything else is a difference in behaviour.

`diff` compares two saved folders: the answers missing from B, extra in B,
and changed; for a changed JSON (or JSONL) answer it names the keys that
were added, removed or whose values differ, so that an intended addition
(a `truncated` flag per facet, `suggestions`) is recognised;
`--allow-added-keys` ignores JSON keys present only in B. Exit 1 when any
answer differs, else 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

log = logging.getLogger("bench.answers")

# The checkout whose search_service is imported (PYTHONPATH), not the editable install's.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

MANIFEST = "manifest.json"
# Headers that carry behaviour (Date and Content-Length do not: the body is compared).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Cache-Control",
    "Vary",
    "ETag",
    "Last-Modified",
    "Location",
    "Allow",
    "Access-Control-Allow-Origin",
)
# Values that two builds of the same files give differently by design.
VARYING_HEADERS = {"ETag": "<etag>", "Last-Modified": "<http-date>"}
# Fixed, so that a citation does not depend on today's date.
CONSULTED = "2025-06-01"
NAME_BYTES = 160  # longer file names are cut and end in a hash

# (name, regex, replacement), applied in this order to every body, header
# and stderr (as text). The two paths are literal and added per run.
NORMALISATIONS: tuple[tuple[str, str, str], ...] = (
    # store.py / segments/format.py new_name(): <prefix>%Y%m%dT%H%M%S%f-<pid>
    ("commit point and segment stamps", r"\d{8}T\d{12}-\d+", "<stamp>"),
    # built_at, first_seen (feed <updated>), the changes' `until`: ISO 8601 with a time,
    # and only a time within this run (from a minute before `save` started to a minute
    # after the answer), so that fixed times (an error message's example) and report data
    # (`published` is a date alone) stay.
    ("ISO 8601 times of this run", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?", "<time>"),
)
_STAMP = re.compile(NORMALISATIONS[0][1])
_TIME = re.compile(NORMALISATIONS[1][1])
SLACK_SECONDS = 60.0


# ------------------------------------------------------------------ saving


@dataclass
class Collection:
    """One index and its sources, and what `save` records of it."""

    name: str
    source_dir: Path
    index_dir: Path
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)


class Saver:
    """Asks one collection everything and writes the answers."""

    def __init__(self, out: Path, collection: Collection, paths: dict[str, str], started: float) -> None:
        from click.testing import CliRunner

        from search_service import create_app

        self.out = out
        self.c = collection
        self.paths = paths  # literal path -> placeholder
        self.started = started  # time.time() when `save` started
        # The app as `gunicorn wsgi:app` makes it: settings from the environment.
        with service_environment(collection):
            app = create_app()
        self.client = app.test_client()
        self.runner = CliRunner()

    # -- normalisation

    def normalise(self, text: str) -> str:
        text = self.normalise_paths(text)
        text = _STAMP.sub(NORMALISATIONS[0][2], text)
        return _TIME.sub(self._time_of_run, text)

    def normalise_paths(self, text: str) -> str:
        for literal, placeholder in self.paths.items():
            text = text.replace(literal, placeholder)
        return text

    def _time_of_run(self, match: re.Match[str]) -> str:
        try:
            when = dt.datetime.fromisoformat(match.group(0))
        except ValueError:
            return match.group(0)
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        moment = when.timestamp()
        if self.started - SLACK_SECONDS <= moment <= time.time() + SLACK_SECONDS:
            return NORMALISATIONS[1][2]
        return match.group(0)

    def normalise_bytes(self, body: bytes) -> bytes:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
        return self.normalise(text).encode("utf-8")

    # -- recording

    def _record(self, key: str, request: str, status: int, content_type: str, headers: dict, body: bytes, **extra):
        if key in self.c.answers:
            raise ValueError(f"two requests are named {key!r}")
        rel = f"{self.c.name}/{file_name(key)}.{extension(content_type)}"
        body = self.normalise_bytes(body)
        (self.out / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.out / rel).write_bytes(body)
        self.c.answers[f"{self.c.name}/{key}"] = {
            "request": self.normalise_paths(request),
            "status": status,
            "content_type": content_type,
            "headers": headers,
            **extra,
            "file": rel,
            "sha256": hashlib.sha256(body).hexdigest(),
        }

    def get(self, path: str, params: list[tuple[str, Any]] | None = None, method: str = "GET") -> Any:
        """Ask the app; record and return the response."""
        params = [(k, str(v)) for k, v in (params or [])]
        url = path + ("?" + urlencode(params) if params else "")
        response = self.client.open(url, method=method)
        body = response.get_data()
        headers = {}
        for name in KEPT_HEADERS:
            value = response.headers.get(name)
            if value is not None:
                if name == "Allow":  # Werkzeug joins a set: its order follows the string hash seed
                    value = ", ".join(sorted(m.strip() for m in value.split(",")))
                headers[name] = VARYING_HEADERS.get(name) or self.normalise(value)
        key = request_key(path, params, method)
        self._record(
            key, f"{method} {url}", response.status_code, response.headers.get("Content-Type", ""), headers, body
        )
        return response

    def json(self, path: str, params: list[tuple[str, Any]] | None = None) -> Any:
        response = self.get(path, params)
        return response.get_json() if response.status_code == 200 else None

    def cli(self, args: list[str]) -> None:
        from search_service.cli import main

        with service_environment(self.c):
            result = self.runner.invoke(main, args, catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise RuntimeError(f"CLI {args} raised {result.exception!r}") from result.exception
        as_json = "--json" in args
        # Named by the arguments, the index folder as <index> and source files by their names.
        shown = [
            "<index>" if a == str(self.c.index_dir) else a.removeprefix(str(self.c.source_dir) + "/") for a in args
        ]
        key = "cli-" + " ".join(shown)
        self._record(
            key,
            "search-service " + " ".join(self.normalise_paths(a) for a in args),
            result.exit_code,
            "application/json" if as_json else "text/plain",
            {},
            result.stdout_bytes,
            stderr=self.normalise(result.stderr_bytes.decode("utf-8", "replace")),
        )

    # -- the requests

    def run(self) -> None:
        listing = self.json("/api/v1/reports", [("doc_type", "all"), ("per_page", 100), ("facet_size", 0)])
        facets = listing["facets"]
        top = {name: str(facets[name][0]["value"]) for name in ("province", "city", "county", "town", "unit")}
        ids = [r["report_id"] for r in listing["results"]]
        picked_ids = sorted({ids[0], ids[len(ids) // 2], ids[-1]}, key=ids.index)
        stats = self.json("/api/v1/stats")
        years = sorted(int(y) for y in stats["per_year"])
        self.search_api(top, years)
        self.exports(top)
        self.trend(top)
        self.reports(top, picked_ids)
        self.single_endpoints()
        unit = self.analysis(top, years)
        self.citing(picked_ids[0], top)
        self.pages(top, picked_ids, unit)
        self.errors(picked_ids[0])
        self.cli_answers(top, unit, years)

    def search_api(self, top: dict[str, str], years: list[int]) -> None:
        s = "/api/v1/search"
        year = years[-1]
        for params in [
            [("q", "法律顾问")],
            [("q", "法律顾问"), ("year", 2024)],
            [("q", "执法力量不足"), ("section", "problems")],
            [("q", "枫桥经验 OR 三调联动 -信访"), ("year_from", 2020), ("year_to", 2024), ("sort", "-year")],
            [("q", "依法行政 法治宣传")],
            [("q", "依法行政 -法律顾问")],
            [("q", '"综合行政执法"')],
            [("q", '"双随机、一公开" 监管')],
            [("q", "八五普法")],
            [("q", "法")],
            [("q", "法 治 政 府")],
            [("q", "人民调解 OR 矛盾纠纷 OR 诉源治理")],
            [("q", "PPP项目 OR ppp")],
            [("q", "１２３４５政务服务便民热线")],
            [("q", "不存在的词语甲乙丙")],
            [("q", "重大行政决策 合法性审查"), ("section", "measures"), ("year", year)],
            [("q", "法治"), ("doc_type", "all"), ("facet_size", 5)],
            [("q", "法治"), ("doc_type", "other")],
            [("q", "法治"), ("facet_size", 0)],
            [("q", "法治"), ("facet_size", 30), ("sort", "year")],
            [("q", "法治"), ("sort", "relevance"), ("page", 2), ("per_page", 5)],
            [("q", "法治"), ("per_page", 100)],
            [("q", "法治"), ("page", 500)],
            [("q", "法律顾问"), ("level", "township")],
            [("q", "法律顾问"), ("level", "department")],
            [("q", "法律顾问"), ("level", "county"), ("level", "city")],
            [("q", "法治"), ("province", top["province"])],
            [("q", "法治"), ("city", top["city"]), ("facet_size", 5)],
            [("q", "法治"), ("county", top["county"])],
            [("q", "法治"), ("town", top["town"])],
            [("q", "法治"), ("unit", top["unit"])],
            [("q", "法治"), ("format", "txt")],
            [("q", "法治"), ("format", "pdf"), ("format", "docx")],
            [("q", "法治"), ("year", years[0]), ("year", year), ("sort", "-year")],
            [("q", "法治"), ("year_from", 2021)],
            [("q", "法治"), ("section", "preamble")],
            [("q", "法治"), ("section", "leadership")],
            [("q", "法治"), ("section", "plans")],
            [("q", "法治"), ("section", "other")],
            [("q", "法律顾问 法治宣传"), ("province", top["province"]), ("year", year), ("section", "measures")],
        ]:
            self.get(s, params)

    def exports(self, top: dict[str, str]) -> None:
        for suffix in (".csv", ".jsonl"):
            for params in [
                [("q", "法律顾问")],
                [("q", "枫桥经验 OR 三调联动 -信访"), ("year_from", 2020)],
                [("q", "法治"), ("doc_type", "all"), ("province", top["province"])],
                [("q", "法治"), ("section", "problems"), ("sort", "year")],
                [("q", "不存在的词语甲乙丙")],
            ]:
                self.get("/api/v1/search" + suffix, params)

    def trend(self, top: dict[str, str]) -> None:
        for by in ("year", "level", "province", "city", "county"):
            self.get("/api/v1/trend", [("q", "法律顾问"), ("by", by)])
        self.get("/api/v1/trend", [("q", "枫桥经验"), ("province", top["province"])])
        self.get("/api/v1/trend", [("q", "法治"), ("doc_type", "all"), ("by", "level")])

    def reports(self, top: dict[str, str], ids: list[str]) -> None:
        for params in [
            [],
            [("year", 2024)],
            [("province", top["province"]), ("year", 2024)],
            [("level", "township"), ("sort", "year")],
            [("per_page", 100), ("page", 2)],
            [("doc_type", "other")],
            [("facet_size", 5), ("city", top["city"])],
            [("section", "problems"), ("format", "txt")],
        ]:
            self.get("/api/v1/reports", params)
        for report_id in ids:
            self.get(f"/api/v1/reports/{report_id}")

    def single_endpoints(self) -> None:
        self.get("/api/v1/openapi.json")
        self.get("/healthz")

    def analysis(self, top: dict[str, str], years: list[int]) -> tuple[str, int, str | None] | None:
        """Coverage, follow-through, terms and curation; the unit and year
        whose plans and next year's measures both exist (from the coverage)."""
        coverage = None
        for params in [[], [("order", "unit")], [("province", top["province"])], [("q", "法律顾问")]]:
            body = self.json("/api/v1/coverage", params)
            coverage = coverage or body
            self.get("/api/v1/coverage.csv", params)
        self.get("/api/v1/coverage", [("order", "reports"), ("year_from", 2020)])
        self.get("/api/v1/coverage", [("order", "-reports"), ("level", "township")])
        unit = follow_through_unit(coverage)
        if unit is not None:
            name, year, county = unit
            params = [("unit", name), ("year", year)] + ([("county", county)] if county else [])
            self.get("/api/v1/follow-through", params)
            self.get("/api/v1/follow-through.csv", params)
            self.get("/api/v1/follow-through", [("unit", name), ("year", year + 3)])
        for params in [
            [],
            [("q", "法律顾问")],
            [("size", 10), ("province", top["province"])],
            [("by", "year"), ("from", years[0]), ("to", years[-1])],
        ]:
            self.get("/api/v1/terms", params)
            self.get("/api/v1/terms.csv", params)
        for params in [
            [],
            [("field", "province")],
            [("field", "doc_type")],
            [("doc_type", "other")],
            [("doc_type", "annual_report"), ("per_page", 5), ("page", 2)],
        ]:
            self.get("/api/v1/curation", params)
        return unit

    def citing(self, report_id: str, top: dict[str, str]) -> None:
        cite = f"/api/v1/reports/{report_id}/citation"
        for fmt in ("text", "bibtex", "ris"):
            self.get(cite, [("format", fmt), ("consulted", CONSULTED)])
            self.get(cite, [("format", fmt), ("paragraph", "p1"), ("consulted", CONSULTED)])
        self.get(cite, [("paragraph", "3"), ("consulted", CONSULTED)])
        self.get("/api/v1/changes", [("since", "2000-01-01T00:00:00Z")])
        self.get("/api/v1/changes", [("since", "2100-01-01T00:00:00+08:00")])
        for params in [
            [],
            [("q", "法律顾问")],
            [("q", "法治"), ("province", top["province"])],
            [("level", "township")],
        ]:
            self.get("/feeds/search.atom", params)

    def pages(self, top: dict[str, str], ids: list[str], unit: tuple[str, int, str | None] | None) -> None:
        for params in [
            [],
            [("q", "法律顾问")],
            [("q", "法律顾问"), ("year", 2024)],
            [("q", "法律顾问"), ("year", 2024), ("utm_source", "mail"), ("js", "0")],
            [("q", "法治"), ("doc_type", "all"), ("facet_size", 5)],
            [("q", "法治"), ("page", 2), ("per_page", 5), ("sort", "year")],
            [("q", "枫桥经验 OR 三调联动 -信访"), ("province", top["province"]), ("year_from", 2020)],
            [("q", "法律顾向")],
            [("q", "法治"), ("section", "problems"), ("town", top["town"])],
            [("q", "不存在的词语甲乙丙")],
            [("q", "法治"), ("per_page", 1000)],
            [("q", "法 治 政 府 建")],
            [("year", 2024)],
        ]:
            self.get("/", params)
        for report_id in ids:
            self.get(f"/reports/{report_id}")
        self.get(f"/reports/{ids[0]}", [("q", "法治")])
        self.get(f"/reports/{ids[0]}/source")
        for params in [[], [("order", "unit")], [("province", top["province"]), ("q", "法律顾问")]]:
            self.get("/coverage", params)
        self.get("/follow-through")
        if unit is not None:
            name, year, county = unit
            self.get("/follow-through", [("unit", name), ("year", year)] + ([("county", county)] if county else []))
        for params in [[], [("field", "province")], [("doc_type", "other")]]:
            self.get("/curation", params)
        self.get("/api/docs/")
        for asset in ("page.js", "cite.js", "style.css"):
            self.get(f"/assets/{asset}")

    def errors(self, report_id: str) -> None:
        s = "/api/v1/search"
        for params in [
            [],
            [("q", "法治"), ("per_page", 1000)],
            [("q", "法" * 201)],
            [("q", " ".join(f"词{i}语" for i in range(17)))],
            [("q", "法 治 政 府 建")],
            [("q", "法治"), ("year", "abc")],
            [("q", "法治"), ("level", "village")],
            [("q", "法治"), ("sort", "random"), ("section", "nowhere")],
            [("q", "法治"), ("page", 0)],
            [("q", "法治"), ("doc_type", "memo")],
        ]:
            self.get(s, params)
        self.get("/api/v1/search.csv", [("q", "法治"), ("format", "xls")])
        self.get("/api/v1/trend", [("q", "法治"), ("by", "town")])
        self.get("/api/v1/reports/0000000000000000")
        self.get(f"/api/v1/reports/{report_id}/citation", [("paragraph", "p99999"), ("consulted", CONSULTED)])
        self.get(f"/api/v1/reports/{report_id}/citation", [("format", "apa"), ("consulted", CONSULTED)])
        self.get("/api/v1/changes")
        self.get("/api/v1/changes", [("since", "yesterday")])
        self.get("/api/v1/terms", [("by", "year")])
        self.get("/api/v1/follow-through", [("unit", "不存在镇"), ("year", 2023)])
        self.get("/api/v1/curation", [("field", "colour")])
        self.get("/api/v1/nowhere")
        self.get("/reports/0000000000000000")
        self.get("/feeds/search.atom", [("q", "法治"), ("year", "abc")])
        self.get(s, [("q", "法治")], method="POST")

    def cli_answers(self, top: dict[str, str], unit: tuple[str, int, str | None] | None, years: list[int]) -> None:
        idx = str(self.c.index_dir)
        self.cli(["search", "法律顾问", "--index", idx])
        self.cli(["search", "法律顾问", "--json", "--index", idx])
        self.cli(["search", "枫桥经验 OR 三调联动 -信访", "--year", "2024", "--section", "measures", "--json"])
        self.cli(["search", "法治", "--province", top["province"], "--per-page", "5", "--json"])
        self.cli(["search", "法治", "--per-page", "1000"])
        self.cli(["index", "stats", "--json", "--index", idx])
        self.cli(["index", "stats", "--index", idx])
        self.cli(["coverage", "--json"])
        self.cli(["coverage"])
        self.cli(["coverage", "--query", "法律顾问", "--json"])
        self.cli(["terms", "--json"])
        self.cli(["terms", "--by", "year", "--from", str(years[0]), "--to", str(years[-1]), "--json"])
        self.cli(["terms", "--query", "法律顾问"])
        self.cli(["curation", "--json"])
        self.cli(["curation"])
        if unit is not None:
            name, year, county = unit
            self.cli(["follow-through", name, str(year), "--json"] + (["--county", county] if county else []))
            self.cli(["follow-through", name, str(year)] + (["--county", county] if county else []))
        files = sorted(p.name for p in self.c.source_dir.iterdir() if p.suffix == ".txt")
        chosen = [files[0], files[-1]]
        self.cli(["parse", "--json", *(str(self.c.source_dir / f) for f in chosen)])
        self.cli(["parse", str(self.c.source_dir / chosen[0])])


def follow_through_unit(coverage: dict[str, Any] | None) -> tuple[str, int, str | None] | None:
    """The first unit (in the coverage's order) with reports of two
    consecutive years: (unit, year N, county)."""
    if not coverage:
        return None
    years = coverage["years"]
    for row in coverage["units"]:
        cells = row["cells"]
        for i in range(len(cells) - 1):
            if cells[i]["report_id"] and cells[i + 1]["report_id"] and years[i + 1] == years[i] + 1:
                return row["unit"], years[i], row.get("county")
    return None


def request_key(path: str, params: list[tuple[str, str]], method: str = "GET") -> str:
    """A readable name of a request: /api/v1/search?q=法律顾问&year=2024 ->
    api-search-q=法律顾问&year=2024."""
    if path.startswith("/api/v1/"):
        name = "api-" + path[len("/api/v1/") :]
    elif path == "/":
        name = "page"
    elif path.startswith(("/feeds/", "/assets/", "/healthz")):
        name = path.strip("/")
    else:
        name = "page-" + path.strip("/")
    name = name.replace("/", "-")
    if params:
        name += "-" + "&".join(f"{k}={v}" for k, v in params)
    return (method + "-" if method != "GET" else "") + name


def file_name(key: str) -> str:
    """The key as a file name: '/' spelt %2F, cut and hashed when long."""
    name = key.replace("%", "%25").replace("/", "%2F").replace("\0", "")
    if len(name.encode("utf-8")) > NAME_BYTES:
        digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
        cut = name.encode("utf-8")[: NAME_BYTES - 20].decode("utf-8", "ignore")
        name = f"{cut}~{digest}"
    return name


def extension(content_type: str) -> str:
    media = content_type.split(";")[0].strip().lower()
    return {
        "application/json": "json",
        "application/problem+json": "json",
        "text/csv": "csv",
        "application/x-ndjson": "jsonl",
        "application/jsonl": "jsonl",
        "text/html": "html",
        "application/atom+xml": "atom",
        "text/plain": "txt",
        "application/x-bibtex": "bib",
        "application/x-research-info-systems": "ris",
        "text/javascript": "js",
        "application/javascript": "js",
        "text/css": "css",
    }.get(media, "body")


@contextmanager
def service_environment(collection: Collection | None = None) -> Iterator[None]:
    """No SEARCH_SERVICE_* variable but the collection's index and source
    folders: every setting at its default, whatever the caller's shell has."""
    saved = {k: v for k, v in os.environ.items() if k.startswith("SEARCH_SERVICE_")}
    for k in saved:
        del os.environ[k]
    if collection is not None:
        os.environ["SEARCH_SERVICE_INDEX"] = str(collection.index_dir)
        os.environ["SEARCH_SERVICE_SOURCE"] = str(collection.source_dir)
    try:
        yield
    finally:
        for k in [k for k in os.environ if k.startswith("SEARCH_SERVICE_")]:
            del os.environ[k]
        os.environ.update(saved)


def build_collections(work: Path, n: int, seed: int) -> list[Collection]:
    """The collections' source folders and their indexes, built by the CLI
    (`search-service index build --jobs 2`)."""
    from click.testing import CliRunner

    from search_service.cli import main

    collections = []
    samples = work / "samples"
    shutil.copytree(PROJECT_ROOT / "data" / "reports", samples / "src")
    collections.append(Collection("samples", samples / "src", samples / "index"))
    if n > 0:
        from bench.corpus import generate_corpus

        generated = work / f"generated-n{n}-s{seed}"
        generate_corpus(generated / "src", n, seed)
        collections.append(Collection(generated.name, generated / "src", generated / "index"))
    for c in collections:
        started = time.monotonic()
        args = ["index", "build", "--source", str(c.source_dir), "--index", str(c.index_dir), "--jobs", "2"]
        with service_environment():
            result = CliRunner().invoke(main, args)
        if result.exit_code != 0:
            raise RuntimeError(f"index build of {c.name} failed ({result.exit_code}): {result.output}")
        log.info("built %s in %.1f s", c.name, time.monotonic() - started)
    return collections


def save(out: Path, n: int = 2000, seed: int = 0) -> int:
    """Build, ask, write; returns the number of answers saved."""
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out} is not empty")
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    started_at = time.time()
    with tempfile.TemporaryDirectory(prefix="answers-") as tmp:
        work = Path(tmp)
        paths = {str(work.resolve()): "<tmp>", str(work): "<tmp>", str(PROJECT_ROOT): "<project>"}
        answers: dict[str, dict[str, Any]] = {}
        for collection in build_collections(work, n, seed):
            Saver(out, collection, paths, started_at).run()
            answers.update(collection.answers)
            log.info("asked %s: %d answers", collection.name, len(collection.answers))
    manifest = {
        "n": n,
        "seed": seed,
        "normalisations": [
            {"what": "the temporary folder, the project folder", "literal": True, "replacement": "<tmp>, <project>"},
            *({"what": what, "regex": pattern, "replacement": repl} for what, pattern, repl in NORMALISATIONS),
            {"what": "ISO 8601 times", "only": f"within this run, {SLACK_SECONDS:.0f} s slack either side"},
            *({"what": f"header {h}", "replacement": v} for h, v in VARYING_HEADERS.items()),
            {"what": "header Allow", "replacement": "its methods sorted (Werkzeug lists a set)"},
        ],
        "answers": dict(sorted(answers.items())),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log.info("saved %d answers to %s in %.1f s", len(answers), out, time.monotonic() - started)
    return len(answers)


# ------------------------------------------------------------------ diffing


def _drop_added(a: Any, b: Any, allowed: frozenset[str]) -> Any:
    """B without the allowed keys that A lacks (recursively)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _drop_added(a.get(k), v, allowed) for k, v in b.items() if k in a or k not in allowed}
    if isinstance(a, list) and isinstance(b, list):
        return [_drop_added(x, y, allowed) for x, y in zip(a, b, strict=False)] + b[len(a) :]
    return b


def json_differences(a: Any, b: Any, path: str = "$") -> Iterator[str]:
    """Where two JSON values differ: `+ path` (only in B), `- path` (only in
    A), `~ path` (a different value)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b:
                yield f"- {path}.{k}"
        for k in b:
            if k not in a:
                yield f"+ {path}.{k}"
            else:
                yield from json_differences(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            yield from json_differences(x, y, f"{path}[{i}]")
        if len(a) != len(b):
            yield f"~ {path} length {len(a)} -> {len(b)}"
    elif a != b or type(a) is not type(b):
        yield f"~ {path}: {_short(a)} -> {_short(b)}"


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _general_path(line: str) -> str:
    """`+ $.facets.year[3].truncated` -> `+ $.facets.year[].truncated`, to
    summarise a difference repeated over list items."""
    return re.sub(r"\[\d+\]", "[]", line.split(": ")[0].split(" length ")[0])


def _parse_json(body: bytes, content_type: str) -> Any:
    text = body.decode("utf-8")
    if extension(content_type) == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


def compare(a_dir: Path, b_dir: Path, allowed: frozenset[str] = frozenset(), out: Callable[[str], None] = print) -> int:
    """Print the differences of two saved folders; the number of answers that differ."""
    a = json.loads((a_dir / MANIFEST).read_text(encoding="utf-8"))["answers"]
    b = json.loads((b_dir / MANIFEST).read_text(encoding="utf-8"))["answers"]
    missing = [k for k in a if k not in b]
    extra = [k for k in b if k not in a]
    for k in missing:
        out(f"missing in B: {k}")
    for k in extra:
        out(f"extra in B:   {k}")
    changed = 0
    for key in (k for k in a if k in b):
        ea, eb = a[key], b[key]
        body_a = (a_dir / ea["file"]).read_bytes()
        body_b = (b_dir / eb["file"]).read_bytes()
        notes = []
        for what in ("status", "content_type", "headers", "stderr"):
            if ea.get(what) != eb.get(what):
                notes.append(f"  {what}: {_short(ea.get(what))} -> {_short(eb.get(what))}")
        if body_a != body_b:
            body_notes = _body_differences(body_a, body_b, ea["content_type"], eb["content_type"], allowed)
            if body_notes is not None:
                notes.append("  body differs:")
                notes.extend("    " + line for line in body_notes)
        if notes:
            changed += 1
            out(f"changed:      {key} ({ea['file']})")
            for line in notes:
                out(line)
    total = len(missing) + len(extra) + changed
    out(f"{len(a)} answers in A, {len(b)} in B: {len(missing)} missing, {len(extra)} extra, {changed} changed")
    return total


def _body_differences(
    body_a: bytes, body_b: bytes, type_a: str, type_b: str, allowed: frozenset[str]
) -> list[str] | None:
    """The lines describing how two bodies differ; None when they only
    differ by allowed added keys."""
    if extension(type_a) in ("json", "jsonl") and extension(type_b) == extension(type_a):
        try:
            ja, jb = _parse_json(body_a, type_a), _parse_json(body_b, type_b)
        except (UnicodeDecodeError, ValueError):
            pass
        else:
            if allowed:
                jb = _drop_added(ja, jb, allowed)
                if ja == jb:
                    return None
            lines = list(json_differences(ja, jb))
            if not lines:  # same values, different bytes (key order, spacing)
                return ["same JSON values, different bytes (key order or formatting)"] + _text_diff(body_a, body_b)
            summary: dict[str, int] = {}
            for line in lines:
                summary[_general_path(line)] = summary.get(_general_path(line), 0) + 1
            shown = [f"{p}" + (f"  (x{count})" if count > 1 else "") for p, count in summary.items()]
            return (
                shown[:40]
                + ([f"... {len(shown) - 40} more"] if len(shown) > 40 else [])
                + ["first: " + line for line in lines[:3]]
            )
    return _text_diff(body_a, body_b)


def _text_diff(body_a: bytes, body_b: bytes, limit: int = 30) -> list[str]:
    try:
        la = body_a.decode("utf-8").splitlines()
        lb = body_b.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return [f"binary: {len(body_a)} -> {len(body_b)} bytes"]
    lines = [
        line for line in difflib.unified_diff(la, lb, "A", "B", n=0, lineterm="") if line[:3] not in ("---", "+++")
    ]
    cut = [line if len(line) <= 200 else line[:197] + "..." for line in lines[:limit]]
    return cut + ([f"... {len(lines) - limit} more diff lines"] if len(lines) > limit else [])


# ------------------------------------------------------------------ command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.answers", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_save = sub.add_parser("save", help="build the indexes and save every answer into OUT")
    p_save.add_argument("out", type=Path)
    p_save.add_argument("--n", type=int, default=2000, help="generated reports (0: the samples only)")
    p_save.add_argument("--seed", type=int, default=0)
    p_diff = sub.add_parser("diff", help="list the answers that differ between two saved folders; exit 1 if any")
    p_diff.add_argument("a", type=Path)
    p_diff.add_argument("b", type=Path)
    p_diff.add_argument(
        "--allow-added-keys", default="", help="comma-separated JSON keys to ignore when present only in B"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", stream=sys.stderr)
    if args.command == "save":
        count = save(args.out, args.n, args.seed)
        print(f"saved {count} answers to {args.out}")
        return 0
    allowed = frozenset(k.strip() for k in args.allow_added_keys.split(",") if k.strip())
    return 1 if compare(args.a, args.b, allowed) else 0


if __name__ == "__main__":
    sys.exit(main())
