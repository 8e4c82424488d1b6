"""Render a linked Digest to ``{path: text}``: Markdown pages, the Atom feed, the export.

Nothing here reads the clock or iterates a set, so the same digest always
renders byte for byte.
"""
from __future__ import annotations

import functools

from jinja2 import Environment

from generator import FEED_SIZE, LISTING_SIZE
from generator.link import ids as link
from generator.model import Article, Digest
from generator.render.export import EXPORT_PATH, export_file
from generator.render.feed import FEED_PATH, feed_file, newest_date
from generator.render.listings import (listing_page, listing_parts, newest_first, place_slugs,
                                       tag_slugs, theme_pages_of, theme_places_of, timeline_months)
from generator.render.text import Deferred, environment, fingerprint, md, page, text_of
from generator.render.views import (article_view, chip_links, dated_view, home_view, listing_view, place_view,
                                    places_view, shown_related, theme_names, theme_overview, timeline_item,
                                    timeline_view)

TOP_TAGS = 100  # the most used tags, listed on the tags page above the index by initial


def render_site(digest: Digest, *, site_name: str = "地方新闻专题文摘", site_url: str = "",
                search: str = "material", listing_size: int = LISTING_SIZE,
                feed_size: int = FEED_SIZE) -> dict[str, str]:
    """Every generated file of the site, by its path relative to the docs folder.

    ``search="pagefind"`` leaves the pages out of Material's search index
    (Pagefind indexes the built HTML instead; see mkdocs_plugin). Listings
    longer than ``listing_size`` articles are split into parts (``listing_parts``).
    """
    return {path: text_of(content)
            for path, content in site_files(digest, site_name=site_name, site_url=site_url, search=search,
                                            listing_size=listing_size, feed_size=feed_size)}


def site_files(digest: Digest, *, site_name: str = "地方新闻专题文摘", site_url: str = "",
               search: str = "material", listing_size: int = LISTING_SIZE, feed_size: int = FEED_SIZE):
    """``render_site`` one file at a time, for writers that need not hold the whole site.

    Yields (path, content): the content is a ``Deferred`` rendering (every
    page: a writer that holds the text made from the same key need not render
    it again), or for the two large files, the feed and the export, ``Streamed``.
    """
    if listing_size < 1:
        raise ValueError(f"listing_size must be at least 1, not {listing_size}")
    env = environment()
    articles = newest_first(digest.articles)  # the order of every listing
    by_id = {a.id: a for a in digest.articles}
    place_index = link.by_place(articles)
    slugs = place_slugs(place_index)
    tag_index = link.by_tag(articles)
    tag_pages = tag_slugs(tag_index)
    theme_index = link.grouped(articles, theme_pages_of)
    names = theme_names(digest)
    for a in digest.articles:
        yield f"articles/{a.slug}.md", article_file(env, a, names, by_id, slugs, tag_pages, search)
    headed = link.grouped(articles, lambda a: theme_pages_of(a) if a.draft.headings else ())
    with_figures = link.grouped(articles, lambda a: theme_pages_of(a) if a.analysis.figures else ())
    place_counts: dict[str, dict[str, int]] = {}
    for (key, place), there in link.grouped(articles, theme_places_of).items():
        place_counts.setdefault(key, {})[place] = len(there)
    for theme in digest.themes:
        members = theme_index.get(theme.key, [])
        overview = theme_overview(len(members), headed.get(theme.key, []), with_figures.get(theme.key, []),
                                  place_counts.get(theme.key, {}))
        for path, pager, part in listing_parts(f"themes/{theme.key}", members, listing_size):
            yield path, listing_page(env, path, "theme.md.j2", part, listing_view, theme=theme,
                                     overview=overview if pager["number"] == 0 else None, pager=pager,
                                     search=search)
    yield "places.md", page(env, "places.md.j2", places=places_view(place_index, slugs))
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for path in place_index:  # sorted: each place's children in order
        children.setdefault(path[:-1], []).append(path)
    for path, articles_there in place_index.items():
        place = place_view(path, place_index, children.get(path, []), slugs)
        base = f"places/{slugs[path]}"
        for file, pager, part in listing_parts(base, articles_there, listing_size):
            yield file, listing_page(env, file, "place.md.j2", part, dated_view, pager=pager,
                                     place=place if pager["number"] == 0 else in_archive_part(place))
    months = timeline_months(articles, listing_size)
    for path, pager, part in listing_parts("timeline", articles, listing_size):
        yield path, listing_page(env, path, "timeline.md.j2", part, timeline_item, pager=pager,
                                 months=months if pager["number"] == 0 else [], view=timeline_view)
    yield from tag_files(env, tag_index, tag_pages, listing_size)
    yield "index.md", page(env, "index.md.j2", site_name=site_name, **home_view(digest, articles, place_index))
    yield FEED_PATH, feed_file(articles[:feed_size], site_name=site_name, site_url=site_url, names=names,
                               fallback=newest_date(digest.articles))
    yield EXPORT_PATH, export_file(digest)


