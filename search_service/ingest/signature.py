"""The signature block that closes a report: 特此报告, the issuer's name,
the date. It is not part of the last section's text, and it tells who
issued the report and when.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from search_service.ingest.chrome import is_chrome_line
from search_service.ingest.fields import date_line

_CLOSING = re.compile(r"^(?:特此报告|以上报告|专此报告)[。.！!]?$")
# An issuer's name: an office of government or party, short, no punctuation.
_ISSUER = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,40}(?:人民政府|政府|办事处|街道|委员会|党委|党工委|管委会|镇|乡|苏木|办公室|"
    r"局|厅|委|中心|司法所|服务中心|行署)$"
)
# Issuer and date on one line: 借母溪乡人民政府    2024年1月16日.
_ISSUER_AND_DATE = re.compile(r"^(\S+)\s+(\S+日)$")
# Notes printed under the date: （此件公开发布）, （此件主动公开）, （联系人：…）.
_NOTE = re.compile(r"^[（(]\s*(?:此件|本件|联系人|联系电话)[^（）()]{0,40}[）)]$")
# A 文件's footer under the signature: 抄送：…, 双溪乡党政办公室 2024年1月10日印发.
_DOC_FOOTER = re.compile(r"^(?:抄送|抄报|分送|联系人|联系电话)\s*[:：].{0,80}$|^.{0,40}日\s*印发$")
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


def is_issuer_line(line: str) -> bool:
    """A line that is only an office's name (遂溪县人民政府遂城街道办事处)."""
    return _ISSUER.match(line.strip()) is not None


def _issuer_and_date(line: str) -> tuple[str, str] | None:
    match = _ISSUER_AND_DATE.match(line)
    if match is None or not _ISSUER.match(match.group(1)):
        return None
    found = date_line(match.group(2))
    return (match.group(1), found) if found is not None else None


def find_signature(lines: Sequence[str]) -> Signature:
    """The signature block at the end of `lines`, with trailing chrome."""
    start = len(lines)
    issuers: list[str] = []
    date: str | None = None
    while start > 0 and len(lines) - start < MAX_SIGNATURE_LINES:
        line = lines[start - 1].strip()
        trailing_note = (_NOTE.match(line) or _DOC_FOOTER.match(line)) and not issuers and date is None
        if is_chrome_line(line) or trailing_note:
            pass
        elif (found := date_line(line)) is not None:
            date = date or found
        elif _ISSUER.match(line):
            issuers.insert(0, line)
        elif len(names := line.split()) > 1 and all(_ISSUER.match(name) for name in names):
            # Joint issuers on one line: 中共瓜沥镇委员会　瓜沥镇人民政府.
            issuers[:0] = names
        elif (both := _issuer_and_date(line)) is not None:
            issuers.insert(0, both[0])
            date = date or both[1]
        elif _CLOSING.match(line):
            start -= 1
            break
        else:
            break
        start -= 1
    return Signature(start=start, issuers=tuple(issuers), date=date)
