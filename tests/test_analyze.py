from generator.analyze.keywords import IdfTable, extract_keywords, keyword_scores, tokenize
from generator.analyze.facts import article_date, extract_figures, extract_places
from generator.analyze.summary import summarize
from generator.config import DEFAULT_GAZETTEER
from generator.model import Byline, Draft, PageMeta, Paragraph
from generator.analyze.places import load_gazetteer
from generator.analyze.segment import default_segmenter


def draft(*paragraphs, title="临淄为2718名贫困群众上“双保险”", dateline=None, date=None):
    return Draft("p.txt", title, None, None, Byline(), dateline, date,
                 tuple(Paragraph(p, (i,)) for i, p in enumerate(paragraphs)), (), (), (), (1, 2))


def test_segmenter_uses_the_domain_dictionary():
    words = default_segmenter().cut("给俺买了特惠保险和商业补充保险，还建起了扶贫车间")
    assert "特惠保险" in words and "商业补充保险" in words and "扶贫车间" in words


def test_keywords_are_content_words():
    seg = default_segmenter()
    d = draft("临淄区为2718名贫困群众购买特惠保险和商业补充保险。特惠保险覆盖全部贫困群众，商业补充保险减轻医疗负担。")
    tokens = tokenize(d, seg)
    keywords = extract_keywords(keyword_scores(tokens, idf_table=IdfTable(seg, {}, 1)), title_words=set())
    assert "特惠保险" in keywords
    assert all(len(k) > 1 and not any(c.isdigit() for c in k) and k not in seg.stop_words for k in keywords)


def test_summary_is_verbatim_and_short():
    d = draft("本报淄博讯 1月11日，临淄区为2718名贫困群众上了双保险。" + "这是一个很长的句子" * 30 + "。", "另一段说明情况。",
              dateline="本报淄博讯", date="1月11日")
    summary = summarize(d, keywords=("贫困群众",))
    assert summary[0] == "临淄区为2718名贫困群众上了双保险。"
    assert all(s in d.body for s in summary) and len("".join(summary)) <= 200


def test_figures_with_unit_and_clause():
    d = draft("全区291家社会组织实现全覆盖，覆盖率为81%，获得了38万元的资金扶持。2018年以来成效明显。")
    figures = extract_figures(d)
    assert [(f.value, f.unit) for f in figures] == [("291", "家"), ("81", "%"), ("38", "万元")]
    assert figures[0].text == "全区291家社会组织实现全覆盖"


def test_places_resolve_short_and_full_names_to_one_place():
    gaz = load_gazetteer(DEFAULT_GAZETTEER)
    for text in ("临淄区", "临淄", "淄博市临淄区"):
        (place,) = [p for p in gaz.find(text)]
        assert place.path == ("淄博市", "临淄区")
    d = draft("张店区科苑街道举办集市，临淄区也派人参加。", title="淄博张店：集市开市", dateline="本报淄博讯")
    places = [p.name for p in extract_places(d, gaz)]
    assert places[:2] == ["淄博市", "张店区"] and "科苑街道" in places  # dateline, then headline


def test_date_needs_a_year_and_never_invents_one():
    d = draft("本报淄博讯 11月13日，会议召开。", dateline="本报淄博讯", date="11月13日")
    assert article_date(d, PageMeta()).value is None
    assert article_date(d, PageMeta(year=2024)).value == "2024-11-13"
    dated = draft("2023年11月13日，会议召开。", dateline="本报淄博讯", date="11月13日")
    assert article_date(dated, PageMeta()).value == "2023-11-13"


def test_rjieba_and_jieba_give_the_same_content_words():
    """The generator cuts with rjieba; it must read the corpus as jieba (and the search) do."""
    from collections import Counter

    from generator.analyze.segment import Segmenter
    from tests.conftest import SEEDS

    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    words = {}
    for backend in ("jieba", "rjieba"):
        segmenter = Segmenter(backend=backend)
        words[backend] = Counter(w for w in segmenter.cut(text) if segmenter.is_content(w))
    shared = sum((words["jieba"] & words["rjieba"]).values())
    assert shared / sum(words["jieba"].values()) >= 0.995