def article_file(env: Environment, a: Article, names: dict[str, str], by_id: dict[str, Article], slugs: dict,
                 tag_pages: dict, search: str) -> Deferred:
    """An article's page, rendered only on demand (``Deferred``)."""
    others = tuple(by_id[r.id] for r in a.related)
    render = functools.partial(render_article, env, a, names, others, slugs, tag_pages, search)
    own = article_key(a)
    if own is None:  # an editor's correction: the whole view is the key
        return Deferred(fingerprint({"a": article_view(a, names, slugs, tag_pages),
                                     "related": shown_related(a, others), "search": search}), render)
    # Made from unchanged page work: the few values that vary say whether the page changed (the
    # related list as shown, no scores; where its place links and tag chips lead).
    links = ([slugs[p.path] for p in a.analysis.places], chip_links(a, slugs, tag_pages))
    return Deferred(fingerprint(own, shown_related(a, others), links, search), render)


def article_key(a: Article) -> tuple | None:
    """What an article's page and record are made from, in a few values, or None.

    An article made from unchanged page work (``Article.made_from``: its page's
    bytes, the code and the configuration) differs from last time only in what
    the whole corpus decides: its keywords, summary and related articles. The
    related articles are not in this key: the page shows their headlines and
    reasons, the record their ids, scores and reasons, and a new day's pages
    shift almost every score a little (the page is not rendered again for that).
    """
    if a.made_from is None:
        return None
    return (a.made_from, a.id, a.analysis.keywords, a.analysis.summary)


def render_article(env: Environment, a: Article, names: dict[str, str], others: tuple[Article, ...], slugs: dict,
                   tag_pages: dict, search: str) -> str:
    view = {"a": article_view(a, names, slugs, tag_pages), "related": shown_related(a, others), "search": search}
    return env.get_template("article.md.j2").render(view)


def tag_files(env: Environment, index: dict[str, list[Article]], slugs: dict[str, str], size: int):
    """The tags page (the most used tags and the initials), a page per initial listing its tags
    with their counts, and each tag's articles in parts (Material's tag listing is one page that
    lists every tagged article under each of its tags: 3.5 MB of HTML at 300 pages)."""
    entries = sorted(({"name": md(tag), "slug": slugs[tag], "count": len(arts),
                       "pinyin": link.pinyin_of(tag) or slugs[tag]} for tag, arts in index.items()),
                     key=lambda e: (e["pinyin"], e["slug"]))
    initials: dict[str, list[dict]] = {}
    for entry in entries:
        initials.setdefault(entry["pinyin"][0].upper(), []).append(entry)
    letters = [{"letter": letter, "count": len(tags)} for letter, tags in initials.items()]
    top = sorted(entries, key=lambda e: (-e["count"], e["pinyin"], e["slug"]))[:TOP_TAGS]
    yield "tags.md", page(env, "tags.md.j2", top=top, letters=letters, total=len(entries))
    for letter, tags in initials.items():
        yield f"tags/initial-{letter.lower()}.md", page(env, "tag_initial.md.j2", letter=letter, tags=tags,
                                                         letters=letters)
    for tag, arts in index.items():
        base = f"tags/{slugs[tag]}"
        shown = {"name": md(tag), "title": tag, "slug": slugs[tag], "count": len(arts)}
        for path, pager, part in listing_parts(base, arts, size):
            yield path, listing_page(env, path, "tag.md.j2", part, dated_view, pager=pager,
                                     tag=shown if pager["number"] == 0 else in_archive_part(shown))


def in_archive_part(view: dict) -> dict:
    """A place's or tag's view as an archive part shows it: its names, not the counts that change with
    every new article (the templates show those on the latest page only). A part's key is made from
    its view, so it stays the same, and MkDocs converts the part once, as the archive grows."""
    return {key: value for key, value in view.items() if key in ("name", "title", "full", "slug")}
