"""Tantivy (PyPI `tantivy`) over 1- and 2-character grams with their real positions.

The normalised text (CONTRACT.md's rule applied before indexing) is cut in
Python into grams and handed to Tantivy as whitespace-separated tokens, so
the k-th token's position is the character position k: field `g1` holds
every character (documents only, no positions), `g2` every pair of adjacent
characters with its position. A term of one character is a term query on
`g1`, of two a term query on `g2`, longer ones a phrase query over
non-overlapping pairs at their offsets in the term (plus the last pair),
which matches exactly the documents holding the term as a substring.
Tantivy's own `ngram` tokenizer cannot do this: it gives every gram of a
text position 0, so its phrase queries over-match. (Tantivy's
`PreTokenizedString` takes real positions too, but building a Python
`Token` per gram is about 7 times slower than the joined string.)

Three kinds of documents (`dt`): a report's whole text (0), one section
(1), and a report's sections of one kind when it has several of that kind
(2, sections separated by a token no query gram can equal, so no phrase
crosses from one to the next). The kind groups (`grp`) are the documents
of kind 2 and the sections alone of their kind in their report. All
carry the report ordinal `rid` and its year and places as fast fields.
A query with one clause (a term or an OR of terms) and no exclusion is
answered by Tantivy alone: totals, the page and every facet from its terms
aggregations (the section facet and a section query over the kind groups,
one per report and kind, so document counts are report counts).
A query with several clauses or an exclusion must be satisfied by one
section on its own, which the kind groups cannot tell: Tantivy returns
the matching report and section ordinals and the facets are counted over
them with numpy (`facets.ReportTable`). The first page's snippets are cut
from each report's text stored in the index.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.baselines import Answer, ParsedCorpus, cut_snippets, folder_size
from bench.baselines.facets import ReportTable
from bench.queries import BenchQuery, ParsedTerms
from search_service.model import PLACE_FIELDS, SECTION_KINDS, SearchRequest
from search_service.text import normalize

REPORT, SECTION, KIND_GROUP = 0, 1, 2
_GAP = " \x00\x00\x00 "  # between sections of a kind group: three characters, never a gram
_FACETS = ("year", *PLACE_FIELDS)


def tantivy_available() -> bool:
    """Whether the `tantivy` package (the `bench` extra) is installed."""
    import importlib.util

    return importlib.util.find_spec("tantivy") is not None


def _schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_unsigned_field("dt", indexed=True, fast=True)
    sb.add_unsigned_field("grp", indexed=True)
    sb.add_unsigned_field("rid", indexed=True, fast=True)
    sb.add_unsigned_field("uid", fast=True)
    sb.add_unsigned_field("year", indexed=True, fast=True)
    sb.add_text_field("kind", tokenizer_name="raw", fast=True, index_option="basic")
    for name in PLACE_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    sb.add_text_field("g1", tokenizer_name="whitespace", index_option="basic")
    sb.add_text_field("g2", tokenizer_name="whitespace", index_option="position")
    sb.add_bytes_field("body", stored=True)
    return sb.build()


def unigrams(text: str) -> str:
    return " ".join(text)


def bigrams(text: str) -> str:
    return " ".join(map(operator.add, text, text[1:]))


def phrase_offsets(length: int) -> list[int]:
    """Offsets of the pairs that cover a term of `length` >= 3 characters."""
    offsets = list(range(0, length - 1, 2))
    if offsets[-1] != length - 2:
        offsets.append(length - 2)
    return offsets


class TantivyGramsEngine:
    name = "tantivy"

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self.folder: Path | None = None
        self._index = None
        self._schema = None
        self._table: ReportTable | None = None
        self._n_reports = 0
        self._n_units = 0

    # ------------------------------------------------------------ build

    def build(self, corpus: ParsedCorpus, folder: Path) -> None:
        import tantivy

        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._schema = schema = _schema()
        index = tantivy.Index(schema, path=str(folder), reuse=False)
        writer = index.writer(heap_size=256_000_000, num_threads=self.threads)
        per_report: list[list[tuple[str, str]]] = [[] for _ in corpus.reports]
        for ordinal, kind, raw in corpus.units:
            per_report[ordinal].append((kind, normalize(raw)))
        uid = 0
        for rid, (report, units) in enumerate(zip(corpus.reports, per_report, strict=True)):

            def doc(dt: int, kind: str | None = None, rid: int = rid, report=report) -> tantivy.Document:
                d = tantivy.Document()
                d.add_unsigned("dt", dt)
                d.add_unsigned("rid", rid)
                if report.year:
                    d.add_unsigned("year", report.year)
                for name in PLACE_FIELDS:
                    value = getattr(report, name)
                    if value:
                        d.add_text(name, value)
                if kind:
                    d.add_text("kind", kind)
                return d

            text = "".join(t for _, t in units)
            d = doc(REPORT)
            d.add_text("g1", unigrams(text))
            d.add_text("g2", bigrams(text))
            d.add_bytes("body", text.encode("utf-8"))
            writer.add_document(d)
            groups: dict[str, list[str]] = defaultdict(list)
            for kind, unit_text in units:
                groups[kind].append(unit_text)
            for kind, unit_text in units:
                d = doc(SECTION, kind)
                d.add_unsigned("uid", uid)
                if len(groups[kind]) == 1:  # the only one of its kind: its own group
                    d.add_unsigned("grp", 1)
                uid += 1
                d.add_text("g1", unigrams(unit_text))
                d.add_text("g2", bigrams(unit_text))
                writer.add_document(d)
            for kind, texts in groups.items():
                if len(texts) == 1:
                    continue
                d = doc(KIND_GROUP, kind)
                d.add_unsigned("grp", 1)
                d.add_text("g1", " ".join(unigrams(t) for t in texts))
                d.add_text("g2", _GAP.join(bigrams(t) for t in texts))
                writer.add_document(d)
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        self._index = index
        self._searcher = index.searcher()
        self._table = ReportTable(corpus.reports, corpus.units)
        self._n_reports = len(corpus.reports)
        self._n_units = len(corpus.units)

    # ------------------------------------------------------------ queries

    def _term(self, term: str):
        import tantivy

        q = tantivy.Query
        if len(term) == 1:
            return q.term_query(self._schema, "g1", term, index_option="basic")
        if len(term) == 2:
            return q.term_query(self._schema, "g2", term, index_option="basic")
        return q.phrase_query(self._schema, "g2", [(i, term[i : i + 2]) for i in phrase_offsets(len(term))])

    def _terms(self, terms: ParsedTerms) -> list:
        """Must-clauses (as (Occur, Query)) for the text part of the query."""
        import tantivy

        must, must_not = tantivy.Occur.Must, tantivy.Occur.MustNot
        parts = []
        for clause in terms.clauses:
            if len(clause) == 1:
                parts.append((must, self._term(clause[0])))
            else:
                should = [(tantivy.Occur.Should, self._term(t)) for t in clause]
                parts.append((must, tantivy.Query.boolean_query(should)))
        parts += [(must_not, self._term(t)) for t in terms.excluded]
        return parts

    def _filters(self, request: SearchRequest, skip: str) -> list:
        import tantivy

        must, q, schema = tantivy.Occur.Must, tantivy.Query, self._schema
        parts = []
        if skip != "year":
            if request.year:
                parts.append((must, q.term_set_query(schema, "year", list(request.year))))
            if request.year_from is not None or request.year_to is not None:
                low = request.year_from if request.year_from is not None else 1
                high = request.year_to if request.year_to is not None else 9999
                parts.append((must, q.range_query(schema, "year", tantivy.FieldType.Unsigned, low, high)))
        for name in PLACE_FIELDS:
            wanted = getattr(request, name)
            if wanted and skip != name:
                parts.append((must, q.term_set_query(schema, name, list(wanted))))
        return parts

    def _query(self, dt: int, text: list, filters: list, kind: str | None = None):
        """Documents of type dt (KIND_GROUP: every group, i.e. the sections
        alone of their kind in their report and the documents of kind 2)."""
        import tantivy

        must, q = tantivy.Occur.Must, tantivy.Query
        by_type = q.term_query(self._schema, "grp", 1, index_option="basic") if dt == KIND_GROUP else None
        by_type = by_type or q.term_query(self._schema, "dt", dt, index_option="basic")
        parts = [(must, by_type), *text, *filters]
        if kind:
            parts.append((must, q.term_query(self._schema, "kind", kind, index_option="basic")))
        return q.boolean_query(parts)

    def _agg(self, query, names) -> dict[str, dict[str | int, int]]:
        spec = {name: {"terms": {"field": name, "size": 65000}} for name in names}
        result = self._searcher.aggregate(query, spec)
        out: dict[str, dict[str | int, int]] = {}
        for name in names:
            buckets = result[name]["buckets"]
            if name == "year":
                out[name] = {int(b["key"]): b["doc_count"] for b in buckets}
            else:
                out[name] = {b["key"]: b["doc_count"] for b in buckets}
        return out

    def _ordinals(self, query, field: str, limit: int) -> np.ndarray:
        """Every matching document's `field` (ascending), at most limit."""
        import tantivy

        if limit <= 0:
            return np.zeros(0, dtype=np.int64)
        hits = self._searcher.search(query, limit=limit, order_by_field=field, order=tantivy.Order.Asc).hits
        return np.fromiter((key for key, _ in hits), dtype=np.int64, count=len(hits))

    def answer(self, query: BenchQuery, full: bool = False) -> Answer:
        assert self._searcher is not None and self._table is not None
        import tantivy

        request = query.request
        terms = query.terms
        text = self._terms(terms)
        active = {"year"} if (request.year or request.year_from is not None or request.year_to is not None) else set()
        active |= {name for name in PLACE_FIELDS if getattr(request, name)}
        every = self._filters(request, "")

        if len(terms.clauses) > 1 or terms.excluded:
            report_hits = None
            if not request.section:
                report_hits = self._ordinals(self._query(REPORT, text, []), "rid", self._n_reports)
            unit_hits = self._ordinals(self._query(SECTION, text, []), "uid", self._n_units)
            final, facets, total_sections = self._table.answer(request, report_hits, unit_hits)
            page = [int(o) for o in (final if full else final[: request.per_page])]
            total_reports = len(final)
        else:
            dt, kind = (KIND_GROUP, request.section) if request.section else (REPORT, None)
            facets = {}
            for skip in sorted(active):
                facets |= self._agg(self._query(dt, text, self._filters(request, skip), kind), [skip])
            main = self._query(dt, text, every, kind)
            facets |= self._agg(main, [n for n in _FACETS if n not in active])
            result = self._searcher.search(
                main,
                limit=self._n_reports if full else request.per_page,
                order_by_field="rid",
                order=tantivy.Order.Asc,
            )
            page = [int(key) for key, _ in result.hits]
            total_reports = result.count
            facets |= {"section": self._agg(self._query(KIND_GROUP, text, every), ["kind"])["kind"]}
            units = self._agg(self._query(SECTION, text, every, request.section), ["kind"])["kind"]
            total_sections = sum(units.values())
        facets["section"] = {k: facets["section"][k] for k in SECTION_KINDS if facets["section"].get(k)}
        shown = page[: request.per_page]
        return Answer(
            report_ids=[self._table.ids[o] for o in page],
            total_reports=total_reports,
            total_sections=total_sections,
            facets=facets,
            snippets=self._snippets(shown, [t for clause in terms.clauses for t in clause]),
        )

    def _snippets(self, ordinals: list[int], terms: list[str]) -> list[list[str]]:
        import tantivy

        if not ordinals:
            return []
        q = tantivy.Query
        lookup = q.boolean_query(
            [
                (tantivy.Occur.Must, q.term_query(self._schema, "dt", REPORT, index_option="basic")),
                (tantivy.Occur.Must, q.term_set_query(self._schema, "rid", ordinals)),
            ]
        )
        hits = self._searcher.search(lookup, limit=len(ordinals), order_by_field="rid", order=tantivy.Order.Asc).hits
        return [cut_snippets(self._searcher.doc(addr)["body"][0].decode("utf-8"), terms) for _, addr in hits]

    def size_bytes(self) -> int:
        return folder_size(self.folder) if self.folder else 0

    def close(self) -> None:
        self._searcher = None
        self._index = None