def test_corpus_weights_equal_the_per_article_scores_and_keywords(seed_digest):
    """``weigh`` and ``Weights.keywords`` (NumPy, all articles at once) give exactly what
    ``keyword_scores`` and ``extract_keywords`` (one article at a time) give."""
    from collections import Counter

    from generator.analyze.keywords import term_counts, title_words, weigh

    seg = default_segmenter()
    articles = list(seed_digest.articles)
    tokens = [tuple(w for w, c in zip(*a.analysis.terms) for _ in range(c)) for a in articles] + [()]  # and one
    # article without content words
    df = Counter(w for words in tokens for w in set(words))
    table = IdfTable(seg, df, len(tokens))
    weights = weigh([term_counts(t) for t in tokens], seg)
    titles = [title_words(a.draft, words) for a, words in zip(articles, tokens)] + [set()]
    keywords = weights.keywords(titles)
    for row, words in enumerate(tokens):
        scores = keyword_scores(words, idf_table=table)
        matrix_row = weights.matrix.getrow(row)
        assert {weights.words[k]: v for k, v in zip(matrix_row.indices, matrix_row.data)} == scores  # bit for bit
        assert keywords[row] == extract_keywords(scores, title_words=titles[row])
    assert keywords[-1] == ()
    assert weights.idf == {w: table[w] for w in weights.words}


def test_keywords_name_something_whole():
    """Quoted coinages stay whole, a classifier after a number starts no word, generic news words
    and plain verbs are never content (``data/generic_words.txt``)."""
    from tests.test_summary import draft as body_draft

    seg = default_segmenter()
    tokens = tokenize(body_draft("全镇75个村开展“键对键”服务，“凝心聚力”推进“政策找人”工作，社区居民踊跃参加。"), seg)
    assert {"键对键", "凝心聚力", "政策找人"} <= set(tokens)
    assert not {"个村", "对键", "凝心", "聚力", "服务", "社区", "居民", "工作", "开展", "推进"} & set(tokens)


def test_a_place_the_gazetteer_names_is_one_word_and_no_fragment_of_a_name_is_a_word():
    """陵城区 and 孝直镇 whole (jieba cuts 陵/城区 and 孝/直镇); 付线, which jieba cuts out of 起付线
    after a lone 起 wherever it occurs, is no word."""
    from generator import DEFAULT_GAZETTEER
    from generator.analyze.places import load_gazetteer
    from tests.test_summary import draft as body_draft

    seg, gazetteer = default_segmenter(), load_gazetteer(DEFAULT_GAZETTEER)
    text = "德州市陵城区和平阴县孝直镇的特困供养人员不设起付线，低保对象以1万元为起付线。"
    tokens = tokenize(body_draft(text), seg, gazetteer)
    assert {"陵城区", "孝直镇", "平阴县"} <= set(tokens) and not {"城区", "直镇", "付线"} & set(tokens)
    assert {"城区", "直镇"} <= set(tokenize(body_draft(text), seg))  # what the dictionary alone cuts


def generic_words():
    from generator.analyze.segment import GENERIC_WORDS, read_words

    return set(read_words(GENERIC_WORDS))


def test_no_keyword_or_tag_of_the_seed_site_is_generic(seed_digest):
    from generator.link import ids as link

    generic = generic_words()
    assert generic
    for a in seed_digest.articles:
        assert not generic & set(a.analysis.keywords), a.draft.title
        assert not generic & set(link.tags_of(a)), a.draft.title


def test_a_place_and_its_short_form_are_one_tag(seed_digest):
    from generator.link import ids as link

    tags = {t for a in seed_digest.articles for t in link.tags_of(a)}
    assert "淄博市" in tags and "淄博" not in tags


def test_a_town_the_gazetteer_does_not_list_is_kept_under_its_county():
    from generator import DEFAULT_GAZETTEER
    from generator.analyze.places import load_gazetteer

    gazetteer = load_gazetteer(DEFAULT_GAZETTEER)
    (town,) = gazetteer.find("淄博市临淄区姚家街道开展活动")
    assert town.path == ("淄博市", "临淄区", "姚家街道")
    assert [p.name for p in gazetteer.find("临淄区的乡镇都参加了")] == ["临淄区"]  # not a town's name
