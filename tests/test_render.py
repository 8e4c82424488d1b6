import re
from collections import Counter
import xml.dom.minidom

import markdown

from generator.render.feed import FEED_PATH
from generator.render.text import md
from generator.render.site import render_site

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
    from generator.analyze.segment import default_segmenter
    stop = default_segmenter().stop_words
    for a in seed_digest.articles:
        assert a.analysis.summary, a.draft.title
        assert len("".join(a.analysis.summary)) <= 200
        assert all(s in a.draft.body for s in a.analysis.summary)
        assert 5 <= len(a.analysis.keywords) <= 10 or sum(a.analysis.terms[1]) < 20
        assert all(len(k) > 1 and k not in stop and not any(c.isdigit() for c in k) for k in a.analysis.keywords)


def test_the_home_page_of_an_archive_lists_the_newest_page_files_only(seed_digest):
    """Thousands of page files are not listed on the home page; the newest are, with the total."""
    from dataclasses import replace

    from generator.render import site as render

    pages = tuple(replace(seed_digest.pages[0], file=f"{k:04d}.txt", meta=replace(seed_digest.pages[0].meta,
                                                                              date=f"2019-01-{k % 28 + 1:02d}"))
                  for k in range(40))
    home = render.render_site(replace(seed_digest, pages=pages))["index.md"]
    assert "共 40 个版面文件，下表列出最新的 30 个。" in home
    assert "| 0027\\.txt |" in home and "| 0028\\.txt |" not in home  # 2019-01-28 kept, 2019-01-01 left out


def test_what_the_corpus_decides_reaches_pages_kept_from_the_last_build(tmp_path, seed_digest):
    """Articles made from unchanged page work are rendered again, and their export records
    made again, exactly when their keywords, summary or related articles changed."""
    from dataclasses import replace

    from generator.write import MANIFEST, write_site
    from generator.model import Digest
    from generator.render.site import site_files

    def digest_of(articles):
        return Digest(seed_digest.themes, tuple(articles), seed_digest.dropped, seed_digest.pages)

    articles = [replace(a, made_from="page-work-key") for a in seed_digest.articles]
    a = next(a for a in articles if a.related)
    other = next(b for b in articles if b.id not in {a.id} | {r.id for r in a.related})
    write_site(tmp_path, site_files(digest_of(articles)))
    target = a.related[0].id
    changes = [  # one at a time, each on top of the last
        lambda b: replace(b, analysis=replace(b.analysis, summary=("另一个摘要。",))) if b.id == a.id else b,
        lambda b: replace(b, analysis=replace(b.analysis, keywords=("另一个关键词",))) if b.id == a.id else b,
        lambda b: replace(b, related=tuple(r._replace(reason="另一个理由") for r in b.related)) if b.id == a.id else b,
        lambda b: replace(b, related=tuple(r._replace(score=r.score + 0.1) for r in b.related)) if b.id == a.id else b,
        lambda b: replace(b, related=b.related[:1] + (b.related[0]._replace(id=other.id),)) if b.id == a.id else b,
        # a related article's headline corrected by an editor
        lambda b: replace(b, draft=replace(b.draft, title="更正后的标题"), made_from=None) if b.id == target else b,
    ]
    for change in changes:
        articles = [change(b) for b in articles]
        digest = digest_of(articles)
        write_site(tmp_path, site_files(digest))
        assert {p.relative_to(tmp_path).as_posix(): p.read_text(encoding="utf-8")
                for p in tmp_path.rglob("*") if p.is_file() and p.name != MANIFEST} == render_site(digest)


def _parts(files: dict[str, str], base: str) -> list[str]:
    """The pages of one listing in reading order: base.md, then its archive parts from the newest."""
    archived = sum(1 for path in files if path.startswith(f"{base}/") and path[len(base) + 1:-3].isdigit())
    return [files[f"{base}.md"]] + [files[f"{base}/{k}.md"] for k in range(archived, 0, -1)]


def _listed(part: str) -> list[str]:
    return re.findall(r"\]\((?:\.\./)*articles/([^)]+)\.md\)", part.split("\n## 文章\n")[-1])


