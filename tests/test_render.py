import xml.dom.minidom

import markdown

from generator.render import FEED_PATH, md, render_site

REQUIRED = {"id", "url", "title", "kicker", "subtitle", "byline", "date", "places", "themes", "summary",
            "keywords", "figures", "related", "source", "captions", "paragraphs"}


def test_md_shows_markup_as_literal_text():
    for text in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
                 "{{ config }}", "{% include %}", "# 标题", "| a | b |", "---", "**粗体**"):
        html = markdown.markdown(md(text), extensions=["attr_list", "tables", "md_in_html"])
        assert "<script" not in html and "<img" not in html and "href" not in html and "<h1" not in html
        assert "<strong" not in html and "<table" not in html and "<hr" not in html


def test_export_has_the_contract_fields(seed_export):
    assert set(seed_export["themes"]) == {"governance", "insurance", "veterans", "collective", "other"}
    for article in seed_export["articles"]:
        assert REQUIRED <= set(article)
        assert article["url"] == f"articles/{article['url'].split('/')[1]}/"
        assert article["themes"] and article["summary"]
        assert all(s in "".join(article["paragraphs"]) for s in [article["summary"][:20]])
    assert all({"file", "lines", "kind", "text"} <= set(d) for d in seed_export["dropped"])


def test_rendering_is_deterministic(seed_digest, seed_files):
    assert render_site(seed_digest) == seed_files


def test_feed_is_valid_atom_with_one_entry_per_article(seed_files, seed_export):
    doc = xml.dom.minidom.parseString(seed_files[FEED_PATH].encode("utf-8"))
    assert len(doc.getElementsByTagName("entry")) == len(seed_export["articles"])


def test_summaries_and_keywords_over_the_seed_corpus(seed_digest):
    from generator.segment import default_segmenter
    stop = default_segmenter().stop_words
    for a in seed_digest.articles:
        assert a.analysis.summary, a.draft.title
        assert len("".join(a.analysis.summary)) <= 200
        assert all(s in a.draft.body for s in a.analysis.summary)
        assert 5 <= len(a.analysis.keywords) <= 10 or len(a.analysis.tokens) < 20
        assert all(len(k) > 1 and k not in stop and not any(c.isdigit() for c in k) for k in a.analysis.keywords)


def test_the_home_page_of_an_archive_lists_the_newest_page_files_only(seed_digest):
    """Thousands of page files are not listed on the home page; the newest are, with the total."""
    from dataclasses import replace

    from generator import render

    pages = tuple(replace(seed_digest.pages[0], file=f"{k:04d}.txt", meta=replace(seed_digest.pages[0].meta,
                                                                              date=f"2019-01-{k % 28 + 1:02d}"))
                  for k in range(40))
    home = render.render_site(replace(seed_digest, pages=pages))["index.md"]
    assert "共 40 个版面文件，下表列出最新的 30 个。" in home
    assert "| 0027\\.txt |" in home and "| 0028\\.txt |" not in home  # 2019-01-28 kept, 2019-01-01 left out
