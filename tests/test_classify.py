from generator.analyze.classify import classify
from generator.config import DEFAULT_THEMES, load_themes
from generator.model import Byline, Draft, Paragraph

CONFIG = load_themes(DEFAULT_THEMES)


def themes_of(title, *paragraphs):
    d = Draft("p.txt", title, None, None, Byline(), None, None,
              tuple(Paragraph(p, (i,)) for i, p in enumerate(paragraphs)), (), (), (), (1, 1))
    return [t.key for t in classify(d, CONFIG)] or ["other"]


def test_veterans_article_that_says_party_building_often():
    text = "坚持党建引领，做好双拥工作。党建引领拥军优属。党建引领下，226个村成立退役军人服务站。党建引领光荣牌悬挂。"
    assert themes_of("坚持党建引领 助推军民融合", text)[0] == "veterans"


def test_social_insurance_publicity_is_not_poverty_relief():
    assert themes_of("“社保服务进万家”活动启动", "市人社部门开展社会保险政策宣讲，现场解答养老保险、医疗保险问题。") == ["other"]


def test_social_assistance_for_needy_households_is_insurance_theme():
    text = "该县深化政策找人机制，对困难群众实施临时救助和医疗救助。社会救助更加精准，低保对象应保尽保。"
    assert themes_of("社会救助更加精准", text)[0] == "insurance"


def test_collective_economy():
    text = "全镇村集体收入大幅增长，通过农村集体产权制度改革和村企联动，壮大村集体经济。"
    assert themes_of("某镇拓宽集体经济增收路", text)[0] == "collective"


def test_evidence_is_kept():
    d = Draft("p.txt", "社区治理", None, None, Byline(), None, None,
              (Paragraph("社区党组织牵头，党群服务中心开展网格化管理，推进社区治理。", (1,)),), (), (), (), (1, 1))
    (score,) = classify(d, CONFIG)
    assert score.key == "governance" and "社区治理" in score.evidence and score.sentences


def test_a_theme_file_in_any_encoding_a_page_may_be_in_is_read(tmp_path):
    """An editor's Windows editor saves GBK: the themes read as from UTF-8 (a traceback before)."""
    gbk = tmp_path / "themes.yml"
    gbk.write_bytes(DEFAULT_THEMES.read_text(encoding="utf-8").encode("gb18030"))
    assert load_themes(gbk).themes == load_themes(DEFAULT_THEMES).themes
