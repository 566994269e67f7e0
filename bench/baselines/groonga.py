"""Groonga (Debian `groonga-bin`) with TokenBigram, no normaliser, no query cache.

The normalised text (CONTRACT.md's rule applied before indexing) is loaded
into a new database through `groonga -n DB`'s standard input (tables, one
`load` per table, then the index columns, which Groonga builds statically
after a load); the benchmark then starts `groonga -s --protocol http` on a
free loopback port over the database and asks it over HTTP, one request
per `select`, on one kept-alive connection.

- Lexicon: `TokenBigram` without a normaliser: every pair of adjacent
  characters is a token with its position (the last character of a text
  alone), so a term of two or more characters is a phrase of bigrams and one
  character a prefix search in the lexicon: exact substrings. `NormalizerAuto`
  is avoided: it keeps runs of digits and of Latin letters whole, so `02`
  finds nothing inside 2024.
- Match escalation off (`--default-match-escalation-threshold -1` and
  `--match_escalation_threshold -1`): by default a query that finds nothing is
  retried as a looser match, which is not a substring search.
- Cache off: `--cache-limit 0` and `--cache no` on every select.
- Tables: `Reports` (key: report ordinal; year, places, whole text),
  `Units` (one section: its report, kind, the report's year and places, text)
  and `KindReports` (key "kind:ordinal", its kind) that a section refers to,
  so that reports are counted once per kind by drilling down twice.
- A query without a section filter selects `Reports`; with one, `Units` of
  that kind, drilled down by `report` (a report counted once). Each facet is
  a labelled drilldown, one select per set of filters (a facet whose own
  filter is set gets a select without it); the section facet and
  `total.sections` come from one select on `Units` (with an exclusion, a
  second one also excludes through `report.body`: a section is counted only
  when its whole report is a result). The page's snippets are
  cut from the report text Groonga returns with the page.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import http.client
import json
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

from bench.baselines import Answer, ParsedCorpus, cut_snippets
from bench.queries import BenchQuery, ParsedTerms
from search_service.model import PLACE_FIELDS, SECTION_KINDS, SearchRequest
from search_service.text import normalize

_FACETS = ("year", *PLACE_FIELDS)
_PLACE_COLUMNS = "\n".join(f"column_create {{table}} {name} COLUMN_SCALAR ShortText" for name in PLACE_FIELDS)
_SCHEMA = f"""table_create Reports TABLE_HASH_KEY UInt32
column_create Reports year COLUMN_SCALAR UInt16
{_PLACE_COLUMNS.format(table="Reports")}
column_create Reports body COLUMN_SCALAR LongText
table_create KindReports TABLE_HASH_KEY ShortText
column_create KindReports kind COLUMN_SCALAR ShortText
table_create Units TABLE_NO_KEY
column_create Units report COLUMN_SCALAR Reports
column_create Units kr COLUMN_SCALAR KindReports
column_create Units kind COLUMN_SCALAR ShortText
column_create Units year COLUMN_SCALAR UInt16
{_PLACE_COLUMNS.format(table="Units")}
column_create Units body COLUMN_SCALAR LongText
"""
_INDEXES = """table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram
column_create Terms reports_body COLUMN_INDEX|WITH_POSITION Reports body
column_create Terms units_body COLUMN_INDEX|WITH_POSITION Units body
column_create Reports units_report COLUMN_INDEX Units report
"""


def groonga_available() -> bool:
    return shutil.which("groonga") is not None


def groonga_version() -> str:
    """Groonga's version ("-" when it is not installed)."""
    if not groonga_available():
        return "-"
    out = subprocess.run(["groonga", "--version"], capture_output=True, text=True, check=False).stdout
    return out.split()[1] if out.startswith("Groonga ") else "?"


def _die_with_parent() -> None:
    """In the child before exec: Linux sends it SIGTERM when the benchmark
    dies, so no server outlives a crashed or killed run."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _string(value: str) -> str:
    """A string literal of Groonga's script syntax."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def text_condition(terms: ParsedTerms) -> tuple[str, list[str]]:
    """(positive part, excluded parts) of the filter for the query's terms."""
    clauses = ["(" + " || ".join(f"body @ {_string(t)}" for t in clause) + ")" for clause in terms.clauses]
    return " && ".join(clauses), [f"body @ {_string(t)}" for t in terms.excluded]


