"""County, city and province: settled by the text's own context, checked
against the gazetteer, never guessed from a town's name."""

from __future__ import annotations

import pytest

from search_service.ingest.gazetteer import gazetteer
from search_service.ingest.places import Places, find_places


def places(title="", town=None, issuers=(), index_number=None, body=""):
    return find_places(title=title, town=town, issuers=list(issuers), index_number=index_number, body=body)


def test_gazetteer_gives_parents_and_municipalities():
    gaz = gazetteer()
    (lianjiang,) = gaz.lookup("廉江市")
    assert (lianjiang.county, lianjiang.city, lianjiang.province) == ("廉江市", "湛江市", "广东省")
    (qianjiang,) = gaz.lookup("黔江区")
    assert (qianjiang.city, qianjiang.province) == ("重庆市", "重庆市")
    assert len(gaz.lookup("朝阳区")) == 2


def test_party_committee_mentions_settle_county_and_city():
    body = "认真贯彻执行党中央、省委、湛江市委、廉江市委关于法治建设的重大决策部署"
    assert places(title="吉水镇2024年法治政府建设年度报告", town="吉水镇", body=body) == Places(
        "廉江市", "湛江市", "广东省"
    )


def test_town_name_alone_settles_nothing():
    body = "吉水镇坚持依法行政。吉水镇党委高度重视法治建设。持续推动吉水法治建设向纵深发展。"
    assert places(title="吉水镇2024年法治政府建设年度报告", town="吉水镇", body=body) == Places()


def test_generic_superiors_settle_nothing():
    body = "在市委、市政府和镇党委的正确领导下；在区党工委、管委会正确领导下"
    assert places(title="仙溪镇2024年法治建设年度报告", town="仙溪镇", body=body) == Places()


def test_county_prefix_in_title():
    found = places(title="遂溪县人民政府遂城街道办事处关于2022年度法治政府建设情况的报告", town="遂城街道")
    assert found == Places("遂溪县", "湛江市", "广东省")


def test_chongqing_district_has_municipality_as_city_and_province():
    found = places(title="黔江区黄溪镇人民政府2024年度法治政府建设报告", town="黄溪镇")
    assert found == Places("黔江区", "重庆市", "重庆市")


def test_issuer_short_name_of_development_zone():
    found = places(title="关坝镇人民政府2020年度法治政府建设工作年度报告", town="关坝镇", issuers=["万盛关坝镇"])
    assert found == Places("万盛经开区", "重庆市", "重庆市")


def test_credit_code_in_index_number():
    found = places(title="关坝镇人民政府2020年度报告", town="关坝镇", index_number="11500110733965117G/2021-00042")
    assert found == Places("綦江区", "重庆市", "重庆市")


def test_index_number_without_division_code_settles_nothing():
    assert places(title="某镇报告", town="某镇", index_number="000014349/2024-00012") == Places()


def test_ambiguous_county_keeps_only_agreed_fields():
    found = places(title="朝阳区某某街道2023年法治政府建设报告", town="某某街道")
    assert found.county == "朝阳区"
    assert found.city is None and found.province is None


def test_city_mention_disambiguates_county():
    found = places(title="朝阳区某某街道2023年法治政府建设报告", town="某某街道", body="在长春市委的坚强领导下")
    assert found == Places("朝阳区", "长春市", "吉林省")


def test_county_written_before_town_in_body():
    found = places(
        title="吉水镇2024年法治政府建设年度报告", town="吉水镇", body="现将廉江市吉水镇2024年法治政府建设情况报告如下"
    )
    assert found == Places("廉江市", "湛江市", "广东省")


@pytest.mark.parametrize("body", ["参观了城区公园", "和县域经济发展", "忠县"])
def test_short_names_are_not_read_from_running_text(body):
    assert places(title="某镇报告", town="某镇", body=body) == Places()


def _names_by_scanning(text: str, min_length: int) -> list[tuple[str, int, int]]:
    """The rule find_names keeps, read plainly: at each position the longest
    name starting there, then on after it."""
    names = sorted((n for n in gazetteer().names() if len(n) >= min_length), key=len, reverse=True)
    found, position = [], 0
    while position < len(text):
        name = next((n for n in names if text.startswith(n, position)), None)
        if name:
            found.append((name, position, position + len(name)))
            position += len(name)
        else:
            position += 1
    return found


@pytest.mark.parametrize("min_length", [2, 3])
def test_find_names_is_the_longest_name_at_each_place(min_length):
    from search_service.ingest.places import find_names

    sample = "在湛江市委、廉江市委的领导下，吉水镇与江西省吉水县、吉安市交流；重庆市黔江区黄溪镇，万盛经开区关坝镇。内蒙古自治区阿拉善盟阿拉善左旗"
    texts = [sample, sample[::-1], sample * 3, "", "镇", "廉江廉江市市"]
    for text in texts:
        assert find_names(text, min_length) == _names_by_scanning(text, min_length), text


@pytest.mark.parametrize(
    ("written", "county", "city"),
    [
        ("禄丰县", "禄丰市", "楚雄彝族自治州"),
        ("镇宁自治县", "镇宁布依族苗族自治县", "安顺市"),
        ("金平县", "金平苗族瑶族傣族自治县", "红河哈尼族彝族自治州"),
        ("东乌旗", "东乌珠穆沁旗", "锡林郭勒盟"),
        ("鄂温克旗", "鄂温克族自治旗", "呼伦贝尔市"),
        ("巴州", None, "巴音郭楞蒙古自治州"),
    ],
)
def test_former_and_short_names_resolve_to_the_official_division(written, county, city):
    (place,) = gazetteer().lookup(written)
    assert (place.county, place.city) == (county, city)


def test_county_from_a_cited_local_document():
    places = find_places(
        title="源潭镇2022年法治政府建设年度报告",
        town="源潭镇",
        issuers=[],
        index_number=None,
        body="2022年，源潭镇按照《清城区2022年法治政府建设工作要点》的部署推进依法行政。",
    )
    assert (places.county, places.city, places.province) == ("清城区", "清远市", "广东省")


def test_county_whose_bodies_repeat_its_unit():
    places = find_places(
        title="某某镇2022年度法治政府建设情况报告",
        town="某某镇",
        issuers=[],
        index_number=None,
        body="2022年，某某镇在鄂温克族自治旗旗委、旗政府的领导下推进依法行政。",
    )
    assert places.county == "鄂温克族自治旗"
