"""The splitter's rules, each on a small synthetic page written here."""
from hypothesis import given, settings, strategies as st

from generator.read.split import split_page
from generator.read import layout
from tests.conftest import page_of

LEAD = "本报淄博讯 11月13日，某区召开会议，部署今年的重点工作，参会人员就有关事项进行了讨论。"
BODY = "会议指出，要持续推进各项工作落地见效，切实把好事办好、实事办实，让群众有更多获得感。"


def split(text):
    return split_page(page_of(text))


def test_headline_kicker_byline_dateline():
    drafts, dropped = split(f"坚持以民生为导向，实现服务与建设同步\n\n社区服务驶入快车道\n\n"
                           f"□ 本报记者 王一 李二 本报通讯员 张三\n\n**本报淄博讯** 11月13日，{BODY}\n")
    (d,) = drafts
    assert d.kicker == "坚持以民生为导向，实现服务与建设同步"
    assert d.title == "社区服务驶入快车道"
    assert d.byline.reporters == ("王一", "李二") and d.byline.correspondents == ("张三",)
    assert d.dateline == "本报淄博讯" and d.dateline_date == "11月13日"
    assert d.paragraphs[0].text.startswith("本报淄博讯 11月13日")  # emphasis stripped …
    assert d.edits and d.edits[0].original.startswith("**本报淄博讯**")  # … and the original kept
    assert not dropped


def test_subtitle_and_markdown_headings():
    drafts, _ = split(f"## 既要线上 更要线下\n\n## ——直击首个开放日\n\n□记者 王一 报道\n\n{LEAD}\n")
    (d,) = drafts
    assert (d.title, d.subtitle) == ("既要线上 更要线下", "——直击首个开放日")


def test_two_line_headline_and_place_line_join():
    drafts, _ = split(f"智能化技术改造  \n激发企业澎湃活力\n\n□记者 王一 报道\n\n{LEAD}\n\n"
                      f"沂源县\n\n“法邮服务站”揭牌\n\n□记者 李二 报道\n\n{LEAD}\n")
    assert [d.title for d in drafts] == ["智能化技术改造 激发企业澎湃活力", "沂源县 “法邮服务站”揭牌"]
    assert all(d.kicker is None for d in drafts)


def test_section_heading_does_not_start_an_article():
    drafts, _ = split(f"某区推进社区治理\n\n□记者 王一 报道\n\n{LEAD}\n\n强化党的领导，落实服务政策\n\n{BODY}\n")
    (d,) = drafts
    assert [h.text for h in d.headings] == ["强化党的领导，落实服务政策"]
    assert d.headings[0].before == 1 and len(d.paragraphs) == 2


def test_column_break_join_across_a_caption():
    drafts, _ = split(f"某区推进社区治理\n\n□记者 王一 报道\n\n{LEAD}\n\n他们本身发展不成\n\n"
                      f"志愿服务队为社区居民提供服务。\n\n熟，必须加以引导扶持。\n")
    (d,) = drafts
    assert d.paragraphs[-1].text == "他们本身发展不成熟，必须加以引导扶持。"
    assert d.captions == ("志愿服务队为社区居民提供服务。",)


def test_photo_credit_under_caption_is_not_a_byline():
    drafts, _ = split(f"某市建成党建示范区\n\n□记者 王一 通讯员 李二 报道\n\n{LEAD}\n\n又为开展党的生活和\n\n"
                      f"示范区为群众代办公共服务事项。\n\n□李二 报道\n\n文体活动提供场所保障。\n")
    (d,) = drafts
    assert d.byline.reporters == ("王一",) and d.byline.correspondents == ("李二",)
    assert d.credits == ("□李二 报道",)
    assert d.paragraphs[-1].text == "又为开展党的生活和文体活动提供场所保障。"


def test_marked_captions_and_end_byline():
    drafts, _ = split(f"某街道：互动服务群众\n\n{LEAD}\n\n▲志愿者为居民制作棉衣。\n\n图为活动现场。\n\n{BODY}\n\n(杜明德 江玉宝)\n")
    (d,) = drafts
    assert d.captions == ("▲志愿者为居民制作棉衣。", "图为活动现场。")
    assert d.byline.reporters == ("杜明德", "江玉宝")
    assert all("▲" not in p.text for p in d.paragraphs)


def test_two_line_byline():
    drafts, _ = split(f"## 为建设凝心聚力\n\n□大众新闻记者 王一 李二\n\n通讯员 张三 报道\n\n{LEAD}\n")
    (d,) = drafts
    assert d.byline.reporters == ("王一", "李二") and d.byline.correspondents == ("张三",)


def test_advertisement_is_dropped_not_an_article():
    drafts, dropped = split(f"某区推进社区治理\n\n□记者 王一 报道\n\n{LEAD}\n\n济建预许2018271号\n\n广告\n\n某某城\n\n"
                            f"8900元/m²起\n\n68768777\n\n项目地址:某市某区某路58号\n")
    assert len(drafts) == 1
    (ad,) = dropped
    assert ad.kind == "advertisement" and "某某城" in ad.text and "项目地址" in ad.text


def test_duplicate_half_paragraph_dropped():
    half = "2018年以来，在推进农村集体产权制度改革的政策背景下，某镇通过积极推进改革，合理配置村内闲置"
    drafts, dropped = split(f"某镇拓宽增收路\n\n□记者 王一 报道\n\n{LEAD}\n\n{half}\n\n资源。\n\n{BODY}\n\n{half}\n\n"
                            f"另一篇新闻标题\n\n□记者 李二 报道\n\n本报淄博讯 另一条新闻的导语，讲述另一件事情的经过和结果。\n")
    assert [d.kind for d in dropped] == ["duplicate"]
    assert drafts[1].kicker is None and drafts[0].paragraphs[1].text == half + "资源。"


