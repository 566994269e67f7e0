"""The contract's normalisation rule and the word analyzer."""

from hypothesis import given
from hypothesis import strategies as st

from search_service.text import normalize, normalize_query_term, normalize_with_offsets, words


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
