"""Extracted text -> clean paragraphs plus the page metadata the chrome held.

The steps, in order, each a small function:

    drop pinyin glosses -> split lines -> normalise spaces, drop artefacts -> capture metadata
    -> drop chrome and page marks -> re-join broken lines

Metadata is captured before chrome is removed because the chrome is where
it lives (发布日期, 索引号, 来源).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search_service.ingest.chrome import (
    ARTEFACTS,
    capture_meta,
    close_spaced_labels,
    is_chrome,
    is_page_mark,
    split_trailing_meta,
    strip_artefacts,
)
from search_service.ingest.rejoining import Line, rejoin

# Every kind of space, the ideographic one included, becomes one ASCII space.
_SPACES = re.compile(r"[^\S\n]+")
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
# 法 治 政 府 建 设: a letter-spaced line, written as spaced-out single characters.
_LETTER_SPACED = re.compile(rf"{_CJK}(?: {_CJK}){{2,}}")
# A space next to Chinese punctuation is layout (an HTML source line break,
# a PDF gap), never writing: "指导， 认真" is "指导，认真".
_SPACE_AT_PUNCTUATION = re.compile(r" *([，。、；：？！“”‘’（）《》【】〔〕…]) *")
# Leading whitespace that marks an indented paragraph: two spaces or any ideographic space / tab.
_INDENT = re.compile(r"^(?: {2,}|[\u3000\t\xa0]{1,})")


# A pinyin gloss after a character, as reposting sites add them: 内(nèi)蒙(měng)古.
# Latin letters with tone marks (or a tone digit) in brackets right after a
# Han character; removed only from a text holding several, so that a lone
# "(a)" or an English word in brackets stays.
_PINYIN_GLOSS = re.compile(rf"(?<={_CJK})[（(]\s*[a-zü\u00e0-\u00fc\u0101-\u01dc]{{1,6}}[1-5]?\s*[)）]")
_TONE_MARK = re.compile(r"[\u00e0-\u00fc\u0101-\u01dc]")
MIN_PINYIN_GLOSSES = 3


def drop_pinyin_glosses(text: str) -> str:
    """`text` without the pinyin a mirror wrote after its characters."""
    if ("(" not in text and "（" not in text) or _TONE_MARK.search(text) is None:
        return text
    glosses = _PINYIN_GLOSS.findall(text)
    if len(glosses) < MIN_PINYIN_GLOSSES or not any(_TONE_MARK.search(gloss) for gloss in glosses):
        return text
    return _PINYIN_GLOSS.sub("", text)


@dataclass(frozen=True)
class Cleaned:
    text: str
    meta: dict[str, str] = field(default_factory=dict)


def clean_text(text: str) -> Cleaned:
    """Clean paragraphs separated by "\\n" (no blank lines) and the metadata
    read from the chrome. Characters are kept as written: traditional stays
    traditional, full-width stays full-width."""
    raw_lines = _split_metadata_off(drop_pinyin_glosses(text).split("\n"))
    # A text without artefacts has none in any of its lines: most texts skip
    # removing them line by line.
    if ARTEFACTS.search(text) is None:
        texts = [_normalise_spaces(line) for line in raw_lines]
        stripped = raw_lines
    else:
        stripped = [strip_artefacts(line) for line in raw_lines]
        texts = [_normalise_spaces(line) for line in stripped]
    meta = capture_meta(texts)
    lines = _drop_chrome(stripped, texts)
    return Cleaned("\n".join(rejoin(lines)), meta)


def _split_metadata_off(lines: list[str]) -> list[str]:
    """A line that carries the page's metadata after its text becomes two."""
    result: list[str] = []
    for line in lines:
        parts = split_trailing_meta(line)
        result.extend(parts if parts is not None else (line,))
    return result


def normalise_line(line: str) -> str:
    """One line with artefacts removed, spaces collapsed and trimmed."""
    return _normalise_spaces(strip_artefacts(line))


def _normalise_spaces(line: str) -> str:
    """normalise_line of a line without artefacts."""
    text = _SPACES.sub(" ", line).strip()
    # The space rules below change only lines with a space (most have none).
    if " " not in text:
        return close_spaced_labels(text)
    text = _SPACE_AT_PUNCTUATION.sub(r"\1", text)
    text = close_spaced_labels(text)
    if _LETTER_SPACED.fullmatch(text):
        text = text.replace(" ", "")
    return text


def _drop_chrome(stripped_lines: list[str], texts: list[str]) -> list[Line]:
    """Lines worth keeping, each knowing the breaks before it. A removed
    chrome line is a hard break (the title above a 发布日期 line is not
    continued by the article below it); a removed page mark is not (a
    sentence runs on across a page). `stripped_lines` are the raw lines
    without their artefacts."""
    lines: list[Line] = []
    blanks = 0
    for raw, text in zip(stripped_lines, texts, strict=True):
        if not text:
            blanks += 1
        elif is_chrome(text):
            blanks += 2
        elif not is_page_mark(text):
            indented = _INDENT.match(raw) is not None
            lines.append(Line(text, indented=indented, blanks_before=blanks))
            blanks = 0
    return lines
