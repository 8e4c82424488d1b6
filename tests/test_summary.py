"""Summaries a news editor would sign (generator/summary.py)."""
from dataclasses import replace

import pytest

from generator.config import Settings
from generator.model import Byline, Draft, Paragraph
from generator.build import build
from generator.analyze.summary import ATTRIBUTION, SAID, balanced, sentences, stands_alone, summarize
from tests.conftest import SHARED


def draft(*paragraphs):
    return Draft(file="p.txt", title="某区推进社区治理", kicker=None, subtitle=None, byline=Byline(),
                 dateline=None, dateline_date=None,
                 paragraphs=tuple(Paragraph(t, (k + 1,)) for k, t in enumerate(paragraphs)),
                 headings=(), captions=(), credits=(), lines=(1, len(paragraphs)), edits=(), notes=())


def test_a_quotation_is_one_sentence_with_its_attribution():
    assert sentences("“这是美好的画面。我们很满意。”区民政局局长王明介绍。下一步，该区将继续推进。") == [
        "“这是美好的画面。我们很满意。”区民政局局长王明介绍。", "下一步，该区将继续推进。"]
    assert sentences("“钱来得及时。”8月19日，村民李华收到理赔款后高兴地说。") == [
        "“钱来得及时。”8月19日，村民李华收到理赔款后高兴地说。"]


@pytest.mark.parametrize("sentence", [
    "临淄区民政局局长王明介绍。",  # a bare attribution
    "村民李华收到理赔款后高兴地说。",  # a speech verb whose quote is elsewhere
    "我们很满意。”",  # the end of a quote that began before
    "要持续推进各项工作落地见效，开发青年人才",  # cut mid-sentence
    "同时，该区还组织开展了志愿服务活动。",  # leans on the sentence before
    "街道社会创新发展中心随之建立起来。",  # so does this
])
def test_sentences_that_do_not_stand_alone_are_never_chosen(sentence):
    assert not stands_alone(sentence, lead=False)
    d = draft("本区今年为两千余名困难群众购买了防贫保险，实现应保尽保。", sentence)
    assert sentence not in summarize(d, keywords=())


@pytest.mark.parametrize("lead,summary", [
    ("本报淄博讯 11月13日，张店区为困难群众购买了防贫保险。", "张店区为困难群众购买了防贫保险。"),
    ("本报淄博讯 8月11日以来，张店区为困难群众购买了防贫保险。", "8月11日以来，张店区为困难群众购买了防贫保险。"),
    ("本报淄博讯 8月11日上午，张店区为困难群众购买了防贫保险。", "8月11日上午，张店区为困难群众购买了防贫保险。"),
])
def test_the_dateline_leaves_the_summary_and_its_date_only_where_it_stands_alone(lead, summary):
    d = replace(draft(lead), dateline="本报淄博讯", dateline_date=lead.split()[1][:lead.split()[1].index("日") + 1])
    assert summarize(d, keywords=())[0] == summary


def test_a_long_lead_is_given_whole_never_cut():
    lead = "临淄区" + "，".join(["持续推进社区治理各项工作"] * 20) + "。"
    assert summarize(draft(lead), keywords=()) == (lead,)
    assert summarize(draft("（通讯员 张华）"), keywords=()) == ()  # no sentence: no summary


def summaries(digest):
    return [s for a in digest.articles for s in a.analysis.summary]


def check(digest):
    empty = [a.draft.title for a in digest.articles if not a.analysis.summary]
    assert not empty
    for s in summaries(digest):
        assert balanced(s) and not ATTRIBUTION.match(s) and not (SAID.search(s) and "“" not in s), s
        assert s[-1] in "。！？!?”’」』）)", s


def test_the_seed_sites_summaries(seed_digest):
    check(seed_digest)


@pytest.mark.skipif(not (SHARED / "dev" / "pages").exists(), reason="../shared/dev is not beside the checkout")
def test_the_development_pages_summaries():
    digest = build(Settings(seeds=SHARED / "dev" / "pages", workers=1)).digest
    check(digest)
