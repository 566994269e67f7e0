"""The signature block that closes a report: 特此报告, the issuer's name,
the date. It is not part of the last section's text, and it tells who
issued the report and when.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search_service.ingest.chrome_lines import is_chrome_line
from search_service.ingest.fields import date_line

_CLOSING = re.compile(r"^(?:特此报告|以上报告|专此报告)[。.！!]?$")
# An issuer's name: an office of government or party, short, no punctuation.
_ISSUER = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,40}(?:人民政府|政府|办事处|街道|委员会|党委|党工委|管委会|镇|乡|办公室)$"
)
# Lines a signature block has at most (closing, two issuers, a date, and
# chrome left after it).
MAX_SIGNATURE_LINES = 8


@dataclass(frozen=True)
class Signature:
    """`start`: index of the first line of the block (len(lines) when none);
    `issuers`: issuer lines as written; `date`: the date, YYYY-MM-DD."""

    start: int
    issuers: tuple[str, ...] = ()
    date: str | None = None


def find_signature(lines: Sequence[str]) -> Signature:
    """The signature block at the end of `lines`, with trailing chrome."""
    start = len(lines)
    issuers: list[str] = []
    date: str | None = None
    while start > 0 and len(lines) - start < MAX_SIGNATURE_LINES:
        line = lines[start - 1].strip()
        if is_chrome_line(line):
            pass
        elif (found := date_line(line)) is not None:
            date = date or found
        elif _ISSUER.match(line):
            issuers.insert(0, line)
        elif _CLOSING.match(line):
            start -= 1
            break
        else:
            break
        start -= 1
    return Signature(start=start, issuers=tuple(issuers), date=date)
