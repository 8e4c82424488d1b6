"""The catalogue of front matter forms (generator/frontmatter.py), one synthetic case each."""
import pytest

from generator.read import frontmatter as fm
from generator.read.split import split_page
from tests.conftest import page_of

BODY = "某区召开会议，部署今年的重点工作，参会人员就有关事项进行了讨论。"

DATELINES = [
    # (text, prefix, source, place, month-day, reporters, correspondents)
    ("本报淄博讯 11月13日，" + BODY, "本报淄博讯", "本报", "淄博", "11月13日", (), ()),
    ("本报济南5月27日讯（记者 王明）5月26日上午，" + BODY, "本报济南5月27日讯（记者 王明）", "本报", "济南",
     "5月27日", ("王明",), ()),
    ("本报讯（记者 王明 通讯员 李华）" + BODY, "本报讯（记者 王明 通讯员 李华）", "本报", "", None, ("王明",), ("李华",)),
    ("本报济南讯（记者 王明）11月19日，" + BODY, "本报济南讯（记者 王明）", "本报", "济南", "11月19日", ("王明",), ()),
    ("某州日报/某州网高新区讯（通讯员张玉华报道）近日，" + BODY, "某州日报/某州网高新区讯（通讯员张玉华报道）",
     "某州日报/某州网", "高新区", None, (), ("张玉华",)),
    ("新华社济南12月15日电（记者刘芳、张金华）14日，" + BODY, "新华社济南12月15日电（记者刘芳、张金华）", "新华社",
     "济南", "12月15日", ("刘芳", "张金华"), ()),
    ("某鲁网·某电新闻12月1日讯 为进一步" + BODY, "某鲁网·某电新闻12月1日讯", "某鲁网·某电新闻", "", "12月1日", (), ()),
    ("苏报讯(通讯员 陈波 记者 林雪)7月29日," + BODY, "苏报讯(通讯员 陈波 记者 林雪)", "苏报", "", "7月29日",
     ("林雪",), ("陈波",)),
]


@pytest.mark.parametrize("text, prefix, source, place, month_day, reporters, correspondents", DATELINES)
def test_datelines(text, prefix, source, place, month_day, reporters, correspondents):
    found = fm.dateline(text)
    assert found == fm.Dateline(prefix, source, place, month_day, reporters, correspondents)


def test_a_second_hand_report_and_what_is_not_a_dateline():
    assert fm.dateline("据新华社报道，" + BODY).source == "新华社"
    for text in ("中国移动网络通讯发展迅速，" + BODY, "本报记者从省里获悉，" + BODY, "近日，" + BODY):
        assert fm.dateline(text) is None


BYLINES = [
    ("□本报记者 王明 李华", ("王明", "李华"), ()),
    ("□ 本报记者 刘磊 本报通讯员 崔立来", ("刘磊",), ("崔立来",)),
    ("记者 刘磊 通讯员 张胜伟 报道", ("刘磊",), ("张胜伟",)),
    ("□记 者 石如华", ("石如华",), ()),  # a role printed spaced out
    ("通讯员 薛 飞 李家华 报道", (), ("薛飞", "李家华")),  # a name printed spaced out
    ("□记者王明从春华", ("王明", "从春华"), ()),  # names run together, split at the surnames
    ("通讯员王研郭智华报道", (), ("王研", "郭智华")),
    ("■林雪", ("林雪",), ()),
    ("□王新端", ("王新端",), ()),
    ("□文/图某城日报全媒体记者刘继华", ("刘继华",), ()),  # the paper's name is not a name
    ("某州日报/某州网通讯员刘加雷张珩", (), ("刘加雷", "张珩")),
    ("□某众网·某报新闻见习记者 李鑫华 通讯员 王秀凤 侯炯 济宁报道", ("李鑫华",), ("王秀凤", "侯炯")),
    ("□某电新闻记者 李永华 某新台 刘亚 报道", ("李永华", "刘亚"), ()),  # a station is not a name
]


@pytest.mark.parametrize("text, reporters, correspondents", BYLINES)
def test_bylines(text, reporters, correspondents):
    assert fm.is_byline(text)
    assert fm.parse_names(text) == (reporters, correspondents)


@pytest.mark.parametrize("text", ["记者从省扶贫办获悉，省扶贫办", "通讯员王研表示", "摄影、手工、烹饪等爱好特长的人群组成一个"])
def test_sentences_are_not_bylines(text):
    assert not fm.is_byline(text)


def test_end_credits_and_photo_credits():
    assert fm.end_credit("（杜明华 江玉宝）") == ("杜明华", "江玉宝")
    assert fm.end_credit("（通讯员 张学华）") == ("张学华",)
    assert fm.end_credit("(王 芳)") == ("王芳",)
    for text in ("（村民申秀华（右）领到了赔款）", "（下转第二版）", "（完）"):
        assert fm.end_credit(text) is None
    assert fm.is_photo_credit("□原立华 报道") and fm.is_photo_credit("王明 摄")


def test_a_two_line_byline_is_one_byline_of_the_article():
    (d,), _ = split_page(page_of(f"某区推进社区治理\n\n□记 者 石如华\n通讯员 薛 飞 李家华 报道\n\n本报潍坊讯 {BODY}\n"))
    assert d.byline.reporters == ("石如华",) and d.byline.correspondents == ("薛飞", "李家华")


def test_the_dateline_credit_and_date_reach_the_draft():
    (d,), _ = split_page(page_of(f"某区推进社区治理\n\n本报济南讯（记者 王明）11月19日，{BODY}\n"))
    assert d.byline.reporters == ("王明",)
    assert (d.dateline, d.dateline_date) == ("本报济南讯（记者 王明）", "11月19日")


def test_an_end_credit_names_the_authors_and_stays_in_the_body():
    (d,), _ = split_page(page_of(f"某区推进社区治理\n\n近日，{BODY}\n\n（通讯员 张学华）\n"))
    assert d.byline.correspondents == ("张学华",) and d.byline.reporters == ()
    assert d.paragraphs[-1].text == "（通讯员 张学华）"


def test_a_photo_credit_under_a_caption_is_not_the_byline():
    (d,), _ = split_page(page_of(f"某市建成党建示范区\n\n□记者 王明 报道\n\n本报讯 {BODY}\n\n"
                                 f"示范区为群众代办公共服务事项。\n\n□原立华 报道\n\n{BODY}\n"))
    assert d.byline.reporters == ("王明",) and d.credits == ("□原立华 报道",)
