"""A plain Whoosh index with jieba's ChineseAnalyzer: the naive approach.

What a Python developer would build from the two libraries' documentation:
a TEXT field analysed by `jieba.analyse.ChineseAnalyzer` over the text as
written (no normalisation), one document per report and one per section
(`doctype` tells them apart), keyword fields for the filters, Whoosh's own
`QueryParser`, and facets from `groupedby` with `sorting.FieldFacet`. Each
facet is computed with every filter but its own, so facets that share a
filter set share one search. Counting *reports* among section documents uses
a `MultiFacet` of (value, report) and counts distinct reports per value.

Its answers follow jieba's word boundaries, not CONTRACT.md's substring rule,
so it is expected to disagree with the reference scan.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path

from bench.baselines import Answer, ParsedCorpus, folder_size
from bench.queries import BenchQuery, ParsedTerms
from search_service.model import PLACE_FIELDS, SearchRequest

_FACETS = ("year", *PLACE_FIELDS)


def _schema():
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    return Schema(
        rid=ID(stored=True, sortable=True),
        doctype=ID,
        kind=ID(sortable=True),
        year=ID(sortable=True),
        province=ID(sortable=True),
        city=ID(sortable=True),
        county=ID(sortable=True),
        town=ID(sortable=True),
        content=TEXT(analyzer=ChineseAnalyzer()),
    )


def whoosh_query_string(terms: ParsedTerms) -> str:
    """The query in Whoosh's syntax: AND of (a OR b) groups, NOT for exclusions,
    terms as written ("..." for a term holding spaces)."""

    def one(term: str) -> str:
        return f'"{term}"' if any(c.isspace() for c in term) else term

    parts = ["(" + " OR ".join(one(t) for t in clause) + ")" for clause in terms.raw_clauses]
    parts += [f"NOT {one(t)}" for t in terms.raw_excluded]
    return " AND ".join(parts)


class WhooshJiebaEngine:
    name = "whoosh_jieba"

    def __init__(self) -> None:
        self.folder: Path | None = None
        self._ix = None
        self._searcher = None

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        import jieba
        from whoosh import index

        jieba.setLogLevel(logging.WARNING)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        ix = index.create_in(str(folder), _schema())
        writer = ix.writer(limitmb=256)
        per_report: list[list[tuple[str, str]]] = [[] for _ in corpus.reports]
        for ordinal, kind, raw in corpus.units:
            per_report[ordinal].append((kind, raw))
        for report, units in zip(corpus.reports, per_report, strict=True):
            fields = {
                "rid": report.report_id,
                "year": str(report.year) if report.year else "",
                **{name: getattr(report, name) or "" for name in PLACE_FIELDS},
            }
            writer.add_document(doctype="report", kind="", content="\n".join(raw for _, raw in units), **fields)
            for kind, raw in units:
                writer.add_document(doctype="section", kind=kind, content=raw, **fields)
        writer.commit()
        self._ix = ix
        self._searcher = ix.searcher()

    def _filter(self, doctype: str, request: SearchRequest, skip: str, kind: str | None):
        from whoosh.query import And, Or, Term, TermRange

        parts = [Term("doctype", doctype)]
        if kind:
            parts.append(Term("kind", kind))
        if skip != "year":
            if request.year:
                parts.append(Or([Term("year", str(y)) for y in request.year]))
            if request.year_from is not None or request.year_to is not None:
                low = str(request.year_from) if request.year_from is not None else None
                high = str(request.year_to) if request.year_to is not None else None
                parts.append(TermRange("year", low, high))
        for name in PLACE_FIELDS:
            wanted = getattr(request, name)
            if wanted and skip != name:
                parts.append(Or([Term(name, v) for v in wanted]))
        return And(parts)

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        from whoosh import sorting
        from whoosh.qparser import QueryParser

        assert self._ix is not None and self._searcher is not None
        searcher = self._searcher
        request = query.request
        parsed = QueryParser("content", self._ix.schema).parse(whoosh_query_string(query.terms))
        active = {"year"} if (request.year or request.year_from is not None or request.year_to is not None) else set()
        active |= {name for name in PLACE_FIELDS if getattr(request, name)}
        # Facets whose own filter is not set share the search with every filter.
        by_skip: dict[str, list[str]] = defaultdict(list)
        for name in _FACETS:
            by_skip[name if name in active else ""].append(name)
        by_skip.setdefault("", [])

        doctype = "section" if request.section else "report"
        facets: dict[str, dict[str | int, int]] = {}
        final_ids: set[str] = set()
        page: list[str] = []
        for skip, names in by_skip.items():
            grouped = {}
            for name in names:
                if request.section:  # count reports, not section documents
                    grouped[name] = sorting.MultiFacet([sorting.FieldFacet(name), sorting.FieldFacet("rid")])
                else:
                    grouped[name] = sorting.FieldFacet(name, maptype=sorting.Count)
            if skip == "":
                grouped["rid"] = sorting.FieldFacet("rid", maptype=sorting.Count)
            results = searcher.search(
                parsed,
                filter=self._filter(doctype, request, skip, request.section),
                groupedby=grouped,
                limit=request.per_page,
                maptype=sorting.Count,
            )
            for name in names:
                facets[name] = self._counts(results.groups(name), name, distinct=bool(request.section))
            if skip == "":
                final_ids = set(results.groups("rid"))
                page = [hit["rid"] for hit in results]

        sections = searcher.search(
            parsed,
            filter=self._filter("section", request, "", None),
            groupedby={"kind_rid": sorting.MultiFacet([sorting.FieldFacet("kind"), sorting.FieldFacet("rid")])},
            limit=1,
            maptype=sorting.Count,
        )
        per_kind: dict[str | int, set[str]] = defaultdict(set)
        total_sections = 0
        for (kind, rid), count in sections.groups("kind_rid").items():
            per_kind[kind].add(rid)
            if rid in final_ids and (not request.section or kind == request.section):
                total_sections += count
        facets["section"] = {kind: len(rids) for kind, rids in per_kind.items()}
        ids = sorted(final_ids) if full else page
        return Answer(ids, len(final_ids), total_sections, facets)

    @staticmethod
    def _counts(groups: dict, name: str, distinct: bool) -> dict[str | int, int]:
        out: dict[str | int, int] = defaultdict(int)
        for key, count in groups.items():
            value = key[0] if distinct else key
            if not value:
                continue
            out[int(value) if name == "year" else value] += 1 if distinct else count
        return dict(out)

    def size_bytes(self) -> int:
        return folder_size(self.folder) if self.folder else 0

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
