"""Build the real site with `mkdocs build --strict` and check it as a reader's browser would load it."""
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from generator.mkdocs_plugin import CONVERSIONS_LOGGED
from generator.shared_chrome import SEARCH_BOX_SCRIPT, SETTINGS_SCRIPT
from tests.conftest import SEEDS, readable, site_export


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.hrefs.append(value)


@pytest.fixture(scope="module")
def site(built_site):
    return built_site


def test_every_page_type_exists(site, seed_export):
    assert (site / "index.html").exists()
    for key in seed_export["themes"]:
        assert (site / "themes" / key / "index.html").exists()
    for article in seed_export["articles"]:
        assert (site / article["url"] / "index.html").exists(), article["url"]
    for page in ("places", "timeline", "tags", "about"):
        assert (site / page / "index.html").exists()
    assert site_export(site) == seed_export
    assert (site / "feed.xml").exists()


def test_every_internal_link_resolves(site):
    broken = _broken_links(site)
    assert not broken, broken[:10]


def _broken_links(site) -> list[str]:
    broken = []
    for page in site.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for href in parser.hrefs:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "data:")):
                continue
            path = unquote(parts.path)
            target = (site / path.lstrip("/")) if path.startswith("/") else (page.parent / path)
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} → {href}")
    return broken


def test_articles_are_on_their_theme_pages_and_out_of_the_nav(site, seed_export):
    for article in seed_export["articles"]:
        slug = article["url"].split("/")[1]
        theme_page = readable(site / "themes" / article["themes"][0] / "index.html")
        assert f"articles/{slug}/" in theme_page
    home = readable(site / "index.html")
    nav = re.search(r'<nav class="md-nav md-nav--primary[^"]*".*?</nav>', home, re.S).group(0)
    assert "articles/" not in nav


