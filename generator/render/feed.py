"""The Atom feed: the newest articles (``Settings.feed_size``, 50 by default, as feeds conventionally
hold), not the archive: every feed reader downloads it again every hour or so."""
from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from generator.analyze.facts import FULL_DATE
from generator.model import Article
from generator.render.text import Streamed, hashed, streamed

FEED_PATH = "feed.xml"


def feed_entry(a: Article) -> tuple:
    """What the feed says of an article: (id, headline, URL, date, summary, theme keys); the date is
    the article's, else its page's (front matter)."""
    return (a.id, a.draft.title, a.url, a.analysis.date.value or a.meta.date, "".join(a.analysis.summary),
            a.theme_keys)


def newest_date(articles) -> str | None:
    """The newest date the input gives: an article's, a page's front matter, or one written out in
    full in an article's text (``2019年11月30日``); None when it gives none."""
    dates = {a.analysis.date.value or a.meta.date for a in articles} - {None}
    for a in articles:
        dates.update(f"{m['y']}-{int(m['m']):02d}-{int(m['d']):02d}" for m in FULL_DATE.finditer(a.draft.body)
                     if 1 <= int(m["m"]) <= 12 and 1 <= int(m["d"]) <= 31)
    return max(dates, default=None)


def feed_file(articles: list[Article], *, site_name: str, site_url: str, names: dict[str, str],
              fallback: str | None) -> Streamed:
    """The Atom feed, an entry per article (``articles``: newest first, as ``newest_first`` orders
    them), each entry's bytes kept with its article. An article with no date of its own or of its
    page is dated ``fallback``, the newest date the input gives (``newest_date``); where the input
    gives none, its entry has no ``<updated>``: a date is never made up (feed readers then show
    when they fetched it)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    updated = fallback  # the newest date the input gives
    head = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh">\n'
            f"  <title>{xml_escape(site_name)}</title>\n"
            f"  <id>tag:digest,2024:feed</id>\n"
            f'  <link rel="self" href="{xml_escape(base + FEED_PATH)}"/>\n'
            + (f"  <updated>{updated}T00:00:00Z</updated>\n" if updated else "")
            + f"  <author><name>{xml_escape(site_name)}</name></author>\n").encode("utf-8")
    entries = [hashed(feed_entry_text(feed_entry(a), base, names, fallback).encode("utf-8")) for a in articles]
    return streamed(head, [("", entries)], b"</feed>\n")


def feed_entry_text(entry: tuple, base: str, names: dict[str, str], fallback: str | None) -> str:
    article_id, title, url, date, summary, theme_keys = entry
    return ("  <entry>\n"
            f"    <id>tag:digest,2024:{article_id}</id>\n"
            f"    <title>{xml_escape(title)}</title>\n"
            f'    <link href="{xml_escape(base + url)}"/>\n'
            + (f"    <updated>{date or fallback}T00:00:00Z</updated>\n" if date or fallback else "")
            + f"    <summary>{xml_escape(summary)}</summary>\n"
            + "".join(f'    <category term="{xml_escape(names.get(k, k))}"/>\n' for k in theme_keys)
            + "  </entry>\n")
