"""Dates as pages and files write them -> ISO `YYYY-MM-DD`.

Web pages write 2025-01-07 15:15:56, 2021/6/18, 2021.06.18 or 2022年12月8日;
PDF metadata writes D:20240115093000+08'00'. Everything that ends up in
RawDocument.meta goes through `iso_date`, so parsing can rely on one shape.
"""

from __future__ import annotations

import datetime as dt
import re

from search_service.ingest.numerals import ascii_digits

# Year 19xx/20xx, then month and day separated by - / . 年 月 (日 optional).
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d)",
)
# Day first, as a few sites write it: 25.02.2016 10:00.
_DAY_FIRST = re.compile(r"(?<!\d)(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d\d)(?!\d)")
# PDF date strings: D:YYYYMMDD..., the "D:" prefix is optional in practice.
_PDF_DATE = re.compile(r"^(?:D:)?(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)")


def iso_date(value: object) -> str | None:
    """The first valid calendar date in `value` as YYYY-MM-DD, else None.

    Accepts a date/datetime, a PDF date string or free text containing a
    date; impossible dates (2024-02-30) give None rather than a guess."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return None
    text = ascii_digits(str(value).strip())
    match = _PDF_DATE.match(text) or _DATE.search(text) or _DAY_FIRST.search(text)
    if match is None:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return None