def filter_condition(request: SearchRequest, skip: str) -> str:
    parts = []
    if skip != "year":
        if request.year:
            parts.append("in_values(year, " + ", ".join(str(int(y)) for y in request.year) + ")")
        if request.year_from is not None:
            parts.append(f"year > 0 && year >= {int(request.year_from)}")
        if request.year_to is not None:
            parts.append(f"year > 0 && year <= {int(request.year_to)}")
    for name in PLACE_FIELDS:
        wanted = getattr(request, name)
        if wanted and skip != name:
            parts.append(f"in_values({name}, " + ", ".join(_string(v) for v in wanted) + ")")
    return " && ".join(parts)


def full_filter(terms: ParsedTerms, request: SearchRequest, skip: str, kind: str | None = None) -> str:
    positive, excluded = text_condition(terms)
    parts = [positive]
    if kind:
        parts.append(f"kind == {_string(kind)}")
    filters = filter_condition(request, skip)
    if filters:
        parts.append(filters)
    expr = "(" + " && ".join(parts) + ")"
    return expr + "".join(f" &! ({e})" for e in excluded)


class GroongaEngine:
    name = "groonga"

    def __init__(self) -> None:
        self.folder: Path | None = None
        self._server: subprocess.Popen | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._ids: list[str] = []
        self.port = 0

    # ------------------------------------------------------------ build

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder = folder
        db = folder / "db"
        per_report: list[list[tuple[str, str]]] = [[] for _ in corpus.reports]
        for ordinal, kind, raw in corpus.units:
            per_report[ordinal].append((kind, normalize(raw)))
        self._ids = [r.report_id for r in corpus.reports]
        proc = subprocess.Popen(
            ["groonga", "--log-path", str(folder / "groonga.log"), "-n", str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

        def places(report) -> dict:
            out: dict[str, object] = {"year": report.year or 0}
            out |= {name: getattr(report, name) or "" for name in PLACE_FIELDS}
            return out

        def lines():
            yield _SCHEMA
            yield "load --table Reports\n[\n"
            for rid, (report, units) in enumerate(zip(corpus.reports, per_report, strict=True)):
                row = {"_key": rid, **places(report), "body": "".join(t for _, t in units)}
                yield json.dumps(row, ensure_ascii=False) + ",\n"
            yield "]\nload --table KindReports\n[\n"
            for rid, units in enumerate(per_report):
                for kind in sorted({k for k, _ in units}):
                    yield json.dumps({"_key": f"{kind}:{rid}", "kind": kind}) + ",\n"
            yield "]\nload --table Units\n[\n"
            for rid, (report, units) in enumerate(zip(corpus.reports, per_report, strict=True)):
                fields = places(report)
                for kind, text in units:
                    row = {"report": rid, "kr": f"{kind}:{rid}", "kind": kind, **fields, "body": text}
                    yield json.dumps(row, ensure_ascii=False) + ",\n"
            yield "]\n" + _INDEXES

        assert proc.stdin is not None
        for chunk in lines():
            proc.stdin.write(chunk)
        out, err = proc.communicate()
        failed = [line for line in out.splitlines() if line.startswith("[[-")]
        if proc.returncode or failed:
            raise RuntimeError(f"groonga build failed: {failed[:3]} {err[-500:]}")
        self._start(db)

    def _start(self, db: Path) -> None:
        self.port = _free_port()
        assert self.folder is not None
        self._server = subprocess.Popen(
            [
                "groonga",
                "-s",
                "--protocol",
                "http",
                "--bind-address",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--cache-limit",
                "0",
                "--default-match-escalation-threshold",
                "-1",
                "--log-path",
                str(self.folder / "groonga.log"),
                "--query-log-path",
                str(self.folder / "query.log"),
                str(db),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )
        atexit.register(self.close)
        deadline = time.monotonic() + 30
        while True:
            try:
                self._command("status")
                return
            except OSError:
                if self._server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("groonga server did not start") from None
                self._conn = None
                time.sleep(0.05)

    # ------------------------------------------------------------ queries

    def _command(self, name: str, **params: object):
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        path = f"/d/{name}?" + urllib.parse.urlencode({k: str(v) for k, v in params.items()})
        try:
            self._conn.request("GET", path)
            response = self._conn.getresponse()
            body = response.read()
        except (http.client.HTTPException, ConnectionError):
            self._conn.close()
            self._conn = None
            raise
        if response.getheader("Connection", "").lower() == "close":
            self._conn.close()
            self._conn = None
        header, *rest = json.loads(body)
        if header[0] != 0:
            raise RuntimeError(f"groonga {name}: {header}")
        return rest[0] if rest else None

    def _select(self, table: str, filter_: str, **params: object) -> list:
        params = {"table": table, "filter": filter_, "cache": "no", "match_escalation_threshold": -1, **params}
        return self._command("select", **params)

    @staticmethod
    def _drilldown(params: dict, label: str, keys: str, table: str | None = None, limit: int = -1) -> None:
        """A labelled drilldown; limit 0 for one only drilled down further
        (its groups are all kept, none is sent back)."""
        params[f"drilldowns[{label}].keys"] = keys
        params[f"drilldowns[{label}].output_columns"] = "_key,_nsubrecs"
        params[f"drilldowns[{label}].limit"] = limit
        if table:
            params[f"drilldowns[{label}].table"] = table

    @staticmethod
    def _counts(result: dict, label: str, name: str) -> dict[str | int, int]:
        rows = result[label][2:]
        return {key: count for key, count in rows if key} if name != "year" else {int(k): c for k, c in rows if k}

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        request = query.request
        terms = query.terms
        active = {"year"} if (request.year or request.year_from is not None or request.year_to is not None) else set()
        active |= {name for name in PLACE_FIELDS if getattr(request, name)}
        kind = request.section
        table = "Units" if kind else "Reports"
        facets: dict[str, dict[str | int, int]] = {}
        limit = -1 if full else request.per_page

        def facet_params(names: list[str]) -> dict:
            params: dict[str, object] = {}
            source = None
            if kind:  # count reports, not sections
                self._drilldown(params, "r", "report", limit=0)
                source = "r"
            for name in names:
                self._drilldown(params, name, name, source)
            return params

        for skip in sorted(active):
            params = facet_params([skip])
            _, drill = self._select(table, full_filter(terms, request, skip, kind), limit=0, **params)
            facets[skip] = self._counts(drill, skip, skip)
        names = [n for n in _FACETS if n not in active]
        params = facet_params(names)
        if kind:
            params["drilldowns[r].sort_keys"] = "_key"
            params["drilldowns[r].limit"] = limit
            params["drilldowns[r].output_columns"] = "_key,body" if not full else "_key"
            params["limit"] = 0
        else:
            params |= {"sort_keys": "_key", "limit": limit, "output_columns": "_key,body" if not full else "_key"}
        found, drill = self._select(table, full_filter(terms, request, "", kind), **params)
        for name in names:
            facets[name] = self._counts(drill, name, name)
        if kind:
            total_sections = found[0][0]
            total_reports = drill["r"][0][0]
            rows = drill["r"][2:]
        else:
            total_reports = found[0][0]
            rows = found[2:]
        page = [int(row[0]) for row in rows]
        positive = [t for clause in terms.clauses for t in clause]
        snippets = [] if full else [cut_snippets(row[1], positive) for row in rows]

        params = {"limit": 0}
        self._drilldown(params, "kr", "kr", limit=0)
        self._drilldown(params, "section", "kind", "kr")
        units, drill = self._select("Units", full_filter(terms, request, ""), **params)
        sections = dict(drill["section"][2:])
        facets["section"] = {k: sections[k] for k in SECTION_KINDS if sections.get(k)}
        if not kind:
            total_sections = units[0][0]
            if terms.excluded:  # a section counts when its report, as a whole, is a result too
                whole = "".join(f" &! (report.body @ {_string(t)})" for t in terms.excluded)
                total_sections = self._select("Units", full_filter(terms, request, "") + whole, limit=0)[0][0][0]
        return Answer(
            report_ids=[self._ids[o] for o in page],
            total_reports=total_reports,
            total_sections=total_sections,
            facets=facets,
            snippets=snippets,
        )

    def size_bytes(self) -> int:
        """The database files' allocated bytes (logs left out): Groonga
        creates its files sparse, at sizes far above what they hold."""
        if not self.folder:
            return 0
        return sum(p.stat().st_blocks * 512 for p in self.folder.glob("db*") if p.is_file())

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._server is not None:
            self._server.terminate()
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait()
            self._server = None
