"""The Whoosh index of jieba words: one document per section.

It is keyed by report, town, year and section kind, and serves what words are
good for: the vocabulary behind "did you mean" suggestions and word-level
statistics. Which reports *mention* a term is never decided here (see
search/exact.py): jieba cuts the same term differently in different contexts.

Building it is mostly jieba's time, so the words are counted where the
reports are parsed (in the build's worker processes, `report_words`) and the
writer receives counts, not text (`WordCounts`). The fields keep word
frequencies, not positions, and nothing is stored: the section texts live in
the segment's text frames already.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter

from search_service.model import Report
from search_service.text import normalize, words


class JiebaWordTokenizer(Tokenizer):
    """Whoosh tokenizer over search_service.text.words.

    Unlike jieba's own ChineseAnalyzer it numbers tokens 0, 1, 2 ... (not by
    character offset), keeps digits and Latin words, sees every script and
    applies no English stemmer: the text is normalised by the contract's rule
    first, and queries go through the very same function.
    """

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterable[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for number, (word, start, end) in enumerate(words(value)):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = word
            if positions:
                token.pos = start_pos + number
            if chars:
                # Offsets in the normalised text, which is what is searched.
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


def word_analyzer() -> JiebaWordTokenizer:
    return JiebaWordTokenizer()


class WordCounts(dict):  # type: ignore[type-arg]
    """A field value already analysed: word -> occurrences (see report_words)."""


# Posting values of small frequencies, shared rather than made per posting.
_PACKED_FREQUENCIES = [pack_uint(n) for n in range(256)]


def _packed(freq: int) -> bytes:
    return _PACKED_FREQUENCIES[freq] if freq < 256 else pack_uint(freq)


class CountedText(TEXT):
    """A TEXT field (frequencies only) that also takes WordCounts, so that the
    writer does no analysis; what it indexes equals analysing the text."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        if not isinstance(value, WordCounts):
            return super().index(value, **kwargs)
        boost = self.format.field_boost
        return ((word.encode("utf-8"), freq, freq * boost, _packed(freq)) for word, freq in value.items())


class TermGroupedPool:
    """A drop-in for Whoosh's posting pool that keeps postings in memory,
    grouped by term as they arrive.

    Whoosh's own pool keeps each posting as a tuple and, past its memory
    limit, pickles sorted runs to disk and merges them back: that was more
    than half of the word index's writing time at 2,000 reports, and its
    in-memory alternative costs about 200 bytes a posting. Here a posting is
    a document number and a weight in typed arrays plus a reference to a
    shared value (about 20 bytes), and sorting orders the distinct terms, not
    the postings. Postings come out in Whoosh's order: field, term, document.
    """

    def __init__(self) -> None:
        self._terms: dict[tuple[str, bytes], _Postings] = {}
        # Postings of counted fields (add_counts), by field and word: encoded
        # once per distinct word when the postings are read out.
        self._counted: dict[str, dict[str, _Postings]] = {}
        self.fieldnames: set[str] = set()

    def add(self, item: tuple[str, bytes, int, float, bytes]) -> None:
        fieldname, btext, docnum, weight, value = item
        group = self._terms.get((fieldname, btext))
        if group is None:
            group = self._terms[(fieldname, btext)] = (array("I"), array("d"), [])
            self.fieldnames.add(fieldname)
        group[0].append(docnum)
        group[1].append(weight)
        group[2].append(value)

    def add_counts(self, fieldname: str, docnum: int, counts: WordCounts, boost: float) -> int:
        """The postings of one document's counted field (CountedText.index's
        items, weighted as add_document weighs them) in one call rather than
        one per posting; returns the field's length."""
        terms = self._counted.get(fieldname)
        if terms is None:
            terms = self._counted[fieldname] = {}
        for word, freq in counts.items():
            group = terms.get(word)
            if group is None:
                group = terms[word] = (array("I"), array("d"), [])
                self.fieldnames.add(fieldname)
            group[0].append(docnum)
            group[1].append(freq * boost)
            group[2].append(_PACKED_FREQUENCIES[freq] if freq < 256 else pack_uint(freq))
        return sum(counts.values())

    def _all_terms(self) -> dict[tuple[str, bytes], _Postings]:
        terms = dict(self._terms)
        for fieldname, counted in self._counted.items():
            for word, group in counted.items():
                key = (fieldname, word.encode("utf-8"))
                found = terms.get(key)
                if found is None:
                    terms[key] = group
                else:  # also added through add(): one list, put in order below
                    terms[key] = (found[0] + group[0], found[1] + group[1], found[2] + group[2])
        return terms

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        terms = self._all_terms()
        for key in sorted(terms):
            fieldname, btext = key
            docnums, weights, values = terms[key]
            order: Iterable[int] = range(len(docnums))
            if any(docnums[i] >= docnums[i + 1] for i in range(len(docnums) - 1)):
                order = sorted(order, key=docnums.__getitem__)
            for i in order:
                yield fieldname, btext, docnums[i], weights[i], values[i]

    def save(self) -> None:
        """Whoosh's pool spills here; this one never needs to."""

    def cleanup(self) -> None:
        self._terms.clear()
        self._counted.clear()


# One term's postings in a pool: document numbers, weights, values.
_Postings = tuple["array[int]", "array[float]", list[bytes]]


