import pytest
from generator.analyze.keywords import term_counts
from generator.link.ids import article_id, slug


def test_ids_are_stable_and_page_local():
    assert article_id("a.txt", "社会组织党建驶入“快车道”", 1) == article_id("a.txt", "社会组织党建驶入\"快车道\"", 1)
    assert article_id("a.txt", "标题", 1) != article_id("b.txt", "标题", 1)
    assert article_id("a.txt", "标题", 1) != article_id("a.txt", "标题", 2)


def test_slug_is_readable_pinyin():
    assert slug("社会组织党建", "0123456789") == "she-hui-zu-zhi-dang-jian-0123456789"


def test_articles_with_the_same_headline_get_different_urls_however_many():
    """Ids that share their first six digits (as among 30,000 articles) still give two URLs."""
    assert slug("图片新闻", "a6a5f0aaaa") != slug("图片新闻", "a6a5f0bbbb")


def test_linzi_social_organisation_articles_are_each_others_first_related(seed_digest):
    by_title = {a.draft.title: a for a in seed_digest.articles}
    a = by_title["社会组织党建驶入“快车道”"]
    b = by_title["临淄区：引领激励社会组织融入社区治理服务"]
    assert a.related[0].id == b.id and b.related[0].id == a.id
    assert "共同关键词" in a.related[0].reason


@pytest.mark.parametrize("heaviest, candidates, in_full_rows", [
    (32, 64, 0), (4, 64, 0),  # 64 nearest of 60 articles: nothing is left out
    # fewer nearest than a list holds (most rows against every article), or a few more (most decided by them)
    (4, 3, "some"), (4, 6, "some"), (32, 8, "some"), (6, 10, "some")])
def test_related_articles_follow_the_documented_rule_exactly(monkeypatch, heaviest, candidates, in_full_rows):
    """The vectorised ranking gives what the rule says, pair by pair, ties by id: with vectors cut
    to their heaviest words or not, and with the nearest few per row deciding the list or not
    (then the row is ranked against every article)."""
    import math
    import random

    from generator.link import related
    from generator.link.related import PLACE_BONUS, RELATED_MIN, THEME_BONUS, related_articles
    from generator.model import Place

    monkeypatch.setattr(related, "CANDIDATE_WORDS", heaviest)
    monkeypatch.setattr(related, "CANDIDATES", candidates)
    in_full = []
    real = related.Linker.rank_rows_in_full
    monkeypatch.setattr(related.Linker, "rank_rows_in_full",
                        lambda self, rows, block=None: in_full.append(len(rows)) or real(self, rows, block))

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
    cut = {a.id: dict(sorted(vectors[a.id].items(), key=lambda kv: (-kv[1], kv[0]))[:heaviest]) for a in articles}
    units = {a.id: {w: v / (math.sqrt(sum(x * x for x in cut[a.id].values())) or 1.0)
                    for w, v in cut[a.id].items()} for a in articles}
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
    assert sum(in_full) == in_full_rows if in_full_rows != "some" else 0 < sum(in_full) < len(articles)


class FakeArticle:
    """What linking reads of an article: id, words, places, themes."""

    def __init__(self, rng, k, words, places):
        self.id = f"{k:04d}{rng.randrange(10**6):06d}"
        self.tokens = tuple(rng.choices(words, k=rng.randrange(0, 12)))
        self.places = tuple(rng.sample(places, rng.randrange(3)))
        self.themes = tuple(rng.sample(["governance", "insurance", "veterans"], rng.randrange(2))) or ("other",)

    @property
    def analysis(self):
        return type("A", (), {"places": self.places, "terms": term_counts(self.tokens)})()

    @property
    def theme_keys(self):
        return self.themes


def weigh(articles, idf):
    from collections import Counter

    return {a.id: {w: c / len(a.tokens) * idf[w] for w, c in Counter(a.tokens).items()} for a in articles}


def test_reasons_follow_the_weights():
    """Two articles with the same two words: which shared word weighs more, and so comes first
    in the reason, follows the weights."""
    import random

    from generator.link.related import related_articles

    rng = random.Random(1)
    articles = [FakeArticle(rng, k, ["词甲"], ["地", "地", "地"]) for k in range(3)]
    for a in articles:
        a.tokens, a.places, a.themes = ("词甲", "词乙"), (), ("other",)
    for idf in ({"词甲": 3.0, "词乙": 1.0}, {"词甲": 1.0, "词乙": 3.0}):
        got = related_articles(articles, weigh(articles, idf))
        heavier = max(idf, key=idf.get)
        assert all(r.reason.startswith("共同关键词：" + heavier) for rows in got.values() for r in rows)


@pytest.mark.parametrize("block_cells", [1, 37, 2_000_000])  # a row at a time, a few rows, all at once
def test_vectors_are_cut_to_their_heaviest_words_ties_by_word(monkeypatch, block_cells):
    import random

    from scipy import sparse

    from generator.link import related

    monkeypatch.setattr(related, "BLOCK_CELLS", block_cells)
    rng = random.Random(3)
    rows = [{c: rng.choice([0.5, 1.0, 2.0, 3.0]) for c in rng.sample(range(40), rng.randrange(0, 40))}
            for _ in range(50)]
    matrix = sparse.csr_matrix(([v for r in rows for v in r.values()], [c for r in rows for c in r],
                                [0] + [sum(map(len, rows[:k + 1])) for k in range(len(rows))]), shape=(50, 40))
    for most in (1, 5, 12, 39):
        cut = related.heaviest(matrix, most).toarray()
        for k, row in enumerate(rows):
            expected = dict(sorted(row.items(), key=lambda cv: (-cv[1], cv[0]))[:most])
            assert {c: v for c, v in enumerate(cut[k]) if v} == expected



def test_a_reason_names_a_place_once_not_with_its_short_form_too():
    from generator.link.related import LinkFacts, reason

    nowhere = LinkFacts((), frozenset(), frozenset())
    assert reason(nowhere, nowhere, ["淄博市", "社保", "淄博"]) == "共同关键词：淄博市、社保"
    assert reason(nowhere, nowhere, ["淄博", "张店区"]) == "共同关键词：淄博、张店区"


def test_a_shared_city_relates_no_articles_as_a_word_either(seed_digest):
    """The seed site's articles nearly all name 淄博市: a link whose only shared word was the city
    (five of each of seven articles) is no link."""
    from generator.link.related import city_names

    cities = city_names(list(seed_digest.articles))
    assert {"淄博市", "淄博"} <= cities
    for a in seed_digest.articles:
        for r in a.related:
            words = r.reason.split("；")[0].removeprefix("共同关键词：").split("、")
            assert not set(words) <= cities, (a.draft.title, r.reason)
