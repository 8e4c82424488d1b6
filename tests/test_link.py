from generator.link import article_id, slug


def test_ids_are_stable_and_page_local():
    assert article_id("a.txt", "社会组织党建驶入“快车道”", 1) == article_id("a.txt", "社会组织党建驶入\"快车道\"", 1)
    assert article_id("a.txt", "标题", 1) != article_id("b.txt", "标题", 1)
    assert article_id("a.txt", "标题", 1) != article_id("a.txt", "标题", 2)


def test_slug_is_readable_pinyin():
    assert slug("社会组织党建", "0123456789") == "she-hui-zu-zhi-dang-jian-012345"


def test_linzi_social_organisation_articles_are_each_others_first_related(seed_digest):
    by_title = {a.draft.title: a for a in seed_digest.articles}
    a = by_title["社会组织党建驶入“快车道”"]
    b = by_title["临淄区：引领激励社会组织融入社区治理服务"]
    assert a.related[0].id == b.id and b.related[0].id == a.id
    assert "共同关键词" in a.related[0].reason
