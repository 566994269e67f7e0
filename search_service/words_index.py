"""The Whoosh index of jieba words: one document per section.

It is keyed by report, town, year and section kind, and serves what words are
good for: the vocabulary behind "did you mean" suggestions and word-level
statistics. Which reports *mention* a term is never decided here (see
search/exact.py): jieba cuts the same term differently in different contexts.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema

from search_service.text import words


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


def schema() -> Schema:
    analyzer = word_analyzer()
    return Schema(
        report_id=ID(stored=True),
        unit=NUMERIC(stored=True, numtype=int),
        town=ID(stored=True),
        year=NUMERIC(stored=True, numtype=int),
        kind=ID(stored=True),
        title=TEXT(analyzer=analyzer, field_boost=3.0),
        content=TEXT(analyzer=analyzer, spelling=True),
        source=STORED(),
    )


def create(folder: Path) -> whoosh_index.Index:
    folder.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(folder), schema())


def open_words(folder: Path) -> whoosh_index.Index:
    return whoosh_index.open_dir(str(folder))
