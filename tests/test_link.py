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


def test_related_articles_follow_the_documented_rule_exactly():
    """The vectorised ranking gives what the rule says, pair by pair, ties by id."""
    import math
    import random

    from generator.link import PLACE_BONUS, RELATED_MIN, THEME_BONUS, related_articles, unit_vector
    from generator.model import Place

    rng = random.Random(7)
    words = [f"词{k}" for k in range(40)]
    places = [Place(f"地{k}", ("淄博市", f"地{k}")) for k in range(4)]

    class Fake:
        def __init__(self, k):
            self.id = f"{k:04d}{rng.randrange(10**6):06d}"
            self.analysis = type("A", (), {"places": tuple(rng.sample(places, rng.randrange(3)))})()
            self.theme_keys = tuple(rng.sample(["governance", "insurance", "veterans"], rng.randrange(2))) or ("other",)

    articles = [Fake(k) for k in range(60)]
    vectors = {a.id: {w: rng.choice([0.5, 1.0, 2.0]) for w in rng.sample(words, rng.randrange(1, 8))} for a in articles}
    vectors[articles[3].id] = vectors[articles[-1].id] = {}  # no content words (also as the last row)
    got = related_articles(articles, vectors, block=7)  # several blocks
    units = {a.id: unit_vector(vectors[a.id]) for a in articles}
    for a in articles:
        expected = []
        for b in articles:
            if b is a:
                continue
            cosine = sum(units[a.id][w] * units[b.id].get(w, 0.0) for w in units[a.id])  # 0 if either is empty
            score = cosine + PLACE_BONUS * bool(set(a.analysis.places) & set(b.analysis.places)) \
                + THEME_BONUS * bool({t for t in a.theme_keys if t != "other"} & set(b.theme_keys))
            if cosine > 1e-12 and score >= RELATED_MIN:
                expected.append((-round(score, 4), b.id, score))
        expected.sort()
        assert [r.id for r in got[a.id]] == [b for _, b, _ in expected[:5]], a.id
        for r, (_, _, score) in zip(got[a.id], expected):
            assert math.isclose(r.score, round(score, 4), abs_tol=1e-4)
            assert r.reason.startswith("共同关键词：")
