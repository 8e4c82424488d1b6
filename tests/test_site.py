"""Build the real site with `mkdocs build --strict` and check it as a reader's browser would load it."""
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import ROOT


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
    assert json.loads((site / "data/articles.json").read_text(encoding="utf-8")) == seed_export
    assert (site / "feed.xml").exists()


def test_every_internal_link_resolves(site):
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
    assert not broken, broken[:10]


def test_articles_are_on_their_theme_pages_and_out_of_the_nav(site, seed_export):
    for article in seed_export["articles"]:
        slug = article["url"].split("/")[1]
        theme_page = (site / "themes" / article["themes"][0] / "index.html").read_text(encoding="utf-8")
        assert f"articles/{slug}/" in theme_page
    home = (site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="md-nav md-nav--primary[^"]*".*?</nav>', home, re.S).group(0)
    assert "articles/" not in nav


def test_search_index_is_segmented_by_jieba(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert "\u200b" in index["config"]["separator"] or "u200b" in index["config"]["separator"]
    assert any("\u200b" in doc["text"] for doc in index["docs"])
    assert index["config"]["lang"] == ["zh"]


def test_feed_is_linked_from_every_page_head(site):
    for page in (site / "index.html", next((site / "articles").rglob("index.html"))):
        assert 'type="application/atom+xml"' in page.read_text(encoding="utf-8")
