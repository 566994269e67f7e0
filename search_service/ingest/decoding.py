"""Bytes of a text or HTML file -> str, with the encoding detected, not assumed.

Order, most certain first: a byte-order mark; strict UTF-8; then the Chinese
legacy encodings and charset-normalizer's guess, each decoded strictly and
scored by how much of the result is common Chinese text. charset-normalizer
alone mis-detects short Chinese texts (a GBK paragraph can come back as
cp949 or shift_jis), which is why its guess is only one candidate.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from functools import cache

from charset_normalizer import from_bytes

from search_service.ingest.unreadable import Unreadable

log = logging.getLogger(__name__)

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # (mark, codec that strips it, name reported)
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
# Legacy encodings Chinese reports come in; gb18030 is a superset of gbk/gb2312.
_LEGACY_CANDIDATES = ("gb18030", "big5")
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn"})
# charset-normalizer looks at this much; the whole file is then decoded strictly.
_SNIFF_BYTES = 64 * 1024
# How much of the decoded text the scorer reads.
_SCORE_CHARS = 20_000
# A decoding whose non-ASCII characters are less "common Chinese" than this is wrong.
_MIN_LIKENESS = 0.85
# Control characters other than tab, newlines and form feed mean binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_MAX_CONTROL_SHARE = 0.01
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode a text file's bytes; newlines come back as "\\n".

    Raises Unreadable when the bytes are empty, binary, or decode to nothing
    that looks like text in any candidate encoding."""
    if not data.strip():
        raise Unreadable("empty file")
    decoded = _decode_with_bom(data) or _decode_utf8(data) or _decode_by_detection(data)
    if decoded is None:
        raise Unreadable("binary data or unknown text encoding")
    text = _NEWLINES.sub("\n", decoded.text)
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise Unreadable(f"binary data (decoded as {decoded.encoding} it is mostly control characters)")
    return Decoded(text, decoded.encoding)


def chinese_likeness(text: str) -> float:
    """Share of the non-ASCII letters in `text` that are common Chinese
    characters or CJK punctuation; 0.0 when there are none.

    A wrong decoding of Chinese bytes yields rare characters, Hangul, kana or
    symbols, so the right candidate scores near 1 and wrong ones far lower."""
    common = _common_chinese()
    considered = hits = 0
    for char in text[:_SCORE_CHARS]:
        if char.isascii() or char.isspace():
            continue
        considered += 1
        if (
            char in common
            or "\u3000" <= char <= "\u303f"
            or "\uff00" <= char <= "\uffef"
            or "\u2010" <= char <= "\u2027"
        ):
            hits += 1
    return hits / considered if considered else 0.0


def _decode_with_bom(data: bytes) -> Decoded | None:
    for mark, codec, name in _BOMS:
        if data.startswith(mark):
            try:
                return Decoded(data.decode(codec), name)
            except UnicodeDecodeError as exc:
                raise Unreadable(f"starts with a {name} byte-order mark but is not valid {name}: {exc.reason}") from exc
    return None


def _decode_utf8(data: bytes) -> Decoded | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # NUL bytes in valid UTF-8 mean UTF-16 without a mark, or binary data.
    return None if "\x00" in text else Decoded(text, "utf-8")


def _decode_by_detection(data: bytes) -> Decoded | None:
    best: tuple[float, Decoded] | None = None
    for encoding in _candidate_encodings(data):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if "\x00" in text:
            continue
        score = chinese_likeness(text)
        log.debug("candidate %s scores %.3f", encoding, score)
        if best is None or score > best[0]:
            best = (score, Decoded(text, encoding))
    if best is None:
        return None
    score, decoded = best
    if score >= _MIN_LIKENESS:
        return decoded
    # Not Chinese in any candidate: accept a clean single-byte decoding only
    # when it is almost pure ASCII (an English file), which reading then
    # refuses with "no Chinese text" rather than "binary".
    if _control_share(decoded.text) == 0 and sum(not c.isascii() for c in decoded.text) < len(decoded.text) * 0.05:
        return decoded
    return None


def _candidate_encodings(data: bytes) -> list[str]:
    candidates = list(_LEGACY_CANDIDATES)
    guess = from_bytes(data[:_SNIFF_BYTES]).best()
    if guess is not None:
        name = guess.encoding.lower()
        name = "gb18030" if name in _GB_FAMILY else name
        if name not in candidates:
            candidates.append(name)
    return candidates


def _control_share(text: str) -> float:
    sample = text[:_SCORE_CHARS]
    return len(_CONTROL.findall(sample)) / len(sample) if sample else 0.0


@cache
def _common_chinese() -> frozenset[str]:
    """GB2312's 6,763 hanzi plus Big5's 5,401 common ones: the characters real
    simplified and traditional reports are made of."""
    chars: set[str] = set()
    for lead in range(0xB0, 0xF8):  # GB2312 levels 1 and 2
        for trail in range(0xA1, 0xFF):
            _add_decoded(chars, bytes((lead, trail)), "gb2312")
    for lead in range(0xA4, 0xC7):  # Big5 level 1
        for trail in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            _add_decoded(chars, bytes((lead, trail)), "big5")
    return frozenset(chars)


def _add_decoded(chars: set[str], pair: bytes, encoding: str) -> None:
    try:
        chars.add(pair.decode(encoding))
    except UnicodeDecodeError:
        return
