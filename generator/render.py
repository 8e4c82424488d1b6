"""Render a linked Digest to ``{path: text}``: Markdown pages, the Atom feed, the export.

Templates receive text that is already escaped (``md``): input that looks
like HTML, Markdown or Jinja shows as the literal text. Nothing here reads the
clock or iterates a set, so the same digest always renders byte for byte.
"""
from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import pickle
from json.encoder import encode_basestring  # json.dumps(ensure_ascii=False) for one string, in C
import re
from collections import Counter
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import Callable, Iterator
from xml.sax.saxutils import escape as xml_escape

import jinja2
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from . import LISTING_SIZE, link
from .analyze import FULL_DATE
from .model import RELATED_FREE, Article, Digest, Dropped, Page, apart_from_related, derived

TEMPLATES = Path(__file__).parent / "templates"
EXPORT_PATH = "data/articles.json"
FEED_PATH = "feed.xml"
HOME_PAGES_MAX = 30  # page files listed on the home page
TOP_TAGS = 100  # the most used tags, listed on the tags page above the index by initial
INLINE_SPECIAL = re.compile(r"([\\`*_{}\[\]()#|~!])")
LINE_START_NUMBER = re.compile(r"^(\s*\d+)([.)])")
LINE_START_MARK = re.compile(r"^(\s*)([-+=])")
MARKUP_CHARS = re.compile(r"[\\`*_{}\[\]()#|~!&<>\d+=-]")  # anything md() might have to escape


def md(text: str | None) -> str:
    """Text shown literally by Markdown: HTML escaped, Markdown syntax backslash-escaped."""
    if not text:
        return ""
    return _md(text)


@functools.lru_cache(maxsize=262144)  # headlines, places and names recur on many pages
def _md(text: str) -> str:
    if not MARKUP_CHARS.search(text):
        return text  # most Chinese text has nothing to escape
    text = INLINE_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))
    text = LINE_START_NUMBER.sub(r"\1\\\2", text)
    return LINE_START_MARK.sub(r"\1\\\2", text)


def yaml_string(text: str) -> str:
    """A YAML-safe quoted scalar (JSON is YAML), HTML-escaped for the page title."""
    return encode_basestring(html.escape(text, quote=False))


@functools.lru_cache(maxsize=1)  # a process that builds again (mkdocs serve) compiles the templates once
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters["md"] = md
    env.filters["yaml"] = yaml_string
    env.globals["part_suffix"] = part_suffix
    return env


def part_suffix(pager: dict) -> str:
    """What a page title adds for archive part k of a long listing."""
    return f" · 往期 {pager['number']}" if pager["number"] else ""


@dataclass(frozen=True)
class Deferred:
    """A file rendered only on demand: ``key`` fingerprints everything its text is made from.

    A writer that already holds the text made from the same key (``cli.write_site``
    keeps each file's key in its manifest) need not render it again: a day's new
    pages leave almost every article page's inputs as they were.
    """

    key: str
    render: Callable[[], str]


@dataclass(frozen=True)
class Streamed:
    """A large file made of many small parts, one per article (the export, the feed): ``key``
    fingerprints its bytes, made from each part's own digest, kept with the record it was made
    from (``model.derived``); ``pieces()`` yields the bytes a piece at a time.

    A writer that holds the file made under the same key need not write it, and one that does
    not writes the pieces without encoding or hashing the whole file again: a one-page edit
    changes a few of its thousands of parts.
    """

    key: str
    pieces: Callable[[], Iterator[bytes]]


