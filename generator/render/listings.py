"""Listings: the order of the archive, the parts a long listing is cut into, the indexes
by theme, place, tag and month, and the addresses of place and tag pages."""
from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from typing import Callable

from jinja2 import Environment

from generator.link import ids as link
from generator.model import Article
from generator.render.text import Deferred, fingerprint, render_template


def listing_page(env: Environment, path: str, template: str, articles: list[Article],
                 view_of: Callable[[Article], dict], *, view: Callable | None = None, **fixed) -> Deferred:
    """A page listing ``articles`` (each as ``view_of`` shows it) under the ``fixed`` view. The
    template gets the articles' views as ``articles``, or ``view(those views)``'s values (the
    timeline groups its part by date). Its key is made from what it shows."""
    shown = list(map(view_of, articles))
    return Deferred(fingerprint(template, fixed, shown),
                    functools.partial(render_template, env, template, {**fixed, **(view(shown) if view else
                                                                                    {"articles": shown})}))


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
        # an archive part does not show how many parts there are: left out, its key stays as parts are added
        pager = {"number": number, "root": root, "archived": None if number else archived, "newer": newer,
                 "older": older,
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


@functools.lru_cache(maxsize=65536)
def place_pinyin(path: tuple[str, ...]) -> str:
    return "-".join(link.pinyin_of(name) or "x" for name in path)


def timeline_months(articles: list[Article], size: int) -> list[dict]:
    """The timeline's months, newest first (``articles`` are), each with its count and the part
    its newest article is on."""
    first: dict[str, int] = {}  # month → the position of its newest article
    counts: Counter = Counter()
    for position, a in enumerate(articles):
        (month,) = month_of(a)
        first.setdefault(month, position)
        counts[month] += 1
    return [{"month": month, "count": counts[month],
             "part": part_path("timeline", part_of(position, len(articles), size))} for month, position in first.items()]
