"""Highlighted snippets: every matched occurrence shown is marked.

Matches are found in the normalised text (the same rule as membership) and
mapped back to the text as written, so “八五”普法 is marked whole for 八五普法 and
a term broken over a line is marked across the break. Overlapping matches are
merged into one mark. A snippet is cut at sentence or clause boundaries and
aims at TARGET characters.
"""

from __future__ import annotations

import bisect
import html
import re

import numpy as np

from search_service.text import normalize_with_origin

TARGET = 100
MAX_LENGTH = 120
_SENTENCE_END = "。！？；!?;\n"
_CLAUSE_END = "，、：,:"
# The first mark after a point, and (greedy) the last one before it.
_SENTENCE_MARK = re.compile(f"[{re.escape(_SENTENCE_END)}]")
_CLAUSE_MARK = re.compile(f"[{re.escape(_CLAUSE_END)}]")
_LAST_SENTENCE_MARK = re.compile(f"(?s:.*)[{re.escape(_SENTENCE_END)}]")
_LAST_CLAUSE_MARK = re.compile(f"(?s:.*)[{re.escape(_CLAUSE_END)}]")


def match_spans(text: str, norm_terms: list[str]) -> list[tuple[int, int]]:
    """Merged [start, end) spans of text covering every occurrence."""
    norm, origin = normalize_with_origin(text)
    spans, _ = _spans(norm, origin, [t for t in norm_terms if t], len(norm))
    return spans


def _spans(norm: str, origin: np.ndarray, terms: list[str], most: int) -> tuple[list[tuple[int, int]], int]:
    """Merged spans (in the text as written) of the occurrences that start
    before normalised index `known`, and known: the occurrences of each term
    are looked for until `most` are found (a common term can occur hundreds
    of times in a section, and a few snippets need the first ones)."""
    known = len(norm)
    firsts: list[int] = []  # normalised index of each occurrence's first character
    lasts: list[int] = []  # and of its last
    for term in terms:
        size = len(term) - 1
        end = known + size  # so that find looks at occurrences starting before known
        start = norm.find(term, 0, end)
        count = 0
        while start != -1:
            if count == most:
                known = start
                break
            firsts.append(start)
            lasts.append(start + size)
            count += 1
            start = norm.find(term, start + 1, end)
    if len(terms) > 1:  # a later term may have lowered known
        kept = [i for i, first in enumerate(firsts) if first < known]
        firsts = [firsts[i] for i in kept]
        lasts = [lasts[i] for i in kept]
    if not firsts:
        return [], known
    spans = zip(origin[firsts].tolist(), (origin[lasts] + 1).tolist(), strict=True)
    if len(terms) > 1:
        spans = sorted(spans)  # one term's occurrences come in order
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged, known


def _boundary_left(text: str, pos: int, limit: int) -> int:
    """Start of the sentence (else clause) holding pos, not before limit."""
    for marks in (_LAST_SENTENCE_MARK, _LAST_CLAUSE_MARK):
        found = marks.match(text, limit, pos)
        if found:
            return found.end()
    return limit


def _boundary_right(text: str, pos: int, limit: int) -> int:
    """End of the sentence (else clause) holding pos, not after limit."""
    for marks in (_SENTENCE_MARK, _CLAUSE_MARK):
        found = marks.search(text, pos, limit)
        if found:
            return found.end()
    return limit


def _window(text: str, span: tuple[int, int], floor: int = 0) -> tuple[int, int]:
    s, e = span
    room = max(0, TARGET - (e - s))
    left = _boundary_left(text, s, max(floor, s - room // 2 - 20))
    right = _boundary_right(text, e, min(len(text), e + room - (s - left) + 20))
    if right - left > MAX_LENGTH:  # no boundary near: cut evenly around the match
        left = max(0, min(s, s - (MAX_LENGTH - (e - s)) // 2))
        right = min(len(text), max(e, left + MAX_LENGTH))
    return left, right


def render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    """HTML of text[start:end] with <mark> around spans; all else escaped."""
    out = ["…" if start > 0 else ""]
    cursor = start
    # Most windows hold nothing to escape: then the pieces are taken as they are.
    escape = html.escape if _ESCAPED.search(text, start, end) else str
    # Spans are sorted and disjoint: begin at the last one starting at or before start.
    for s, e in spans[max(0, bisect.bisect_right(spans, (start, start)) - 1) :]:
        if s >= end:
            break
        if e <= start:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[cursor:s]))
        out.append("<mark>" + escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    snippet = "".join(out)
    return _squash(snippet) if _SPACE.search(text, start, end) else snippet


_SPACE = re.compile(r"\s")
_ESCAPED = re.compile("[&<>\"']")  # what html.escape replaces
_CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f<])|(?<=[^\x00-\x7f]</mark>)\s+|\s+(?=<mark>[^\x00-\x7f])")


def _squash(snippet: str) -> str:
    """Line breaks and indentation out: none between Chinese characters,
    one space elsewhere."""
    return re.sub(r"\s+", " ", _CJK_GAP.sub("", snippet)).strip()


# Occurrences are looked for a few at a time: a section can hold hundreds of
# a common term, and three snippets need the first few.
_FIRST_COUNT = 32


def snippets(text: str, norm_terms: list[str], limit: int = 3) -> list[str]:
    """Up to `limit` snippets of text, each with every match in it marked."""
    return [html for html, _ in located_snippets(text, norm_terms, limit)]


def located_snippets(text: str, norm_terms: list[str], limit: int = 3) -> list[tuple[str, int]]:
    """As `snippets`, each with the offset in `text` of its first match
    (where a citation of the snippet points)."""
    norm, origin = normalize_with_origin(text)
    terms = [t for t in norm_terms if t]
    most = _FIRST_COUNT
    while True:
        spans, known = _spans(norm, origin, terms, most)
        windows = _windows(text, spans, limit)
        if known == len(norm):
            break
        # Every occurrence that starts before text[origin[known]] is in
        # spans (later ones start at or after it): a window ending before it
        # shows all the occurrences it holds, and its first span has its
        # full extent.
        if len(windows) == limit and windows[-1][1] < int(origin[known]):
            break
        most *= 4
    return [(render(text, left, right, spans), first) for left, right, first in windows]


def _windows(text: str, spans: list[tuple[int, int]], limit: int) -> list[tuple[int, int, int]]:
    """The windows shown (left, right, start of the span it is cut
    around): around the first span, then the first span after it, and so
    on."""
    windows: list[tuple[int, int, int]] = []
    covered_until = -1
    for span in spans:
        if span[0] < covered_until:
            continue
        left, right = _window(text, span, max(covered_until, 0))
        windows.append((left, right, span[0]))
        covered_until = right
        if len(windows) >= limit:
            break
    return windows


def mark_all(text: str, norm_terms: list[str], display: str | None = None) -> str:
    """The whole text as HTML with every match marked (report view).

    Matches are found in `text` (simplified); `display`, the text as written
    (traditional characters), is shown instead when it aligns character for
    character, which OpenCC's conversion almost always keeps."""
    spans = match_spans(text, norm_terms)
    if display is not None and len(display) == len(text):
        text = display
    out = []
    cursor = 0
    for s, e in spans:
        out.append(html.escape(text[cursor:s]))
        out.append("<mark>" + html.escape(text[s:e]) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:]))
    return "".join(out)
