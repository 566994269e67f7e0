"""Chinese numerals as reports write them: years (二〇二四), dates (十二月八日)
and the ordinals of headings (一、 十一、 第三部分).

Kept apart because fields (year, published) and sections (heading order)
both need them, and the rules are easy to get subtly wrong.
"""

from __future__ import annotations

# Digit-by-digit years use several look-alikes for zero: 〇 (U+3007), ○ (a
# circle), 零, a full-width or Latin O, and sometimes an Arabic 0.
DIGITS: dict[str, int] = {
    "〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "0": 0, "０": 0,
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
DIGIT_CHARS = "".join(DIGITS)
TEN = "十"
# Word processors and some sites write digits full-width: ２０２４年１月１５日.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def ascii_digits(text: str) -> str:
    """２０２４ -> 2024, every other character unchanged (so positions in the
    result are positions in `text`)."""
    return text.translate(_FULL_WIDTH_DIGITS)


def digit_year(text: str) -> int | None:
    """二〇二四 -> 2024: four characters read digit by digit, else None."""
    if len(text) != 4:
        return None
    try:
        value = int("".join(str(DIGITS[c]) if c in DIGITS else c for c in text))
    except (KeyError, ValueError):
        return None
    return value if 1900 <= value <= 2099 else None


def small_number(text: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十八 -> 28, 三十一 -> 31; Arabic digits
    pass through. None for anything else (so a heading's number can be
    compared with the previous one)."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    if TEN not in text:
        return DIGITS.get(text) if len(text) == 1 and text not in "〇○零ＯO0０" else None
    tens_text, _, units_text = text.partition(TEN)
    tens = 1 if not tens_text else DIGITS.get(tens_text)
    units = 0 if not units_text else DIGITS.get(units_text)
    if tens is None or units is None or len(tens_text) > 1 or len(units_text) > 1:
        return None
    return tens * 10 + units