@functools.lru_cache(maxsize=1)
def renderer_version() -> str:
    """A hash of what turns a view into text: the templates, this module and Jinja2's version."""
    digest = hashlib.sha256(jinja2.__version__.encode() + b"\0" + Path(__file__).read_bytes())
    for path in sorted(TEMPLATES.glob("*.j2")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def fingerprint(*values) -> str:
    """A hash of plain values (dicts, lists, tuples, strings, numbers) by value.

    Pickle's ``fast`` mode writes every object in full instead of referring back
    to an equal object seen before, so equal values give equal bytes whichever
    objects happen to be shared; it is about three times faster than ``repr``.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    pickler.dump((renderer_version(),) + values)
    return hashlib.sha1(buffer.getvalue()).hexdigest()


def text_of(content) -> str:
    """The text of one item of ``site_files``: a string, a Deferred or an iterator of pieces."""
    if isinstance(content, str):
        return content
    if isinstance(content, Deferred):
        return content.render()
    if isinstance(content, Streamed):
        return b"".join(content.pieces()).decode("utf-8")
    return "".join(content)


def render_site(digest: Digest, *, site_name: str = "地方新闻专题文摘", site_url: str = "",
                search: str = "material", listing_size: int = LISTING_SIZE) -> dict[str, str]:
    """Every generated file of the site, by its path relative to the docs folder.

    ``search="pagefind"`` leaves the pages out of Material's search index
    (Pagefind indexes the built HTML instead; see mkdocs_plugin). Listings
    longer than ``listing_size`` articles are split into parts (``listing_parts``).
    """
    return {path: text_of(content)
            for path, content in site_files(digest, site_name=site_name, site_url=site_url, search=search,
                                            listing_size=listing_size)}


def site_files(digest: Digest, *, site_name: str = "地方新闻专题文摘", site_url: str = "",
               search: str = "material", records: dict | None = None, listing_size: int = LISTING_SIZE):
    """``render_site`` one file at a time, for writers that need not hold the whole site.

    Yields (path, content): the content is a ``Deferred`` rendering (every
    page: a writer that holds the text made from the same key need not render
    it again), or for the two large files, the feed and the export, ``Streamed``.
    ``records`` holds the export's records of the last build (``export_file``).
    """
    if listing_size < 1:
        raise ValueError(f"listing_size must be at least 1, not {listing_size}")
    env = environment()
    articles = INDEXES.newest_first([derived(a, listing_face) for a in digest.articles])  # what listings hold
    by_id = {a.id: a for a in digest.articles}
    LISTINGS.start()
    place_index = link.by_place(articles, INDEXES.places)
    slugs = place_slugs(place_index)
    tag_index = link.by_tag(articles, INDEXES.tags)
    tag_pages = tag_slugs(tag_index)
    theme_index = INDEXES.themes.group(articles)
    changed = PAGES.changed(by_id, (slugs, tag_pages, search, theme_names(digest)))
    slugs, tag_pages, _, names = PAGES.links  # the last build's, when equal: its pages' renderings hold them
    for a in digest.articles:
        yield f"articles/{a.slug}.md", article_file(env, a, names, by_id, slugs, tag_pages, search, changed)
    headed, with_figures = INDEXES.headed.group(articles), INDEXES.with_figures.group(articles)
    place_counts: dict[str, dict[str, int]] = {}
    for (key, place), there in INDEXES.theme_places.group(articles).items():
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
        yield from LISTINGS.listing(base, articles_there, (place, listing_size), lambda: [
            (file, listing_page(env, file, "place.md.j2", part, dated_view, place=place, pager=pager))
            for file, pager, part in listing_parts(base, articles_there, listing_size)])
    months = timeline_months(articles, listing_size, INDEXES.months)
    for path, pager, part in listing_parts("timeline", articles, listing_size):
        yield path, listing_page(env, path, "timeline.md.j2", part, timeline_item, pager=pager,
                                 months=months if pager["number"] == 0 else [], view=timeline_view)
    yield from tag_files(env, tag_index, tag_pages, listing_size)
    yield "index.md", page(env, "index.md.j2", site_name=site_name, **home_view(digest, articles, place_index,
                                                                  INDEXES.first_themes.group(articles),
                                                                  INDEXES.files.group(articles)))
    yield FEED_PATH, feed_file(articles, site_name=site_name, site_url=site_url, names=theme_names(digest),
                               fallback=newest_date(digest.articles))
    yield EXPORT_PATH, export_file(digest, records)


def listed(a: Article, view_of: Callable[[Article], dict | tuple]) -> str:
    """The fingerprint of what a listing (a theme, place or tag page, the timeline, the feed) shows
    of an article, ``view_of(a)``, worked out once per Article object (``model.derived``): a
    listing's key is made from its articles' fingerprints, not from all they show. The view
    itself is not kept (made again for a listing that is rendered): it would hold a copy of
    every summary and headline for as long as the articles live."""
    return derived(a, listing_token(view_of))


@functools.cache
def listing_token(view_of: Callable[[Article], dict | tuple]) -> Callable[[Article], str]:
    def token(a: Article) -> str:
        return fingerprint(view_of(a))
    return apart_from_related(token) if view_of in RELATED_FREE else token


def listing_page(env: Environment, path: str, template: str, articles: list[Article],
                 view_of: Callable[[Article], dict], *, view: Callable | None = None, **fixed) -> Deferred:
    """A page listing ``articles`` (each as ``view_of`` shows it) under the ``fixed`` view, rendered
    only when either changed. The template gets the articles' views as ``articles``, or
    ``view(those views)``'s values (the timeline groups its part by date).

    The key is made from the articles' fingerprints (``listed``). A process that builds again takes
    the last build's key for the path when the page lists the very same Article objects (alive in
    ``LISTINGS``, so no other object has their ids) under an equal fixed view (a view this module
    builds, always with the same keys in the same order).
    """
    made = (template, list(map(id, articles)), fixed)
    key = LISTINGS.key(path, made) or LISTINGS.key_if_shown_alike(path, made, articles, view_of)
    if key is None:
        key = LISTINGS.keep(path, made, articles, fingerprint(template, fixed, [listed(a, view_of)
                                                                                 for a in articles]))
    return Deferred(key, functools.partial(render_listing, env, template, fixed, articles, view_of, view))


class KeptListings:
    """Each listing page's key, with what it was made from (template, the ids of the Articles
    listed, the fixed view) and those Articles, by path: the last build's, and this build's."""

    def __init__(self):
        self.last: dict[str, tuple] = {}
        self.made: dict[str, tuple] = {}
        # a whole listing's pages by its base path: (its articles, what else they show, [(path, page)])
        self.last_listings: dict[str, tuple] = {}
        self.made_listings: dict[str, tuple] = {}

    def start(self) -> None:
        """A build begins: what the last one made is what this one may take (a path not listed
        again is forgotten; after a build that stopped half way, the rest is made afresh)."""
        if self.made or self.made_listings:
            self.last, self.last_listings = self.made, self.made_listings
        self.made, self.made_listings = {}, {}

    def listing(self, base: str, articles: list[Article], shown, make: Callable[[], list[tuple[str, Deferred]]]):
        """A whole listing's pages (``make()``: its (path, page) pairs), or the last build's when it
        lists the very same list of articles (``link.Grouping`` keeps a list whose articles are all
        the same) and ``shown`` (what else its pages show) is equal."""
        kept = self.last_listings.get(base)
        if kept is not None and kept[0] is articles and kept[1] == shown:
            for path, _ in kept[2]:
                if path in self.last:
                    self.made[path] = self.last[path]
        else:
            kept = (articles, shown, make())
        self.made_listings[base] = kept
        return kept[2]

    def key(self, path: str, made: tuple) -> str | None:
        kept = self.last.get(path)
        if kept is None or kept[0] != made:
            return None
        self.made[path] = kept
        return kept[2]

    def key_if_shown_alike(self, path: str, made: tuple, articles: list[Article], view_of) -> str | None:
        """The last key for the path when the page lists as many articles under an equal view and
        each is the same Article as then or shows the same (``listed``): an article whose related
        list moved is another object that lists alike (``model.relinked`` carries its fingerprint)."""
        kept = self.last.get(path)
        if kept is None or kept[0][0] != made[0] or len(kept[1]) != len(articles) or kept[0][2] != made[2]:
            return None
        if not all(a is b or listed(a, view_of) == listed(b, view_of) for a, b in zip(articles, kept[1])):
            return None
        return self.keep(path, made, articles, kept[2])

    def keep(self, path: str, made: tuple, articles: list[Article], key: str) -> str:
        self.made[path] = (made, articles, key)
        return key


LISTINGS = KeptListings()


class KeptPages:
    """The last build's articles (by id) and what an article page shows of other things (the place
    slugs, the tag pages, the search backend, the theme names), for a process that builds again."""

    def __init__(self):
        self.articles: dict[str, Article] = {}
        self.links: tuple | None = None
        self.generation = 0  # builds so far: a page key found to stand is marked with the build's

    def changed(self, articles: dict[str, Article], links: tuple) -> set[str] | None:
        """The ids whose Article object is not the last build's (new ones among them); None when the
        links differ or there was no last build: then every page is checked. ``self.links`` holds
        the links after: the last build's objects when equal (the pages it kept render with them,
        and no build's copies pile up behind pages kept for many builds)."""
        last, same_links = self.articles, self.links == links
        self.articles, self.links = articles, self.links if same_links else links
        self.generation += 1
        if not last or not same_links:
            return None
        return {i for i, a in articles.items() if last.get(i) is not a}