def test_fragment_before_first_headline_and_short_opening_fragment():
    drafts, dropped = split(f"接上版的一段文字，讲的是前一篇文章的结尾部分内容。\n\n## 某区睦邻集市开市\n\n民满载而归。\n\n{LEAD}\n")
    assert [d.kind for d in dropped] == ["fragment", "fragment"]
    assert drafts[0].paragraphs[0].text == LEAD


def test_byline_before_headline_adopts_the_later_headline():
    drafts, _ = split(f"上一篇标题\n\n□记者 王一 报道\n\n{LEAD}\n\n□张晓帆 李军\n\n“上面千根线，下面一根针”，社区是治理的基础单元。\n\n"
                      f"社区应该扮演什么样的角色?\n\n李沧:多元主体“共话”社区治理\n\n{BODY}\n")
    assert len(drafts) == 2
    second = drafts[1]
    assert second.title == "李沧:多元主体“共话”社区治理" and second.kicker == "社区应该扮演什么样的角色?"
    assert second.byline.reporters == ("张晓帆", "李军")
    assert second.paragraphs[0].text.startswith("“上面千根线")


def test_paragraph_printed_inside_another_article_moves_home():
    drafts, _ = split(
        "招远:干部到村民家门口办公\n\n□记者 王一 报道\n\n本报招远讯 11月6日,招远市张星镇的村民在家门口办成了事。\n\n"
        "去年以来,招远市先后投入资金建设党建示范区。\n\n"
        "既要“键对键” 更要“面对面”\n\n□记者 李二 报道\n\n11月7日,威海经技区举办首个政府开放日,市民代表参观了经技区。\n\n"
        "招远市着力构建三级网格化管理体系,优选联户党员。\n\n代表们在经技区参观后纷纷点赞。\n")
    zhaoyuan, weihai = drafts
    assert any("三级网格化" in p.text for p in zhaoyuan.paragraphs)
    assert not any("三级网格化" in p.text for p in weihai.paragraphs)


def test_parse_byline_roles():
    assert layout.parse_byline("□ 本报记者 刘磊 马景阳 本报通讯员 临组轩 崔立来") == (("刘磊", "马景阳"), ("临组轩", "崔立来"))
    assert layout.parse_byline("□记者 刘磊 通讯员 张胜伟 报道") == (("刘磊",), ("张胜伟",))
    assert layout.parse_byline("□王新端") == (("王新端",), ())


def test_heading_like_rejects_column_break_fragments():
    assert layout.is_heading_like("强化党的领导，落实双拥政策")
    assert not layout.is_heading_like("今年,张店区聚焦“美好社区”建设,梳")
    assert not layout.is_heading_like("为着力解决企业急难愁盼问题,持续优化")
    assert not layout.is_heading_like("打好“竞技牌”，激活“科技潮”。费")


def test_a_heading_may_end_on_a_word_whose_last_character_is_a_particle():
    """方向 ends on 向, a preposition a cut line may end on; as the end of a word it cuts nothing."""
    assert layout.is_heading_like("党建引领社会组织工作 明确发展方向")
    assert not layout.is_heading_like("坚持为辖区居民提供更")  # 更 alone: the sentence goes on
    assert not layout.is_heading_like("社区党委联合辖区单位和")


def test_two_clauses_are_a_heading_when_balanced_as_printed_or_outside_quotes():
    assert layout.is_heading_like("打造“实体强村党建联盟”，整合资源助力村集体增收")  # 13 and 11 as printed
    assert layout.is_heading_like("党建引领，激活基层治理“红色引擎”")  # 4 and 6 outside quotes
    assert not layout.is_heading_like("近日，临淄区召开全区社区治理工作推进会议并部署")


LINE = st.one_of(
    st.text(alphabet="社区党建治理服务群众记者本报讯，。“”□▲广告元/m²0123456789：:## -*()（）", min_size=1, max_size=60),
    st.sampled_from(["□记者 王一 报道", "广告", "8900元/m²起", "## 标题", "(张三 李四)", "图为现场。", "——副题"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, min_size=1, max_size=30), st.lists(st.booleans(), min_size=30, max_size=30))
def test_random_pages_never_crash_and_lose_no_line(lines, blanks):
    text = "".join(line + ("\n\n" if blank else "\n") for line, blank in zip(lines, blanks))
    page = page_of(text + "\n最后一行文字。")
    drafts, dropped = split_page(page)
    blob = "".join("".join([d.title, d.kicker or "", d.subtitle or "", d.byline.text, *(p.text for p in d.paragraphs),
                            *(h.text for h in d.headings), *d.captions, *d.credits, *(e.original for e in d.edits)])
                   for d in drafts) + "".join(x.text for x in dropped)
    squeezed = "".join(blob.split())
    for line in page.lines:
        content = "".join(layout.strip_markup(line.text).split())
        assert content in squeezed, f"line {line.number} lost: {line.text!r}"


def test_notices_and_jump_lines_are_dropped_with_their_kind():
    page = (f"某区推进社区治理\n\n□记者 王一 报道\n\n{LEAD}\n\n（下转第二版）\n\n"
            f"关于某村土地流转项目的公示\n\n经村民代表大会讨论通过，现将有关情况公示如下，公示期为七天。\n\n"
            f"某镇开展便民服务活动\n\n□记者 李二 报道\n\n{BODY}特此公告。\n")
    drafts, dropped = split(page)
    assert [d.title for d in drafts] == ["某区推进社区治理"]
    assert [(d.kind, d.lines) for d in dropped] == [("jump", (7, 7)), ("notice", (9, 11)), ("notice", (13, 17))]
    assert "公示期为七天" in dropped[1].text and "特此公告" in dropped[2].text  # headed like news: still a notice
