"""Streaming exports of a whole result set: CSV (UTF-8 with BOM, so that
Excel opens Chinese correctly) and JSON Lines. The analyses' CSV downloads
stream through the same csv_response."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response

from search_service.model import REPORT_FIELDS, ReportHit
from search_service.search import Matches, hits_for
from search_service.search.reader import OpenIndex

CHUNK = 50
FIELDS = (*REPORT_FIELDS, "score")
_TAG = re.compile(r"</?mark>")


def plain(snippet: str) -> str:
    """A snippet without markup, for spreadsheets."""
    return html.unescape(_TAG.sub("", snippet))


def _first_snippet(hit: ReportHit) -> str:
    for section in hit.sections:
        if section.snippets:
            return section.snippets[0]
    return ""


def _hits(index: OpenIndex, matches: Matches) -> Iterator[ReportHit]:
    for start in range(0, len(matches.ordered), CHUNK):
        yield from hits_for(index, matches, start, start + CHUNK, snippet_limit=1)


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """CSV lines, UTF-8 with a BOM first (so that Excel reads Chinese), one
    row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def csv_response(rows: Iterable[list[Any]], filename: str) -> Response:
    """A streamed CSV download of rows (the header first) named filename."""
    response = Response(csv_lines(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def export_rows(index: OpenIndex, matches: Matches) -> Iterator[list[Any]]:
    """search.csv: the header, then a row per matching report."""
    terms = [t.shown for t in matches.parsed.positive_terms]
    yield [*FIELDS, *(f"mentions:{t}" for t in terms), "snippet"]
    for hit in _hits(index, matches):
        row = [getattr(hit, name) for name in FIELDS]
        yield (
            ["" if v is None else v for v in row]
            + [hit.mentions.get(t, 0) for t in terms]
            + [plain(_first_snippet(hit))]
        )


def export_jsonl(index: OpenIndex, matches: Matches) -> Iterator[str]:
    for hit in _hits(index, matches):
        record = {name: getattr(hit, name) for name in FIELDS}
        record["mentions"] = hit.mentions
        record["snippet"] = _first_snippet(hit)
        yield json.dumps(record, ensure_ascii=False) + "\n"
