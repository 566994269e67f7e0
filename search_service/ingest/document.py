"""What reading hands to parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".html", ".htm", ".docx", ".pdf"})
_CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_chinese(text: str, at_least: int) -> bool:
    """Whether `text` has `at_least` Chinese characters. It stops counting
    there: counting a whole report's (findall) was a tenth of parsing's time."""
    return sum(1 for _ in islice(_CHINESE.finditer(text), max(at_least, 0))) >= at_least


@dataclass
class RawDocument:
    """A file's text after reading and cleaning, before any field is found.

    `text`: paragraphs separated by "\\n", web chrome and word-processor
    artefacts removed, lines broken inside a sentence re-joined, original
    characters (traditional ones included) kept.
    `meta`: what the page or file said about itself outside the article body,
    e.g. {"published": "2025-01-07", "index_number": "11500110733965117G/2021-00042",
    "issuer": "万盛关坝镇", "html_title": "...", "docx_created": "..."}; keys are
    documented in reading.py.
    """

    source: str
    text: str
    format: str
    encoding: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