PAGES = KeptPages()


def render_listing(env: Environment, template: str, fixed: dict, articles: list[Article], view_of: Callable,
                   view: Callable | None) -> str:
    shown = list(map(view_of, articles))
    return render_template(env, template, {**fixed, **(view(shown) if view else {"articles": shown})})


def article_file(env: Environment, a: Article, names: dict[str, str], by_id: dict[str, Article], slugs: dict,
                 tag_pages: dict, search: str, changed: set[str] | None = None) -> Deferred:
    """An article's page, rendered only on demand (``Deferred``). ``changed``: the ids whose Article
    is not the last build's, when the place and tag addresses and the theme names are the same
    (``KeptPages.changed``)."""
    known = derived(a, page_key)  # never confirmed for an article an editor corrected
    if changed is not None and known[2] == PAGES.generation - 1 and a.id not in changed \
            and changed.isdisjoint(derived(a, related_ids)):
        # the same Article, listing the same Articles, under the same addresses as in the last
        # build, which worked out its key: the last build's page stands, key and rendering
        known[2] = PAGES.generation
        return known[3]
    own = article_key(a)
    # what the page shows of other things: its related articles' addresses and headlines, and
    # where its place links and tag chips lead
    others = tuple(map(by_id.__getitem__, derived(a, related_ids)))
    render = functools.partial(render_article, env, a, names, others, slugs, tag_pages, search)
    if own is None:  # an editor's correction: the whole view is the key
        inputs = {"a": article_view(a, names, slugs, tag_pages), "related": shown_related(a, others),
                  "search": search}
        return Deferred(fingerprint(inputs), render)
    # Made from unchanged page work: the few values that vary say whether the page changed (the
    # related list as shown: no scores). A process that builds again keeps the key with the article,
    # by the related Article objects (kept alive with it: the same objects show the same headlines).
    links = (tuple(map(slugs.__getitem__, derived(a, place_keys))), tuple(map(tag_pages.get, link.tags_of(a))))
    inputs = (others, links, search)
    if known[0] != inputs:  # compared, not hashed: an Article's hash is worked out field by field
        known[:2] = inputs, fingerprint(own, shown_related(a, others), list(map(list, links)), search)
    known[2:] = PAGES.generation, Deferred(known[1], render)
    return known[3]


def related_ids(a: Article) -> tuple[str, ...]:
    return tuple(r.id for r in a.related)


@apart_from_related
def place_keys(a: Article) -> tuple[tuple[str, ...], ...]:
    return tuple(p.path for p in a.analysis.places)


def page_key(a: Article) -> list:
    """Where ``article_file`` keeps an article's page key: [what else the page shows, the key, the
    last build (``KeptPages.generation``) that found them to stand, the page (``Deferred``)]."""
    return [None, None, -1, None]