def add_document(writer: SegmentWriter, fields: dict[str, Any]) -> None:
    """Whoosh's SegmentWriter.add_document (whoosh 2.7 as pinned) for a
    schema of plain fields, where a CountedText field given WordCounts hands
    all its postings to the pool at once (TermGroupedPool.add_counts): one
    call per word through Field.index and the pool was a third of the build's
    main process. The index written is the same (a test compares every
    posting and field length); any other schema goes through Whoosh."""
    schema = writer.schema
    fast = getattr(writer, "_counted_fast", None)
    if fast is None:  # decided once per writer, not per document
        fast = writer._counted_fast = isinstance(writer.pool, TermGroupedPool) and _plain(schema)
    if not fast:
        writer.add_document(**fields)
        return
    writer._check_state()
    perdocwriter = writer.perdocwriter
    docnum = writer.docnum
    pool = writer.pool
    docboost = writer._doc_boost(fields)
    fieldnames = sorted(name for name in fields if not name.startswith("_"))
    writer._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                fieldboost = writer._field_boost(fields, fieldname, docboost)
                if isinstance(value, WordCounts) and isinstance(field, CountedText) and fieldboost == 1.0:
                    counted = pool.add_counts(fieldname, docnum, value, field.format.field_boost)
                    length = counted if field.scorable else 0
                else:
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if field.scorable:
                            length += freq
                        pool.add((fieldname, tbytes, docnum, weight * fieldboost, vbytes))
            perdocwriter.add_field(fieldname, field, None, length)
    except ValueError:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


def _plain(schema: Schema) -> bool:
    """No stored value, vector, column or separate spelling field: the
    branches of add_document that add_document above leaves out."""
    return all(
        not (field.stored or field.vector or field.column_type or field.separate_spelling())
        for _, field in schema.items()
    )


def writer(ix: whoosh_index.Index) -> SegmentWriter:
    """A writer of ix that pools postings with TermGroupedPool and gives its
    commit each document's field lengths from memory."""
    w = ix.writer()
    w.pool = TermGroupedPool()
    per_document_reader = w.per_document_reader
    w.per_document_reader = lambda: _LengthsRead(per_document_reader())
    return w


class _LengthsRead:
    """The per-document reader a commit reads the field length of every
    posting's document from (FieldWriter.add_postings), with each field's
    lengths read once into a list: read from the file once per posting, as
    Whoosh does, they were a third of the commit. Everything else is the
    reader's own."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader

    def doc_field_length_reader(self, fieldname: str) -> Callable[[int], int]:
        length_of = self._reader.doc_field_length_reader(fieldname)
        return [length_of(docnum) for docnum in range(self._reader.doc_count_all())].__getitem__

    def __getattr__(self, name: str) -> Any:
        return getattr(self._reader, name)


def schema() -> Schema:
    analyzer = word_analyzer()
    return Schema(
        report_id=ID(),
        town=ID(),
        year=NUMERIC(numtype=int),
        kind=ID(),
        title=CountedText(analyzer=analyzer, phrase=False, field_boost=3.0),
        content=CountedText(analyzer=analyzer, phrase=False, spelling=True),
    )


def create(folder: Path) -> whoosh_index.Index:
    folder.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(folder), schema())


def open_words(folder: Path) -> whoosh_index.Index:
    return whoosh_index.open_dir(str(folder))


# ------------------------------------------------------------------ counting


class _BlockWords:
    """jieba's words of normalised text, counted, remembering each block.

    jieba (cut without HMM) splits text into blocks at its `re_han_default`
    pattern (runs of Han characters, Latin letters and digits) and segments
    each block on its own, so the words of a text are the words of its
    blocks in order. Reports repeat many phrases, and a repeated block costs a
    dictionary look-up instead of a segmentation. The result is exactly
    `text.words`, which a test checks.
    """

    MAX_BLOCKS = 400_000

    def __init__(self) -> None:
        import jieba

        self._split = jieba.re_han_default.split
        self._known: dict[str, list[str]] = {}

    def counts(self, text: str, normalised: bool = False) -> WordCounts:
        """Word counts of text (already normalised when `normalised`)."""
        found: list[str] = []
        known = self._known
        for block in self._split(text if normalised else normalize(text)):
            block_words = known.get(block)
            if block_words is None:
                if len(known) >= self.MAX_BLOCKS:
                    known.clear()
                block_words = known[block] = [w for w, _, _ in words(block)]
            found += block_words
        return WordCounts(Counter(found))


@lru_cache(maxsize=1)
def _block_words() -> _BlockWords:
    return _BlockWords()


@dataclass(frozen=True)
class ReportWords:
    """A report's words as the word index takes them: the title's, and each
    section's (heading and text)."""

    title: WordCounts
    sections: list[WordCounts]


def report_words(report: Report, normalised_units: Sequence[str] | None = None) -> ReportWords:
    """The words of report. `normalised_units` (its searchable units,
    normalised) saves normalising again: a section's unit is its heading and
    text, except the first's, which starts with the title."""
    counter = _block_words()
    sections = []
    for position, section in enumerate(report.sections):
        if normalised_units is not None and position > 0:
            sections.append(counter.counts(normalised_units[position], normalised=True))
        else:
            sections.append(counter.counts(section.heading + "\n" + section.text))
    return ReportWords(counter.counts(report.title or ""), sections)


def add_report(writer: SegmentWriter, report: Report, found: ReportWords) -> None:
    """One document per section; the title goes with the first."""
    for position, (section, content) in enumerate(zip(report.sections, found.sections, strict=True)):
        fields: dict[str, object] = {
            "report_id": report.report_id,
            "town": report.town or "",
            "year": report.year or 0,
            "kind": section.kind,
            "content": content,
        }
        if position == 0 and found.title:
            fields["title"] = found.title
        add_document(writer, fields)
