"""SQLite FTS5 with the trigram tokenizer: the usual substring-search answer.

Two FTS5 tables hold the normalised text (CONTRACT.md's rule applied before
indexing), one row per report and one per section. A term of three or more
characters is an FTS5 phrase, which the trigram tokenizer answers as a
substring match; shorter terms cannot be trigram-indexed and use LIKE, which
scans the stored text. Facets are SQL GROUP BYs, each with every filter but
its own; one statement per query computes them all. The first page's
snippets are cut from the report text FTS5 stores.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.baselines import Answer, ParsedCorpus, cut_snippets
from bench.queries import BenchQuery, ParsedTerms
from search_service.model import PLACE_FIELDS, SearchRequest
from search_service.text import normalize

_SCHEMA = """
CREATE TABLE reports(rid INTEGER PRIMARY KEY, report_id TEXT, year INTEGER,
                     province TEXT, city TEXT, county TEXT, town TEXT);
CREATE TABLE units(uid INTEGER PRIMARY KEY, rid INTEGER, kind TEXT);
CREATE VIRTUAL TABLE report_fts USING fts5(body, tokenize='trigram');
CREATE VIRTUAL TABLE unit_fts USING fts5(body, tokenize='trigram');
"""
_INDEXES = """
CREATE INDEX units_rid ON units(rid);
CREATE INDEX reports_year ON reports(year);
"""


class _Sql:
    """A WHERE-clause fragment builder with named parameters."""

    def __init__(self) -> None:
        self.params: dict[str, object] = {}

    def param(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def term(self, table: str, key: str, term: str) -> str:
        """`key` holds a row whose text in table contains term."""
        if len(term) >= 3:
            phrase = '"' + term.replace('"', '""') + '"'
            return f"{key} IN (SELECT rowid FROM {table} WHERE {table} MATCH {self.param(phrase)})"
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        return f"{key} IN (SELECT rowid FROM {table} WHERE body LIKE {self.param(pattern)} ESCAPE '\\')"

    def query(self, table: str, key: str, terms: ParsedTerms) -> str:
        parts = ["(" + " OR ".join(self.term(table, key, t) for t in clause) + ")" for clause in terms.clauses]
        parts += [f"NOT {self.term(table, key, t)}" for t in terms.excluded]
        return " AND ".join(parts)

    def filters(self, request: SearchRequest, skip: str) -> str:
        """Conditions on table `reports` for every filter but `skip`."""
        parts = ["1"]
        if skip != "year":
            if request.year:
                parts.append(f"year IN ({', '.join(self.param(y) for y in request.year)})")
            if request.year_from is not None:
                parts.append(f"year >= {self.param(request.year_from)}")
            if request.year_to is not None:
                parts.append(f"year <= {self.param(request.year_to)}")
        for name in PLACE_FIELDS:
            wanted = getattr(request, name)
            if wanted and skip != name:
                parts.append(f"{name} IN ({', '.join(self.param(v) for v in wanted)})")
        return " AND ".join(parts)


class SqliteFts5Engine:
    name = "sqlite_fts5"

    def __init__(self) -> None:
        self.path: Path | None = None
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "fts5.sqlite"
        self.path.unlink(missing_ok=True)
        db = sqlite3.connect(self.path, check_same_thread=False)
        db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        db.executemany(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((i, r.report_id, r.year, r.province, r.city, r.county, r.town) for i, r in enumerate(corpus.reports)),
        )
        per_report: list[list[str]] = [[] for _ in corpus.reports]
        unit_rows = []
        for uid, (ordinal, _kind, raw) in enumerate(corpus.units):
            norm = normalize(raw)
            per_report[ordinal].append(norm)
            unit_rows.append((uid, norm))
        db.executemany("INSERT INTO units VALUES (?, ?, ?)", ((u, o, k) for u, (o, k, _) in enumerate(corpus.units)))
        db.executemany("INSERT INTO unit_fts(rowid, body) VALUES (?, ?)", unit_rows)
        db.executemany(
            "INSERT INTO report_fts(rowid, body) VALUES (?, ?)", ((i, "".join(p)) for i, p in enumerate(per_report))
        )
        db.executescript(_INDEXES + "INSERT INTO report_fts(report_fts) VALUES ('optimize');")
        db.execute("INSERT INTO unit_fts(unit_fts) VALUES ('optimize')")
        db.commit()
        self.db = db

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        assert self.db is not None
        request = query.request
        sql = _Sql()
        terms = query.terms
        unit_cond = sql.query("unit_fts", "uid", terms)
        if request.section:
            matched = f"SELECT DISTINCT rid FROM mu WHERE kind = {sql.param(request.section)}"
        else:
            matched = f"SELECT rid FROM reports WHERE {sql.query('report_fts', 'rid', terms)}"
        final = f"SELECT rid FROM reports WHERE rid IN m AND {sql.filters(request, '')}"
        selects = [
            f"SELECT 'year', year, count(*) FROM reports WHERE rid IN m AND year IS NOT NULL "
            f"AND {sql.filters(request, 'year')} GROUP BY year"
        ]
        for name in PLACE_FIELDS:
            selects.append(
                f"SELECT '{name}', {name}, count(*) FROM reports WHERE rid IN m AND {name} IS NOT NULL "
                f"AND {sql.filters(request, name)} GROUP BY {name}"
            )
        selects.append(
            "SELECT 'section', kind, count(DISTINCT rid) FROM mu WHERE rid IN "
            f"(SELECT rid FROM reports WHERE {sql.filters(request, '')}) GROUP BY kind"
        )
        kind_cond = f" AND kind = {sql.param(request.section)}" if request.section else ""
        selects.append(f"SELECT 'sections', NULL, count(*) FROM mu WHERE rid IN f{kind_cond}")
        selects.append("SELECT 'reports', NULL, count(*) FROM f")
        limit = "" if full else f" LIMIT {int(request.per_page)}"
        selects.append(f"SELECT * FROM (SELECT 'id', report_id, rid FROM reports WHERE rid IN f ORDER BY rid{limit})")
        statement = (
            f"WITH mu AS MATERIALIZED (SELECT uid, rid, kind FROM units WHERE {unit_cond}), "
            f"m AS MATERIALIZED ({matched}), f AS MATERIALIZED ({final}) " + " UNION ALL ".join(selects)
        )
        facets: dict[str, dict[str | int, int]] = {name: {} for name in ("year", *PLACE_FIELDS, "section")}
        ids: list[str] = []
        rids: list[int] = []
        totals = {"reports": 0, "sections": 0}
        for kind, value, count in self.db.execute(statement, sql.params):
            if kind == "id":
                ids.append(value)
                rids.append(count)
            elif kind in totals:
                totals[kind] = count
            elif count:
                facets[kind][value] = count
        snippets = []
        if not full and rids:
            marks = ", ".join("?" * len(rids))
            bodies = dict(self.db.execute(f"SELECT rowid, body FROM report_fts WHERE rowid IN ({marks})", rids))
            positive = [t for clause in terms.clauses for t in clause]
            snippets = [cut_snippets(bodies[rid], positive) for rid in rids]
        return Answer(ids, totals["reports"], totals["sections"], facets, snippets)

    def size_bytes(self) -> int:
        return self.path.stat().st_size if self.path else 0

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None