@apart_from_related
def headline(a: Article) -> tuple[str, str]:
    """What a link to the article shows: its address (slug) and headline."""
    return a.slug, md(a.draft.title)


def listing_parts(base: str, items: list, size: int) -> list[tuple[str, dict, list]]:
    """A listing (``items`` newest first) as its latest page and archive parts: (path, pager, items)
    per page, in reading order.

    Archive part k (``base/k.md``) holds the (k-1)·size+1-th to the k·size-th oldest items for
    good, so new articles change the latest page (``base.md``, the address the listing always had)
    and, each time it would reach 2·size, one new part: never an older part's text or address.
    (Numbered from the newest, every part shifted whenever a day was added.) The latest page holds
    the rest, size to 2·size-1 items, or every item of a short listing. ``pager`` holds the part's
    number (0 for the latest page) and links to its neighbours; ``root`` leads from the page back
    to the docs folder.
    """
    count, archived = len(items), archived_parts(len(items), size)
    pages = [(0, items[:count - archived * size])]
    pages += [(k, items[count - k * size:count - (k - 1) * size]) for k in range(archived, 0, -1)]
    parts = []
    for number, chunk in pages:
        path = part_path(base, number)
        root = "../" * path.count("/")
        if number == 0:  # the latest page: older is the newest archive part, if any
            newer, older = "", (root + part_path(base, archived) if archived else "")
        else:
            newer = root + part_path(base, number + 1 if number < archived else 0)
            older = root + part_path(base, number - 1) if number > 1 else ""
        pager = {"number": number, "root": root, "archived": archived, "newer": newer, "older": older,
                 "latest": root + part_path(base, 0), "oldest": root + part_path(base, 1)}
        parts.append((path, pager, chunk))
    return parts


