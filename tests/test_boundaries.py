"""Headline or 小标题: the evidence weighed together (generator/boundaries.py), on small pages."""
from generator.read import boundaries
from generator.read import split
from generator.read.split import split_page
from tests.conftest import page_of

# Two articles on unrelated subjects, in different places, with no byline or dateline between them.
FARM = ("某县某镇种植大户王明流转土地三百亩，种植樱桃、苹果等经济作物，带动周边农户增收致富。"
        "去年樱桃大丰收，合作社社员每户分红三千多元，樱桃种植面积今年又扩大了一百亩。",
        "合作社统一提供樱桃种苗、技术和销售渠道，樱桃每亩收益超过一万元，苹果销往全国各地。"
        "王明说，下一步合作社将建设冷库和樱桃深加工车间，让种植户的樱桃卖出更好的价钱。")
COURT = ("某市中级人民法院近日开展巡回审判，把法庭搬到社区，让居民旁听一起合同纠纷案件的审理。"
         "承办法官在庭审中耐心释法说理，原告和被告当庭达成调解协议，纠纷得到妥善化解。",
         "庭审结束后，法官向旁听群众讲解民法典相关条款，现场发放普法宣传资料两百余份。"
         "法院负责人表示，巡回审判让群众在家门口感受司法公正，今后将常态化开展此项工作。")


def titles(text):
    drafts, _ = split_page(page_of(text))
    return [d.title for d in drafts]


def test_a_headline_without_byline_is_found_by_what_the_text_says():
    page = f"樱桃熟了好日子来了\n\n{FARM[0]}\n\n{FARM[1]}\n\n巡回法庭进社区\n\n{COURT[0]}\n\n{COURT[1]}\n"
    assert titles(page) == ["樱桃熟了好日子来了", "巡回法庭进社区"]


def test_a_section_heading_continues_its_article():
    page = f"樱桃熟了好日子来了\n\n{FARM[0]}\n\n合作社带动销售\n\n{FARM[1]}\n"
    (d,), _ = split_page(page_of(page))
    assert [h.text for h in d.headings] == ["合作社带动销售"]


def test_a_numbered_heading_is_a_section():
    page = f"巡回法庭进社区\n\n{COURT[0]}\n\n二、樱桃种植带动农户增收\n\n{FARM[0]}\n"
    assert titles(page) == ["巡回法庭进社区"]


def test_a_byline_or_dateline_after_it_makes_a_headline_whatever_the_text():
    page = f"樱桃熟了好日子来了\n\n{FARM[0]}\n\n樱桃销往全国\n\n□记者 王明 报道\n\n{FARM[1]}\n"
    assert titles(page) == ["樱桃熟了好日子来了", "樱桃销往全国"]
    page = f"樱桃熟了好日子来了\n\n{FARM[0]}\n\n樱桃销往全国\n\n本报讯（记者 王明）{FARM[1]}\n"
    assert titles(page) == ["樱桃熟了好日子来了", "樱桃销往全国"]


def test_parallel_two_part_headings_are_sections():
    page = (f"巡回法庭进社区\n\n□记者 王明 报道\n\n{COURT[0]}\n\n庭审现场 群众旁听\n\n{FARM[0]}\n\n"
            f"法官释法 普法宣传\n\n{FARM[1]}\n")
    (d,), _ = split_page(page_of(page))
    assert [h.text for h in d.headings] == ["庭审现场 群众旁听", "法官释法 普法宣传"]


def test_a_headline_printed_after_its_byline_and_lead_is_taken_by_them():
    page = (f"巡回法庭进社区\n\n□记者 王明 报道\n\n{COURT[0]}\n\n□记者 李华\n\n{FARM[0]}\n\n"
            f"种植樱桃的好处在哪里?\n某县:樱桃熟了好日子来了\n\n{FARM[1]}\n")
    drafts, _ = split_page(page_of(page))
    assert [d.title for d in drafts] == ["巡回法庭进社区", "某县:樱桃熟了好日子来了"]
    assert drafts[1].paragraphs[0].text == FARM[0]


def test_every_decision_has_named_evidence_and_a_confidence():
    page = page_of(f"樱桃熟了好日子来了\n\n{FARM[0]}\n\n合作社带动销售\n\n{FARM[1]}\n\n巡回法庭进社区\n\n{COURT[0]}\n")
    convention, decisions = split.review(page)
    assert convention.blank_lines
    assert {d.text for d in decisions} == {"樱桃熟了好日子来了", "合作社带动销售", "巡回法庭进社区"}
    assert [d.evidence.confidence for d in decisions] == sorted(d.evidence.confidence for d in decisions)
    for d in decisions:
        assert 0.5 <= d.evidence.confidence <= 1 and d.evidence.features
        assert all(name in boundaries.WEIGHTS for name, _ in d.evidence.features)
        assert d.headline == (d.evidence.score >= boundaries.THRESHOLD)