def test_search_index_is_segmented_by_jieba(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\u200b" in index["config"]["separator"] or "u200b" in index["config"]["separator"]
    assert any("\u200b" in doc["text"] for doc in index["docs"])
    assert index["config"]["lang"] == ["zh"]


def test_feed_is_linked_from_every_page_head(site):
    for page in (site / "index.html", next((site / "articles").rglob("index.html"))):
        assert 'type="application/atom+xml"' in readable(page)


def _html(site, path):
    return readable(site / path / "index.html")


def _section_after(html: str, element_id: str) -> str:
    """The HTML from the heading with this id up to the next heading of the same or higher level,
    or from the list entry with this id to the next entry."""
    entry = re.search(rf'<li><span id="{re.escape(element_id)}"></span>(.*?)(?:<li>|</li>)', html, re.S)
    if entry:
        return entry.group(1)
    match = re.search(rf'<h([1-6])[^>]* id="{re.escape(element_id)}"', html)
    assert match, element_id
    level = int(match.group(1))
    rest = html[match.end():]
    end = re.search(rf"<h[1-{level}][ >]", rest)
    return rest[: end.start()] if end else rest


def test_every_article_is_on_each_of_its_theme_place_and_timeline_pages(site, seed_digest):
    from generator.render.listings import place_slugs

    places_html = _html(site, "places")
    timeline = _html(site, "timeline")
    slugs = place_slugs({p.path[:depth] for a in seed_digest.articles for p in a.analysis.places
                         for depth in range(1, len(p.path) + 1)})
    for article in seed_digest.articles:
        link = article.url
        for key in article.theme_keys or ["other"]:
            assert link in _html(site, f"themes/{key}"), (article.draft.title, key)
        for place in article.analysis.places:
            slug = slugs[place.path]
            assert link in _html(site, f"places/{slug}"), (article.draft.title, place)
            # the places page names the place and leads to its page; the article's page links there too
            assert f'href="{slug}/"' in _section_after(places_html, f"place-{slug}")
            assert f'href="../../places/{slug}/"' in _html(site, link)
        assert link in timeline, article.draft.title


def test_related_links_resolve_to_articles_with_a_reason(site, seed_export):
    urls = {a["url"] for a in seed_export["articles"]}
    for article in seed_export["articles"]:
        html = _html(site, article["url"])
        if not article["related"]:
            continue
        section = _section_after(html, re.search(r'<h2[^>]* id="([^"]+)"[^>]*>相关文章', html).group(1))
        items = re.findall(r'<li><a href="([^"]+)">[^<]+</a> — ([^<]+)</li>', section)
        assert 1 <= len(items) <= 5, article["title"]
        for href, reason in items:
            target = (site / article["url"] / href).resolve().relative_to(site.resolve())
            assert f"{target.as_posix()}/" in urls, href
            assert reason.strip()


def test_feed_is_valid_atom_with_one_entry_per_article(site, seed_export):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring((site / "feed.xml").read_bytes())
    assert root.tag == f"{atom}feed"
    entries = root.findall(f"{atom}entry")
    assert len(entries) == len(seed_export["articles"])
    ids = {e.find(f"{atom}id").text for e in entries}
    assert len(ids) == len(entries)
    links = {e.find(f"{atom}link").get("href") for e in entries}
    assert links == {a["url"] for a in seed_export["articles"]}


def test_feed_dates_are_real_and_its_categories_are_the_themes_names(site, seed_digest):
    """No 1970: an undated article is dated by its page, else by the newest date the input gives,
    else not at all (the seed pages give none)."""
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring((site / "feed.xml").read_bytes())
    dates = [e.text for e in root.iter(f"{atom}updated")]
    assert all("2000" <= d[:4] <= "2100" for d in dates), sorted(set(dates))
    assert "1970" not in (site / "feed.xml").read_text(encoding="utf-8")
    names = {t.name for t in seed_digest.themes}
    categories = {c.get("term") for c in root.iter(f"{atom}category")}
    assert categories and categories <= names


class VisibleText(HTMLParser):
    """What a reader reads on a page: its text outside scripts, styles and code, and its
    tooltips, labels and placeholders."""

    HIDDEN = {"script", "style", "svg", "code", "pre"}

    def __init__(self):
        super().__init__()
        self.hidden, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in self.HIDDEN
        self.parts += [v for k, v in attrs if k in ("title", "aria-label", "placeholder", "alt") and v]

    def handle_endtag(self, tag):
        self.hidden -= tag in self.HIDDEN

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def test_every_word_a_reader_sees_is_chinese(site, seed_export):
    """No English phrase of three words or more on the home, theme, article, places, timeline,
    tag and 404 pages (Material's own strings included: footer, tooltips, 404)."""
    pages = ["index.html", "404.html", "places/index.html", "timeline/index.html", "tags/index.html"]
    pages += [p.relative_to(site).as_posix() for p in (site / "themes").rglob("index.html")]
    pages += [a["url"] + "index.html" for a in seed_export["articles"]]
    pages += [p.relative_to(site).as_posix() for p in (site / "tags").rglob("index.html")][:10]
    english = {}
    for path in pages:
        reader = VisibleText()
        reader.feed((site / path).read_text(encoding="utf-8"))
        found = ENGLISH_PHRASE.findall(" ".join(reader.parts))
        if found:
            english[path] = found[:3]
    assert not english, english
    assert "页面不存在" in (site / "404.html").read_text(encoding="utf-8")


ENGLISH_PHRASE = re.compile(r"[A-Za-z]+(?:[\s\-]+[A-Za-z]+){2,}")


def test_the_kicker_sits_above_the_headline_without_overlapping_it(site, seed_export):
    from tests.browser import chromium, serve
    from tests.conftest import require_chromium

    require_chromium()
    article = next(a for a in seed_export["articles"] if a["kicker"])
    with serve(site) as base_url, chromium() as browser:
        for width, height in ((390, 844), (1280, 900)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(base_url + article["url"])
            kicker = page.locator(".digest-kicker").bounding_box()
            title = page.locator("article h1").first.bounding_box()
            assert kicker["y"] + kicker["height"] <= title["y"], (width, kicker, title)
            page.close()


def test_no_page_scrolls_sideways_on_a_phone(site, seed_export):
    """Tables, charts and long headlines fit a 390 px screen (checked in Chromium)."""
    from tests.browser import chromium, serve
    from tests.conftest import require_chromium

    require_chromium()
    longest = max(seed_export["articles"], key=lambda a: len(a["title"]))
    paths = ["", "themes/governance/", "places/", "timeline/", "tags/", longest["url"]]
    with serve(site) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        wide = {}
        for path in paths:
            page.goto(base_url + path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide[path] = overflow
        assert not wide, wide


@pytest.fixture(scope="module")
def paged_site(tmp_path_factory):
    """The seed site with listings of at most 4 articles, as an archive's listings are split."""
    from tests.project import make_project, mkdocs_build

    work = tmp_path_factory.mktemp("paged")
    project = make_project(SEEDS, work)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - digest:\n", "  - digest:\n      listing_size: 4\n"), encoding="utf-8")
    result = mkdocs_build(work / "site", project=project)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr[-3000:]
    return work / "site"


def test_listing_parts_build_link_and_stay_out_of_the_nav(paged_site, seed_export):
    assert not _broken_links(paged_site)
    for path in ("timeline/1", "themes/other/1", "places/zi-bo-shi/1"):
        assert (paged_site / path / "index.html").exists(), path
    home = readable(paged_site / "index.html")
    nav = re.search(r'<nav class="md-nav md-nav--primary[^"]*".*?</nav>', home, re.S).group(0)
    assert "timeline/1/" not in nav and "places/zi-bo-shi/" not in nav and "themes/other/1/" not in nav
    pages = [paged_site / "timeline" / "index.html"] + sorted((paged_site / "timeline").glob("*/index.html"))
    listed = [href for part in pages
              for href in re.findall(r'href="(?:\.\./)*(articles/[^"]+/)"', readable(part))]
    assert sorted(set(listed)) == sorted(a["url"] for a in seed_export["articles"])


def test_a_reader_pages_through_a_listing_on_a_phone(paged_site):
    """From a listing's latest page, 较旧 leads to its newest archive part, which fits a 390 px
    screen, and 最新 leads back."""
    from tests.browser import chromium, serve
    from tests.conftest import require_chromium

    require_chromium()
    with serve(paged_site) as base_url, chromium() as browser:
        page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        page.goto(base_url + "places/zi-bo-shi/")
        page.get_by_role("link", name="较旧 »").first.click()
        page.wait_for_load_state()
        newest_part = max(int(p.name) for p in (paged_site / "places" / "zi-bo-shi").iterdir() if p.name.isdigit())
        assert page.url.endswith(f"/places/zi-bo-shi/{newest_part}/")
        assert f"往期第 {newest_part} 部分" in page.inner_text("article")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.get_by_role("link", name="最新", exact=True).first.click()
        page.wait_for_load_state()
        assert page.url.endswith("/places/zi-bo-shi/")


def test_a_tag_chip_leads_to_the_tag_page_listing_the_article(site, seed_digest):
    """...or, for a tag naming one of the article's places, to the place's page listing it."""
    from generator.link.ids import by_place, by_tag, place_tags, tags_of
    from generator.render.listings import place_slugs, tag_slugs

    index = by_tag(list(seed_digest.articles))
    slugs = tag_slugs(index)
    places = place_slugs(by_place(list(seed_digest.articles)))
    article = max(seed_digest.articles, key=lambda a: sum(t in index for t in tags_of(a)) + len(place_tags(a)))
    html = _html(site, article.url)
    chips = re.search(r'<nav class="md-tags"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert place_tags(article)
    for tag in tags_of(article):
        if tag in place_tags(article):
            slug = places[place_tags(article)[tag]]
            assert f'<a class="md-tag" href="../../places/{slug}/">{tag}</a>' in chips
            assert article.url in _html(site, f"places/{slug}")
        elif tag in index:
            assert f'<a class="md-tag" href="../../tags/{slugs[tag]}/">{tag}</a>' in chips  # minified: sorted
            assert article.url in _html(site, f"tags/{slugs[tag]}")
        else:
            assert f'<span class="md-tag">{tag}</span>' in chips
    assert any(tag not in index for tag in tags_of(article))


def test_a_dirty_build_renders_only_the_pages_that_changed_and_gives_a_clean_builds_html(tmp_path):
    """`mkdocs build --dirty` (and `mkdocs serve --dirty`) after one newspaper page changed:
    MkDocs renders the generated pages whose text changed, and the site's HTML is the HTML a
    clean build gives."""
    import shutil

    from tests.project import make_project, mkdocs_build

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    project = make_project(seeds, tmp_path, cache=str(tmp_path / "cache"))
    site = tmp_path / "site"
    assert mkdocs_build(site, project=project, DIGEST_SEARCH="pagefind").returncode == 0

    def pages(folder):
        return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
                for p in folder.rglob("*.html")}

    before = pages(site)
    page = sorted(seeds.glob("*.txt"))[1]
    page.write_text(page.read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8")
    result = mkdocs_build(site, project=project, dirty=True, DIGEST_SEARCH="pagefind")
    assert result.returncode == 0, result.stderr[-3000:]
    after = pages(site)
    rendered = {path for path, (mtime, _) in after.items() if before.get(path, (None,))[0] != mtime}
    assert any("补记：本版有更正。" in after[path][1].decode() for path in rendered if path.startswith("articles/"))
    assert 0 < len(rendered) < len(after) / 4, sorted(rendered)

    clean = tmp_path / "clean"
    assert mkdocs_build(clean, project=project, DIGEST_SEARCH="pagefind").returncode == 0
    expected = pages(clean)
    assert set(after) == set(expected)
    assert [path for path in expected if after[path][1] != expected[path][1]] == []

    # a change to the theme's overrides changes every page's HTML: all are rendered again
    override = project / "docs" / "overrides" / "main.html"
    override.write_text(override.read_text(encoding="utf-8") + "{# edited #}\n", encoding="utf-8")
    assert mkdocs_build(site, project=project, dirty=True, DIGEST_SEARCH="pagefind").returncode == 0
    again = pages(site)
    assert all(again[path][0] != after[path][0] for path in after if path.startswith("articles/"))


def test_a_dirty_build_removes_the_pages_no_longer_generated_and_only_those(tmp_path):
    """A newspaper page taken out under `mkdocs serve --dirty`: its articles' pages (and the tags
    only they had) leave the site folder, so neither a reader nor Pagefind finds them; a file the
    build did not write stays. Pagefind in parts of five articles, each indexed while MkDocs lays
    out the next: every article in one part, none of the removed ones."""
    import shutil

    from tests.project import make_project, mkdocs_build

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    project = make_project(seeds, tmp_path, cache=str(tmp_path / "cache"), pagefind_part_size=5)
    site = tmp_path / "site"
    assert mkdocs_build(site, project=project, DIGEST_SEARCH="pagefind").returncode == 0
    (site / "articles" / "notes.html").write_text("an editor's own file", encoding="utf-8")
    before = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    sorted(seeds.glob("*.txt"))[0].unlink()
    result = mkdocs_build(site, project=project, dirty=True, DIGEST_SEARCH="pagefind")
    assert result.returncode == 0, result.stderr[-3000:]
    clean = tmp_path / "clean"
    assert mkdocs_build(clean, project=project, DIGEST_SEARCH="pagefind").returncode == 0
    expected = {p.relative_to(clean).as_posix() for p in clean.rglob("*.html")}
    after = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert after == expected | {"articles/notes.html"} and len(after) < len(before)
    assert not [folder for folder in (site / "articles").iterdir() if folder.is_dir() and not any(folder.iterdir())]
    indexed = sum(json.loads((site / part / "pagefind-entry.json").read_text(encoding="utf-8"))
                  ["languages"]["zh"]["page_count"]
                  for part in json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8")))
    assert indexed == len([p for p in expected if p.startswith("articles/")])


def test_a_clean_build_takes_the_html_of_unchanged_pages_from_the_cache(tmp_path):
    """A second `mkdocs build` (a day's pages added, `mkdocs serve` without --dirty, CI with the
    cache folder restored) converts only the pages whose Markdown changed, into the HTML a build
    without a cache gives."""
    import shutil

    from tests.project import make_project, mkdocs_build

    def conversions(result):
        found = CONVERSIONS_LOGGED.search(result.stderr)
        return int(found.group(1)), int(found.group(2))

    def pages(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.html")}

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    project = make_project(seeds, tmp_path, cache=str(tmp_path / "cache"))
    first = mkdocs_build(tmp_path / "first", project=project)
    assert first.returncode == 0, first.stderr[-3000:]
    taken, converted = conversions(first)
    assert taken == 0 and converted > 80  # every generated page (95 on the seed site)

    page = sorted(seeds.glob("*.txt"))[1]
    page.write_text(page.read_text(encoding="utf-8") + "\n补记：本版有更正。\n", encoding="utf-8")
    second = mkdocs_build(tmp_path / "second", project=project)
    assert second.returncode == 0, second.stderr[-3000:]
    taken, converted = conversions(second)
    assert taken + converted == conversions(first)[1] and 0 < converted < taken / 4
    assert len(list((tmp_path / "cache" / "html").iterdir())) == taken + converted  # the edited pages' old HTML is gone

    uncached = make_project(seeds, tmp_path / "uncached", cache="")
    reference = mkdocs_build(tmp_path / "reference", project=uncached)
    assert reference.returncode == 0, reference.stderr[-3000:]
    expected, got = pages(tmp_path / "reference"), pages(tmp_path / "second")
    assert set(got) == set(expected)
    assert [path for path in expected if got[path] != expected[path]] == []


def test_pages_converted_on_all_cores_give_the_site_one_process_gives(tmp_path):
    """MkDocs converts one page after another; the plugin converts the generated pages in forked
    processes first (``jobs``, default one per core) and MkDocs takes their HTML: the same site,
    byte for byte, as one process builds, with every page converted once and no warning."""
    from tests.project import make_project, mkdocs_build

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    builds = {}
    for jobs in (1, 2):
        project = make_project(SEEDS, tmp_path / f"jobs-{jobs}", cache=str(tmp_path / f"cache-{jobs}"), jobs=jobs)
        result = mkdocs_build(tmp_path / f"site-{jobs}", project=project)
        assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr[-3000:]
        builds[jobs] = result.stderr
    assert "2 个进程转换了" in builds[2] and "进程转换了" not in builds[1]
    for stderr in builds.values():
        taken, converted = map(int, CONVERSIONS_LOGGED.search(stderr).groups())
        assert taken == 0 and converted > 80
    one, two = files(tmp_path / "site-1"), files(tmp_path / "site-2")
    assert set(one) == set(two) and [path for path in one if one[path] != two[path]] == []


def test_converted_html_is_kept_only_from_a_conversion_without_warnings(tmp_path, monkeypatch):
    """A strict build must fail on a page's warning again: such a conversion is not kept. One
    without warnings comes back with its table of contents, title and anchors."""
    import logging
    from types import SimpleNamespace

    from mkdocs.structure.toc import get_toc

    from generator.cache import mkdocs_pages

    warn = {"on": True}

    def render(page, config, files):
        page.content, page.toc = "<h1 id=\"t\">标题</h1>", get_toc([{"level": 1, "id": "t", "name": "标题",
                                                                     "html": "标题", "data-toc-label": "",
                                                                     "children": []}])
        page._title_from_render, page.present_anchor_ids, page.links_to_anchors = "标题", {"t"}, {}
        if warn["on"]:
            logging.getLogger("mkdocs.structure.pages").warning("a link leads nowhere")

    monkeypatch.setattr(mkdocs_pages.Page, "render", render)
    pages = mkdocs_pages.ConvertedPages(tmp_path, "fingerprint")
    page_file = SimpleNamespace(src_uri="articles/a.md", key="k1", content_string="# 标题\n")

    def built():
        page = SimpleNamespace(file=page_file)
        pages.attach(page, files=None)
        page.render(None, None)
        return page

    built()
    assert (pages.taken, pages.converted) == (0, 1) and not (tmp_path / "html").exists()
    warn["on"] = False
    built()
    again = built()
    assert (pages.taken, pages.converted) == (1, 2)
    assert again.content.startswith("<h1") and again._title_from_render == "标题" and again.present_anchor_ids == {"t"}
    assert [item.title for item in again.toc] == ["标题"]
    assert again.file._content == "# 标题\n"  # its Markdown comes back too: no need to render it
    page_file.key = "k2"  # its Markdown changed
    built()
    assert pages.converted == 3


def test_the_markdown_fingerprint_follows_the_extensions_and_the_hand_written_pages():
    from generator.cache.mkdocs_pages import markdown_fingerprint

    config = {"markdown_extensions": ["toc", "tables"], "mdx_configs": {"toc": {"permalink": True}},
              "use_directory_urls": True}
    same = markdown_fingerprint(config, ["about.md"])
    assert markdown_fingerprint(dict(config), ["about.md"]) == same
    assert markdown_fingerprint({**config, "mdx_configs": {"toc": {"permalink": False}}}, ["about.md"]) != same
    assert markdown_fingerprint({**config, "use_directory_urls": False}, ["about.md"]) != same
    assert markdown_fingerprint(config, []) != same


def test_mkdocs_serve_keeps_the_last_good_site_while_a_correction_is_bad(tmp_path):
    """An editor saves a bad corrections.yml under `mkdocs serve`: one line says what is wrong (no
    traceback), and the site keeps answering with the last good build until it is fixed."""
    import shutil
    import time
    import urllib.request

    from tests.project import make_project, mkdocs_serve

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    project = make_project(seeds, tmp_path, cache=str(tmp_path / "cache"))
    log = tmp_path / "serve.log"
    with open(log, "w") as out, mkdocs_serve(project, tmp_path / "serve-tmp", out) as port:
        def status(path: str = "") -> int | None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path}", timeout=5) as response:
                    return response.status
            except OSError:
                return None

        deadline = time.time() + 120
        while status() != 200 and time.time() < deadline:
            time.sleep(0.5)
        (seeds / "corrections.yml").write_text("abc: {date: 2019-13-45}\n", encoding="utf-8")
        deadline = time.time() + 60
        while "上一次成功生成" not in log.read_text(encoding="utf-8") and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(1)
        assert status() == 200 and status("timeline/") == 200
    text = log.read_text(encoding="utf-8")
    assert "abc：日期“2019-13-45”不是 YYYY-MM-DD 格式；改正之前，网站仍是上一次成功生成的样子" in text
    assert "Traceback" not in text and "appear stuck" not in text


def test_an_article_page_carries_the_top_level_links_not_the_navigation_tree(site, seed_export):
    """The year's 40,000 article pages: a compact sidebar of the site's top-level links (the drawer on
    a phone), no section tabs, no table of contents and no palette icons, Material's settings not
    in the page but in a cached file, in UTF-8; the overview pages keep Material's navigation."""
    article = readable(site / seed_export["articles"][0]["url"] / "index.html")
    nav = re.search(r'<nav class="md-nav md-nav--primary".*?</nav>', article, re.S).group(0)
    for name in ("首页", "地点", "时间线", "标签", *(t["name"] for t in seed_export["themes"].values())):
        assert f">{name}<" in nav or f"· {name}<" in nav, name
    assert len(nav.encode()) < 3000 and "md-tabs" not in article and "__palette_0\"" in article
    assert 'for="__palette_1"' not in article  # the toggle's label and icon
    assert "md-sidebar--secondary" not in article
    assert "__config" not in article
    settings = re.search(r"var shared = (.*)", (site / SETTINGS_SCRIPT).read_text(encoding="utf-8")).group(1)
    assert "已复制" in settings and "\\u" not in settings and '"base": ""' in settings
    home = readable(site / "index.html")
    assert "md-tabs" in home and 'for="__palette_1"' in home


def test_every_page_takes_its_icons_and_early_scripts_from_files_the_browser_caches(site, seed_export):
    """A year's 40,000 article pages each carried 1.4 KB of inline icons, 1.4 KB of inline
    scripts and 1 KB of Material's settings; they are now in assets/ (docs/overrides/.icons/digest/,
    partials/javascripts/, generator/shared_chrome.py). Every icon a page names is in the
    sprite, and in Chromium the icons draw, the reader's colour scheme follows them from page to
    page, Material's settings are in place (its search box speaks Chinese) and search runs through
    the digest's worker."""
    from tests.browser import chromium, serve
    from tests.conftest import require_chromium

    article_path = seed_export["articles"][0]["url"]
    sprite = (site / "assets/images/digest-icons.svg").read_text(encoding="utf-8")
    symbols = set(re.findall(r'<symbol id="([^"]+)"', sprite))
    search_box = (site / SEARCH_BOX_SCRIPT).read_text(encoding="utf-8")
    in_box = re.findall(r'<use href=\\"[^"#> ]*digest-icons\.svg#([\w-]+)', search_box)
    assert len(in_box) == 3 and set(in_box) <= symbols
    for path in ("index.html", f"{article_path}index.html", "tags/index.html"):
        page = readable(site / path)
        used = re.findall(r'<use href="?[^"#> ]*digest-icons\.svg#([\w-]+)', page)
        assert len(used) >= 3 and set(used) <= symbols, (path, used)
        assert 'data-md-component="search"' not in page and SEARCH_BOX_SCRIPT in page, path
        chrome = page[:page.index("<article")] + page[page.index("</article>"):]
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", chrome, re.S)
        assert not inline and "__config" not in page, path
        assert "<path" not in chrome.split('class="md-header__option"')[0], path  # header icons by reference

    require_chromium()
    with serve(site) as base_url, chromium() as browser:
        desktop = browser.new_page(viewport={"width": 1280, "height": 800})
        desktop.goto(base_url)
        desktop.click("label[for=__palette_1]")  # the reader picks the dark scheme on the home page
        desktop.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        # set before the page is drawn (Material's bundle, which would set it later, held back)
        desktop.route("**/bundle.*.min.js", lambda route: route.abort())
        desktop.goto(base_url + article_path)
        assert desktop.evaluate("document.body.dataset.mdColorScheme") == "slate"
        desktop.unroute("**/bundle.*.min.js")
        desktop.reload()
        desktop.wait_for_load_state("load")
        for icon in (".md-logo svg", ".md-search__icon svg"):  # the search box's, from its script
            assert desktop.evaluate(f"document.querySelector('{icon}').getBBox().width") > 0, icon
        assert desktop.evaluate("__md_scope.href") == base_url
        settings = desktop.evaluate("JSON.parse(document.getElementById('__config').textContent)")
        assert "/assets/javascripts/workers/digest-" in settings["search"] and settings["base"] == base_url
        desktop.fill("input[data-md-component=search-query]", "不存在的词语")
        desktop.wait_for_function("document.querySelector('.md-search-result__meta').textContent"
                                  ".includes('没有找到符合条件的结果')")
        phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
        phone.goto(base_url + article_path)
        phone.wait_for_load_state("load")
        for icon in ("label[for=__drawer] svg", ".md-header label[for=__search] svg"):
            assert phone.evaluate(f"document.querySelector('{icon}').getBBox().width") > 0, icon
