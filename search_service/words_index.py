"""The Whoosh index of jieba words: one document per section.

It is keyed by report, town, year and section kind, and serves what words are
good for: the vocabulary behind "did you mean" suggestions and word-level
statistics. Which reports *mention* a term is never decided here (see
search/exact.py): jieba cuts the same term differently in different contexts.

Building it is mostly jieba's time, so the words are counted where the
reports are parsed (in the build's worker processes, `report_words`) and the
writer receives counts, not text (`WordCounts`). The fields keep word
frequencies, not positions, and nothing is stored: the section texts live in
the generation's texts.bin already.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
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

# Bumped when the schema changes; recorded in meta.json with the format.
SCHEMA_VERSION = 2


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


class CountedText(TEXT):
    """A TEXT field (frequencies only) that also takes WordCounts, so that the
    writer does no analysis; what it indexes equals analysing the text."""

    def index(self, value: Any, **kwargs: Any) -> Any:
        if not isinstance(value, WordCounts):
            return super().index(value, **kwargs)
        boost = self.format.field_boost
        return ((word.encode("utf-8"), freq, freq * boost, pack_uint(freq)) for word, freq in value.items())


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

    def counts(self, text: str) -> WordCounts:
        found: Counter[str] = Counter()
        known = self._known
        for block in self._split(normalize(text)):
            if not block:
                continue
            block_words = known.get(block)
            if block_words is None:
                if len(known) >= self.MAX_BLOCKS:
                    known.clear()
                block_words = known[block] = [w for w, _, _ in words(block)]
            found.update(block_words)
        return WordCounts(found)


@lru_cache(maxsize=1)
def _block_words() -> _BlockWords:
    return _BlockWords()


@dataclass(frozen=True)
class ReportWords:
    """A report's words as the word index takes them: the title's, and each
    section's (heading and text)."""

    title: WordCounts
    sections: list[WordCounts]


def report_words(report: Report) -> ReportWords:
    counter = _block_words()
    sections = [counter.counts(section.heading + "\n" + section.text) for section in report.sections]
    return ReportWords(counter.counts(report.title), sections)


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
        writer.add_document(**fields)
