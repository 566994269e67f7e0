"""The contract's normalisation rule and the word analyzer."""

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from search_service.text import (
    _CONTEXT_DEPENDENT,
    _FOLD,
    normalize,
    normalize_query_term,
    normalize_with_offsets,
    words,
)


def test_fullwidth_digits_and_letters_become_halfwidth():
    assert normalize("２０２４年ＡＢＣ") == "2024年abc"


def test_whitespace_of_every_kind_is_removed():
    assert normalize("综合行政执\n法办公室\u3000 2024 年\t") == "综合行政执法办公室2024年"


def test_quote_and_title_marks_are_removed():
    assert normalize("“八五”普法《民法典》「甲」『乙』〈丙〉‘丁’\"戊\"'己'") == "八五普法民法典甲乙丙丁戊己"


def test_other_punctuation_is_kept():
    assert normalize("法律。顾问") == "法律。顾问"
    assert "法律顾问" not in normalize("法律。顾问")


def test_only_latin_letters_are_lowercased():
    assert normalize("App PPP ΣΑ") == "appppp" + "ΣΑ"


def test_query_terms_are_converted_to_simplified():
    assert normalize_query_term("法律顧問") == "法律顾问"


_report_text = st.lists(
    st.sampled_from(list("法律顾问行政复议“”《》 \n\u3000２０2024ＡaBb，。、（）()") + ["e\u0301", "㈠", "ﬁ"]),
    max_size=60,
).map("".join)


@given(_report_text)
def test_offsets_version_gives_the_same_string(text):
    norm, origin = normalize_with_offsets(text)
    assert norm == normalize(text)
    assert len(origin) == len(norm)
    assert origin == sorted(origin)


@given(_report_text)
def test_normalisation_is_idempotent(text):
    assert normalize(normalize(text)) == normalize(text)


def test_words_keep_digits_and_domain_terms_with_sequential_offsets():
    found = list(words("2024 年“八五”普法，聘请法律顾问"))
    texts = [w for w, _, _ in found]
    assert "2024" in texts and "八五普法" in texts and "法律顾问" in texts
    norm = normalize("2024 年“八五”普法，聘请法律顾问")
    assert all(norm[s:e] == w for w, s, e in found)


def _reference_normalize(text: str) -> str:
    """The contract's rule, spelled out: NFKC of the whole text, then folded."""
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


def _composition_seconds() -> set[int]:
    """Every character that can compose with the one before it: the second
    of each two-character canonical decomposition, and Hangul's vowel and
    final jamo (composed by rule, not listed)."""
    seconds = {0x1161 + i for i in range(21)} | {0x11A8 + i for i in range(27)}
    for cp in range(sys.maxunicode + 1):
        mapping = unicodedata.decomposition(chr(cp))
        if mapping and not mapping.startswith("<") and len(mapping.split()) == 2:
            seconds.add(int(mapping.split()[1], 16))
    return seconds


def test_context_free_characters_neither_reorder_nor_compose():
    seconds = _composition_seconds()
    context_free = [chr(cp) for cp in range(0x10000) if _CONTEXT_DEPENDENT.match(chr(cp)) is None]
    assert len(context_free) > 29_000  # the ideographs among them
    for c in context_free:
        for d in unicodedata.normalize("NFKD", c):
            assert unicodedata.combining(d) == 0 and ord(d) not in seconds, hex(ord(c))


_tricky = [
    "e\u0301",
    "\u0301",
    "㈠",
    "ﬁ",
    "…",
    "ｶﾞ",
    "\uff9e",
    "가",
    "\u1100\u1161\u11a8",
    "\u0b47\u0b3e",
    "\U0002a6d6",
    "㍿",
]
_mixed_text = st.lists(
    st.sampled_from(list("法律顾问行政复议“”《》 \n\u3000２０2024ＡaBb，。、（）()①Ⅻ—·") + _tricky)
    | st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)),
    max_size=80,
).map("".join)


@given(_mixed_text)
def test_normalize_equals_nfkc_of_the_whole_text_then_folding(text):
    assert normalize(text) == _reference_normalize(text)


def test_normalize_equals_the_rule_on_the_sample_reports():
    from pathlib import Path

    for path in sorted(Path(__file__).parent.parent.joinpath("data", "reports").rglob("*.txt")):
        text = path.read_text("utf-8", errors="replace")
        assert normalize(text) == _reference_normalize(text), path.name
