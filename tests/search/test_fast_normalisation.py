"""The array-based normalisation behind snippets gives exactly what the
contract's definition gives, one cluster at a time, for any text."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from search_service import text as text_module
from search_service.text import QUOTE_MARKS, normalize, normalize_with_offsets, normalize_with_origin


def _by_cluster(text: str) -> tuple[str, list[int]]:
    """The definition: NFKC and folding of each base character with the
    combining marks after it; every output character points at the base."""
    out: list[str] = []
    origin: list[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and unicodedata.combining(text[j]):
            j += 1
        folded = normalize(text[i:j])
        out.append(folded)
        origin.extend([i] * len(folded))
        i = j
    return "".join(out), origin


# Chinese report text with what makes normalisation interesting: deleted
# characters, full-width forms, characters that become several (… ㈠ ﬁ ㎡),
# combining marks (also leading and stacked), characters beyond the BMP.
_PIECES = list("法律顾问行政复议“”《》「」 \n\t\u3000２０2024ＡaBbÉ，。、（）()％") + [
    "……",
    "㈠",
    "ﬁ",
    "㎡",
    "e\u0301",
    "\u0301",
    "a\u0323\u0302",
    "ｶﾞ",
    "\U00020000",
    "\U0001d400",
    "\U0001f130",
    "\u1100\u1161",
]
_report_text = st.lists(st.sampled_from(_PIECES), max_size=80).map("".join)


@settings(max_examples=300)
@given(_report_text)
def test_array_normalisation_equals_the_cluster_definition(text):
    norm, origin = normalize_with_origin(text)
    expected_norm, expected_origin = _by_cluster(text)
    assert norm == expected_norm
    assert origin.tolist() == expected_origin


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_array_normalisation_equals_the_definition_for_any_characters(text):
    norm, origin = normalize_with_offsets(text)
    assert (norm, origin) == _by_cluster(text)


def test_same_text_twice_gives_the_same_answer():
    # The second call reads the characters learnt by the first.
    text = "“八五”普法……综合行政执\n法办公室Ｅ\u0301"
    assert normalize_with_offsets(text) == normalize_with_offsets(text) == _by_cluster(text)


def test_origins_point_at_the_characters_as_written():
    norm, origin = normalize_with_offsets("“八五”普法")
    assert norm == "八五普法"
    assert origin == [1, 2, 4, 5]


def _full_fold_table() -> dict[int, int | None]:
    """The folding steps of the rule over all of Unicode at once."""
    table: dict[int, int | None] = {ord(c): None for c in QUOTE_MARKS}
    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if c.isspace():
            table[cp] = None
        elif c.isupper() and "LATIN" in unicodedata.name(c, ""):
            low = c.lower()
            if len(low) == 1:
                table[cp] = ord(low)
    return table


def test_lazily_filled_folding_equals_the_rule_for_every_character():
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert everything.translate(text_module._FOLD) == everything.translate(_full_fold_table())