def archived_parts(count: int, size: int) -> int:
    """How many full archive parts a listing of ``count`` items has beside its latest page."""
    return max(0, count // size - 1)


def part_of(position: int, count: int, size: int) -> int:
    """The part (0: the latest page) listing the item at ``position`` of a newest-first listing."""
    number = (count - 1 - position) // size + 1
    return number if number <= archived_parts(count, size) else 0


def part_path(base: str, number: int) -> str:
    """The docs-relative path of a ``listing_parts`` page: 0 is the latest, k ≥ 1 archive part k."""
    return f"{base}.md" if number == 0 else f"{base}/{number}.md"


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


def source_label(a: Article) -> str:
    """Where a listing says an article was printed: the newspaper and edition when the page's front
    matter gives them (the date is listed beside it), else the page file's name."""
    printed = " ".join(filter(None, [a.meta.newspaper, a.meta.edition]))
    return printed or a.draft.file


@apart_from_related
def listing_view(a: Article) -> dict:
    """What a theme page lists of an article (``article_view`` in part: the same values)."""
    d, an = a.draft, a.analysis
    return {"slug": a.slug, "title": md(d.title), "date": an.date.value or "", "source": md(source_label(a)),
            "places": [{"full": md(" › ".join(p.path))} for p in an.places[:1]],
            "summary": md("".join(an.summary))}


def newest_first(articles) -> list[Article]:
    """Articles newest first: by date, the undated last; then the later page file first (a
    page's file name orders it in the archive: 000_…, 001_…, or dated names); then in the
    page's own order. New pages so come first, which keeps the archive parts of a listing
    (numbered from the oldest) as they were when pages are added, dated or not.
    """
    articles = list(articles)
    return [articles[position] for position in newest_positions(articles)]


def newest_positions(articles: list[Article]) -> list[int]:
    """The positions of ``articles`` in ``newest_first`` order."""
    order = sorted(range(len(articles)), key=lambda p: articles[p].draft.lines[0])
    order.sort(key=lambda p: articles[p].draft.file, reverse=True)  # sort is stable, reversed or not
    order.sort(key=lambda p: articles[p].analysis.date.value or "", reverse=True)
    return order


def sorted_by(a: Article) -> tuple:
    """What ``newest_first`` orders an article by."""
    return a.analysis.date.value or "", a.draft.file, a.draft.lines[0]


class KeptIndexes:
    """The site's indexes of the articles (their order; by place, tag, theme page, first theme,
    page file and month; and for the theme overviews, those with headings or figures and their
    first places), each kept for the process's next build: one that gets back the same objects
    for what an edit did not touch works only on the others (``link.Grouping``)."""

    def __init__(self):
        self.articles: list[Article] = []
        self.order: list[int] = []
        self.places = link.Grouping(link.place_paths)
        self.tags = link.Grouping(link.tags_of)
        self.themes = link.Grouping(theme_pages_of)
        self.first_themes = link.Grouping(first_theme)
        self.files = link.Grouping(page_file)
        self.months = link.Grouping(month_of)
        # for the theme pages' overviews
        self.headed = link.Grouping(lambda a: theme_pages_of(a) if a.draft.headings else ())
        self.with_figures = link.Grouping(lambda a: theme_pages_of(a) if a.analysis.figures else ())
        self.theme_places = link.Grouping(theme_places_of)

    def newest_first(self, articles) -> list[Article]:
        """``newest_first``: the last build's order stands when the articles are the same ones in
        the same order, and each that changed sorts as it did."""
        articles, last = list(articles), self.articles
        if len(articles) != len(last) or any(
                articles[p].id != last[p].id or sorted_by(articles[p]) != sorted_by(last[p])
                for p in link.changed_positions(articles, last)):
            self.order = newest_positions(articles)
        self.articles = articles
        return [articles[position] for position in self.order]


@apart_from_related
def listing_face(a: Article) -> Article:
    """What the listings (the theme, place and tag pages, the timeline, the home page, the feed)
    hold of an article: a copy without its related list, made once and carried to the Article it
    becomes when only its related list moves (``model.relinked``). A one-page edit moves the
    related lists of a hundred articles across the site; the listings, which never show them, then
    hold the very same objects as before, and what is worked out by object stands
    (``link.Grouping``, ``KeptListings``)."""
    return replace(a, related=())


def theme_pages_of(a: Article) -> tuple[str, ...]:
    """The themes whose pages list the article: its first theme's, and each other theme of its but "other"."""
    return tuple(dict.fromkeys([a.theme_keys[0], *(k for k in a.theme_keys if k != "other")]))


def theme_places_of(a: Article) -> tuple[tuple[str, str], ...]:
    """(theme, the article's first place) for each theme page listing the article (none without a place)."""
    if not a.analysis.places:
        return ()
    return tuple((key, a.analysis.places[0].name) for key in theme_pages_of(a))


def page_file(a: Article) -> tuple[str]:
    return (a.draft.file,)


def first_theme(a: Article) -> tuple[str]:
    return a.theme_keys[:1]


def month_of(a: Article) -> tuple[str]:
    """The timeline's month of the article (a one-key grouping)."""
    return (a.analysis.date.value[:7] if a.analysis.date.value else "未注明日期",)


INDEXES = KeptIndexes()


def theme_names(digest: Digest) -> dict[str, str]:
    return {t.key: t.name for t in digest.themes}


@apart_from_related
def dated_view(a: Article) -> dict:
    """What a place's or a tag's page lists of an article."""
    return {"slug": a.slug, "title": md(a.draft.title), "date": a.analysis.date.value or ""}


def article_view(a: Article, names: dict[str, str], place_slugs: dict[tuple[str, ...], str],
                 tag_pages: dict[str, str]) -> dict:
    """An article's page; ``names``: the theme names by key (``theme_names``)."""
    d, an = a.draft, a.analysis
    body = []
    headings = {}
    for h in d.headings:
        headings.setdefault(h.before, []).append(md(h.text))
    for k, p in enumerate(d.paragraphs):
        body += [("h", text) for text in headings.get(k, [])]
        body.append(("p", md(p.text)))
    body += [("h", text) for text in headings.get(len(d.paragraphs), [])]
    return {
        "id": a.id, "slug": a.slug, "title": md(d.title), "raw_title": d.title,
        "kicker": md(d.kicker), "subtitle": md(d.subtitle),
        "reporters": md("、".join(d.byline.reporters)), "correspondents": md("、".join(d.byline.correspondents)),
        "date": an.date.value or "", "date_source": md(an.date.source),
        "places": [{"name": md(p.name), "full": md(" › ".join(p.path)), "slug": place_slugs[p.path]}
                   for p in an.places],
        "themes": [{"key": t.key, "name": md(names[t.key]), "score": t.score,
                    "evidence": md("、".join(t.evidence)), "sentences": [md(s) for s in t.sentences]}
                   for t in a.themes],
        "primary": a.theme_keys[0], "primary_name": md(names[a.theme_keys[0]]),
        "summary": md("".join(an.summary)),
        "keywords": [md(k) for k in an.keywords],
        "tags": [{"name": yaml_string(t), "slug": tag_pages.get(t)} for t in link.tags_of(a)],
        "figures": [{"value": md(f.value + f.unit), "text": md(f.text)} for f in an.figures],
        "body": body,
        "captions": [md(c) for c in d.captions], "credits": [md(c) for c in d.credits],
        "source": md(d.file), "lines": d.lines,
        "meta": {"newspaper": md(a.meta.newspaper), "edition": md(a.meta.edition), "date": a.meta.date or ""},
    }


def shown_related(a: Article, others: tuple[Article, ...]) -> list[dict]:
    """The article's related list as its page shows it (``others``: the related Articles, in order)."""
    return [{"slug": slug, "title": title, "reason": md(r.reason)}
            for r, (slug, title) in zip(a.related, [derived(b, headline) for b in others])]


def place_slugs(paths) -> dict[tuple[str, ...], str]:
    """Each place's slug: its page ``places/SLUG.md``, its anchor ``place-SLUG`` on the places page."""
    return unique_slugs(paths, place_pinyin, "/".join)


def tag_slugs(tags) -> dict[str, str]:
    """Each tag's slug: its page ``tags/SLUG.md``, the tag itself (as Hugo and WordPress name
    Chinese tags). Not its pinyin: a year's tags hold many homophones (经济, 经纪), and a tag
    whose pinyin a new tag came to share would have had to change its address."""
    return unique_slugs(tags, tag_slug, str)


def tag_slug(tag: str) -> str:
    """The tag with anything but letters and digits (Chinese included) as ``-``, lower case
    (a case-blind file system would merge 5G and 5g): a file name on any system."""
    return re.sub(r"\W+", "-", tag.lower()).strip("-") or "tag"


def unique_slugs(keys, spelling: Callable, name: Callable) -> dict:
    """A slug per key: its name spelled by ``spelling`` (pinyin, for a place); keys whose
    names are spelled alike (同音, or a name with no pinyin) also get a hash of the name,
    so no two share a page."""
    by_spelling: dict[str, list] = {}
    for key in keys:
        by_spelling.setdefault(spelling(key), []).append(key)
    slugs = {}
    for spelled, same in by_spelling.items():
        for key in same:
            slugs[key] = spelled if len(same) == 1 else \
                f"{spelled}-{hashlib.sha1(name(key).encode()).hexdigest()[:6]}"
    return slugs


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
        yield from LISTINGS.listing(base, arts, (tag, slugs[tag], size), lambda: [
            (path, listing_page(env, path, "tag.md.j2", part, dated_view, pager=pager,
                                tag={"name": md(tag), "title": tag, "slug": slugs[tag], "count": len(arts)}))
            for path, pager, part in listing_parts(base, arts, size)])


@functools.lru_cache(maxsize=65536)
def place_pinyin(path: tuple[str, ...]) -> str:
    return "-".join(link.pinyin_of(name) or "x" for name in path)


def theme_overview(count: int, headed: list[Article], with_figures: list[Article], places: dict[str, int]) -> dict:
    """A theme page's overview: its ``count`` articles, the first headings of its newest articles
    that have any (``headed``), the first figures likewise (``with_figures``), and its articles'
    count by their first place (``places``)."""
    measures = islice(({"text": md(h.text), "slug": a.slug} for a in headed for h in a.draft.headings), 20)
    figures = islice(({"value": md(f.value + f.unit), "text": md(f.text), "slug": a.slug, "title": md(a.draft.title)}
                      for a in with_figures for f in a.analysis.figures[:3]), 30)
    return {
        "count": count,
        "places": [{"name": md(n), "count": c} for n, c in sorted(places.items(), key=lambda kv: (-kv[1], kv[0]))],
        "measures": list(measures),
        "figures": list(figures),
    }


def places_view(index: dict[tuple[str, ...], list[Article]], slugs: dict[tuple[str, ...], str]) -> list[dict]:
    """The places page: every place, under its city and county, with its count (its articles
    are on its own page); each level in the order of its names' pinyin, as a Chinese index is."""
    def order(path: tuple[str, ...]) -> tuple:
        return tuple((link.pinyin_sort_key(name), name) for name in path)
    return [{"depth": len(path), "name": md(path[-1]), "slug": slugs[path], "count": len(index[path])}
            for path in sorted(index, key=order)]


def place_view(path: tuple[str, ...], index: dict[tuple[str, ...], list[Article]],
               children: list[tuple[str, ...]], slugs: dict[tuple[str, ...], str]) -> dict:
    """One place's page: its name, the places above and below it, its count."""
    return {"name": md(path[-1]), "title": path[-1], "full": md(" › ".join(path)), "slug": slugs[path],
            "count": len(index[path]),
            "parents": [{"name": md(path[depth - 1]), "slug": slugs[path[:depth]]} for depth in range(1, len(path))],
            "children": [{"name": md(p[-1]), "slug": slugs[p], "count": len(index[p])} for p in children]}


def timeline_months(articles: list[Article], size: int, grouping: link.Grouping | None = None) -> list[dict]:
    """The timeline's months, newest first, each with its count and the part its newest article is on."""
    grouping = grouping or link.Grouping(month_of)
    by_month = grouping.group(articles)
    newest = sorted((positions[0], month) for month, positions in grouping.positions.items())
    return [{"month": month, "count": len(by_month[month]),
             "part": part_path("timeline", part_of(position, len(articles), size))} for position, month in newest]


@apart_from_related
def timeline_item(a: Article) -> dict:
    """What the timeline lists of an article (its date, to group it by)."""
    return {"slug": a.slug, "title": md(a.draft.title), "reason": md(a.analysis.date.source),
            "date": a.analysis.date.value}


def timeline_view(items: list[dict]) -> dict:
    """One part of the timeline (``timeline_item``s): its articles by date (newest first), then the undated."""
    dated: dict[str, list[dict]] = {}
    undated = []
    for item in items:
        if item["date"]:
            dated.setdefault(item["date"], []).append(item)
        else:
            undated.append(item)
    return {"dated": sorted(dated.items(), reverse=True), "undated": undated}


def home_view(digest: Digest, articles: list[Article], place_index, by_first_theme: dict | None = None,
              by_file: dict | None = None) -> dict:
    """The home page; ``by_first_theme``, ``by_file``: the articles by their first theme (``first_theme``)
    and by page file (``page_file``), newest first (worked out here if not given)."""
    names = theme_names(digest)
    by_first_theme = link.Grouping(first_theme).group(articles) if by_first_theme is None else by_first_theme
    by_file = link.Grouping(page_file).group(articles) if by_file is None else by_file
    themes = []
    for t in digest.themes:
        members = by_first_theme.get(t.key, [])
        themes.append({"key": t.key, "name": md(t.name), "description": md(t.description), "count": len(members),
                       "latest": [{"slug": a.slug, "title": md(a.draft.title)} for a in members[:3]]})
    shown = digest.pages
    if len(shown) > HOME_PAGES_MAX:  # an archive: the newest pages, not thousands of rows
        shown = sorted(shown, key=lambda p: (p.meta.date or "", p.file), reverse=True)[:HOME_PAGES_MAX]
    top_places = sorted(((path, len(arts)) for path, arts in place_index.items() if len(path) == 2),
                        key=lambda item: (-item[1], item[0]))[:8]
    return {
        "themes": themes,
        "article_count": len(digest.articles),
        "page_count": len(digest.pages),
        "chart": bar_chart([(names[t["key"]], t["count"]) for t in themes] , "各专题文章数")
        + bar_chart([(path[-1], n) for path, n in top_places], "各地文章数"),
        "pages": [{"file": md(p.file), "newspaper": md(p.meta.newspaper), "date": p.meta.date or "",
                   "count": len(by_file.get(p.file, []))} for p in shown],
        "page_total": len(digest.pages),
    }


def bar_chart(rows: list[tuple[str, int]], label: str) -> str:
    """A small horizontal bar chart as inline SVG (no script, no external font)."""
    if not rows:
        return ""
    top = max(n for _, n in rows) or 1
    height = 28 * len(rows) + 8
    bars = []
    for i, (name, n) in enumerate(rows):
        y = 8 + 28 * i
        width = round(220 * n / top)
        bars.append(f'<text x="0" y="{y + 15}" class="digest-chart-label">{xml_escape(name)}</text>'
                    f'<rect x="190" y="{y}" width="{max(width, 2)}" height="20" rx="3" class="digest-chart-bar"/>'
                    f'<text x="{196 + width}" y="{y + 15}" class="digest-chart-value">{n}</text>')
    return (f'<figure><figcaption class="digest-chart-title">{xml_escape(label)}</figcaption>'
            f'<svg class="digest-chart" role="img" aria-label="{xml_escape(label)}" viewBox="0 0 460 {height}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{xml_escape(label)}</title>{"".join(bars)}</svg></figure>\n')


def page(env: Environment, template: str, **view) -> Deferred:
    """An overview page (a theme, the places, the timeline, the home page) rendered only
    when its view changed: a fixed page's view is gathered from every article, but
    rendering it costs several times more than gathering it."""
    return Deferred(fingerprint(template, view), functools.partial(render_template, env, template, view))


def render_template(env: Environment, template: str, view: dict) -> str:
    return env.get_template(template).render(view)


@apart_from_related
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
    maker = feed_entry_part(base, tuple(sorted(names.items())), fallback)
    return streamed(head, [("", [derived(a, maker) for a in articles])], b"</feed>\n")


@functools.cache
def feed_entry_part(base: str, names: tuple[tuple[str, str], ...],
                    fallback: str | None) -> Callable[[Article], tuple[bytes, bytes]]:
    """What makes an article's feed entry (bytes, digest) for links under ``base``, its categories
    the themes' ``names``, undated entries dated ``fallback`` (one maker per base, names and
    fallback, so an entry kept with its article is the one for them)."""
    @apart_from_related  # as feed_entry
    def part(a: Article) -> tuple[bytes, bytes]:
        return hashed(feed_entry_text(feed_entry(a), base, dict(names), fallback).encode("utf-8"))
    return part


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


def hashed(*pieces: bytes) -> tuple:
    """The pieces of one part of a ``Streamed`` file, then their digest."""
    digest = hashlib.sha1()
    for piece in pieces:
        digest.update(piece)
    return (*pieces, digest.digest())


def streamed(head: bytes, sections: list[tuple[str, list[tuple]]], tail: bytes, *, opening: bytes = b"",
             start: bytes = b"", separator: bytes = b"", closing: bytes = b"") -> Streamed:
    """A ``Streamed`` file: ``head``, then per section ``opening`` (``{name}`` replaced by its name),
    ``start`` and its parts (as ``hashed`` gives them) with ``separator`` between them, and
    ``closing``; then ``tail``. The key hashes the layout and each part's digest, not the file."""
    key = hashlib.sha1(b"\0".join([renderer_version().encode(), head, tail, start, separator, closing]))
    openings = []
    for name, parts in sections:
        openings.append(opening.replace(b"{name}", name.encode("utf-8")))
        key.update(b"%d\0%s\0" % (len(parts), openings[-1]))
        key.update(b"".join([part[-1] for part in parts]))

    def pieces() -> Iterator[bytes]:
        yield head
        for section_opening, (_, parts) in zip(openings, sections):
            yield section_opening
            between = start
            for part in parts:
                yield between
                yield from part[:-1]
                between = separator
            yield closing
        yield tail
    return Streamed(key.hexdigest(), pieces)


def export_json(digest: Digest) -> str:
    """The data export (DESIGN.md, 'The data export'), UTF-8 JSON, keys in fixed order."""
    return text_of(export_file(digest))


def export_file(digest: Digest, records: dict | None = None) -> Streamed:
    """The export: one record per line, readable and diffable, each line's bytes kept with its
    record (``model.derived``).

    Each record is written by json's C encoder (``indent`` would switch to the
    pure-Python one, about ten times slower). ``records`` maps article ids to
    (key, JSON before the related list, after it) from the last build
    (``article_lines``); the map is brought up to date (only this export's
    articles stay in it).
    """
    firsts = Counter(a.theme_keys[0] for a in digest.articles)
    counts = {t.key: firsts[t.key] for t in digest.themes}
    head = ('{"themes": ' + JSON({t.key: {"name": t.name, "count": counts[t.key]} for t in digest.themes}))
    return streamed(head.encode("utf-8"), [
        ("articles", list(article_lines(digest.articles, records))),
        ("dropped", [derived(d, dropped_line) for d in digest.dropped]),
        ("pages", [derived(p, page_line) for p in digest.pages]),
    ], b"}\n", opening=b',\n"{name}": [', start=b"\n", separator=b",\n", closing=b"\n]")


def dropped_line(d: Dropped) -> tuple[bytes, bytes]:
    return hashed(JSON({"file": d.file, "lines": list(d.lines), "kind": d.kind, "text": d.text,
                        "reason": d.reason}).encode("utf-8"))


def page_line(p: Page) -> tuple[bytes, bytes]:
    return hashed(JSON({"file": p.file, "encoding": p.encoding, "newspaper": p.meta.newspaper,
                        "edition": p.meta.edition, "date": p.meta.date, "warnings": list(p.warnings)}).encode("utf-8"))


def article_lines(articles, records: dict | None):
    """Each article's record as a line of JSON (its pieces, then their digest: ``hashed``), the
    unchanged parts as the last build wrote them.

    A record is its article's own fields around its related list: a new day's
    pages shift almost every related score a little, and the rest of the record
    (nine tenths of it) not at all. ``records`` keeps the JSON before and after
    the related list, by article id, for articles whose ``article_key`` is the
    same; the related list is encoded afresh. The pieces are cut from the
    record's own JSON, so the line is the bytes ``JSON(article_record(a))`` gives.
    """
    if records is None:
        for a in articles:
            yield hashed(JSON(article_record(a)).encode("utf-8"))
        return
    kept = 0  # the records are brought up to date in place: each is read (as the last) before it is replaced
    for a in articles:
        if a.made_from is None:  # no article_key: nothing earlier was made from the same
            records.pop(a.id, None)
            yield hashed(JSON(article_record(a)).encode("utf-8"))
            continue
        key, before, related, after, line_digest = derived(a, export_line, records)
        records[a.id] = (key, before, after)
        kept += 1
        yield before, related, after, line_digest
    if len(records) != kept:  # articles gone since the last build
        present = {a.id for a in articles}
        for article_id in [i for i in records if i not in present]:
            del records[article_id]


def export_line(a: Article, last: dict) -> tuple[str, bytes, bytes, bytes, bytes]:
    """An article's line of the export: the key of its own fields, the UTF-8 JSON before its related
    list, the related list and after it (those of ``last`` when the key is the same), their digest."""
    key = fingerprint(article_key(a))
    known = last.get(a.id)
    before, after = known[1:] if known and known[0] == key else record_around_related(a)
    related = (JSON([r.id for r in a.related]) + RELATED_REASONS + JSON(related_reasons(a))).encode("utf-8")
    return (key, *hashed(before, related, after))


RELATED = ', "related": '
RELATED_REASONS = ', "related_reasons": '
AFTER_RELATED = ', "source": '


def record_around_related(a: Article) -> tuple[bytes, bytes]:
    """The UTF-8 JSON of an article's record up to its related list, and after it (``article_lines``)."""
    line = JSON(article_record(a))
    # Inside a JSON string every quote is escaped, so `, "related": ` and `, "source": ` with bare quotes
    # occur only as the record's own keys (the related lists' keys are id, score and reason).
    start = line.index(RELATED) + len(RELATED)
    return line[:start].encode("utf-8"), line[line.index(AFTER_RELATED, start):].encode("utf-8")


def related_reasons(a: Article) -> list[dict]:
    return [{"id": r.id, "score": r.score, "reason": r.reason} for r in a.related]


JSON = json.JSONEncoder(ensure_ascii=False).encode


def article_record(a: Article) -> dict:
    d, an = a.draft, a.analysis
    return {
        "id": a.id,
        "url": a.url,
        "title": d.title,
        "kicker": d.kicker,
        "subtitle": d.subtitle,
        "byline": list(d.byline.names),
        "reporters": list(d.byline.reporters),
        "correspondents": list(d.byline.correspondents),
        "byline_text": d.byline.text or None,
        "dateline": d.dateline,
        "date": an.date.value,
        "date_source": an.date.source,
        "places": [p.full for p in an.places],
        "themes": list(a.theme_keys),
        "theme_scores": [{"theme": t.key, "score": t.score, "evidence": list(t.evidence),
                          "sentences": list(t.sentences)} for t in a.themes],
        "summary": "".join(an.summary),
        "keywords": list(an.keywords),
        "figures": [{"value": f.value, "unit": f.unit, "text": f.text} for f in an.figures],
        "related": [r.id for r in a.related],
        "related_reasons": related_reasons(a),
        "source": {"file": d.file, "lines": list(d.lines)},
        "captions": list(d.captions),
        "credits": list(d.credits),
        "headings": [{"text": h.text, "before": h.before} for h in d.headings],
        "paragraphs": [p.text for p in d.paragraphs],
        "edits": [{"line": e.line, "original": e.original, "reason": e.reason} for e in d.edits],
        "notes": list(d.notes),
    }