def _listings(digest, files) -> dict[str, list[str]]:
    """Every theme's, place's and the timeline's articles, newest first, by the listing's base path."""
    from generator.link import ids as link
    from generator.render.listings import newest_first, place_slugs

    newest = [a.slug for a in newest_first(digest.articles)]
    index = link.by_place(newest_first(digest.articles))
    slugs = place_slugs(index)
    listings = {"timeline": newest}
    listings |= {f"places/{slugs[path]}": [a.slug for a in arts] for path, arts in index.items()}
    for theme in digest.themes:
        listings[f"themes/{theme.key}"] = [s for s in newest if theme.key in {
            a.slug: (a.theme_keys[:1] if theme.key == "other" else a.theme_keys) for a in digest.articles}[s]]
    return listings


def test_long_listings_are_split_into_parts_that_list_each_article_once(seed_digest):
    """A theme, a place and the timeline: the latest page, then archive parts of exactly
    listing_size articles numbered from the oldest, each article once, newest first, each page
    linking to its neighbours; the places page holds counts, not lists."""
    files = render_site(seed_digest, listing_size=3)
    listings = _listings(seed_digest, files)
    assert any(len(slugs_listed) > 6 for slugs_listed in listings.values())
    for base, expected in listings.items():
        parts = _parts(files, base)
        listed = [_listed(part) for part in parts]
        if base == "timeline":  # within a part, the undated are grouped under why each has no date
            starts = [sum(map(len, listed[:k])) for k in range(len(listed))]
            assert [sorted(part) for part in listed] == [sorted(expected[start:start + len(part)])
                                                         for start, part in zip(starts, listed)], base
        else:
            assert [s for part in listed for s in part] == expected, base
        archived = len(parts) - 1
        assert archived == max(0, len(expected) // 3 - 1), base
        assert all(len(part) == 3 for part in listed[1:]), base
        assert 3 <= len(listed[0]) <= 5 or not archived, base
        up = "../" * (base.count("/") + 1)
        if archived:
            assert f"[较旧 »]({up[3:]}{base}/{archived}.md)" in parts[0], base
        for k in range(1, archived + 1):
            part = parts[archived + 1 - k]
            assert f"往期第 {k} 部分" in part and f"[最新]({up}{base}.md)" in part, base
            newer = f"{base}/{k + 1}.md" if k < archived else f"{base}.md"
            assert f"[« 较新]({up}{newer})" in part, base
            assert (f"[较旧 »]({up}{base}/{k - 1}.md)" in part) == (k > 1), base
    assert "articles/" not in files["places.md"]  # a count per place, not every article under every level
    paths = set(files)
    for text in (files[f"articles/{a.slug}.md"] for a in seed_digest.articles):
        for target in re.findall(r"\(\.\./(places/[^)#]+\.md)\)", text):
            assert target in paths


def test_newer_articles_leave_the_archive_parts_as_they_were(seed_digest):
    """An archive part is written once: the pages added since (here the last two page files of
    the seeds, whose articles are undated, as pages without metadata give) add to the latest
    page and, when it is full, a new part; the older parts keep their text (but for the newest
    part's 较新 link, which then leads to the new part)."""
    from dataclasses import replace

    everything = [replace(a, related=()) for a in seed_digest.articles]
    added = sorted({a.draft.file for a in everything})[-2:]
    assert all(not a.analysis.date.value for a in everything)
    older = replace(seed_digest, articles=tuple(a for a in everything if a.draft.file not in added))
    before = render_site(older, listing_size=3)
    after = render_site(replace(seed_digest, articles=tuple(everything)), listing_size=3)
    compared = 0
    for base in _listings(older, before):
        archived = len(_parts(before, base)) - 1
        for k in range(1, archived + 1):
            old, new = before[f"{base}/{k}.md"], after[f"{base}/{k}.md"]
            if k == archived:
                old, new = (re.sub(r"\[« 较新\]\([^)]*\)", "", text) for text in (old, new))
            assert old == new, f"{base}/{k}.md"
            compared += 1
    assert compared >= 10
    assert len(_parts(after, "timeline")) > len(_parts(before, "timeline"))
    # and their keys (what MkDocs' HTML cache and the writer go by) stay, counts and part totals aside
    from generator.render.site import site_files

    keys_before = {path: c.key for path, c in site_files(older, listing_size=3)}
    keys_after = {path: c.key for path, c in site_files(replace(seed_digest, articles=tuple(everything)),
                                                          listing_size=3)}
    same = [path for path in keys_before if re.search(r"/\d+\.md$", path) and before[path] == after.get(path)]
    assert same and all(keys_before[path] == keys_after[path] for path in same)


def test_listing_parts_of_an_archive_stay_small(seed_digest):
    """With the default size, no listing page grows with the archive: 40× the seed corpus
    gives more parts, not longer pages."""
    from dataclasses import replace

    from generator import LISTING_SIZE

    many = tuple(replace(a, id=f"{a.id}{k:03d}", slug=f"{a.slug}-{k:03d}", related=())
                 for k in range(40) for a in seed_digest.articles)
    files = render_site(replace(seed_digest, articles=many))
    listings = {path: len(_listed(text)) for path, text in files.items()
                if not path.startswith("articles/") and path.endswith(".md")}
    assert max(listings.values()) < 2 * LISTING_SIZE
    assert {n for path, n in listings.items() if path.rsplit("/", 1)[-1][:-3].isdigit()} == {LISTING_SIZE}
    assert len(files["places.md"]) < 20_000 and len(files["timeline.md"]) < 60_000


def test_a_listing_size_below_one_is_refused(seed_digest):
    import pytest

    with pytest.raises(ValueError):
        render_site(seed_digest, listing_size=0)


def test_each_shared_tag_has_a_page_that_lists_its_articles_and_their_chips_link_there(seed_digest):
    """Material's chips stay (front matter `tags`); a tag shared by two or more articles has its
    own page, in parts like any listing, and `digest_tags` tells the chip where it leads. A tag
    that names one of the article's places leads to the place's page instead, and the article is
    not listed under it on a tag page."""
    import yaml

    from generator.link.ids import by_place, by_tag, pinyin_of, place_tags, tags_of
    from generator.render.listings import newest_first, place_slugs, tag_slugs

    files = render_site(seed_digest, listing_size=3)
    articles = newest_first(seed_digest.articles)
    index = by_tag(articles)
    slugs = tag_slugs(index)
    places = place_slugs(by_place(articles))
    counts = Counter(t for a in articles for t in tags_of(a) if t not in place_tags(a))
    assert set(index) == {t for t, n in counts.items() if n >= 2} and len(index) < len(counts)
    assert sum(len(place_tags(a)) for a in articles) > len(articles) / 2  # the seeds name places
    for tag, members in index.items():
        listed = [s for part in _parts(files, f"tags/{slugs[tag]}") for s in _listed(part)]
        assert listed == [a.slug for a in members], tag
        letter = pinyin_of(tag)[0]
        initial = files[f"tags/initial-{letter}.md"]
        assert f"]({slugs[tag]}.md)（{len(members)}）" in initial
        assert f"(tags/initial-{letter}.md)" in files["tags.md"]
    for a in articles:
        meta = yaml.safe_load(files[f"articles/{a.slug}.md"].split("---\n")[1])
        assert meta["tags"] == list(tags_of(a))
        assert meta["digest_tags"] == ({t: f"places/{places[path]}" for t, path in place_tags(a).items()}
                                       | {t: f"tags/{slugs[t]}" for t in tags_of(a)
                                          if t in index and t not in place_tags(a)})
        assert all(a not in index.get(t, []) for t in place_tags(a))


def test_names_that_read_alike_get_distinct_slugs():
    """Homophone places get distinct slugs whatever the order; a tag's slug is the tag itself,
    so a new homophone tag leaves the address of the others as it was."""
    from generator.render.listings import place_slugs, tag_slugs

    paths = [("淄博市", "公式镇"), ("淄博市", "攻势镇"), ("淄博市",)]
    slugs = place_slugs(paths)
    assert slugs[("淄博市",)] == "zi-bo-shi"
    assert len({slugs[p] for p in paths[:2]}) == 2 and all(slugs[p].startswith("zi-bo-shi-gong-shi-zhen-")
                                                            for p in paths[:2])
    assert place_slugs(paths[::-1]) == slugs
    tags = tag_slugs(["公式", "淄博"])
    assert tags == {"公式": "公式", "淄博": "淄博"}
    assert tag_slugs(["攻势", "公示", "公式", "淄博"]) | tags == tag_slugs(["攻势", "公示", "公式", "淄博"])
    assert tag_slugs(["5G", "5g", "a/b"])["a/b"] == "a-b" and len(set(tag_slugs(["5G", "5g"]).values())) == 2


def test_a_feed_entry_is_dated_by_its_article_its_page_or_the_newest_date_the_input_gives(seed_digest):
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    from generator.model import DateInfo, PageMeta

    atom = "{http://www.w3.org/2005/Atom}"
    a, b, c = (replace(x, related=()) for x in seed_digest.articles[:3])  # a digest of these three alone
    articles = [replace(a, analysis=replace(a.analysis, date=DateInfo("2019-11-13", "电头日期"))),
                replace(b, meta=PageMeta(date="2019-11-20", year=2019)), c]

    def feed(articles):
        site = render_site(replace(seed_digest, articles=tuple(articles)))
        root = ET.fromstring(site["feed.xml"].encode("utf-8"))
        return root.find(f"{atom}updated"), {e.find(f"{atom}id").text.rsplit(":", 1)[1]:
                                            getattr(e.find(f"{atom}updated"), "text", None)
                                            for e in root.iter(f"{atom}entry")}

    updated, dates = feed(articles)
    assert dates[a.id] == "2019-11-13T00:00:00Z" and dates[b.id] == "2019-11-20T00:00:00Z"
    assert dates[c.id] == "2019-11-20T00:00:00Z" and updated.text == "2019-11-20T00:00:00Z"  # the newest given
    updated, dates = feed([c])  # the input gives no date: none is made up
    assert updated is None and dates == {c.id: None}


def test_a_listing_names_the_newspaper_and_edition_where_the_page_gives_them(seed_digest):
    from dataclasses import replace

    from generator.model import PageMeta
    from generator.render.views import source_label

    a = seed_digest.articles[0]
    assert source_label(a) == a.draft.file  # no front matter: the page file
    assert source_label(replace(a, meta=PageMeta("淄博日报", "第3版", "2019-01-12", 2019))) == "淄博日报 第3版"


def test_the_places_page_is_one_compact_line_a_place_in_pinyin_order(seed_files):
    lines = [line for line in seed_files["places.md"].splitlines() if line.lstrip().startswith("- ")]
    cities = [re.search(r"\[(.+?)\]", line).group(1) for line in lines if line.startswith("- ")]
    assert cities == ["济南市", "临沂市", "青岛市", "威海市", "烟台市", "淄博市"]  # ji lin qing wei yan zi
    assert all(re.search(r"（\d+）$", line) for line in lines)  # name, link and count on one line


def test_the_feed_lists_the_newest_articles_only(seed_digest):
    """A feed reader downloads the feed every hour: it holds the newest ``feed_size`` entries, the
    archive stays on the site and in the export."""
    import xml.etree.ElementTree as ET

    from generator.render.listings import newest_first

    entries = ET.fromstring(render_site(seed_digest, feed_size=3)["feed.xml"]).findall(
        "{http://www.w3.org/2005/Atom}entry")
    newest = newest_first(seed_digest.articles)[:3]
    assert [e.find("{http://www.w3.org/2005/Atom}id").text.rsplit(":", 1)[1] for e in entries] == [a.id for a in newest]



def test_the_timeline_says_once_why_articles_have_no_date(seed_digest):
    """Undated articles are listed under why they have no date, said once per reason (not after
    every headline); one whose dateline gives only a month and day shows it."""
    timeline = render_site(seed_digest)["timeline.md"]
    undated = timeline.split("## 未注明日期", 1)[1]
    reasons = re.findall(r"^(\S[^\n]*)：$", undated, re.M)
    assert reasons and len(reasons) == len(set(reasons))
    listed = re.findall(r"^- \[", undated, re.M)
    assert len(listed) == sum(1 for a in seed_digest.articles if not a.analysis.date.value)
    with_dateline = [a for a in seed_digest.articles if not a.analysis.date.value and a.draft.dateline_date]
    assert with_dateline and all(f"（{a.draft.dateline_date}）" in undated for a in with_dateline)
