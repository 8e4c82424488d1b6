import pytest
from generator.analyze import term_counts
from generator.link import article_id, slug


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

    from generator import related
    from generator.related import PLACE_BONUS, RELATED_MIN, THEME_BONUS, related_articles
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


@pytest.mark.parametrize("watch_all, heaviest, candidates", [
    (4096, 32, 64), (0, 32, 64),  # every drifted article watched, or only the most drifted
    (4096, 4, 8), (0, 3, 6)])  # vectors cut to a few words (a shift in weights changes which), few nearest
def test_incremental_linking_gives_what_a_full_computation_gives(monkeypatch, watch_all, heaviest, candidates):
    """Builds in a row (edits, new and removed articles, shifted weights): always the full result."""
    import random

    from generator import related
    from generator.model import Place
    from generator.related import link_incrementally, related_articles

    monkeypatch.setattr(related, "DRIFT_WATCH_ALL", watch_all)
    monkeypatch.setattr(related, "CANDIDATE_WORDS", heaviest)
    monkeypatch.setattr(related, "CANDIDATES", candidates)

    rng = random.Random(7)  # a seed whose builds need a kept row's ceiling raised by a watched article
    words = [f"词{k}" for k in range(30)]  # few words: many equal scores, ordered by id
    places = [Place(f"地{k}", ("淄博市", f"地{k}")) for k in range(4)]
    articles = [FakeArticle(rng, k, words, places) for k in range(150)]
    idf = {w: rng.uniform(1.0, 8.0) for w in words}
    state = None
    for step in range(30):
        vectors = weigh(articles, idf)
        got, state = link_incrementally(articles, vectors, dict(idf), state)
        assert got == related_articles(articles, vectors), step
        # the next build: a few articles edited, one added, one removed, the weights shifted
        for a in rng.sample(articles, 2):
            a.tokens = a.tokens + (rng.choice(words),)
        if step % 4 == 0:  # a word no article had (sorted first: every column is renumbered) …
            word = f"新{step}"
            idf[word] = rng.uniform(1.0, 8.0)
            rng.choice(articles).tokens += (word, word)
        if step % 4 == 2:  # … and one no article has any more
            a = next(a for a in articles if any(w.startswith("新") for w in a.tokens))
            a.tokens = tuple(w for w in a.tokens if not w.startswith("新"))
        if step % 3 == 1:
            articles.pop(rng.randrange(len(articles)))
        if step % 3 == 2:
            articles.append(FakeArticle(rng, 1000 + step, words, places))
        if step % 4 == 1:  # a word whose document frequency changed: the articles using it drift
            idf[rng.choice(words)] *= rng.choice([0.8, 1.25])
        elif step % 2:  # every weight shifts (as when the number of articles changes)
            shift = 1 + rng.uniform(-0.002, 0.002)
            idf = {w: v * shift for w, v in idf.items()}
            idf[rng.choice(words)] *= 1.3


def test_incremental_linking_reuses_rows_when_little_changed(monkeypatch):
    import random

    from generator import related
    from generator.model import Place

    rng = random.Random(5)
    words = [f"词{k}" for k in range(200)]
    places = [Place(f"地{k}", ("淄博市", f"地{k}")) for k in range(4)]
    articles = [FakeArticle(rng, k, words, places) for k in range(300)]
    idf = {w: rng.uniform(1.0, 8.0) for w in words}
    _, state = related.link_incrementally(articles, weigh(articles, idf), idf, None)
    computed = []
    real = related.Linker.rank_rows
    monkeypatch.setattr(related.Linker, "rank_rows", lambda self, rows, block=None: computed.append(len(list(rows)))
                        or real(self, rows, block))
    articles[0].tokens += ("词1",)
    related.link_incrementally(articles, weigh(articles, idf), idf, state)
    assert sum(computed) < 30  # the edited article and the few whose lists it touches, not all 300


def test_reasons_follow_the_weights_even_when_the_rankings_hold():
    """Two articles with the same two words: the list cannot change, but which shared word
    weighs more, and so comes first in the reason, follows the weights."""
    import random

    from generator.related import link_incrementally, related_articles

    rng = random.Random(1)
    articles = [FakeArticle(rng, k, ["词甲"], ["地", "地", "地"]) for k in range(3)]
    for a in articles:
        a.tokens, a.places, a.themes = ("词甲", "词乙"), (), ("other",)
    state = None
    for idf in ({"词甲": 3.0, "词乙": 1.0}, {"词甲": 1.0, "词乙": 3.0}, {"词甲": 1.0, "词乙": 3.0}):
        vectors = weigh(articles, idf)
        got, state = link_incrementally(articles, vectors, dict(idf), state)
        assert got == related_articles(articles, vectors)
        heavier = max(idf, key=idf.get)
        assert all(r.reason.startswith("共同关键词：" + heavier) for rows in got.values() for r in rows)


@pytest.mark.parametrize("block_cells", [1, 37, 2_000_000])  # a row at a time, a few rows, all at once
def test_vectors_are_cut_to_their_heaviest_words_ties_by_word(monkeypatch, block_cells):
    import random

    from scipy import sparse

    from generator import related

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


def test_a_kept_grouping_gives_what_a_new_one_gives_as_articles_change(seed_digest):
    """``link.Grouping`` kept from build to build (the build server's) groups as a new one does,
    whatever changed: other objects with the same keys, keys that come and go, a key left with no
    article, another order or another set of articles. Only the lists of keys whose articles
    changed are made again."""
    import random
    from dataclasses import replace

    from generator.link import Grouping, tags_of

    rng = random.Random(11)
    articles = list(seed_digest.articles)
    words = sorted({w for a in articles for w in a.analysis.keywords})[:12] + ["只在这里的词"]
    kept, gone, came = Grouping(tags_of), set(), set()
    for step in range(60):
        if step % 15 == 14:  # another order, then one article fewer: grouped afresh
            rng.shuffle(articles)
            articles = articles[1:] if step % 30 == 14 else articles
        for k in rng.sample(range(len(articles)), 3):
            a = articles[k]
            if rng.random() < 0.5:  # the same keys (an article whose related list moved)
                articles[k] = replace(a)
            else:  # a keyword gained or lost
                keywords = list(a.analysis.keywords)
                keywords = keywords[1:] if keywords and rng.random() < 0.5 else keywords + [rng.choice(words)]
                articles[k] = replace(a, analysis=replace(a.analysis, keywords=tuple(dict.fromkeys(keywords))))
        last = dict(kept.groups)
        grouped = kept.group(articles)
        assert grouped == Grouping(tags_of).group(articles), step  # each key's articles, in order
        if step % 15 != 14 and step:
            gone.update(set(last) - set(grouped))
            came.update(set(grouped) - set(last))
            alike = [key for key, arts in last.items() if key in grouped and len(arts) == len(grouped[key])
                     and all(x is y for x, y in zip(arts, grouped[key]))]
            assert alike and all(grouped[key] is last[key] for key in alike), step  # not made again
    assert gone and came
